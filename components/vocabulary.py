"""The words the settings, the program, verify.py and the doctor share, defined once (no Pulumi here).

Each is a `Literal` type and the tuple of its values, in the order messages list them; the first is
the default where the setting has one.
"""

from __future__ import annotations

from typing import Literal, get_args

RouteMode = Literal["browser", "api", "both"]
"""browser: redirect to sign-in; api: bearer tokens only, else 401; both: a bearer token is api."""
RouteKind = Literal["Ingress", "HTTPRoute"]
"""The kind of Kubernetes object a route's plugin is listed on (components/kubernetes/route_objects.py)."""
ProviderType = Literal["SAML", "OIDC", "Google"]
"""The kinds of company identity provider Cognito federates (`identityProviders[].type`)."""
MfaMode = Literal["off", "optional", "required"]
UserPoolTier = Literal["LITE", "ESSENTIALS", "PLUS"]
"""Cognito's feature plans (UserPoolTierType); everything the stack uses is in LITE, the cheapest, but managed login."""
AnnotationOwner = Literal["stack", "git"]
"""Who lists a route's plugin in its object's konghq.com/plugins: the stack (it edits the object), or Git."""
SessionStorage = Literal["cookie", "redis"]
"""Where Kong keeps a signed-in session: in the cookie itself (Kong's default), or in Redis (docs/sessions.md)."""
ManagedLogin = Literal["classic", "managed"]
"""Cognito's sign-in pages: the hosted UI (classic, ManagedLoginVersion 1) or managed login (2, not on LITE)."""
AssetExtension = Literal["ICO", "JPEG", "PNG", "SVG", "WEBP"]
"""The image types of a managed login branding style (AssetExtensionType)."""

ROUTE_MODES: tuple[RouteMode, ...] = get_args(RouteMode)
ROUTE_KINDS: tuple[RouteKind, ...] = get_args(RouteKind)
PROVIDER_TYPES: tuple[ProviderType, ...] = get_args(ProviderType)
MFA_MODES: tuple[MfaMode, ...] = get_args(MfaMode)
USER_POOL_TIERS: tuple[UserPoolTier, ...] = get_args(UserPoolTier)
ANNOTATION_OWNERS: tuple[AnnotationOwner, ...] = get_args(AnnotationOwner)
SESSION_STORAGES: tuple[SessionStorage, ...] = get_args(SessionStorage)
MANAGED_LOGIN_MODES: tuple[ManagedLogin, ...] = get_args(ManagedLogin)
ASSET_EXTENSIONS: tuple[AssetExtension, ...] = get_args(AssetExtension)
