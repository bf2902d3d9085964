"""The sign-in, declared: Cognito, the machine clients, Kong's plugins, and each route object's plugin entry.

One builder, two uses. The stack (`__main__.py`) declares the sign-in at the root of its stack with the
names it has always had. The package's component (components/package/) declares it under itself, each
name prefixed with the component's, so two of them can live in one program. What differs is given:
where things go and what they are called (`Placement`), how a route object gets its plugin listed
(`attach`), and where values come from (settings_view.py). The same steps as the manual workshop:
Cognito, then Kong's OpenID Connect plugin, then the route objects' annotation; destroy undoes them
in reverse order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pulumi

from components import naming, stack_outputs, urls
from components.cognito.api_clients import ApiClients, ApiClientsArgs
from components.cognito.sign_in import CognitoSignIn, CognitoSignInArgs
from components.kong.kong_plugin import KongPlugin
from components.kong.oidc_plugin import KongOidcPlugin, KongOidcPluginArgs
from components.settings.model import Settings
from components.settings_view import RouteTarget, SettingsView, route_targets


class Attach(Protocol):
    """Lists `plugin` in the route object's annotation, as a resource of that name (and unlists it on destroy);
    `config_patch_paths` are the plugin's, which the cluster must have kept."""

    def __call__(
        self, name: str, target: RouteTarget, plugin: KongPlugin, config_patch_paths: list[str], /
    ) -> None: ...


@dataclass(frozen=True)
class Placement:
    """Where the sign-in's resources go and what they are called."""

    stack_name: str
    """What a derived hosted-UI domain prefix starts from."""
    owner: str
    """`<project>/<stack>`, recorded on every KongPlugin."""
    prefix: str = ""
    """Before every Pulumi name the builder gives: none for the stack, `<component>-` for the package."""
    parent: pulumi.Resource | None = None
    route_keys: Sequence[str | None] = ()
    """The package: each route's own key for its resources' names (settings_view.RouteTarget)."""
    named_secrets: bool = False
    """The package: Kubernetes Secrets get object names of their own (KongOidcPluginArgs)."""

    def name(self, base: str) -> str:
        return f"{self.prefix}{base}"

    @property
    def options(self) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self.parent)


def declare_sign_in(view: SettingsView, placement: Placement, attach: Attach) -> dict[str, pulumi.Input[Any]]:
    """Declare everything; returns the outputs by the stack's output names (the package's are the same)."""
    settings = view.settings
    routes = route_targets(view, placement.route_keys)

    # Cognito: one user pool, hosted-UI domain (and the own sign-in domain) and app client for every route.
    cognito = CognitoSignIn(
        placement.name(naming.COGNITO),
        CognitoSignInArgs(
            region=settings.aws_region,
            domain_prefix=settings.domain_prefix,
            stack_name=placement.stack_name,
            callback_urls=view.value(lambda s: [route.url for route in s.routes]),
            logout_urls=view.value(lambda s: list(dict.fromkeys(route.signed_out_url for route in s.routes))),
            scopes=settings.scopes,
            deletion_protection=settings.deletion_protection,
            self_sign_up=settings.self_sign_up,
            allowed_groups=settings.allowed_groups,
            identity_providers=settings.identity_providers,
            local_accounts=settings.local_accounts,
            mfa=settings.mfa,
            user_pool_tier=settings.user_pool_tier,
            client_secrets=view.client_secrets,
            sign_in_domain=settings.sign_in_domain,
            managed_login=settings.managed_login,
            managed_login_branding=settings.managed_login_branding,
        ),
        placement.options,
    )

    # Machine clients, only with `apiClients`: a resource server and a client-credentials client each.
    api_identifier = view.value(resource_server_identifier) if settings.api_identifier is not None else None
    api_clients = None
    if settings.api_clients:
        assert api_identifier is not None  # the settings default it with apiClients
        api_clients = ApiClients(
            placement.name(naming.API_CLIENTS),
            ApiClientsArgs(
                region=settings.aws_region,
                user_pool_id=cognito.user_pool_id,
                identifier=api_identifier,
                clients=settings.api_clients,
            ),
            placement.options,
        )

    # Kong's openid-connect plugin for each route, their secrets in a Kubernetes Secret per namespace.
    kong = KongOidcPlugin(
        placement.name(naming.KONG_OIDC),
        KongOidcPluginArgs(
            routes=routes,
            original_namespace=settings.ingress_namespace,
            owner=placement.owner,
            issuer=cognito.discovery_url,
            client_id=cognito.client_id,
            client_secret=cognito.client_secret,
            hosted_ui_domain=cognito.hosted_ui_domain,
            scopes=settings.scopes,
            cache_ttl=settings.cache_ttl,
            allowed_groups=settings.allowed_groups,
            upstream_headers=settings.upstream_headers,
            api_client_ids=list(api_clients.client_ids.values()) if api_clients else [],
            api_identifier=api_identifier,
            named_secrets=placement.named_secrets,
            kong_version=settings.kong_release,
            sessions=settings.sessions,
            redis_password=view.redis_password,
            own_sign_in_domain=settings.sign_in_domain is not None,
        ),
        placement.options,
    )

    # Each existing Ingress or HTTPRoute lists its plugin (and stops listing it on destroy);
    # with annotationOwner git, Git lists it and the object is left alone.
    for route, plugin, paths in zip(routes, kong.plugins, kong.config_patch_paths, strict=True):
        attach(route.resource_name(placement.name(naming.INGRESS)), route, plugin, paths)

    # What to open in a browser, and what to debug with. The single-URL outputs are the first route's;
    # the outputs of identityProviders, apiClients, kongVersion, sessions and signInDomain appear only when set.
    outputs: dict[str, pulumi.Input[Any]] = {
        "routes": view.value(lambda s: [stack_outputs.route_entry(route, s.api_identifier) for route in s.routes]),
        "protectedUrl": routes[0].url,
        "redirectUri": routes[0].url,
        "signOutUrl": view.value(lambda s: s.routes[0].sign_out_url),
        "allowedGroups": list(settings.allowed_groups),
        "awsRegion": settings.aws_region,
        "loginUrl": cognito.login_url,
        "discoveryUrl": cognito.discovery_url,
        "issuerUrl": cognito.issuer_url,
        "hostedUiDomain": cognito.hosted_ui_domain,
        "userPoolId": cognito.user_pool_id,
        "clientId": cognito.client_id,
        "clientSecret": cognito.client_secret,
    }
    if api_clients:
        outputs["tokenUrl"] = cognito.hosted_ui_domain.apply(urls.token_url)
        outputs["apiClients"] = stack_outputs.api_client_entries(api_clients)
        # Read with `pulumi stack output --show-secrets apiClientSecrets`.
        outputs["apiClientSecrets"] = pulumi.Output.secret(api_clients.client_secrets)
    if settings.identity_providers:
        outputs["identityProviders"] = stack_outputs.identity_provider_entries(settings.identity_providers)
    if settings.kong_version is not None:
        outputs["kongVersion"] = settings.kong_version
    if settings.sessions.redis is not None:
        outputs["sessions"] = stack_outputs.sessions_entry(settings.sessions)
    if cognito.sign_in_domain_target is not None:
        # hostedUiDomain is then the own domain; the prefix domain still answers, and the record to create points here.
        outputs["signInDomainTarget"] = cognito.sign_in_domain_target
        outputs["prefixDomain"] = cognito.prefix_domain
    return outputs


def resource_server_identifier(settings: Settings) -> str:
    """apiIdentifier, which the settings default (to the first route's host) whenever there are apiClients."""
    assert settings.api_identifier is not None, "read only with apiClients"
    return settings.api_identifier
