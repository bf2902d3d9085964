"""Scenario: our Python language host (tools/engine/cmd/pulumi-language-python) with a stack that has no config.

The engine hands the host no config map at all for such a stack; the program, and the policy
pack, must still get an empty JSON object in PULUMI_CONFIG (the SDK reads its items), not `null`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from engine import ROOT, Engine, empty_program
from kube_apiserver import KubeApiServer

pytestmark = pytest.mark.e2e


def test_a_stack_without_config_previews_with_and_without_the_policy_pack(
    engine: Engine, tmp_path: Path, engine_cluster: KubeApiServer
) -> None:
    project = empty_program(tmp_path / "empty")
    assert not list(project.glob("Pulumi.*.yaml")), "the stack must have no config"
    plain = engine.run(["scripts/pulumi-stack.sh", "preview"], cwd=project)
    assert plain.returncode == 0, plain
    with_policies = engine.run(
        ["scripts/pulumi-stack.sh", "preview", "--policy-pack", str(ROOT / "policy")], cwd=project
    )
    assert with_policies.returncode == 0, with_policies
    assert "NoneType" not in plain.output + with_policies.output
