"""make doctor's lines about Kong's side of a route: who owns its annotation, which Kong runs, where sessions live.

Against the fake API server, and the real one in `make e2e` (the `cluster` fixture): the route's
object (doctor_checks/gitops.py), the running Kong's version from its headers or, without them, its
image (doctor_checks/kong_version.py), and a Redis Service's endpoints (doctor_checks/redis.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from doctor_harness import good_config, run
from fake_kubernetes import FakeApiServer

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION

REDIS = "redis.sessions.svc.cluster.local"


def with_routes(cluster: FakeApiServer, *routes: dict[str, Any]) -> dict[str, Any]:
    return {**good_config(cluster), "kong-cognito-oidc:routes": list(routes)}


def sessions(cluster: FakeApiServer, kong_version: str = "3.10.0.7", **redis: Any) -> dict[str, Any]:
    return {
        **good_config(cluster),
        "kong-cognito-oidc:kongVersion": kong_version,
        "kong-cognito-oidc:sessions": {"storage": "redis", "redis": {"host": REDIS, "tls": False, **redis}},
    }


# --- annotationOwner ---


def test_a_git_owned_route_fails_until_its_object_lists_the_plugin(tmp_path: Path, cluster: FakeApiServer) -> None:
    checks = run(tmp_path, with_routes(cluster, {"ingress": "demo", "annotationOwner": "git"}))
    owner = checks["annotation-owner default/demo"]
    assert owner.status == "FAIL", owner.line()
    assert "annotationOwner is git, and the Ingress does not list oidc (konghq.com/plugins: cors)" in owner.detail
    assert "commit `konghq.com/plugins: cors,oidc`" in owner.fix

    cluster.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors,oidc"}, ingress_class="kong")
    listed = run(tmp_path, with_routes(cluster, {"ingress": "demo", "annotationOwner": "git"}))
    assert listed["annotation-owner default/demo"].status == "PASS", listed["annotation-owner default/demo"].line()


def test_a_route_the_stack_owns_passes_with_no_other_writer(tmp_path: Path, cluster: FakeApiServer) -> None:
    owner = run(tmp_path, good_config(cluster))["annotation-owner default/demo"]
    assert owner.status == "PASS", owner.line()
    assert owner.detail.startswith("no GitOps tool recognised")


# --- kongVersion against the running Kong ---


def test_a_kong_version_across_a_boundary_fails_with_the_command(tmp_path: Path, cluster: FakeApiServer) -> None:
    config = {**good_config(cluster), "kong-cognito-oidc:kongVersion": "3.10"}
    check = run(tmp_path, config, headers={"Server": "kong/3.10.0.9-enterprise-edition"})["kong-version"]
    assert check.status == "FAIL", check.line()
    assert "Kong runs 3.10.0.9 (Server header of https://kong.example.test/bar)" in check.detail
    assert "`pulumi config set kongVersion 3.10.0.9`" in check.fix


def test_without_kongs_headers_the_version_is_read_from_a_kong_gateway_image(
    tmp_path: Path, cluster: FakeApiServer
) -> None:
    cluster.store.add_pod("default", "kong-gateway-7d9f", "kong/kong-gateway:3.11.0.2")
    check = run(tmp_path, good_config(cluster), headers={"Server": "nginx"})["kong-version"]
    assert check.status == "FAIL", check.line()
    assert "Kong runs 3.11.0.2 (image kong/kong-gateway:3.11.0.2 (pod default/kong-gateway-7d9f))" in check.detail


def test_without_headers_or_an_image_the_check_says_why_it_is_skipped(tmp_path: Path, cluster: FakeApiServer) -> None:
    check = run(tmp_path, good_config(cluster), headers=ConnectionError("refused"))["kong-version"]
    assert check.status == "SKIP", check.line()
    assert "https://kong.example.test/bar did not answer (ConnectionError)" in check.detail
    assert "no Kong Gateway image with a whole version" in check.detail
    cluster.store.forbidden.add(("list", "pods"))
    forbidden = run(tmp_path, good_config(cluster), headers={})["kong-version"]
    assert forbidden.status == "SKIP" and "listing pods failed (403" in forbidden.detail, forbidden.line()


# --- Redis, from the cluster's side ---


def test_a_redis_service_with_ready_endpoints_passes(tmp_path: Path, cluster: FakeApiServer) -> None:
    cluster.store.add_service("sessions", "redis", [6379], ready_endpoints=1)
    check = run(tmp_path, sessions(cluster))[f"redis {REDIS}"]
    assert check.status == "PASS", check.line()
    assert "Service sessions/redis serves port 6379 with 1 ready endpoint(s)" in check.detail


def test_a_redis_service_without_ready_endpoints_or_missing_fails(tmp_path: Path, cluster: FakeApiServer) -> None:
    missing = run(tmp_path, sessions(cluster))[f"redis {REDIS}"]
    assert missing.status == "FAIL" and "no Service sessions/redis" in missing.detail, missing.line()
    cluster.store.add_service("sessions", "redis", [6379], ready_endpoints=0)
    idle = run(tmp_path, sessions(cluster))[f"redis {REDIS}"]
    assert idle.status == "FAIL" and "has no ready endpoint" in idle.detail, idle.line()


def test_a_redis_outside_the_cluster_is_only_described(tmp_path: Path, cluster: FakeApiServer) -> None:
    config = sessions(cluster, host="sessions.example.com")
    check = run(tmp_path, config, hosts={"kong.example.test": ["192.0.2.10"], "sessions.example.com": ["10.1.2.3"]})
    line = check["redis sessions.example.com"]
    assert line.status == "SKIP" and "resolves to 10.1.2.3 from this machine" in line.detail, line.line()
