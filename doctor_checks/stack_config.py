"""The stack's config as the program will get it: `pulumi config` when the CLI is there, else the stack file.

A project or stack file that Pulumi would not read raises stack_files.StackFileError.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doctor_checks.stack_files import StackFileError, keys_set_twice, project_defaults, read_stack_file, stack_file_name
from doctor_checks.world import ROOT, World


@dataclass(frozen=True)
class StackConfig:
    project: str
    """Pulumi.yaml's `name`: the namespace of this project's keys."""
    values: dict[str, str]
    """Fully qualified key -> the string the Pulumi CLI hands the program."""
    unreadable: frozenset[str]
    """Keys that are set but secret, and could not be read."""
    source: str


def pulumi_command(project_dir: Path, stack: str, world: World, *args: str) -> subprocess.CompletedProcess[str]:
    # The same backend choice as `make up` (a local backend when none is chosen).
    return world.run([str(ROOT / "scripts" / "pulumi-stack.sh"), *args], project_dir, {**world.environ, "STACK": stack})


def read_stack_config(project_dir: Path, stack: str, world: World) -> StackConfig:
    project, values = project_defaults(project_dir)
    unreadable: set[str] = set()
    why_not_cli = "the Pulumi CLI is not installed"
    if world.which("pulumi"):
        try:
            listed = pulumi_command(project_dir, stack, world, "config", "--json")
            entries: Any = json.loads(listed.stdout) if listed.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired, ValueError) as error:
            listed, entries = None, None
            why_not_cli = str(error)
        if isinstance(entries, dict):
            _refuse_keys_set_twice(project_dir / stack_file_name(stack), project)
            for key, entry in entries.items():
                if "value" in entry:
                    values[key] = str(entry["value"])
                elif entry.get("secret"):
                    unreadable.add(key)
            return StackConfig(project, values, frozenset(unreadable), f"`pulumi config --stack {stack}`")
        if listed is not None:
            lines = (listed.stderr or listed.stdout).strip().splitlines()
            why_not_cli = f"`pulumi config` failed: {lines[-1] if lines else f'exit status {listed.returncode}'}"
    stack_file = project_dir / stack_file_name(stack)
    if not stack_file.is_file():
        return StackConfig(
            project, values, frozenset(), f"Pulumi.yaml's defaults only ({why_not_cli}; no {stack_file.name})"
        )
    read = read_stack_file(project_dir, stack_file)
    return StackConfig(
        project, read.values, read.secure, f"{stack_file.name} and Pulumi.yaml's defaults ({why_not_cli})"
    )


def _refuse_keys_set_twice(stack_file: Path, project: str) -> None:
    """What the CLI does not refuse, though it picks one of the two values at random (stack_files.keys_set_twice)."""
    twice = keys_set_twice(stack_file, project) if stack_file.is_file() else []
    if twice:
        raise StackFileError(stack_file, f"is not valid: {'; '.join(twice)}")


def read_secret(project_dir: Path, stack: str, world: World, key: str) -> str | None:
    """A secret config value, through the Pulumi CLI (which decrypts it), or None."""
    if not world.which("pulumi"):
        return None
    try:
        got = pulumi_command(project_dir, stack, world, "config", "get", key)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return got.stdout.rstrip("\n") if got.returncode == 0 else None
