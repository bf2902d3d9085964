"""The account and cluster make doctor's tests start from: moto for STS, and a cluster ready for the stack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from components.kong.crds import KONG_CONTROLLER
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION

if TYPE_CHECKING:  # imported for their types only: pytest loads this file before it registers cluster_backends
    from cluster_backends import ApiServerFactory
    from fake_kubernetes import FakeApiServer


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, moto_endpoint: str) -> None:
    """Fake credentials, and boto3 pointed at moto (for STS); no profile files, no instance metadata."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.kube/config, no ~/.aws of this machine


@pytest.fixture
def cluster(api_server: ApiServerFactory, tmp_path: Path) -> Iterator[FakeApiServer]:
    """A cluster ready for the stack: Kong >= 3.1, Ingress default/demo of class kong listing `cors`.

    The fake API server, or the real one in `make e2e` (tests/support/cluster_backends.py).
    """
    with api_server(tmp_path, context="kong", current_context="elsewhere") as server:
        server.store.install_kong_crds()
        server.store.ingress_classes.update({"kong": KONG_CONTROLLER, "nginx": "k8s.io/ingress-nginx"})
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"}, ingress_class="kong")
        yield server
