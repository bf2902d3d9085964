"""Scenario: machine clients and an `api` route on an HTTPRoute next to a browser route on an Ingress.

The reference stack: one browser Ingress route, one api HTTPRoute route with a required scope,
two machine clients. Cognito is moto's (through the AWS provider stand-in), the
KongPlugins and the HTTPRoute are the real API server's, with the Gateway API's CRDs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_backends import RealClusterStore
from cluster_state import (
    app_clients,
    changes,
    http_route,
    ingress,
    kong_plugins,
    plugins_listed,
    resource_servers,
    steps,
    user_pools,
)
from engine import Engine
from kube_apiserver import ADMIN, KubeApiServer

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION

pytestmark = pytest.mark.e2e

STACK = "apis"
IDENTIFIER = "https://apps.example.com"
ROUTES = [
    {"ingress": "demo", "host": "apps.example.com", "path": "/bar"},
    {
        "ingress": "orders-api",
        "host": "apps.example.com",
        "path": "/api",
        "mode": "api",
        "kind": "HTTPRoute",
        "scopes": ["orders.write"],
    },
]
API_CLIENTS = [
    {"name": "billing-job", "scopes": ["orders.read", "orders.write"]},
    {"name": "reports", "scopes": ["orders.read"]},
]
# Another team's entry and annotation on the HTTPRoute, there before the stack.
ORDERS_ANNOTATIONS = {PLUGINS_ANNOTATION: "cors", "team/owner": "orders"}


@pytest.fixture
def orders_route(engine_gateway_api: RealClusterStore, engine_cluster: KubeApiServer) -> dict[str, Any]:
    """The existing HTTPRoute `orders-api` the api route protects, as its owner made it."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    custom = client.CustomObjectsApi(engine_cluster.client(ADMIN))
    try:
        custom.delete_namespaced_custom_object("gateway.networking.k8s.io", "v1", "default", "httproutes", "orders-api")
    except ApiException as error:
        if error.status != 404:
            raise
    engine_gateway_api.add_http_route(
        "default", "orders-api", ORDERS_ANNOTATIONS, [{"name": "kong", "namespace": "kong"}]
    )
    return http_route(engine_cluster, "orders-api")


def outputs(engine: Engine, project: Path) -> dict[str, Any]:
    done = engine.pulumi(project, STACK, "stack", "output", "--json")
    assert done.returncode == 0, done
    found: dict[str, Any] = json.loads(done.output)
    return found


def test_api_route_on_an_httproute_with_two_machine_clients_up_preview_destroy(
    engine: Engine,
    project: Path,
    engine_cluster: KubeApiServer,
    moto_url: str,
    demo_ingress: dict[str, Any],
    orders_route: dict[str, Any],
) -> None:
    config = {
        "aws:region": "us-west-2",
        "kong-cognito-oidc:routes": ROUTES,
        "kong-cognito-oidc:apiClients": API_CLIENTS,
    }
    (project / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": config}))

    up = engine.make("up", project, STACK)
    assert up.returncode == 0, up

    # Cognito: one resource server with the clients' scopes, one client-credentials client per machine client.
    (pool,) = user_pools(moto_url)
    (server,) = resource_servers(moto_url, pool["Id"])
    assert server["Identifier"] == IDENTIFIER
    assert sorted(scope["ScopeName"] for scope in server["Scopes"]) == ["orders.read", "orders.write"]
    clients = app_clients(moto_url)
    machines = {name: found for name, found in clients.items() if name in {"billing-job", "reports"}}
    ((_, browser_client),) = [(name, found) for name, found in clients.items() if name not in machines]
    assert browser_client["AllowedOAuthFlows"] == ["code"]
    for machine in API_CLIENTS:
        found = machines[str(machine["name"])]
        assert found["AllowedOAuthFlows"] == ["client_credentials"], found
        assert found["AllowedOAuthScopes"] == [f"{IDENTIFIER}/{scope}" for scope in machine["scopes"]], found
        assert found["ClientSecret"], found
    machine_ids = sorted(found["ClientId"] for found in machines.values())

    # Outputs: the clients by name and id; their secrets only as a secret output.
    shown = outputs(engine, project)
    assert sorted(entry["clientId"] for entry in shown["apiClients"]) == machine_ids
    assert shown["apiClientSecrets"] == "[secret]"
    assert shown["tokenUrl"].endswith("/oauth2/token")
    exported = json.dumps(engine.export(project, STACK))
    for found in machines.values():
        assert found["ClientSecret"] not in exported
        assert found["ClientSecret"] not in up.output

    # Kong: the api route's plugin takes bearer tokens of the two machine clients with the scope, nothing else.
    by_route = {route["ingress"]: route["plugin"] for route in shown["routes"]}
    plugins = {plugin["metadata"]["name"]: plugin["config"] for plugin in kong_plugins(engine_cluster)}
    assert set(plugins) == set(by_route.values())
    api = plugins[by_route["orders-api"]]
    assert api["auth_methods"] == ["bearer"]
    assert api["bearer_token_param_type"] == ["header"]
    assert api["audience_claim"] == ["client_id"]
    assert sorted(api["audience_required"]) == machine_ids
    assert api["scopes_claim"] == ["scope"]
    assert api["scopes_required"] == [f"{IDENTIFIER}/orders.write"]
    assert "redirect_uri" not in api
    browser = plugins[by_route["demo"]]
    assert browser["auth_methods"] == ["authorization_code", "session"]
    assert "audience_required" not in browser

    # The attachments: the HTTPRoute lists its plugin after the other team's, the Ingress its own.
    route = http_route(engine_cluster, "orders-api")
    assert route["metadata"]["annotations"] == {
        **ORDERS_ANNOTATIONS,
        PLUGINS_ANNOTATION: f"cors,{by_route['orders-api']}",
    }
    assert plugins_listed(engine_cluster) == [by_route["demo"]]

    # A second run changes nothing.
    preview = engine.pulumi(project, STACK, "preview", "--expect-no-changes")
    assert preview.returncode == 0, preview
    assert set(changes(preview.output)) == {"unchanged"}, preview

    # Another team lists a plugin meanwhile; destroy takes back only what the stack added.
    from kubernetes import client

    client.CustomObjectsApi(engine_cluster.client(ADMIN)).patch_namespaced_custom_object(
        "gateway.networking.k8s.io", "v1", "default", "httproutes", "orders-api",
        {"metadata": {"annotations": {PLUGINS_ANNOTATION: f"cors,{by_route['orders-api']},acl"}}},
        _content_type="application/merge-patch+json",
    )  # fmt: skip
    destroy = engine.make("destroy", project, STACK)
    assert destroy.returncode == 0, destroy
    assert {"ResourceServer api-clients-resource-server", "UserPoolClient api-clients-client-reports"} <= steps(
        destroy.output
    ).get("-", set()), destroy
    after = http_route(engine_cluster, "orders-api")
    assert after["metadata"]["annotations"] == {**ORDERS_ANNOTATIONS, PLUGINS_ANNOTATION: "cors,acl"}
    assert after["spec"] == orders_route["spec"]
    assert ingress(engine_cluster)["metadata"]["annotations"] == demo_ingress["metadata"]["annotations"]
    assert kong_plugins(engine_cluster) == []
    assert user_pools(moto_url) == []
