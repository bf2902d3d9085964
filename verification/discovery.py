"""Check 1: the user pool's discovery document and its JWKS."""

from __future__ import annotations

import json
from typing import Any

from components.urls import WELL_KNOWN_OPENID_CONFIGURATION
from verification.http_client import Client, FetchError, load_json
from verification.outputs import Outputs
from verification.results import Result
from verification.url_parts import is_https_url


def count_keys(jwks: Any) -> int:
    """Keys in a JWK Set: objects with a key type (RFC 7517 requires `kty`)."""
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        return 0
    return sum(1 for key in keys if isinstance(key, dict) and "kty" in key)


def check_discovery(client: Client, outputs: Outputs) -> tuple[Result, str | None]:
    """Also returns the authorization endpoint when the document names a usable one."""
    name = "discovery"
    try:
        document = load_json(client, outputs.discovery_url, "the discovery document")
    except FetchError as error:
        return Result(name, False, str(error)), None
    if not isinstance(document, dict):
        return Result(name, False, f"the discovery document at {outputs.discovery_url} is not a JSON object"), None

    problems = []
    expected_issuer = outputs.discovery_url.removesuffix(WELL_KNOWN_OPENID_CONFIGURATION)
    issuer = document.get("issuer")
    if issuer != expected_issuer:
        problems.append(f"issuer is {json.dumps(issuer)}, expected {expected_issuer!r}")
    endpoints: dict[str, str | None] = {}
    for key in ("authorization_endpoint", "jwks_uri"):
        value = document.get(key)
        endpoints[key] = value if isinstance(value, str) and is_https_url(value) else None
        if key not in document:
            problems.append(f"no {key}")
        elif endpoints[key] is None:
            problems.append(f"{key} is {json.dumps(value)}, not an https:// URL")

    jwks_uri = endpoints["jwks_uri"]
    key_count = 0
    if jwks_uri is not None:
        try:
            jwks = load_json(client, jwks_uri, "the JWKS")
        except FetchError as error:
            problems.append(str(error))
        else:
            key_count = count_keys(jwks)
            if key_count == 0:
                problems.append(f"the JWKS at {jwks_uri} has no keys")

    authorization_endpoint = endpoints["authorization_endpoint"]
    if problems:
        return Result(name, False, "; ".join(problems)), authorization_endpoint
    plural = "" if key_count == 1 else "s"
    detail = f"issuer {issuer}, authorization endpoint {authorization_endpoint}, {key_count} signing key{plural}"
    return Result(name, True, detail), authorization_endpoint
