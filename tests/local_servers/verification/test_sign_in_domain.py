"""verify.py's check of an own sign-in domain's TLS certificate, against local HTTPS servers on 127.0.0.1."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme
from oidc_servers import closed_origin, silent_server, tls_server

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
