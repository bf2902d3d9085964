"""The pool's company identity providers (`identityProviders`), one `aws.cognito.IdentityProvider` each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
from pulumi_aws import cognito

from components import naming
from components.settings.model import GROUPS_ATTRIBUTE, IdentityProvider
from components.vocabulary import ProviderType

# ProviderDetails keys Cognito writes itself and returns on every read, by provider type. The settings
# offer no field for any of them, so a change there is Cognito's, never the user's: each is ignored
# (terraform-provider-aws hides only some of them; docs/design.md lists them with their sources).
COGNITO_OWNED_DETAILS: dict[ProviderType, tuple[str, ...]] = {
    "OIDC": ("authorize_url", "token_url", "attributes_url", "jwks_uri", "attributes_url_add_attributes"),
    "SAML": ("ActiveEncryptionCertificate", "SSORedirectBindingURI", "SLORedirectBindingURI"),
    "Google": (
        "attributes_url",
        "attributes_url_add_attributes",
        "authorize_url",
        "oidc_issuer",
        "token_request_method",
        "token_url",
    ),
}


def cognito_owned_details(provider: IdentityProvider) -> list[str]:
    """`ignore_changes` paths of the ProviderDetails keys Cognito fills in and the program does not declare."""
    declared = {key for key, _ in provider.provider_details}
    owned = COGNITO_OWNED_DETAILS.get(provider.type, ())
    return [f"providerDetails.{key}" for key in owned if key not in declared]


def provider_details(
    provider: IdentityProvider, client_secret: pulumi.Input[str] | None = None
) -> dict[str, pulumi.Input[str]]:
    """Cognito's ProviderDetails; the client secret only as a Pulumi secret (state, preview and logs hide it).

    `client_secret`, when given, stands for the provider's own (the package: a secret from an output).
    """
    details: dict[str, pulumi.Input[str]] = dict(provider.provider_details)
    secret = provider.client_secret if client_secret is None else client_secret
    if secret is not None:
        details["client_secret"] = pulumi.Output.secret(secret)
    return details


def attribute_mapping(provider: IdentityProvider, map_groups: bool) -> dict[str, str]:
    """Pool attribute -> provider attribute; with `map_groups`, the provider's groups go to the custom attribute."""
    mapping = dict(provider.attribute_mapping)
    if map_groups and provider.groups_attribute:
        mapping[GROUPS_ATTRIBUTE] = provider.groups_attribute
    return mapping


def declare_identity_providers(
    component: str,
    region: str,
    user_pool_id: pulumi.Input[str],
    providers: Sequence[IdentityProvider],
    map_groups: bool,
    parent: pulumi.Resource,
    client_secrets: Mapping[str, pulumi.Input[str]] | None = None,
) -> list[cognito.IdentityProvider]:
    """One Cognito identity provider each; `client_secrets` by provider name stand for the providers' own."""
    declared = []
    for provider in providers:
        client_secret = (client_secrets or {}).get(provider.name)
        secret = provider.client_secret is not None or client_secret is not None
        declared.append(
            cognito.IdentityProvider(
                naming.identity_provider(component, provider.name),
                region=region,
                user_pool_id=user_pool_id,
                provider_name=provider.name,
                provider_type=provider.type,
                provider_details=provider_details(provider, client_secret),
                attribute_mapping=attribute_mapping(provider, map_groups),
                idp_identifiers=list(provider.identifiers) or None,
                opts=pulumi.ResourceOptions(
                    parent=parent,
                    # What Cognito reads back holds the secret too.
                    additional_secret_outputs=["providerDetails"] if secret else None,
                    # A new type replaces the provider under the same name, which a pool holds once:
                    # the old one must go first. The app client lists it by name, so it is left as is.
                    delete_before_replace=True,
                    ignore_changes=cognito_owned_details(provider) or None,
                ),
            )
        )
    return declared
