"""docs/examples/Pulumi.prod.yaml: the production stack file a newcomer copies is valid and passes the policies.

It is read as `make doctor` reads a stack file (with Pulumi.yaml's defaults), then given to the
program under the stack name prod, through the guardrail policies as `make up` applies them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from program_harness import PROJECT, ROOT, CloudMocks, run_program

from components.settings.load import parse_settings
from components.settings.registry import CONFIG_KEYS
from doctor_checks.stack_config import read_stack_config
from doctor_checks.world import World
from tests.program.test_policies import AnalyzedMonitor, all_violations

EXAMPLE = ROOT / "docs" / "examples" / "Pulumi.prod.yaml"


def example_config(project: Path) -> dict[str, str]:
    """The config `pulumi up --stack prod` would give the program, were the example the stack file."""
    shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
    shutil.copy(EXAMPLE, project / "Pulumi.prod.yaml")
    read = read_stack_config(project, "prod", World(which=lambda _: None))
    assert not read.unreadable
    return read.values


def test_the_example_sets_only_keys_the_program_knows() -> None:
    keys = set(yaml.safe_load(EXAMPLE.read_text())["config"])
    known = {"aws:region", *(f"{PROJECT}:{key}" for key in CONFIG_KEYS if key != "aws:region")}
    assert sorted(keys - known) == []


def test_the_example_is_valid_settings_for_an_invite_only_two_route_protected_stack(tmp_path: Path) -> None:
    values = example_config(tmp_path)
    settings = parse_settings({key.removeprefix(f"{PROJECT}:"): value for key, value in values.items()})
    assert len(settings.routes) == 2
    assert len({route.namespace for route in settings.routes}) == 2
    assert settings.self_sign_up is False
    assert settings.allowed_groups
    assert settings.deletion_protection is True
    assert settings.aws_region


def test_the_example_passes_every_policy_as_a_production_stack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monitor = AnalyzedMonitor(CloudMocks())
    run = run_program(monkeypatch, example_config(tmp_path), stack="prod", monitor=monitor)
    assert len(run.of_type("kubernetes:configuration.konghq.com/v1:KongPlugin")) == 2
    assert all_violations(monitor) == []
