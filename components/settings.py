"""The stack's settings: read once from Pulumi config, validated, frozen.

Everything after `load_settings` trusts the `Settings` it returns. Validation
collects every problem before failing, so a user fixes their config in one go,
and it runs before any resource is declared, so bad input never leaves a
half-created stack behind.

This module holds the registry of keys and a parser per key. The types it builds are in
settings_model.py, the `routes` setting in routes_setting.py, and the rules several keys
share (hosts, paths, Kubernetes names) in field_rules.py.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pulumi

from components import config_keys, field_rules
from components.api_clients_setting import api_problems, default_api_identifier, parse_api_clients, parse_api_identifier
from components.field_rules import check_domain_prefix, check_host
from components.identity_providers_setting import parse_identity_providers
from components.naming import PROJECT
from components.routes_setting import parse_routes
from components.settings_model import (
    GROUPS_ATTRIBUTE,
    Settings,
    SettingsError,
    json_value,
    providers_with_groups,
    qualified_key,
    show_value,
)

DEFAULT_CALLBACK_PATH = "/bar"
DEFAULT_INGRESS_NAME = "demo"
DEFAULT_INGRESS_NAMESPACE = "default"
DEFAULT_PLUGIN_NAME = "oidc"
DEFAULT_CACHE_TTL = 10
DEFAULT_SCOPES: tuple[str, ...] = ("openid", "email", "profile")
DEFAULT_DELETION_PROTECTION = False
DEFAULT_SELF_SIGN_UP = True
DEFAULT_LOCAL_ACCOUNTS = True
MFA_MODES = ("off", "optional", "required")
# Cognito's feature plans (UserPoolTierType). Everything the stack uses is in LITE, the cheapest:
# the classic hosted UI, groups, SAML/OIDC federation, TOTP MFA and V1_0 pre-token-generation
# triggers; Essentials adds managed login, email MFA, password history and access-token
# customization, Plus threat protection (docs/identity-providers.md cites AWS's pages).
USER_POOL_TIERS = ("LITE", "ESSENTIALS", "PLUS")

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

# Scopes a Cognito app client may request without a resource server of its own.
USER_ADMIN_SCOPE = "aws.cognito.signin.user.admin"
"""Lets an access token call Cognito's user API for its own user (GetUser, UpdateUserAttributes, ...)."""
COGNITO_RESERVED_SCOPES = frozenset({"openid", "email", "phone", "profile", USER_ADMIN_SCOPE})


def config_string(value: Any) -> str:
    """A stack file's YAML value as the Pulumi CLI hands it to the program (lists and maps as JSON)."""
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if value is None:
        return ""  # `key:` with no value: the CLI hands over an empty string (and warns)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def load_settings(config: pulumi.Config, aws_config: pulumi.Config) -> Settings:
    """Read this project's config and `aws:region` and validate them.

    Every key set for the stack is read, not only the known ones, so a misspelt key (`allowedGroup`)
    or namespace (`kong-congito-oidc:`) stops the program instead of silently leaving its setting
    at the default.
    """
    # Unknown keys are not read (config.get warns on a secret): their value is never used.
    own, others = config_keys.by_namespace(config_keys.stack_keys(), config.name)
    values: dict[str, str | None] = dict.fromkeys(own)
    values.update({key: config.get(key) for key in CONFIG_KEYS if key != "aws:region"})
    values["aws:region"] = aws_config.get("region")
    secret_keys = config_keys.stack_secret_keys(config.name, CONFIG_KEYS)
    return parse_settings(values, secret_keys, other_keys=others)


def parse_settings(
    values: Mapping[str, str | None],
    secret_keys: Collection[str] = (),
    project_dir: Path | None = None,
    other_keys: Iterable[str] = (),
) -> Settings:
    """Validate raw config strings (None for unset keys) into `Settings`.

    `values` holds this project's keys unqualified (`allowedGroups`) and `aws:region`; any other
    key in it is refused as unknown. `secret_keys` names those of them the stack holds encrypted;
    files named by settings (a SAML metadata file) are read relative to `project_dir` (the
    working directory, where Pulumi runs the program, if None). `other_keys` are the stack's keys of
    other namespaces, fully qualified: near misses of this project's are refused (components/config_keys.py).
    Raises SettingsError listing every problem found.
    """
    problems = config_keys.unknown_key_problems(values, CONFIG_KEYS)
    problems += config_keys.namespace_problems(other_keys, SETTING_NAMES)
    parsed: dict[str, Any] = {}
    for key, (field, parse) in _PARSERS.items():
        raw = values.get(key)
        try:
            parsed[field] = parse(raw)
        except ValueError as error:
            shown = "(a secret)" if key in secret_keys else show_value(raw)
            problems.append(f"{qualified_key(key)} = {shown}: {error}")
    providers = parse_identity_providers(
        values.get("identityProviders"), "identityProviders" in secret_keys, project_dir or Path.cwd(), problems
    )
    if providers is not None:
        parsed["identity_providers"] = providers
    parsed["routes"] = parse_routes(values.get("routes"), parsed, problems)
    problems += _claims_without_their_scope(parsed)
    problems += _no_sign_in_left(parsed)
    problems += _self_granted_groups(parsed, values.get("scopes"))
    if not problems:
        problems += api_problems(parsed)
    if problems:
        raise SettingsError(problems)
    if parsed["api_clients"] and parsed["api_identifier"] is None:
        parsed["api_identifier"] = default_api_identifier(parsed["routes"])
    return Settings(**parsed)


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


def _no_sign_in_left(parsed: Mapping[str, Any]) -> list[str]:
    """Without local accounts and without a provider, the sign-in page would offer nothing."""
    if parsed.get("local_accounts") is False and parsed.get("identity_providers") == ():
        return [
            f"{PROJECT}:localAccounts = false: the sign-in page would offer no way to sign in; "
            "add a provider to identityProviders, or set localAccounts to true"
        ]
    return []


def _self_granted_groups(parsed: Mapping[str, Any], raw_scopes: str | None) -> list[str]:
    """With the groups mechanism, the user-admin scope would let a user write the groups the trigger trusts.

    The browser client must be allowed to write custom:idp_groups (Cognito writes a federated user's
    mapped attributes through it), and an access token with aws.cognito.signin.user.admin may call
    UpdateUserAttributes with whatever that client may write; the trigger reads the value at the
    next token refresh (components/federated_groups.py says why no other way is open).
    """
    if USER_ADMIN_SCOPE not in parsed.get("scopes", ()):
        return []
    if not providers_with_groups(parsed.get("identity_providers", ()), parsed.get("allowed_groups", ())):
        return []
    return [
        f"{qualified_key('scopes')} = {show_value(raw_scopes)}: {USER_ADMIN_SCOPE} lets a signed-in user change "
        f"their own attributes, {GROUPS_ATTRIBUTE} included, and so give themselves any group of allowedGroups "
        "(a provider with groupsAttribute maps its groups there); drop it from scopes"
    ]


# --- one parser per key: raw config string (or None) -> typed value, or ValueError ---


def _required(raw: str | None) -> str:
    if raw is None or raw.strip() == "":
        raise ValueError("this setting is required")
    return raw


def parse_aws_region(raw: str | None) -> str:
    return field_rules.check_aws_region(_required(raw))


def parse_data_plane_host(raw: str | None) -> str | None:
    """None when unset: required only as the host of a route that names none (checked with the routes)."""
    if raw is None or raw.strip() == "":
        return None
    return check_host(raw)


def parse_callback_path(raw: str | None) -> str:
    return field_rules.check_url_path(DEFAULT_CALLBACK_PATH if raw is None else raw)


def _kubernetes_name(default: str, check: Callable[[str], str]) -> Callable[[str | None], str]:
    def parse(raw: str | None) -> str:
        return check(default if raw is None else raw)

    return parse


parse_ingress_name = _kubernetes_name(DEFAULT_INGRESS_NAME, field_rules.check_object_name)
parse_ingress_namespace = _kubernetes_name(DEFAULT_INGRESS_NAMESPACE, field_rules.check_namespace_name)
parse_plugin_name = _kubernetes_name(DEFAULT_PLUGIN_NAME, field_rules.check_object_name)


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
parse_local_accounts = _parse_bool(DEFAULT_LOCAL_ACCOUNTS)


def _parse_choice(choices: tuple[str, ...]) -> Callable[[str | None], str]:
    """One of `choices`, in any case, spelt as listed; the first when unset."""

    def parse(raw: str | None) -> str:
        if raw is None:
            return choices[0]
        by_folded = {choice.casefold(): choice for choice in choices}
        if raw.strip().casefold() not in by_folded:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return by_folded[raw.strip().casefold()]

    return parse


parse_mfa = _parse_choice(MFA_MODES)
parse_user_pool_tier = _parse_choice(USER_POOL_TIERS)


def parse_allowed_groups(raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    expected = 'expected a JSON list of Cognito group names, such as ["staff"]'
    groups = json_value(raw, expected)
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
    headers = json_value(raw, expected)
    if not isinstance(headers, dict) or not all(isinstance(header, str) for header in headers.values()):
        raise ValueError(expected)
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
    "localAccounts": ("local_accounts", parse_local_accounts),
    "mfa": ("mfa", parse_mfa),
    "userPoolTier": ("user_pool_tier", parse_user_pool_tier),
    "apiClients": ("api_clients", parse_api_clients),
    "apiIdentifier": ("api_identifier", parse_api_identifier),
}
# Every key the program reads (`routes` is parsed last: its defaults are the keys above; it
# is checked against `identityProviders`, whose values are never shown: it may be a secret).
CONFIG_KEYS: tuple[str, ...] = (*_PARSERS, "identityProviders", "routes")
SETTING_NAMES = tuple(key for key in CONFIG_KEYS if ":" not in key)
"""This project's own keys, unqualified: CONFIG_KEYS without the provider's `aws:region`."""
