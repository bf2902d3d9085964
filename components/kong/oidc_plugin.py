"""Kong's `openid-connect` plugin, one per route, configured for one Cognito app client.

The plugins' custom resources hold only non-secret settings. The client secret and
the session secret live in a Kubernetes Secret per namespace, and Kong Ingress
Controller (>= 3.1) patches them into each plugin's config from there (`configPatches`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_random import RandomPassword

from components import naming, urls
from components.kong.crds import OWNER_ANNOTATION
from components.kong.kong_plugin import ConfigPatch, KongPlugin, KongPluginArgs, SecretKeyRef
from components.kong.kubernetes_secret import KubernetesSecret
from components.kong.sessions import REDIS_PASSWORD_KEY, password_patch_path, session_config
from components.kong.versions import MINIMUM, KongVersion, adds_logout_client_id
from components.settings.model import Route, Sessions
from components.settings_view import RouteTarget
from components.vocabulary import RouteMode

OPENID_CONNECT = "openid-connect"
# A browser signs in once (authorization code) and then presents Kong's session cookie.
# Kong's default enables every method, password grant and introspection included.
BROWSER_AUTH_METHODS = ("authorization_code", "session")
# Kong's `bearer` verifies a JWT access token itself: signature from the JWKS, issuer, expiry.
# (`client_credentials` would instead forward the caller's credentials to Cognito.)
API_AUTH_METHODS = ("bearer",)
# Kong falls back to the authorization code (a redirect) when no other method matches the request.
BOTH_AUTH_METHODS = (*BROWSER_AUTH_METHODS, "bearer")
AUTH_METHODS: dict[RouteMode, tuple[str, ...]] = {
    "browser": BROWSER_AUTH_METHODS,
    "api": API_AUTH_METHODS,
    "both": BOTH_AUTH_METHODS,
}
# Cognito access tokens name their app client in `client_id` (they have no `aud`), and list
# their scopes space-separated in `scope`.
COGNITO_CLIENT_ID_CLAIM = "client_id"
COGNITO_SCOPE_CLAIM = "scope"
# Every user access token of the browser client holds it; a machine token never does.
USER_TOKEN_SCOPE = "openid"
# Cognito lists a user's groups in this claim of both its ID and access tokens.
COGNITO_GROUPS_CLAIM = "cognito:groups"
# The /oauth2/authorize parameter that names the identity provider to sign in with.
COGNITO_IDENTITY_PROVIDER_ARG = "identity_provider"

CLIENT_SECRET_KEY = "client_secret"
SESSION_SECRET_KEY = "session_secret"
CONFIG_PATCH_PATHS = (f"/{CLIENT_SECRET_KEY}", f"/{SESSION_SECRET_KEY}")
"""Every plugin's configPatches paths; a route with Redis sessions and a password adds one (config_patches)."""


@dataclass(frozen=True)
class KongOidcPluginArgs:
    routes: Sequence[RouteTarget]
    original_namespace: str
    """The namespace whose Secret keeps the name it had before `routes` existed."""
    owner: str
    """`<project>/<stack>`, recorded on every KongPlugin."""
    issuer: pulumi.Input[str]
    """Discovery URL (Kong's `issuer` accepts it and fetches endpoints from it)."""
    client_id: pulumi.Input[str]
    client_secret: pulumi.Input[str]
    hosted_ui_domain: pulumi.Input[str]
    scopes: Sequence[str]
    cache_ttl: int
    allowed_groups: Sequence[str]
    upstream_headers: Sequence[tuple[str, str]]
    """(claim, header) pairs."""
    api_client_ids: Sequence[pulumi.Input[str]] = ()
    """The machine clients whose tokens `api` and `both` routes accept."""
    api_identifier: pulumi.Input[str] | None = None
    """The resource server's identifier: a route's scopes are `<identifier>/<scope>`."""
    named_secrets: bool = False
    """The package: each Secret gets an object name made from its Pulumi name (naming.object_name), which may hold
    capitals; else the Kubernetes provider names it after its Pulumi name, as the stack's always were."""
    kong_version: KongVersion = MINIMUM
    """The Kong Gateway the config is written for (`kongVersion`): some fields changed on the way."""
    sessions: Sessions = field(default_factory=Sessions)
    redis_password: pulumi.Input[str] | None = None
    """With Redis sessions and a password: it (the package may give an output), else sessions' own."""
    own_sign_in_domain: bool = False
    """hosted_ui_domain is the stack's own domain: the plugin names its sign-in endpoints itself."""


def secret_values(client_secret: str, session_secret: str, redis_password: str | None = None) -> dict[str, str]:
    """The Secret's data: each value is JSON of the type Kong's config field has (KIC splices it in as JSON)."""
    values = {
        CLIENT_SECRET_KEY: json.dumps([client_secret]),  # client_secret is an array of strings
        SESSION_SECRET_KEY: json.dumps(session_secret),  # session_secret is a string
    }
    if redis_password is not None:
        values[REDIS_PASSWORD_KEY] = json.dumps(redis_password)  # a string
    return values


def config_patches(args: KongOidcPluginArgs, route: Route) -> list[tuple[str, str]]:
    """(configPatches path, key of the Secret) of one route's plugin."""
    patches = [(path, path.lstrip("/")) for path in CONFIG_PATCH_PATHS]
    redis_path = password_patch_path(args.sessions, args.kong_version)
    if redis_path is not None and route.mode != "api":  # an api route keeps no session
        patches.append((redis_path, REDIS_PASSWORD_KEY))
    return patches


class KongOidcPlugin(pulumi.ComponentResource):
    """A KongPlugin per route, and a Secret per namespace that they read their secrets from."""

    plugins: list[KongPlugin]
    """One per route, in the order of `routes`."""
    config_patch_paths: list[list[str]]
    """Each plugin's configPatches paths, which its attachment checks the cluster kept; in the order of `routes`."""

    def __init__(self, name: str, args: KongOidcPluginArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(naming.KONG_OIDC_PLUGIN_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # One secret shared by every plugin, Kong worker and replica: each can open the session
        # cookie another set, so one sign-in serves every route. Generated once, then kept.
        session_secret = RandomPassword(naming.child(name, "session-secret"), length=48, special=False, opts=child)

        # Marking an input secret marks the combined value secret.
        redis = args.sessions.redis
        given = args.redis_password if args.redis_password is not None else redis.password if redis else None
        redis_password = pulumi.Output.secret(given) if given is not None else None
        secret_data = pulumi.Output.all(
            pulumi.Output.secret(args.client_secret), session_secret.result, redis_password
        ).apply(lambda values: secret_values(values[0], values[1], values[2]))
        secret_names: dict[str, pulumi.Output[str]] = {}
        # A Secret per namespace (a route the package names by a key of its own has its own Secret).
        groups: dict[str, RouteTarget] = {}
        for target in args.routes:
            groups.setdefault(target.secret_group, target)
        for group, first in groups.items():
            secret_name = naming.namespace_secret(name, group, args.original_namespace)
            own_name = {"name": naming.object_name(secret_name)} if args.named_secrets else {}
            secret = KubernetesSecret(
                secret_name,
                metadata={
                    **own_name,
                    "namespace": first.namespace,
                    "labels": {
                        # Kong Operator (and KIC with --secret-label-selector) only reads labelled Secrets.
                        "konghq.com/secret": "true",
                        # Lets KIC's admission webhook validate the plugin config this Secret feeds.
                        "konghq.com/validate": "plugin",
                    },
                },
                secret_type="Opaque",
                string_data=secret_data,
                opts=child,
            )
            secret_names[group] = secret.metadata.apply(lambda metadata: metadata.get("name") or "")

        self.plugins = []
        self.config_patch_paths = [[path for path, _ in config_patches(args, target.route)] for target in args.routes]
        for target in args.routes:
            plugin = KongPlugin(
                target.plugin_resource_name(naming.child(name, "plugin")),
                KongPluginArgs(
                    name=target.plugin,
                    namespace=target.namespace,
                    plugin=OPENID_CONNECT,
                    annotations={OWNER_ANNOTATION: args.owner},
                    config=plugin_config(args, target),
                    config_patches=[
                        ConfigPatch(path, SecretKeyRef(secret_names[target.secret_group], key))
                        for path, key in config_patches(args, target.route)
                    ],
                ),
                opts=child,
            )
            self.plugins.append(plugin)
        self.register_outputs({"pluginNames": [target.plugin for target in args.routes]})


def plugin_config(args: KongOidcPluginArgs, target: RouteTarget) -> dict[str, Any]:
    """The openid-connect config of one route's plugin, by its mode (no secrets: those come from the Secret).

    browser: the sign-in redirect, then Kong's session. api: bearer tokens only, so a request without
    a valid one gets 401, never a redirect, and no sign-in or group settings. both: a session or a
    bearer token, else the sign-in redirect.
    """
    route = target.route
    config: dict[str, Any] = {
        "issuer": args.issuer,
        "client_id": [args.client_id],
        "auth_methods": list(AUTH_METHODS[route.mode]),
        "cache_ttl": args.cache_ttl,
    }
    if route.mode != "api":
        config.update(browser_config(args, target))
    if args.upstream_headers:
        config["upstream_headers_claims"] = [claim for claim, _ in args.upstream_headers]
        config["upstream_headers_names"] = [header for _, header in args.upstream_headers]
    if route.mode != "browser":
        config.update(bearer_token_config(args, route))
    return config


def browser_config(args: KongOidcPluginArgs, target: RouteTarget) -> dict[str, Any]:
    """A browser's sign-in and sign-out, and allowedGroups, which gate people (machine tokens carry no groups)."""
    # Kong 3.10.0.7 and later add client_id to the logout redirect themselves: Cognito gets it once.
    kong_adds_client_id = adds_logout_client_id(args.kong_version)
    cognito_logout = pulumi.Output.all(args.hosted_ui_domain, args.client_id, target.signed_out_url).apply(
        lambda values: urls.cognito_logout_url(values[0], None if kong_adds_client_id else values[1], values[2])
    )
    config: dict[str, Any] = {
        "redirect_uri": [target.url],
        "scopes": list(args.scopes),
        # Sign-out: <route URL>/logout ends Kong's session, then Kong redirects (with or without a
        # session) to the end-session endpoint, appending id_token_hint when it has an ID token.
        # Cognito's discovery names its bare /logout there, which wants Cognito's own parameters
        # (client_id, logout_uri), not OpenID Connect's: so the endpoint is given with them.
        # No logout_redirect_uri: Kong would send it as post_logout_redirect_uri, which Cognito's /logout does not take.
        "logout_uri_suffix": urls.LOGOUT_SUFFIX,
        "logout_methods": ["GET", "POST"],
        "end_session_endpoint": cognito_logout,
    }
    config.update(session_config(args.sessions, args.kong_version))
    if args.own_sign_in_domain:
        # Cognito's discovery names the own domain's endpoints once it exists, the prefix domain's once
        # it is gone, and Kong caches discovery: named here, browsers go to the chosen domain from the
        # first request on, and a code is redeemed at the domain that issued it. Without an own domain
        # the plugin keeps discovery's, and its config stays as it was.
        domain = pulumi.Output.from_input(args.hosted_ui_domain)
        config["authorization_endpoint"] = domain.apply(urls.authorization_endpoint)
        config["token_endpoint"] = domain.apply(urls.token_url)
    if args.allowed_groups:
        config["groups_claim"] = [COGNITO_GROUPS_CLAIM]
        # One entry per group: any one of them lets a user through (a space inside an entry would mean "and").
        config["groups_required"] = list(args.allowed_groups)
    config.update(sign_in_with_config(target.route))
    return config


def bearer_token_config(args: KongOidcPluginArgs, route: Route) -> dict[str, Any]:
    """An `api` or `both` route's: Kong verifies bearer access tokens of this pool's clients."""
    # The machine clients' tokens; with both, users' tokens too, which come from the browser client.
    audiences = [*([args.client_id] if route.mode == "both" else []), *args.api_client_ids]
    config: dict[str, Any] = {
        # Only the Authorization header: a token in a query string or form ends up in logs.
        "bearer_token_param_type": ["header"],
        "issuers_allowed": [pulumi.Output.from_input(args.issuer).apply(urls.issuer_of_discovery_url)],
        # Entries of *_required are alternatives (any one passes); space-separated values inside one must all hold.
        "audience_claim": [COGNITO_CLIENT_ID_CLAIM],
        "audience_required": audiences,
    }
    if route.required_scopes:
        assert args.api_identifier is not None, "routes with scopes need apiClients (checked with the settings)"
        scopes = pulumi.Output.from_input(args.api_identifier).apply(
            lambda identifier: " ".join(urls.full_scope(identifier, scope) for scope in route.required_scopes)
        )
        config["scopes_claim"] = [COGNITO_SCOPE_CLAIM]
        # both: a user's token (it holds openid) passes as a browser's would; a machine's needs the scopes.
        config["scopes_required"] = [scopes] if route.mode == "api" else [scopes, USER_TOKEN_SCOPE]
    return config


def sign_in_with_config(route: Route) -> dict[str, list[str]]:
    """`signInWith`: Kong adds identity_provider=<name> to Cognito's /oauth2/authorize, which then skips
    its sign-in page and redirects straight to that provider."""
    if route.sign_in_with is None:
        return {}
    return {
        "authorization_query_args_names": [COGNITO_IDENTITY_PROVIDER_ARG],
        "authorization_query_args_values": [route.sign_in_with],
    }
