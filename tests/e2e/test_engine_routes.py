"""Scenario 3: routes across two namespaces; a fourth route added, then removed, touches only its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_state import kong_plugins, plugins_listed, steps
from engine import Engine
from kube_apiserver import ADMIN, KubeApiServer

pytestmark = pytest.mark.e2e

ROUTES = [
    {"ingress": "demo", "namespace": "default", "host": "apps.example.com", "path": "/bar"},
    {"ingress": "admin", "host": "apps.example.com", "path": "/admin"},
    {"ingress": "shop", "namespace": "shop", "host": "shop.example.org", "path": "/", "plugin": "shop-login"},
]
FOURTH = {"ingress": "api", "namespace": "shop", "host": "shop.example.org", "path": "/api"}


def ingress(namespace: str, name: str) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "ingressClassName": "kong",
            "rules": [
                {
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": name, "port": {"number": 80}}},
                            }
                        ]
                    }
                }
            ],
        },
    }


@pytest.fixture
def more_ingresses(engine_cluster: KubeApiServer, demo_ingress: dict[str, Any]) -> None:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    networking = client.NetworkingV1Api(engine_cluster.client(ADMIN))
    for namespace, name in (("default", "admin"), ("shop", "shop"), ("shop", "api")):
        try:
            networking.delete_namespaced_ingress(name, namespace)
        except ApiException as error:
            if error.status != 404:
                raise
        networking.create_namespaced_ingress(namespace, ingress(namespace, name))


def set_routes(project: Path, routes: list[dict[str, str]]) -> None:
    config = {"aws:region": "us-west-2", "kong-cognito-oidc:routes": routes}
    (project / "Pulumi.routes.yaml").write_text(yaml.safe_dump({"config": config}))


def test_adding_and_removing_a_route_touches_only_its_own_resources(
    engine: Engine, project: Path, engine_cluster: KubeApiServer, more_ingresses: None
) -> None:
    set_routes(project, ROUTES)
    first = engine.make("up", project, "routes")
    assert first.returncode == 0, first
    assert plugins_listed(engine_cluster, "shop", "shop") == ["shop-login"]
    assert plugins_listed(engine_cluster, "admin", "default") == ["oidc-admin"]

    set_routes(project, [*ROUTES, FOURTH])
    added = engine.make("up", project, "routes")
    assert added.returncode == 0, added
    assert steps(added.output) == {
        "+": {"KongPlugin kong-oidc-plugin-shop.api", "IngressPluginAnnotation ingress-shop.api-annotation"},
        "~": {"UserPoolClient cognito-client"},
    }, added
    assert plugins_listed(engine_cluster, "api", "shop") == ["oidc-api"]

    set_routes(project, ROUTES)
    removed = engine.make("up", project, "routes")
    assert removed.returncode == 0, removed
    assert steps(removed.output) == {
        "-": {"KongPlugin kong-oidc-plugin-shop.api", "IngressPluginAnnotation ingress-shop.api-annotation"},
        "~": {"UserPoolClient cognito-client"},
    }, removed
    assert plugins_listed(engine_cluster, "api", "shop") == []
    assert {plugin["metadata"]["name"] for plugin in kong_plugins(engine_cluster, "shop")} == {"shop-login"}

    assert engine.make("destroy", project, "routes").returncode == 0
