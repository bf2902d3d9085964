"""`make doctor`'s check of each route on an Ingress: the Ingress exists and Kong serves its class, and the
route's KongPlugin name is free or the stack's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor_harness import HOST, OWNER, assert_fails, good_config, run
from fake_kubernetes import FakeApiServer

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION


def test_an_ingress_name_with_a_typo(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    checks = run(tmp_path, {**good_config(cluster), "kong-cognito-oidc:ingressName": "dmeo"})
    check = checks["ingress default/dmeo"]
    assert_fails(check, "no Ingress dmeo in namespace default on context kong. Did you mean demo?", "ingressName")
    assert "pulumi config set ingressName <ingress> --stack dev" in check.fix
    assert "ingress-class default/dmeo" not in checks


def test_a_route_with_a_typo_names_the_routes_setting(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    routes = [{"ingress": "demo"}, {"ingress": "shpo", "host": "shop.example.test"}]
    config = {**good_config(cluster), "kong-cognito-oidc:routes": routes}
    checks = run(tmp_path, config, hosts={HOST: ["192.0.2.10"], "shop.example.test": ["192.0.2.11"]})
    assert checks["ingress default/demo"].status == "PASS"
    assert_fails(checks["ingress default/shpo"], "no Ingress shpo", "pulumi config set --path 'routes[1].ingress'")
    assert checks["dns shop.example.test"].status == "PASS"


@pytest.mark.parametrize(
    ("ingress_class", "annotations", "default_class", "status", "shown"),
    [
        ("nginx", {}, None, "FAIL", "class nginx (spec.ingressClassName) is not served by Kong"),
        ("traefik", {}, None, "FAIL", "class traefik (spec.ingressClassName) is not served by Kong (no such"),
        (None, {"kubernetes.io/ingress.class": "nginx"}, None, "FAIL", "class nginx (kubernetes.io/ingress.class)"),
        (None, {}, "nginx", "FAIL", "no class set"),
        (None, {"kubernetes.io/ingress.class": "kong"}, None, "PASS", "class kong (kubernetes.io/ingress.class)"),
        (None, {}, "kong", "PASS", "the default IngressClass kong is Kong's"),
    ],
)
def test_the_ingress_class_must_be_served_by_kong(
    tmp_path: Path,
    aws: None,
    cluster: FakeApiServer,
    ingress_class: str | None,
    annotations: dict[str, str],
    default_class: str | None,
    status: str,
    shown: str,
) -> None:
    cluster.store.add("default", "demo", annotations, ingress_class=ingress_class)
    cluster.store.default_ingress_class = default_class
    check = run(tmp_path, good_config(cluster))["ingress-class default/demo"]
    assert check.status == status, check.line()
    assert shown in check.detail
    if status == "FAIL":
        assert "spec.ingressClassName to a Kong class (kong)" in check.fix


def test_a_plugin_name_taken_by_someone_else(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.add_plugin("default", "oidc", annotations={"kong-cognito-oidc/stack": "kong-cognito-oidc/prod"})
    check = run(tmp_path, good_config(cluster))["kongplugin default/oidc"]
    assert_fails(check, "already exists in default and is not this stack's", "pulumi config set pluginName <plugin>")
    assert "kubectl delete kongplugin oidc -n default" in check.fix
    assert "kong-cognito-oidc/prod" in check.detail


def test_a_plugin_this_stack_declared_is_its_own(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.add_plugin("default", "oidc", annotations={"kong-cognito-oidc/stack": OWNER})
    check = run(tmp_path, good_config(cluster))["kongplugin default/oidc"]
    assert check.status == "PASS", check.line()
    assert "this stack's" in check.detail


def test_an_already_listed_plugin_name_is_pointed_out(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors, oidc"}, ingress_class="kong")
    check = run(tmp_path, good_config(cluster))["ingress default/demo"]
    assert check.detail.startswith(f"found; {PLUGINS_ANNOTATION}: cors, oidc (oidc is listed already")


@pytest.mark.parametrize(
    ("forbidden", "name"),
    [(("get", "ingresses"), "ingress default/demo"), (("get", "kongplugins"), "kongplugin default/oidc")],
)
def test_forbidden_reads_name_the_missing_permission(
    tmp_path: Path, aws: None, cluster: FakeApiServer, forbidden: tuple[str, str], name: str
) -> None:
    cluster.store.forbidden.add(forbidden)
    check = run(tmp_path, good_config(cluster))[name]
    assert_fails(check, f'cannot get resource "{forbidden[1]}"', "RBAC")
