"""Every key the program reads, with its Settings field and its parser; the parsers of the plain keys.

A parser turns a key's raw value (`RawSetting`) into `(value, problems)` (settings/model.py's
`Parsed`), never raising: load.py runs every parser and then every cross-key rule, and reports all
that they found at once. The structured keys have modules of their own (routes.py,
identity_providers.py, api_clients.py); the rules several keys share are in field_rules.py.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from components.kong.versions import kong_version_problem
from components.settings import field_rules
from components.settings.api_clients import parse_api_clients, parse_api_identifier
from components.settings.model import Parsed, RawSetting, parse_json
from components.settings.sessions import parse_sessions
from components.settings.sign_in_domain import parse_sign_in_domain
from components.vocabulary import MANAGED_LOGIN_MODES, MFA_MODES, USER_POOL_TIERS

DEFAULT_CALLBACK_PATH = "/bar"
DEFAULT_INGRESS_NAME = "demo"
DEFAULT_INGRESS_NAMESPACE = "default"
DEFAULT_PLUGIN_NAME = "oidc"
DEFAULT_CACHE_TTL = 10
DEFAULT_SCOPES: tuple[str, ...] = ("openid", "email", "profile")
DEFAULT_DELETION_PROTECTION = False
DEFAULT_SELF_SIGN_UP = True
DEFAULT_LOCAL_ACCOUNTS = True

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

# Scopes a Cognito app client may request without a resource server of its own.
USER_ADMIN_SCOPE = "aws.cognito.signin.user.admin"
"""Lets an access token call Cognito's user API for its own user (GetUser, UpdateUserAttributes, ...)."""
COGNITO_RESERVED_SCOPES = frozenset({"openid", "email", "phone", "profile", USER_ADMIN_SCOPE})

# --- one parser per plain key: RawSetting -> (value, problems) ---


def _checked(setting: RawSetting, value: Any, problem: str | None) -> Parsed[Any]:
    """`value`, or the problem a rule found with it, naming the key."""
    return (None, [setting.problem(problem)]) if problem else (value, [])


def parse_aws_region(setting: RawSetting) -> Parsed[str]:
    if setting.raw is None or setting.raw.strip() == "":
        return None, [setting.problem("this setting is required")]
    return _checked(setting, setting.raw, field_rules.aws_region_problem(setting.raw))


def parse_data_plane_host(setting: RawSetting) -> Parsed[str]:
    """None when unset: required only as the host of a route that names none (checked with the routes)."""
    if setting.raw is None or setting.raw.strip() == "":
        return None, []
    return _checked(setting, setting.raw, field_rules.host_problem(setting.raw))


def _with_default(default: str, rule: Callable[[str], str | None]) -> Callable[[RawSetting], Parsed[str]]:
    """A parser of a string key: `default` when unset, else the value if `rule` finds nothing wrong."""

    def parse(setting: RawSetting) -> Parsed[str]:
        value = default if setting.raw is None else setting.raw
        return _checked(setting, value, rule(value))

    return parse


parse_callback_path = _with_default(DEFAULT_CALLBACK_PATH, field_rules.url_path_problem)
parse_ingress_name = _with_default(DEFAULT_INGRESS_NAME, field_rules.object_name_problem)
parse_ingress_namespace = _with_default(DEFAULT_INGRESS_NAMESPACE, field_rules.namespace_name_problem)
parse_plugin_name = _with_default(DEFAULT_PLUGIN_NAME, field_rules.object_name_problem)


def parse_cache_ttl(setting: RawSetting) -> Parsed[int]:
    if setting.raw is None:
        return DEFAULT_CACHE_TTL, []
    expected = "expected a whole number of seconds greater than 0"
    try:
        ttl = int(setting.raw.strip())
    except ValueError:
        return None, [setting.problem(expected)]
    return _checked(setting, ttl, None if ttl > 0 else expected)


def parse_scopes(setting: RawSetting) -> Parsed[tuple[str, ...]]:
    if setting.raw is None:
        return DEFAULT_SCOPES, []
    problem = _scopes_problem(setting.raw)
    return (None, [setting.problem(problem)]) if problem else (tuple(json.loads(setting.raw)), [])


def _scopes_problem(raw: str) -> str | None:
    expected = 'expected a JSON list of OAuth scopes including "openid", such as ["openid","email"]'
    scopes, is_json = parse_json(raw)
    if not is_json or not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
        return expected
    if "openid" not in scopes:
        return f"{expected}; Kong's OpenID Connect sign-in needs 'openid'"
    unknown = sorted(set(scopes) - COGNITO_RESERVED_SCOPES)
    if unknown:
        return (
            f"unsupported scope(s) {unknown}: without a resource server Cognito allows only "
            f"{sorted(COGNITO_RESERVED_SCOPES)}"
        )
    if len(set(scopes)) != len(scopes):
        return f"{expected}; each scope once"
    return None


def _boolean(default: bool) -> Callable[[RawSetting], Parsed[bool]]:
    def parse(setting: RawSetting) -> Parsed[bool]:
        if setting.raw is None:
            return default, []
        value = setting.raw.strip().lower()
        return _checked(setting, value == "true", None if value in ("true", "false") else "expected true or false")

    return parse


parse_deletion_protection = _boolean(DEFAULT_DELETION_PROTECTION)
parse_self_sign_up = _boolean(DEFAULT_SELF_SIGN_UP)
parse_local_accounts = _boolean(DEFAULT_LOCAL_ACCOUNTS)


def _one_of(choices: tuple[str, ...]) -> Callable[[RawSetting], Parsed[str]]:
    """One of `choices`, in any case, spelt as listed; the first when unset."""

    def parse(setting: RawSetting) -> Parsed[str]:
        if setting.raw is None:
            return choices[0], []
        by_folded = {choice.casefold(): choice for choice in choices}
        value = by_folded.get(setting.raw.strip().casefold())
        return _checked(setting, value, None if value else f"expected one of {', '.join(choices)}")

    return parse


parse_mfa = _one_of(MFA_MODES)
parse_user_pool_tier = _one_of(USER_POOL_TIERS)
parse_managed_login = _one_of(MANAGED_LOGIN_MODES)


def parse_allowed_groups(setting: RawSetting) -> Parsed[tuple[str, ...]]:
    if setting.raw is None:
        return (), []
    expected = 'expected a JSON list of Cognito group names, such as ["staff"]'
    groups, _ = parse_json(setting.raw)
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        return None, [setting.problem(expected)]
    problems = []
    for index, group in enumerate(groups):
        if not 1 <= len(group) <= MAX_GROUP_NAME_LENGTH:
            problems.append(f"[{index}] {json.dumps(group)} must be 1 to {MAX_GROUP_NAME_LENGTH} characters")
        elif any(unicodedata.category(char)[0] not in _GROUP_NAME_CATEGORIES for char in group):
            # Kong also reads a space in groups_required as "and".
            problems.append(f"[{index}] {json.dumps(group)} must not contain spaces or control characters")
        elif group in groups[:index]:
            problems.append(f"[{index}] {json.dumps(group)} is listed twice")
    return _checked(setting, tuple(groups), "; ".join(problems))


def parse_signed_out_url(setting: RawSetting) -> Parsed[str]:
    raw = setting.raw
    if raw is None or raw == "":
        return None, []
    expected = "expected an absolute https:// URL without a fragment ('#'), such as 'https://apps.example.com/'"
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 -- raises on a malformed port
    except ValueError:
        return None, [setting.problem(expected)]
    bad = parts.scheme != "https" or not parts.hostname or "#" in raw or any(ch.isspace() for ch in raw)
    return _checked(setting, raw, expected if bad else None)


def parse_upstream_headers(setting: RawSetting) -> Parsed[tuple[tuple[str, str], ...]]:
    if setting.raw is None:
        return (), []
    expected = 'expected a JSON map from token claim to header name, such as {"sub": "X-User-Id"}'
    headers, _ = parse_json(setting.raw)
    if not isinstance(headers, dict) or not all(isinstance(header, str) for header in headers.values()):
        return None, [setting.problem(expected)]
    problems = []
    seen: dict[str, str] = {}
    for claim, header in headers.items():
        if not claim.strip():
            problems.append("an empty claim name")
        if not field_rules.is_http_token(header):
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
    return _checked(setting, tuple(headers.items()), "; ".join(problems))


def parse_domain_prefix(setting: RawSetting) -> Parsed[str]:
    if setting.raw is None or setting.raw == "":
        return None, []
    return _checked(setting, setting.raw, field_rules.domain_prefix_problem(setting.raw))


def parse_kong_version(setting: RawSetting) -> Parsed[str]:
    """None when unset (Pulumi.yaml's default is ""): the plugin config is then written for Kong 3.4."""
    if setting.raw is None or setting.raw.strip() == "":
        return None, []
    return _checked(setting, setting.raw.strip(), kong_version_problem(setting.raw))


Parser = Callable[[RawSetting], Parsed[Any]]
PLAIN_KEYS: dict[str, tuple[str, Parser]] = {
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
    "localAccounts": ("local_accounts", parse_local_accounts),
    "mfa": ("mfa", parse_mfa),
    "userPoolTier": ("user_pool_tier", parse_user_pool_tier),
    "apiClients": ("api_clients", parse_api_clients),
    "apiIdentifier": ("api_identifier", parse_api_identifier),
    "kongVersion": ("kong_version", parse_kong_version),
    "sessions": ("sessions", parse_sessions),
    "signInDomain": ("sign_in_domain", parse_sign_in_domain),
    "managedLogin": ("managed_login", parse_managed_login),
}
"""Key -> (Settings field, parser), in the order problems are reported."""
# Every key the program reads: `identityProviders`, `managedLoginBranding` (they read files of the
# project) and `routes` are parsed after the plain keys (load.py), `routes` last, since its defaults
# are the keys above and it names identity providers.
CONFIG_KEYS: tuple[str, ...] = (*PLAIN_KEYS, "identityProviders", "managedLoginBranding", "routes")
SETTING_NAMES = tuple(key for key in CONFIG_KEYS if ":" not in key)
"""This project's own keys, unqualified: CONFIG_KEYS without the provider's `aws:region`."""
