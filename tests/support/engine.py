"""The real Pulumi engine around the project, for the scenarios `make e2e` runs.

`make engine` builds the CLI, a Python language host and the Kubernetes provider into
.tools/bin (tools/engine/README.md). The AWS and random providers are stand-ins from this
folder, served to the engine as `pulumi-resource-aws` and `pulumi-resource-random` on PATH,
backed by a moto server on loopback.

Each scenario works on a copy of the project (its tracked files, the virtualenvs linked) and
runs the project's own Makefile targets in it, with:
- state in a file backend in a temp dir, secrets under a passphrase;
- the CLI told never to fetch a plugin (PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION) nor to
  look for a newer version of itself (PULUMI_SKIP_UPDATE_CHECK): every plugin is found on PATH;
- PULUMI_SKIP_CONFIRMATIONS, as in CI, so `make up` and `make destroy` do not ask;
- a kubeconfig of the deployer identity (the RBAC the docs grant whoever runs `make up`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ENGINE_BIN = ROOT / ".tools" / "bin"
STANDINS = Path(__file__).resolve().parent
ENGINE_BINARIES = (
    "pulumi",
    "pulumi-language-python",
    "pulumi-language-python-exec",
    "pulumi-resource-pulumi-python",
    "pulumi-resource-kubernetes",
)
PASSPHRASE = "e2e only, not a secret"
# Long enough for a slow shared machine; a hung engine still fails the test.
COMMAND_TIMEOUT = 300


class EngineMissingError(Exception):
    """A binary `make engine` builds is not there."""


def engine_binaries() -> list[Path]:
    missing = [name for name in ENGINE_BINARIES if not os.access(ENGINE_BIN / name, os.X_OK)]
    if missing:
        raise EngineMissingError(
            f"{', '.join(missing)} missing from {ENGINE_BIN}: run `make engine` (needs Go and the Go module proxy)"
        )
    return [ENGINE_BIN / name for name in ENGINE_BINARIES]


def write_standin_plugins(bin_dir: Path) -> None:
    """`pulumi-resource-aws` and `pulumi-resource-random`: the stand-ins, run by this Python."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name, script in (("aws", "aws_provider_standin.py"), ("random", "random_provider_standin.py")):
        plugin = bin_dir / f"pulumi-resource-{name}"
        plugin.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STANDINS / script}" "$@"\n')
        plugin.chmod(0o755)


def copy_project(source: Path, destination: Path) -> Path:
    """The tracked files of `source` (mtimes kept, so make sees its virtualenvs up to date), its virtualenvs linked."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=source, capture_output=True, check=True, text=True
    ).stdout.split("\0")
    for name in filter(None, listed):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target)
    return link_virtualenvs(destination)


def link_virtualenvs(project: Path) -> Path:
    """This checkout's virtualenvs, for a project of the same lock."""
    for venv in (".venv", "policy/.venv"):
        (project / venv).symlink_to(ROOT / venv)
    return project


def empty_program(folder: Path) -> Path:
    """A Python project that declares nothing, run by the project's language host, toolchain and virtualenv."""
    import yaml

    folder.mkdir()
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    (folder / "Pulumi.yaml").write_text(
        yaml.safe_dump({"name": "empty", "runtime": project["runtime"]}, sort_keys=False)
    )
    (folder / "__main__.py").write_text("")
    for shared in (".venv", "scripts", "pyproject.toml", "uv.lock"):
        (folder / shared).symlink_to(ROOT / shared)
    return folder


@dataclass
class Run:
    command: str
    returncode: int
    output: str
    seconds: float

    def __str__(self) -> str:
        return f"$ {self.command} -> {self.returncode} in {self.seconds:.0f} s\n{self.output}"

    __repr__ = __str__  # pytest shows a failed step's whole output


@dataclass
class Engine:
    """The environment every Pulumi command of a scenario runs in."""

    home: Path
    plugins_bin: Path
    kubeconfig: Path
    moto_url: str
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        state = self.home / "state"
        state.mkdir(parents=True, exist_ok=True)
        return {
            **os.environ,
            "PATH": f"{ENGINE_BIN}:{self.plugins_bin}:{os.environ['PATH']}",
            "PULUMI_HOME": str(self.home / "pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{state}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_SKIP_CONFIRMATIONS": "true",
            "PULUMI_SUPPRESS_NEO_LINK": "true",
            "KUBECONFIG": str(self.kubeconfig),
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ACCESS_KEY_ID": "e2e",
            "AWS_SECRET_ACCESS_KEY": "e2e",
            "AWS_REGION": "us-west-2",
            "NO_COLOR": "1",
            # What the AWS stand-in keeps beside moto, shared by the plugin processes of this scenario's commands.
            "AWS_STANDIN_STORE": str(self.home / "aws-standin-store.json"),
            **self.extra_env,
        }

    def run(self, command: list[str], cwd: Path, timeout: float = COMMAND_TIMEOUT) -> Run:
        started = time.monotonic()
        done = subprocess.run(
            command,
            cwd=cwd,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Run(" ".join(command), done.returncode, done.stdout, time.monotonic() - started)

    def make(self, target: str, project: Path, stack: str) -> Run:
        return self.run(["make", target, f"STACK={stack}"], cwd=project)

    def pulumi(self, project: Path, stack: str, *args: str) -> Run:
        return self.run(["pulumi", *args, "--stack", stack, "--non-interactive"], cwd=project)

    def preview_is_quiet(self, project: Path, stack: str) -> Run:
        """`pulumi preview --expect-no-changes` passes, then again after `pulumi refresh --yes`.

        What a pull request's reader needs: a preview that shows a change only when there is one.
        The refresh reads every resource back (the AWS stand-in's Read answers as Cognito would).
        """
        first = self.pulumi(project, stack, "preview", "--diff", "--expect-no-changes")
        assert first.returncode == 0, first
        refresh = self.pulumi(project, stack, "refresh", "--yes")
        assert refresh.returncode == 0, refresh
        again = self.pulumi(project, stack, "preview", "--diff", "--expect-no-changes")
        assert again.returncode == 0, again
        return again

    def export(self, project: Path, stack: str) -> dict[str, Any]:
        done = self.pulumi(project, stack, "stack", "export")
        assert done.returncode == 0, done
        exported: dict[str, Any] = json.loads(done.output)
        return exported
