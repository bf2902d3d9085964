"""Who gets in, how they get out, who the app sees: the access settings' effect on Cognito and Kong."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from program_harness import CLIENT_ID, PROJECT, USER_POOL_ID, ProgramRun, dev_stack_config, run_program

USER_POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
GROUP = "aws:cognito/userGroup:UserGroup"
KONG_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin"
HOSTED_UI = "kong-oidc-dev-1a2b3c4d.auth.us-west-2.amazoncognito.com"
ROUTES = [
    {"ingress": "demo", "host": "apps.example.com", "path": "/bar"},
    {"ingress": "shop", "namespace": "shop", "host": "shop.example.org", "path": "/"},
]


def run_with(monkeypatch: pytest.MonkeyPatch, *, routes: bool = False, **settings: str) -> ProgramRun:
    config = dev_stack_config() | {f"{PROJECT}:{key}": value for key, value in settings.items()}
    if routes:
        config[f"{PROJECT}:routes"] = json.dumps(ROUTES)
    return run_program(monkeypatch, config)


def configs(run: ProgramRun) -> list[dict[str, object]]:
    return [plugin.inputs["config"] for plugin in run.of_type(KONG_PLUGIN)]


@pytest.mark.parametrize("routes", [False, True], ids=["one route", "two routes"])
def test_invite_only_team_app_declares_an_admin_only_pool_the_group_and_plugins_that_require_it(
    monkeypatch: pytest.MonkeyPatch, routes: bool
) -> None:
    run = run_with(monkeypatch, routes=routes, selfSignUp="false", allowedGroups='["staff"]')
    assert run.one(USER_POOL).inputs["adminCreateUserConfig"] == {"allowAdminCreateUserOnly": True}
    group = run.one(GROUP)
    assert (group.inputs["name"], group.inputs["userPoolId"], group.inputs["region"]) == (
        "staff",
        USER_POOL_ID,
        "us-west-2",
    )
    assert "kong-cognito-oidc:index:CognitoSignIn$" in group.urn
    assert len(configs(run)) == (2 if routes else 1)
    for config in configs(run):
        assert config["groups_claim"] == ["cognito:groups"]
        assert config["groups_required"] == ["staff"]
    assert run.exports["allowedGroups"].value == ["staff"]


def test_several_groups_are_alternatives_on_every_route(monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_with(monkeypatch, routes=True, allowedGroups='["staff", "contractors"]')
    assert sorted(group.inputs["name"] for group in run.of_type(GROUP)) == ["contractors", "staff"]
    # Kong reads separate entries as "any of" (a space inside one entry would mean "all of").
    assert [config["groups_required"] for config in configs(run)] == [["staff", "contractors"]] * 2


def test_without_groups_any_signed_in_user_passes_as_before(dev_stack: ProgramRun) -> None:
    run = dev_stack
    assert run.of_type(GROUP) == []
    assert all("groups_required" not in config and "groups_claim" not in config for config in configs(run))
    assert run.one(USER_POOL).inputs["adminCreateUserConfig"] == {"allowAdminCreateUserOnly": False}


def logout_query(config: dict[str, object]) -> tuple[str, dict[str, list[str]]]:
    endpoint = str(config["end_session_endpoint"])
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qs(parts.query)


def test_every_plugin_signs_out_through_cognitos_logout_with_this_client_and_a_registered_uri(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = run_with(monkeypatch, routes=True)
    urls = ["https://apps.example.com/bar", "https://shop.example.org/"]
    assert run.one(CLIENT).inputs["logoutUrls"] == urls
    # Plugins register in no fixed order; each is the plugin of the route its redirect_uri names.
    by_route = {config["redirect_uri"][0]: config for config in configs(run)}  # type: ignore[index]
    assert sorted(by_route) == sorted(urls)
    for url, config in by_route.items():
        assert config["logout_uri_suffix"] == "/logout"
        assert config["logout_methods"] == ["GET", "POST"]
        endpoint, query = logout_query(config)
        assert endpoint == f"https://{HOSTED_UI}/logout"
        assert query == {"client_id": [CLIENT_ID], "logout_uri": [url]}
        # Kong would pass it on as post_logout_redirect_uri, a parameter Cognito's /logout refuses.
        assert "logout_redirect_uri" not in config
    assert [route["signOutUrl"] for route in run.exports["routes"].value] == [
        "https://apps.example.com/bar/logout",
        "https://shop.example.org/logout",
    ]


@pytest.mark.parametrize("routes", [False, True], ids=["one route", "two routes"])
def test_one_signed_out_url_serves_every_route_and_is_registered_once(
    monkeypatch: pytest.MonkeyPatch, routes: bool
) -> None:
    run = run_with(monkeypatch, routes=routes, signedOutUrl="https://apps.example.com/goodbye")
    assert run.one(CLIENT).inputs["logoutUrls"] == ["https://apps.example.com/goodbye"]
    assert {logout_query(config)[1]["logout_uri"][0] for config in configs(run)} == {"https://apps.example.com/goodbye"}
    assert {route["signedOutUrl"] for route in run.exports["routes"].value} == {"https://apps.example.com/goodbye"}


@pytest.mark.parametrize("routes", [False, True], ids=["one route", "two routes"])
def test_identity_headers_map_claims_to_upstream_headers_in_order(
    monkeypatch: pytest.MonkeyPatch, routes: bool
) -> None:
    run = run_with(monkeypatch, routes=routes, upstreamHeaders='{"sub": "X-User-Id", "email": "X-User-Email"}')
    assert len(configs(run)) == (2 if routes else 1)
    for config in configs(run):
        # Paired by index; Kong looks in the access token, then the ID token (where Cognito puts email).
        assert config["upstream_headers_claims"] == ["sub", "email"]
        assert config["upstream_headers_names"] == ["X-User-Id", "X-User-Email"]


def test_no_identity_headers_unless_asked(dev_stack: ProgramRun) -> None:
    assert all("upstream_headers_claims" not in config for config in configs(dev_stack))
