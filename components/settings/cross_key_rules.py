"""Rules across keys: what each key accepts alone but the keys together do not.

Each rule reads what parsed (`ParsedSettings`) and returns its problems. They all run, on whatever
parsed, even when some key has a problem of its own: a rule checks only what it can (a rule about
`apiClients` and the routes' modes says nothing when `apiClients` did not parse), so one run
reports every problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from components.kong.versions import REDIS_DATABASE, parse_kong_version
from components.naming import PROJECT
from components.settings.api_clients import MAX_FULL_SCOPE, default_api_identifier
from components.settings.model import GROUPS_ATTRIBUTE, ApiClient, RawSetting, Route, providers_with_groups, show_value
from components.settings.registry import USER_ADMIN_SCOPE
from components.urls import full_scope

# Cognito's ID token carries these claims only when the sign-in asks for their scope.
CLAIM_SCOPES = {"email": "email", "email_verified": "email", "phone_number": "phone", "phone_number_verified": "phone"}


@dataclass(frozen=True)
class ParsedSettings:
    """What the parsers made of the stack's keys."""

    fields: Mapping[str, Any]
    """Settings field -> value, for each key that parsed; a key with a problem is missing."""
    routes: Mapping[int, Route]
    """The routes that parsed, by their position in the `routes` setting (0: the one route without it)."""
    raw: Mapping[str, RawSetting]
    """Each key as it was given, for messages."""


def claims_without_their_scope(parsed: ParsedSettings) -> list[str]:
    """Identity headers that would never be set: their claim needs a scope the sign-in does not ask for."""
    if "upstream_headers" not in parsed.fields or "scopes" not in parsed.fields:
        return []
    return [
        f"{PROJECT}:upstreamHeaders: the claim {claim!r} is in Cognito's tokens only with the scope "
        f"{CLAIM_SCOPES[claim]!r}, which scopes lacks: add it to scopes, or drop the header"
        for claim, _ in parsed.fields["upstream_headers"]
        if claim in CLAIM_SCOPES and CLAIM_SCOPES[claim] not in parsed.fields["scopes"]
    ]


def no_sign_in_left(parsed: ParsedSettings) -> list[str]:
    """Without local accounts and without a provider, the sign-in page would offer nothing."""
    if parsed.fields.get("local_accounts") is False and parsed.fields.get("identity_providers") == ():
        return [
            f"{PROJECT}:localAccounts = false: the sign-in page would offer no way to sign in; "
            "add a provider to identityProviders, or set localAccounts to true"
        ]
    return []


def self_granted_groups(parsed: ParsedSettings) -> list[str]:
    """With the groups mechanism, the user-admin scope would let a user write the groups the trigger trusts.

    The browser client must be allowed to write custom:idp_groups (Cognito writes a federated user's
    mapped attributes through it), and an access token with aws.cognito.signin.user.admin may call
    UpdateUserAttributes with whatever that client may write; the trigger reads the value at the
    next token refresh (components/cognito/federated_groups.py says why no other way is open).
    """
    fields = parsed.fields
    if USER_ADMIN_SCOPE not in fields.get("scopes", ()):
        return []
    if not providers_with_groups(fields.get("identity_providers", ()), fields.get("allowed_groups", ())):
        return []
    return [
        parsed.raw["scopes"].problem(
            f"{USER_ADMIN_SCOPE} lets a signed-in user change their own attributes, {GROUPS_ATTRIBUTE} included, "
            "and so give themselves any group of allowedGroups (a provider with groupsAttribute maps its groups "
            "there); drop it from scopes"
        )
    ]


def api_identifier_problems(parsed: ParsedSettings) -> list[str]:
    """apiIdentifier names the scopes of apiClients: not without them, and short enough for every scope."""
    if "api_clients" not in parsed.fields or "api_identifier" not in parsed.fields:
        return []
    clients: tuple[ApiClient, ...] = parsed.fields["api_clients"]
    identifier: str | None = parsed.fields["api_identifier"]
    if identifier is not None and not clients:
        return [f"{PROJECT}:apiIdentifier: set without apiClients, which it names the scopes of"]
    if not clients or (identifier is None and 0 not in parsed.routes):
        return []  # the default needs the first route
    identifier = identifier or default_api_identifier([parsed.routes[0]])
    longest = max((scope for client in clients for scope in client.scopes), key=len)
    if len(full_scope(identifier, longest)) <= MAX_FULL_SCOPE:
        return []
    return [
        f"{PROJECT}:apiIdentifier = {show_value(identifier)}: with the scope {longest!r}, "
        f"'<apiIdentifier>/<scope>' is longer than Cognito's {MAX_FULL_SCOPE} characters; choose a shorter identifier"
    ]


def route_access_problems(parsed: ParsedSettings) -> list[str]:
    """A route's mode and scopes against apiClients and allowedGroups: every api route callable by some client."""
    if "api_clients" not in parsed.fields:
        return []
    clients: tuple[ApiClient, ...] = parsed.fields["api_clients"]
    allowed_groups: tuple[str, ...] = parsed.fields.get("allowed_groups", ())
    problems = []
    for index, route in parsed.routes.items():
        where = f"{PROJECT}:routes[{index}]"
        if route.mode == "browser":
            if route.required_scopes:
                problems.append(
                    f"{where}.scopes: only bearer tokens carry scopes; set mode to api or both, or drop scopes"
                )
            continue
        if not clients:
            problems.append(f"{where}.mode = {show_value(route.mode)}: no apiClients to call it; add apiClients")
            continue
        held = {scope for client in clients for scope in client.scopes}
        missing = [scope for scope in route.required_scopes if scope not in held]
        if missing:
            problems.append(f"{where}.scopes: no client in apiClients holds {', '.join(map(repr, missing))}")
        elif not any(set(route.required_scopes) <= set(client.scopes) for client in clients):
            problems.append(f"{where}.scopes: no client in apiClients holds them all, so no token would pass")
        if route.mode == "both" and allowed_groups:
            # Kong checks the groups claim on every token; machine tokens carry no cognito:groups.
            problems.append(
                f'{where}.mode = "both": with allowedGroups, Kong would refuse every machine token (they carry '
                "no cognito:groups); give the machines a route of mode api, or drop allowedGroups"
            )
    return problems


def sessions_for_the_kong_version(parsed: ParsedSettings) -> list[str]:
    """Redis sessions need kongVersion (the plugin's Redis fields moved in 3.8), and a database Kong honours."""
    sessions = parsed.fields.get("sessions")
    if sessions is None or sessions.redis is None or "kong_version" not in parsed.fields:
        return []
    version = parsed.fields["kong_version"]
    if version is None:
        return [
            f"{PROJECT}:sessions: storage redis needs kongVersion, the Kong Gateway version the stack writes the "
            "plugin's Redis fields for (they moved in 3.8): `pulumi config set kongVersion <version>`, such as "
            "3.10.0.7 (`make doctor` reads the version your Kong runs)"
        ]
    release = parse_kong_version(version)
    if sessions.redis.database is not None and release is not None and release < REDIS_DATABASE:
        return [
            f"{PROJECT}:sessions.redis.database: Kong Gateway before 3.9.0.0 has no Redis database for sessions or "
            f"ignores it (kongVersion {version}); drop database, or use a prefix to keep stacks apart"
        ]
    return []


def managed_login_problems(parsed: ParsedSettings) -> list[str]:
    """Managed login is not part of the LITE feature plan, and branding styles managed login only."""
    fields = parsed.fields
    managed = fields.get("managed_login") == "managed"
    branded = fields.get("managed_login_branding") is not None
    problems = []
    if branded and fields.get("managed_login") == "classic":
        problems.append(
            parsed.raw["managedLoginBranding"].problem(
                "styles managed login only, and managedLogin is classic; set managedLogin to managed, "
                "or remove managedLoginBranding"
            )
        )
    if fields.get("user_pool_tier") == "LITE":
        for key, used in (("managedLogin", managed), ("managedLoginBranding", branded)):
            if used:
                problems.append(
                    parsed.raw[key].problem(
                        'managed login is not part of the LITE feature plan (userPoolTier = "LITE"): set '
                        "userPoolTier to ESSENTIALS or PLUS (an in-place update of the pool), or managedLogin "
                        "to classic"
                    )
                )
    return problems


CROSS_KEY_RULES: tuple[Callable[[ParsedSettings], list[str]], ...] = (
    claims_without_their_scope,
    no_sign_in_left,
    self_granted_groups,
    api_identifier_problems,
    route_access_problems,
    sessions_for_the_kong_version,
    managed_login_problems,
)
"""Every rule across keys, in the order their problems are reported."""
