"""URLs that tie Kong, Cognito and the browser together (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode, urlsplit, urlunsplit

WELL_KNOWN_OPENID_CONFIGURATION = "/.well-known/openid-configuration"
# Kong signs a browser out when the request path ends with this (openid-connect `logout_uri_suffix`).
LOGOUT_SUFFIX = "/logout"
# Where a company identity provider sends its users back to Cognito: what to register at the provider.
SAML_IDP_RESPONSE_PATH = "/saml2/idpresponse"
OIDC_IDP_RESPONSE_PATH = "/oauth2/idpresponse"


def callback_url(data_plane_host: str, callback_path: str) -> str:
    """The protected URL; Cognito also sends the browser back here after sign-in."""
    return urlunsplit(("https", data_plane_host, callback_path, "", ""))


def issuer_url(region: str, user_pool_id: str) -> str:
    """The `iss` of tokens issued by a Cognito user pool."""
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def discovery_url(region: str, user_pool_id: str) -> str:
    """The user pool's OpenID Connect discovery document."""
    return issuer_url(region, user_pool_id) + WELL_KNOWN_OPENID_CONFIGURATION


def issuer_of_discovery_url(discovery: str) -> str:
    return discovery.removesuffix(WELL_KNOWN_OPENID_CONFIGURATION)


def full_scope(identifier: str, scope: str) -> str:
    """A custom scope as tokens and app clients name it: `<resource server identifier>/<scope>`."""
    return f"{identifier}/{scope}"


def hosted_ui_domain(domain_prefix: str, region: str) -> str:
    """Host name of a Cognito prefix domain (hosted UI)."""
    return f"{domain_prefix}.auth.{region}.amazoncognito.com"


def login_url(domain: str, client_id: str, redirect_uri: str, scopes: Sequence[str]) -> str:
    """The hosted UI's sign-in page for this client and callback (to open by hand).

    Kong itself sends browsers to the discovery document's authorization endpoint,
    adding state and nonce; both lead to the same sign-in page.
    """
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "scope": " ".join(scopes),
            "redirect_uri": redirect_uri,
        }
    )
    return urlunsplit(("https", domain, "/login", query, ""))


def authorization_endpoint(domain: str) -> str:
    """The hosted UI's authorization endpoint, where Kong sends a browser to sign in."""
    return urlunsplit(("https", domain, "/oauth2/authorize", "", ""))


def token_url(domain: str) -> str:
    """The hosted UI's token endpoint, where a machine client trades its credentials for an access token."""
    return urlunsplit(("https", domain, "/oauth2/token", "", ""))


def sign_out_url(protected_url: str) -> str:
    """Where a browser signs out of a route: its protected URL followed by Kong's logout suffix."""
    return protected_url.rstrip("/") + LOGOUT_SUFFIX


def cognito_logout_url(domain: str, client_id: str | None, logout_uri: str) -> str:
    """Cognito's sign-out endpoint, with the parameters Cognito (not OpenID Connect) defines.

    Without `client_id` for a Kong that adds it to the logout redirect itself (components/kong/versions.py).
    """
    query = ({"client_id": client_id} if client_id is not None else {}) | {"logout_uri": logout_uri}
    return urlunsplit(("https", domain, "/logout", urlencode(query), ""))


def comparable(url: str) -> tuple[str, str, int, str]:
    """What makes two URLs the same place: host names are case-insensitive and 443 is https's port."""
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or 443, parts.path or "/"
