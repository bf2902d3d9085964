"""Runs the Pulumi program (`__main__.py`) under Pulumi's mocks and records what it declares.

The machinery is the product's own (stack_check/mocks.py, which `make check` runs): this module
re-exports it for the tests, with the dev stack's config and how Pulumi marks a secret on the wire.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from components.naming import PROJECT
from stack_check.mocks import (
    ACCOUNT,
    CLIENT_ID,
    CLIENT_SECRET,
    RANDOM_HEX,
    SESSION_SECRET,
    USER_POOL_ARN,
    USER_POOL_ID,
    CloudMocks,
    Declared,
    Export,
    ProgramRun,
    RecordingMonitor,
    machine_client_secret,
    run_under_mocks,
)

__all__ = [
    "ACCOUNT",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "PROJECT",
    "RANDOM_HEX",
    "ROOT",
    "SESSION_SECRET",
    "USER_POOL_ARN",
    "USER_POOL_ID",
    "CloudMocks",
    "Declared",
    "Export",
    "ProgramRun",
    "RecordingMonitor",
    "dev_stack_config",
    "is_secret",
    "machine_client_secret",
    "run_program",
    "shared_run",
]

ROOT = Path(__file__).resolve().parents[2]

# How Pulumi's wire format marks a secret value (pulumi/sdk/python/lib/pulumi/runtime/rpc.py).
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(_SIG_KEY) == _SECRET_SIG


def dev_stack_config() -> dict[str, str]:
    """The config `pulumi up` gives the program for Pulumi.dev.yaml (its values, and Pulumi.yaml's defaults).

    Read as `make doctor` reads a stack without the Pulumi CLI.
    """
    from doctor_checks.stack_config import read_stack_config
    from doctor_checks.world import World

    return read_stack_config(ROOT, "dev", World(which=lambda _: None)).values


def run_program(
    monkeypatch: Any,
    config: dict[str, str],
    stack: str = "dev",
    monitor: RecordingMonitor | None = None,
    preview: bool = False,
) -> ProgramRun:
    """Run `__main__.py` under mocks to completion (stack_check.mocks.run_under_mocks).

    `monkeypatch` (pytest's fixture, or None outside pytest) is not needed any more: the run puts
    the environment and `pulumi.export` back as they were. Tests set PULUMI_CONFIG_SECRET_KEYS
    with it themselves, which the run leaves alone.
    """
    return run_under_mocks(config, stack, monitor, preview=preview)


def shared_run(config: Mapping[str, str]) -> ProgramRun:
    """The dev stack's program run once per config in this process, for tests that only read what it declared.

    Not for a test that patches the program's modules first, or sets an environment variable the program
    reads (PULUMI_CONFIG_SECRET_KEYS): its run would be another's.
    """
    assert "PULUMI_CONFIG_SECRET_KEYS" not in os.environ, "the run depends on it: use run_program"
    return _run_once(json.dumps(dict(config), sort_keys=True))


@functools.cache
def _run_once(config: str) -> ProgramRun:
    return run_under_mocks(json.loads(config))
