"""`make doctor` reads the stack's settings as the program gets them: through the Pulumi CLI for the stack
asked for, else from the stack file as the CLI reads it; a setting made secret by `pulumi config set --secret
--path` (an identity provider's client secret) decrypted, and never printed."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from doctor_harness import HOST, LINE, OWNER, FakePulumi, assert_fails, good_config, project, resolver, world
from fake_kubernetes import FakeApiServer

from components.settings.load import config_string
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


def test_settings_come_from_pulumi_config_of_the_stack_asked_for(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    # A stand-in `pulumi` on PATH, run through scripts/pulumi-stack.sh as `make up` runs it.
    bin_dir, log = tmp_path / "bin", tmp_path / "pulumi.log"
    bin_dir.mkdir()
    listed = {key: {"value": config_string(value), "secret": False} for key, value in good_config(cluster).items()}
    listed["kong-cognito-oidc:pluginName"] = {"value": "sso", "secret": False}
    fake = bin_dir / "pulumi"
    fake.write_text(f"#!/bin/sh\necho \"$*\" >> {log}\ncat <<'EOF'\n{json.dumps(listed)}\nEOF\n")
    fake.chmod(0o755)
    path = f"{bin_dir}:{Path(shutil.which('bash') or '/bin/bash').parent}:/usr/bin:/bin"
    real = World(
        which=lambda name: shutil.which(name, path=path),
        resolve=resolver({HOST: ["192.0.2.10"]}),
        environ={"PATH": path, "HOME": str(tmp_path), "PULUMI_BACKEND_URL": f"file://{tmp_path}"},
    )
    checks = {check.name: check for check in cli.run_checks("qa", project(tmp_path), real)}
    assert log.read_text().splitlines() == ["config --json --stack qa"]
    assert "read from `pulumi config --stack qa`" in checks["settings"].detail
    assert checks["kongplugin default/sso"].status == "PASS"


def test_without_the_pulumi_cli_it_reads_the_stack_file_and_says_how_to_install_the_cli(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    folder = project(tmp_path, good_config(cluster))
    # Pulumi.yaml's defaults apply, as the CLI applies them for the program.
    pulumi_yaml = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    pulumi_yaml["config"]["pluginName"]["default"] = "sso"
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(pulumi_yaml))
    checks = {check.name: check for check in cli.run_checks("dev", folder, world(None))}
    assert_fails(checks["pulumi"], "not on PATH", "https://www.pulumi.com/docs/iac/download-install/")
    assert checks["settings"].status == "PASS" and "Pulumi.dev.yaml" in checks["settings"].detail
    assert checks["kongplugin default/sso"].status == "PASS"
    assert checks["cluster"].status == "PASS"


def test_a_stack_not_created_yet_is_read_from_its_file(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    folder = project(tmp_path, good_config(cluster))
    pulumi = FakePulumi({}, fails="no stack named 'dev' found")
    checks = {check.name: check for check in cli.run_checks("dev", folder, world(pulumi))}
    assert checks["settings"].status == "PASS", checks["settings"].line()
    assert "no stack named 'dev' found" in checks["settings"].detail


def test_a_secret_kubeconfig_is_read_through_the_cli(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    config = good_config(cluster)
    plain = {key: value for key, value in config.items() if key != "kubernetes:kubeconfig"}
    pulumi = FakePulumi(plain, secrets={"kubernetes:kubeconfig": cluster.kubeconfig.read_text()})
    checks = {check.name: check for check in cli.run_checks("dev", project(tmp_path), world(pulumi))}
    assert checks["cluster"].status == "PASS", checks["cluster"].line()
    assert "kubernetes:kubeconfig (inline)" in checks["cluster"].detail


def test_an_organization_qualified_stack_reads_its_file_and_knows_its_own_plugin(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    # STACK=acme/dev (Pulumi Cloud): the stack file is Pulumi.dev.yaml, and the program, which Pulumi
    # tells its stack is `dev`, marks its KongPlugins as kong-cognito-oidc/dev.
    cluster.store.add_plugin("default", "oidc", annotations={"kong-cognito-oidc/stack": OWNER})
    checks = {c.name: c for c in cli.run_checks("acme/dev", project(tmp_path, good_config(cluster)), world(None))}
    assert checks["settings"].status == "PASS" and "Pulumi.dev.yaml" in checks["settings"].detail
    assert checks["kongplugin default/oidc"].status == "PASS", checks["kongplugin default/oidc"].line()
    assert "this stack's" in checks["kongplugin default/oidc"].detail


@pytest.mark.parametrize(
    ("lines", "verdict"),
    [
        # The Pulumi CLI reads YAML 1.2: unquoted `off` and `yes` reach the program as those strings.
        (["kong-cognito-oidc:mfa: off"], "PASS"),
        (["kong-cognito-oidc:localAccounts: yes"], 'FAIL localAccounts = "yes": expected true or false'),
        (["kong-cognito-oidc:selfSignUp: False"], "PASS"),
    ],
)
def test_a_stack_file_without_the_cli_is_read_as_pulumi_reads_it(
    tmp_path: Path, aws: None, cluster: FakeApiServer, lines: list[str], verdict: str
) -> None:
    folder = project(tmp_path)
    good = "\n".join(f"  {key}: {json.dumps(value)}" for key, value in good_config(cluster).items())
    (folder / "Pulumi.dev.yaml").write_text("config:\n" + good + "\n" + "".join(f"  {line}\n" for line in lines))
    checks = {check.name: check for check in cli.run_checks("dev", folder, world(None))}
    status, _, problem = verdict.partition(" ")
    assert checks["settings"].status == status and problem in checks["settings"].detail, checks["settings"].line()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("config:\n  aws:region: us-west-2\n  kong-cognito-oidc:scopes: [openid\n", "line 4, column 1"),
        ("config:\n  aws:region: us-west-2\n\tkong-cognito-oidc:cacheTtl: 10\n", "line 3, column 1"),
        ("config:\n- aws:region\n", "its `config` must map keys to values (it holds a list)"),
        ("just a string\n", "it holds a str"),
    ],
)
def test_a_stack_file_that_is_not_yaml_fails_naming_the_file_line_and_column(
    tmp_path: Path, text: str, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(tmp_path)
    (folder / "Pulumi.dev.yaml").write_text(text)
    assert cli.main(["--stack", "dev"], project_dir=folder, world=world(None)) == 1
    lines = capsys.readouterr().out.splitlines()
    assert all(LINE.match(line) for line in lines), lines
    (settings,) = [line for line in lines if line.startswith(("PASS settings", "FAIL settings"))]
    assert settings.startswith("FAIL settings: Pulumi.dev.yaml is not ")
    assert where in settings and "Fix: correct the YAML in Pulumi.dev.yaml" in settings
