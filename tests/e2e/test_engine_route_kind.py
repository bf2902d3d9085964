"""Scenario: an app moves from its Ingress to an HTTPRoute of the same name; its route's `kind` follows.

The route's KongPlugin is the same object whichever kind lists it, so it must survive the `up`
untouched: only the attachment moves, listed on the HTTPRoute and taken off the Ingress.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_backends import RealClusterStore
from cluster_state import kong_plugins, plugins_listed
from engine import Engine
from kube_apiserver import ADMIN, KubeApiServer

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION, plugin_names

pytestmark = pytest.mark.e2e

STACK = "kind"
GATEWAY_API = ("gateway.networking.k8s.io", "v1")


@pytest.fixture
def demo_http_route(engine_cluster: KubeApiServer, demo_ingress: dict[str, Any]) -> None:
    """Beside the Ingress `demo`, the HTTPRoute `demo` that replaces it, under Gateway kong/kong."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    store = RealClusterStore(engine_cluster, engine_cluster.client(ADMIN))
    store.install_gateway_api()
    try:
        client.CustomObjectsApi(engine_cluster.client(ADMIN)).delete_namespaced_custom_object(
            *GATEWAY_API, "default", "httproutes", "demo"
        )
    except ApiException as error:
        if error.status != 404:
            raise
    store.add_http_route("default", "demo", None, [{"name": "kong", "namespace": "kong"}])


def http_route_plugins(server: KubeApiServer) -> list[str]:
    from kubernetes import client

    route = client.CustomObjectsApi(server.client(ADMIN)).get_namespaced_custom_object(
        *GATEWAY_API, "default", "httproutes", "demo"
    )
    return plugin_names((route["metadata"].get("annotations") or {}).get(PLUGINS_ANNOTATION))


def set_kind(project: Path, kind: str) -> None:
    route = {"ingress": "demo", "host": "apps.example.com", "path": "/bar", "kind": kind}
    config = {"aws:region": "us-west-2", "kong-cognito-oidc:routes": [route]}
    (project / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": config}))


def test_moving_a_route_to_an_httproute_keeps_its_kongplugin(
    engine: Engine, project: Path, engine_cluster: KubeApiServer, demo_http_route: None
) -> None:
    set_kind(project, "Ingress")
    first = engine.make("up", project, STACK)
    assert first.returncode == 0, first
    (plugin,) = kong_plugins(engine_cluster)
    name = plugin["metadata"]["name"]
    assert plugins_listed(engine_cluster) == [name]

    set_kind(project, "HTTPRoute")
    moved = engine.make("up", project, STACK)
    assert moved.returncode == 0, moved
    # The very object (its uid), not one created again under the same name, nor none at all.
    assert [p["metadata"]["uid"] for p in kong_plugins(engine_cluster)] == [plugin["metadata"]["uid"]], moved
    assert http_route_plugins(engine_cluster) == [name]
    assert plugins_listed(engine_cluster) == []

    destroyed = engine.make("destroy", project, STACK)
    assert destroyed.returncode == 0, destroyed
    assert http_route_plugins(engine_cluster) == []
    assert kong_plugins(engine_cluster) == []
