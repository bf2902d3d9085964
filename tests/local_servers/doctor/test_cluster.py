"""`make doctor`'s cluster checks: the stack's kubeconfig and context reach an API server that accepts the
credentials, Kong's CRDs are recent enough, and its IngressClasses can be read."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from doctor_harness import HOST, assert_fails, good_config, run
from fake_kubernetes import FakeApiServer, closed_port_url, kubeconfig_document


def test_a_kubeconfig_whose_context_points_at_a_cluster_that_cannot_be_reached(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    # No kubernetes:context: the kubeconfig's current context, which points elsewhere.
    config = {k: v for k, v in good_config(cluster).items() if k != "kubernetes:context"}
    checks = run(tmp_path, config)
    assert_fails(checks["cluster"], "cannot reach context elsewhere at http://127.0.0.1:", "kubernetes:context")
    assert "kubectl config get-contexts" in checks["cluster"].fix
    assert checks["cluster"].fix.endswith(" Check the network or VPN.")
    assert checks["kong-crd"].status == "SKIP"
    assert checks["ingress default/demo"].status == "SKIP"


@contextmanager
def api_server_refusing_every_token() -> Iterator[str]:
    """An API server that answers as one does to an expired or revoked token: 401 and its Status."""

    class Refuse(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "code": 401}
            body = json.dumps({**status, "reason": "Unauthorized", "message": "Unauthorized"}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_cluster_that_refuses_the_credentials(tmp_path: Path, aws: None) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    with api_server_refusing_every_token() as url:
        kubeconfig.write_text(json.dumps(kubeconfig_document({"kong": url}, "kong")))
        config = {
            "aws:region": "us-west-2",
            "kong-cognito-oidc:dataPlaneHost": HOST,
            "kubernetes:kubeconfig": str(kubeconfig),
        }
        checks = run(tmp_path, config)
    detail = f"context kong at {url} (kubeconfig {kubeconfig}) refused the credentials (401)."
    assert_fails(checks["cluster"], detail, "refresh them; use the kubeconfig of the cluster running Kong")
    assert checks["kong-crd"].status == "SKIP"


def test_a_context_missing_from_the_kubeconfig(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    checks = run(tmp_path, {**good_config(cluster), "kubernetes:context": "kong-prod"})
    assert_fails(checks["cluster"], "cannot use context 'kong-prod'", "aws eks update-kubeconfig")


def test_without_stack_kubeconfig_kubeconfig_env_is_used(
    tmp_path: Path, aws: None, cluster: FakeApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere.kubeconfig"
    elsewhere.write_text(json.dumps(kubeconfig_document({"kong": closed_port_url()}, "kong")))
    monkeypatch.setenv("KUBECONFIG", f"{cluster.kubeconfig}:{elsewhere}")
    config = {k: v for k, v in good_config(cluster).items() if k != "kubernetes:kubeconfig"}
    check = run(tmp_path, config)["cluster"]
    assert check.status == "PASS", check.line()
    assert f"kubeconfig {cluster.kubeconfig}:{elsewhere}" in check.detail


def test_kong_crds_missing(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.kong_crd = None
    checks = run(tmp_path, good_config(cluster))
    assert_fails(checks["kong-crd"], "Kong's CRDs are not installed on context kong", "Kong Ingress Controller >= 3.1")
    assert checks["kongplugin default/oidc"].status == "SKIP"


def test_a_kong_crd_without_config_patches(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.install_kong_crds(config_patches=False)
    check = run(tmp_path, good_config(cluster))["kong-crd"]
    assert_fails(check, "has no configPatches", "upgrade the controller and its CRDs to >= 3.1")
    assert "kubectl kustomize" in check.fix


def test_crds_it_may_not_read_are_skipped_with_the_reason(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.forbidden.add(("get", "customresourcedefinitions"))
    check = run(tmp_path, good_config(cluster))["kong-crd"]
    assert check.status == "SKIP", check.line()
    assert "may not read CustomResourceDefinitions" in check.detail
    assert 'cannot get resource "customresourcedefinitions"' in check.detail


def test_ingress_classes_it_may_not_list_are_skipped_with_the_reason(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    cluster.store.forbidden.add(("list", "ingressclasses"))
    check = run(tmp_path, good_config(cluster))["ingress-class default/demo"]
    assert check.status == "SKIP", check.line()
    assert 'cannot list resource "ingressclasses"' in check.detail
