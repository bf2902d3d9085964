"""KongCognitoSignIn: the stack's sign-in as one resource of the consumer's own program, in any language.

It declares what the stack declares, with the same builder (components/builder.py), under itself: each
name prefixed with its own (`<name>-cognito-users`, `<name>-ingress-<route>`), so one program may hold
several. Its inputs are the stack's settings (args.py), validated by the same code (inputs.py); its
outputs are the stack's outputs, the secret ones still secret. Each route object gets its plugin listed
by the package's own PluginAttachment, served by the package's plugin (plugin_attachment.py).

Its Kubernetes children (KongPlugins, Secrets) go through the Kubernetes provider the consumer passes
the component (`providers`), else the default one; the attachments reach the cluster `kubeconfig` names
(args.py says the default).

No `from __future__ import annotations` here: the SDK reads the outputs' annotations as types.
"""

import pulumi
from pulumi.provider.experimental.util import camel_case

from components import naming
from components.builder import Placement, declare_sign_in
from components.kong.kong_plugin import KongPlugin
from components.package import inputs
from components.package.args import (
    ApiClientEntry,
    IdentityProviderEntry,
    KongCognitoSignInArgs,
    ProtectedRoute,
    SessionsEntry,
)
from components.package.plugin_attachment import PluginAttachment
from components.package.version import VERSION
from components.settings_view import RouteTarget

TYPE = f"{naming.PROJECT}:index:KongCognitoSignIn"


class KongCognitoSignIn(pulumi.ComponentResource):
    """Amazon Cognito sign-in (OpenID Connect) in front of existing Ingresses or HTTPRoutes served by the Kong
    Ingress Controller: a user pool, hosted UI and app client, a KongPlugin per route with its secrets in a
    Secret, and the plugin listed in each route object's konghq.com/plugins annotation (removed on destroy)."""

    routes: pulumi.Output[list[ProtectedRoute]]
    """Each protected route: its object, URL, KongPlugin and sign-out URLs."""
    protected_url: pulumi.Output[str]
    """The first route's protected URL."""
    redirect_uri: pulumi.Output[str]
    """The first route's sign-in callback (its protected URL)."""
    sign_out_url: pulumi.Output[str]
    """Opening it signs the browser out of the first route."""
    allowed_groups: pulumi.Output[list[str]]
    """The groups whose members may pass; empty: every user of the pool."""
    aws_region: pulumi.Output[str]
    """The region of the Cognito resources."""
    login_url: pulumi.Output[str]
    """The hosted UI's sign-in page for the first route."""
    discovery_url: pulumi.Output[str]
    """The user pool's OpenID Connect discovery document."""
    issuer_url: pulumi.Output[str]
    """The issuer (iss) of the pool's tokens."""
    hosted_ui_domain: pulumi.Output[str]
    """The hosted UI's host name."""
    user_pool_id: pulumi.Output[str]
    """The user pool's id."""
    client_id: pulumi.Output[str]
    """The browser app client's id."""
    client_secret: pulumi.Output[str]
    """The browser app client's secret (a secret)."""
    token_url: pulumi.Output[str] | None
    """With apiClients: the token endpoint machine clients get their access tokens from."""
    api_clients: pulumi.Output[list[ApiClientEntry] | None]
    """With apiClients: each machine client's id and full scopes."""
    api_client_secrets: pulumi.Output[dict[str, str] | None]
    """With apiClients: each machine client's secret, by name (a secret)."""
    identity_providers: pulumi.Output[list[IdentityProviderEntry] | None]
    """With identityProviders: each provider's name and type."""
    kong_version: pulumi.Output[str] | None
    """With kongVersion: the Kong Gateway version the plugin config is written for."""
    sessions: pulumi.Output[SessionsEntry | None]
    """With Redis sessions: where Kong keeps them."""
    sign_in_domain_target: pulumi.Output[str] | None
    """With signInDomain: the CloudFront distribution its DNS record aliases (hostedUiDomain is then the own
    domain)."""
    prefix_domain: pulumi.Output[str] | None
    """With signInDomain: Cognito's prefix domain, which still answers."""

    def __init__(self, name: str, args: KongCognitoSignInArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, {}, opts)
        view, keys = inputs.settings_view(args, pulumi.Config("aws").get("region"))
        kubeconfig, context = cluster(args)

        def attach(resource_name: str, route: RouteTarget, plugin: KongPlugin, config_patch_paths: list[str]) -> None:
            PluginAttachment(
                resource_name,
                namespace=route.namespace,
                object_name=route.object_name,
                kind=route.route.kind,
                plugin=route.plugin,
                config_patch_paths=config_patch_paths,
                annotation_owner=route.route.annotation_owner,
                kubeconfig=kubeconfig,
                context=context,
                version=VERSION,
                # After the KongPlugin exists, and gone before it is deleted.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[plugin], delete_before_replace=True),
            )

        outputs = declare_sign_in(
            view,
            Placement(
                stack_name=pulumi.get_stack(),
                owner=naming.stack_owner(pulumi.get_project(), pulumi.get_stack()),
                prefix=f"{name}-",
                parent=self,
                route_keys=keys,
                named_secrets=True,
            ),
            attach,
        )
        for attribute in OUTPUT_ATTRIBUTES:
            value = outputs.get(camel_case(attribute))
            setattr(self, attribute, None if value is None else pulumi.Output.from_input(value))
        self.register_outputs(outputs)


OUTPUT_ATTRIBUTES = tuple(KongCognitoSignIn.__annotations__)
"""The outputs, by their Python names; the schema's (and the stack's) are these in camelCase."""


def cluster(args: KongCognitoSignInArgs) -> tuple[pulumi.Input[str] | None, str | None]:
    """The kubeconfig and context the attachments use: the input, else the stack's kubernetes: config, else none
    (KUBECONFIG or ~/.kube/config of the plugin's environment)."""
    given = args.get("kubeconfig")
    if given is not None:
        return given, None
    config = pulumi.Config("kubernetes")
    return config.get_secret("kubeconfig"), config.get("context")
