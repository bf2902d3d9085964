"""Cognito sign-in in front of existing Ingresses served by the Kong Ingress Controller.

The same steps as the manual workshop: Cognito, then Kong's OpenID Connect plugin,
then the Ingress (or HTTPRoute) annotation, for every route; `pulumi destroy` undoes them in reverse order.
"""

import pulumi

from components import naming, stack_outputs, urls
from components.cognito.api_clients import ApiClients, ApiClientsArgs
from components.cognito.sign_in import CognitoSignIn, CognitoSignInArgs
from components.ingress_plugin_attachment import IngressPluginAttachment, IngressPluginAttachmentArgs
from components.kong.oidc_plugin import KongOidcPlugin, KongOidcPluginArgs
from components.settings.pulumi_config import load_settings

# 1. Settings: all checked here, before anything is declared.
settings = load_settings(pulumi.Config(), pulumi.Config("aws"))
routes = settings.routes

# 2. Cognito: one user pool, hosted-UI domain (and the own sign-in domain) and app client for every route.
cognito = CognitoSignIn(
    naming.COGNITO,
    CognitoSignInArgs(
        region=settings.aws_region,
        domain_prefix=settings.domain_prefix,
        stack_name=pulumi.get_stack(),
        callback_urls=[route.url for route in routes],
        logout_urls=list(dict.fromkeys(route.signed_out_url for route in routes)),
        scopes=settings.scopes,
        deletion_protection=settings.deletion_protection,
        self_sign_up=settings.self_sign_up,
        allowed_groups=settings.allowed_groups,
        identity_providers=settings.identity_providers,
        local_accounts=settings.local_accounts,
        mfa=settings.mfa,
        user_pool_tier=settings.user_pool_tier,
        sign_in_domain=settings.sign_in_domain,
        managed_login=settings.managed_login,
        managed_login_branding=settings.managed_login_branding,
    ),
)

# 2b. Machine clients, only with `apiClients`: a resource server and a client-credentials client each.
api_clients = None
if settings.api_clients:
    assert settings.api_identifier is not None  # the settings default it with apiClients
    api_clients = ApiClients(
        naming.API_CLIENTS,
        ApiClientsArgs(
            region=settings.aws_region,
            user_pool_id=cognito.user_pool_id,
            identifier=settings.api_identifier,
            clients=settings.api_clients,
        ),
    )

# 3. Kong's openid-connect plugin for each route, their secrets in a Kubernetes Secret per namespace.
kong = KongOidcPlugin(
    naming.KONG_OIDC,
    KongOidcPluginArgs(
        routes=routes,
        original_namespace=settings.ingress_namespace,
        owner=naming.stack_owner(pulumi.get_project(), pulumi.get_stack()),
        issuer=cognito.discovery_url,
        client_id=cognito.client_id,
        client_secret=cognito.client_secret,
        hosted_ui_domain=cognito.hosted_ui_domain,
        scopes=settings.scopes,
        cache_ttl=settings.cache_ttl,
        allowed_groups=settings.allowed_groups,
        upstream_headers=settings.upstream_headers,
        api_client_ids=list(api_clients.client_ids.values()) if api_clients else [],
        api_identifier=settings.api_identifier,
        kong_version=settings.kong_release,
        sessions=settings.sessions,
        own_sign_in_domain=settings.sign_in_domain is not None,
    ),
)

# 4. Each existing Ingress or HTTPRoute lists its plugin (and stops listing it on destroy);
# with annotationOwner git, Git lists it and the object is left alone.
for route in routes:
    IngressPluginAttachment(
        route.resource_name(naming.INGRESS),
        IngressPluginAttachmentArgs(
            namespace=route.namespace,
            object_name=route.object_name,
            kind=route.kind,
            plugin_name=route.plugin,
            plugin=kong.plugins[route],
            config_patch_paths=kong.config_patch_paths[route],
            annotation_owner=route.annotation_owner,
        ),
    )


# 5. What to open in a browser, and what to debug with. The single-URL outputs are the first route's;
# the outputs of identityProviders, apiClients and signInDomain appear only when those are set.
pulumi.export("routes", [stack_outputs.route_entry(route, settings.api_identifier) for route in routes])
pulumi.export("protectedUrl", routes[0].url)
pulumi.export("redirectUri", routes[0].url)
pulumi.export("signOutUrl", routes[0].sign_out_url)
pulumi.export("allowedGroups", list(settings.allowed_groups))
pulumi.export("awsRegion", settings.aws_region)
pulumi.export("loginUrl", cognito.login_url)
pulumi.export("discoveryUrl", cognito.discovery_url)
pulumi.export("issuerUrl", cognito.issuer_url)
pulumi.export("hostedUiDomain", cognito.hosted_ui_domain)
pulumi.export("userPoolId", cognito.user_pool_id)
pulumi.export("clientId", cognito.client_id)
pulumi.export("clientSecret", cognito.client_secret)
if api_clients:
    pulumi.export("tokenUrl", cognito.hosted_ui_domain.apply(urls.token_url))
    pulumi.export("apiClients", stack_outputs.api_client_entries(api_clients))
    # Read with `pulumi stack output --show-secrets apiClientSecrets`.
    pulumi.export("apiClientSecrets", pulumi.Output.secret(api_clients.client_secrets))
if settings.identity_providers:
    pulumi.export("identityProviders", stack_outputs.identity_provider_entries(settings.identity_providers))
if settings.kong_version is not None:
    pulumi.export("kongVersion", settings.kong_version)
if settings.sessions.redis is not None:
    pulumi.export("sessions", stack_outputs.sessions_entry(settings.sessions))
if cognito.sign_in_domain_target is not None:
    # hostedUiDomain is then the own domain; the prefix domain still answers, and the record to create points here.
    pulumi.export("signInDomainTarget", cognito.sign_in_domain_target)
    pulumi.export("prefixDomain", cognito.prefix_domain)
