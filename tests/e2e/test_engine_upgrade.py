"""Scenario 2: dev stacks deployed by older commits, upgraded by today's program.

Before `routes`: the commit tests/fixtures/dev_stack_before_routes.json was recorded from. Its own
Makefile, lock and virtualenvs deploy it; today's preview and up then replace and delete nothing.
Before issues 18 and 19 (identity providers, API clients): the stack gains nothing it did not ask
for; only the user pool is updated in place, to the Lite feature plan.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
from cluster_state import changes, plugins_listed, steps, user_pools
from engine import ROOT, Engine, copy_project, link_virtualenvs
from kube_apiserver import KubeApiServer

pytestmark = pytest.mark.e2e

BEFORE_ROUTES = "9ca6b65"
# The last commit on main before issues 18 and 19; its uv.lock is today's.
BEFORE_ISSUES_18_19 = "b50e097"


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


def test_upgrading_a_stack_from_before_issues_18_and_19_only_moves_the_pool_to_lite_in_place(
    engine: Engine, tmp_path: Path, engine_cluster: KubeApiServer, moto_url: str, demo_ingress: dict[str, Any]
) -> None:
    before = link_virtualenvs(checkout(BEFORE_ISSUES_18_19, tmp_path / "before"))
    old = engine.make("up", before, "dev")
    assert old.returncode == 0, old
    (pool,) = user_pools(moto_url)

    today = copy_project(ROOT, tmp_path / "today")
    up = engine.make("up", today, "dev")
    assert up.returncode == 0, up
    # No resource server, client, provider or trigger; the KongPlugin's config and the Ingress as they were.
    assert steps(up.output) == {"~": {"UserPool cognito-users"}}, up
    assert re.search(r"UserPool cognito-users updated .*\[diff: \+userPoolTier\]", up.output), up
    assert [found["Id"] for found in user_pools(moto_url)] == [pool["Id"]]
    assert plugins_listed(engine_cluster) == ["oidc"]

    assert engine.make("destroy", today, "dev").returncode == 0
