"""`verify.py --sign-in` end to end against moto's admin API and the hosted-UI and Kong stand-ins.

test_sign_in_failures.py has the failures of the sign-in itself; test_cognito_users.py
the admin API's refusals.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest
from oidc_servers import Reply, Request
from verify_sign_in_stack import (
    GROUP,
    SignInStack,
    Wrapped,
    assert_no_password,
    check_names,
    sign_in_lines,
    wrap_admin_client,
)
from verify_stack import (
    CLIENT_SECRET,
    failures,
)

import verification.sign_in
from verification.results import Result


def test_a_user_signs_in_is_served_and_signs_out_on_every_route(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], passwords: list[str]
) -> None:
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 0, lines
    added = sign_in_lines(lines)
    assert check_names(added) == [
        "PASS test user",
        "PASS sign-in demo (default)",
        "PASS session cookie demo (default)",
        "PASS signed out demo (default)",
        "SKIP session ended demo (default)",
        "PASS sign-in shop (shop)",
        "PASS session cookie shop (shop)",
        "PASS signed out shop (shop)",
        "SKIP session ended shop (shop)",
        "PASS cleanup",
    ]
    kong = sign_in_stack.stack.kong
    (email,) = sign_in_stack.kong.upstream_calls[:1]
    assert added[0] == f"PASS test user: created {email} in {sign_in_stack.pool_id}"
    assert added[1] == (
        f"PASS sign-in demo (default): {email} signed in through the hosted UI; Kong set session and served "
        f"200 OK at {kong.url('/bar')}"
    )
    assert (
        added[2]
        == f"PASS session cookie demo (default): Kong serves 200 OK at {kong.url('/bar')} to its session cookie alone"
    )
    assert added[3] == (
        f"PASS signed out demo (default): after {kong.url('/bar/logout')} and Cognito's /logout, "
        "the route redirects to sign-in again"
    )
    assert added[-1] == f"PASS cleanup: deleted the test user {email}"
    assert sign_in_stack.users() == []
    # Served after sign-in, to the cookie alone, and (cookie sessions) to a copy of the cookie after sign-out.
    assert added[4] == (
        "SKIP session ended demo (default): cookie sessions: the session cookie from before sign-out still opens the "
        f"route (200 OK at {kong.url('/bar')}) until it times out, as cookie storage does; sessions.storage redis "
        "ends it at sign-out (docs/sessions.md)"
    )
    assert sign_in_stack.kong.upstream_calls == [email] * 6
    assert_no_password(passwords, lines, err)
    output = "\n".join(lines) + err
    assert CLIENT_SECRET not in output
    assert "code=" not in output and "session=" not in output
    id_tokens = [value for query in sign_in_stack.cognito.logout_queries for value in query.get("id_token_hint", [])]
    assert id_tokens and not [token for token in id_tokens if token in output]


def test_kong_sends_cognitos_logout_parameters_and_an_id_token_hint_only_with_a_session(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # As the stack configures the plugin: no logout_redirect_uri, hence no post_logout_redirect_uri.
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 0, lines
    without_session = ["client_id", "logout_uri"]
    with_session = ["client_id", "logout_uri", "id_token_hint"]
    # The sign-out checks without a session (one per route), then each route's sign-out after sign-in.
    assert [sorted(query) for query in sign_in_stack.cognito.logout_queries] == [
        sorted(without_session),
        sorted(without_session),
        sorted(with_session),
        sorted(with_session),
    ]


def test_with_allowed_groups_a_member_passes_and_an_outsider_is_refused(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_in_stack.use_groups(GROUP, "admins")
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 0, lines
    added = sign_in_lines(lines)
    assert check_names(added) == [
        "PASS test user",
        "PASS test user",
        "PASS sign-in demo (default)",
        "PASS session cookie demo (default)",
        "PASS signed out demo (default)",
        "SKIP session ended demo (default)",
        "PASS group gate demo (default)",
        "PASS sign-in shop (shop)",
        "PASS session cookie shop (shop)",
        "PASS signed out shop (shop)",
        "SKIP session ended shop (shop)",
        "PASS group gate shop (shop)",
        "PASS cleanup",
    ]
    member, outsider = (line.split()[4] for line in added[:2])
    assert added[0].endswith(f"in group {GROUP}")
    assert added[1] == f"PASS test user: created {outsider} in {sign_in_stack.pool_id}, in none of allowedGroups"
    assert added[6] == (
        f"PASS group gate demo (default): Kong refused {outsider}, in none of allowedGroups (staff, admins), "
        f"with 403 Forbidden at {sign_in_stack.stack.kong.url('/bar')} after Cognito's sign-in"
    )
    assert added[-1] == f"PASS cleanup: deleted the test users {member}, {outsider}"
    assert sign_in_stack.users() == []
    assert set(sign_in_stack.kong.upstream_calls) == {member}


def test_a_group_gate_that_lets_the_outsider_through_fails(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_in_stack.use_groups(GROUP)
    sign_in_stack.kong.group_gate = False  # the plugin without groups_required
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    outsider = sign_in_lines(lines)[1].split()[4]
    assert failures(lines) == [
        f"FAIL group gate demo (default): Kong let {outsider}, in none of allowedGroups (staff), through: "
        f"200 OK at {sign_in_stack.stack.kong.url('/bar')}",
        f"FAIL group gate shop (shop): Kong let {outsider}, in none of allowedGroups (staff), through: "
        f"200 OK at {sign_in_stack.stack.kong.url('/shop')}",
    ]
    assert sign_in_stack.users() == []


def test_the_group_gate_check_passes_only_on_403(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kong refuses the outsider, but not with its group gate's 403: 401 on one route, 500 on the other.
    sign_in_stack.use_groups(GROUP)
    kong = sign_in_stack.stack.kong
    for route_path, status in (("/bar", 401), ("/shop", 500)):
        serve = kong.routes[route_path]
        assert callable(serve)

        def refuse_otherwise(
            request: Request, serve: Callable[[Request], Reply] = serve, status: int = status
        ) -> Reply:
            reply = serve(request)
            return dataclasses.replace(reply, status=status) if reply.status == 403 else reply

        kong.routes[route_path] = refuse_otherwise
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    outsider = sign_in_lines(lines)[1].split()[4]
    expected = f"expected 403 from Kong for {outsider}, in none of allowedGroups (staff); got"
    assert failures(lines) == [
        f"FAIL group gate demo (default): {expected} 401 Unauthorized at {kong.url('/bar')}",
        f"FAIL group gate shop (shop): {expected} 500 Internal Server Error at {kong.url('/shop')}",
    ]
    assert sign_in_stack.users() == []


def test_sign_out_that_does_not_end_the_session_fails(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_in_stack.kong.sign_out_ends_session = False
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    kong = sign_in_stack.stack.kong
    assert failures(lines)[0] == (
        f"FAIL signed out demo (default): after {kong.url('/bar/logout')} and Cognito's /logout, Kong still answers "
        f"200 OK at {kong.url('/bar')} instead of redirecting to sign-in: the session did not end"
    )
    assert len(failures(lines)) == 2  # one per route
    # The sign-out check without a session cannot tell: it passes.
    assert [line for line in lines if line.startswith("PASS sign-out")] != []


def test_ctrl_c_still_deletes_the_users_and_says_so(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in_stack.use_groups(GROUP)

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(verification.sign_in, "check_session_cookie", interrupt)
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 130
    added = sign_in_lines(lines)
    member, outsider = (line.split()[4] for line in added[:2])
    assert check_names(added) == ["PASS test user", "PASS test user", "PASS sign-in demo (default)", "PASS cleanup"]
    assert added[-1] == f"PASS cleanup: deleted the test users {member}, {outsider} after the interruption"
    assert err == "verify.py: interrupted\n"
    assert sign_in_stack.users() == []


@pytest.fixture(name="received")
def received_fixture() -> Iterator[dict[int, list[int]]]:
    """Fresh SIGINT and SIGTERM handlers that record what reaches them; verify.py must restore them.

    SIGINT's raises KeyboardInterrupt as Python's own does; SIGTERM's only records, so that a
    SIGTERM verify.py does not handle fails the test instead of ending pytest.
    """
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("only the main thread can set signal handlers")
    received: dict[int, list[int]] = {signal.SIGINT: [], signal.SIGTERM: []}

    def ctrl_c(signum: int, frame: FrameType | None) -> None:
        received[signum].append(signum)
        raise KeyboardInterrupt

    def record(signum: int, frame: FrameType | None) -> None:
        received[signum].append(signum)

    installed = {signal.SIGINT: ctrl_c, signal.SIGTERM: record}
    previous = {signum: signal.signal(signum, handler) for signum, handler in installed.items()}
    try:
        yield received
        for signum, handler in installed.items():
            assert signal.getsignal(signum) is handler, f"verify.py did not restore the handler of {signum!r}"
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def test_sigterm_deletes_the_users_like_ctrl_c(
    sign_in_stack: SignInStack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    received: dict[int, list[int]],
) -> None:
    # A CI job cancelled, or `timeout`, during a check.
    sign_in_stack.use_groups(GROUP)

    def terminated(*args: object) -> Result:
        os.kill(os.getpid(), signal.SIGTERM)
        return Result("session cookie", True, "never printed: SIGTERM ends the run first")

    monkeypatch.setattr(verification.sign_in, "check_session_cookie", terminated)
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert received == {signal.SIGINT: [], signal.SIGTERM: []}
    assert code == 130
    added = sign_in_lines(lines)
    member, outsider = (line.split()[4] for line in added[:2])
    assert check_names(added) == ["PASS test user", "PASS test user", "PASS sign-in demo (default)", "PASS cleanup"]
    assert added[-1] == f"PASS cleanup: deleted the test users {member}, {outsider} after the interruption"
    assert err == "verify.py: interrupted\n"
    assert sign_in_stack.users() == []


@pytest.mark.parametrize("second", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_second_interruption_does_not_stop_the_cleanup(
    sign_in_stack: SignInStack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    received: dict[int, list[int]],
    second: signal.Signals,
) -> None:
    sign_in_stack.use_groups(GROUP)

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    class InterruptedDelete(Wrapped):
        def admin_delete_user(self, **parameters: Any) -> Any:
            os.kill(os.getpid(), second)  # while the first of the two users is being deleted
            return self.client.admin_delete_user(**parameters)

    monkeypatch.setattr(verification.sign_in, "check_session_cookie", interrupt)
    wrap_admin_client(monkeypatch, InterruptedDelete)
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 130
    member, outsider = (line.split()[4] for line in sign_in_lines(lines)[:2])
    assert lines[-1] == f"PASS cleanup: deleted the test users {member}, {outsider} after the interruption"
    assert sign_in_stack.users() == []
    assert err == "verify.py: interrupted\n"
    assert received == {signal.SIGINT: [], signal.SIGTERM: []}


def test_the_region_comes_from_the_pool_id_without_aws_region(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    del sign_in_stack.stack.outputs["awsRegion"]  # outputs from before awsRegion
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 0, lines


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"userPoolId": None}, "verify.py: --sign-in needs userPoolId in the outputs\n"),
        (
            {"awsRegion": None, "userPoolId": "pool-without-region"},
            "verify.py: --sign-in needs awsRegion in the outputs, or a userPoolId that starts with its region "
            "(like us-west-2_AbC123), got 'pool-without-region'\n",
        ),
    ],
)
def test_sign_in_needs_the_pool_and_its_region(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], change: dict[str, Any], message: str
) -> None:
    for key, value in change.items():
        if value is None:
            del sign_in_stack.stack.outputs[key]
        else:
            sign_in_stack.stack.outputs[key] = value
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert (code, lines, err) == (2, [], message)


def test_sign_in_needs_the_hosted_ui_domain(sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]) -> None:
    # Without it, the password would go to whatever host Kong redirects to.
    outputs = sign_in_stack.stack.outputs
    del outputs["hostedUiDomain"], outputs["signOutUrl"]  # outputs naming a signOutUrl need it anyway
    for route in outputs["routes"]:
        del route["signOutUrl"]
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert (code, lines) == (2, [])
    assert err == "verify.py: --sign-in needs hostedUiDomain in the outputs: the password goes to that host only\n"
    assert sign_in_stack.stack.kong.requests == []
    assert sign_in_stack.users() == []
    # The checks without --sign-in still run without it.
    code, lines, _ = sign_in_stack.stack.run(capsys)
    assert code == 0, lines


class Recording:
    """verify.py's admin client on moto, recording the user it asks for."""

    def __init__(self, client: Any, calls: list[dict[str, Any]]) -> None:
        self.client, self.calls = client, calls

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def admin_create_user(self, **parameters: Any) -> Any:
        self.calls.append(parameters)
        return self.client.admin_create_user(**parameters)


def test_the_user_gets_no_invitation_and_an_email_like_name(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    make_client = verification.sign_in.cognito_client
    monkeypatch.setattr(verification.sign_in, "cognito_client", lambda region: Recording(make_client(region), calls))
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 0, lines
    (call,) = calls
    # No message to the made-up address; the email is verified, so the hosted UI does not ask for a code.
    assert call["MessageAction"] == "SUPPRESS"
    assert call["Username"].startswith("verify-") and call["Username"].endswith("@example.com")
    assert {"Name": "email_verified", "Value": "true"} in call["UserAttributes"]


def test_a_route_that_signs_in_with_a_company_provider_is_skipped(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Cognito sends that route's browsers straight to the provider: a local test user cannot sign in there.
    outputs = sign_in_stack.stack.outputs
    outputs["identityProviders"] = [{"name": "Corp", "type": "SAML"}]
    outputs["routes"][1]["signInWith"] = "Corp"
    _, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    added = sign_in_lines(lines)
    assert check_names(added) == [
        "PASS test user",
        "PASS sign-in demo (default)",
        "PASS session cookie demo (default)",
        "PASS signed out demo (default)",
        "SKIP session ended demo (default)",
        "SKIP sign-in shop (shop)",
        "PASS cleanup",
    ]
    assert added[5] == "SKIP sign-in shop (shop): the route signs in with Corp (signInWith)"
