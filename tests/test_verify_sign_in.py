"""`verify.py --sign-in` end to end against moto's admin API and the hosted-UI and Kong stand-ins.

test_verify_sign_in_failures.py has the failures of the sign-in itself; test_verify_test_users.py
the admin API's refusals.
"""

from __future__ import annotations

from typing import Any

import pytest
from verify_sign_in_stack import (  # noqa: F401 -- the *_fixture names are fixtures
    GROUP,
    SignInStack,
    admin_fixture,
    check_names,
    moto_endpoint_fixture,
    pool_fixture,
    sign_in_lines,
    sign_in_stack_fixture,
)
from verify_stack import (  # noqa: F401 -- the *_fixture names are fixtures
    CLIENT_SECRET,
    certificates_fixture,
    failures,
    hosted_ui_fixture,
    idp_fixture,
    kong_fixture,
    no_ambient_network_settings_fixture,
    stack_fixture,
)

import verification.cognito_users
import verification.sign_in


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
        "PASS sign-in shop (shop)",
        "PASS session cookie shop (shop)",
        "PASS signed out shop (shop)",
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
    # Served twice per route (after sign-in, then to the cookie alone), never after sign-out.
    assert sign_in_stack.kong.upstream_calls == [email] * 4
    output = "\n".join(lines) + err
    assert passwords and not [password for password in passwords if password in output]
    assert CLIENT_SECRET not in output
    assert "code=" not in output and "session=" not in output


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
        "PASS group gate demo (default)",
        "PASS sign-in shop (shop)",
        "PASS session cookie shop (shop)",
        "PASS signed out shop (shop)",
        "PASS group gate shop (shop)",
        "PASS cleanup",
    ]
    member, outsider = (line.split()[4] for line in added[:2])
    assert added[0].endswith(f"in group {GROUP}")
    assert added[1] == f"PASS test user: created {outsider} in {sign_in_stack.pool_id}, in none of allowedGroups"
    assert added[5] == (
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
