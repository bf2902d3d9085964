"""verify.py with `identityProviders` and a route's `signInWith`: Cognito must send the browser to the provider.

The hosted UI stand-in answers /oauth2/authorize?identity_provider=<name> as AWS documents it:
a redirect to the provider's sign-in with the protocol's request when the app client offers
that provider, its own sign-in page when it does not. The company's IdP is a server of its
own, which verify must never ask: it stops at the provider's address.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from oidc_servers import Reply, Request, TlsServer, html_reply, redirect, tls_server
from verify_stack import CLIENT_ID, Certificates, Stack, failures

import verification.cli
from verification import outputs as verification_outputs
from verification.results import failed, passed, skipped

GOOGLE_AUTH = "https://accounts.google.com/o/oauth2/v2/auth"
PROVIDERS = {"Corp": "SAML", "Okta": "OIDC", "Google": "Google"}


@pytest.fixture(scope="module", name="company_idp")
def company_idp_fixture(certificates: Certificates) -> Iterator[TlsServer]:
    """The company's SAML and OIDC provider: /saml2/sso and /oauth2/v1/authorize."""
    with tls_server(certificates.kong) as server:
        yield server


class Federation:
    """Cognito's /oauth2/authorize with identity_provider; `offered` is what the app client lists."""

    def __init__(self, stack: Stack, company_idp: TlsServer) -> None:
        self.stack = stack
        self.company_idp = company_idp
        self.offered = dict(PROVIDERS)
        self.saml_binding = "redirect"

    def authorize(self, request: Request) -> Reply:
        name = request.one("identity_provider")
        known_client = request.one("client_id") == CLIENT_ID and request.one("redirect_uri") in self.stack.callbacks
        if name is None or not known_client:
            return self.stack.authorize(request)  # the sign-in page, or the error page
        kind = self.offered.get(name)
        if kind is None:
            # Cognito's own page, with "Login option is not available. Please try another one".
            return redirect(self.stack.hosted_ui.url("/login", {k: v[0] for k, v in request.query.items()}))
        state = "cognito-state"
        if kind == "SAML":
            authn_request = base64.b64encode(zlib.compress(b"<samlp:AuthnRequest/>")[2:-4]).decode()
            if self.saml_binding in ("post", "post to cognito"):
                on_cognito = self.saml_binding == "post to cognito"
                action = self.stack.hosted_ui.url("/saml2/sso") if on_cognito else self.company_idp.url("/saml2/sso")
                return html_reply(
                    200,
                    f'<form method="post" action="{action}"><input type="hidden" name="SAMLRequest" '
                    f'value="{authn_request}"/><input type="hidden" name="RelayState" value="{state}"/></form>',
                )
            return redirect(self.company_idp.url("/saml2/sso", {"SAMLRequest": authn_request, "RelayState": state}))
        query = {
            "response_type": "code",
            "client_id": "cognito-at-the-provider",
            "redirect_uri": self.stack.hosted_ui.url("/oauth2/idpresponse"),
            "scope": "openid email profile",
            "state": state,
        }
        if kind == "Google":
            return redirect(f"{GOOGLE_AUTH}?{'&'.join(f'{k}={v}' for k, v in query.items())}")
        return redirect(self.company_idp.url("/oauth2/v1/authorize", query))


@pytest.fixture(name="federation")
def federation_fixture(stack: Stack, company_idp: TlsServer) -> Federation:
    company_idp.routes.clear()
    company_idp.requests.clear()
    federation = Federation(stack, company_idp)
    stack.hosted_ui.routes["/oauth2/authorize"] = federation.authorize
    stack.outputs["identityProviders"] = [{"name": name, "type": kind} for name, kind in PROVIDERS.items()]
    return federation


def route(ingress: str, url: str, sign_in_with: str | None = None) -> dict[str, Any]:
    entry = {"ingress": ingress, "namespace": "default", "url": url, "plugin": f"{ingress}-oidc"}
    return entry if sign_in_with is None else {**entry, "signInWith": sign_in_with}


def names(lines: list[str]) -> list[str]:
    return [line.split(":")[0] for line in lines]


# --- Each provider is offered -------------------------------------------------------------------------


def test_each_provider_is_checked_on_its_own_line_and_never_asked(
    stack: Stack, federation: Federation, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, _ = stack.run(capsys)
    assert code == 0, lines
    assert names(lines) == [
        "PASS discovery",
        "PASS identity provider Corp",
        "PASS identity provider Okta",
        "PASS identity provider Google",
        "PASS protected route",
        "PASS hosted UI",
    ]
    idp = federation.company_idp
    assert lines[1] == (
        f"PASS identity provider Corp: Cognito sends the browser to Corp's sign-in at {idp.url('/saml2/sso')} "
        "(HTTP-Redirect binding)"
    )
    assert lines[2] == (
        f"PASS identity provider Okta: Cognito sends the browser to Okta's sign-in at "
        f"{idp.url('/oauth2/v1/authorize')}, back to /oauth2/idpresponse after"
    )
    assert f"Google's sign-in at {GOOGLE_AUTH}," in lines[3]
    assert idp.requests == []


def test_a_saml_request_posted_by_cognitos_page_passes(
    stack: Stack, federation: Federation, capsys: pytest.CaptureFixture[str]
) -> None:
    federation.saml_binding = "post"
    code, lines, _ = stack.run(capsys)
    assert code == 0, lines
    assert lines[1] == (
        "PASS identity provider Corp: Cognito posts a SAML request to Corp's sign-in at "
        f"{federation.company_idp.url('/saml2/sso')}"
    )


def test_a_saml_request_posted_back_to_cognitos_own_host_does_not_reach_the_provider(
    stack: Stack, federation: Federation, capsys: pytest.CaptureFixture[str]
) -> None:
    federation.saml_binding = "post to cognito"
    code, lines, _ = stack.run(capsys)
    assert code == 1
    (failure,) = failures(lines)
    # A page that posts to Cognito keeps the browser there: as if Cognito showed its own sign-in page.
    assert failure.startswith("FAIL identity provider Corp: Cognito showed its own sign-in page at ")


def test_outputs_without_identity_providers_check_none(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = stack.run(capsys)
    assert code == 0, lines
    assert not any("identity provider" in line for line in lines)


# --- A provider Cognito does not send the browser to -------------------------------------------------


def test_a_provider_the_app_client_does_not_offer_fails_with_the_fix(
    stack: Stack, federation: Federation, capsys: pytest.CaptureFixture[str]
) -> None:
    del federation.offered["Okta"]
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert failures(lines) == [
        f"FAIL identity provider Okta: Cognito showed its own sign-in page at {stack.hosted_ui.url('/login')} "
        "instead of sending the browser to Okta (a name it does not offer to this app client) Fix: the app client "
        "must list the provider under its identity providers, spelled exactly as in identityProviders (case "
        "matters): run `make up`, then see the app client's sign-in settings in the Cognito console."
    ]


def test_a_redirect_to_another_host_without_a_saml_request_fails(
    stack: Stack, federation: Federation, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = federation.company_idp.url("/saml2/sso")
    authorize = federation.authorize
    stack.hosted_ui.routes["/oauth2/authorize"] = lambda request: (
        redirect(elsewhere) if request.one("identity_provider") == "Corp" else authorize(request)
    )
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert failures(lines)[0].startswith(
        f"FAIL identity provider Corp: Cognito sent the browser to {elsewhere}, but not with a SAML request for "
        "Corp: no SAMLRequest in the query Fix: check Corp's settings"
    )


def test_an_oidc_redirect_that_does_not_come_back_to_cognito_fails(
    stack: Stack, federation: Federation, capsys: pytest.CaptureFixture[str]
) -> None:
    authorize = federation.authorize
    elsewhere = federation.company_idp.url(
        "/oauth2/v1/authorize", {"response_type": "code", "client_id": "x", "redirect_uri": stack.callback}
    )
    stack.hosted_ui.routes["/oauth2/authorize"] = lambda request: (
        redirect(elsewhere) if request.one("identity_provider") == "Okta" else authorize(request)
    )
    code, lines, _ = stack.run(capsys)
    assert code == 1
    [failure] = failures(lines)
    assert failure.startswith("FAIL identity provider Okta: Cognito sent the browser to ")
    assert (
        f"not with an OpenID Connect authorization request for Okta: redirect_uri {stack.callback!r} instead of "
        f"{stack.hosted_ui.url('/oauth2/idpresponse')}"
    ) in failure


def test_google_anywhere_but_accounts_google_com_fails(
    stack: Stack, federation: Federation, capsys: pytest.CaptureFixture[str]
) -> None:
    federation.offered["Google"] = "OIDC"  # Cognito would send it to the company IdP's host
    code, lines, _ = stack.run(capsys)
    assert code == 1
    [failure] = failures(lines)
    assert failure.startswith("FAIL identity provider Google: ")
    assert "not on accounts.google.com" in failure


def test_cognito_returning_an_error_to_the_app_fails(
    stack: Stack, federation: Federation, capsys: pytest.CaptureFixture[str]
) -> None:
    authorize = federation.authorize
    error = redirect(f"{stack.callback}?error=invalid_request&error_description=Corp+Error")
    stack.hosted_ui.routes["/oauth2/authorize"] = lambda request: (
        error if request.one("identity_provider") == "Corp" else authorize(request)
    )
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert failures(lines)[0].startswith(
        "FAIL identity provider Corp: Cognito sent the browser back to redirectUri with error=invalid_request "
        "(Corp Error) instead of to Corp Fix: "
    )


# --- signInWith routes ---------------------------------------------------------------------------------


@pytest.fixture(name="sign_in_with_stack")
def sign_in_with_stack_fixture(stack: Stack, federation: Federation) -> Stack:
    """Two routes: `staff` signs in with Corp, `demo` shows Cognito's page."""
    staff = stack.kong.url("/staff")
    stack.outputs["routes"] = [route("demo", stack.callback), route("staff", staff, "Corp")]
    stack.callbacks.add(staff)
    stack.kong.routes["/staff"] = redirect(stack.authorize_url(redirect_uri=staff, identity_provider="Corp"))
    return stack


def test_a_sign_in_with_route_goes_straight_to_its_provider(
    sign_in_with_stack: Stack, federation: Federation, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, _ = sign_in_with_stack.run(capsys)
    assert code == 0, lines
    assert names(lines)[-4:] == [
        "PASS protected route demo (default)",
        "PASS hosted UI demo (default)",
        "PASS protected route staff (default)",
        "PASS hosted UI staff (default)",
    ]
    assert lines[-2].endswith("and scope 'openid email profile' and identity_provider 'Corp'")
    assert lines[-1] == (
        "PASS hosted UI staff (default): Cognito sends the browser to Corp's sign-in at "
        f"{federation.company_idp.url('/saml2/sso')} (HTTP-Redirect binding)"
    )


def test_a_sign_in_with_route_whose_redirect_lacks_the_provider_fails_twice(
    sign_in_with_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kong's plugin without authorization_query_args: Cognito shows its chooser.
    staff = sign_in_with_stack.kong.url("/staff")
    sign_in_with_stack.kong.routes["/staff"] = redirect(sign_in_with_stack.authorize_url(redirect_uri=staff))
    code, lines, _ = sign_in_with_stack.run(capsys)
    assert code == 1
    assert failures(lines) == [
        "FAIL protected route staff (default): redirect to the authorization endpoint with no identity_provider, "
        "expected 'Corp' (signInWith)",
        f"FAIL hosted UI staff (default): Cognito showed its own sign-in page at "
        f"{sign_in_with_stack.hosted_ui.url('/login')} instead of going straight to Corp (signInWith) Fix: Kong's "
        "plugin must add identity_provider to its redirect: run `make up` to update the KongPlugin.",
    ]


def test_a_sign_in_with_route_sent_to_another_provider_fails(
    sign_in_with_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    staff = sign_in_with_stack.kong.url("/staff")
    sign_in_with_stack.kong.routes["/staff"] = redirect(
        sign_in_with_stack.authorize_url(redirect_uri=staff, identity_provider="Okta")
    )
    code, lines, _ = sign_in_with_stack.run(capsys)
    assert code == 1
    assert failures(lines)[0] == (
        "FAIL protected route staff (default): redirect to the authorization endpoint with "
        "identity_provider='Okta', expected 'Corp' (signInWith)"
    )


# --- The outputs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"identityProviders": {"Corp": "SAML"}}, "identityProviders in the outputs must be a list"),
        ({"identityProviders": [{"type": "SAML"}]}, "identityProviders[0] in the outputs lacks name"),
        ({"identityProviders": [{"name": "Corp", "type": "saml"}]}, "identityProviders[0].type in the outputs must"),
    ],
)
def test_unusable_identity_providers_are_refused(change: dict[str, Any], message: str) -> None:
    base = {
        "protectedUrl": "https://app.example.com/",
        "redirectUri": "https://app.example.com/",
        "discoveryUrl": "https://idp.example.com/pool/.well-known/openid-configuration",
        "clientId": "c",
    }
    with pytest.raises(verification_outputs.OutputsError, match=re.escape(message)):
        verification_outputs.parse_outputs(json.dumps({**base, **change}), "test")


def test_a_route_signing_in_with_an_unlisted_provider_is_refused() -> None:
    outputs = {
        "protectedUrl": "https://app.example.com/",
        "redirectUri": "https://app.example.com/",
        "discoveryUrl": "https://idp.example.com/pool/.well-known/openid-configuration",
        "clientId": "c",
        "routes": [{"url": "https://app.example.com/", "ingress": "app", "signInWith": "Corp"}],
    }
    with pytest.raises(verification_outputs.OutputsError, match="signs in with 'Corp', which identityProviders"):
        verification_outputs.parse_outputs(json.dumps(outputs), "test")


def test_a_skipped_check_does_not_fail_the_run(
    stack: Stack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # --sign-in skips a signInWith route: that is not a failure of the stack.
    lines = [passed("discovery", "fine"), skipped("sign-in staff (default)", "signs in with Corp")]
    monkeypatch.setattr(verification.cli, "run_checks", lambda client, outputs: iter(lines))
    code, printed, _ = stack.run(capsys)
    assert (code, printed) == (0, [line.line() for line in lines])
    lines.append(failed("hosted UI", "broken"))
    assert stack.run(capsys)[0] == 1
