"""Scenario 1: the dev stack through `make preview`, `make up` (twice) and `make destroy`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cluster_state import (
    POLICY_PACK_RAN,
    changes,
    client_secrets,
    ingress,
    kong_plugins,
    plugins_listed,
    secret_values,
    secrets,
    user_pools,
)
from engine import Engine
from kube_apiserver import KubeApiServer

pytestmark = pytest.mark.e2e


def test_dev_stack_up_twice_then_destroy(
    engine: Engine, project: Path, engine_cluster: KubeApiServer, moto_url: str, demo_ingress: dict[str, Any]
) -> None:
    preview = engine.make("preview", project, "dev")
    assert preview.returncode == 0, preview
    assert "kubernetes:configuration.konghq.com/v1:KongPlugin" in preview.output, preview
    assert POLICY_PACK_RAN.search(preview.output), "the policy pack did not run:\n" + str(preview)
    assert kong_plugins(engine_cluster) == [], "preview created something"

    up = engine.make("up", project, "dev")
    assert up.returncode == 0, up
    assert plugins_listed(engine_cluster) == ["oidc"]
    (plugin,) = kong_plugins(engine_cluster)
    assert plugin["metadata"]["name"] == "oidc"
    assert {patch["path"] for patch in plugin["configPatches"]} == {"/client_secret", "/session_secret"}

    (client_secret,) = client_secrets(moto_url)
    (stack_secret,) = [s for s in secrets(engine_cluster) if s["metadata"]["name"].startswith("kong-oidc-secrets")]
    session_secret = json.loads(secret_values(stack_secret)["session_secret"])
    exported = json.dumps(engine.export(project, "dev"))
    assert client_secret not in exported
    assert session_secret not in exported
    assert '"ciphertext"' in exported

    again = engine.make("up", project, "dev")
    assert again.returncode == 0, again
    assert set(changes(again.output)) == {"unchanged"}, again

    destroy = engine.make("destroy", project, "dev")
    assert destroy.returncode == 0, destroy
    assert ingress(engine_cluster)["metadata"]["annotations"] == demo_ingress["metadata"]["annotations"]
    assert kong_plugins(engine_cluster) == []
    assert not [s for s in secrets(engine_cluster) if s["metadata"]["name"].startswith("kong-oidc-secrets")]
    assert user_pools(moto_url) == []
