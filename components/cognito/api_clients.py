"""Machine clients: a Cognito resource server with custom scopes, and a client-credentials app client each.

Declared only when `apiClients` is set, so existing stacks gain nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_aws import cognito

from components import naming
from components.settings.model import ApiClient
from components.urls import full_scope


@dataclass(frozen=True)
class ApiClientsArgs:
    region: str
    user_pool_id: pulumi.Input[str]
    identifier: pulumi.Input[str]
    """The resource server's identifier: each scope is `<identifier>/<scope>`."""
    clients: Sequence[ApiClient]


class ApiClients(pulumi.ComponentResource):
    """One resource server for every scope the clients use, and one app client per machine client."""

    client_ids: dict[str, pulumi.Output[str]]
    """Client name -> app client id."""
    client_secrets: dict[str, pulumi.Output[str]]
    """Client name -> client secret; always secret Outputs."""
    scopes: dict[str, pulumi.Output[list[str]]]
    """Client name -> its full scope names."""

    def __init__(self, name: str, args: ApiClientsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(naming.API_CLIENTS_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        used_scopes = dict.fromkeys(scope for client in args.clients for scope in client.scopes)
        resource_server = cognito.ResourceServer(
            naming.child(name, "resource-server"),
            region=args.region,
            user_pool_id=args.user_pool_id,
            identifier=args.identifier,
            name=naming.RESOURCE_SERVER_NAME,
            scopes=[
                cognito.ResourceServerScopeArgs(
                    scope_name=scope, scope_description=f"{scope} (kong-cognito-oidc apiClients)"
                )
                for scope in used_scopes
            ],
            opts=child,
        )

        self.client_ids, self.client_secrets, self.scopes = {}, {}, {}
        identifier = pulumi.Output.from_input(args.identifier)
        for api_client in args.clients:
            scopes = identifier.apply(functools.partial(full_scopes, client=api_client))
            client = cognito.UserPoolClient(
                naming.api_client(name, api_client.name),
                region=args.region,
                user_pool_id=args.user_pool_id,
                name=api_client.name,
                generate_secret=True,
                # Client credentials only: a machine signs in with its id and secret, never as a user.
                allowed_oauth_flows=["client_credentials"],
                allowed_oauth_flows_user_pool_client=True,
                allowed_oauth_scopes=scopes,
                # No password or SRP sign-in with this client either.
                explicit_auth_flows=["ALLOW_REFRESH_TOKEN_AUTH"],
                prevent_user_existence_errors="ENABLED",
                enable_token_revocation=True,
                # Cognito accepts only scopes that exist on a resource server.
                opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[resource_server])),
            )
            self.client_ids[api_client.name] = client.id
            self.client_secrets[api_client.name] = pulumi.Output.secret(client.client_secret)
            self.scopes[api_client.name] = scopes

        self.register_outputs(
            {
                "identifier": resource_server.identifier,
                "clientIds": self.client_ids,
                "clientSecrets": pulumi.Output.secret(self.client_secrets),
            }
        )


def full_scopes(identifier: str, client: ApiClient) -> list[str]:
    """A machine client's scopes as its app client lists them: `<identifier>/<scope>`."""
    return [full_scope(identifier, scope) for scope in client.scopes]
