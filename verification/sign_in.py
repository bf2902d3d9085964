"""`--sign-in`: a throwaway user signs in through the hosted UI, is served, and signs out.

Per route, with a fresh browser each time: sign-in (Kong → hosted UI form → Kong's callback →
the upstream, with Kong's session cookie set), the session cookie alone, sign-out through
`signOutUrl` when the outputs have one, and with `allowedGroups` a second user outside them
refused by Kong with 403 after a successful sign-in at Cognito. Every user created is deleted
at the end, also after a failure or Ctrl-C. Passwords, codes and tokens are never printed:
URLs are printed without their query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import requests

from verification.cognito_users import AdminError, ThrowawayUser, ThrowawayUsers, cognito_client
from verification.hosted_ui_form import (
    CSRF_COOKIE,
    CSRF_FIELD,
    NOT_RECOGNISED,
    FormNotRecognisedError,
    page_error,
    read_sign_in_form,
)
from verification.http_client import Browser, Client, FetchError, redirect_target, status_text
from verification.outputs import DeployedRoute, Outputs
from verification.protected_route import MAX_HOSTED_UI_HOPS, SIGN_IN_PATHS, error_page_detail, hosted_ui_step
from verification.results import CheckFailedError, CheckLine, Result, skipped
from verification.sign_out import follow_sign_out
from verification.url_parts import (
    Origin,
    endpoint_differences,
    first_query_value,
    host,
    origin,
    path,
    without_query,
)

# Kong's callback redirects once to the original URL; the upstream may add a hop of its own.
MAX_KONG_HOPS = 5
# Where the classic hosted UI asks a user with a temporary password for a new one.
NEW_PASSWORD_PATH = "/forceChangePassword"
# The test user has a permanent password and a verified email: what else the hosted UI asks for is a second factor.
MFA_HINT = (
    "with mfa: required, Cognito asks every local account, the test user too, for an authenticator app's code, "
    "which this check cannot give: run --sign-in against a stack with mfa off or optional, "
    "or sign in by hand with an account that has an authenticator app"
)

Emit = Callable[[CheckLine], None]


@dataclass
class KongAnswer:
    """Where Kong's redirects on its own host end: an answer, or a redirect to sign-in."""

    response: requests.Response
    url: str
    to_sign_in: str | None = None
    # Names of the cookies Kong set on the way (never their values).
    cookies_set: list[str] = field(default_factory=list)

    @property
    def served(self) -> bool:
        return self.to_sign_in is None and self.response.status_code < 400

    def where(self) -> str:
        return f"{status_text(self.response)} at {without_query(self.url)}"


def follow_on_kong(browser: Browser, url: str, kong: Origin) -> KongAnswer:
    """GET `url` and Kong's redirects on its own host; stop at an answer or a redirect elsewhere (sign-in)."""
    cookies_set: list[str] = []
    for _ in range(MAX_KONG_HOPS):
        response = browser.get(url)
        cookies_set.extend(cookie.name for cookie in response.cookies)
        target = redirect_target(response, url)
        if target is None:
            return KongAnswer(response, url, None, cookies_set)
        if origin(target) != kong:
            return KongAnswer(response, url, target, cookies_set)
        url = target
    raise CheckFailedError(f"more than {MAX_KONG_HOPS} redirects on {host(url)}")


def _sign_in_page(browser: Browser, route: DeployedRoute, hosted_ui_origin: str) -> tuple[requests.Response, str, str]:
    """Kong's redirect, then the hosted UI up to its sign-in page: (page, its URL, the authorize URL)."""
    start = follow_on_kong(browser, route.url, origin(route.url))
    if start.to_sign_in is None:
        raise CheckFailedError(f"expected a redirect to sign-in, got {start.where()} (no session)")
    authorize_url = url = start.to_sign_in
    # The password goes to this stack's hosted UI only, wherever Kong points.
    if origin(authorize_url) != origin(hosted_ui_origin):
        raise CheckFailedError(
            f"Kong sends the browser to sign in at {without_query(authorize_url)}, not on hostedUiDomain "
            f"{host(hosted_ui_origin)}: no password is sent there"
        )
    for _ in range(MAX_HOSTED_UI_HOPS):
        response = browser.get(url)
        step = hosted_ui_step(
            response.status_code, url, response.headers.get("Location"), authorize_url, route.redirect_uri
        )
        if step.passed is False:
            raise CheckFailedError(step.detail)
        if step.passed:
            return response, url, authorize_url
        url = step.url
    raise CheckFailedError(f"more than {MAX_HOSTED_UI_HOPS} redirects on {host(authorize_url)}")


def _submit(browser: Browser, route: DeployedRoute, user: ThrowawayUser, page: requests.Response, page_url: str) -> str:
    """Fill in and post the sign-in form; Cognito's redirect to redirectUri (with the code)."""
    where = without_query(page_url)
    try:
        form = read_sign_in_form(page.text, page_url)
    except FormNotRecognisedError as error:
        raise CheckFailedError(f"{error} at {where}") from None
    cookie = browser.cookie(page_url, CSRF_COOKIE)
    if cookie is None:
        raise CheckFailedError(f"{NOT_RECOGNISED} at {where}: no {CSRF_COOKIE} cookie came with the page")
    if cookie != form.csrf:
        raise CheckFailedError(f"{NOT_RECOGNISED} at {where}: its {CSRF_FIELD} differs from the {CSRF_COOKIE} cookie")
    response = browser.post(form.action, form.submission(user.email, user.password), referer=page_url)
    target = redirect_target(response, form.action)
    refused = f"Cognito did not accept the sign-in of {user.email}"
    if target is None:
        reason = page_error(response.text)
        raise CheckFailedError(f"{refused}: {reason!r}" if reason else f"{refused}: {status_text(response)}")
    if origin(target) == origin(form.action):
        if path(target) == "/error":
            raise CheckFailedError(f"{refused}: {error_page_detail(target)}")
        if path(target) in SIGN_IN_PATHS:
            raise CheckFailedError(f"{refused}: it showed the sign-in page again")
        if path(target) == NEW_PASSWORD_PATH:
            raise CheckFailedError(
                f"Cognito asked for a new password at {without_query(target)} instead of redirecting to "
                "redirectUri, though the test user's password is permanent: was the pool changed outside Pulumi?"
            )
        raise CheckFailedError(
            f"Cognito asked for another step at {without_query(target)} instead of redirecting to redirectUri: "
            f"most likely MFA ({MFA_HINT})"
        )
    if endpoint_differences(target, route.redirect_uri):
        raise CheckFailedError(f"after sign-in Cognito redirected to {without_query(target)}, not to redirectUri")
    error_code = first_query_value(target, "error")
    if error_code is not None:
        raise CheckFailedError(f"after sign-in Cognito sent the browser back to redirectUri with error={error_code}")
    if not first_query_value(target, "code"):
        raise CheckFailedError("after sign-in Cognito sent the browser back to redirectUri without a code")
    return target


def sign_in(browser: Browser, route: DeployedRoute, user: ThrowawayUser, hosted_ui_origin: str) -> KongAnswer:
    """The whole sign-in as a browser does it; Kong's answer after Cognito's redirect with a code."""
    page, page_url, _ = _sign_in_page(browser, route, hosted_ui_origin)
    callback = _submit(browser, route, user, page, page_url)
    answer = follow_on_kong(browser, callback, origin(route.url))
    if answer.to_sign_in is not None:
        raise CheckFailedError(
            f"after Cognito's redirect with a code, Kong sent the browser to {without_query(answer.to_sign_in)} "
            "instead of serving the route (did the code exchange fail?)"
        )
    return answer


def check_sign_in(
    browser: Browser, route: DeployedRoute, user: ThrowawayUser, hosted_ui_origin: str
) -> tuple[Result, bool]:
    name = route.check("sign-in")
    try:
        answer = sign_in(browser, route, user, hosted_ui_origin)
    except (CheckFailedError, FetchError) as error:
        return Result(name, False, str(error)), False
    if not answer.served:
        hint = ""
        if answer.response.status_code == 401 or answer.response.status_code >= 500:
            hint = " (is the code exchange with the client secret failing? e.g. the plugin lacks client_secret)"
        elif answer.response.status_code == 403 and user.group:
            hint = f" (Kong's group gate refused a member of {user.group})"
        return Result(name, False, f"after Cognito's redirect with a code, Kong answered {answer.where()}{hint}"), False
    if not answer.cookies_set:
        return Result(name, False, f"Kong served {answer.where()} but set no session cookie"), False
    cookies = ", ".join(sorted(set(answer.cookies_set)))
    detail = f"{user.email} signed in through the hosted UI; Kong set {cookies} and served {answer.where()}"
    return Result(name, True, detail), True


def check_session_cookie(browser: Browser, route: DeployedRoute) -> Result:
    """A second request with Kong's cookies alone (no Cognito cookies, no code) is served."""
    name = route.check("session cookie")
    alone = browser.with_cookies_of(route.url)
    try:
        answer = follow_on_kong(alone, route.url, origin(route.url))
    except (CheckFailedError, FetchError) as error:
        return Result(name, False, str(error))
    finally:
        alone.close()
    if answer.to_sign_in is not None:
        return Result(
            name, False, f"Kong sends its session cookie alone to sign-in ({without_query(answer.to_sign_in)})"
        )
    if not answer.served:
        return Result(name, False, f"Kong answered its session cookie alone with {answer.where()}")
    return Result(name, True, f"Kong serves {answer.where()} to its session cookie alone")


def check_signed_out(browser: Browser, route: DeployedRoute, outputs: Outputs, hosted_ui_origin: str) -> Result:
    """Sign out with the session; afterwards the route must ask for sign-in again."""
    name = route.check("signed out")
    assert route.sign_out_url is not None
    try:
        follow_sign_out(browser.get, route, outputs.client_id, hosted_ui_origin, outputs.kong_version)
        answer = follow_on_kong(browser, route.url, origin(route.url))
    except (CheckFailedError, FetchError) as error:
        return Result(name, False, f"signing out with a session: {error}")
    if answer.to_sign_in is None:
        return Result(
            name,
            False,
            f"after {route.sign_out_url} and Cognito's /logout, Kong still answers {answer.where()} "
            "instead of redirecting to sign-in: the session did not end",
        )
    return Result(name, True, f"after {route.sign_out_url} and Cognito's /logout, the route redirects to sign-in again")


def check_session_ended(before_sign_out: Browser, route: DeployedRoute, outputs: Outputs) -> CheckLine:
    """After sign-out, Kong's session cookie as it was before must no longer open the route.

    With Redis sessions sign-out deletes the session, so the old cookie opens nothing; with cookie
    sessions the cookie holds the session itself and stays valid until it times out (docs/sessions.md).
    """
    name = route.check("session ended")
    try:
        answer = follow_on_kong(before_sign_out, route.url, origin(route.url))
    except (CheckFailedError, FetchError) as error:
        return Result(name, False, f"presenting the session cookie from before sign-out: {error}")
    if answer.to_sign_in is not None:
        return Result(name, True, "the session cookie from before sign-out is sent to sign-in: the session ended")
    if outputs.session_storage == "redis":
        return Result(
            name,
            False,
            f"the session cookie from before sign-out still opens the route ({answer.where()}), though sessions are "
            "in Redis: sign-out did not delete the session there (is Kong's plugin configured with "
            "session_storage redis?)",
        )
    return skipped(
        name,
        f"cookie sessions: the session cookie from before sign-out still opens the route ({answer.where()}) until it "
        "times out, as cookie storage does; sessions.storage redis ends it at sign-out (docs/sessions.md)",
    )


def check_group_gate(
    client: Client, route: DeployedRoute, outsider: ThrowawayUser, outputs: Outputs, hosted_ui_origin: str
) -> Result:
    """A user outside every allowed group signs in at Cognito and is refused by Kong with 403."""
    name = route.check("group gate")
    groups = outputs.allowed_groups
    browser = Browser(client)
    try:
        answer = sign_in(browser, route, outsider, hosted_ui_origin)
    except (CheckFailedError, FetchError) as error:
        return Result(name, False, str(error))
    finally:
        browser.close()
    outside = f"{outsider.email}, in none of allowedGroups ({', '.join(groups)})"
    if answer.response.status_code == 403:
        return Result(name, True, f"Kong refused {outside}, with {answer.where()} after Cognito's sign-in")
    if answer.served:
        return Result(name, False, f"Kong let {outside}, through: {answer.where()}")
    return Result(name, False, f"expected 403 from Kong for {outside}; got {answer.where()}")


def run_sign_in(client: Client, outputs: Outputs, emit: Emit) -> None:
    """Create the users, check every route, and always delete the users (also on Ctrl-C)."""
    pool_id, region, hosted_ui_origin = outputs.user_pool_id, outputs.region(), outputs.hosted_ui_origin
    # The command line checked all three: without hostedUiDomain, no password is ever posted.
    assert pool_id is not None and region is not None and hosted_ui_origin is not None
    groups = outputs.allowed_groups
    users = ThrowawayUsers(cognito_client(region), pool_id)
    interrupted = False
    try:
        try:
            member = users.create(groups[0] if groups else None)
            where = f", in group {groups[0]}" if groups else ""
            emit(Result("test user", True, f"created {member.email} in {pool_id}{where}"))
            outsider = None
            if groups:
                outsider = users.create(None)
                emit(Result("test user", True, f"created {outsider.email} in {pool_id}, in none of allowedGroups"))
        except AdminError as error:
            emit(Result("test user", False, str(error)))
            return
        for route in outputs.routes:
            if route.sign_in_with is not None:
                # Cognito sends this route's browsers to the company provider: no local account signs in there.
                emit(skipped(route.check("sign-in"), f"the route signs in with {route.sign_in_with} (signInWith)"))
                continue
            for result in _member_checks(client, outputs, route, member, hosted_ui_origin):
                emit(result)
            if outsider is not None:
                emit(check_group_gate(client, route, outsider, outputs, hosted_ui_origin))
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        emit(users.delete_all(interrupted=interrupted))


def _member_checks(
    client: Client, outputs: Outputs, route: DeployedRoute, member: ThrowawayUser, hosted_ui_origin: str
) -> Iterator[CheckLine]:
    """Sign-in, the session cookie and sign-out of one route, in one fresh browser."""
    browser = Browser(client)
    try:
        result, signed_in = check_sign_in(browser, route, member, hosted_ui_origin)
        yield result
        skipped = "skipped: needs the signed-in browser of the sign-in check"
        yield (
            check_session_cookie(browser, route) if signed_in else Result(route.check("session cookie"), False, skipped)
        )
        if route.sign_out_url:
            if signed_in:
                before_sign_out = browser.with_cookies_of(route.url)  # a copy of Kong's cookies, as a thief has it
                try:
                    yield check_signed_out(browser, route, outputs, hosted_ui_origin)
                    yield check_session_ended(before_sign_out, route, outputs)
                finally:
                    before_sign_out.close()
            else:
                yield Result(route.check("signed out"), False, skipped)
    finally:
        browser.close()
