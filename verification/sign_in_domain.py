"""The own sign-in domain (`signInDomain`): its TLS certificate is valid for it, and Kong sends browsers there.

Cognito serves a custom domain from a CloudFront distribution with the ACM certificate the stack
gave it; a browser refuses the sign-in page when that certificate does not name the domain or
has expired, or while the distribution still answers with CloudFront's own certificate (the first
hour after the domain is created: "it can take up to one hour to distribute your SSL certificate",
CreateUserPoolDomain in botocore's cognito-idp model). The route checks then expect Kong's
redirect and Cognito's /logout on this host (verify.py passes it as the authorization endpoint's
and the hosted UI's host).
"""

from __future__ import annotations

import os
import socket
import ssl
from typing import Any

from verification.results import Result
from verification.url_parts import origin


def _trusted_authorities() -> ssl.SSLContext:
    # The authorities requests trusts, so this check and the others agree (REQUESTS_CA_BUNDLE, else certifi's).
    import certifi

    return ssl.create_default_context(cafile=os.environ.get("REQUESTS_CA_BUNDLE") or certifi.where())


def peer_certificate(domain: str, timeout: float) -> dict[str, Any]:
    """The certificate `domain` (host[:port]) presents, verified for its host name; ssl.SSLError or OSError if not."""
    _, hostname, port = origin(f"https://{domain}")
    with (
        socket.create_connection((hostname, port or 443), timeout=timeout) as connection,
        _trusted_authorities().wrap_socket(connection, server_hostname=hostname) as tls,
    ):
        return tls.getpeercert() or {}


def _names(certificate: dict[str, Any]) -> str:
    return ", ".join(value for kind, value in certificate.get("subjectAltName", ()) if kind == "DNS") or "no DNS name"


def check_certificate(domain: str, timeout: float) -> Result:
    """Check of the sign-in domain: a TLS handshake that verifies the certificate's chain, dates and name."""
    name = f"sign-in domain {domain}"
    try:
        certificate = peer_certificate(domain, timeout)
    except ssl.SSLCertVerificationError as error:
        reason = str(error.verify_message or error.reason or error).rstrip(".")
        return Result(name, False, f"the TLS certificate of {domain} is not valid for it: {reason}")
    except (ssl.SSLError, OSError) as error:
        return Result(name, False, f"no TLS connection to {domain}: {error}")
    expires = certificate.get("notAfter", "an unknown date")
    return Result(name, True, f"TLS certificate valid for {domain} ({_names(certificate)}; until {expires})")
