"""`verify.py --sign-in` when Cognito's admin API says no: credentials, IAM denials, and cleanup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from verify_sign_in_stack import (  # noqa: F401 -- the *_fixture names are fixtures
    GROUP,
    REGION,
    SignInStack,
    admin_fixture,
    aws_environment,
    moto_endpoint_fixture,
    pool_fixture,
    sign_in_lines,
    sign_in_stack_fixture,
)
from verify_stack import (  # noqa: F401 -- the *_fixture names are fixtures
    certificates_fixture,
    hosted_ui_fixture,
    idp_fixture,
    kong_fixture,
    no_ambient_network_settings_fixture,
    stack_fixture,
)

import verification.sign_in

ALL_ACTIONS = "cognito-idp:AdminCreateUser, AdminSetUserPassword, AdminAddUserToGroup, AdminDeleteUser"


def denied(operation: str) -> ClientError:
    message = (
        f"User: arn:aws:sts::123456789012:assumed-role/deploy/gh is not authorized to perform: cognito-idp:{operation}"
    )
    return ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, operation)


class Denying:
    """verify.py's admin client on moto, with one operation denied as IAM would."""

    def __init__(self, client: Any, method: str, operation: str) -> None:
        self.client, self.method, self.operation = client, method, operation

    def __getattr__(self, name: str) -> Any:
        if name == self.method:

            def refuse(**parameters: Any) -> Any:
                raise denied(self.operation)

            return refuse
        return getattr(self.client, name)


def test_missing_credentials_are_a_failed_check_naming_the_actions(
    sign_in_stack: SignInStack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    moto_endpoint: str,
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    aws_environment(monkeypatch, tmp_path, moto_endpoint)
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert sign_in_lines(lines) == [
        "FAIL test user: no AWS credentials for cognito-idp:AdminCreateUser (boto3's default chain: environment, "
        f"profile, SSO, instance or task role); --sign-in needs {ALL_ACTIONS}",
        "PASS cleanup: no test user was created",
    ]


def test_a_denied_create_is_a_failed_check_naming_the_action(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = boto3.client("cognito-idp", region_name=REGION)
    stubber = Stubber(client)
    error = denied("AdminCreateUser").response["Error"]
    stubber.add_client_error("admin_create_user", service_error_code=error["Code"], service_message=error["Message"])
    stubber.activate()
    monkeypatch.setattr(verification.sign_in, "cognito_client", lambda region: client)
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert sign_in_lines(lines) == [
        f"FAIL test user: cognito-idp:AdminCreateUser denied (AccessDeniedException: {error['Message']}); "
        "the role needs cognito-idp:AdminCreateUser on the pool",
        "PASS cleanup: no test user was created",
    ]
    stubber.assert_no_pending_responses()


def test_a_user_created_before_a_denied_call_is_deleted(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in_stack.use_groups(GROUP)
    make_client = verification.sign_in.cognito_client
    monkeypatch.setattr(
        verification.sign_in,
        "cognito_client",
        lambda region: Denying(make_client(region), "admin_add_user_to_group", "AdminAddUserToGroup"),
    )
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    added = sign_in_lines(lines)
    assert added[0].startswith("FAIL test user: cognito-idp:AdminAddUserToGroup denied (AccessDeniedException: ")
    assert added[1].startswith("PASS cleanup: deleted the test user verify-")
    assert len(added) == 2
    assert sign_in_stack.users() == []


def test_a_denied_delete_fails_cleanup_and_says_how_to_delete_by_hand(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_client = verification.sign_in.cognito_client
    monkeypatch.setattr(
        verification.sign_in,
        "cognito_client",
        lambda region: Denying(make_client(region), "admin_delete_user", "AdminDeleteUser"),
    )
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    (email,) = sign_in_stack.users()
    (username,) = [
        user["Username"] for user in sign_in_stack.admin.list_users(UserPoolId=sign_in_stack.pool_id)["Users"]
    ]
    assert lines[-1] == (
        f"FAIL cleanup: {email} is still in the pool (cognito-idp:AdminDeleteUser denied (AccessDeniedException: "
        f"{denied('AdminDeleteUser').response['Error']['Message']}); the role needs cognito-idp:AdminDeleteUser on "
        f"the pool); delete it with `aws cognito-idp admin-delete-user --user-pool-id {sign_in_stack.pool_id} "
        f"--username {username}`"
    )
    # Every other check passed: only the leftover user fails the run.
    assert [line for line in lines if line.startswith("FAIL")] == [lines[-1]]
