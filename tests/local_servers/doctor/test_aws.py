"""`make doctor`'s AWS checks: credentials that work (STS, on moto's server) and a region."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor_harness import assert_fails, good_config, run
from fake_kubernetes import FakeApiServer


def test_no_aws_credentials(tmp_path: Path, aws: None, cluster: FakeApiServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    check = run(tmp_path, good_config(cluster))["aws-credentials"]
    assert_fails(check, "no AWS credentials found", "aws sso login --profile <p>")
    assert "aws configure" in check.fix and "aws sts get-caller-identity" in check.fix


def test_no_region(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    config = {k: v for k, v in good_config(cluster).items() if k != "aws:region"}
    checks = run(tmp_path, config)
    assert_fails(checks["aws-region"], "aws:region is not set for stack dev", "pulumi config set aws:region")
    assert checks["settings"].status == "FAIL"
