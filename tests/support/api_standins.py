"""Stand-ins for machine tokens: Cognito's token endpoint (client credentials) and a Kong route taking bearer tokens.

`TokenEndpointStandIn` answers as Cognito's /oauth2/token does for the client-credentials grant: the
client authenticates with HTTP Basic (client id and secret), may ask for a subset of its scopes
(`scope`), and gets an access token, or 400 with an OAuth error. `BearerRouteStandIn` answers as
Kong's openid-connect plugin with `auth_methods: [bearer]`: no token or an unknown one, 401 with a
`WWW-Authenticate: Bearer` challenge; a token of another client or without the required scopes, 403;
else the upstream's 200. Tokens are random strings the stand-ins remember, not JWTs: verify.py never
reads them.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from oidc_servers import Reply, Request, json_reply


@dataclass(frozen=True)
class MachineClient:
    name: str
    client_id: str
    secret: str
    scopes: tuple[str, ...]


def _oauth_error(status: int, code: str) -> Reply:
    return Reply(status, {"Content-Type": "application/json"}, json.dumps({"error": code}).encode())


@dataclass
class TokenEndpointStandIn:
    clients: list[MachineClient]
    issued: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """access token -> (client id, scopes)."""
    other_grants: Callable[[Request], Reply] | None = None
    """Where requests of other grants (authorization_code) go, e.g. CognitoStandIn.token."""
    requests: list[Request] = field(default_factory=list)

    def __call__(self, request: Request) -> Reply:
        self.requests.append(request)
        if request.form.get("grant_type") != ["client_credentials"]:
            if self.other_grants is not None:
                return self.other_grants(request)
            return _oauth_error(400, "unsupported_grant_type")
        client = self._authenticated(request.headers.get("authorization", ""))
        if client is None:
            return _oauth_error(400, "invalid_client")
        asked = request.form.get("scope")
        scopes = tuple(asked[0].split()) if asked else client.scopes
        if not scopes or any(scope not in client.scopes for scope in scopes):
            return _oauth_error(400, "invalid_scope")
        token = secrets.token_urlsafe(24)
        self.issued[token] = (client.client_id, scopes)
        return json_reply({"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    def _authenticated(self, header: str) -> MachineClient | None:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return next((c for c in self.clients if (c.client_id, c.secret) == (client_id, secret)), None)


@dataclass
class BearerRouteStandIn:
    tokens: TokenEndpointStandIn
    allowed_client_ids: set[str]
    required_scopes: tuple[str, ...] = ()
    check_scopes: bool = True
    """False: a plugin without the scopes check (a misconfiguration verify must catch)."""
    missing_scope_status: int = 403
    """What a token without the required scopes gets: Kong's 403; 401 would say the token itself is bad."""

    def __call__(self, request: Request) -> Reply:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return self._unauthorized('Bearer realm="kong"')
        found = self.tokens.issued.get(token)
        if found is None:
            return self._unauthorized('Bearer realm="kong", error="invalid_token"')
        client_id, scopes = found
        if client_id not in self.allowed_client_ids:
            return self._forbidden()
        if self.check_scopes and any(scope not in scopes for scope in self.required_scopes):
            if self.missing_scope_status == 401:
                return self._unauthorized('Bearer realm="kong", error="insufficient_scope"')
            return self._forbidden()
        return Reply(200, {"Content-Type": "application/json"}, b'{"upstream": "served"}')

    @staticmethod
    def _unauthorized(challenge: str) -> Reply:
        body = json.dumps({"message": "Unauthorized"}).encode()
        return Reply(401, {"Content-Type": "application/json", "WWW-Authenticate": challenge}, body)

    @staticmethod
    def _forbidden() -> Reply:
        return Reply(403, {"Content-Type": "application/json"}, json.dumps({"message": "Forbidden"}).encode())
