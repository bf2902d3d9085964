"""The local HTTPS stand-ins verify.py's tests share: Kong's proxy, Cognito's IdP and hosted UI.

Registered for the local-servers level in tests/local_servers/conftest.py, e.g. `stack_fixture` (pytest: `stack`).
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from oidc_servers import Reply, Request, TlsServer, html_reply, json_reply, redirect, tls_server

import verify

CLIENT_ID = "client123abc"
CLIENT_SECRET = "s3cr3t-never-printed"
POOL_ID = "eu-test-1_Pool"
POOL_PATH = "/" + POOL_ID
DISCOVERY_PATH = POOL_PATH + "/.well-known/openid-configuration"
JWKS_PATH = POOL_PATH + "/.well-known/jwks.json"
CALLBACK_PATH = "/bar"
RSA_KEY = {"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig", "e": "AQAB", "n": "sXch"}


@pytest.fixture(autouse=True, name="no_ambient_network_settings")
def no_ambient_network_settings_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    # requests reads these; a developer's proxy or CA bundle must not change the outcome.
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@dataclass(frozen=True)
class Certificates:
    """Kong's load balancer has its own self-signed CA; the Cognito stand-ins share another."""

    kong: ssl.SSLContext
    cognito: ssl.SSLContext
    cognito_ca_file: Path
    both_cas_file: Path


@pytest.fixture(scope="session", name="certificates")
def certificates_fixture(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    import trustme  # here: only a worker that starts the stand-ins pays for it

    folder = tmp_path_factory.mktemp("certificates")
    contexts = []
    cas = []
    for _ in ("kong", "cognito"):
        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        contexts.append(context)
        cas.append(ca)
    kong_ca, cognito_ca = cas
    cognito_ca.cert_pem.write_to_path(folder / "cognito.pem")
    cognito_ca.cert_pem.write_to_path(folder / "both.pem")
    kong_ca.cert_pem.write_to_path(folder / "both.pem", append=True)
    return Certificates(contexts[0], contexts[1], folder / "cognito.pem", folder / "both.pem")


@pytest.fixture(scope="session", name="kong")
def kong_fixture(certificates: Certificates) -> Iterator[TlsServer]:
    with tls_server(certificates.kong) as server:
        yield server


@pytest.fixture(scope="session", name="idp")
def idp_fixture(certificates: Certificates) -> Iterator[TlsServer]:
    """cognito-idp.<region>.amazonaws.com: discovery document and JWKS."""
    with tls_server(certificates.cognito) as server:
        yield server


@pytest.fixture(scope="session", name="hosted_ui")
def hosted_ui_fixture(certificates: Certificates) -> Iterator[TlsServer]:
    """<domain>.auth.<region>.amazoncognito.com: authorize endpoint, sign-in, sign-out and error pages."""
    with tls_server(certificates.cognito) as server:
        yield server


@dataclass
class Stack:
    kong: TlsServer
    idp: TlsServer
    hosted_ui: TlsServer
    outputs: dict[str, Any]
    folder: Path
    # The app client's callback and sign-out URLs, as Cognito checks them.
    callbacks: set[str] = field(default_factory=set)
    logout_urls: set[str] = field(default_factory=set)

    @property
    def callback(self) -> str:
        return self.kong.url(CALLBACK_PATH)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.idp.url(POOL_PATH),
            "authorization_endpoint": self.hosted_ui.url("/oauth2/authorize"),
            "token_endpoint": self.hosted_ui.url("/oauth2/token"),
            "jwks_uri": self.idp.url(JWKS_PATH),
            "response_types_supported": ["code", "token"],
        }

    def authorize_url(self, **changes: str | None) -> str:
        """What Kong's openid-connect plugin sends a browser without a session to; None drops a parameter."""
        query: dict[str, str | None] = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": self.callback,
            "scope": "openid email profile",
            "state": "st4te",
            "nonce": "n0nce",
            **changes,
        }
        return self.hosted_ui.url("/oauth2/authorize", {k: v for k, v in query.items() if v is not None})

    def authorize(self, request: Request) -> Reply:
        """Cognito's /oauth2/authorize: the sign-in page for a known client and callback, else its error page."""
        if request.one("client_id") != CLIENT_ID or request.one("redirect_uri") not in self.callbacks:
            return redirect(self.hosted_ui.url("/error", {"error": "redirect_mismatch", "client_id": CLIENT_ID}))
        return redirect(self.hosted_ui.url("/login", {k: v[0] for k, v in request.query.items()}))

    def logout(self, request: Request) -> Reply:
        """Cognito's /logout: on to logout_uri when it is one of the client's sign-out URLs, else the error page."""
        logout_uri = request.one("logout_uri")
        if request.one("client_id") != CLIENT_ID or logout_uri not in self.logout_urls:
            return redirect(self.hosted_ui.url("/error", {"error": "redirect_mismatch", "client_id": CLIENT_ID}))
        return redirect(logout_uri)

    def run(self, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, list[str], str]:
        path = self.folder / "outputs.json"
        path.write_text(json.dumps(self.outputs))
        code = verify.main(["--outputs", str(path), *flags])
        captured = capsys.readouterr()
        return code, captured.out.splitlines(), captured.err


@pytest.fixture(scope="session", name="stack_folder")
def stack_folder_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where Stack.run writes outputs.json, anew for each run: one folder rather than one per test
    (creating and deleting a folder per test costs more than some of the tests)."""
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(name="stack")
def stack_fixture(
    kong: TlsServer,
    idp: TlsServer,
    hosted_ui: TlsServer,
    certificates: Certificates,
    stack_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Stack:
    """The passing single-route setup (outputs from before `routes`); a test changes one thing.

    The servers live for the whole test run: each test starts from empty route tables and request logs.

    Both test CAs are trusted through REQUESTS_CA_BUNDLE rather than --insecure: with --insecure,
    requests loads the system's CA store for every connection (~50 ms each).
    """
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates.both_cas_file))
    outputs = {
        "protectedUrl": kong.url(CALLBACK_PATH),
        "redirectUri": kong.url(CALLBACK_PATH),
        "discoveryUrl": idp.url(DISCOVERY_PATH),
        "issuerUrl": idp.url(POOL_PATH),
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "hostedUiDomain": hosted_ui.origin.removeprefix("https://"),
        "userPoolId": POOL_ID,
    }
    stack = Stack(kong, idp, hosted_ui, outputs, stack_folder, callbacks={kong.url(CALLBACK_PATH)})
    for server in (kong, idp, hosted_ui):
        server.routes.clear()
        server.requests.clear()
    idp.routes[DISCOVERY_PATH] = json_reply(stack.discovery())
    idp.routes[JWKS_PATH] = json_reply({"keys": [RSA_KEY]})
    kong.routes[CALLBACK_PATH] = redirect(stack.authorize_url())
    hosted_ui.routes["/oauth2/authorize"] = stack.authorize
    hosted_ui.routes["/login"] = html_reply(200, "<form>Sign in with your username and password</form>")
    hosted_ui.routes["/logout"] = stack.logout
    hosted_ui.routes["/error"] = html_reply(200, "An error was encountered with the requested page.")
    return stack


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FAIL")]
