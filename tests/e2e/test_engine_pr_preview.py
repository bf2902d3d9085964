"""Scenario 5: the preview the pull-request workflow runs gives the diff text it would comment.

The command is read from .github/workflows/pulumi.yml (the pulumi/actions step's inputs), so a
change there is a change here. The action comments the command's output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_state import POLICY_PACK_RAN, client_secrets
from engine import ROOT, Engine
from kube_apiserver import KubeApiServer

pytestmark = pytest.mark.e2e


def workflow_preview_arguments() -> list[str]:
    """`pulumi preview` as pulumi/actions runs it for the workflow's inputs, for command: preview."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pulumi.yml").read_text())
    (step,) = [s for s in workflow["jobs"]["pulumi"]["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@")]
    inputs = step["with"]
    arguments = ["preview"]
    if inputs.get("diff"):
        arguments.append("--diff")
    if inputs.get("refresh"):
        arguments.append("--refresh")
    if inputs.get("policyPacks"):
        arguments += ["--policy-pack", inputs["policyPacks"]]
    if inputs.get("policyPackConfigs"):
        arguments += ["--policy-pack-config", inputs["policyPackConfigs"]]
    assert str(inputs.get("comment-on-pr", "")).startswith("${{ inputs.command == 'preview' }}")
    return arguments


def test_the_pull_request_preview_shows_the_change_and_no_secret(
    engine: Engine, project: Path, engine_cluster: KubeApiServer, moto_url: str, demo_ingress: dict[str, Any]
) -> None:
    assert engine.make("up", project, "dev").returncode == 0
    dev = project / "Pulumi.dev.yaml"
    dev.write_text(dev.read_text().replace('kong-cognito-oidc:cacheTtl: "10"', 'kong-cognito-oidc:cacheTtl: "20"'))

    preview = engine.run(["scripts/pulumi-stack.sh", *workflow_preview_arguments()], cwd=project)
    assert preview.returncode == 0, preview
    comment = preview.output
    assert "~ kubernetes:configuration.konghq.com/v1:KongPlugin" in comment, comment
    assert "cache_ttl" in comment and "10" in comment and "20" in comment, comment
    assert POLICY_PACK_RAN.search(comment), "the policy pack did not run"
    (client_secret,) = client_secrets(moto_url)
    assert client_secret not in comment
    assert engine.make("destroy", project, "dev").returncode == 0
