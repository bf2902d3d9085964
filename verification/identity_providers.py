"""The hosted UI offers each company identity provider, and a `signInWith` route goes straight to its one.

What the checks rely on, from AWS's description of the authorize endpoint: with an
`identity_provider` parameter, /oauth2/authorize "silently redirects" the browser to that
provider's sign-in page. Cognito is then a SAML service provider or an OpenID Connect
client, so the redirect carries that protocol's request:

- SAML: a SAMLRequest to the IdP's single sign-on URL, in the query (HTTP-Redirect binding),
  or in a form the page posts there (HTTP-POST binding);
- OIDC and Google: an authorization request with response_type=code, Cognito's client id
  at the provider, and redirect_uri https://<hosted UI domain>/oauth2/idpresponse; Google's
  is on accounts.google.com.

A name the app client does not offer is not an error for Cognito: it shows its own sign-in
page ("Login option is not available"), or its error page, or returns to redirect_uri with
an error. So a check passes only on a redirect that leaves Cognito's host with the provider's
request. The provider itself is never asked: the checks stop at its address.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

import requests

from components.urls import OIDC_IDP_RESPONSE_PATH
from verification.http_client import Client, FetchError, status_text
from verification.outputs import DeployedProvider, DeployedRoute
from verification.protected_route import (
    MAX_HOSTED_UI_HOPS,
    SIGN_IN_PATHS,
    error_page_detail,
    hosted_ui_redirect,
    sign_in_with_problem,
)
from verification.results import CheckLine, failed, passed
from verification.url_parts import (
    REDIRECT_STATUSES,
    first_query_value,
    host,
    origin,
    path,
    without_query,
)

GOOGLE_HOST = "accounts.google.com"
SAML_REQUEST = "SAMLRequest"

# What to do when Cognito keeps the browser: the provider is not offered to this app client.
NOT_OFFERED_FIX = (
    "the app client must list the provider under its identity providers, spelled exactly as in identityProviders "
    "(case matters): run `make up`, then see the app client's sign-in settings in the Cognito console."
)


@dataclass(frozen=True)
class Landing:
    """What one answer on the way to the provider means: follow `url`, or stop with a verdict."""

    passed: bool | None  # None: follow `url`
    detail: str = ""
    fix: str = ""
    url: str = ""


def provider_authorize_url(authorization_endpoint: str, client_id: str, redirect_uri: str, provider: str) -> str:
    """The authorize request a browser makes to sign in with `provider` (a fresh state, as a client would)."""
    query = {
        "identity_provider": provider,
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": "openid",
        "state": secrets.token_urlsafe(16),
    }
    return f"{authorization_endpoint}?{urlencode(query)}"


def _protocol_problem(provider: DeployedProvider, target: str, idp_response_url: str) -> str | None:
    """Why a redirect to `target` is not the provider's sign-in request; None when it is."""
    if provider.type == "SAML":
        return None if first_query_value(target, SAML_REQUEST) else f"no {SAML_REQUEST} in the query"
    problems = []
    if provider.type == "Google" and origin(target)[1] != GOOGLE_HOST:
        problems.append(f"not on {GOOGLE_HOST}")
    if first_query_value(target, "response_type") != "code":
        problems.append("no response_type=code")
    if not first_query_value(target, "client_id"):
        problems.append("no client_id")
    got = first_query_value(target, "redirect_uri")
    if got != idp_response_url:
        problems.append(f"redirect_uri {got!r} instead of {idp_response_url}")
    return "; ".join(problems) or None


def _arrived(provider: DeployedProvider, target: str, binding: str, idp_response_url: str) -> Landing:
    problem = _protocol_problem(provider, target, idp_response_url)
    where = without_query(target)
    if problem is not None:
        what = "a SAML request" if provider.type == "SAML" else "an OpenID Connect authorization request"
        return Landing(
            False,
            f"Cognito sent the browser to {where}, but not with {what} for {provider.name}: {problem}",
            f"check {provider.name}'s settings in identityProviders (its metadata or issuer), then `make up`.",
        )
    if provider.type == "SAML":
        return Landing(True, f"Cognito sends the browser to {provider.name}'s sign-in at {where} ({binding})")
    return Landing(
        True,
        f"Cognito sends the browser to {provider.name}'s sign-in at {where}, back to {OIDC_IDP_RESPONSE_PATH} after",
    )


def saml_post_form(html: str, page_url: str) -> str | None:
    """The action of a page's form that posts a SAMLRequest (HTTP-POST binding), else None."""
    from bs4 import BeautifulSoup, Tag  # only here: plain checks start faster without it

    soup = BeautifulSoup(html, "html.parser")
    for form in soup.find_all("form"):
        if not isinstance(form, Tag) or str(form.get("method") or "").lower() != "post":
            continue
        names = {str(tag.get("name")) for tag in form.find_all("input") if isinstance(tag, Tag)}
        if SAML_REQUEST in names:
            return urljoin(page_url, str(form.get("action") or ""))
    return None


def provider_step(
    provider: DeployedProvider,
    response: requests.Response,
    url: str,
    cognito: str,
    redirect_uri: str,
    chooser: str,
) -> Landing:
    """Judge one answer at `url` on the way from Cognito (`cognito`: its authorize URL) to the provider.

    `chooser` says, on a failure, what Cognito showing its own sign-in page means here.
    """
    idp_response_url = urljoin(cognito, OIDC_IDP_RESPONSE_PATH)
    status = response.status_code
    if status in REDIRECT_STATUSES:
        redirect = hosted_ui_redirect(status, url, response.headers.get("Location"), cognito, redirect_uri)
        if isinstance(redirect, str):
            return Landing(False, redirect)
        if redirect.back_to_app:
            reason = f"with {redirect.error}" if redirect.error is not None else "without going to the provider"
            return Landing(
                False,
                f"Cognito sent the browser back to redirectUri {reason} instead of to {provider.name}",
                f"the error names the cause; {NOT_OFFERED_FIX}",
            )
        if redirect.on_hosted_ui:
            return Landing(None, url=redirect.target)
        return _arrived(provider, redirect.target, "HTTP-Redirect binding", idp_response_url)
    if path(url) == "/error":
        return Landing(False, f"{error_page_detail(url)} instead of {provider.name}", NOT_OFFERED_FIX)
    if status == 200 and provider.type == "SAML":
        action = saml_post_form(response.text, url)
        if action is not None and origin(action) != origin(cognito):
            where = without_query(action)
            return Landing(True, f"Cognito posts a SAML request to {provider.name}'s sign-in at {where}")
    if status == 200 and path(url) in SIGN_IN_PATHS:
        return Landing(False, f"Cognito showed its own sign-in page at {without_query(url)} {chooser}", NOT_OFFERED_FIX)
    return Landing(False, f"{status_text(response)} at {without_query(url)} instead of a redirect to {provider.name}")


def follow_to_provider(
    get: Callable[[str], requests.Response],
    provider: DeployedProvider,
    authorize_url: str,
    redirect_uri: str,
    chooser: str,
) -> Landing:
    """Follow Cognito's redirects, on its host only, until they leave for the provider."""
    url = authorize_url
    for _ in range(MAX_HOSTED_UI_HOPS):
        try:
            response = get(url)
        except FetchError as error:
            return Landing(False, str(error))
        landing = provider_step(provider, response, url, authorize_url, redirect_uri, chooser)
        if landing.passed is not None:
            return landing
        url = landing.url
    return Landing(False, f"more than {MAX_HOSTED_UI_HOPS} redirects on {host(authorize_url)}")


def _line(name: str, landing: Landing) -> CheckLine:
    return passed(name, landing.detail) if landing.passed else failed(name, landing.detail, landing.fix)


def check_identity_provider(
    client: Client,
    provider: DeployedProvider,
    client_id: str,
    redirect_uri: str,
    authorization_endpoint: str | None,
) -> CheckLine:
    """The hosted UI sends a browser that asks for `provider` to that provider's sign-in."""
    name = f"identity provider {provider.name}"
    if authorization_endpoint is None:
        return failed(name, "skipped: needs the discovery document's authorization_endpoint")
    url = provider_authorize_url(authorization_endpoint, client_id, redirect_uri, provider.name)
    chooser = f"instead of sending the browser to {provider.name} (a name it does not offer to this app client)"
    return _line(name, follow_to_provider(client.get, provider, url, redirect_uri, chooser))


def check_sign_in_with(
    client: Client, route: DeployedRoute, provider: DeployedProvider, authorize_url: str | None
) -> CheckLine:
    """Kong's redirect, followed on Cognito's host, goes straight to the route's provider."""
    name = route.check("hosted UI")
    if authorize_url is None:
        return failed(name, "skipped: needs Kong's redirect to the authorization endpoint")
    chooser = f"instead of going straight to {provider.name} (signInWith)"
    landing = follow_to_provider(client.get, provider, authorize_url, route.redirect_uri, chooser)
    if not landing.passed and sign_in_with_problem(route, authorize_url) is not None:
        fix = "Kong's plugin must add identity_provider to its redirect: run `make up` to update the KongPlugin."
        return failed(name, landing.detail, fix)
    return _line(name, landing)
