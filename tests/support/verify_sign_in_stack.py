"""moto's Cognito admin API (aws_standin) and the sign-in stand-ins, wired to verify_stack's servers.

Registered for the local-servers level in tests/local_servers/conftest.py, e.g. `sign_in_stack_fixture`
(pytest: `sign_in_stack`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from sign_in_standins import CognitoStandIn, KongStandIn
from verify_stack import CLIENT_ID, CLIENT_SECRET, Certificates, Stack

import verification.cognito_users
import verification.sign_in

REGION = "eu-west-1"
GROUP = "staff"
FAKE_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="session", name="admin")
def admin_fixture(moto_endpoint: str) -> Any:
    """The tests' own view of the pool (not verify.py's client)."""
    return boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=moto_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@dataclass(frozen=True)
class Pool:
    pool_id: str
    password_client_id: str


@pytest.fixture(scope="session", name="pool")
def pool_fixture(admin: Any) -> Pool:
    # Like the program's pool: users sign in with their email.
    pool_id = admin.create_user_pool(PoolName="kong-oidc-test", UsernameAttributes=["email"])["UserPool"]["Id"]
    admin.create_group(UserPoolId=pool_id, GroupName=GROUP)
    client = admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="password-check",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        ReadAttributes=["email", "email_verified"],  # in its ID tokens
    )
    return Pool(pool_id, client["UserPoolClient"]["ClientId"])


def aws_environment(monkeypatch: pytest.MonkeyPatch, folder: Path, endpoint: str | None) -> None:
    """Nothing from the developer's AWS setup, and no instance-metadata lookups (network).

    AWS's config and credentials files are named in `folder`, where nothing creates them.
    """
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(folder / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(folder / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    if endpoint is not None:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)


@dataclass
class SignInStack:
    stack: Stack
    cognito: CognitoStandIn
    kong: KongStandIn
    admin: Any
    pool_id: str

    def users(self) -> list[str]:
        users = self.admin.list_users(UserPoolId=self.pool_id)["Users"]
        return [next(a["Value"] for a in user["Attributes"] if a["Name"] == "email") for user in users]

    def use_groups(self, *groups: str) -> None:
        self.stack.outputs["allowedGroups"] = list(groups)
        self.kong.allowed_groups = list(groups)


@pytest.fixture(name="sign_in_stack")
def sign_in_stack_fixture(
    stack: Stack,
    certificates: Certificates,
    admin: Any,
    pool: Pool,
    moto_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[SignInStack]:
    """Two routes with sign-out, no allowedGroups, fake AWS keys for moto; a test changes one thing."""
    aws_environment(monkeypatch, stack.folder, moto_endpoint)
    for name, value in FAKE_KEYS.items():
        monkeypatch.setenv(name, value)
    stack.kong.routes.clear()
    stack.hosted_ui.routes.clear()
    cognito = CognitoStandIn(stack.hosted_ui, admin, pool.pool_id, pool.password_client_id, CLIENT_ID, CLIENT_SECRET)
    cognito.install()
    kong = KongStandIn(stack.kong, cognito, certificates.cognito_ca_file, CLIENT_SECRET)
    routes = []
    for ingress, namespace, route_path in (("demo", "default", "/bar"), ("shop", "shop", "/shop")):
        url = stack.kong.url(route_path)
        signed_out = stack.kong.url("/signed-out")
        kong.protect(route_path, signed_out)
        cognito.callbacks.add(url)
        cognito.logout_urls.add(signed_out)
        routes.append(
            {
                "ingress": ingress,
                "namespace": namespace,
                "url": url,
                "plugin": f"{ingress}-oidc",
                "signOutUrl": url + "/logout",
                "signedOutUrl": signed_out,
            }
        )
    stack.outputs.update(
        routes=routes,
        signOutUrl=routes[0]["signOutUrl"],
        userPoolId=pool.pool_id,
        awsRegion=REGION,
        allowedGroups=[],
    )
    sign_in_stack = SignInStack(stack, cognito, kong, admin, pool.pool_id)
    yield sign_in_stack
    # Whatever a test did, the next one starts with an empty pool. The pool is the whole run's, and
    # users (with their group memberships) are all that verify.py and the stand-ins add to it.
    for user in admin.list_users(UserPoolId=pool.pool_id)["Users"]:
        admin.admin_delete_user(UserPoolId=pool.pool_id, Username=user["Username"])


def sign_in_lines(lines: list[str]) -> list[str]:
    """The lines --sign-in adds after the checks without a user."""
    first = next(index for index, line in enumerate(lines) if line.split(":")[0].endswith("test user"))
    return lines[first:]


def check_names(lines: list[str]) -> list[str]:
    return [line.split(":")[0] for line in lines]


@pytest.fixture(name="passwords")
def passwords_fixture(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password verify.py generates, to show none is printed."""
    generated: list[str] = []
    original = verification.cognito_users.strong_password

    def spy() -> str:
        generated.append(original())
        return generated[-1]

    monkeypatch.setattr(verification.cognito_users, "strong_password", spy)
    return generated


def assert_no_password(passwords: list[str], lines: list[str], err: str) -> None:
    """A password was generated (and sent), and none reached the output."""
    output = "\n".join(lines) + err
    assert passwords
    assert [password for password in passwords if password in output] == []


class Wrapped:
    """verify.py's admin client on moto; a test overrides the calls it changes."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def wrap_admin_client(monkeypatch: pytest.MonkeyPatch, wrapper: Callable[[Any], Any]) -> None:
    """verify.py gets `wrapper(client)` instead of its admin client."""
    make_client = verification.sign_in.cognito_client
    monkeypatch.setattr(verification.sign_in, "cognito_client", lambda region: wrapper(make_client(region)))
