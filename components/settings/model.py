"""The validated settings' types: what components are given, and how a problem is written.

Components import these, never the parsers (load.py), which build them. No Pulumi here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar

import yaml

from components import naming, urls
from components.kong.versions import DEFAULT as DEFAULT_KONG_VERSION
from components.kong.versions import KongVersion, parse_kong_version
from components.naming import PROJECT
from components.vocabulary import (
    AnnotationOwner,
    AssetExtension,
    ManagedLogin,
    MfaMode,
    ProviderType,
    RouteKind,
    RouteMode,
    SessionStorage,
    UserPoolTier,
)

CUSTOM_ATTRIBUTE = "idp_groups"
"""The pool's custom attribute (its schema name) for federated users' groups (cognito/federated_groups.py)."""
GROUPS_ATTRIBUTE = f"custom:{CUSTOM_ATTRIBUTE}"


@dataclass(frozen=True)
class IdentityProvider:
    """One company identity provider that Cognito federates (an entry of `identityProviders`)."""

    name: str
    type: ProviderType
    provider_details: tuple[tuple[str, str], ...]
    """Cognito's ProviderDetails without the client secret, e.g. (("MetadataURL", "https://..."),)."""
    attribute_mapping: tuple[tuple[str, str], ...]
    """(pool attribute, provider attribute) pairs; always maps `email`."""
    groups_attribute: str | None
    """The provider's attribute listing the user's groups, or None."""
    identifiers: tuple[str, ...]
    metadata_url: str | None = None
    """SAML with metadataUrl: the URL the doctor checks."""
    issuer: str | None = None
    """OIDC: the issuer whose discovery document the doctor checks."""
    client_secret: str | None = field(default=None, repr=False)
    """OIDC and Google; kept out of repr, and components wrap it with `pulumi.Output.secret`."""


@dataclass(frozen=True)
class ApiClient:
    """A machine client (an entry of `apiClients`): client credentials for `scopes` of the resource server."""

    name: str
    scopes: tuple[str, ...]
    """Short scope names, without the resource server's identifier."""


@dataclass(frozen=True)
class Route:
    """One protected route: Kong guards `url` on a route object (an Ingress or HTTPRoute), Cognito sends the browser
    back there."""

    object_name: str
    """The route object's name (the setting's `ingress` field, whatever the kind)."""
    namespace: str
    host: str
    path: str
    plugin: str
    """The KongPlugin's name (in `namespace`), as listed in the route object's annotation."""
    original: bool
    """The Ingress the stack protected before `routes` existed (ingressNamespace/ingressName):
    its resources keep the names they had then, so upgrading replaces nothing."""
    signed_out_url: str
    """Where Cognito sends the browser after sign-out: signedOutUrl, else the route's own URL."""
    sign_in_with: str | None = None
    """An `identityProviders` name: the route's sign-in skips Cognito's chooser and goes there."""
    mode: RouteMode = "browser"
    """browser: redirect to sign-in; api: bearer tokens only, else 401; both: a bearer token is api."""
    kind: RouteKind = "Ingress"
    """The kind of the route object (components/kubernetes/route_objects.py says where each lives)."""
    required_scopes: tuple[str, ...] = ()
    """api/both: short scope names an access token must carry."""
    annotation_owner: AnnotationOwner = "stack"
    """git: Git lists the plugin on the route object, and the stack never edits it."""

    @property
    def url(self) -> str:
        return urls.callback_url(self.host, self.path)

    @property
    def sign_out_url(self) -> str:
        return urls.sign_out_url(self.url)

    def resource_name(self, base: str) -> str:
        """A Pulumi resource name for this route's attachment, which follows the kind (components/naming.py)."""
        return naming.route_resource(base, self.namespace, self.object_name, self.original, self.kind)

    def plugin_resource_name(self, base: str) -> str:
        """The Pulumi name of this route's KongPlugin: one object whichever kind lists it, so not by kind.

        A new name on a change of kind would make Pulumi create the KongPlugin again beside the old
        resource (refused: the object exists) and then delete it. The settings keep a namespace and
        name to one route, whatever the kind.
        """
        return naming.route_resource(base, self.namespace, self.object_name, self.original)


@dataclass(frozen=True)
class RedisSessions:
    """Where Kong keeps sessions with `sessions.storage: redis` (docs/sessions.md)."""

    host: str
    port: int = 6379
    tls: bool = True
    tls_verify: bool = True
    server_name: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    """Kept out of repr; it reaches Kong only through the stack's Secret."""
    database: int | None = None
    prefix: str | None = None


@dataclass(frozen=True)
class Sessions:
    """The `sessions` setting: cookie (Kong's default, no config written) or redis."""

    storage: SessionStorage = "cookie"
    redis: RedisSessions | None = None


@dataclass(frozen=True)
class SignInDomain:
    """The stack's own sign-in domain (`signInDomain`), served beside the pool's prefix domain."""

    name: str
    certificate_arn: str | None
    """Your ISSUED ACM certificate in us-east-1 for `name`: the stack writes no DNS (you create the record)."""
    hosted_zone_id: str | None
    """A public Route 53 zone: the stack requests and validates the certificate and writes the alias record."""


@dataclass(frozen=True)
class BrandingImage:
    """An image file of `managedLoginBranding`, read when the settings are."""

    path: str
    extension: AssetExtension
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class ManagedLoginBranding:
    """The style of managed login (`managedLoginBranding`): no image is Cognito's own style."""

    logo: BrandingImage | None = None
    background: BrandingImage | None = None


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
    identity_providers: tuple[IdentityProvider, ...] = ()
    local_accounts: bool = True
    """False: only the identity providers appear on the sign-in page."""
    mfa: MfaMode = "off"
    user_pool_tier: UserPoolTier = "LITE"
    api_clients: tuple[ApiClient, ...] = ()
    api_identifier: str | None = None
    """The resource server's identifier; None when there are no api clients."""
    kong_version: str | None = None
    """`kongVersion` as given; None when unset (then the minimum, 3.4)."""
    sessions: Sessions = field(default_factory=Sessions)

    @property
    def kong_release(self) -> KongVersion:
        """The Kong version the plugin config is written for: kongVersion, else the minimum."""
        found = parse_kong_version(self.kong_version or DEFAULT_KONG_VERSION)
        assert found is not None, "the settings checked kongVersion"
        return found

    sign_in_domain: SignInDomain | None = None
    """None: people sign in at the prefix domain only."""
    managed_login: ManagedLogin = "classic"
    managed_login_branding: ManagedLoginBranding | None = None
    """None: Cognito's own style (with managed login)."""


GENERIC_FIX = (
    "Fix them with `pulumi config set <key> <value>` (a list: `pulumi config set --path 'scopes[1]' email`) "
    "and run again."
)


def names_its_fix(problem: str) -> bool:
    """Whether a problem says itself which command fixes it (a plain-text secret names `pulumi config set --secret`)."""
    return "pulumi config " in problem


class SettingsError(Exception):
    """Raised with every problem found (in the program as pulumi_config.StackSettingsError)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        # The generic advice only when some problem has no fix of its own.
        advice = "" if all(names_its_fix(problem) for problem in problems) else f"\n{GENERIC_FIX}"
        super().__init__(
            f"Invalid stack configuration ({len(problems)} problem"
            f"{'' if len(problems) == 1 else 's'}):\n{lines}{advice}"
        )


def providers_with_groups(providers: Sequence[IdentityProvider], allowed_groups: Sequence[str]) -> list[str]:
    """The providers whose groups must reach Kong's gate (through GROUPS_ATTRIBUTE): none without `allowedGroups`."""
    if not allowed_groups:
        return []
    return [provider.name for provider in providers if provider.groups_attribute]


def qualified_key(key: str, project: str = PROJECT) -> str:
    """`allowedGroups` as the stack file spells it: `kong-cognito-oidc:allowedGroups`; `aws:region` stays."""
    return key if ":" in key else f"{project}:{key}"


def show_value(raw: Any, limit: int = 100) -> str:
    """A value for a message, as YAML would write it: a string quoted, a list or map (or its JSON) in flow style.

    A stack file's list reaches the program as JSON (`["staff"]`); shown as the user wrote it, `[staff]`,
    not as an escaped JSON string.
    """
    if raw is None:
        return "(not set)"
    value = raw
    if isinstance(raw, str) and raw.lstrip()[:1] in ("[", "{"):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
    if isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
        return shown if len(shown) <= limit else f'{shown[: limit - 4]}…"'
    flow = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True, width=1_000_000)
    shown = flow.removesuffix("\n...\n").strip()
    return shown if len(shown) <= limit else f"{shown[: limit - 1]}…"


def parse_json(raw: str) -> tuple[Any, bool]:
    """(the value, True), or (None, False) when `raw` is not JSON."""
    try:
        return json.loads(raw), True
    except json.JSONDecodeError:
        return None, False


@dataclass(frozen=True)
class RawSetting:
    """One key as the stack hands it to the program: its name, its text (None: not set), whether it is a secret.

    `key` is unqualified (`allowedGroups`), or `aws:region`.
    """

    key: str
    raw: str | None
    secret: bool = False

    @property
    def qualified(self) -> str:
        return qualified_key(self.key)

    def shown(self) -> str:
        """The value for a message: "(a secret)" when the stack holds it encrypted."""
        return "(a secret)" if self.secret else show_value(self.raw)

    def problem(self, what: str) -> str:
        """`<key> = <value>: <what>`, the form of every problem with a key's value as a whole."""
        return f"{self.qualified} = {self.shown()}: {what}"


Value = TypeVar("Value")
Parsed: TypeAlias = tuple[Value | None, list[str]]
"""What every parser of a setting returns: (the value, []), or (None or what could be read, the problems).

Each problem is a line for the user, naming the key (and the entry and field) it is about."""
