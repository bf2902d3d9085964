"""The checks of `api` routes, which take bearer tokens only.

Without a token, Kong must answer 401 with a `WWW-Authenticate` header: a script cannot follow
a redirect to the sign-in page. With --sign-in, machine tokens come from the token endpoint by
client credentials (HTTP Basic with the client's id and secret, as Cognito's /oauth2/token takes
them): a token carrying the route's scopes gets through, and one lacking them gets 403.
Client secrets and tokens are never printed.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from urllib.parse import urljoin

import requests

from verification.http_client import Client, FetchError, status_text
from verification.outputs import ApiClientOutput, DeployedRoute, Outputs
from verification.results import CheckFailedError, CheckLine, Result, skipped
from verification.url_parts import REDIRECT_STATUSES, without_query

Emit = Callable[[CheckLine], None]
# The part of a WWW-Authenticate header a line shows: the scheme and realm, not a novel.
_CHALLENGE_SHOWN = 80


def token_routes(outputs: Outputs) -> list[DeployedRoute]:
    """The routes that take bearer tokens: `api` and `both`."""
    return [route for route in outputs.routes if route.mode != "browser"]


def _redirect_target(route: DeployedRoute, response: requests.Response) -> str:
    location = response.headers.get("Location")
    if not location:
        return "nowhere (no Location header)"
    try:
        return without_query(urljoin(route.url, location))
    except ValueError:
        return repr(location.split("?", 1)[0])


def check_api_route(client: Client, route: DeployedRoute) -> Result:
    """A request without a token gets 401 with WWW-Authenticate, never a redirect."""
    name = route.check("api route")
    try:
        response = client.get(route.url)
    except FetchError as error:
        return Result(name, False, str(error))
    if response.status_code in REDIRECT_STATUSES:
        return Result(
            name,
            False,
            f"{status_text(response)} to {_redirect_target(route, response)} without a token, instead of 401: "
            "an api route must answer a request without a token with 401, never send it to sign-in (is the "
            "route's KongPlugin the one of mode api?)",
        )
    if response.status_code != 401:
        return Result(name, False, f"expected 401 without a token, got {status_text(response)} from {route.url}")
    challenge = response.headers.get("WWW-Authenticate", "").strip()
    if not challenge:
        return Result(name, False, "401 without a WWW-Authenticate header: a client cannot tell to send a bearer token")
    if not challenge.lower().startswith("bearer"):
        return Result(name, False, f"401 with WWW-Authenticate {challenge.split()[0]!r}, expected a Bearer challenge")
    return Result(name, True, f"401 with WWW-Authenticate: {challenge[:_CHALLENGE_SHOWN]} (no token)")


def request_token(
    client: Client, token_url: str, api_client: ApiClientOutput, secret: str, scopes: Sequence[str]
) -> str:
    """An access token for `api_client` by client credentials; `scopes` empty: all the client holds."""
    credentials = base64.b64encode(f"{api_client.client_id}:{secret}".encode()).decode()
    form = [("grant_type", "client_credentials")]
    if scopes:
        form.append(("scope", " ".join(scopes)))
    try:
        # A session of its own: no cookie of another check goes along.
        with Client.new_session() as session:
            response = client.request(
                "POST", token_url, data=form, session=session, headers={"Authorization": f"Basic {credentials}"}
            )
    except FetchError as error:
        raise CheckFailedError(f"token endpoint: {error}") from None
    try:
        answer = response.json()
    except ValueError:
        answer = None
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if response.status_code == 200 and isinstance(token, str) and token:
        return token
    code = answer.get("error") if isinstance(answer, dict) else None
    said = f" (error={code})" if isinstance(code, str) else ""
    raise CheckFailedError(
        f"the token endpoint {token_url} refused client {api_client.name}: {status_text(response)}{said}"
    )


def _call(client: Client, route: DeployedRoute, token: str) -> requests.Response:
    with Client.new_session() as session:
        return client.request("GET", route.url, session=session, headers={"Authorization": f"Bearer {token}"})


def _secret(outputs: Outputs, api_client: ApiClientOutput) -> str:
    secret = (outputs.api_client_secrets or {}).get(api_client.name)
    if not secret:
        raise CheckFailedError(f"apiClientSecrets in the outputs has no secret for client {api_client.name}")
    return secret


def check_token_gets_through(client: Client, outputs: Outputs, route: DeployedRoute) -> Result:
    """A token of the first machine client holding the route's scopes is let through."""
    name = route.check("api token")
    holder = next((c for c in outputs.api_clients if set(route.scopes) <= set(c.scopes)), None)
    if holder is None or outputs.token_url is None:
        return Result(
            name, False, f"no machine client in apiClients holds the route's scopes {', '.join(route.scopes)}"
        )
    try:
        token = request_token(client, outputs.token_url, holder, _secret(outputs, holder), ())
        response = _call(client, route, token)
    except (CheckFailedError, FetchError) as error:
        return Result(name, False, str(error))
    granted = f"a token of client {holder.name} (scopes {' '.join(holder.scopes) or 'none'})"
    if response.status_code in REDIRECT_STATUSES:
        return Result(name, False, f"{granted} was sent to {_redirect_target(route, response)}, not let through")
    if response.status_code in (401, 403):
        challenge = response.headers.get("WWW-Authenticate", "")
        said = f" (WWW-Authenticate: {challenge[:_CHALLENGE_SHOWN]})" if challenge else ""
        return Result(name, False, f"{granted} was refused: {status_text(response)}{said}")
    return Result(name, True, f"{granted} got through: {status_text(response)}")


def check_missing_scope(client: Client, outputs: Outputs, route: DeployedRoute) -> CheckLine:
    """A token lacking the route's scopes gets 403: requested from a client that holds other scopes too."""
    name = route.check("api scope")
    for candidate in outputs.api_clients:
        others = [scope for scope in candidate.scopes if scope not in route.scopes]
        if others:
            break
    else:
        # Cognito issues a client-credentials token only scopes its client holds, and at least one.
        return skipped(
            name,
            f"no machine client holds a scope besides the route's ({', '.join(route.scopes)}), so no token "
            "without them can be had; give one client another scope to have this checked",
        )
    lacking = f"a token of client {candidate.name} with only {' '.join(others)}, without {' '.join(route.scopes)}"
    if outputs.token_url is None:
        return Result(name, False, "the outputs lack tokenUrl")
    try:
        token = request_token(client, outputs.token_url, candidate, _secret(outputs, candidate), others)
        response = _call(client, route, token)
    except (CheckFailedError, FetchError) as error:
        return Result(name, False, str(error))
    if response.status_code == 403:
        return Result(name, True, f"{lacking}: 403 {response.reason}".strip())
    if response.status_code == 401:
        return Result(name, False, f"{lacking}: 401, expected 403 (the token is valid; only its scope is missing)")
    return Result(
        name, False, f"{lacking}: {status_text(response)}, expected 403: the route does not check the token's scopes"
    )


def run_api_token_checks(client: Client, outputs: Outputs, emit: Emit) -> None:
    """--sign-in on each route that takes bearer tokens."""
    for route in token_routes(outputs):
        emit(check_token_gets_through(client, outputs, route))
        if route.scopes:
            emit(check_missing_scope(client, outputs, route))
