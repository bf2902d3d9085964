"""`verify.py --sign-in` when the sign-in itself goes wrong: Cognito refuses, the page changed, Kong fails."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from oidc_servers import Reply, Request, redirect
from sign_in_standins import classic_login_page
from verify_sign_in_stack import (
    SignInStack,
    assert_no_password,
    sign_in_lines,
)
from verify_stack import (
    failures,
)

import verification.sign_in


def test_kong_failing_the_code_exchange_fails_and_the_user_is_deleted(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # As with a KongPlugin CRD that pruned configPatches: no client_secret in the plugin.
    sign_in_stack.kong.client_secret = ""
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    added = sign_in_lines(lines)
    email = added[0].split()[4]
    skipped = "skipped: needs the signed-in browser of the sign-in check"
    assert added[1:4] == [
        f"FAIL sign-in demo (default): after Cognito's redirect with a code, Kong answered 401 Unauthorized at "
        f"{sign_in_stack.stack.kong.url('/bar')} (is the code exchange with the client secret failing? "
        "e.g. the plugin lacks client_secret)",
        f"FAIL session cookie demo (default): {skipped}",
        f"FAIL signed out demo (default): {skipped}",
    ]
    assert added[-1] == f"PASS cleanup: deleted the test user {email}"
    assert sign_in_stack.users() == []
    assert sign_in_stack.kong.upstream_calls == []
    # The plain checks cannot see it: they all pass.
    assert not [line for line in lines[: len(lines) - len(added)] if line.startswith("FAIL")]


def test_kong_starting_sign_in_again_after_a_failed_exchange_fails(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_in_stack.kong.client_secret = ""
    sign_in_stack.kong.retry_sign_in_on_failure = True
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert failures(lines)[0] == (
        f"FAIL sign-in demo (default): after Cognito's redirect with a code, Kong sent the browser to "
        f"{sign_in_stack.stack.hosted_ui.url('/oauth2/authorize')} instead of serving the route "
        "(did the code exchange fail?)"
    )
    assert sign_in_stack.users() == []


def test_no_password_goes_to_a_sign_in_page_off_the_hosted_ui_domain(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kong's plugin points at another host than the stack's hosted UI domain.
    other = sign_in_stack.stack.idp.origin.removeprefix("https://")
    sign_in_stack.stack.outputs["hostedUiDomain"] = other
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert [line for line in failures(lines) if line.startswith("FAIL sign-in demo")] == [
        f"FAIL sign-in demo (default): Kong sends the browser to sign in at "
        f"{sign_in_stack.stack.hosted_ui.url('/oauth2/authorize')}, not on hostedUiDomain {other}: "
        "no password is sent there"
    ]
    # Only the hosted-UI checks' GETs of the sign-in page: no form was posted.
    assert sign_in_stack.stack.hosted_ui.requests.count("/login") == 2


def test_no_password_goes_over_plain_http_to_the_hosted_ui_domain(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kong's plugin sends the browser to the right host and port, but over http://.
    hosted_ui, kong = sign_in_stack.stack.hosted_ui, sign_in_stack.stack.kong
    serve = kong.routes["/bar"]
    assert callable(serve)

    def plain_http(request: Request) -> Reply:
        reply = serve(request)
        location = reply.headers.get("Location", "")
        if not location.startswith(hosted_ui.origin):
            return reply
        return dataclasses.replace(
            reply, headers={**reply.headers, "Location": "http" + location.removeprefix("https")}
        )

    kong.routes["/bar"] = plain_http
    login, posted = hosted_ui.routes["/login"], list[str | None]()
    assert callable(login)

    def record(request: Request) -> Reply:
        if request.method == "POST":
            posted.append(request.one("redirect_uri"))
        return login(request)

    hosted_ui.routes["/login"] = record
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    plain = "http" + hosted_ui.url("/oauth2/authorize").removeprefix("https")
    assert [line for line in failures(lines) if line.startswith("FAIL sign-in demo")] == [
        f"FAIL sign-in demo (default): Kong sends the browser to sign in at {plain}, not on hostedUiDomain "
        f"{sign_in_stack.stack.outputs['hostedUiDomain']}: no password is sent there"
    ]
    # Only the other route's sign-in posted a password.
    assert posted == [kong.url("/shop")]


class WrongPassword:
    """verify.py's admin client, except that the pool keeps a different password than the one verify.py knows."""

    POOL_PASSWORD = "Other-passw0rd!"

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def admin_set_user_password(self, **parameters: Any) -> Any:
        return self.client.admin_set_user_password(**(parameters | {"Password": self.POOL_PASSWORD}))


def test_a_refused_password_fails_with_cognitos_reason(
    sign_in_stack: SignInStack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    passwords: list[str],
) -> None:
    make_client = verification.cognito_users.cognito_client
    monkeypatch.setattr(verification.sign_in, "cognito_client", lambda region: WrongPassword(make_client(region)))
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    email = sign_in_lines(lines)[0].split()[4]
    assert failures(lines)[0] == (
        f"FAIL sign-in demo (default): Cognito did not accept the sign-in of {email}: 'Incorrect username or password.'"
    )
    assert sign_in_stack.users() == []
    assert_no_password(passwords, lines, err)
    assert WrongPassword.POOL_PASSWORD not in "\n".join(lines) + err


def test_a_temporary_password_is_reported_as_a_new_password_step(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Temporary(WrongPassword):
        def admin_set_user_password(self, **parameters: Any) -> Any:
            return self.client.admin_set_user_password(**(parameters | {"Permanent": False}))

    make_client = verification.cognito_users.cognito_client
    monkeypatch.setattr(verification.sign_in, "cognito_client", lambda region: Temporary(make_client(region)))
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert failures(lines)[0] == (
        f"FAIL sign-in demo (default): Cognito asked for a new password at "
        f"{sign_in_stack.stack.hosted_ui.url('/forceChangePassword')} instead of redirecting to redirectUri, "
        "though the test user's password is permanent: was the pool changed outside Pulumi?"
    )


def test_a_pool_that_requires_mfa_is_named_as_the_likely_cause_with_what_to_do(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], passwords: list[str]
) -> None:
    sign_in_stack.cognito.mfa_required = True
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert failures(lines)[0] == (
        f"FAIL sign-in demo (default): Cognito asked for another step at {sign_in_stack.stack.hosted_ui.url('/mfa')} "
        "instead of redirecting to redirectUri: most likely MFA (with mfa: required, Cognito asks every local "
        "account, the test user too, for an authenticator app's code, which this check cannot give: run --sign-in "
        "against a stack with mfa off or optional, or sign in by hand with an account that has an authenticator app)"
    )
    assert sign_in_stack.users() == []
    assert_no_password(passwords, lines, err)


def test_a_page_without_the_classic_form_is_not_recognised(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], passwords: list[str]
) -> None:
    # Managed login (the newer hosted UI) renders its form with scripts.
    sign_in_stack.cognito.login_page = lambda query, csrf, error: '<div id="root"></div><script src="/app.js"></script>'
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert failures(lines)[0] == (
        f"FAIL sign-in demo (default): sign-in form not recognised: found 0 form(s), none named cognitoSignInForm, "
        f"without the inputs _csrf, username and password at {sign_in_stack.stack.hosted_ui.url('/login')}"
    )
    assert sign_in_stack.users() == []
    assert_no_password(passwords, lines, err)


def test_a_csrf_field_that_differs_from_its_cookie_is_not_recognised(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str], passwords: list[str]
) -> None:
    sign_in_stack.cognito.login_page = lambda query, csrf, error: classic_login_page(query, "not-" + csrf, error)
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert failures(lines)[0] == (
        f"FAIL sign-in demo (default): sign-in form not recognised at {sign_in_stack.stack.hosted_ui.url('/login')}: "
        "its _csrf differs from the XSRF-TOKEN cookie"
    )
    assert_no_password(passwords, lines, err)


def test_a_session_cookie_that_kong_does_not_accept_later_fails(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # The callback serves the upstream, but the next request with the cookie is sent to sign-in.
    sign_in_stack.kong.keeps_sessions = False
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert failures(lines)[0] == (
        "FAIL session cookie demo (default): Kong sends its session cookie alone to sign-in "
        f"({sign_in_stack.stack.hosted_ui.url('/oauth2/authorize')})"
    )


def test_kong_serving_without_a_session_cookie_fails(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_in_stack.kong.keeps_sessions = False
    sign_in_stack.kong.set_session_cookie = False
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert failures(lines)[0] == (
        f"FAIL sign-in demo (default): Kong served 200 OK at {sign_in_stack.stack.kong.url('/bar')} "
        "but set no session cookie"
    )


def test_a_malformed_redirect_from_kong_fails_the_check(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kong's callback redirects to a URL with a bad port (the code is in its query, never printed).
    kong = sign_in_stack.stack.kong
    serve = kong.routes["/bar"]
    malformed = kong.origin.rsplit(":", 1)[0] + ":99999/bar"

    def callback_to_a_bad_port(request: Request) -> Reply:
        if request.one("code") is not None:
            return redirect(f"{malformed}?code=c0de")
        assert callable(serve)
        return serve(request)

    kong.routes["/bar"] = callback_to_a_bad_port
    code, lines, err = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    assert failures(lines) == [
        f"FAIL sign-in demo (default): redirect to a malformed URL {malformed!r} from {kong.url('/bar')}",
        "FAIL session cookie demo (default): skipped: needs the signed-in browser of the sign-in check",
        "FAIL signed out demo (default): skipped: needs the signed-in browser of the sign-in check",
    ]
    assert "c0de" not in "\n".join(lines) + err
    assert lines[-1].startswith("PASS cleanup: deleted the test user ")
    assert sign_in_stack.users() == []
