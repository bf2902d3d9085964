"""Kong's `openid-connect` plugin, configured for a Cognito app client.

The plugin's custom resource holds only non-secret settings. The client secret
and the session secret live in a Kubernetes Secret, and Kong Ingress Controller
(>= 3.1) patches them into the plugin's config from there (`configPatches`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_kubernetes.core.v1 import Secret
from pulumi_random import RandomPassword

from components.kong_plugin import ConfigPatch, KongPlugin, KongPluginArgs, SecretKeyRef

OPENID_CONNECT = "openid-connect"
# A browser signs in once (authorization code) and then presents Kong's session cookie.
# Kong's default enables every method, password grant and introspection included.
BROWSER_AUTH_METHODS = ("authorization_code", "session")

CLIENT_SECRET_KEY = "client_secret"
SESSION_SECRET_KEY = "session_secret"


@dataclass(frozen=True)
class KongOidcPluginArgs:
    plugin_name: str
    namespace: str
    issuer: pulumi.Input[str]
    """Discovery URL (Kong's `issuer` accepts it and fetches endpoints from it)."""
    client_id: pulumi.Input[str]
    client_secret: pulumi.Input[str]
    redirect_uri: str
    scopes: Sequence[str]
    cache_ttl: int


def secret_values(client_secret: str, session_secret: str) -> dict[str, str]:
    """The Secret's data: each value is JSON of the type Kong's config field has."""
    return {
        CLIENT_SECRET_KEY: json.dumps([client_secret]),  # client_secret is an array of strings
        SESSION_SECRET_KEY: json.dumps(session_secret),  # session_secret is a string
    }


class KongOidcPlugin(pulumi.ComponentResource):
    """A KongPlugin named `plugin_name` plus the Secret it reads its secrets from."""

    plugin: KongPlugin
    plugin_name: pulumi.Output[str]
    secret_name: pulumi.Output[str]

    def __init__(self, name: str, args: KongOidcPluginArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("kong-cognito-oidc:index:KongOidcPlugin", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # One secret shared by every Kong worker and replica; otherwise each signs session
        # cookies with its own key and sign-ins fail behind more than one replica.
        # Generated once, then kept in the stack's state.
        session_secret = RandomPassword(f"{name}-session-secret", length=48, special=False, opts=child)

        # Marking an input secret marks the combined value secret.
        secret_data = pulumi.Output.all(pulumi.Output.secret(args.client_secret), session_secret.result).apply(
            lambda values: secret_values(values[0], values[1])
        )
        secret = Secret(
            f"{name}-secrets",
            metadata={
                "namespace": args.namespace,
                "labels": {
                    # Kong Operator (and KIC with --secret-label-selector) only reads labelled Secrets.
                    "konghq.com/secret": "true",
                    # Lets KIC's admission webhook validate the plugin config this Secret feeds.
                    "konghq.com/validate": "plugin",
                },
            },
            type="Opaque",
            string_data=secret_data,
            opts=child,
        )
        secret_name = secret.metadata.apply(lambda metadata: metadata.name or "")

        plugin = KongPlugin(
            f"{name}-plugin",
            KongPluginArgs(
                name=args.plugin_name,
                namespace=args.namespace,
                plugin=OPENID_CONNECT,
                config={
                    "issuer": args.issuer,
                    "client_id": [args.client_id],
                    "redirect_uri": [args.redirect_uri],
                    "scopes": list(args.scopes),
                    "auth_methods": list(BROWSER_AUTH_METHODS),
                    "cache_ttl": args.cache_ttl,
                },
                config_patches=[
                    ConfigPatch(f"/{CLIENT_SECRET_KEY}", SecretKeyRef(secret_name, CLIENT_SECRET_KEY)),
                    ConfigPatch(f"/{SESSION_SECRET_KEY}", SecretKeyRef(secret_name, SESSION_SECRET_KEY)),
                ],
            ),
            opts=child,
        )

        self.plugin = plugin
        self.plugin_name = plugin.metadata.apply(lambda metadata: metadata["name"])
        self.secret_name = secret_name
        self.register_outputs({"pluginName": self.plugin_name, "secretName": self.secret_name})
