"""Stand-ins for `verify.py --sign-in`: Cognito's hosted UI and token endpoint, and Kong's openid-connect.

The hosted UI serves a sign-in form shaped like the classic one (verification/hosted_ui_form.py
says what the code relies on), checks the `_csrf` field against the `XSRF-TOKEN` cookie and the
password against moto's user pool, and redirects with a code. The token endpoint answers with
an ID token, a distinct access token and an encrypted (opaque) refresh token, as Cognito does,
after the pool's pre token generation trigger if any. Kong exchanges the code at the token
endpoint with the client secret, keeps the tokens in its session, serves the upstream, applies the
group gate to the access token's `cognito:groups` (403, no upstream call) and signs out through
Cognito's /logout.

Kong's session is lua-resty-session 4.0.5's (the version Kong pins; lib/resty/session.lua and its
README's "Cookie Format"): a cookie that starts with a 110-character header (a random session ID
and a MAC of the header with the session secret). With `session_storage` `cookie` (Kong's default)
the session's data follows the header in the cookie itself, split into `session`, `session2`, …
when name, header and data exceed 4096 bytes, at most 9 cookies (`calculate_cookie_chunks`);
sign-out only clears the browser's cookies, so an old copy still opens the route. With `redis`
the cookie is the header alone and the data is in Redis under `<prefix>:<cookie name>:<session ID>`;
sign-out deletes it there (`session:destroy` calls `storage:delete`), so an old copy no longer
opens the route. Not modelled: the data's encryption (it is only authenticated here) and the
session timeouts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from oidc_servers import Reply, Request, TlsServer, html_reply, json_reply, redirect

CLASSIC_LOGIN_PAGE = """<!DOCTYPE html>
<html><head><title>Signin</title>
<script src="https://d3oia8etllorh5.cloudfront.net/js/amazon-cognito-advanced-security-data.min.js"></script>
</head><body>
{forms}
</body></html>"""

CLASSIC_FORM = """<div class="{screen}">
<form name="cognitoSignInForm" action="{action}" method="post" class="cognito-asf">
  <input type="hidden" name="_csrf" value="{csrf}"/>
  {error}
  <label class="label-customizable">Email</label>
  <input id="signInFormUsername" name="username" type="text" class="form-control inputField-customizable"
         placeholder="name@host.com" autocapitalize="none" required aria-label="Email" value="">
  <label class="label-customizable">Password</label>
  <input id="signInFormPassword" name="password" type="password" class="form-control inputField-customizable"
         placeholder="Password" required>
  <a href="/forgotPassword?{query}" class="redirect-customizable">Forgot your password?</a>
  <input name="signInSubmitButton" type="Submit" value="Sign in" class="btn btn-primary submitButton-customizable"
         aria-label="submit">
</form>
</div>"""

SESSION_COOKIE = "session"  # config.session_cookie_name's default
SESSION_HEADER_LENGTH = 110
MAX_COOKIE_SIZE, MAX_COOKIES = 4096, 9
INCORRECT = '<p id="loginErrorMessage" class="errorMessage-customizable">Incorrect username or password.</p>'


def classic_login_page(query: str, csrf: str, error: str = "") -> str:
    action = html.escape("/login?" + query)
    # The classic page holds the form twice, for large and for small screens.
    forms = [
        CLASSIC_FORM.format(screen=screen, action=action, csrf=csrf, error=error, query=html.escape(query))
        for screen in ("visible-lg", "visible-md visible-sm visible-xs")
    ]
    return CLASSIC_LOGIN_PAGE.format(forms="\n".join(forms))


def unsigned_jwt(claims: dict[str, Any]) -> str:
    """Token-shaped: Kong's stand-in reads the claims; verify.py never sees it."""
    parts = [{"alg": "none"}, claims]
    return ".".join(base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=") for part in parts) + "."


def opaque_refresh_token() -> str:
    """Shaped as Cognito's refresh token, a JWE (RSA-OAEP with a 2048-bit key: a 256-byte encrypted key)."""
    parts = [
        json.dumps({"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}).encode(),
        secrets.token_bytes(256),
        secrets.token_bytes(12),
        secrets.token_bytes(600),
        secrets.token_bytes(16),
    ]
    return ".".join(base64.urlsafe_b64encode(part).decode().rstrip("=") for part in parts)


def jwt_claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


@dataclass
class CognitoStandIn:
    """<domain>.auth.<region>.amazoncognito.com with the pool's users in moto."""

    server: TlsServer
    admin: Any  # boto3 cognito-idp client on moto
    pool_id: str
    password_client_id: str  # a moto app client that allows ADMIN_USER_PASSWORD_AUTH
    client_id: str
    client_secret: str
    callbacks: set[str] = field(default_factory=set)
    logout_urls: set[str] = field(default_factory=set)
    # The query of each request to /logout, as Kong sent it.
    logout_queries: list[dict[str, list[str]]] = field(default_factory=list)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Tests swap this for a page the code must not recognise.
    login_page: Any = classic_login_page
    # Company identity providers: name -> the attributes of the user their sign-in returns (as the
    # provider's attribute mapping writes them). /oauth2/authorize?identity_provider=<name> signs them in.
    federated_users: dict[str, dict[str, str]] = field(default_factory=dict)
    # The provider of each such sign-in, in order.
    federated_sign_ins: list[str] = field(default_factory=list)
    # mfa: required. After the password, the hosted UI asks for an authenticator app (its page is not modelled).
    mfa_required: bool = False
    # The pool's pre token generation trigger (a V1_0 event in, the event with its response out), if any.
    pre_token_generation: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def install(self) -> None:
        self.server.routes.update(
            {
                "/oauth2/authorize": self.authorize,
                "/login": self.login,
                "/oauth2/token": self.token,
                "/logout": self.logout,
                "/error": html_reply(200, "An error was encountered with the requested page."),
            }
        )

    def error(self, code: str) -> Reply:
        return redirect(self.server.url("/error", {"error": code, "client_id": self.client_id}))

    def _known_client(self, request: Request) -> bool:
        return request.one("client_id") == self.client_id and request.one("redirect_uri") in self.callbacks

    def authorize(self, request: Request) -> Reply:
        if not self._known_client(request):
            return self.error("redirect_mismatch")
        provider = request.one("identity_provider")
        if provider is not None:
            return self._federated_sign_in(request, provider)
        return redirect(self.server.url("/login", {k: v[0] for k, v in request.query.items()}))

    def _federated_sign_in(self, request: Request, provider: str) -> Reply:
        """Cognito skips its sign-in page and the provider signs the user in (collapsed to one step here)."""
        attributes = self.federated_users.get(provider)
        if attributes is None:
            return self.error("invalid_request")
        self.federated_sign_ins.append(provider)
        # A federated user is in no Cognito group of their own.
        return self._issue_code(request, f"{provider}_{attributes['email']}", attributes, [])

    def _issue_code(self, request: Request, username: str, attributes: dict[str, str], groups: list[str]) -> Reply:
        """The user's tokens, behind a one-time code for the client's callback."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": request.one("redirect_uri"),
            "tokens": self._tokens(username, attributes, groups, request.one("scope") or ""),
        }
        state = request.one("state") or ""
        location = f"{request.one('redirect_uri')}?{urlencode({'code': code, 'state': state})}"
        return Reply(302, {"Location": location}, cookies=("cognito=signed-in; Path=/; Secure; HttpOnly",))

    def _tokens(self, username: str, attributes: dict[str, str], groups: list[str], scope: str) -> dict[str, str]:
        """An ID token and an access token with Cognito's claims (those the stand-ins and the stack care about).

        Both carry `cognito:groups` when the user has groups; only the ID token has `aud`, the
        user's attributes and the trigger's other claims.
        """
        subject = attributes.get("sub") or secrets.token_hex(16)
        id_claims: dict[str, Any] = {
            "sub": subject,
            "aud": self.client_id,
            "token_use": "id",
            "cognito:username": username,
            "email": attributes["email"],
        }
        if "identities" in attributes:
            id_claims["identities"] = json.loads(attributes["identities"])
        access_claims: dict[str, Any] = {
            "sub": subject,
            "client_id": self.client_id,
            "token_use": "access",
            "scope": scope,
            "username": username,
        }
        added: dict[str, Any] = {}
        suppressed: list[str] = []
        if self.pre_token_generation is not None:
            groups, added, suppressed = self._run_trigger(username, attributes, groups)
        for claims in (id_claims, access_claims):
            if groups:
                claims["cognito:groups"] = list(groups)
        # A V1_0 trigger's other claims change the ID token alone.
        id_claims.update(added)
        for claim in suppressed:
            id_claims.pop(claim, None)
        return {
            "id_token": unsigned_jwt(id_claims),
            "access_token": unsigned_jwt(access_claims),
            "refresh_token": opaque_refresh_token(),
        }

    def _run_trigger(
        self, username: str, attributes: dict[str, str], groups: list[str]
    ) -> tuple[list[str], dict[str, Any], list[str]]:
        """What Cognito does with a V1_0 response, per AWS's developer guide (user-pool-lambda-pre-token-generation).

        `groupOverrideDetails` replaces `cognito:groups` in the ID token and the access token (none
        or an empty one suppresses the groups); `claimsToAddOrOverride` and `claimsToSuppress` change
        the ID token only. Returns the groups, the claims to add and the claims to suppress.
        """
        event = {
            "version": "1",
            "triggerSource": "TokenGeneration_HostedAuth",
            "userPoolId": self.pool_id,
            "userName": username,
            "callerContext": {"clientId": self.client_id},
            "request": {
                "userAttributes": dict(attributes),
                "groupConfiguration": {
                    "groupsToOverride": list(groups),
                    "iamRolesToOverride": [],
                    "preferredRole": None,
                },
            },
            "response": {"claimsOverrideDetails": None},
        }
        assert self.pre_token_generation is not None
        overrides = self.pre_token_generation(event)["response"]["claimsOverrideDetails"] or {}
        new_groups = (overrides.get("groupOverrideDetails") or {}).get("groupsToOverride") or []
        return (
            list(new_groups),
            dict(overrides.get("claimsToAddOrOverride") or {}),
            list(overrides.get("claimsToSuppress") or []),
        )

    def login(self, request: Request) -> Reply:
        if not self._known_client(request):
            return self.error("redirect_mismatch")
        query = urlencode({k: v[0] for k, v in request.query.items()})
        if request.method == "GET":
            return self._page(query)
        csrf = request.form.get("_csrf", [""])[0]
        if not csrf or csrf != request.cookies.get("XSRF-TOKEN"):
            return self.error("invalid_request")
        username, password = request.form.get("username", [""])[0], request.form.get("password", [""])[0]
        try:
            answer = self.admin.admin_initiate_auth(
                UserPoolId=self.pool_id,
                ClientId=self.password_client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except (self.admin.exceptions.NotAuthorizedException, self.admin.exceptions.UserNotFoundException):
            return self._page(query, INCORRECT)
        if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            return redirect(self.server.url("/forceChangePassword") + "?" + query)
        if self.mfa_required:
            return redirect(self.server.url("/mfa") + "?" + query)
        # What the pool says of the user, in its ID token: email_verified, and cognito:groups if any.
        pool_says = jwt_claims(answer["AuthenticationResult"]["IdToken"])
        if pool_says.get("email_verified") != "true":
            # The hosted UI asks for the code it mailed before it lets an unverified user in.
            return redirect(self.server.url("/confirmUser") + "?" + query)
        attributes = {"sub": pool_says["sub"], "email": username, "email_verified": "true"}
        return self._issue_code(request, pool_says["sub"], attributes, list(pool_says.get("cognito:groups", [])))

    def _page(self, query: str, error: str = "") -> Reply:
        csrf = secrets.token_urlsafe(24)
        body = self.login_page(query, csrf, error)
        cookie = f"XSRF-TOKEN={csrf}; Path=/; Secure; HttpOnly; SameSite=Lax"
        return Reply(200, {"Content-Type": "text/html;charset=UTF-8"}, body.encode(), cookies=(cookie,))

    def token(self, request: Request) -> Reply:
        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.method != "POST" or request.headers.get("authorization") != expected:
            return Reply(400, {"Content-Type": "application/json"}, b'{"error":"invalid_client"}')
        grant = self.codes.pop(request.form.get("code", [""])[0], None)
        if grant is None or request.form.get("redirect_uri") != [grant["redirect_uri"]]:
            return Reply(400, {"Content-Type": "application/json"}, b'{"error":"invalid_grant"}')
        return json_reply({**grant["tokens"], "token_type": "Bearer", "expires_in": 3600})

    def logout(self, request: Request) -> Reply:
        self.logout_queries.append(request.query)
        logout_uri = request.one("logout_uri")
        if request.one("client_id") != self.client_id or logout_uri not in self.logout_urls:
            return self.error("redirect_mismatch")
        return Reply(302, {"Location": logout_uri}, cookies=("cognito=; Path=/; Max-Age=0",))


@dataclass
class KongStandIn:
    """Kong's proxy with the openid-connect plugin on each route (a path on one host)."""

    server: TlsServer
    cognito: CognitoStandIn
    cognito_ca_file: Path
    # What the plugin got from its Secret; "" as when the CRD pruned configPatches.
    client_secret: str
    allowed_groups: list[str] = field(default_factory=list)
    group_gate: bool = True
    sign_out_ends_session: bool = True
    # False: the callback serves the upstream itself, and the session is not kept (as with Kong
    # nodes that do not share session_secret); with set_session_cookie False, no cookie at all.
    keeps_sessions: bool = True
    set_session_cookie: bool = True
    # On a failed code exchange: 401, or (True) start sign-in again.
    retry_sign_in_on_failure: bool = False
    # The plugin's authorization_query_args_names/values, paired: extra parameters of /oauth2/authorize.
    authorization_query_args: dict[str, str] = field(default_factory=dict)
    # config.session_storage: "cookie" (Kong's default) or "redis"; redis_prefix is its key prefix.
    session_storage: str = "cookie"
    # False: a Kong that clears the browser's cookie at sign-out but leaves the session in Redis.
    deletes_stored_session: bool = True
    redis_prefix: str = ""
    session_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    # The stand-in Redis: key -> the session's data, as JSON.
    redis: dict[str, str] = field(default_factory=dict)
    upstream_calls: list[str] = field(default_factory=list)
    # Each answer of Cognito's token endpoint to a code exchange.
    token_responses: list[dict[str, Any]] = field(default_factory=list)

    def protect(self, route_path: str, signed_out_url: str) -> None:
        self.server.routes[route_path] = lambda request: self.route(request, route_path)
        self.server.routes[route_path.rstrip("/") + "/logout"] = lambda request: self.sign_out(request, signed_out_url)

    def route(self, request: Request, route_path: str) -> Reply:
        url = self.server.url(route_path)
        code = request.one("code")
        if code is not None:
            return self.callback(request, url, code)
        session = self.open_session(request.cookies)
        if session is not None:
            claims = jwt_claims(session["id_token"])
            self.upstream_calls.append(claims["email"])
            return html_reply(200, f"Hello {html.escape(claims['email'])}")
        state = secrets.token_urlsafe(12)
        query = {
            "response_type": "code",
            "client_id": self.cognito.client_id,
            "redirect_uri": url,
            "scope": "openid email profile",
            "state": state,
            "nonce": secrets.token_urlsafe(12),
            **self.authorization_query_args,
        }
        location = self.cognito.server.url("/oauth2/authorize", query)
        return Reply(302, {"Location": location}, cookies=(f"authorization={state}; Path=/; Secure; HttpOnly",))

    def callback(self, request: Request, url: str, code: str) -> Reply:
        if request.one("state") != request.cookies.get("authorization"):
            return html_reply(401, "Unauthorized")
        answer = requests.post(
            self.cognito.server.url("/oauth2/token"),
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": url},
            auth=(self.cognito.client_id, self.client_secret),
            verify=str(self.cognito_ca_file),
            timeout=5,
        )
        if answer.status_code != 200:
            if self.retry_sign_in_on_failure:
                return self.route(Request("GET", request.path, {}, request.headers, {}, {}), request.path)
            return html_reply(401, "Unauthorized")
        tokens = answer.json()
        self.token_responses.append(tokens)
        id_token = tokens["id_token"]
        claims = jwt_claims(id_token)
        clear = "authorization=; Path=/; Max-Age=0"
        if self.allowed_groups and self.group_gate and not self.in_allowed_groups(tokens["access_token"]):
            return Reply(403, {"Content-Type": "text/plain"}, b"Forbidden", cookies=(clear,))
        data = {key: tokens[key] for key in ("id_token", "access_token", "refresh_token") if key in tokens}
        # Without keeps_sessions, sealed by a node whose session secret the others do not share.
        secret = self.session_secret if self.keeps_sessions else secrets.token_bytes(32)
        cookies = (clear, *self.save_session(data, secret)) if self.set_session_cookie else (clear,)
        if not self.keeps_sessions:
            self.upstream_calls.append(claims["email"])
            return Reply(200, {"Content-Type": "text/plain"}, b"upstream", cookies=cookies)
        return Reply(302, {"Location": url}, cookies=cookies)

    # --- the session (lua-resty-session) ---

    def _mac(self, what: bytes, secret: bytes | None = None) -> bytes:
        return hmac.new(secret or self.session_secret, what, hashlib.sha256).digest()[:16]

    def _redis_key(self, sid: bytes) -> str:
        key = f"{SESSION_COOKIE}:{base64.urlsafe_b64encode(sid).decode().rstrip('=')}"
        return f"{self.redis_prefix}:{key}" if self.redis_prefix else key

    def save_session(self, data: dict[str, str], secret: bytes | None = None) -> tuple[str, ...]:
        """The Set-Cookie values of a new session holding `data`, sealed with `secret` (default: the plugin's)."""
        payload = json.dumps(data).encode()
        sid = secrets.token_bytes(32)
        size = 0 if self.session_storage == "redis" else len(payload)
        start = b"\x01\x00\x00" + sid + int(time.time()).to_bytes(5, "little") + bytes(4) + size.to_bytes(3, "little")
        header = start + self._mac(sid + payload, secret) + bytes(3)
        header += self._mac(header, secret)
        encoded = base64.urlsafe_b64encode(header).decode().rstrip("=")
        assert len(encoded) == SESSION_HEADER_LENGTH
        if self.session_storage == "redis":
            self.redis[self._redis_key(sid)] = payload.decode()
            value = encoded
        else:
            value = encoded + base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return tuple(f"{name}={chunk}; Path=/; Secure; HttpOnly; SameSite=Lax" for name, chunk in _chunks(value))

    def open_session(self, cookies: dict[str, str]) -> dict[str, str] | None:
        """The session's data, if the cookies hold a valid session (and, with Redis, Redis still has it)."""
        value = "".join(cookies[name] for name in _chunk_names() if name in cookies)
        header_text, payload_text = value[:SESSION_HEADER_LENGTH], value[SESSION_HEADER_LENGTH:]
        try:
            header = base64.urlsafe_b64decode(header_text + "==")
            payload = base64.urlsafe_b64decode(payload_text + "=" * (-len(payload_text) % 4))
        except ValueError:
            return None
        if len(header) != 82 or not hmac.compare_digest(header[66:], self._mac(header[:66])):
            return None
        sid = header[3:35]
        if self.session_storage == "redis":
            stored = self.redis.get(self._redis_key(sid))
            if stored is None:
                return None
            payload = stored.encode()
        if not hmac.compare_digest(header[47:63], self._mac(sid + payload)):
            return None
        found: dict[str, str] = json.loads(payload)
        return found

    def in_allowed_groups(self, access_token: str) -> bool:
        """groups_required with groups_claim [cognito:groups]: Kong reads it from the access token, not the ID token.

        Kong's openid-connect schema: the groups must be "present in the access token (or
        introspection results)". No claim at all (a user in no group) is refused too.
        """
        groups = jwt_claims(access_token).get("cognito:groups", [])
        return isinstance(groups, list) and bool(set(groups) & set(self.allowed_groups))

    def sign_out(self, request: Request, signed_out_url: str) -> Reply:
        """Kong as the stack configures it: end_session_endpoint is Cognito's /logout with client_id and logout_uri.

        No logout_redirect_uri is set, so Kong adds no post_logout_redirect_uri; it adds
        id_token_hint only when the session holds an ID token.
        """
        session = self.open_session(request.cookies)
        id_token = session["id_token"] if session is not None else None
        cookies: tuple[str, ...] = ()
        if self.sign_out_ends_session:
            if self.session_storage == "redis" and session is not None and self.deletes_stored_session:
                header = base64.urlsafe_b64decode(request.cookies[SESSION_COOKIE][:SESSION_HEADER_LENGTH] + "==")
                self.redis.pop(self._redis_key(header[3:35]), None)
            cookies = tuple(f"{name}=; Path=/; Max-Age=0" for name in _chunk_names() if name in request.cookies)
        query = {"client_id": self.cognito.client_id, "logout_uri": signed_out_url}
        if id_token is not None:
            query["id_token_hint"] = id_token
        return Reply(302, {"Location": self.cognito.server.url("/logout", query)}, cookies=cookies)


def _chunk_names() -> list[str]:
    return [SESSION_COOKIE] + [f"{SESSION_COOKIE}{number}" for number in range(2, MAX_COOKIES + 1)]


def _chunks(value: str) -> list[tuple[str, str]]:
    """`value` in as many cookies as lua-resty-session's calculate_cookie_chunks gives, in equal parts."""
    name_size = len(SESSION_COOKIE)
    needed = name_size + 1 + len(value)
    count = 1
    while needed > MAX_COOKIE_SIZE * count:
        count += 1
        needed += name_size + 2
        if count > MAX_COOKIES or needed > MAX_COOKIE_SIZE * MAX_COOKIES:
            raise ValueError("cookie size limit exceeded")
    size = -(-len(value) // count)
    return [(name, value[i * size : (i + 1) * size]) for i, name in enumerate(_chunk_names()[:count])]
