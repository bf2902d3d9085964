"""`make doctor` as a whole: every check in order, one line each, its exit status, and the settings line
(who can get in, what the program would refuse). Each check's own failures are in the file named after its module.

The cluster is the fake API server (tests/support/fake_kubernetes.py), AWS is moto's server for STS,
DNS and the Pulumi CLI are stand-ins; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from doctor_harness import HOST, LINE, FakePulumi, assert_fails, good_config, project, run, world
from fake_kubernetes import FakeApiServer
from program_harness import ROOT

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION
from doctor_checks import cli


def test_a_ready_cluster_and_account_pass_every_check(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    kubeconfig_before = (cluster.kubeconfig.read_bytes(), cluster.kubeconfig.stat().st_mtime_ns)
    checks = run(tmp_path, good_config(cluster))
    assert {check.status for check in checks.values()} == {"PASS"}, [c.line() for c in checks.values()]
    assert list(checks) == [
        "pulumi",
        "uv",
        "python",
        "settings",
        "aws-region",
        "aws-credentials",
        "cluster",
        "kong-crd",
        "ingress default/demo",
        "ingress-class default/demo",
        "annotation-owner default/demo",
        "kongplugin default/oidc",
        "kic-events",
        f"dns {HOST}",
        "kong-version",
    ]
    assert checks["aws-credentials"].detail == "account 123456789012, arn:aws:sts::123456789012:user/moto"
    assert "context kong at " + cluster.url in checks["cluster"].detail
    assert checks["ingress default/demo"].detail == f"found; {PLUGINS_ANNOTATION}: cors"
    assert f"https://{HOST}/bar" in checks["settings"].detail
    # Read-only: the cluster saw nothing but GETs, and the kubeconfig was not written back.
    assert {method for method, *_ in cluster.requests} == {"GET"}
    assert (cluster.kubeconfig.read_bytes(), cluster.kubeconfig.stat().st_mtime_ns) == kubeconfig_before


def test_exit_status_is_1_when_a_check_fails_and_0_when_all_pass(
    tmp_path: Path, aws: None, cluster: FakeApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(tmp_path)
    config = good_config(cluster)
    assert cli.main(["--stack", "dev"], project_dir=folder, world=world(FakePulumi(config))) == 0
    assert cli.main(["--stack", "dev"], project_dir=folder, world=world(FakePulumi(config), hosts={})) == 1
    lines = capsys.readouterr().out.splitlines()
    assert all(LINE.match(line) for line in lines)
    assert lines[-2].startswith(f"FAIL dns {HOST}: ")


def test_skipped_checks_do_not_fail_the_run(
    tmp_path: Path, aws: None, cluster: FakeApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cluster.store.forbidden.add(("get", "customresourcedefinitions"))
    folder = project(tmp_path)
    assert cli.main(["--stack", "dev"], project_dir=folder, world=world(FakePulumi(good_config(cluster)))) == 0
    assert {line.split()[0] for line in capsys.readouterr().out.splitlines()} == {"PASS", "SKIP"}


def test_a_misspelt_key_fails_settings_as_the_program_does(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    config = {**good_config(cluster), "kong-cognito-oidc:allowedGroup": ["staff"], "kubernetes:namespace": "x"}
    check = run(tmp_path, config)["settings"]
    assert_fails(
        check,
        "kong-cognito-oidc:allowedGroup: not a setting of this project; did you mean allowedGroups?",
        "pulumi config rm <key> --stack dev",
    )
    assert "kubernetes:namespace" not in check.detail, "other namespaces are their providers' business"


def test_a_misspelt_key_in_the_stack_file_fails_even_when_it_is_a_secret(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    config = {**good_config(cluster), "kong-cognito-oidc:allowedGroup": {"secure": "v1:abc"}}
    checks = {check.name: check for check in cli.run_checks("dev", project(tmp_path, config), world(None))}
    assert_fails(checks["settings"], "allowedGroup: not a setting of this project", "Pulumi.dev.yaml")
    assert "v1:abc" not in checks["settings"].line()


@pytest.mark.parametrize(
    ("access", "who"),
    [
        ({}, "who can get in: anyone who can sign up (self sign-up is on, no allowedGroups)"),
        ({"selfSignUp": "false"}, "who can get in: every account an administrator creates (self sign-up is off"),
        ({"allowedGroups": ["staff", "ops"]}, "who can get in: members of staff, ops (self sign-up is on, but"),
        ({"selfSignUp": False, "allowedGroups": ["staff"]}, "who can get in: members of staff (self sign-up is off"),
    ],
)
def test_settings_say_who_can_get_in(
    tmp_path: Path, aws: None, cluster: FakeApiServer, access: dict[str, Any], who: str
) -> None:
    config = {**good_config(cluster), **{f"kong-cognito-oidc:{key}": value for key, value in access.items()}}
    check = run(tmp_path, config)["settings"]
    assert check.status == "PASS" and who in check.detail, check.line()


@pytest.mark.parametrize(
    ("identifier", "noted"), [(None, True), ("https://api.example.com", False)], ids=["default", "set"]
)
def test_settings_note_an_api_identifier_that_follows_the_first_routes_host(
    tmp_path: Path, aws: None, cluster: FakeApiServer, identifier: str | None, noted: bool
) -> None:
    api = {"kong-cognito-oidc:apiClients": [{"name": "billing-job", "scopes": ["orders.read"]}]}
    if identifier is not None:
        api["kong-cognito-oidc:apiIdentifier"] = identifier
    check = run(tmp_path, {**good_config(cluster), **api})["settings"]
    assert check.status == "PASS", check.line()
    note = f"note: apiIdentifier is not set, so it is https://{HOST}, from the first route's host"
    assert (note in check.detail) is noted, check.line()
    assert ("set apiIdentifier to keep it" in check.detail) is noted


def test_make_doctor_runs_without_the_pulumi_cli(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "sh", "bash"):
        found = shutil.which(tool)
        assert found
        (bin_dir / tool).symlink_to(found)
    dry_run = subprocess.run(
        ["make", "-n", "doctor", "STACK=qa"],
        cwd=ROOT,
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert ".venv/bin/python doctor.py --stack qa" in dry_run.stdout
