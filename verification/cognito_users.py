"""Throwaway users for --sign-in, through Cognito's admin API with boto3's default credential chain.

The deploy role then needs cognito-idp:AdminCreateUser, AdminSetUserPassword,
AdminAddUserToGroup (with allowedGroups) and AdminDeleteUser on the stack's pool.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from typing import Any

import boto3.session
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

from verification.results import Result

# IAM action (the API operation's name) → boto3 method.
ACTIONS = {
    "AdminCreateUser": "admin_create_user",
    "AdminSetUserPassword": "admin_set_user_password",
    "AdminAddUserToGroup": "admin_add_user_to_group",
    "AdminDeleteUser": "admin_delete_user",
}
DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})
# Cognito's password policy counts these as symbols.
SYMBOLS = "^$*.[]{}()?!@#%&/,><:;|_~=+-"
# RFC 2606 reserves example.com: nothing is ever delivered there, and no message is sent anyway.
EMAIL_DOMAIN = "example.com"


class AdminError(Exception):
    """An admin call failed; the message names the IAM action."""


def cognito_client(region: str) -> Any:
    """The admin API client; AWS_ENDPOINT_URL (boto3's standard setting) points it elsewhere in tests.

    A new session each run: boto3's default one keeps the credentials it found first.
    """
    return boto3.session.Session().client("cognito-idp", region_name=region)


def strong_password() -> str:
    """Random, and meets any Cognito policy: 32 characters with each kind of character."""
    alphabet = string.ascii_letters + string.digits + SYMBOLS
    kinds = [string.ascii_lowercase, string.ascii_uppercase, string.digits, SYMBOLS]
    characters = [secrets.choice(kind) for kind in kinds] + [secrets.choice(alphabet) for _ in range(28)]
    secrets.SystemRandom().shuffle(characters)
    return "".join(characters)


@dataclass(frozen=True)
class ThrowawayUser:
    email: str
    # The pool's name for the user (a UUID in pools that sign in with email); for admin calls.
    username: str
    password: str
    group: str | None

    def __repr__(self) -> str:
        return f"ThrowawayUser({self.email!r})"  # never the password


def describe(error: Exception, action: str) -> str:
    iam_action = f"cognito-idp:{action}"
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return (
            f"no AWS credentials for {iam_action} (boto3's default chain: environment, profile, SSO, "
            "instance or task role); --sign-in needs cognito-idp:" + ", ".join(ACTIONS)
        )
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        if code in DENIED_CODES:
            return f"{iam_action} denied ({code}: {message}); the role needs {iam_action} on the pool"
        return f"{iam_action} failed: {code}: {message}"
    if isinstance(error, BotoCoreError):
        return f"{iam_action} failed: {error}"
    return f"{iam_action} failed: {type(error).__name__}"


class ThrowawayUsers:
    """Creates users and remembers each one at once, so that delete_all() finds every one."""

    def __init__(self, client: Any, pool_id: str) -> None:
        self.client = client
        self.pool_id = pool_id
        self.created: list[ThrowawayUser] = []

    def _call(self, action: str, **parameters: Any) -> Any:
        method = getattr(self.client, ACTIONS[action])
        try:
            return method(UserPoolId=self.pool_id, **parameters)
        except (BotoCoreError, ClientError) as error:
            raise AdminError(describe(error, action)) from error

    def create(self, group: str | None) -> ThrowawayUser:
        email = f"verify-{secrets.token_hex(6)}@{EMAIL_DOMAIN}"
        answer = self._call(
            "AdminCreateUser",
            Username=email,
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )
        user = ThrowawayUser(email, answer["User"]["Username"], strong_password(), group)
        self.created.append(user)
        self._call("AdminSetUserPassword", Username=user.username, Password=user.password, Permanent=True)
        if group is not None:
            self._call("AdminAddUserToGroup", Username=user.username, GroupName=group)
        return user

    def delete_all(self, *, interrupted: bool = False) -> Result:
        """Delete every user created, whatever happened before; one line that says so."""
        deleted, problems = [], []
        for user in self.created:
            try:
                self._call("AdminDeleteUser", Username=user.username)
            except AdminError as error:
                if isinstance(error.__cause__, ClientError) and _code(error.__cause__) == "UserNotFoundException":
                    deleted.append(user.email)
                    continue
                problems.append(
                    f"{user.email} is still in the pool ({error}); delete it with `aws cognito-idp admin-delete-user "
                    f"--user-pool-id {self.pool_id} --username {user.username}`"
                )
            else:
                deleted.append(user.email)
        when = " after the interruption" if interrupted else ""
        if problems:
            return Result("cleanup", False, "; ".join(problems))
        if not deleted:
            return Result("cleanup", True, f"no test user was created{when}")
        return Result(
            "cleanup", True, f"deleted the test user{'s' if len(deleted) > 1 else ''} {', '.join(deleted)}{when}"
        )


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
