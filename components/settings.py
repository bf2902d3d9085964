"""The stack's settings: read once from Pulumi config, validated, frozen.

Everything after `load_settings` trusts the `Settings` it returns. Validation
collects every problem before failing, so a user fixes their config in one go,
and it runs before any resource is declared, so bad input never leaves a
half-created stack behind.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pulumi

from components import naming, urls
from components.naming import PROJECT, check_domain_prefix

DEFAULT_CALLBACK_PATH = "/bar"
DEFAULT_INGRESS_NAME = "demo"
DEFAULT_INGRESS_NAMESPACE = "default"
DEFAULT_PLUGIN_NAME = "oidc"
DEFAULT_CACHE_TTL = 10
DEFAULT_SCOPES: tuple[str, ...] = ("openid", "email", "profile")
DEFAULT_DELETION_PROTECTION = False
DEFAULT_SELF_SIGN_UP = True

# An app client holds at most 100 callback URLs (and 100 sign-out URLs): one per route.
MAX_ROUTES = 100
ROUTE_FIELDS = ("ingress", "namespace", "host", "path", "plugin")
# Cognito group names: 1 to 128 letters, marks, symbols, numbers or punctuation (no spaces).
MAX_GROUP_NAME_LENGTH = 128
_GROUP_NAME_CATEGORIES = frozenset("LMSNP")
# Headers the upstream must be able to trust as Kong's or the browser's own, never a claim.
REFUSED_UPSTREAM_HEADERS = frozenset({"host", "cookie", "authorization"})
REFUSED_UPSTREAM_HEADER_PREFIX = "x-forwarded-"
# Headers that frame the request or belong to one connection: set from a claim, they would corrupt it.
FRAMING_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade", "proxy-connection"}
)
# Cognito's ID token carries these claims only when the sign-in asks for their scope.
CLAIM_SCOPES = {"email": "email", "email_verified": "email", "phone_number": "phone", "phone_number_verified": "phone"}
# RFC 9110 field names are tokens: these characters, at least one.
_HTTP_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")

# Scopes a Cognito app client may request without a resource server of its own.
COGNITO_RESERVED_SCOPES = frozenset({"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"})
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
# RFC 3986 path characters; '?' and '#' would start a query or fragment.
_URL_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")
_AWS_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")


@dataclass(frozen=True)
class Route:
    """One protected Ingress: Kong guards `url` on it and Cognito sends the browser back there."""

    ingress: str
    namespace: str
    host: str
    path: str
    plugin: str
    """The KongPlugin's name (in `namespace`), as listed in the Ingress's annotation."""
    original: bool
    """The Ingress the stack protected before `routes` existed (ingressNamespace/ingressName):
    its resources keep the names they had then, so upgrading replaces nothing."""
    signed_out_url: str
    """Where Cognito sends the browser after sign-out: signedOutUrl, else the route's own URL."""

    @property
    def url(self) -> str:
        return urls.callback_url(self.host, self.path)

    @property
    def sign_out_url(self) -> str:
        return urls.sign_out_url(self.url)

    def resource_name(self, base: str) -> str:
        """A Pulumi resource name for this route (components/naming.py)."""
        return naming.route_resource(base, self.namespace, self.ingress, self.original)


@dataclass(frozen=True)
class Settings:
    """Validated settings of one stack."""

    aws_region: str
    data_plane_host: str | None
    """None when every route names its own host."""
    callback_path: str
    ingress_name: str
    ingress_namespace: str
    plugin_name: str
    cache_ttl: int
    scopes: tuple[str, ...]
    deletion_protection: bool
    domain_prefix: str | None
    """None means: derive a stable, unique prefix for this stack."""
    self_sign_up: bool
    allowed_groups: tuple[str, ...]
    signed_out_url: str | None
    """None: each route's own protected URL."""
    upstream_headers: tuple[tuple[str, str], ...]
    """(claim, header) pairs, in the order given."""
    routes: tuple[Route, ...]
    """Never empty; without the `routes` setting, the one route of the keys above."""


class SettingsError(pulumi.RunError):
    """Raised with every problem found; Pulumi prints RunError without a traceback."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"Invalid stack configuration ({len(problems)} problem"
            f"{'' if len(problems) == 1 else 's'}):\n{lines}\n"
            "Fix them with `pulumi config set <key> <value>` (a list: `pulumi config set --path 'scopes[1]' email`) "
            "and run again."
        )


def config_string(value: Any) -> str:
    """A stack file's YAML value as the Pulumi CLI hands it to the program (lists and maps as JSON)."""
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def load_settings(config: pulumi.Config, aws_config: pulumi.Config) -> Settings:
    """Read this project's config and `aws:region` and validate them.

    Every key set in this project's namespace is read, not only the known ones, so a misspelt
    key (`allowedGroup`) stops the program instead of silently leaving its setting at the default.
    """
    # Unknown keys are not read (config.get warns on a secret): their value is never used.
    values: dict[str, str | None] = dict.fromkeys(stack_config_keys(config.name))
    values.update({key: config.get(key) for key in CONFIG_KEYS if key != "aws:region"})
    values["aws:region"] = aws_config.get("region")
    return parse_settings(values)


def stack_config_keys(namespace: str) -> list[str]:
    """The keys set for this stack in `namespace` (without the prefix), whether the program reads them or not.

    `pulumi.Config` only looks keys up. In `pulumi up` the language host hands the program all of
    the stack's config as one JSON object in the PULUMI_CONFIG environment variable; an Automation
    API inline program gets it through `set_all_config` instead. Both are read.
    """
    from pulumi.runtime import config as runtime_config

    prefix = f"{namespace}:"
    keys = {*runtime_config.get_config_env(), *runtime_config.CONFIG.get()}
    return sorted(key.removeprefix(prefix) for key in keys if key.startswith(prefix))


def parse_settings(values: Mapping[str, str | None]) -> Settings:
    """Validate raw config strings (None for unset keys) into `Settings`.

    `values` holds this project's keys unqualified (`allowedGroups`) and `aws:region`; any other
    key in it is refused as unknown. Raises SettingsError listing every problem found.
    """
    problems = unknown_key_problems(values)
    parsed: dict[str, Any] = {}
    for key, (field, parse) in _PARSERS.items():
        raw = values.get(key)
        try:
            parsed[field] = parse(raw)
        except ValueError as error:
            problems.append(f"{_qualified(key)} = {_show(raw)}: {error}")
    parsed["routes"] = _parse_routes(values.get("routes"), parsed, problems)
    problems += _claims_without_their_scope(parsed)
    if problems:
        raise SettingsError(problems)
    return Settings(**parsed)


def unknown_key_problems(keys: Iterable[str]) -> list[str]:
    """A problem for each key this program does not read, naming the closest one it does.

    Never the value: an unknown key may hold a secret.
    """
    by_folded = {key.casefold(): key for key in CONFIG_KEYS}
    problems = []
    for key in keys:
        if key in CONFIG_KEYS:
            continue
        closest = difflib.get_close_matches(key.casefold(), by_folded, n=1, cutoff=0.6)
        hint = (
            f"did you mean {by_folded[closest[0]]}?"
            if closest
            else f"the settings are {', '.join(CONFIG_KEYS)} (docs/settings.md)"
        )
        problems.append(f"{_qualified(key)}: not a setting of this project; {hint}")
    return problems


def _claims_without_their_scope(parsed: Mapping[str, Any]) -> list[str]:
    """Identity headers that would never be set: their claim needs a scope the sign-in does not ask for."""
    if "upstream_headers" not in parsed or "scopes" not in parsed:
        return []
    return [
        f"{PROJECT}:upstreamHeaders: the claim {claim!r} is in Cognito's tokens only with the scope "
        f"{CLAIM_SCOPES[claim]!r}, which scopes lacks: add it to scopes, or drop the header"
        for claim, _ in parsed["upstream_headers"]
        if claim in CLAIM_SCOPES and CLAIM_SCOPES[claim] not in parsed["scopes"]
    ]


def _qualified(key: str) -> str:
    return key if ":" in key else f"{PROJECT}:{key}"


def _show(raw: str | None, limit: int = 100) -> str:
    if raw is None:
        return "(not set)"
    shown = json.dumps(raw)
    return shown if len(shown) <= limit else f'{shown[: limit - 4]}…"'


# --- one parser per key: raw config string (or None) -> typed value, or ValueError ---


def _required(raw: str | None) -> str:
    if raw is None or raw.strip() == "":
        raise ValueError("this setting is required")
    return raw


def parse_aws_region(raw: str | None) -> str:
    region = _required(raw)
    if not _AWS_REGION.fullmatch(region):
        raise ValueError("expected an AWS region code such as 'us-west-2'")
    return region


def parse_data_plane_host(raw: str | None) -> str | None:
    """None when unset: required only as the host of a route that names none (checked with the routes)."""
    if raw is None or raw.strip() == "":
        return None
    return check_host(raw)


def check_host(host: str) -> str:
    expected = "expected the Kong proxy's public host name, optionally with ':port'"
    if "://" in host:
        raise ValueError(f"{expected}, without a scheme (drop '{host.split('://')[0]}://')")
    if any(ch.isspace() for ch in host):
        raise ValueError(f"{expected}; it must not contain spaces")
    if any(ch in host for ch in "/?#@"):
        raise ValueError(f"{expected}; no path, query, fragment or user info")
    bad_port = f"{expected}; the port must be a number from 1 to 65535"
    try:
        parts = urlsplit(f"//{host}")
        port = parts.port
    except ValueError:  # a bad port, or an unbalanced '[' of an IPv6 address
        raise ValueError(bad_port if "[" not in host else f"{expected}; {host!r} is not a valid [IPv6]:port") from None
    # urlsplit reads 'host:' (empty port) as no port at all.
    has_port_separator = ":" in host.rsplit("]", 1)[-1]
    if port == 0 or (has_port_separator and port is None):
        raise ValueError(bad_port)
    hostname = parts.hostname or ""
    if not _is_ip_address(hostname) and not _is_dns_name(hostname):
        raise ValueError(f"{expected}; {hostname!r} is not a valid DNS name")
    return host


def _is_ip_address(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def _is_dns_name(hostname: str) -> bool:
    labels = hostname.split(".")
    return len(hostname) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


def parse_callback_path(raw: str | None) -> str:
    path = DEFAULT_CALLBACK_PATH if raw is None else raw
    if not path.startswith("/"):
        raise ValueError("expected a URL path starting with '/', such as '/bar'")
    if "#" in path or "?" in path:
        raise ValueError("expected a URL path without query ('?') or fragment ('#')")
    if not _URL_PATH.fullmatch(path):
        raise ValueError("expected a URL path of RFC 3986 characters (no spaces)")
    return path


def _kubernetes_name(
    default: str, pattern: re.Pattern[str], max_length: int, expected: str
) -> Callable[[str | None], str]:
    def parse(raw: str | None) -> str:
        name = default if raw is None else raw
        if len(name) > max_length or not pattern.fullmatch(name):
            raise ValueError(f"{expected}, starting and ending with a letter or digit")
        return name

    return parse


_OBJECT_NAME = "expected a Kubernetes object name: at most 253 lower-case letters, digits, dots and '-'"
_NAMESPACE_NAME = "expected a Kubernetes namespace name: at most 63 lower-case letters, digits and '-'"
_MAX_OBJECT_NAME = 253
parse_ingress_name = _kubernetes_name(DEFAULT_INGRESS_NAME, _DNS_SUBDOMAIN, _MAX_OBJECT_NAME, _OBJECT_NAME)
parse_ingress_namespace = _kubernetes_name(DEFAULT_INGRESS_NAMESPACE, _DNS_LABEL, 63, _NAMESPACE_NAME)
parse_plugin_name = _kubernetes_name(DEFAULT_PLUGIN_NAME, _DNS_SUBDOMAIN, _MAX_OBJECT_NAME, _OBJECT_NAME)


def parse_cache_ttl(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_CACHE_TTL
    try:
        ttl = int(raw.strip())
    except ValueError:
        raise ValueError("expected a whole number of seconds greater than 0") from None
    if ttl <= 0:
        raise ValueError("expected a whole number of seconds greater than 0")
    return ttl


def parse_scopes(raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return DEFAULT_SCOPES
    expected = 'expected a JSON list of OAuth scopes including "openid", such as ["openid","email"]'
    try:
        scopes = json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError(expected) from None
    if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
        raise ValueError(expected)
    if "openid" not in scopes:
        raise ValueError(f"{expected}; Kong's OpenID Connect sign-in needs 'openid'")
    unknown = sorted(set(scopes) - COGNITO_RESERVED_SCOPES)
    if unknown:
        raise ValueError(
            f"unsupported scope(s) {unknown}: without a resource server Cognito allows only "
            f"{sorted(COGNITO_RESERVED_SCOPES)}"
        )
    if len(set(scopes)) != len(scopes):
        raise ValueError(f"{expected}; each scope once")
    return tuple(scopes)


def _parse_bool(default: bool) -> Callable[[str | None], bool]:
    def parse(raw: str | None) -> bool:
        if raw is None:
            return default
        if raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true"
        raise ValueError("expected true or false")

    return parse


parse_deletion_protection = _parse_bool(DEFAULT_DELETION_PROTECTION)
parse_self_sign_up = _parse_bool(DEFAULT_SELF_SIGN_UP)


def _json(raw: str, expected: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError(expected) from None


def _schema_problems(value: Any, schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, what) for each way `value` breaks `schema`; `where` is like "[1].namepace" ("" for the whole)."""
    from jsonschema import Draft202012Validator  # only stacks that set a list or map setting pay for it

    problems = []
    for error in sorted(Draft202012Validator(schema).iter_errors(value), key=lambda error: list(error.path)):
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.path)
        if error.validator == "additionalProperties" and "properties" in error.schema:
            known = error.schema["properties"]
            for field in sorted(set(error.instance) - set(known)):
                problems.append((f"{where}.{field}", f"unknown field (expected one of {', '.join(known)})"))
        elif error.validator == "required":
            missing = [field for field in error.validator_value if field not in error.instance]
            problems += [(f"{where}.{field}", "this field is required") for field in missing]
        else:
            # Each schema node describes what it expects; the validator's own wording is for developers.
            problems.append((where, str(error.schema.get("description", error.message))))
    return problems


def parse_allowed_groups(raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    expected = 'expected a JSON list of Cognito group names, such as ["staff"]'
    groups = _json(raw, expected)
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise ValueError(expected)
    problems = []
    for index, group in enumerate(groups):
        if not 1 <= len(group) <= MAX_GROUP_NAME_LENGTH:
            problems.append(f"[{index}] {json.dumps(group)} must be 1 to {MAX_GROUP_NAME_LENGTH} characters")
        elif any(unicodedata.category(char)[0] not in _GROUP_NAME_CATEGORIES for char in group):
            # Kong also reads a space in groups_required as "and".
            problems.append(f"[{index}] {json.dumps(group)} must not contain spaces or control characters")
        elif group in groups[:index]:
            problems.append(f"[{index}] {json.dumps(group)} is listed twice")
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(groups)


def parse_signed_out_url(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    expected = "expected an absolute https:// URL without a fragment ('#'), such as 'https://apps.example.com/'"
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 -- raises on a malformed port
    except ValueError:
        raise ValueError(expected) from None
    if parts.scheme != "https" or not parts.hostname or "#" in raw or any(ch.isspace() for ch in raw):
        raise ValueError(expected)
    return raw


def parse_upstream_headers(raw: str | None) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    expected = 'expected a JSON map from token claim to header name, such as {"sub": "X-User-Id"}'
    headers = _json(raw, expected)
    if not isinstance(headers, dict) or not all(isinstance(header, str) for header in headers.values()):
        raise ValueError(expected)
    problems = []
    seen: dict[str, str] = {}
    for claim, header in headers.items():
        if not claim.strip():
            problems.append("an empty claim name")
        if not _HTTP_TOKEN.fullmatch(header):
            problems.append(f"{json.dumps(header)} is not a valid HTTP header name")
        elif header.lower() in REFUSED_UPSTREAM_HEADERS or header.lower().startswith(REFUSED_UPSTREAM_HEADER_PREFIX):
            problems.append(
                f"{json.dumps(header)} is refused: Host, Cookie, Authorization and X-Forwarded-* are the "
                "browser's or Kong's own, and the upstream must not read a claim there"
            )
        elif header.lower() in FRAMING_HEADERS:
            problems.append(f"{json.dumps(header)} is refused: it frames the request or belongs to the connection")
        elif header.lower() in seen:
            problems.append(f"{json.dumps(header)} is named twice (for {seen[header.lower()]!r} and {claim!r})")
        seen.setdefault(header.lower(), claim)
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(headers.items())


def parse_domain_prefix(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    check_domain_prefix(raw)
    return raw


# Config key -> (Settings field, parser), in the order problems are reported.
_PARSERS: dict[str, tuple[str, Callable[[str | None], object]]] = {
    "aws:region": ("aws_region", parse_aws_region),
    "dataPlaneHost": ("data_plane_host", parse_data_plane_host),
    "callbackPath": ("callback_path", parse_callback_path),
    "ingressName": ("ingress_name", parse_ingress_name),
    "ingressNamespace": ("ingress_namespace", parse_ingress_namespace),
    "pluginName": ("plugin_name", parse_plugin_name),
    "cacheTtl": ("cache_ttl", parse_cache_ttl),
    "scopes": ("scopes", parse_scopes),
    "deletionProtection": ("deletion_protection", parse_deletion_protection),
    "domainPrefix": ("domain_prefix", parse_domain_prefix),
    "selfSignUp": ("self_sign_up", parse_self_sign_up),
    "allowedGroups": ("allowed_groups", parse_allowed_groups),
    "signedOutUrl": ("signed_out_url", parse_signed_out_url),
    "upstreamHeaders": ("upstream_headers", parse_upstream_headers),
}
# Every key the program reads (`routes` is parsed last: its defaults are the keys above).
CONFIG_KEYS: tuple[str, ...] = (*_PARSERS, "routes")

_ROUTES_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "maxItems": MAX_ROUTES,
    "description": (
        f"expected a list of 1 to {MAX_ROUTES} routes (a Cognito app client holds at most {MAX_ROUTES} callback "
        'URLs), such as [{"ingress": "demo", "host": "apps.example.com", "path": "/bar"}]'
    ),
    "items": {
        "type": "object",
        "required": ["ingress"],
        "additionalProperties": False,
        "description": 'expected an object such as {"ingress": "demo", "namespace": "default"}',
        "properties": {field: {"type": "string", "description": "expected a string"} for field in ROUTE_FIELDS},
    },
}
# The settings a route takes its defaults (and its being the original route) from.
_ROUTE_DEFAULTS = {
    "data_plane_host",
    "callback_path",
    "ingress_name",
    "ingress_namespace",
    "plugin_name",
    "signed_out_url",
}
_ROUTE_FIELD_PARSERS: dict[str, Callable[[str], object]] = {
    "ingress": parse_ingress_name,
    "namespace": parse_ingress_namespace,
    "host": check_host,
    "path": parse_callback_path,
    "plugin": parse_plugin_name,
}


def _parse_routes(raw: str | None, defaults: Mapping[str, Any], problems: list[str]) -> tuple[Route, ...]:
    """The routes, with defaults from the other settings; appends to `problems` what is wrong.

    `defaults` holds the settings that parsed: a route that needs a broken one is skipped
    (that key's problem is reported already), while its own fields are still checked.
    """
    key = f"{PROJECT}:routes"
    if raw is None:
        # The stack of before `routes`: one route from the single-Ingress keys.
        if "data_plane_host" in defaults and defaults["data_plane_host"] is None:
            problems.append(f"{PROJECT}:dataPlaneHost = (not set): this setting is required")
            return ()
        entries: list[Any] = [{"ingress": defaults["ingress_name"]}] if "ingress_name" in defaults else []
        malformed: set[int] = set()
    else:
        try:
            entries = _json(raw, str(_ROUTES_SCHEMA["description"]))
        except ValueError as error:
            problems.append(f"{key} = {_show(raw)}: {error}")
            return ()
        structure = _schema_problems(entries, _ROUTES_SCHEMA)
        if any(not where for where, _ in structure):  # not a list, or the wrong length
            problems.extend(f"{key} = {_show(raw)}: {what}" for where, what in structure if not where)
            return ()
        problems.extend(f"{key}{where}: {what}" for where, what in structure)
        # Entries that are not objects of known string fields with an `ingress` are not read further.
        malformed = {int(where[1:].split("]")[0]) for where, _ in structure}

    routes: list[tuple[int, Route]] = []
    for index, entry in enumerate(entries):
        route = None if index in malformed else _route(entry, defaults, f"{key}[{index}]", problems)
        if route is not None:
            routes.append((index, route))
    _check_routes_are_distinct(routes, problems)
    return tuple(route for _, route in routes)


def _route(entry: Mapping[str, str], defaults: Mapping[str, Any], where: str, problems: list[str]) -> Route | None:
    fields: dict[str, Any] = {}
    for field, parse in _ROUTE_FIELD_PARSERS.items():
        if field not in entry:
            continue
        try:
            fields[field] = parse(entry[field])
        except ValueError as error:
            problems.append(f"{where}.{field} = {_show(entry[field])}: {error}")
    if len(fields) < len(entry) or not defaults.keys() >= _ROUTE_DEFAULTS:
        return None  # what is wrong is reported already
    namespace = fields.get("namespace", defaults["ingress_namespace"])
    host = fields.get("host", defaults["data_plane_host"])
    if host is None:
        problems.append(f"{where}.host: not set, and dataPlaneHost, its default, is not set either")
        return None
    original = (namespace, fields["ingress"]) == (defaults["ingress_namespace"], defaults["ingress_name"])
    plugin = fields.get("plugin")
    if plugin is None:
        plugin = naming.default_plugin(defaults["plugin_name"], fields["ingress"], original)
        if len(plugin) > _MAX_OBJECT_NAME:
            problems.append(
                f"{where}.plugin: the default name {defaults['plugin_name']}-<ingress> is longer than "
                f"{_MAX_OBJECT_NAME} characters; set plugin"
            )
            return None
    path = fields.get("path", defaults["callback_path"])
    return Route(
        ingress=fields["ingress"],
        namespace=namespace,
        host=host,
        path=path,
        plugin=plugin,
        original=original,
        signed_out_url=defaults["signed_out_url"] or urls.callback_url(host, path),
    )


def _check_routes_are_distinct(routes: list[tuple[int, Route]], problems: list[str]) -> None:
    """No Ingress, URL, sign-out URL or KongPlugin twice: each would be claimed by two plugins or attachments."""
    key = f"{PROJECT}:routes"
    seen: dict[tuple[str | int, ...], int] = {}
    for index, route in routes:
        identities = {
            ("ingress", route.namespace, route.ingress): f"the Ingress {route.namespace}/{route.ingress}",
            ("url", *urls.comparable(route.url)): f"the URL {route.url}",
            ("sign-out", *urls.comparable(route.sign_out_url)): f"the sign-out URL {route.sign_out_url}",
            ("plugin", route.namespace, route.plugin): f"the KongPlugin {route.namespace}/{route.plugin}",
        }
        for identity, what in identities.items():
            if identity in seen:
                problems.append(f"{key}[{index}]: {what} is already routes[{seen[identity]}]'s")
            seen.setdefault(identity, index)
