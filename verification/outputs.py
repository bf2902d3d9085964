"""The stack outputs verify.py reads (`pulumi stack output --json`), validated before any request.

Outputs from before `routes` (no `routes`, `signOutUrl`, `awsRegion` or `allowedGroups`) are
one route made of `protectedUrl` and `redirectUri`; its lines keep their old, unnamed form.
`identityProviders` and a route's `signInWith` appear only on stacks that use them.
A route entry without `mode`, `kind` or `scopes` is a browser route on an Ingress. Machine
clients (`tokenUrl`, `apiClients`) appear only in stacks that declare them; their secrets
(`apiClientSecrets`) only in outputs read with `--show-secrets`, and are never printed. With an own
sign-in domain, `signInDomainTarget` appears and `hostedUiDomain` is that domain.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any, TypeVar

from components.urls import WELL_KNOWN_OPENID_CONFIGURATION
from components.vocabulary import (
    ANNOTATION_OWNERS,
    PROVIDER_TYPES,
    ROUTE_KINDS,
    ROUTE_MODES,
    SESSION_STORAGES,
    AnnotationOwner,
    ProviderType,
    RouteKind,
    RouteMode,
    SessionStorage,
)
from verification.url_parts import is_https_url

URL_KEYS = ("protectedUrl", "redirectUri", "discoveryUrl")
REQUIRED_KEYS = (*URL_KEYS, "clientId")
ROUTE_URL_KEYS = ("url", "signOutUrl", "signedOutUrl")
# A user pool id is "<region>_<id>", e.g. us-west-2_AbC123.
POOL_REGION = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$")
Word = TypeVar("Word", bound=str)
# What `pulumi stack output --json` prints for a secret output without --show-secrets.
HIDDEN_SECRET = "[secret]"


class OutputsError(Exception):
    """The stack outputs cannot be used (exit 2)."""


@dataclass(frozen=True)
class DeployedRoute:
    """One protected route. `name` is "ingress (namespace)", None for outputs from before `routes`."""

    url: str
    redirect_uri: str
    name: str | None = None
    sign_out_url: str | None = None
    signed_out_url: str | None = None
    sign_in_with: str | None = None
    """The identity provider whose sign-in page Kong sends this route's users to, skipping Cognito's."""
    mode: RouteMode = "browser"
    """browser: no session, a redirect to sign-in; api: bearer tokens only, 401 without; both."""
    kind: RouteKind = "Ingress"
    scopes: tuple[str, ...] = ()
    """Full scope strings (`<identifier>/<scope>`) an access token must carry on an api route."""
    annotation_owner: AnnotationOwner = "stack"
    """git: Git lists the route's plugin on its object, and the stack does not."""
    plugin: str | None = None

    def check(self, check: str) -> str:
        """The name a check of this route prints: `protected route demo (default)`."""
        return f"{check} {self.name}" if self.name else check


@dataclass(frozen=True)
class DeployedProvider:
    """An entry of `identityProviders`: a company identity provider the pool federates."""

    name: str
    type: ProviderType


@dataclass(frozen=True)
class ApiClientOutput:
    """A machine client: `clientId` gets tokens for `scopes` from `tokenUrl` (client credentials)."""

    name: str
    client_id: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Outputs:
    discovery_url: str
    client_id: str
    routes: tuple[DeployedRoute, ...]
    hosted_ui_domain: str | None = None
    user_pool_id: str | None = None
    aws_region: str | None = None
    allowed_groups: tuple[str, ...] = ()
    identity_providers: tuple[DeployedProvider, ...] = ()
    token_url: str | None = None
    api_clients: tuple[ApiClientOutput, ...] = ()
    api_client_secrets: dict[str, str] | None = field(default=None, repr=False)
    """name -> client secret; None unless the outputs were read with --show-secrets."""
    session_storage: SessionStorage = "cookie"
    """Where Kong keeps sessions (`sessions.storage`): a Redis session ends at sign-out, a cookie's copy does not."""
    kong_version: str | None = None
    own_sign_in_domain: bool = False
    """hostedUiDomain is the stack's own domain (`signInDomain`), which Kong names its sign-in endpoints on."""

    @property
    def hosted_ui_origin(self) -> str | None:
        return f"https://{self.hosted_ui_domain}" if self.hosted_ui_domain else None

    def region(self) -> str | None:
        """`awsRegion`, else the region prefix of `userPoolId`."""
        if self.aws_region:
            return self.aws_region
        match = POOL_REGION.match(self.user_pool_id or "")
        return match.group(1) if match else None


def json_kind(value: Any) -> str:
    kinds = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}
    return kinds.get(type(value), "object")


def _https(value: Any, where: str) -> str:
    if not isinstance(value, str) or not is_https_url(value):
        raise OutputsError(f"{where} in the outputs must be an https:// URL, got {json.dumps(value)}")
    return value


def _optional_string(data: dict[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise OutputsError(f"{where} in the outputs must be a non-empty string, got {json.dumps(value)}")
    return value


def _entries(value: Any, key: str, what: str, *, empty_ok: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """(`key[i]`, entry) for each object of the list output `key`; OutputsError if it is not `what`."""
    if not isinstance(value, list) or not (value or empty_ok):
        raise OutputsError(f"{key} in the outputs must be {what}, got {json.dumps(value)}")
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise OutputsError(f"{key}[{index}] in the outputs must be an object, got {json.dumps(entry)}")
    return [(f"{key}[{index}]", entry) for index, entry in enumerate(value)]


def _routes(data: dict[str, Any]) -> tuple[DeployedRoute, ...]:
    if "routes" not in data:
        sign_out_url = data.get("signOutUrl")
        return (
            DeployedRoute(
                url=data["protectedUrl"],
                redirect_uri=data["redirectUri"],
                sign_out_url=None if sign_out_url is None else _https(sign_out_url, "signOutUrl"),
            ),
        )
    routes = []
    for where, entry in _entries(data["routes"], "routes", "a non-empty list of routes", empty_ok=False):
        if "url" not in entry:
            raise OutputsError(f"{where} in the outputs lacks url")
        urls = {key: None if entry.get(key) is None else _https(entry[key], f"{where}.{key}") for key in ROUTE_URL_KEYS}
        ingress = _optional_string(entry, "ingress", f"{where}.ingress")
        namespace = _optional_string(entry, "namespace", f"{where}.namespace")
        name = f"{ingress} ({namespace})" if ingress and namespace else ingress or str(urls["url"])
        url = str(urls["url"])
        sign_in_with = _optional_string(entry, "signInWith", f"{where}.signInWith")
        mode = _one_of(entry, "mode", ROUTE_MODES, where)
        kind = _one_of(entry, "kind", ROUTE_KINDS, where)
        scopes = _strings(entry.get("scopes", []), f"{where}.scopes", "a list of scopes")
        owner = _one_of(entry, "annotationOwner", ANNOTATION_OWNERS, where)
        plugin = _optional_string(entry, "plugin", f"{where}.plugin")
        routes.append(
            DeployedRoute(
                url,
                url,
                name,
                urls["signOutUrl"],
                urls["signedOutUrl"],
                sign_in_with=sign_in_with,
                mode=mode,
                kind=kind,
                scopes=scopes,
                annotation_owner=owner,
                plugin=plugin,
            )
        )
    return tuple(routes)


def _identity_providers(data: dict[str, Any]) -> tuple[DeployedProvider, ...]:
    providers = []
    for where, entry in _entries(data.get("identityProviders", []), "identityProviders", "a list"):
        name = _optional_string(entry, "name", f"{where}.name")
        if name is None:
            raise OutputsError(f"{where} in the outputs lacks name")
        kind = entry.get("type")
        if kind not in PROVIDER_TYPES:
            raise OutputsError(
                f"{where}.type in the outputs must be one of {', '.join(PROVIDER_TYPES)}, got {json.dumps(kind)}"
            )
        providers.append(DeployedProvider(name, kind))
    return tuple(providers)


def _one_of(entry: dict[str, Any], key: str, allowed: tuple[Word, ...], where: str) -> Word:
    """The entry's `key`, one of `allowed`; the first when absent (outputs from before the key)."""
    value = entry.get(key, allowed[0])
    if value not in allowed:
        raise OutputsError(f"{where}.{key} in the outputs must be one of {', '.join(allowed)}, got {json.dumps(value)}")
    return allowed[allowed.index(value)]


def _strings(value: Any, where: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise OutputsError(f"{where} in the outputs must be {what}, got {json.dumps(value)}")
    return tuple(value)


def _api_clients(data: dict[str, Any]) -> tuple[ApiClientOutput, ...]:
    clients = []
    for where, entry in _entries(data.get("apiClients", []), "apiClients", "a list of clients"):
        name = _optional_string(entry, "name", f"{where}.name")
        client_id = _optional_string(entry, "clientId", f"{where}.clientId")
        if name is None or client_id is None:
            raise OutputsError(f"{where} in the outputs lacks name or clientId")
        clients.append(ApiClientOutput(name, client_id, _strings(entry.get("scopes", []), f"{where}.scopes", "a list")))
    return tuple(clients)


def _api_client_secrets(data: dict[str, Any]) -> dict[str, str] | None:
    """The secrets when shown; None when hidden (`[secret]`) or absent. Never puts a value in an error."""
    value = data.get("apiClientSecrets")
    if value is None or value == HIDDEN_SECRET:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) and v for v in value.values()):
        raise OutputsError("apiClientSecrets in the outputs must be an object of client names to secrets")
    return dict(value)


def _allowed_groups(data: dict[str, Any]) -> tuple[str, ...]:
    value = data.get("allowedGroups", [])
    if not isinstance(value, list) or not all(isinstance(group, str) and group for group in value):
        raise OutputsError(f"allowedGroups in the outputs must be a list of group names, got {json.dumps(value)}")
    return tuple(value)


def parse_outputs(text: str, source: str) -> Outputs:
    """The values the checks need from `pulumi stack output --json`."""
    if not text.strip():
        raise OutputsError(f"the outputs from {source} are empty (expected `pulumi stack output --json`)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise OutputsError(f"the outputs from {source} are not JSON: {error}") from error
    if not isinstance(data, dict):
        raise OutputsError(f"the outputs from {source} are a JSON {json_kind(data)}, not an object of stack outputs")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise OutputsError(f"the outputs from {source} lack {', '.join(missing)}")
    for key in REQUIRED_KEYS:
        value = data[key]
        if not isinstance(value, str) or not value:
            raise OutputsError(f"{key} in the outputs must be a non-empty string, got {json.dumps(value)}")
    for key in URL_KEYS:
        _https(data[key], key)
    if not data["discoveryUrl"].endswith(WELL_KNOWN_OPENID_CONFIGURATION):
        raise OutputsError(f"discoveryUrl in the outputs must end with {WELL_KNOWN_OPENID_CONFIGURATION}")
    routes = _routes(data)
    hosted_ui_domain = _optional_string(data, "hostedUiDomain", "hostedUiDomain")
    if hosted_ui_domain is not None and ("/" in hosted_ui_domain or not is_https_url(f"https://{hosted_ui_domain}")):
        raise OutputsError(f"hostedUiDomain in the outputs must be a host name, got {json.dumps(hosted_ui_domain)}")
    own_sign_in_domain = _optional_string(data, "signInDomainTarget", "signInDomainTarget") is not None
    if hosted_ui_domain is None and own_sign_in_domain:
        raise OutputsError("the outputs name a signInDomainTarget but lack hostedUiDomain, the own sign-in domain")
    if hosted_ui_domain is None and any(route.sign_out_url for route in routes):
        raise OutputsError("the outputs name a signOutUrl but lack hostedUiDomain, which the sign-out check needs")
    identity_providers = _identity_providers(data)
    names = {provider.name for provider in identity_providers}
    for route in routes:
        if route.sign_in_with is not None and route.sign_in_with not in names:
            raise OutputsError(
                f"route {route.name} signs in with {route.sign_in_with!r}, which identityProviders in the outputs "
                "does not list"
            )
    return Outputs(
        discovery_url=data["discoveryUrl"],
        client_id=data["clientId"],
        routes=routes,
        hosted_ui_domain=hosted_ui_domain,
        user_pool_id=_optional_string(data, "userPoolId", "userPoolId"),
        aws_region=_optional_string(data, "awsRegion", "awsRegion"),
        allowed_groups=_allowed_groups(data),
        identity_providers=identity_providers,
        token_url=None if data.get("tokenUrl") is None else _https(data["tokenUrl"], "tokenUrl"),
        api_clients=_api_clients(data),
        api_client_secrets=_api_client_secrets(data),
        session_storage=_one_of(data.get("sessions") or {}, "storage", SESSION_STORAGES, "sessions"),
        kong_version=_optional_string(data, "kongVersion", "kongVersion"),
        own_sign_in_domain=own_sign_in_domain,
    )


def read_outputs(path: str) -> Outputs:
    source = "standard input" if path == "-" else path
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as file:
                text = file.read()
    except OSError as error:
        raise OutputsError(f"cannot read the outputs file {path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise OutputsError(f"the outputs from {source} are not UTF-8 text") from error
    return parse_outputs(text, source)
