"""`make doctor` reads a setting made secret by `pulumi config set --secret --path` (an identity
provider's client secret) as the program gets it, decrypted, and never prints the secret."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from program_harness import ROOT

from doctor_checks import cli
from doctor_checks.world import World
from verification.results import CheckLine

SECRET = "s3cr3t-Zq9-never-shown"
PROVIDERS = [
    {"name": "Okta", "type": "OIDC", "issuer": "https://acme.okta.com", "clientId": "0oa1", "clientSecret": SECRET}
]
PLAIN = {"aws:region": "us-west-2", "kong-cognito-oidc:dataPlaneHost": "kong.example.test"}


class SecretsCli:
    """`pulumi config --json` and `pulumi config get` as the CLI answers them: a secret key has no value."""

    def __init__(self, plain: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        self.plain, self.secrets = plain, secrets

    def __call__(self, command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        args = list(command[1:])
        if args == ["config", "--json"]:
            listed: dict[str, Any] = {key: {"value": value, "secret": False} for key, value in self.plain.items()}
            listed |= {key: {"secret": True} for key in self.secrets}
            return subprocess.CompletedProcess(command, 0, json.dumps(listed), "")
        if args[:2] == ["config", "get"] and args[2] in self.secrets:
            return subprocess.CompletedProcess(command, 0, self.secrets[args[2]] + "\n", "")
        return subprocess.CompletedProcess(command, 255, "", "unexpected command")


def settings_check(folder: Path, run: Any, cli_installed: bool = True) -> CheckLine:
    """The doctor's `settings` line (the checks before it need nothing outside)."""
    tools = {"uv": "/usr/local/bin/uv", **({"pulumi": "/usr/local/bin/pulumi"} if cli_installed else {})}
    world = World(which=tools.get, python_version=(3, 11, 7), run=run, environ={"PATH": "/usr/bin"})
    return next(check for check in cli.run_checks("dev", folder, world) if check.name == "settings")


def project(tmp_path: Path, stack_config: Mapping[str, Any] | None = None) -> Path:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    if stack_config is not None:
        (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": dict(stack_config)}))
    return tmp_path


def test_a_secret_identity_providers_key_is_read_through_the_cli_and_checked(tmp_path: Path) -> None:
    secrets = {"kong-cognito-oidc:identityProviders": json.dumps(PROVIDERS)}
    plain = {**PLAIN, "kong-cognito-oidc:localAccounts": "false"}
    check = settings_check(project(tmp_path), SecretsCli(plain, secrets))
    assert check.status == "PASS", check.line()


def test_its_problems_are_reported_without_the_secret(tmp_path: Path) -> None:
    bad = [{**PROVIDERS[0], "issuer": f"http://{SECRET}", "clientSecret": [SECRET]}]
    secrets = {"kong-cognito-oidc:identityProviders": json.dumps(bad)}
    check = settings_check(project(tmp_path), SecretsCli(PLAIN, secrets))
    assert check.status == "FAIL"
    assert "identityProviders[0].clientSecret: expected a string" in check.detail
    assert SECRET not in check.line() + check.fix


def test_without_the_cli_a_stack_file_holding_an_encrypted_field_is_not_misread(tmp_path: Path) -> None:
    # As `pulumi config set --secret --path 'identityProviders[0].clientSecret'` writes it.
    encrypted = [{**PROVIDERS[0], "clientSecret": {"secure": "v1:abc"}}]
    folder = project(tmp_path, {**PLAIN, "kong-cognito-oidc:identityProviders": encrypted})
    check = settings_check(folder, SecretsCli({}, {}), cli_installed=False)
    assert check.status == "PASS", check.line()
    assert "v1:abc" not in check.line()
