"""`apiClients`, `apiIdentifier` and the routes' `mode`, `kind` and `scopes`: defaults, and every bad value refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.settings.load import parse_settings
from components.settings.model import ApiClient, SettingsError

MINIMAL = {"aws:region": "us-west-2", "dataPlaneHost": "lb.example.com"}
CLIENTS = [{"name": "billing-job", "scopes": ["orders.read", "orders.write"]}, {"name": "reports", "scopes": ["stats"]}]
BROWSER = {"ingress": "demo", "host": "apps.example.com"}
API = {"ingress": "orders", "host": "api.example.com", "mode": "api", "kind": "HTTPRoute", "scopes": ["orders.read"]}


def values(routes: list[dict[str, Any]] | None = None, clients: list[Any] | None = None, **more: str) -> dict[str, str]:
    result = {**MINIMAL, **more}
    if routes is not None:
        result["routes"] = json.dumps(routes)
    if clients is not None:
        result["apiClients"] = json.dumps(clients)
    return result


def problems_for(raw: dict[str, str]) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        parse_settings(raw)
    return raised.value.problems


def test_without_api_clients_nothing_changes() -> None:
    settings = parse_settings(MINIMAL)
    assert (settings.api_clients, settings.api_identifier) == ((), None)
    (route,) = settings.routes
    assert (route.mode, route.kind, route.required_scopes) == ("browser", "Ingress", ())
    # Pulumi.yaml's default for apiIdentifier is "": the same as unset.
    assert parse_settings({**MINIMAL, "apiClients": "[]", "apiIdentifier": ""}) == settings


def test_api_clients_and_route_access_fields_are_read() -> None:
    settings = parse_settings(values([BROWSER, API], CLIENTS))
    assert settings.api_clients == (
        ApiClient("billing-job", ("orders.read", "orders.write")),
        ApiClient("reports", ("stats",)),
    )
    browser, api = settings.routes
    assert (browser.mode, browser.kind, browser.required_scopes) == ("browser", "Ingress", ())
    assert (api.mode, api.kind, api.required_scopes) == ("api", "HTTPRoute", ("orders.read",))


def test_the_identifier_defaults_to_the_first_routes_host_and_can_be_set() -> None:
    assert parse_settings(values([BROWSER, API], CLIENTS)).api_identifier == "https://apps.example.com"
    assert parse_settings(values(None, CLIENTS)).api_identifier == "https://lb.example.com"
    settings = parse_settings(values([BROWSER, API], CLIENTS, apiIdentifier="orders-api"))
    assert settings.api_identifier == "orders-api"


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ({**API, "mode": "API"}, 'routes[1].mode = "API": expected one of browser, api, both'),
        ({**API, "kind": "Gateway"}, 'routes[1].kind = "Gateway": expected one of Ingress, HTTPRoute'),
        ({**API, "scopes": ["stats", "stats"]}, "routes[1].scopes = [stats, stats]: each scope once"),
    ],
)
def test_an_unknown_mode_or_kind_is_refused(route: dict[str, Any], expected: str) -> None:
    assert problems_for(values([BROWSER, route], CLIENTS)) == [f"kong-cognito-oidc:{expected}"]


@pytest.mark.parametrize("mode", ["api", "both"])
def test_an_api_or_both_route_needs_api_clients(mode: str) -> None:
    assert problems_for(values([BROWSER, {"ingress": "orders", "mode": mode}])) == [
        f'kong-cognito-oidc:routes[1].mode = "{mode}": no apiClients to call it; add apiClients'
    ]


def test_route_scopes_that_no_client_holds_are_refused() -> None:
    assert problems_for(values([BROWSER, {**API, "scopes": ["orders.read", "orders.delete"]}], CLIENTS)) == [
        "kong-cognito-oidc:routes[1].scopes: no client in apiClients holds 'orders.delete'"
    ]


def test_route_scopes_that_no_single_client_holds_together_are_refused() -> None:
    # Each is someone's, but a token must carry them all: none would pass.
    assert problems_for(values([BROWSER, {**API, "scopes": ["orders.read", "stats"]}], CLIENTS)) == [
        "kong-cognito-oidc:routes[1].scopes: no client in apiClients holds them all, so no token would pass"
    ]


def test_scopes_on_a_browser_route_are_refused() -> None:
    assert problems_for(values([{**BROWSER, "scopes": ["stats"]}], CLIENTS)) == [
        "kong-cognito-oidc:routes[0].scopes: only bearer tokens carry scopes; set mode to api or both, or drop scopes"
    ]


def test_a_both_route_with_allowed_groups_is_refused_an_api_route_is_not() -> None:
    (problem,) = problems_for(values([BROWSER, {**API, "mode": "both"}], CLIENTS, allowedGroups='["staff"]'))
    assert problem.startswith('kong-cognito-oidc:routes[1].mode = "both": with allowedGroups, Kong would refuse')
    assert parse_settings(values([BROWSER, API], CLIENTS, allowedGroups='["staff"]')).routes[1].mode == "api"


def test_an_api_route_cannot_share_a_kong_plugin_with_a_browser_route() -> None:
    # One KongPlugin has one config: no two routes share one, whatever their modes.
    shared = {**API, "plugin": "oidc"}
    assert problems_for(values([{**BROWSER, "plugin": "oidc"}, shared], CLIENTS)) == [
        "kong-cognito-oidc:routes[1]: the KongPlugin default/oidc is already routes[0]'s"
    ]


@pytest.mark.parametrize(
    ("clients", "expected"),
    [
        ("{}", "expected a list of machine clients"),
        ([{"name": "a"}], "[0].scopes: this field is required"),
        ([{"name": "a", "scopes": ["x"], "secret": "s"}], "[0].secret: unknown field (expected one of name, scopes)"),
        ([{"name": "a", "scopes": "x"}], "[0].scopes: expected a list of scope names"),
        ([{"name": "a", "scopes": ["x"]}, {"name": "a", "scopes": ["y"]}], '[1].name "a": another client has'),
        ([{"name": "a!", "scopes": ["x"]}], '[0].name "a!": expected 1 to 128 letters, digits, spaces'),
        ([{"name": "é", "scopes": ["x"]}], '[0].name "é": expected 1 to 128'),
        ([{"name": "a" * 129, "scopes": ["x"]}], "expected 1 to 128 letters"),
        ([{"name": "a", "scopes": []}], "[0].scopes: a machine client needs at least one scope"),
        ([{"name": "a", "scopes": ["orders/read"]}], '[0].scopes: "orders/read" is not a Cognito scope name'),
        ([{"name": "a", "scopes": ["has space"]}], '"has space" is not a Cognito scope name'),
        ([{"name": "a", "scopes": ['q"uote']}], "is not a Cognito scope name"),
        ([{"name": "a", "scopes": ["back\\slash"]}], "is not a Cognito scope name"),
        ([{"name": "a", "scopes": ["s" * 257]}], "is not a Cognito scope name"),
        ([{"name": "a", "scopes": ["x", "x"]}], "[0].scopes: each scope once"),
        ([{"name": "a", "scopes": [f"s{n}" for n in range(51)]}], "a Cognito app client holds at most 50 scopes"),
        (
            [{"name": f"c{n}", "scopes": [f"s{n}-{m}" for m in range(26)]} for n in range(4)],
            "104 different scopes: a Cognito resource server holds at most 100",
        ),
    ],
)
def test_bad_api_clients_are_refused(clients: Any, expected: str) -> None:
    raw = clients if isinstance(clients, str) else json.dumps(clients)
    (problem,) = problems_for({**MINIMAL, "apiClients": raw})
    assert problem.startswith("kong-cognito-oidc:apiClients = ")
    assert expected in problem


def test_names_and_scopes_within_cognitos_rules_are_accepted() -> None:
    scopes = ["orders:read", "a" * 200, "~!#$%&'()*+,-.:;<=>?@[]^_`{|}"]
    (client,) = parse_settings(values(None, [{"name": "Billing job+v2=a,b.c@d_e-f", "scopes": scopes}])).api_clients
    assert (client.name, client.scopes) == ("Billing job+v2=a,b.c@d_e-f", tuple(scopes))


@pytest.mark.parametrize("identifier", ["has space", 'quo"te', "back\\slash", "i" * 257, "é"])
def test_an_identifier_cognito_refuses_is_refused(identifier: str) -> None:
    (problem,) = problems_for(values(None, CLIENTS, apiIdentifier=identifier))
    assert problem.startswith("kong-cognito-oidc:apiIdentifier = ")
    assert "expected a Cognito resource server identifier" in problem


def test_an_identifier_too_long_for_a_full_scope_name_is_refused() -> None:
    clients = [{"name": "a", "scopes": ["read"]}]
    assert parse_settings(values(None, clients, apiIdentifier="i" * 251)).api_identifier == "i" * 251
    (problem,) = problems_for(values(None, clients, apiIdentifier="i" * 252))
    assert "'<apiIdentifier>/<scope>' is longer than Cognito's 256 characters" in problem


def test_an_identifier_without_api_clients_is_refused() -> None:
    assert problems_for({**MINIMAL, "apiIdentifier": "https://api.example.com"}) == [
        "kong-cognito-oidc:apiIdentifier: set without apiClients, which it names the scopes of"
    ]


def test_a_routes_problem_and_an_api_clients_problem_are_reported_in_one_run() -> None:
    # routes[0]'s host is refused by its own parser; routes[2] parses, but no client holds its scope.
    bad_host = {**BROWSER, "host": "https://apps.example.com"}
    unheld = {**API, "ingress": "billing", "path": "/billing", "scopes": ["billing.write"]}
    problems = problems_for(values([bad_host, API, unheld], CLIENTS))
    assert problems == [
        'kong-cognito-oidc:routes[0].host = "https://apps.example.com": expected the Kong proxy\'s public host '
        "name, optionally with ':port', without a scheme (drop 'https://')",
        "kong-cognito-oidc:routes[2].scopes: no client in apiClients holds 'billing.write'",
    ]


def test_rules_across_keys_stay_silent_about_a_key_that_did_not_parse() -> None:
    # apiClients is refused on its own: the api route is not also told there is no client to call it.
    problems = problems_for(values([BROWSER, API], [{"name": "billing-job"}]))
    assert len(problems) == 1
    assert problems[0].startswith("kong-cognito-oidc:apiClients = ")
