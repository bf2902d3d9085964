"""Cognito user pool, hosted-UI domain(s) and the browser app client Kong signs in with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_aws import cognito
from pulumi_random import RandomId

from components import naming, urls
from components.cognito.federated_groups import TRIGGER_VERSION, FederatedGroups, groups_attribute_schema
from components.cognito.identity_providers import declare_identity_providers
from components.cognito.managed_login import MANAGED_LOGIN_VERSION, declare_branding
from components.cognito.sign_in_domain import OwnSignInDomain, OwnSignInDomainArgs
from components.settings.model import (
    GROUPS_ATTRIBUTE,
    IdentityProvider,
    ManagedLoginBranding,
    SignInDomain,
    providers_with_groups,
)
from components.vocabulary import ManagedLogin, MfaMode, UserPoolTier

# Cognito's names for the `mfa` setting; TOTP (an authenticator app) is the factor whenever MFA is on.
MFA_CONFIGURATION: dict[MfaMode, str] = {"off": "OFF", "optional": "OPTIONAL", "required": "ON"}
LOCAL_ACCOUNTS = "COGNITO"
# An attribute mapping may name the user's username, which is not one of the pool's writable attributes.
USERNAME_MAPPING = "username"


@dataclass(frozen=True)
class CognitoSignInArgs:
    region: str
    domain_prefix: str | None
    """None derives one from the stack name and a random suffix kept in the stack's state."""
    stack_name: str
    callback_urls: pulumi.Input[Sequence[str]]
    """One per route; the first is the one `login_url` returns to."""
    logout_urls: pulumi.Input[Sequence[str]]
    """Where Cognito may send a browser after sign-out."""
    scopes: Sequence[str]
    deletion_protection: bool
    self_sign_up: bool
    allowed_groups: Sequence[str]
    """Groups to create in the pool (those whose members Kong lets through)."""
    identity_providers: Sequence[IdentityProvider] = ()
    local_accounts: bool = True
    """False: the hosted UI offers only the identity providers."""
    mfa: MfaMode = "off"
    user_pool_tier: UserPoolTier = "LITE"
    client_secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Identity providers' client secrets by provider name, where they come from outputs (the package);
    else each provider's own."""
    sign_in_domain: SignInDomain | None = None
    """People sign in there instead of at the prefix domain, which stays."""
    managed_login: ManagedLogin = "classic"
    managed_login_branding: ManagedLoginBranding | None = None


class CognitoSignIn(pulumi.ComponentResource):
    """Everything on the AWS side of the sign-in."""

    user_pool_id: pulumi.Output[str]
    client_id: pulumi.Output[str]
    client_secret: pulumi.Output[str]
    """Always a secret Output."""
    issuer_url: pulumi.Output[str]
    discovery_url: pulumi.Output[str]
    hosted_ui_domain: pulumi.Output[str]
    """Where people sign in: the own sign-in domain if there is one, else the prefix domain."""
    prefix_domain: pulumi.Output[str]
    sign_in_domain_target: pulumi.Output[str] | None
    """The CloudFront distribution the own sign-in domain must point to; None without one."""
    login_url: pulumi.Output[str]

    def __init__(self, name: str, args: CognitoSignInArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(naming.COGNITO_SIGN_IN_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # Only stacks whose group gate must let federated users in get the trigger and the custom attribute.
        grouped_providers = providers_with_groups(args.identity_providers, args.allowed_groups)
        federated_groups = (
            FederatedGroups(naming.child(name, "groups-trigger"), args.region, grouped_providers, opts=child)
            if grouped_providers
            else None
        )

        # Every resource names its region, so it is the region the URLs below are built with.
        user_pool = cognito.UserPool(
            naming.child(name, "users"),
            region=args.region,
            username_attributes=["email"],
            username_configuration={"case_sensitive": False},
            auto_verified_attributes=["email"],
            # Cognito emails a code that the user types to confirm the address.
            verification_message_template={"default_email_option": "CONFIRM_WITH_CODE"},
            # Updated in place: switching sign-up off or on keeps every account.
            admin_create_user_config={"allow_admin_create_user_only": not args.self_sign_up},
            **user_pool_mfa(args.mfa),
            # The feature plan: changed in place (UpdateUserPool's UserPoolTier).
            user_pool_tier=args.user_pool_tier,
            **user_pool_federated_groups(federated_groups),
            password_policy={
                "minimum_length": 12,
                "require_lowercase": True,
                "require_uppercase": True,
                "require_numbers": True,
                "require_symbols": True,
                "temporary_password_validity_days": 7,
            },
            account_recovery_setting={"recovery_mechanisms": [{"name": "verified_email", "priority": 1}]},
            deletion_protection="ACTIVE" if args.deletion_protection else "INACTIVE",
            # Cognito cannot remove a custom attribute: once the groups attribute is no longer
            # declared, the pool keeps it and the stack leaves the schema as it is.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=None if federated_groups else ["schemas"]),
        )
        if federated_groups is not None:
            federated_groups.allow_invocation_by(user_pool.arn)

        providers = declare_identity_providers(
            name,
            args.region,
            user_pool.id,
            args.identity_providers,
            bool(grouped_providers),
            parent=self,
            client_secrets=args.client_secrets,
        )

        domain_prefix: pulumi.Input[str]
        if args.domain_prefix is not None:
            domain_prefix = args.domain_prefix
        else:
            # Prefixes are unique per region across all AWS accounts; the random part is
            # generated once and then kept, so the hosted-UI URL stays stable across runs.
            suffix = RandomId(naming.child(name, "domain-suffix"), byte_length=4, opts=child)
            domain_prefix = suffix.hex.apply(
                lambda hex_suffix: naming.derived_domain_prefix(args.stack_name, hex_suffix)
            )

        domain = cognito.UserPoolDomain(
            naming.child(name, "domain"),
            region=args.region,
            user_pool_id=user_pool.id,
            domain=domain_prefix,
            # 1 is the classic hosted UI; 2 (managed login) shows no page without a branding style (below).
            managed_login_version=MANAGED_LOGIN_VERSION[args.managed_login],
            # A user pool has at most one prefix domain: a new prefix needs the old one gone.
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(delete_before_replace=True)),
        )

        client = cognito.UserPoolClient(
            naming.child(name, "client"),
            region=args.region,
            user_pool_id=user_pool.id,
            generate_secret=True,
            allowed_oauth_flows=["code"],
            allowed_oauth_scopes=list(args.scopes),
            # Without these two the hosted UI refuses the client.
            allowed_oauth_flows_user_pool_client=True,
            supported_identity_providers=supported_identity_providers(args),
            callback_urls=args.callback_urls,
            logout_urls=args.logout_urls,
            # Only refresh is left on: no password or SRP sign-in outside the hosted UI.
            explicit_auth_flows=["ALLOW_REFRESH_TOKEN_AUTH"],
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
            **client_write_attributes(args.identity_providers, bool(grouped_providers)),
            # Creating a client that names a provider Cognito does not have yet fails.
            opts=pulumi.ResourceOptions(parent=self, depends_on=providers) if providers else child,
        )

        if args.managed_login == "managed":
            declare_branding(name, args.region, user_pool.id, client.id, args.managed_login_branding, parent=self)

        # The own domain is a second domain of the pool: the prefix domain above is declared as ever.
        own_domain = (
            OwnSignInDomain(
                naming.child(name, naming.SIGN_IN_DOMAIN),
                OwnSignInDomainArgs(
                    args.region, user_pool.id, args.sign_in_domain, MANAGED_LOGIN_VERSION[args.managed_login]
                ),
                opts=child,
            )
            if args.sign_in_domain is not None
            else None
        )

        for group in args.allowed_groups:
            cognito.UserGroup(
                naming.user_group(name, group),
                region=args.region,
                user_pool_id=user_pool.id,
                name=group,
                description="Members may pass Kong's sign-in (kong-cognito-oidc allowedGroups).",
                opts=child,
            )

        self.user_pool_id = user_pool.id
        self.client_id = client.id
        self.client_secret = pulumi.Output.secret(client.client_secret)
        self.issuer_url = user_pool.id.apply(lambda pool_id: urls.issuer_url(args.region, pool_id))
        # The discovery document names the hosted UI's endpoints only once the domain exists (the own
        # domain's once that exists), so whoever reads this URL (Kong's plugin) waits for the domains too.
        domains = [domain.domain, *([own_domain.domain] if own_domain else [])]
        self.discovery_url = pulumi.Output.all(user_pool.id, *domains).apply(
            lambda values: urls.discovery_url(args.region, values[0])
        )
        self.prefix_domain = domain.domain.apply(lambda prefix: urls.hosted_ui_domain(prefix, args.region))
        self.hosted_ui_domain = own_domain.domain if own_domain else self.prefix_domain
        self.sign_in_domain_target = own_domain.distribution if own_domain else None
        self.login_url = pulumi.Output.all(self.hosted_ui_domain, client.id, args.callback_urls).apply(
            lambda values: urls.login_url(values[0], values[1], values[2][0], args.scopes)
        )
        self.register_outputs(
            {
                "userPoolId": self.user_pool_id,
                "clientId": self.client_id,
                "clientSecret": self.client_secret,
                "issuerUrl": self.issuer_url,
                "discoveryUrl": self.discovery_url,
                "hostedUiDomain": self.hosted_ui_domain,
                "loginUrl": self.login_url,
            }
        )


def user_pool_mfa(mfa: MfaMode) -> dict[str, Any]:
    """The pool's MFA inputs. A change is in place: the AWS provider calls SetUserPoolMfaConfig."""
    if mfa == "off":
        return {"mfa_configuration": MFA_CONFIGURATION[mfa]}
    return {"mfa_configuration": MFA_CONFIGURATION[mfa], "software_token_mfa_configuration": {"enabled": True}}


def user_pool_federated_groups(federated_groups: FederatedGroups | None) -> dict[str, Any]:
    """The custom attribute the providers map their groups to, and the trigger that puts them in tokens."""
    if federated_groups is None:
        return {}
    return {
        "schemas": [groups_attribute_schema()],
        "lambda_config": {
            "pre_token_generation_config": {
                "lambda_arn": federated_groups.function_arn,
                "lambda_version": TRIGGER_VERSION,
            }
        },
    }


def supported_identity_providers(args: CognitoSignInArgs) -> list[str]:
    """What the hosted UI offers: local accounts (unless `localAccounts` is false), then each provider."""
    local = [LOCAL_ACCOUNTS] if args.local_accounts else []
    return local + [provider.name for provider in args.identity_providers]


def client_write_attributes(providers: Sequence[IdentityProvider], map_groups: bool) -> dict[str, Any]:
    """Cognito writes a federated user's mapped attributes through the app client, which must be allowed to.

    By default a client may write the standard attributes only; the custom groups attribute must be listed,
    and then every mapped attribute with it. Without it the client stays as it was. A mapped `username` is
    not listed: Cognito sets it once, at the first sign-in, and it is no attribute a client can write.
    """
    if not map_groups:
        return {}
    mapped = {attribute for provider in providers for attribute, _ in provider.attribute_mapping}
    return {"write_attributes": sorted((mapped - {USERNAME_MAPPING}) | {GROUPS_ATTRIBUTE})}
