"""verify.py with an own sign-in domain: its TLS certificate, and the routes' sign-in and sign-out through it,
against local HTTPS servers on 127.0.0.1."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme
from oidc_servers import closed_origin, json_reply, redirect, silent_server, tls_server
from verify_stack import CALLBACK_PATH, CLIENT_ID, DISCOVERY_PATH, Stack, failures

from verification.sign_in_domain import check_certificate


@pytest.fixture(name="authority")
def authority_fixture(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> trustme.CA:
    """The authority verify.py trusts here, as REQUESTS_CA_BUNDLE makes requests trust it."""
    ca = trustme.CA()
    ca.cert_pem.write_to_path(tmp_path / "ca.pem")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "ca.pem"))
    return ca


def serving(certificate: trustme.LeafCert) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    with tls_server(context) as server:
        yield server.origin.removeprefix("https://")


@pytest.fixture(name="domain")
def domain_fixture(authority: trustme.CA) -> Iterator[str]:
    """127.0.0.1:<port>, serving a certificate for 127.0.0.1 from the trusted authority."""
    yield from serving(authority.issue_cert("127.0.0.1"))


def test_a_certificate_valid_for_the_domain_passes(domain: str) -> None:
    result = check_certificate(domain, timeout=5)
    assert result.passed, result.detail
    assert result.detail.startswith(f"TLS certificate valid for {domain} (")


@pytest.mark.parametrize(
    ("issue", "reason"),
    [
        (lambda ca: ca.issue_cert("auth.example.com"), "IP address mismatch, certificate is not valid for '127.0.0.1'"),
        (lambda ca: trustme.CA().issue_cert("127.0.0.1"), "unable to get local issuer certificate"),
        (
            lambda ca: ca.issue_cert("127.0.0.1", not_after=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
            "certificate has expired",
        ),
    ],
    ids=["another-name", "another-authority", "expired"],
)
def test_a_certificate_a_browser_refuses_fails(
    authority: trustme.CA, issue: Callable[[trustme.CA], trustme.LeafCert], reason: str
) -> None:
    for domain in serving(issue(authority)):
        result = check_certificate(domain, timeout=5)
        assert not result.passed
        assert result.detail == f"the TLS certificate of {domain} is not valid for it: {reason}"


def test_no_server_or_no_answer_fails(authority: trustme.CA) -> None:
    closed = closed_origin().removeprefix("https://")
    assert check_certificate(closed, timeout=5).detail.startswith(f"no TLS connection to {closed}: ")
    with silent_server() as origin:
        silent = origin.removeprefix("https://")
        assert check_certificate(silent, timeout=0.3).detail.startswith(f"no TLS connection to {silent}: ")


# --- verify.py with an own sign-in domain: its certificate, the routes' redirect and sign-out go there ----------


CHECKS = ("protected route", "hosted UI", "sign-out")


@pytest.fixture(name="own_domain_stack")
def own_domain_stack_fixture(stack: Stack) -> Stack:
    """The stack's hosted UI stand-in is its own sign-in domain (the outputs say so with signInDomainTarget);
    the discovery document names another host's endpoint, as a cached document of the prefix domain would."""
    stack.outputs["signInDomainTarget"] = "d111111abcdef8.cloudfront.net"
    prefix = stack.discovery() | {"authorization_endpoint": stack.idp.url("/oauth2/authorize")}
    stack.idp.routes[DISCOVERY_PATH] = json_reply(prefix)
    url = stack.kong.url(CALLBACK_PATH)
    signed_out = stack.kong.url("/signed-out")
    stack.outputs["routes"] = [
        {"ingress": "demo", "namespace": "default", "url": url, "plugin": "oidc", "signOutUrl": url + "/logout"}
        | {"signedOutUrl": signed_out}
    ]
    stack.logout_urls.add(signed_out)
    logout = stack.hosted_ui.url("/logout", {"client_id": CLIENT_ID, "logout_uri": signed_out})
    stack.kong.routes[CALLBACK_PATH + "/logout"] = redirect(logout)
    return stack


def test_the_routes_redirect_to_the_own_domain_and_sign_out_goes_through_it(
    own_domain_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, _ = own_domain_stack.run(capsys)
    domain = own_domain_stack.outputs["hostedUiDomain"]
    assert code == 0, lines
    names = ["discovery", f"sign-in domain {domain}", *(f"{check} demo (default)" for check in CHECKS)]
    assert [line.split(": ")[0] for line in lines] == [f"PASS {name}" for name in names]
    assert f"302 to https://{domain}/oauth2/authorize with" in lines[2]


def test_a_route_that_still_redirects_to_another_domain_fails(
    own_domain_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = own_domain_stack.authorize_url().replace(own_domain_stack.hosted_ui.origin, own_domain_stack.idp.origin)
    own_domain_stack.kong.routes[CALLBACK_PATH] = redirect(elsewhere)
    code, lines, _ = own_domain_stack.run(capsys)
    assert code == 1
    line = failures(lines)[0]
    assert line.startswith("FAIL protected route demo (default): redirect to ")
    own = own_domain_stack.outputs["hostedUiDomain"]
    assert f"not the authorization endpoint https://{own}/oauth2/authorize" in line


def test_sign_out_through_another_domain_fails(own_domain_stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    other = own_domain_stack.idp.url("/logout", {"client_id": CLIENT_ID, "logout_uri": "https://x.example/"})
    own_domain_stack.kong.routes[CALLBACK_PATH + "/logout"] = redirect(other)
    code, lines, _ = own_domain_stack.run(capsys)
    assert code == 1
    (line,) = failures(lines)
    assert line.startswith("FAIL sign-out demo (default): redirect leaves Kong's and Cognito's hosts")


def test_a_domain_whose_certificate_is_not_its_own_fails(
    own_domain_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    # "localhost" reaches the same stand-in, whose certificate names 127.0.0.1 only.
    port = own_domain_stack.hosted_ui.origin.rsplit(":", 1)[1]
    own_domain_stack.outputs["hostedUiDomain"] = f"localhost:{port}"
    code, lines, _ = own_domain_stack.run(capsys)
    assert code == 1
    assert lines[1] == (
        f"FAIL sign-in domain localhost:{port}: the TLS certificate of localhost:{port} is not valid for it: "
        "Hostname mismatch, certificate is not valid for 'localhost'"
    )


def test_outputs_with_a_target_and_no_domain_are_refused(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.outputs["signInDomainTarget"] = "d111111abcdef8.cloudfront.net"
    del stack.outputs["hostedUiDomain"]
    code, _, err = stack.run(capsys)
    assert code == 2
    assert "signInDomainTarget but lack hostedUiDomain" in err
