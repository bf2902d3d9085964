"""`verify.py --sign-in` when Cognito's admin API says no: credentials, IAM denials, and cleanup."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber
from verify_sign_in_stack import (
    GROUP,
    REGION,
    SignInStack,
    Wrapped,
    assert_no_password,
    aws_environment,
    sign_in_lines,
    wrap_admin_client,
)

import verification.sign_in
from verification.cognito_users import ThrowawayUsers
from verification.results import Result

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


@pytest.mark.parametrize(
    ("method", "operation"),
    [("admin_set_user_password", "AdminSetUserPassword"), ("admin_add_user_to_group", "AdminAddUserToGroup")],
)
def test_a_user_created_before_a_denied_call_is_deleted(
    sign_in_stack: SignInStack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    passwords: list[str],
    method: str,
    operation: str,
) -> None:
    sign_in_stack.use_groups(GROUP)
    wrap_admin_client(monkeypatch, lambda client: Denying(client, method, operation))
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    added = sign_in_lines(lines)
    assert added[0].startswith(f"FAIL test user: cognito-idp:{operation} denied (AccessDeniedException: ")
    assert added[1].startswith("PASS cleanup: deleted the test user verify-")
    assert len(added) == 2
    assert sign_in_stack.users() == []
    assert_no_password(passwords, lines, err)


def test_a_denied_delete_fails_cleanup_and_says_how_to_delete_by_hand(
    sign_in_stack: SignInStack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    passwords: list[str],
) -> None:
    make_client = verification.sign_in.cognito_client
    monkeypatch.setattr(
        verification.sign_in,
        "cognito_client",
        lambda region: Denying(make_client(region), "admin_delete_user", "AdminDeleteUser"),
    )
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    (email,) = sign_in_stack.users()
    assert lines[-1] == (
        f"FAIL cleanup: {email} is still in the pool (cognito-idp:AdminDeleteUser denied (AccessDeniedException: "
        f"{denied('AdminDeleteUser').response['Error']['Message']}); the role needs cognito-idp:AdminDeleteUser on "
        f"the pool); delete it with `aws cognito-idp admin-delete-user --user-pool-id {sign_in_stack.pool_id} "
        f"--username {email}`"
    )
    # Every other check passed: only the leftover user fails the run.
    assert [line for line in lines if line.startswith("FAIL")] == [lines[-1]]
    assert_no_password(passwords, lines, err)
    # The command it prints works: the admin API takes the email as the username in this pool.
    sign_in_stack.admin.admin_delete_user(UserPoolId=sign_in_stack.pool_id, Username=email)
    assert sign_in_stack.users() == []


def created_then(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> list[str]:
    """AWS creates the user, then `error` reaches verify.py instead of the answer; the emails it asked for."""
    emails: list[str] = []

    class CreatedThen(Wrapped):
        def admin_create_user(self, **parameters: Any) -> Any:
            emails.append(parameters["Username"])
            self.client.admin_create_user(**parameters)
            raise error

    wrap_admin_client(monkeypatch, CreatedThen)
    return emails


def test_ctrl_c_after_aws_created_the_user_but_before_its_answer_still_deletes_it(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    emails = created_then(monkeypatch, KeyboardInterrupt())
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 130
    (email,) = emails
    assert lines[-1] == f"PASS cleanup: deleted the test user {email} after the interruption"
    assert not [line for line in lines if "test user:" in line]  # it was never reported as created
    assert err == "verify.py: interrupted\n"
    assert sign_in_stack.users() == []


def test_ctrl_c_right_after_the_user_was_created_deletes_it(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    emails: list[str] = []

    class InterruptedSetPassword(Wrapped):
        def admin_set_user_password(self, **parameters: Any) -> Any:
            emails.append(parameters["Username"])
            raise KeyboardInterrupt

    wrap_admin_client(monkeypatch, InterruptedSetPassword)
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 130
    (email,) = emails
    assert lines[-1] == f"PASS cleanup: deleted the test user {email} after the interruption"
    assert sign_in_stack.users() == []


def retried(code: str) -> ClientError:
    """What botocore raises when a retry of a call gets an error: an earlier attempt may have succeeded."""
    return ClientError({"Error": {"Code": code, "Message": "..."}, "ResponseMetadata": {"RetryAttempts": 1}}, "op")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ReadTimeoutError(endpoint_url="https://cognito-idp.eu-west-1.amazonaws.com/"), "Read timeout on endpoint URL"),
        (retried("UsernameExistsException"), "UsernameExistsException"),
        # botocore's retry of a request whose answer was lost could not connect: the first attempt may have created it.
        (
            EndpointConnectionError(endpoint_url="https://cognito-idp.eu-west-1.amazonaws.com/"),
            "Could not connect to the endpoint URL",
        ),
    ],
    ids=["read timeout", "retry finds the user", "connection error"],
)
def test_a_user_created_without_an_answer_is_deleted(
    sign_in_stack: SignInStack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    reason: str,
) -> None:
    emails = created_then(monkeypatch, error)
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    (email,) = emails
    added = sign_in_lines(lines)
    assert added[0].startswith("FAIL test user: cognito-idp:AdminCreateUser failed: ")
    assert reason in added[0]
    assert added[1:] == [f"PASS cleanup: deleted the test user {email}"]
    assert sign_in_stack.users() == []


def test_ctrl_c_before_the_create_request_leaves_nothing_to_delete(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class InterruptedCreate(Wrapped):
        def admin_create_user(self, **parameters: Any) -> Any:
            raise KeyboardInterrupt

    wrap_admin_client(monkeypatch, InterruptedCreate)
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 130
    # Recorded but never created: its AdminDeleteUser finds no user, which is not a deletion.
    assert lines[-1] == "PASS cleanup: no test user was created after the interruption"


def test_a_refusal_after_retries_leaves_a_leftover_it_cannot_confirm(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The create got no clear answer and the delete is denied: the user may exist, so cleanup fails.
    class Unsure(Denying):
        def admin_create_user(self, **parameters: Any) -> Any:
            raise retried("TooManyRequestsException")

    wrap_admin_client(monkeypatch, lambda client: Unsure(client, "admin_delete_user", "AdminDeleteUser"))
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert lines[-1].startswith("FAIL cleanup: verify-")
    assert " may still be in the pool (cognito-idp:AdminDeleteUser denied " in lines[-1]


class FakeAdmin:
    def __init__(self) -> None:
        self.deleted: list[str] = []

    def admin_delete_user(self, UserPoolId: str, Username: str) -> None:  # noqa: N803 -- boto3's names
        self.deleted.append(Username)


def test_cleanup_works_outside_the_main_thread() -> None:
    # Signal handlers can be set only in the main thread: elsewhere delete_all leaves them alone.
    admin = FakeAdmin()
    users = ThrowawayUsers(admin, "eu-west-1_Pool")
    users.recorded.append("verify-0@example.com")
    users.confirmed.add("verify-0@example.com")
    outcome: list[object] = []

    def clean_up() -> None:
        try:
            outcome.append(users.delete_all())
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=clean_up)
    thread.start()
    thread.join()
    assert outcome == [Result("cleanup", True, "deleted the test user verify-0@example.com")]
    assert admin.deleted == ["verify-0@example.com"]
