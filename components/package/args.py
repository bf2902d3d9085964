"""The component's inputs and the types of its outputs, as its schema shows them to every language.

The SDK's ComponentProvider infers the schema from these annotations and takes each field's
docstring as its description (tests/unit/package/test_schema.py: none without one). Inputs are the
stack's settings (docs/settings.md), spelt as the stack file spells them (camelCase), so the same
settings code validates them as it does a stack's (inputs.py). Only values a consumer's program gets
from other resources may be `pulumi.Input`s: a route's Ingress name, namespace and host, an identity
provider's client secret, and the kubeconfig. Everything else is plain (lists and objects too): it
decides which resources the component declares, and what they are called, before anything exists.

No `from __future__ import annotations` here: the SDK reads these annotations as types at run time.
"""

from typing import Required, TypedDict

import pulumi


class Route(TypedDict, total=False):
    """One route to protect: an existing Ingress (or HTTPRoute) that gets a KongPlugin and lists it in its
    konghq.com/plugins annotation (docs/settings.md, "Many apps from one stack")."""

    ingress: Required[pulumi.Input[str]]
    """The name of the existing Ingress (or, with kind HTTPRoute, HTTPRoute) to protect. May be another resource's
    output; then give the route a name."""
    namespace: pulumi.Input[str]
    """Its namespace, where its KongPlugin and Secret go too. Default: ingressNamespace. May be another resource's
    output; then give the route a name."""
    host: pulumi.Input[str]
    """The public host the route is reached on (no scheme, no path, optional :port). Default: dataPlaneHost. May be
    another resource's output."""
    path: str
    """The path on that host that Kong protects and that receives the sign-in callback. Default: callbackPath."""
    plugin: str
    """The name of the route's KongPlugin. Default: pluginName for the route on ingressNamespace/ingressName,
    else <pluginName>-<ingress>."""
    mode: str
    """browser (default): the sign-in redirect; api: bearer tokens of apiClients only, else 401; both: either."""
    kind: str
    """The kind of the object named by ingress: Ingress (default) or HTTPRoute (gateway.networking.k8s.io/v1)."""
    scopes: list[str]
    """api and both routes: scopes of apiClients that a token must all carry."""
    signInWith: str
    """The name of one of identityProviders: the route's sign-in goes straight to that provider."""
    annotationOwner: str
    """Who lists the plugin in the object's konghq.com/plugins: stack (default), the component edits the object; git,
    Git does (the object is left alone, and the routes output says what to list)."""
    name: str
    """A short name for the route, unique in this component (lower-case letters, digits and '-'): the names of its
    resources end with it. Without it they end with <namespace>.<ingress>, which must then be plain strings:
    required when ingress or namespace is another resource's output. Changing it replaces the route's KongPlugin
    and its annotation entry."""


class IdentityProvider(TypedDict, total=False):
    """A company identity provider Cognito federates (docs/settings.md, "Company identity providers")."""

    name: Required[str]
    """The name on the sign-in page and in signInWith (Cognito's rules: 3 to 32 characters, no spaces)."""
    type: Required[str]
    """SAML, OIDC or Google."""
    metadataUrl: str
    """SAML: the provider's SAML 2.0 metadata URL (https://)."""
    metadataFile: str
    """SAML, instead of metadataUrl: a metadata file, relative to the program's folder, read at preview."""
    issuer: str
    """OIDC: the issuer URL (https://), whose /.well-known/openid-configuration Cognito reads."""
    clientId: str
    """OIDC and Google: the client id the provider gave this user pool."""
    clientSecret: pulumi.Input[str]
    """OIDC and Google: its secret. Pass it as a secret (in plain text it is refused); it may be another resource's
    output."""
    scopes: list[str]
    """OIDC: the scopes Cognito asks the provider for; must include openid. Default: openid, email, profile."""
    attributesRequestMethod: str
    """OIDC: GET (default) or POST, how Cognito calls the provider's userinfo endpoint."""
    attributes: dict[str, str]
    """Map from the pool's attribute to the provider's; must map email. Required for SAML; default for OIDC and
    Google: {email: email}."""
    groupsAttribute: str
    """The provider's attribute that lists the user's groups, for allowedGroups."""
    identifiers: list[str]
    """Up to 50 email domains or ids that send a user to this provider from the sign-in page."""


class ApiClient(TypedDict):
    """A machine client: client credentials for scopes of the pool's resource server (docs/apis.md)."""

    name: str
    """The app client's name, unique among apiClients."""
    scopes: list[str]
    """Short scope names (without the resource server's identifier) the client may ask for; at least one."""


class RedisSessions(TypedDict, total=False):
    """The Redis server Kong keeps sessions in (docs/sessions.md)."""

    host: Required[str]
    """Its host name, as Kong's data plane resolves it (a Service's DNS name, or an external endpoint)."""
    port: int
    """Its port. Default: 6379."""
    tls: bool
    """Whether Kong connects with TLS. Default: true."""
    tlsVerify: bool
    """Whether Kong verifies the server's certificate. Default: tls."""
    serverName: str
    """The TLS server name (SNI) Kong sends. Default: none."""
    username: str
    """The Redis ACL user. Default: none (the default user)."""
    password: pulumi.Input[str]
    """The user's password. Pass it as a secret (in plain text it is refused); it may be another resource's output.
    It reaches Kong only through the component's Kubernetes Secret."""
    database: int
    """The Redis database number (Kong 3.9.0.0 and later). Default: Kong's, 0."""
    prefix: str
    """A prefix for the session keys, to keep stacks apart on one server. Default: Kong's."""


class Sessions(TypedDict, total=False):
    """Where Kong keeps signed-in sessions (docs/sessions.md)."""

    storage: str
    """cookie (default: the session in the browser's cookie) or redis (in Redis: a small cookie, ended at
    sign-out)."""
    redis: RedisSessions
    """With storage redis: the server."""


class SignInDomain(TypedDict, total=False):
    """The component's own sign-in domain, beside the pool's prefix domain (docs/sign-in-domain.md): either
    certificateArn or hostedZoneId."""

    name: Required[str]
    """The domain people sign in at, such as auth.example.com; its parent domain needs a DNS A record."""
    certificateArn: str
    """Your ISSUED ACM certificate in us-east-1 for name: no DNS is written, you create the record to
    signInDomainTarget."""
    hostedZoneId: str
    """A public Route 53 hosted zone holding name: the component requests and validates the certificate and writes
    the alias record."""


class ManagedLoginBranding(TypedDict, total=False):
    """Images that style managed login; none: Cognito's own style."""

    logo: str
    """An image file (ICO, JPEG, PNG, SVG or WEBP), relative to the program's folder, read at preview."""
    background: str
    """An image file for the page's background, likewise."""


class KongCognitoSignInArgs(TypedDict, total=False):
    """The stack's settings (docs/settings.md), and which cluster the route objects are edited in."""

    awsRegion: str
    """The AWS region of the Cognito resources (a region code such as us-west-2). Default: the stack's aws:region."""
    routes: list[Route]
    """The routes to protect, at most 100. Default: the one route of ingressName, ingressNamespace, dataPlaneHost,
    callbackPath and pluginName."""
    dataPlaneHost: str
    """The public host of the Kong proxy: the default host of every route."""
    callbackPath: str
    """The default path of every route. Default: /bar."""
    ingressName: str
    """The Ingress of the one route without routes. With routes, the route on this Ingress is named as the stack's
    original route (no suffix) and its plugin pluginName. Default: demo."""
    ingressNamespace: str
    """The default namespace of every route. Default: default."""
    pluginName: str
    """The KongPlugin of the route on ingressNamespace/ingressName; other routes' default to <pluginName>-<ingress>.
    Default: oidc."""
    cacheTtl: int
    """Seconds Kong caches discovery data and tokens (cache_ttl), greater than 0. Default: 10."""
    scopes: list[str]
    """OAuth scopes requested at sign-in: openid and Cognito's other built-in scopes only. Default: openid, email,
    profile."""
    deletionProtection: bool
    """Cognito deletion protection on the user pool: true for a pool meant to last. Default: false."""
    domainPrefix: str
    """The hosted-UI domain prefix, unique in the region across AWS accounts. Default: derived from the stack's name
    and a random suffix kept in its state."""
    selfSignUp: bool
    """Whether anyone may create an account on the hosted UI; false: only users an administrator creates. Default:
    true."""
    allowedGroups: list[str]
    """Cognito groups whose members may pass (any one of them), created in the pool. Default: none, every user of
    the pool passes."""
    signedOutUrl: str
    """Where the browser lands after signing out (https). Default: each route's own URL."""
    upstreamHeaders: dict[str, str]
    """Map from token claim to the request header the upstream gets, such as {sub: X-User-Id}."""
    localAccounts: bool
    """Whether the sign-in page offers the pool's own accounts; false leaves only identityProviders. Default:
    true."""
    mfa: str
    """TOTP MFA for the pool's own accounts: off (default), optional or required."""
    userPoolTier: str
    """The user pool's feature plan: LITE (default), ESSENTIALS or PLUS."""
    apiClients: list[ApiClient]
    """Machine clients that call api and both routes with bearer tokens."""
    apiIdentifier: str
    """The identifier of the resource server whose scopes apiClients hold. Default: https://<first route's host>."""
    identityProviders: list[IdentityProvider]
    """The company identity providers users sign in with."""
    kongVersion: str
    """The Kong Gateway version the plugin config is written for, such as 3.10.0.7 (two to four numbers); required
    with Redis sessions. Default: 3.4, for which the config is what it always was."""
    sessions: Sessions
    """Where Kong keeps signed-in sessions. Default: in the cookie."""
    signInDomain: SignInDomain
    """People sign in at this domain of yours instead of Cognito's prefix domain, which stays. Default: none."""
    managedLogin: str
    """Cognito's sign-in pages: classic (default, the hosted UI) or managed (managed login, not on the LITE plan)."""
    managedLoginBranding: ManagedLoginBranding
    """With managedLogin managed: images that style it. Default: Cognito's style."""
    kubeconfig: pulumi.Input[str]
    """The cluster whose route objects get their plugin listed: a kubeconfig (pass it as a secret) or its path.
    Default: the stack's kubernetes:kubeconfig and kubernetes:context, else KUBECONFIG or ~/.kube/config. Give the
    one of the Kubernetes provider you pass the component: its KongPlugins and Secrets go through that provider."""


class ProtectedRoute(TypedDict, total=False):
    """A protected route, as the stack's routes output lists it."""

    ingress: str
    """The route object's name."""
    namespace: str
    """Its namespace."""
    url: str
    """The protected URL, where Cognito sends the browser back after sign-in."""
    plugin: str
    """The KongPlugin's name."""
    signOutUrl: str
    """Opening it signs the browser out."""
    signedOutUrl: str
    """Where the browser lands after signing out."""
    signInWith: str
    """The identity provider the route's sign-in goes straight to, when set."""
    mode: str
    """api or both, when not browser."""
    kind: str
    """HTTPRoute, when not Ingress."""
    scopes: list[str]
    """The full scopes a token must carry, when set."""
    annotationOwner: str
    """git, when Git lists the plugin (not the component)."""
    annotation: dict[str, str]
    """With annotationOwner git: what the object's annotations must hold (append the plugin if it lists others)."""


class ApiClientEntry(TypedDict):
    """A machine client (its secret is in apiClientSecrets)."""

    name: str
    """Its name in apiClients."""
    clientId: str
    """The app client's id."""
    scopes: list[str]
    """Its full scopes, <apiIdentifier>/<scope>."""


class IdentityProviderEntry(TypedDict):
    """An identity provider of the pool."""

    name: str
    """Its name."""
    type: str
    """SAML, OIDC or Google."""


class SessionsEntry(TypedDict):
    """Where Kong keeps sessions (its password is not an output)."""

    storage: str
    """redis."""
