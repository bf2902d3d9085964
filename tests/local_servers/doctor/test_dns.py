"""`make doctor`'s DNS check: each route's host resolves (to the Kong proxy)."""

from __future__ import annotations

from pathlib import Path

from doctor_harness import HOST, assert_fails, good_config, run
from fake_kubernetes import FakeApiServer


def test_a_host_that_does_not_resolve(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    check = run(tmp_path, good_config(cluster), hosts={})[f"dns {HOST}"]
    assert_fails(check, "does not resolve", "set dataPlaneHost to your Kong proxy's public name")
