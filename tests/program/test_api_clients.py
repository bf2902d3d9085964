"""Machine clients and API routes, as the program declares them under Pulumi's mocks.

The reference stack: one browser Ingress route, one api HTTPRoute route with a required scope,
and two machine clients.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from program_harness import (
    CLIENT_ID,
    PROJECT,
    CloudMocks,
    ProgramRun,
    RecordingMonitor,
    dev_stack_config,
    machine_client_secret,
    run_program,
)

from components.settings.model import SettingsError

RESOURCE_SERVER = "aws:cognito/resourceServer:ResourceServer"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
KONG_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin"
ANNOTATION = "pulumi-python:dynamic/kong:IngressPluginAnnotation"
API_CLIENTS_COMPONENT = "kong-cognito-oidc:index:ApiClients"
HOST = "apps.example.com"
IDENTIFIER = f"https://{HOST}"
BILLING_ID, REPORTS_ID = "api-clients-client-billing-job-id", "api-clients-client-reports-id"
BROWSER_ROUTE = {"ingress": "demo", "host": HOST, "path": "/bar"}
API_ROUTE = {
    "ingress": "orders",
    "host": HOST,
    "path": "/api",
    "mode": "api",
    "kind": "HTTPRoute",
    "scopes": ["orders.read"],
}
CLIENTS = [{"name": "billing-job", "scopes": ["orders.read", "orders.write"]}, {"name": "reports", "scopes": ["stats"]}]


def config(*routes: dict[str, Any], **more: str) -> dict[str, str]:
    return dev_stack_config() | {
        f"{PROJECT}:routes": json.dumps(list(routes)),
        f"{PROJECT}:apiClients": json.dumps(CLIENTS),
        **{f"{PROJECT}:{key}": value for key, value in more.items()},
    }


@pytest.fixture(scope="module")
def done_when() -> ProgramRun:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return run_program(monkeypatch, config(BROWSER_ROUTE, API_ROUTE))


def plugin_config(run: ProgramRun, plugin_name: str) -> dict[str, Any]:
    (plugin,) = [p for p in run.of_type(KONG_PLUGIN) if p.inputs["metadata"]["name"] == plugin_name]
    return dict(plugin.inputs["config"])


def test_one_resource_server_holds_the_scopes_the_clients_use(done_when: ProgramRun) -> None:
    server = done_when.one(RESOURCE_SERVER)
    assert server.inputs["identifier"] == IDENTIFIER
    assert server.inputs["name"] == "kong-cognito-oidc"
    assert [scope["scopeName"] for scope in server.inputs["scopes"]] == ["orders.read", "orders.write", "stats"]
    assert all(scope["scopeDescription"] for scope in server.inputs["scopes"])
    pool = next(r for r in done_when.declared if r.type == "aws:cognito/userPool:UserPool")
    assert pool.urn in server.dependencies


def test_a_scope_two_clients_hold_is_declared_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # A scope two clients hold is one scope of the resource server: declared once, not once per client.
    shared = [
        {"name": "billing-job", "scopes": ["orders.read"]},
        {"name": "reports", "scopes": ["stats", "orders.read"]},
    ]
    run = run_program(monkeypatch, config(BROWSER_ROUTE, API_ROUTE, apiClients=json.dumps(shared)))
    server = run.one(RESOURCE_SERVER)
    assert [scope["scopeName"] for scope in server.inputs["scopes"]] == ["orders.read", "stats"]


def test_each_machine_client_has_only_client_credentials_and_its_own_scopes(done_when: ProgramRun) -> None:
    server = done_when.one(RESOURCE_SERVER)
    machines = {c.name: c for c in done_when.of_type(CLIENT) if c.name != "cognito-client"}
    assert sorted(machines) == ["api-clients-client-billing-job", "api-clients-client-reports"]
    expected_scopes = {
        "api-clients-client-billing-job": [f"{IDENTIFIER}/orders.read", f"{IDENTIFIER}/orders.write"],
        "api-clients-client-reports": [f"{IDENTIFIER}/stats"],
    }
    for name, client in machines.items():
        assert client.inputs["allowedOauthFlows"] == ["client_credentials"]
        assert client.inputs["allowedOauthFlowsUserPoolClient"] is True
        assert client.inputs["generateSecret"] is True
        assert client.inputs["allowedOauthScopes"] == expected_scopes[name]
        assert client.inputs["explicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
        assert "callbackUrls" not in client.inputs
        # Cognito refuses a scope that no resource server holds yet.
        assert server.urn in client.dependencies


def test_the_machine_clients_live_in_their_own_component(done_when: ProgramRun) -> None:
    assert done_when.one(API_CLIENTS_COMPONENT).name == "api-clients"
    children = [r.type for r in done_when.declared if f"{API_CLIENTS_COMPONENT}$" in r.urn]
    assert sorted(children) == [RESOURCE_SERVER, CLIENT, CLIENT]


def test_the_http_route_is_attached_as_an_http_route_the_ingress_as_before(done_when: ProgramRun) -> None:
    annotations = {a.name: a.inputs for a in done_when.of_type(ANNOTATION)}
    assert set(annotations) == {"ingress-annotation", "ingress-HTTPRoute.default.orders-annotation"}
    assert annotations["ingress-HTTPRoute.default.orders-annotation"]["kind"] == "HTTPRoute"
    # An Ingress attachment's inputs are those of stacks from before kinds existed: no `kind`.
    assert "kind" not in annotations["ingress-annotation"]


def test_moving_a_route_from_an_ingress_to_an_httproute_keeps_its_kongplugin(done_when: ProgramRun) -> None:
    # The KongPlugin is one object whichever kind lists it: under a new resource name, Pulumi would
    # create it again beside the old one (Kubernetes refuses: it exists) and then delete it.
    with pytest.MonkeyPatch.context() as monkeypatch:
        on_ingress = run_program(monkeypatch, config(BROWSER_ROUTE, {**API_ROUTE, "kind": "Ingress"}))
    plugins = {p.inputs["metadata"]["name"]: p.urn for p in on_ingress.of_type(KONG_PLUGIN)}
    assert {p.inputs["metadata"]["name"]: p.urn for p in done_when.of_type(KONG_PLUGIN)} == plugins
    # Only the attachment follows the kind: the HTTPRoute's is created, the Ingress's deleted.
    assert {a.name for a in on_ingress.of_type(ANNOTATION)} == {
        "ingress-annotation",
        "ingress-default.orders-annotation",
    }


def test_the_browser_route_keeps_the_browser_config(done_when: ProgramRun) -> None:
    browser = plugin_config(done_when, "oidc")
    assert browser["auth_methods"] == ["authorization_code", "session"]
    assert not {"audience_required", "scopes_required", "bearer_token_param_type"} & browser.keys()


def test_the_api_route_takes_only_bearer_tokens_of_the_machine_clients_with_its_scopes(done_when: ProgramRun) -> None:
    api = plugin_config(done_when, "oidc-orders")
    assert api["auth_methods"] == ["bearer"]
    assert api["bearer_token_param_type"] == ["header"]
    # Cognito access tokens name their client in client_id, not aud.
    assert api["audience_claim"] == ["client_id"]
    assert api["audience_required"] == [BILLING_ID, REPORTS_ID]
    assert api["scopes_claim"] == ["scope"]
    assert api["scopes_required"] == [f"{IDENTIFIER}/orders.read"]
    assert api["issuers_allowed"] == ["https://cognito-idp.us-west-2.amazonaws.com/us-west-2_AbCdEf123"]
    assert api["issuer"].endswith("/.well-known/openid-configuration")
    # Nothing that would redirect: no sign-in, no sign-out.
    assert not {"redirect_uri", "logout_uri_suffix", "end_session_endpoint", "unauthorized_redirect_uri"} & api.keys()


def test_several_required_scopes_must_all_be_in_the_token() -> None:
    route = {**API_ROUTE, "scopes": ["orders.read", "orders.write"]}
    with pytest.MonkeyPatch.context() as monkeypatch:
        run = run_program(monkeypatch, config(BROWSER_ROUTE, route))
    # One entry, space-separated: Kong reads it as "and"; separate entries would mean "or".
    assert plugin_config(run, "oidc-orders")["scopes_required"] == [
        f"{IDENTIFIER}/orders.read {IDENTIFIER}/orders.write"
    ]


def test_a_both_route_takes_a_session_or_a_bearer_token_of_a_user_or_machine() -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        run = run_program(monkeypatch, config(BROWSER_ROUTE, {**API_ROUTE, "mode": "both"}))
    both = plugin_config(run, "oidc-orders")
    assert both["auth_methods"] == ["authorization_code", "session", "bearer"]
    assert both["audience_required"] == [CLIENT_ID, BILLING_ID, REPORTS_ID]
    # A user's token holds openid, never a machine's: the machine needs the route's scope.
    assert both["scopes_required"] == [f"{IDENTIFIER}/orders.read", "openid"]
    assert both["redirect_uri"] == [f"https://{HOST}/api"]


def test_an_api_route_ignores_allowed_groups_a_browser_route_keeps_them() -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        run = run_program(monkeypatch, config(BROWSER_ROUTE, API_ROUTE, allowedGroups='["staff"]'))
    assert plugin_config(run, "oidc")["groups_required"] == ["staff"]
    assert not {"groups_claim", "groups_required"} & plugin_config(run, "oidc-orders").keys()


def test_no_route_enables_client_credentials_or_password(done_when: ProgramRun) -> None:
    for plugin in done_when.of_type(KONG_PLUGIN):
        assert not {"client_credentials", "password"} & set(plugin.inputs["config"]["auth_methods"])


def test_outputs_name_the_token_url_the_clients_and_the_routes_access(done_when: ProgramRun) -> None:
    exports = done_when.exports
    assert exports["tokenUrl"].value == "https://kong-oidc-dev-1a2b3c4d.auth.us-west-2.amazoncognito.com/oauth2/token"
    assert exports["apiClients"].value == [
        {
            "name": "billing-job",
            "clientId": BILLING_ID,
            "scopes": [f"{IDENTIFIER}/orders.read", f"{IDENTIFIER}/orders.write"],
        },
        {"name": "reports", "clientId": REPORTS_ID, "scopes": [f"{IDENTIFIER}/stats"]},
    ]
    browser, api = exports["routes"].value
    assert not {"mode", "kind", "scopes"} & browser.keys()
    assert (api["mode"], api["kind"], api["scopes"]) == ("api", "HTTPRoute", [f"{IDENTIFIER}/orders.read"])


def test_client_secrets_are_only_in_a_secret_output(done_when: ProgramRun) -> None:
    secrets = done_when.exports["apiClientSecrets"]
    assert secrets.secret
    assert secrets.value == {
        "billing-job": machine_client_secret("api-clients-client-billing-job"),
        "reports": machine_client_secret("api-clients-client-reports"),
    }
    in_the_clear = json.dumps(
        {name: export.value for name, export in done_when.exports.items() if not export.secret}
        | {r.urn: r.inputs for r in done_when.declared if r.type != CLIENT},
        default=str,
    )
    assert "mock-machine-secret" not in in_the_clear


def test_without_api_clients_nothing_is_declared_or_exported_for_them(dev_stack: ProgramRun) -> None:
    run = dev_stack
    assert run.of_type(RESOURCE_SERVER) == [] and run.of_type(API_CLIENTS_COMPONENT) == []
    assert [c.name for c in run.of_type(CLIENT)] == ["cognito-client"]
    assert not {"tokenUrl", "apiClients", "apiClientSecrets"} & run.exports.keys()


# (routes, other settings, where the problem is): each refused (tests/program/test_check.py: by `make check` too).
BAD_INPUTS: list[tuple[list[dict[str, Any]], dict[str, str], str]] = [
    ([BROWSER_ROUTE, {**API_ROUTE, "mode": "apii"}], {}, "routes[1].mode"),
    ([BROWSER_ROUTE, {**API_ROUTE, "kind": "Service"}], {}, "routes[1].kind"),
    ([BROWSER_ROUTE, {**API_ROUTE, "scopes": ["orders.delete"]}], {}, "routes[1].scopes"),
    ([BROWSER_ROUTE, API_ROUTE], {"apiClients": json.dumps([{"name": "a", "scopes": ["o/r"]}])}, "apiClients"),
    ([{**BROWSER_ROUTE, "plugin": "shared"}, {**API_ROUTE, "plugin": "shared"}], {}, "routes[1]"),
    ([BROWSER_ROUTE, API_ROUTE], {"apiIdentifier": "not a uri"}, "apiIdentifier"),
    ([BROWSER_ROUTE, API_ROUTE], {"apiClients": json.dumps([*CLIENTS, CLIENTS[0]])}, "apiClients"),
    ([BROWSER_ROUTE, API_ROUTE], {"apiClients": "[]"}, "routes[1].mode"),
]


@pytest.mark.parametrize(("routes", "more", "where"), BAD_INPUTS)
def test_every_bad_input_is_refused_before_anything_is_declared(
    monkeypatch: pytest.MonkeyPatch, routes: list[dict[str, Any]], more: dict[str, str], where: str
) -> None:
    monitor = RecordingMonitor(CloudMocks())
    with pytest.raises(SettingsError) as raised:
        run_program(monkeypatch, config(*routes, **more), monitor=monitor)
    assert any(problem.startswith(f"kong-cognito-oidc:{where}") for problem in raised.value.problems)
    assert monitor.declared == []
