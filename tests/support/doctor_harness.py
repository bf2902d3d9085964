"""What make doctor's tests share: a project folder, the world the checks see (tools, DNS, a fake Pulumi CLI),
and one run of every check, each line checked for its form."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from fake_kubernetes import FakeApiServer
from program_harness import ROOT

from components.settings.load import config_string
from doctor_checks import cli
from doctor_checks.world import World
from verification.results import CheckLine

HOST = "kong.example.test"
OWNER = "kong-cognito-oidc/dev"
LINE = re.compile(r"^(PASS|FAIL|SKIP) [^:]+: .+$")


class FakePulumi:
    """`pulumi` as seen through scripts/pulumi-stack.sh: answers `config --json` and `config get`."""

    def __init__(self, config: Mapping[str, Any], secrets: Mapping[str, str] | None = None, fails: str = "") -> None:
        self.config = config
        self.secrets = dict(secrets or {})
        self.fails = fails
        self.commands: list[tuple[list[str], str]] = []

    def __call__(self, command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        args = list(command[1:])
        self.commands.append(([Path(command[0]).name, *args], env["STACK"]))
        if self.fails:
            return subprocess.CompletedProcess(command, 255, "", f"error: {self.fails}\n")
        if args == ["config", "--json"]:
            listed: dict[str, Any] = {
                key: {"value": config_string(value), "secret": False} for key, value in self.config.items()
            }
            listed.update({key: {"secret": True} for key in self.secrets})
            return subprocess.CompletedProcess(command, 0, json.dumps(listed), "")
        if args[:2] == ["config", "get"] and args[2] in self.secrets:
            return subprocess.CompletedProcess(command, 0, self.secrets[args[2]] + "\n", "")
        return subprocess.CompletedProcess(command, 255, "", "unexpected command")


def resolver(names: Mapping[str, list[str]]) -> Any:
    def resolve(host: str) -> list[str]:
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return names[host]

    return resolve


def good_config(server: FakeApiServer) -> dict[str, Any]:
    return {
        "aws:region": "us-west-2",
        "kong-cognito-oidc:dataPlaneHost": HOST,
        "kubernetes:kubeconfig": str(server.kubeconfig),
        "kubernetes:context": "kong",
    }


def project(tmp_path: Path, stack_config: Mapping[str, Any] | None = None) -> Path:
    """A project folder with this project's Pulumi.yaml and pyproject.toml, and optionally Pulumi.dev.yaml."""
    folder = tmp_path / "project"
    folder.mkdir(exist_ok=True)
    shutil.copy(ROOT / "Pulumi.yaml", folder)
    shutil.copy(ROOT / "pyproject.toml", folder)
    if stack_config is not None:
        (folder / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": dict(stack_config)}))
    return folder


KONG_HEADERS = {"Server": "kong/3.4.3.12-enterprise-edition"}
"""What Kong Gateway Enterprise 3.4 answers the route with (kong.conf's default `headers`)."""


def world(
    pulumi: FakePulumi | None,
    *,
    hosts: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | Exception = KONG_HEADERS,
) -> World:
    tools = {"uv": "/usr/local/bin/uv"} | ({"pulumi": "/usr/local/bin/pulumi"} if pulumi else {})

    def response_headers(url: str) -> Mapping[str, str]:
        if isinstance(headers, Exception):
            raise headers
        return headers

    return World(
        which=tools.get,
        python_version=(3, 11, 7),
        resolve=resolver({HOST: ["192.0.2.10"]} if hosts is None else hosts),
        run=pulumi or FakePulumi({}, fails="no CLI"),
        environ={"PATH": "/usr/bin"},
        response_headers=response_headers,
    )


def run(tmp_path: Path, config: Mapping[str, Any], **kwargs: Any) -> dict[str, CheckLine]:
    """The doctor's checks by name, with the stack config given through a (fake) Pulumi CLI."""
    checks = list(cli.run_checks("dev", project(tmp_path), world(FakePulumi(config), **kwargs)))
    for check in checks:
        assert LINE.match(check.line()), check.line()
    by_name = {check.name: check for check in checks}
    assert len(by_name) == len(checks), "one line per check"
    return by_name


def assert_fails(check: CheckLine, detail: str, fix: str) -> None:
    assert check.status == "FAIL", check.line()
    assert detail in check.detail, check.line()
    assert fix in check.fix, check.line()
