"""Checks 2 and 3 of each route: Kong redirects to sign-in, and the hosted UI shows its sign-in page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from verification.http_client import Client, FetchError, status_text
from verification.outputs import DeployedRoute
from verification.results import Result
from verification.url_parts import (
    REDIRECT_STATUSES,
    cut_at_query,
    endpoint_differences,
    first_query_value,
    host,
    origin,
    path,
    query_values,
    without_query,
)

# Cognito's authorize endpoint redirects once to /login; a few more hops leave room, a loop does not.
MAX_HOSTED_UI_HOPS = 5
SIGN_IN_PATHS = frozenset({"/login", "/oauth2/authorize"})


@dataclass(frozen=True)
class Step:
    """What one hosted-UI answer means: follow `url`, or stop with a verdict."""

    passed: bool | None  # None: follow `url`
    detail: str = ""
    url: str = ""


def authorization_request_problems(location: str, client_id: str, redirect_uri: str) -> list[str]:
    """What is wrong with the query Kong put on its redirect to the authorization endpoint."""
    problems = []

    def single(name: str) -> str | None:
        values = query_values(location, name)
        if not values:
            problems.append(f"no {name}")
            return None
        if len(values) > 1:
            problems.append(f"{name} given {len(values)} times")
            return None
        return values[0]

    response_type = single("response_type")
    if response_type is not None and response_type != "code":
        problems.append(f"response_type={response_type!r}, expected 'code'")
    got_client_id = single("client_id")
    if got_client_id is not None and got_client_id != client_id:
        problems.append(f"client_id={got_client_id!r}, expected clientId {client_id!r}")
    got_redirect_uri = single("redirect_uri")
    if got_redirect_uri is not None and got_redirect_uri != redirect_uri:
        problems.append(f"redirect_uri={got_redirect_uri!r}, expected redirectUri {redirect_uri!r}")
    scope = single("scope")
    if scope is not None and "openid" not in scope.split():
        problems.append(f"scope={scope!r} lacks openid")
    return problems


def sign_in_with_problem(route: DeployedRoute, location: str) -> str | None:
    """What is wrong with the identity_provider on Kong's redirect for a `signInWith` route; None when right."""
    if route.sign_in_with is None:
        return None
    got = query_values(location, "identity_provider")
    if got == [route.sign_in_with]:
        return None
    found = f"identity_provider={', '.join(got)!r}" if got else "no identity_provider"
    return f"{found}, expected {route.sign_in_with!r} (signInWith)"


def error_page_detail(url: str) -> str:
    error = first_query_value(url, "error")
    reason = f"error={error}" if error is not None else "no error code given"
    return f"Cognito's error page {without_query(url)} ({reason})"


@dataclass(frozen=True)
class HostedUiRedirect:
    """Where one of the hosted UI's redirects sends the browser."""

    target: str
    on_hosted_ui: bool
    """Still on Cognito's host (the authorize URL's origin)."""
    back_to_app: bool
    """To redirectUri: Cognito ends the sign-in there."""
    error: str | None
    """`error=<code> (<description>)` when Cognito sends the browser back with an error."""


def hosted_ui_redirect(
    status: int, url: str, location: str | None, authorize_url: str, redirect_uri: str
) -> HostedUiRedirect | str:
    """Where a hosted UI redirect at `url` goes, or what is wrong with it (no Location, a malformed URL)."""
    if not location:
        return f"{status} without a Location header at {without_query(url)}"
    target = urljoin(url, location)
    try:
        on_hosted_ui = origin(target) == origin(authorize_url)
        back_to_app = not endpoint_differences(target, redirect_uri)
    except ValueError:
        return f"redirect to a malformed URL {cut_at_query(target)!r}"
    error = first_query_value(target, "error") if back_to_app else None
    if error is not None:
        description = first_query_value(target, "error_description")
        error = f"error={error} ({description})" if description else f"error={error}"
    return HostedUiRedirect(target, on_hosted_ui, back_to_app, error)


def hosted_ui_step(status: int, url: str, location: str | None, authorize_url: str, redirect_uri: str) -> Step:
    """Judge one answer from the hosted UI at `url`: pass, fail, or follow a redirect on Cognito's host."""
    if status in REDIRECT_STATUSES:
        redirect = hosted_ui_redirect(status, url, location, authorize_url, redirect_uri)
        if isinstance(redirect, str):
            return Step(False, redirect)
        if redirect.error is not None:
            return Step(False, f"Cognito sent the browser back to redirectUri with {redirect.error}")
        if redirect.back_to_app:
            return Step(False, "Cognito sent the browser back to redirectUri without showing the sign-in page")
        if not redirect.on_hosted_ui:
            return Step(False, f"redirect leaves Cognito's host for {without_query(redirect.target)}")
        return Step(None, url=redirect.target)
    if path(url) == "/error":
        return Step(False, error_page_detail(url))
    if status == 200 and path(url) in SIGN_IN_PATHS:
        return Step(True, f"sign-in page at {without_query(url)}")
    if status == 200:
        return Step(False, f"200 at {without_query(url)}, not the sign-in page (/login)")
    return Step(False, f"{status} at {without_query(url)}")


def git_owned_hint(route: DeployedRoute) -> str:
    """For a route whose annotation Git owns: what Git must list (the stack never lists it there)."""
    if route.annotation_owner != "git":
        return ""
    return (
        f"; annotationOwner is git: until Git lists {route.plugin} in konghq.com/plugins of the route's {route.kind}, "
        "Kong serves it without sign-in (`make doctor` prints the value to commit)"
    )


def check_protected_route(
    client: Client, route: DeployedRoute, client_id: str, authorization_endpoint: str | None
) -> tuple[Result, str | None]:
    """Check 2; also returns Kong's redirect target when it is the authorization endpoint."""
    name = route.check("protected route")
    if authorization_endpoint is None:
        return Result(name, False, "skipped: needs the discovery document's authorization_endpoint"), None
    try:
        response = client.get(route.url)
    except FetchError as error:
        return Result(name, False, str(error)), None
    if response.status_code not in REDIRECT_STATUSES:
        return Result(
            name,
            False,
            f"expected a redirect to sign-in, got {status_text(response)} from {route.url} (no session)"
            + git_owned_hint(route),
        ), None
    location = response.headers.get("Location")
    if not location:
        return Result(name, False, f"{status_text(response)} without a Location header"), None
    target = urljoin(route.url, location)
    try:
        differences = endpoint_differences(target, authorization_endpoint)
    except ValueError:
        return Result(name, False, f"redirect to a malformed URL {cut_at_query(target)!r}"), None
    if differences:
        return Result(
            name,
            False,
            f"redirect to {without_query(target)}, not the authorization endpoint {authorization_endpoint}: "
            + ", ".join(differences),
        ), None
    problems = authorization_request_problems(target, client_id, route.redirect_uri)
    sign_in_with = sign_in_with_problem(route, target)
    if sign_in_with is not None:
        problems.append(sign_in_with)
    if problems:
        return Result(name, False, f"redirect to the authorization endpoint with {'; '.join(problems)}"), target
    scope = first_query_value(target, "scope")
    provider = f" and identity_provider {route.sign_in_with!r}" if route.sign_in_with else ""
    return Result(
        name,
        True,
        f"{response.status_code} to {authorization_endpoint} with response_type=code, "
        f"clientId, redirectUri and scope {scope!r}{provider}",
    ), target


def check_hosted_ui(client: Client, route: DeployedRoute, authorize_url: str | None) -> Result:
    """Check 3: follow Kong's redirect on Cognito's host only, up to the sign-in page."""
    name = route.check("hosted UI")
    if authorize_url is None:
        return Result(name, False, "skipped: needs Kong's redirect to the authorization endpoint")
    url = authorize_url
    for _ in range(MAX_HOSTED_UI_HOPS):
        try:
            response = client.get(url)
        except FetchError as error:
            return Result(name, False, str(error))
        step = hosted_ui_step(
            response.status_code, url, response.headers.get("Location"), authorize_url, route.redirect_uri
        )
        if step.passed is not None:
            return Result(name, step.passed, step.detail)
        url = step.url
    return Result(name, False, f"more than {MAX_HOSTED_UI_HOPS} redirects on {host(authorize_url)}")
