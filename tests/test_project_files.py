"""Pulumi.yaml, Pulumi.dev.yaml and the Makefile agree with the program and with each other."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from program_harness import PROJECT, ROOT, config_string

from components.settings import parse_settings

PROJECT_FILE = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
DEV_STACK = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
SETTING_KEYS = {
    "dataPlaneHost",
    "callbackPath",
    "ingressName",
    "ingressNamespace",
    "pluginName",
    "cacheTtl",
    "scopes",
    "deletionProtection",
    "domainPrefix",
}


def test_project_declares_every_setting_with_type_and_description() -> None:
    assert PROJECT_FILE["name"] == PROJECT
    config = PROJECT_FILE["config"]
    assert set(config) == SETTING_KEYS
    for key, schema in config.items():
        assert schema.get("type") in {"string", "integer", "boolean", "array"}, key
        assert schema.get("description"), key
    # The one required setting is the one without a default (Pulumi then asks for it).
    assert [key for key, schema in config.items() if "default" not in schema] == ["dataPlaneHost"]


def test_defaults_in_pulumi_yaml_are_the_programs_defaults() -> None:
    # Under `pulumi up` the CLI supplies Pulumi.yaml's defaults; under tests and other
    # runners the program falls back to its own. Both must mean the same settings.
    required = {"aws:region": "us-west-2", "dataPlaneHost": "lb.example.com"}
    from_project_file = {
        key: config_string(schema["default"]) for key, schema in PROJECT_FILE["config"].items() if "default" in schema
    }
    assert parse_settings({**required, **from_project_file}) == parse_settings(required)


def test_dev_stack_is_the_workshops_setup() -> None:
    settings = parse_settings(
        {key.removeprefix(f"{PROJECT}:"): config_string(value) for key, value in DEV_STACK.items()}
    )
    assert settings.aws_region
    assert (settings.ingress_name, settings.ingress_namespace) == ("demo", "default")
    assert settings.callback_path == "/bar"
    assert settings.cache_ttl == 10


def test_pulumi_and_make_use_the_same_virtualenv() -> None:
    options = PROJECT_FILE["runtime"]["options"]
    makefile_venv = re.search(r"^VENV := (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert makefile_venv is not None
    assert options["virtualenv"] == makefile_venv.group(1)


def test_make_up_without_a_pulumi_cli_says_how_to_install_it_in_one_line(tmp_path: Path) -> None:
    # A PATH with a shell but no `pulumi`.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    bash = shutil.which("bash")
    assert bash is not None
    (bin_dir / "bash").symlink_to(bash)
    make = shutil.which("make")
    assert make is not None
    for target in ("up", "preview", "destroy"):
        result = subprocess.run(
            [make, "--no-print-directory", "-C", str(ROOT), target, "VENV=" + str(tmp_path / "venv")],
            env={**os.environ, "PATH": str(bin_dir)},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode != 0
        lines = (result.stdout + result.stderr).strip().splitlines()
        assert len(lines) == 1, lines
        assert "Pulumi CLI is not installed" in lines[0]
        assert "https://www.pulumi.com/docs/iac/download-install/" in lines[0]
        assert not (tmp_path / "venv").exists(), "nothing is installed before the check"


def _fake_pulumi(tmp_path: Path, login: str | None) -> tuple[dict[str, str], Path]:
    """A `pulumi` on PATH that records each call with the backend it would use.

    `login` is the backend `pulumi login` recorded in PULUMI_HOME, None for none.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    (bin_dir / "pulumi").write_text(f'#!/usr/bin/env bash\necho "${{PULUMI_BACKEND_URL:-<login>}} $*" >> {log}\n')
    (bin_dir / "pulumi").chmod(0o755)
    pulumi_home = tmp_path / "pulumi-home"
    pulumi_home.mkdir()
    if login is not None:
        (pulumi_home / "credentials.json").write_text(json.dumps({"current": login, "accessTokens": {}}))
    env = {key: value for key, value in os.environ.items() if key not in ("PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    env["PULUMI_HOME"] = str(pulumi_home)
    return env, log


def _stack_wrapper(env: dict[str, str], *args: str) -> None:
    subprocess.run([ROOT / "scripts/pulumi-stack.sh", *args], env=env, check=True, timeout=30)


def test_stack_wrapper_uses_a_local_backend_when_none_is_chosen(tmp_path: Path) -> None:
    env, log = _fake_pulumi(tmp_path, login=None)
    _stack_wrapper({**env, "STACK": "dev"}, "up")
    assert log.read_text().splitlines() == ["file://~ stack select --create dev", "file://~ up --stack dev"]


def test_stack_wrapper_keeps_a_recorded_login(tmp_path: Path) -> None:
    env, log = _fake_pulumi(tmp_path, login="https://api.pulumi.com")
    _stack_wrapper({**env, "STACK": "prod"}, "preview", "--diff")
    assert log.read_text().splitlines() == ["<login> stack select --create prod", "<login> preview --diff --stack prod"]


def test_stack_wrapper_keeps_a_backend_chosen_by_environment(tmp_path: Path) -> None:
    env, log = _fake_pulumi(tmp_path, login=None)
    _stack_wrapper({**env, "PULUMI_BACKEND_URL": "s3://team-state"}, "destroy")
    assert log.read_text().splitlines() == [
        "s3://team-state stack select --create dev",
        "s3://team-state destroy --stack dev",
    ]

    log.unlink()
    _stack_wrapper({**env, "PULUMI_ACCESS_TOKEN": "pul-token"}, "up")
    assert log.read_text().splitlines() == ["<login> stack select --create dev", "<login> up --stack dev"]
