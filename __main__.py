"""Cognito sign-in in front of an existing Ingress served by the Kong Ingress Controller.

The same steps as the manual workshop: Cognito, then Kong's OpenID Connect plugin,
then the Ingress annotation; `pulumi destroy` undoes them in reverse order.
"""

import pulumi

from components import urls
from components.cognito_sign_in import CognitoSignIn, CognitoSignInArgs
from components.ingress_plugin_attachment import IngressPluginAttachment, IngressPluginAttachmentArgs
from components.kong_oidc_plugin import KongOidcPlugin, KongOidcPluginArgs
from components.settings import load_settings

# 1. Settings: all checked here, before anything is declared.
settings = load_settings(pulumi.Config(), pulumi.Config("aws"))
protected_url = urls.callback_url(settings.data_plane_host, settings.callback_path)

# 2. Cognito: user pool, hosted-UI domain, app client.
cognito = CognitoSignIn(
    "cognito",
    CognitoSignInArgs(
        region=settings.aws_region,
        domain_prefix=settings.domain_prefix,
        stack_name=pulumi.get_stack(),
        callback_url=protected_url,
        scopes=settings.scopes,
        deletion_protection=settings.deletion_protection,
    ),
)

# 3. Kong's openid-connect plugin, its secrets in a Kubernetes Secret.
kong_plugin = KongOidcPlugin(
    "kong-oidc",
    KongOidcPluginArgs(
        plugin_name=settings.plugin_name,
        namespace=settings.ingress_namespace,
        issuer=cognito.discovery_url,
        client_id=cognito.client_id,
        client_secret=cognito.client_secret,
        redirect_uri=protected_url,
        scopes=settings.scopes,
        cache_ttl=settings.cache_ttl,
    ),
)

# 4. The existing Ingress lists the plugin (and stops listing it on destroy).
IngressPluginAttachment(
    "ingress",
    IngressPluginAttachmentArgs(
        namespace=settings.ingress_namespace,
        ingress_name=settings.ingress_name,
        plugin_name=kong_plugin.plugin_name,
        plugin=kong_plugin.plugin,
    ),
)

# 5. What to open in a browser, and what to debug with.
pulumi.export("protectedUrl", protected_url)
pulumi.export("redirectUri", protected_url)
pulumi.export("loginUrl", cognito.login_url)
pulumi.export("discoveryUrl", cognito.discovery_url)
pulumi.export("issuerUrl", cognito.issuer_url)
pulumi.export("hostedUiDomain", cognito.hosted_ui_domain)
pulumi.export("userPoolId", cognito.user_pool_id)
pulumi.export("clientId", cognito.client_id)
pulumi.export("clientSecret", cognito.client_secret)
