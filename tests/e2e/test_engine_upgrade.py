"""Scenario 2: dev stacks deployed by older commits, upgraded by today's program.

Before `routes`: the commit tests/fixtures/dev_stack_before_routes.json was recorded from. Its own
Makefile, lock and virtualenvs deploy it; today's preview and up then replace and delete nothing.
Before identity providers and machine clients existed: the stack gains nothing it did not ask for;
only the user pool is updated in place, to the Lite feature plan. Then it takes their settings:
the pool and its users stay, only added resources and in-place updates.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_state import changes, cognito_client, plugins_listed, steps, user_pools
from engine import ROOT, Engine, copy_project, link_virtualenvs
from kube_apiserver import KubeApiServer

pytestmark = pytest.mark.e2e

BEFORE_ROUTES = "9ca6b65"
# The last commit on main before identity providers and machine clients; its uv.lock is today's.
BEFORE_PROVIDERS_AND_CLIENTS = "b50e097"
ENTRA = {
    "name": "Entra",
    "type": "SAML",
    "metadataUrl": "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
    "attributes": {"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"},
    "groupsAttribute": "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
}


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
    engine.preview_is_quiet(today, "dev")

    assert engine.make("destroy", today, "dev").returncode == 0


def test_a_stack_from_before_providers_and_clients_moves_to_lite_then_takes_them_keeping_pool_and_users(
    engine: Engine,
    tmp_path: Path,
    engine_cluster: KubeApiServer,
    moto_url: str,
    demo_ingress: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # moto's IAM knows AWS's managed policies (the groups trigger's role gets one) only when asked.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    before = link_virtualenvs(checkout(BEFORE_PROVIDERS_AND_CLIENTS, tmp_path / "before"))
    old = engine.make("up", before, "dev")
    assert old.returncode == 0, old
    (pool,) = user_pools(moto_url)
    user = cognito_client(moto_url).admin_create_user(UserPoolId=pool["Id"], Username="someone@example.com")["User"]

    today = copy_project(ROOT, tmp_path / "today")
    up = engine.make("up", today, "dev")
    assert up.returncode == 0, up
    # No resource server, client, provider or trigger; the KongPlugin's config and the Ingress as they were.
    assert steps(up.output) == {"~": {"UserPool cognito-users"}}, up
    assert re.search(r"UserPool cognito-users updated .*\[diff: \+userPoolTier\]", up.output), up
    assert plugins_listed(engine_cluster) == ["oidc"]

    # Then the stack takes a company provider with the groups gate, and a machine client: all added beside
    # what was there, the pool and the browser client updated in place, nothing replaced or deleted.
    stack_file = today / "Pulumi.dev.yaml"
    config = yaml.safe_load(stack_file.read_text())
    config["config"] |= {
        "kong-cognito-oidc:allowedGroups": ["staff"],
        "kong-cognito-oidc:identityProviders": [ENTRA],
        "kong-cognito-oidc:apiClients": [{"name": "billing-job", "scopes": ["orders.read"]}],
    }
    stack_file.write_text(yaml.safe_dump(config))
    adopted = engine.make("up", today, "dev")
    assert adopted.returncode == 0, adopted
    done = steps(adopted.output)
    assert set(done) == {"+", "~"}, adopted
    assert done["~"] == {
        "UserPool cognito-users",
        "UserPoolClient cognito-client",
        "KongPlugin kong-oidc-plugin",
    }, adopted
    assert {"IdentityProvider cognito-idp-Entra", "ResourceServer api-clients-resource-server"} <= done["+"], adopted
    assert [found["Id"] for found in user_pools(moto_url)] == [pool["Id"]]
    users = cognito_client(moto_url).list_users(UserPoolId=pool["Id"])["Users"]
    assert [found["Username"] for found in users] == [user["Username"]]
    assert plugins_listed(engine_cluster) == ["oidc"]
    engine.preview_is_quiet(today, "dev")

    assert engine.make("destroy", today, "dev").returncode == 0
