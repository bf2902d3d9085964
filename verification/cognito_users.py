"""Throwaway users for --sign-in, through Cognito's admin API with boto3's default credential chain.

The deploy role then needs cognito-idp:AdminCreateUser, AdminSetUserPassword,
AdminAddUserToGroup (with allowedGroups) and AdminDeleteUser on the stack's pool.
"""

from __future__ import annotations

import secrets
import signal
import string
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

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

    A new session each run: boto3's default one keeps the credentials it found first. Bounded
    waits: the cleanup cannot be interrupted, so a hung call must not hold it for minutes.
    """
    timeouts = Config(connect_timeout=10, read_timeout=30)
    return boto3.session.Session().client("cognito-idp", region_name=region, config=timeouts)


def strong_password() -> str:
    """Random, and meets any Cognito policy: 32 characters with each kind of character."""
    alphabet = string.ascii_letters + string.digits + SYMBOLS
    kinds = [string.ascii_lowercase, string.ascii_uppercase, string.digits, SYMBOLS]
    characters = [secrets.choice(kind) for kind in kinds] + [secrets.choice(alphabet) for _ in range(28)]
    secrets.SystemRandom().shuffle(characters)
    return "".join(characters)


@dataclass(frozen=True)
class ThrowawayUser:
    # Also its Username in every admin call: the pool signs in with email, and Cognito's admin
    # calls then accept the email for the user.
    email: str
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


def _code(error: BaseException | None) -> str:
    """The error code of a ClientError; "" for anything else."""
    if not isinstance(error, ClientError):
        return ""
    return str(error.response.get("Error", {}).get("Code", ""))


def _may_have_created(error: AdminError) -> bool:
    """Whether the user may exist although AdminCreateUser failed.

    A request without an answer (timeout, connection lost) may have created it. botocore
    retries those, throttling and server errors: after a retry, an earlier attempt may have
    created it (the retry then gets UsernameExistsException). A refusal of the first attempt,
    or a failure before any request (no credentials), created nothing, and the name may belong
    to someone else's user then: it must not be deleted.
    """
    cause = error.__cause__
    if isinstance(cause, ClientError):
        return int(cause.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)) > 0
    return isinstance(cause, HTTPClientError | BotoConnectionError)


@contextmanager
def _interruptions_ignored() -> Iterator[None]:
    """Ignore SIGINT and SIGTERM: a second Ctrl-C or a CI cancel must not stop the cleanup halfway.

    Only the main thread may set signal handlers (and only it gets KeyboardInterrupt); elsewhere
    nothing changes. A handler not set from Python (getsignal: None) cannot be restored: left alone.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if handler is not None:
            previous[signum] = handler
            signal.signal(signum, signal.SIG_IGN)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class ThrowawayUsers:
    """Creates users, each remembered before it exists, so that delete_all() finds every one."""

    def __init__(self, client: Any, pool_id: str) -> None:
        self.client = client
        self.pool_id = pool_id
        # Every email AdminCreateUser was called with, recorded before the call: a Ctrl-C, or an
        # answer lost after AWS created the user, must not leave a user delete_all() does not know.
        self.recorded: list[str] = []
        # Those AdminCreateUser answered for: created for sure.
        self.confirmed: set[str] = set()

    def _call(self, action: str, **parameters: Any) -> Any:
        method = getattr(self.client, ACTIONS[action])
        try:
            return method(UserPoolId=self.pool_id, **parameters)
        except (BotoCoreError, ClientError) as error:
            raise AdminError(describe(error, action)) from error

    def create(self, group: str | None) -> ThrowawayUser:
        email = f"verify-{secrets.token_hex(6)}@{EMAIL_DOMAIN}"
        self.recorded.append(email)
        try:
            self._call(
                "AdminCreateUser",
                Username=email,
                UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
                MessageAction="SUPPRESS",
            )
        except AdminError as error:
            if not _may_have_created(error):
                self.recorded.remove(email)
            raise
        self.confirmed.add(email)
        user = ThrowawayUser(email, strong_password(), group)
        self._call("AdminSetUserPassword", Username=email, Password=user.password, Permanent=True)
        if group is not None:
            self._call("AdminAddUserToGroup", Username=email, GroupName=group)
        return user

    def delete_all(self, *, interrupted: bool = False) -> Result:
        """Delete every user recorded, whatever happened before; one line that says so.

        Ctrl-C and SIGTERM are ignored meanwhile. A user AdminCreateUser never answered for may
        not exist: not found, it is not mentioned; a confirmed one not found is already gone.
        """
        deleted, problems = [], []
        with _interruptions_ignored():
            for email in self.recorded:
                try:
                    self._call("AdminDeleteUser", Username=email)
                except AdminError as error:
                    if _code(error.__cause__) == "UserNotFoundException":
                        if email in self.confirmed:
                            deleted.append(email)
                        continue
                    still = "is still" if email in self.confirmed else "may still be"
                    problems.append(
                        f"{email} {still} in the pool ({error}); delete it with `aws cognito-idp admin-delete-user "
                        f"--user-pool-id {self.pool_id} --username {email}`"
                    )
                else:
                    deleted.append(email)
        when = " after the interruption" if interrupted else ""
        if problems:
            return Result("cleanup", False, "; ".join(problems))
        if not deleted:
            return Result("cleanup", True, f"no test user was created{when}")
        return Result(
            "cleanup", True, f"deleted the test user{'s' if len(deleted) > 1 else ''} {', '.join(deleted)}{when}"
        )
