"""Upgrades never hurt a live stack: nothing of an existing stack is replaced or deleted.

The fixture recorded the dev stack as declared before `routes` existed. Replacing the user
pool would delete every account; renaming a resource or changing a replace-triggering input
(the KongPlugin's name, the attachment's Ingress) would remove and re-create it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from program_harness import PROJECT, ROOT, Declared, ProgramRun, dev_stack_config, run_program, shared_run

BEFORE_ROUTES = json.loads((ROOT / "tests" / "fixtures" / "dev_stack_before_routes.json").read_text())
POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
KONG_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin"
SECRET = "kubernetes:core/v1:Secret"
# Inputs added since the fixture was recorded, each updated in place by the AWS provider.
ADDED_IN_PLACE = {
    CLIENT: {"logoutUrls"},  # sign-out
    # The feature plan: AWS made the pool Essentials; UpdateUserPool moves it to Lite in place.
    POOL: {"userPoolTier"},
}
# Kong config fields and metadata added since: the KongPlugin is updated in place.
ADDED_TO_THE_PLUGIN = {"logout_uri_suffix", "logout_methods", "end_session_endpoint"}  # sign-out

ROUTE_A = {"ingress": "demo", "namespace": "default", "host": "apps.example.com", "path": "/bar"}
ROUTE_B = {"ingress": "admin", "namespace": "default", "host": "apps.example.com", "path": "/admin"}
ROUTE_C = {"ingress": "shop", "namespace": "shop", "host": "shop.example.org", "path": "/"}


def run_routes(*routes: dict[str, str]) -> ProgramRun:
    return shared_run({**dev_stack_config(), f"{PROJECT}:routes": json.dumps(list(routes))})


def by_urn(run: ProgramRun) -> dict[str, Declared]:
    return {resource.urn: resource for resource in run.declared}


def kubernetes_identity(resource: Declared) -> dict[str, Any]:
    if resource.type.startswith("kubernetes:"):
        metadata = resource.inputs["metadata"]
        return {key: metadata[key] for key in ("name", "namespace") if key in metadata}
    return {key: resource.inputs[key] for key in ("namespace", "ingress_name", "plugin_name")}


def test_the_dev_stack_keeps_every_urn(dev_stack: ProgramRun) -> None:
    assert sorted(by_urn(dev_stack)) == BEFORE_ROUTES["urns"]


def test_the_dev_stack_keeps_its_cognito_and_random_inputs(dev_stack: ProgramRun) -> None:
    resources = by_urn(dev_stack)
    for urn, before in BEFORE_ROUTES["inputs"].items():
        now = resources[urn]
        added = ADDED_IN_PLACE.get(now.type, set())
        assert {key: value for key, value in now.inputs.items() if key not in added} == before, urn


def test_the_dev_stack_keeps_the_names_of_its_kubernetes_objects(dev_stack: ProgramRun) -> None:
    resources = by_urn(dev_stack)
    for urn, before in BEFORE_ROUTES["kubernetes_identities"].items():
        assert kubernetes_identity(resources[urn]) == before, urn


def test_the_dev_stacks_pool_moves_to_the_lite_plan_and_gains_nothing_else(dev_stack: ProgramRun) -> None:
    run = dev_stack
    assert run.one(POOL).inputs["userPoolTier"] == "LITE"
    # No identity providers, no groups trigger: an upgrade declares nothing new (test above: same URNs),
    # and the client still offers local accounts only.
    assert run.one(CLIENT).inputs["supportedIdentityProviders"] == ["COGNITO"]
    assert "identityProviders" not in run.exports
    assert all("signInWith" not in route for route in run.exports["routes"].value)


def test_a_stack_with_allowed_groups_and_no_identity_provider_gets_no_groups_trigger() -> None:
    run = shared_run({**dev_stack_config(), f"{PROJECT}:allowedGroups": '["staff"]'})
    added = {resource.name for resource in run.declared if resource.urn not in BEFORE_ROUTES["urns"]}
    assert added == {"cognito-group-staff"}
    pool = run.one(POOL).inputs
    assert "lambdaConfig" not in pool and "schemas" not in pool


def test_the_dev_stacks_kong_plugin_only_gains_sign_out_and_its_owner(dev_stack: ProgramRun) -> None:
    resources = by_urn(dev_stack)
    for urn, before in BEFORE_ROUTES["kong_plugin_inputs"].items():
        now = resources[urn].inputs
        assert (now["plugin"], now["configPatches"]) == (before["plugin"], before["configPatches"])
        assert {key: value for key, value in now["metadata"].items() if key != "annotations"} == before["metadata"]
        assert now["metadata"]["annotations"] == {"kong-cognito-oidc/stack": "kong-cognito-oidc/dev"}
        assert {key: value for key, value in now["config"].items() if key not in ADDED_TO_THE_PLUGIN} == before[
            "config"
        ]


def test_moving_the_single_route_into_routes_changes_nothing(dev_stack: ProgramRun) -> None:
    # The route on ingressNamespace/ingressName is the one the stack protected before `routes`.
    host = "kong-proxy-0123456789.us-west-2.elb.amazonaws.com"
    before = by_urn(dev_stack)
    after = by_urn(run_routes({"ingress": "demo", "namespace": "default", "host": host, "path": "/bar"}))
    assert {urn: r.inputs for urn, r in after.items()} == {urn: r.inputs for urn, r in before.items()}


def _unchanged_except_the_client(before: dict[str, Declared], after: dict[str, Declared], urns: set[str]) -> None:
    for urn in urns:
        if before[urn].type == CLIENT:
            keys = before[urn].inputs.keys() | after[urn].inputs.keys()
            changed = {key for key in keys if before[urn].inputs.get(key) != after[urn].inputs.get(key)}
            assert changed <= {"callbackUrls", "logoutUrls"}, "the client only gets its URL lists updated"
        else:
            assert after[urn].inputs == before[urn].inputs, urn


def test_adding_a_route_changes_no_resource_of_the_routes_already_there() -> None:
    before = by_urn(run_routes(ROUTE_A, ROUTE_C))
    after = by_urn(run_routes(ROUTE_A, ROUTE_B, ROUTE_C))
    assert set(before) < set(after)
    _unchanged_except_the_client(before, after, set(before))
    added = {after[urn].name for urn in set(after) - set(before)}
    assert added == {"kong-oidc-plugin-default.admin", "ingress-default.admin", "ingress-default.admin-annotation"}


def test_the_secret_in_ingress_namespace_keeps_its_name_whatever_the_order_of_routes() -> None:
    original_first = by_urn(run_routes(ROUTE_A, ROUTE_C))
    original_last = by_urn(run_routes(ROUTE_C, ROUTE_A))
    assert set(original_last) == set(original_first)
    _unchanged_except_the_client(original_first, original_last, set(original_first))
    secrets = {r.name: r.inputs["metadata"]["namespace"] for r in original_last.values() if r.type == SECRET}
    assert secrets == {"kong-oidc-secrets": "default", "kong-oidc-secrets-shop": "shop"}
    assert {urn for urn, r in original_last.items() if r.name == "kong-oidc-secrets"} <= set(BEFORE_ROUTES["urns"])


def test_removing_a_route_removes_only_its_plugin_attachment_and_unshared_secret() -> None:
    before = by_urn(run_routes(ROUTE_A, ROUTE_B, ROUTE_C))
    without_b = by_urn(run_routes(ROUTE_A, ROUTE_C))
    # B shares the default namespace's Secret with A: the Secret stays.
    assert {before[urn].name for urn in set(before) - set(without_b)} == {
        "kong-oidc-plugin-default.admin",
        "ingress-default.admin",
        "ingress-default.admin-annotation",
    }
    _unchanged_except_the_client(before, without_b, set(without_b))

    without_c = by_urn(run_routes(ROUTE_A, ROUTE_B))
    # C was the shop namespace's only route: its Secret goes with it.
    assert {before[urn].name for urn in set(before) - set(without_c)} == {
        "kong-oidc-plugin-shop.shop",
        "kong-oidc-secrets-shop",
        "ingress-shop.shop",
        "ingress-shop.shop-annotation",
    }
    _unchanged_except_the_client(before, without_c, set(without_c))


def test_adding_machine_clients_and_an_api_route_changes_nothing_already_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = by_urn(run_routes(ROUTE_A, ROUTE_C))
    api_route = {**ROUTE_B, "mode": "api", "scopes": ["orders.read"]}
    after = by_urn(
        run_program(
            monkeypatch,
            {
                **dev_stack_config(),
                f"{PROJECT}:routes": json.dumps([ROUTE_A, ROUTE_C, api_route]),
                f"{PROJECT}:apiClients": '[{"name": "billing", "scopes": ["orders.read"]}]',
            },
        )
    )
    assert set(before) < set(after)
    # The browser routes' plugins keep their config: only the new route's plugin checks bearer tokens.
    _unchanged_except_the_client(before, after, set(before))
    added = {after[urn].name for urn in set(after) - set(before)}
    assert added == {
        "api-clients",
        "api-clients-resource-server",
        "api-clients-client-billing",
        "kong-oidc-plugin-default.admin",
        "ingress-default.admin",
        "ingress-default.admin-annotation",
    }


def test_adding_identity_providers_updates_only_the_pool_and_the_client_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What each update changes is an input the AWS provider updates in place: the pool's schema grows
    # (AddCustomAttributes) and gets the trigger (UpdateUserPool); the client lists the providers.
    with_groups = {**dev_stack_config(), f"{PROJECT}:allowedGroups": '["staff"]'}
    provider = {
        "name": "Entra",
        "type": "SAML",
        "metadataUrl": "https://login.microsoftonline.com/tenant/federationmetadata.xml",
        "attributes": {"email": "emailaddress"},
        "groupsAttribute": "groups",
    }
    before = by_urn(shared_run(with_groups))
    after = by_urn(run_program(monkeypatch, {**with_groups, f"{PROJECT}:identityProviders": json.dumps([provider])}))
    assert set(before) < set(after)
    in_place = {POOL: {"schemas", "lambdaConfig"}, CLIENT: {"supportedIdentityProviders", "writeAttributes"}}
    for urn, resource in before.items():
        keys = resource.inputs.keys() | after[urn].inputs.keys()
        changed = {key for key in keys if resource.inputs.get(key) != after[urn].inputs.get(key)}
        assert changed <= in_place.get(resource.type, set()), urn
