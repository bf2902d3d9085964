"""Scenario 4: `make preview` refuses bad settings (a misspelt key or namespace, a bad value) and an unprotected
production pool, creating nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_state import kong_plugins, plugins_listed, user_pools
from engine import Engine
from kube_apiserver import KubeApiServer

pytestmark = pytest.mark.e2e

HOST = "kong-proxy.example.com"


def stack_config(project: Path, stack: str, **settings: Any) -> None:
    # A key with a namespace of its own stays as written.
    qualified = {key if ":" in key else f"kong-cognito-oidc:{key}": value for key, value in settings.items()}
    config = {"aws:region": "us-west-2", **qualified}
    (project / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"dataPlaneHost": HOST, "allowedGroup": '["staff"]'},
            "kong-cognito-oidc:allowedGroup: not a setting of this project; did you mean allowedGroups?",
        ),
        (
            {"dataPlaneHost": f"https://{HOST}"},
            "without a scheme (drop 'https://')",
        ),
        (
            {"dataPlaneHost": HOST, "kong-congito-oidc:allowedGroups": ["staff"]},
            "kong-congito-oidc:allowedGroups: unknown namespace; did you mean kong-cognito-oidc:allowedGroups?",
        ),
    ],
    ids=["unknown-key", "bad-host", "misspelt-namespace"],
)
def test_preview_refuses_bad_settings(
    engine: Engine,
    project: Path,
    engine_cluster: KubeApiServer,
    moto_url: str,
    demo_ingress: dict[str, Any],
    settings: dict[str, str],
    message: str,
) -> None:
    stack_config(project, "typo", **settings)
    preview = engine.make("preview", project, "typo")
    assert preview.returncode != 0, preview
    assert message in preview.output, preview
    assert kong_plugins(engine_cluster) == [] and plugins_listed(engine_cluster) == [] and user_pools(moto_url) == []


def test_preview_refuses_a_production_pool_without_deletion_protection(
    engine: Engine, project: Path, engine_cluster: KubeApiServer, moto_url: str, demo_ingress: dict[str, Any]
) -> None:
    stack_config(project, "prod", dataPlaneHost=HOST, allowedGroups=["staff"])
    preview = engine.make("preview", project, "prod")
    assert preview.returncode != 0, preview
    assert 'stack "prod" counts as production (its name has the word "prod")' in preview.output, preview
    assert "cognito-prod-deletion-protection" in preview.output, preview
    assert kong_plugins(engine_cluster) == [] and user_pools(moto_url) == []
