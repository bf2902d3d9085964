"""`make doctor`'s tool checks: uv, the Pulumi CLI and a Python the project supports."""

from __future__ import annotations

from pathlib import Path

from doctor_harness import FakePulumi, assert_fails, good_config, project, world
from fake_kubernetes import FakeApiServer

from doctor_checks import cli
from doctor_checks.tools import UV_INSTALL


def test_uv_missing_is_failed_with_how_to_install_it(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    no_uv = world(FakePulumi(good_config(cluster)))
    no_uv.which = {"pulumi": "/usr/local/bin/pulumi"}.get
    checks = {check.name: check for check in cli.run_checks("dev", project(tmp_path), no_uv)}
    assert_fails(checks["uv"], "uv is not on PATH", f"install it with {UV_INSTALL}")
    assert "pipx install uv" in UV_INSTALL, "pip install uv is refused by an externally managed Python"
    assert checks["pulumi"].status == "PASS"


def test_an_old_python_fails(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    old = world(FakePulumi(good_config(cluster)))
    old.python_version = (3, 10, 12)
    checks = {check.name: check for check in cli.run_checks("dev", project(tmp_path), old)}
    assert_fails(checks["python"], "Python 3.10.12; the program needs >= 3.11", "uv python install 3.11")
