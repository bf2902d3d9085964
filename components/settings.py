"""The stack's settings: read once from Pulumi config, validated, frozen.

Everything after `load_settings` trusts the `Settings` it returns. Validation
collects every problem before failing, so a user fixes their config in one go,
and it runs before any resource is declared, so bad input never leaves a
half-created stack behind.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import pulumi

PROJECT = "kong-cognito-oidc"

DEFAULT_CALLBACK_PATH = "/bar"
DEFAULT_INGRESS_NAME = "demo"
DEFAULT_INGRESS_NAMESPACE = "default"
DEFAULT_PLUGIN_NAME = "oidc"
DEFAULT_CACHE_TTL = 10
DEFAULT_SCOPES: tuple[str, ...] = ("openid", "email", "profile")
DEFAULT_DELETION_PROTECTION = False

# Scopes a Cognito app client may request without a resource server of its own.
COGNITO_RESERVED_SCOPES = frozenset({"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"})
# Cognito refuses prefix domains that contain these words.
DOMAIN_PREFIX_FORBIDDEN_WORDS = ("aws", "amazon", "cognito")

_DOMAIN_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
# RFC 3986 path characters; '?' and '#' would start a query or fragment.
_URL_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")
_AWS_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")


@dataclass(frozen=True)
class Settings:
    """Validated settings of one stack."""

    aws_region: str
    data_plane_host: str
    callback_path: str
    ingress_name: str
    ingress_namespace: str
    plugin_name: str
    cache_ttl: int
    scopes: tuple[str, ...]
    deletion_protection: bool
    domain_prefix: str | None
    """None means: derive a stable, unique prefix for this stack."""


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


def load_settings(config: pulumi.Config, aws_config: pulumi.Config) -> Settings:
    """Read this project's config and `aws:region` and validate them."""
    values = {key: config.get(key) for key in _PARSERS}
    values["aws:region"] = aws_config.get("region")
    return parse_settings(values)


def parse_settings(values: Mapping[str, str | None]) -> Settings:
    """Validate raw config strings (None for unset keys) into `Settings`.

    Raises SettingsError listing every problem found.
    """
    problems: list[str] = []
    parsed: dict[str, object] = {}
    for key, (field, parse) in _PARSERS.items():
        raw = values.get(key)
        try:
            parsed[field] = parse(raw)
        except ValueError as error:
            problems.append(f"{_qualified(key)} = {_show(raw)}: {error}")
    if problems:
        raise SettingsError(problems)
    return Settings(**parsed)  # type: ignore[arg-type]


def _qualified(key: str) -> str:
    return key if ":" in key else f"{PROJECT}:{key}"


def _show(raw: str | None) -> str:
    return "(not set)" if raw is None else json.dumps(raw)


# --- one parser per key: raw config string (or None) -> typed value, or ValueError ---


def _required(raw: str | None) -> str:
    if raw is None or raw.strip() == "":
        raise ValueError("this setting is required")
    return raw


def parse_aws_region(raw: str | None) -> str:
    region = _required(raw)
    if not _AWS_REGION.match(region):
        raise ValueError("expected an AWS region code such as 'us-west-2'")
    return region


def parse_data_plane_host(raw: str | None) -> str:
    host = _required(raw)
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
    return len(hostname) <= 253 and all(_HOST_LABEL.match(label) for label in labels)


def parse_callback_path(raw: str | None) -> str:
    path = DEFAULT_CALLBACK_PATH if raw is None else raw
    if not path.startswith("/"):
        raise ValueError("expected a URL path starting with '/', such as '/bar'")
    if "#" in path or "?" in path:
        raise ValueError("expected a URL path without query ('?') or fragment ('#')")
    if not _URL_PATH.match(path):
        raise ValueError("expected a URL path of RFC 3986 characters (no spaces)")
    return path


def _kubernetes_name(
    default: str, pattern: re.Pattern[str], max_length: int, expected: str
) -> Callable[[str | None], str]:
    def parse(raw: str | None) -> str:
        name = default if raw is None else raw
        if len(name) > max_length or not pattern.match(name):
            raise ValueError(f"{expected}, starting and ending with a letter or digit")
        return name

    return parse


_OBJECT_NAME = "expected a Kubernetes object name: at most 253 lower-case letters, digits, dots and '-'"
_NAMESPACE_NAME = "expected a Kubernetes namespace name: at most 63 lower-case letters, digits and '-'"
parse_ingress_name = _kubernetes_name(DEFAULT_INGRESS_NAME, _DNS_SUBDOMAIN, 253, _OBJECT_NAME)
parse_ingress_namespace = _kubernetes_name(DEFAULT_INGRESS_NAMESPACE, _DNS_LABEL, 63, _NAMESPACE_NAME)
parse_plugin_name = _kubernetes_name(DEFAULT_PLUGIN_NAME, _DNS_SUBDOMAIN, 253, _OBJECT_NAME)


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


def parse_deletion_protection(raw: str | None) -> bool:
    if raw is None:
        return DEFAULT_DELETION_PROTECTION
    if raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise ValueError("expected true or false")


def parse_domain_prefix(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    check_domain_prefix(raw)
    return raw


def check_domain_prefix(prefix: str) -> None:
    """Raise ValueError unless Cognito accepts `prefix` as a hosted-UI domain prefix."""
    if not _DOMAIN_PREFIX.match(prefix):
        raise ValueError(
            "expected a Cognito domain prefix: 1 to 63 lower-case letters, digits and '-', "
            "not starting or ending with '-'"
        )
    forbidden = [word for word in DOMAIN_PREFIX_FORBIDDEN_WORDS if word in prefix]
    if forbidden:
        raise ValueError(f"Cognito domain prefixes must not contain {' or '.join(map(repr, forbidden))}")


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
}


def derived_domain_prefix(stack_name: str, suffix: str) -> str:
    """A Cognito domain prefix for a stack: 'kong-oidc-<stack>-<suffix>'.

    The suffix is hex (it cannot spell a forbidden word); the stack part is reduced to
    Cognito's alphabet, cleared of forbidden words and shortened so the whole fits.
    """
    stack_part = re.sub(r"[^a-z0-9]+", "-", stack_name.lower())
    while any(word in stack_part for word in DOMAIN_PREFIX_FORBIDDEN_WORDS):
        for word in DOMAIN_PREFIX_FORBIDDEN_WORDS:
            stack_part = stack_part.replace(word, "-")
    head = "kong-oidc"
    room = 63 - len(head) - len(suffix) - 2
    stack_part = re.sub(r"-+", "-", stack_part)[:room].strip("-")
    prefix = "-".join(part for part in (head, stack_part, suffix) if part)
    check_domain_prefix(prefix)
    return prefix
