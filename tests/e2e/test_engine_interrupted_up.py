"""Scenario 6: `make up` killed mid-update; after the documented `cancel`, `make up` converges."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from cluster_state import changes, kong_plugins, plugins_listed
from engine import Engine
from kube_apiserver import KubeApiServer

pytestmark = pytest.mark.e2e


def stop_left_behind(project: Path) -> None:
    """Plugins of the killed CLI that do not watch for it: the SDK's dynamic provider keeps running in the project."""
    time.sleep(4)  # the stand-ins and Go plugins notice the engine is gone and exit by themselves
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(proc, "cwd").resolve() == project.resolve():
                os.kill(int(proc.name), signal.SIGKILL)
        except OSError:
            continue


def test_an_up_killed_midway_converges_on_the_next_up(
    engine: Engine, project: Path, engine_cluster: KubeApiServer, demo_ingress: dict[str, Any]
) -> None:
    up = subprocess.Popen(
        ["make", "up", "STACK=dev"],
        cwd=project,
        env=engine.env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while not kong_plugins(engine_cluster) and up.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert up.poll() is None, "make up ended before it could be interrupted"
    finally:
        # The whole process group: make, the CLI, the language host, the program and the providers.
        os.killpg(up.pid, signal.SIGKILL)
        up.wait()
        stop_left_behind(project)

    # The killed CLI left the backend's lock; docs/troubleshooting.md says how to lift it.
    locked = engine.make("up", project, "dev")
    assert locked.returncode != 0 and "the stack is currently locked" in locked.output, locked
    cancel = engine.run(["scripts/pulumi-stack.sh", "cancel", "--yes"], cwd=project)
    assert cancel.returncode == 0, cancel

    again = engine.make("up", project, "dev")
    assert again.returncode == 0, again
    assert plugins_listed(engine_cluster) == ["oidc"]
    assert [p["metadata"]["name"] for p in kong_plugins(engine_cluster)] == ["oidc"]

    settled = engine.make("up", project, "dev")
    assert settled.returncode == 0 and set(changes(settled.output)) == {"unchanged"}, settled
    assert engine.make("destroy", project, "dev").returncode == 0
