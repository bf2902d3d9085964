"""The GitHub workflows: valid, pinned, least privilege, and wired the way docs/github-actions.md says.

`make lint` also validates them against GitHub's workflow schema; the last test shows that
schema refuses a broken workflow, so CI here fails before GitHub would.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from program_harness import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
# owner/repo@vMAJOR.MINOR.PATCH or a full commit; never a moving tag such as @v7 or @main.
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")


def load(name: str) -> dict[str, Any]:
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    workflow: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    workflow["on"] = workflow.pop(True)
    return workflow


def steps() -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = load("pulumi.yml")["jobs"]["pulumi"]["steps"]
    return result


def step(uses_prefix: str) -> dict[str, Any]:
    (found,) = [s for s in steps() if s.get("uses", "").startswith(uses_prefix)]
    return found


def test_every_action_is_pinned_to_a_release_or_commit() -> None:
    uses = [s["uses"] for s in steps() if "uses" in s]
    assert uses, "the shared workflow runs actions"
    assert [u for u in uses if not PINNED.match(u)] == []


@pytest.mark.parametrize(
    ("name", "event", "command", "environment"),
    [
        ("preview.yml", "pull_request", "preview", "preview"),
        ("deploy.yml", "push", "up", "deploy"),
        ("destroy.yml", "workflow_dispatch", "destroy", "deploy"),
    ],
)
def test_each_trigger_runs_its_command_in_its_environment(
    name: str, event: str, command: str, environment: str
) -> None:
    workflow = load(name)
    assert list(workflow["on"]) == [event]
    (job,) = workflow["jobs"].values()
    assert job["uses"] == "./.github/workflows/pulumi.yml"
    assert job["with"]["command"] == command
    assert job["with"]["environment"] == environment
    assert job["secrets"] == "inherit"
    # OIDC for AWS, nothing broader than reading the code (and commenting on the pull request).
    expected = {"contents": "read", "id-token": "write"}
    if event == "pull_request":
        expected["pull-requests"] = "write"
    assert workflow["permissions"] == expected


def test_pushes_go_only_from_main_and_never_run_two_updates_of_a_stack_at_once() -> None:
    deploy, destroy = load("deploy.yml"), load("destroy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert deploy["concurrency"] == {"group": "pulumi-stack-${{ vars.PULUMI_STACK }}", "cancel-in-progress": False}
    # Destroy shares the group, so it queues behind a running deploy of the same stack.
    assert destroy["concurrency"] == {"group": "pulumi-stack-${{ inputs.stack }}", "cancel-in-progress": False}
    assert load("preview.yml")["concurrency"]["cancel-in-progress"] is True


def test_destroy_needs_the_stack_named_twice() -> None:
    destroy = load("destroy.yml")
    assert set(destroy["on"]["workflow_dispatch"]["inputs"]) == {"stack", "confirm"}
    assert destroy["jobs"]["destroy"]["if"] == "inputs.confirm == inputs.stack"


def test_aws_credentials_come_from_github_oidc_with_the_environments_role() -> None:
    job = load("pulumi.yml")["jobs"]["pulumi"]
    assert job["environment"] == "${{ inputs.environment }}"
    aws = step("aws-actions/configure-aws-credentials@")["with"]
    assert aws["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"
    assert not {"aws-access-key-id", "aws-secret-access-key"} & set(aws), "no long-lived keys"
    kubeconfig = next(s for s in steps() if "update-kubeconfig" in s.get("run", ""))
    assert kubeconfig["env"]["EKS_CLUSTER_NAME"] == "${{ vars.EKS_CLUSTER_NAME }}"


def test_pulumi_runs_with_diff_refresh_policies_and_a_pull_request_comment() -> None:
    pulumi = step("pulumi/actions@")
    assert pulumi["with"] == {
        "command": "${{ inputs.command }}",
        "stack-name": "${{ inputs.stack }}",
        "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
        "comment-on-pr": "${{ inputs.command == 'preview' }}",
        "diff": True,
        "refresh": True,
        "policyPacks": "policy",
        "policyPackConfigs": "policy/config.json",
    }
    assert (ROOT / pulumi["with"]["policyPacks"] / "PulumiPolicy.yaml").is_file()
    assert pulumi["env"] == {
        "PULUMI_CONFIG_PASSPHRASE": "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
        "PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}",
    }


def test_dependencies_install_from_the_lock_with_cached_downloads() -> None:
    names = [s.get("uses", s.get("run")) for s in steps()]
    # The program runs with uv (Pulumi.yaml), so uv and the locked install come before Pulumi.
    assert names.index("make install") < names.index(step("pulumi/actions@")["uses"])
    uv = step("astral-sh/setup-uv@")["with"]
    assert uv["enable-cache"] is True
    assert uv["cache-dependency-glob"] == "uv.lock"
    assert (ROOT / uv["cache-dependency-glob"]).is_file()
    assert step("actions/setup-python@")["with"]["python-version"] == "3.11"


def test_the_stack_is_checked_offline_before_any_credential_is_used() -> None:
    every = steps()
    (check,) = [s for s in every if s.get("run") == "make check"]
    position = every.index(check)
    installed = next(n for n, s in enumerate(every) if s.get("run") == "make install")
    credentials = every.index(step("aws-actions/configure-aws-credentials@"))
    kubeconfig = next(n for n, s in enumerate(every) if "update-kubeconfig" in s.get("run", ""))
    assert installed < position < min(credentials, kubeconfig, every.index(step("pulumi/actions@")))
    # The stack the command runs on (org/name on Pulumi Cloud: make check reads Pulumi.<name>.yaml), no secret.
    assert check["env"] == {"STACK": "${{ inputs.stack }}"}
    # Pulumi destroys without running the program: a stack whose settings no longer pass can still go.
    assert check["if"] == "inputs.command != 'destroy'"


def test_the_schema_make_lint_checks_against_refuses_a_broken_workflow() -> None:
    # The schema `check-jsonschema --builtin-schema vendor.github-workflows` applies, read here
    # directly (found, not imported: its CLI is slow to import): the same verdict, in-process.
    from jsonschema import Draft7Validator

    spec = importlib.util.find_spec("check_jsonschema")
    assert spec is not None and spec.submodule_search_locations is not None
    package = Path(spec.submodule_search_locations[0])
    validator = Draft7Validator(json.loads((package / "builtin_schemas/vendor/github-workflows.json").read_text()))
    assert list(validator.iter_errors(load("deploy.yml"))) == []
    # A typo GitHub would reject: `concurrency.cancel-in-progres`.
    broken = yaml.safe_load((WORKFLOWS / "deploy.yml").read_text().replace("cancel-in-progress", "cancel-in-progres"))
    broken["on"] = broken.pop(True)
    assert [error.message for error in validator.iter_errors(broken)] != []


def test_every_variable_and_secret_the_workflows_read_is_documented() -> None:
    # A new team wires a repository from the documentation's table alone.
    text = "\n".join(path.read_text() for path in sorted(WORKFLOWS.glob("*.yml")))
    used = set(re.findall(r"\$\{\{ (vars|secrets)\.([A-Z_]+) \}\}", text))
    assert used >= {("vars", "AWS_ROLE_ARN"), ("vars", "PULUMI_STACK"), ("secrets", "PULUMI_CONFIG_PASSPHRASE")}
    # The README and its docs/ pages (the settings table is in docs/github-actions.md).
    docs = "\n".join(path.read_text() for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    kinds = {"vars": "variable", "secrets": "secret"}
    assert sorted(name for kind, name in used if f"{kinds[kind]} `{name}`" not in docs) == []


def verify_step() -> dict[str, Any]:
    return next(s for s in steps() if "make verify" in s.get("run", ""))


def test_a_deploy_is_checked_from_outside_after_the_update() -> None:
    names = [s.get("uses", s.get("name")) for s in steps()]
    check = verify_step()
    assert names.index(check["name"]) > names.index(step("pulumi/actions@")["uses"])
    assert check["if"] == "inputs.command == 'up'"
    assert check["env"]["STACK"] == "${{ inputs.stack }}"
    assert check["env"]["VERIFY_ARGS"] == "${{ vars.VERIFY_ARGS }}"
    assert check["env"]["VERIFY_SIGN_IN"] == "${{ vars.VERIFY_SIGN_IN }}"


@pytest.mark.parametrize(
    ("sign_in", "verify_args", "expected"),
    [
        ("", "", "STACK=org/dev VERIFY_ARGS="),
        ("", "--insecure", "STACK=org/dev VERIFY_ARGS=--insecure"),
        ("false", "--insecure", "STACK=org/dev VERIFY_ARGS=--insecure"),
        ("true", "", "STACK=org/dev VERIFY_ARGS= --sign-in"),
        ("true", "--insecure", "STACK=org/dev VERIFY_ARGS=--insecure --sign-in"),
    ],
)
def test_the_verify_step_adds_sign_in_only_when_the_variable_is_true(
    tmp_path: Path, sign_in: str, verify_args: str, expected: str
) -> None:
    # The step's script as GitHub runs it (bash -e), with a `make` that records its arguments.
    fake_make = tmp_path / "make"
    fake_make.write_text('#!/bin/sh\nprintf "%s\\n" "$*" >> "$CALLS"\n')
    fake_make.chmod(0o755)
    calls = tmp_path / "calls"
    env = {
        "PATH": f"{tmp_path}:{os.environ['PATH']}",
        "CALLS": str(calls),
        "STACK": "org/dev",
        "VERIFY_ARGS": verify_args,
        "VERIFY_SIGN_IN": sign_in,
    }
    subprocess.run(["bash", "-e", "-c", verify_step()["run"]], env=env, check=True, timeout=10)
    assert calls.read_text().splitlines() == [f"verify {expected}"]
