"""Scenario 2: a dev stack deployed before `routes` existed, upgraded by today's program.

The commit is the one tests/fixtures/dev_stack_before_routes.json was recorded from. Its own
Makefile, lock and virtualenvs deploy it; today's preview and up then replace and delete nothing.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
from cluster_state import changes, plugins_listed
from engine import ROOT, Engine, copy_project
from kube_apiserver import KubeApiServer

pytestmark = pytest.mark.e2e

BEFORE_ROUTES = "9ca6b65"


def checkout(commit: str, destination: Path) -> Path:
    """The commit's tracked files (what `git worktree add` would lay out), with no worktree to clean up."""
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination


def test_the_fixture_names_the_commit() -> None:
    about = (ROOT / "tests" / "fixtures" / "dev_stack_before_routes.json").read_text()
    assert f"commit {BEFORE_ROUTES}, the last before routes" in about


def test_upgrading_a_stack_from_before_routes_replaces_and_deletes_nothing(
    engine: Engine, tmp_path: Path, engine_cluster: KubeApiServer, demo_ingress: dict[str, Any]
) -> None:
    before = checkout(BEFORE_ROUTES, tmp_path / "before")
    old = engine.make("up", before, "dev")
    assert old.returncode == 0, old
    assert plugins_listed(engine_cluster) == ["oidc"]

    today = copy_project(ROOT, tmp_path / "today")
    preview = engine.make("preview", today, "dev")
    assert preview.returncode == 0, preview
    assert not {"delete", "replace"} & set(changes(preview.output)), preview
    assert not re.search(r"^\s+(\+-|-\+|-)\s+\S+:\S+", preview.output, re.MULTILINE), preview

    up = engine.make("up", today, "dev")
    assert up.returncode == 0, up
    assert not {"deleted", "replaced"} & set(changes(up.output)), up
    assert plugins_listed(engine_cluster) == ["oidc"]

    assert engine.make("destroy", today, "dev").returncode == 0
