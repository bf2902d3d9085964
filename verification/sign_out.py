"""The sign-out check of a route with a `signOutUrl`: Kong → Cognito's /logout → the signed-out page.

Cognito's /logout is not OpenID RP-initiated logout: it needs `client_id` and `logout_uri`
(one of the client's sign-out URLs) and answers with a redirect to exactly that `logout_uri`,
or with its /error page when the URL is not registered.
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from components.kong.versions import adds_logout_client_id, parse_kong_version
from verification.http_client import FetchError, redirect_target, status_text
from verification.outputs import DeployedRoute
from verification.protected_route import SIGN_IN_PATHS, error_page_detail
from verification.results import CheckFailedError, Result
from verification.url_parts import origin, path, query_values, without_query

# Kong may take a hop or two on its own host before it sends the browser to Cognito.
MAX_SIGN_OUT_HOPS = 5

Fetch = Callable[[str], requests.Response]


def _client_id_hint(count: int, kong_version: str | None) -> str:
    """Why Kong's redirect has no client_id or two: the stack's kongVersion and the Kong that runs disagree."""
    declared = parse_kong_version(kong_version or "3.4")
    kong_adds = declared is not None and adds_logout_client_id(declared)
    if count > 1 and not kong_adds:
        return (
            f" (this Kong adds client_id itself, as Kong 3.10.0.7 and later do, and kongVersion {kong_version or '3.4'}"
            " made the stack add it too: set kongVersion to the version Kong runs, which `make doctor` reads, then "
            "`make up`)"
        )
    if count == 0 and kong_adds:
        return (
            f" (kongVersion {kong_version} says Kong adds client_id itself, and this Kong did not: set kongVersion to "
            "the version Kong runs, which `make doctor` reads, then `make up`)"
        )
    return ""


def _logout_request_problems(
    target: str, client_id: str, signed_out_url: str | None, kong_version: str | None = None
) -> tuple[list[str], str]:
    problems = []
    client_ids = query_values(target, "client_id")
    if client_ids != [client_id]:
        got = repr(client_ids[0]) if len(client_ids) == 1 else f"{len(client_ids)} values"
        problems.append(
            (f"client_id={got}, expected clientId {client_id!r}" if client_ids else "no client_id")
            + _client_id_hint(len(client_ids), kong_version)
        )
    logout_uris = query_values(target, "logout_uri")
    logout_uri = logout_uris[0] if len(logout_uris) == 1 else ""
    if not logout_uris:
        hint = query_values(target, "post_logout_redirect_uri")
        problems.append("no logout_uri" + (" (Cognito ignores post_logout_redirect_uri)" if hint else ""))
    elif len(logout_uris) > 1:
        problems.append(f"logout_uri given {len(logout_uris)} times")
    elif signed_out_url is not None and logout_uri != signed_out_url:
        problems.append(f"logout_uri={logout_uri!r}, expected signedOutUrl {signed_out_url!r}")
    return problems, logout_uri


def follow_sign_out(
    fetch: Fetch, route: DeployedRoute, client_id: str, hosted_ui_origin: str, kong_version: str | None = None
) -> str:
    """Follow the sign-out chain; the PASS detail, or CheckFailedError.

    Redirects are followed on Kong's host and the hosted UI's host only, so a misconfigured
    chain cannot send the check (or a browser's cookies) anywhere else.
    """
    assert route.sign_out_url is not None
    start = route.sign_out_url
    kong, hosted = origin(start), origin(hosted_ui_origin)
    url = start
    for _ in range(MAX_SIGN_OUT_HOPS):
        response = fetch(url)
        target = redirect_target(response, url)
        if target is None:
            if url == start:
                raise CheckFailedError(
                    f"expected a redirect to Cognito's /logout, got {status_text(response)} from {start} "
                    "(is sign-out configured on Kong's plugin?)"
                )
            raise CheckFailedError(f"{status_text(response)} at {without_query(url)}, before Cognito's /logout")
        target_origin = origin(target)  # redirect_target checked that it parses
        if target_origin == hosted and path(target) in SIGN_IN_PATHS:
            raise CheckFailedError(
                f"{start} redirects to sign-in ({without_query(target)}), not to Cognito's /logout: "
                "Kong does not treat it as its sign-out URL"
            )
        if target_origin == hosted and path(target) == "/logout":
            return _check_cognito_logout(fetch, target, route, client_id, kong_version)
        if target_origin not in (kong, hosted):
            raise CheckFailedError(f"redirect leaves Kong's and Cognito's hosts for {without_query(target)}")
        url = target
    raise CheckFailedError(f"more than {MAX_SIGN_OUT_HOPS} redirects from {start} without reaching Cognito's /logout")


def _check_cognito_logout(
    fetch: Fetch, target: str, route: DeployedRoute, client_id: str, kong_version: str | None
) -> str:
    # Only the path is ever printed: Kong may add id_token_hint, a token.
    logout = without_query(target)
    problems, logout_uri = _logout_request_problems(target, client_id, route.signed_out_url, kong_version)
    if problems:
        raise CheckFailedError(f"redirect to {logout} with {'; '.join(problems)}")
    response = fetch(target)
    answer = redirect_target(response, target)
    if answer is None:
        raise CheckFailedError(f"Cognito's {logout} answered {status_text(response)}, not a redirect to {logout_uri}")
    if answer == logout_uri:
        return f"redirect to {logout} with clientId and logout_uri {logout_uri!r}; Cognito sends the browser on to it"
    if origin(answer) == origin(target) and path(answer) == "/error":
        raise CheckFailedError(f"Cognito refused logout_uri {logout_uri!r}: {error_page_detail(answer)}")
    raise CheckFailedError(f"Cognito's {logout} redirected to {without_query(answer)}, not to logout_uri {logout_uri}")


def check_sign_out(
    fetch: Fetch, route: DeployedRoute, client_id: str, hosted_ui_origin: str, kong_version: str | None = None
) -> Result:
    """GET the sign-out URL without a session and follow it through Cognito's /logout."""
    name = route.check("sign-out")
    try:
        return Result(name, True, follow_sign_out(fetch, route, client_id, hosted_ui_origin, kong_version))
    except (CheckFailedError, FetchError) as error:
        return Result(name, False, str(error))
