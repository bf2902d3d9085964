"""`make doctor`'s settings line on the keys of a stack file: near misses refused, other tools' keys noted,
a key set twice refused with its lines, whether the Pulumi CLI reads the stack or the doctor reads the file."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from program_harness import ROOT

from doctor_checks import cli
from doctor_checks.world import World
from verification.results import CheckLine

PLAIN = {"aws:region": "us-west-2", "kong-cognito-oidc:dataPlaneHost": "kong.example.test"}


class ConfigCli:
    """`pulumi config --json` as the CLI answers it for a stack whose file it could read."""

    def __init__(self, config: Mapping[str, str] | None = None, error: str = "") -> None:
        self.config, self.error = dict(config or {}), error

    def __call__(self, command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        if self.error:
            return subprocess.CompletedProcess(command, 255, "", self.error)
        listed = {key: {"value": value, "secret": False} for key, value in self.config.items()}
        return subprocess.CompletedProcess(command, 0, json.dumps(listed), "")


def settings_check(folder: Path, run: Any = None, stack: str = "dev") -> CheckLine:
    """The doctor's `settings` line (the checks before it need nothing outside)."""
    tools = {"uv": "/usr/local/bin/uv", **({"pulumi": "/usr/local/bin/pulumi"} if run else {})}
    world = World(which=tools.get, python_version=(3, 11, 7), run=run or ConfigCli(), environ={"PATH": "/usr/bin"})
    return next(check for check in cli.run_checks(stack, folder, world) if check.name == "settings")


def project(tmp_path: Path, stack_file: str | Mapping[str, Any] | None = None) -> Path:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    if isinstance(stack_file, str):
        (tmp_path / "Pulumi.dev.yaml").write_text(stack_file)
    elif stack_file is not None:
        (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": dict(stack_file)}))
    return tmp_path


@pytest.mark.parametrize("through_cli", [True, False], ids=["pulumi config", "stack file"])
def test_a_misspelt_namespace_fails_settings_without_its_value(tmp_path: Path, through_cli: bool) -> None:
    config = {**PLAIN, "kong-congito-oidc:allowedGroups": '["staff-only"]'}
    folder = project(tmp_path, None if through_cli else config)
    check = settings_check(folder, ConfigCli(config) if through_cli else None)
    assert check.status == "FAIL", check.line()
    assert check.detail.endswith(
        "kong-congito-oidc:allowedGroups: unknown namespace; did you mean kong-cognito-oidc:allowedGroups?"
    )
    assert "staff-only" not in check.line()
    assert "pulumi config rm <key> --stack dev" in check.fix


def test_keys_of_other_tools_pass_with_a_note(tmp_path: Path) -> None:
    config = {**PLAIN, "datadog:apiKey": "x", "myteam:owner": "platform", "kubernetes:context": "kong"}
    check = settings_check(project(tmp_path), ConfigCli(config))
    assert check.status == "PASS", check.line()
    assert check.detail.endswith("; note: not read by this stack (kept for other tools): datadog:apiKey, myteam:owner")


def test_a_problem_with_its_own_fix_gets_no_generic_one(tmp_path: Path) -> None:
    okta = {"name": "Okta", "type": "OIDC", "issuer": "https://acme.okta.com", "clientId": "0", "clientSecret": "s"}
    config = {**PLAIN, "kong-cognito-oidc:identityProviders": json.dumps([okta])}
    check = settings_check(project(tmp_path), ConfigCli(config))
    assert check.status == "FAIL"
    assert "set it encrypted: pulumi config set --secret --path 'identityProviders[0].clientSecret'" in check.detail
    assert check.fix == "", "the problem names its own fix"
    both = settings_check(project(tmp_path), ConfigCli({**config, "kong-cognito-oidc:cacheTtl": "0"}))
    assert "`pulumi config set <key> <value> --stack dev` for each" in both.fix


# What Pulumi CLI 3.274.1 printed for this file (tests/e2e/test_engine_stack_file_keys.py pins it).
TWICE = (
    "config:\n  aws:region: us-west-2\n  kong-cognito-oidc:dataPlaneHost: kong.example.test\n"
    "  kong-cognito-oidc:allowedGroups: [staff]\n  kong-cognito-oidc:allowedGroups: [admins]\n"
)
CLI_ERROR = (
    "error: yaml: unmarshal errors:\n"
    '  line 5: mapping key "kong-cognito-oidc:allowedGroups" already defined at line 4\n'
)


@pytest.mark.parametrize("cli_installed", [True, False])
def test_a_key_set_twice_fails_naming_both_lines_as_the_cli_does(tmp_path: Path, cli_installed: bool) -> None:
    check = settings_check(project(tmp_path, TWICE), ConfigCli(error=CLI_ERROR) if cli_installed else None)
    assert check.status == "FAIL", check.line()
    assert check.detail == (
        'Pulumi.dev.yaml is not valid YAML: line 5: mapping key "kong-cognito-oidc:allowedGroups" already defined '
        "at line 4"
    )
    assert CLI_ERROR.splitlines()[1].strip() in check.detail
    assert check.fix == "correct the YAML in Pulumi.dev.yaml, then run make doctor again."


def test_a_key_written_with_and_without_the_namespace_fails_though_the_cli_reads_it(tmp_path: Path) -> None:
    # The CLI accepts both spellings, and hands the program either value, from run to run.
    text = "config:\n  aws:region: us-west-2\n  allowedGroups: [staff]\n  kong-cognito-oidc:allowedGroups: [admins]\n"
    answer = {"aws:region": "us-west-2", "kong-cognito-oidc:allowedGroups": '["admins"]'}
    check = settings_check(project(tmp_path, text), ConfigCli(answer))
    assert check.status == "FAIL", check.line()
    assert "lines 3 and 4 both set kong-cognito-oidc:allowedGroups (as allowedGroups and" in check.detail


def test_an_organization_qualified_stack_reads_its_own_stack_file(tmp_path: Path) -> None:
    folder = project(tmp_path, {**PLAIN, "kong-cognito-oidc:allowedGroups": ["staff"]})
    check = settings_check(folder, stack="acme/dev")
    assert check.status == "PASS", check.line()
    assert "read from Pulumi.dev.yaml" in check.detail and "members of staff" in check.detail


def test_a_value_in_pulumi_yaml_is_what_the_program_gets(tmp_path: Path) -> None:
    # Pulumi.yaml's `value:` (instead of `default:`) sets the key for every stack; a stack file overrides it.
    folder = project(tmp_path, PLAIN)
    pulumi_yaml = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    pulumi_yaml["config"]["allowedGroups"] = {"type": "array", "items": {"type": "string"}, "value": ["ops"]}
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(pulumi_yaml))
    check = settings_check(folder)
    assert check.status == "PASS" and "members of ops" in check.detail, check.line()
    pulumi_yaml["config"]["allowedGroups"]["default"] = []
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(pulumi_yaml))
    check = settings_check(folder)
    assert check.status == "FAIL"
    assert "project config 'allowedGroups' cannot have both a 'default' and 'value' attribute" in check.detail
