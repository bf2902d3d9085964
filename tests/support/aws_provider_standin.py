"""Stand-in for the `aws` resource provider (pulumi-aws 7.51.1), Cognito only, backed by moto.

Why a stand-in: pulumi-aws's provider cannot be built from Go modules (its upstream,
terraform-provider-aws, is a patched git submodule), and these machines reach no AWS. The
engine starts this as `pulumi-resource-aws`; it calls the Cognito API of a moto server on
loopback through boto3 (`AWS_ENDPOINT_URL`).

What it mirrors, where the engine can see it, for the Cognito types the program declares
(aws:cognito/userPool:UserPool, userPoolDomain:UserPoolDomain, userPoolClient:UserPoolClient,
userGroup:UserGroup, resourceServer:ResourceServer, identityProvider:IdentityProvider):
- input and output property names: those of the pulumi-aws 7.51.1 Python SDK
  (pulumi_aws/cognito/*.py, `__props__`), with the outputs the program reads;
- update versus replace per input: the ForceNew fields of terraform-provider-aws v6, which
  pulumi-aws 7 bridges (internal/service/cognitoidp/user_pool.go: `alias_attributes`, `name`,
  `username_attributes`, `username_configuration.case_sensitive`; user_pool_domain.go:
  `domain`, `user_pool_id`, `certificate_arn`; user_pool_client.go (RequiresReplace):
  `generate_secret`, `user_pool_id`; user_group.go: `name`, `user_pool_id`; resource_server.go:
  `identifier`, `name`, `user_pool_id`; identity_provider.go: `provider_name`, `provider_type`,
  `user_pool_id`); every other input updates in place. `region` (v6's per-resource region) is
  taken to replace: not verified;
- ids where the program or a test reads them: "<pool id>/<name>" for a group, "<pool id>|<identifier>"
  for a resource server, "<pool id>:<provider name>" for an identity provider;
- TOTP MFA set by its own call (SetUserPoolMfaConfig) after the pool's;
- the secret output `clientSecret` (pulumi-aws marks it: `additional_secret_outputs`, and the
  bridge returns sensitive attributes as secrets); an identity provider's `providerDetails`, read
  back from Cognito with its client secret, is not secret (not Sensitive upstream): the program
  must ask for that;
- auto-naming of an unset `name` and the bridge's delete-before-replace choice
  (standin_provider.py), and delete-before-replace wherever the program asks (the engine does that).

What it does not mirror: the groups trigger's IAM role and Lambda function (declared only with
allowedGroups and a provider's groupsAttribute), a resource server's update and delete (moto
5.2 implements neither: an update fails, a delete leaves it to go with its pool), Terraform's plan (nested
diffs are by whole top-level property), default values of inputs the program leaves out (they
are read back from moto instead), refresh drift detection beyond existence, import, and AWS
itself: moto's Cognito accepts some requests AWS refuses (e.g. it does not check that a domain
prefix is free across accounts).
"""

from __future__ import annotations

import os
from typing import Any

import boto3
import botocore.exceptions
from standin_provider import Props, ProviderError, ResourceType, StandInProvider, serve

VERSION = "7.51.1"
USER_POOL = "aws:cognito/userPool:UserPool"
USER_POOL_DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain"
USER_POOL_CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
USER_GROUP = "aws:cognito/userGroup:UserGroup"
RESOURCE_SERVER = "aws:cognito/resourceServer:ResourceServer"
IDENTITY_PROVIDER = "aws:cognito/identityProvider:IdentityProvider"


def cognito(props: Props) -> Any:
    region = props.get("region") or os.environ.get("AWS_REGION", "us-west-2")
    return boto3.client("cognito-idp", region_name=region)


def calling(call: Any, **kwargs: Any) -> Any:
    try:
        return call(**{key: value for key, value in kwargs.items() if value is not None})
    except botocore.exceptions.ClientError as error:
        raise ProviderError(str(error)) from error


# --- user pool ----------------------------------------------------------------------------


def _pool_request(props: Props) -> dict[str, Any]:
    policy = props.get("passwordPolicy") or {}
    template = props.get("verificationMessageTemplate") or {}
    recovery = (props.get("accountRecoverySetting") or {}).get("recoveryMechanisms") or []
    admin = props.get("adminCreateUserConfig") or {}
    return {
        "AutoVerifiedAttributes": props.get("autoVerifiedAttributes"),
        "VerificationMessageTemplate": {"DefaultEmailOption": template["defaultEmailOption"]} if template else None,
        "AdminCreateUserConfig": (
            {"AllowAdminCreateUserOnly": admin.get("allowAdminCreateUserOnly", False)} if admin else None
        ),
        "MfaConfiguration": props.get("mfaConfiguration"),
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": policy.get("minimumLength", 8),
                "RequireLowercase": policy.get("requireLowercase", True),
                "RequireUppercase": policy.get("requireUppercase", True),
                "RequireNumbers": policy.get("requireNumbers", True),
                "RequireSymbols": policy.get("requireSymbols", True),
                "TemporaryPasswordValidityDays": policy.get("temporaryPasswordValidityDays", 7),
            }
        },
        "AccountRecoverySetting": (
            {"RecoveryMechanisms": [{"Name": item["name"], "Priority": item["priority"]} for item in recovery]}
            if recovery
            else None
        ),
        "DeletionProtection": props.get("deletionProtection"),
        "UserPoolTier": props.get("userPoolTier"),
    }


def _pool_outputs(pool: dict[str, Any]) -> Props:
    return {
        "arn": pool["Arn"],
        "endpoint": f"cognito-idp.{pool['Arn'].split(':')[3]}.amazonaws.com/{pool['Id']}",
        "creationDate": str(pool.get("CreationDate", "")),
        "lastModifiedDate": str(pool.get("LastModifiedDate", "")),
        "estimatedNumberOfUsers": pool.get("EstimatedNumberOfUsers", 0),
        "domain": pool.get("Domain", ""),
        "customDomain": pool.get("CustomDomain", ""),
    }


def _set_mfa(pool_id: str, props: Props) -> None:
    # As terraform-provider-aws does: TOTP is SetUserPoolMfaConfig's, a call of its own after the pool's.
    totp = props.get("softwareTokenMfaConfiguration")
    if totp:
        calling(
            cognito(props).set_user_pool_mfa_config,
            UserPoolId=pool_id,
            MfaConfiguration=props.get("mfaConfiguration"),
            SoftwareTokenMfaConfiguration={"Enabled": totp["enabled"]},
        )


def create_pool(props: Props) -> tuple[str, Props]:
    client = cognito(props)
    username = props.get("usernameConfiguration") or {}
    pool = calling(
        client.create_user_pool,
        PoolName=props["name"],
        UsernameAttributes=props.get("usernameAttributes"),
        UsernameConfiguration={"CaseSensitive": username["caseSensitive"]} if username else None,
        **_pool_request(props),
    )["UserPool"]
    _set_mfa(pool["Id"], props)
    return pool["Id"], _pool_outputs(pool)


def read_pool(pool_id: str, props: Props) -> Props | None:
    try:
        pool = cognito(props).describe_user_pool(UserPoolId=pool_id)["UserPool"]
    except botocore.exceptions.ClientError:
        return None
    return _pool_outputs(pool)


def update_pool(pool_id: str, olds: Props, news: Props) -> Props:
    client = cognito(news)
    calling(client.update_user_pool, UserPoolId=pool_id, **_pool_request(news))
    _set_mfa(pool_id, news)
    return read_pool(pool_id, news) or {}


def delete_pool(pool_id: str, props: Props) -> None:
    calling(cognito(props).delete_user_pool, UserPoolId=pool_id)


# --- hosted-UI domain ---------------------------------------------------------------------


def create_domain(props: Props) -> tuple[str, Props]:
    client = cognito(props)
    calling(
        client.create_user_pool_domain,
        Domain=props["domain"],
        UserPoolId=props["userPoolId"],
        ManagedLoginVersion=props.get("managedLoginVersion"),
    )
    return props["domain"], read_domain(props["domain"], props) or {}


def read_domain(domain: str, props: Props) -> Props | None:
    found = cognito(props).describe_user_pool_domain(Domain=domain).get("DomainDescription") or {}
    if not found.get("UserPoolId"):
        return None
    return {
        "awsAccountId": found.get("AWSAccountId", ""),
        "cloudfrontDistribution": found.get("CloudFrontDistribution", ""),
        "cloudfrontDistributionArn": found.get("CloudFrontDistribution", ""),
        "cloudfrontDistributionZoneId": "Z2FDTNDATAQYW2",
        "s3Bucket": found.get("S3Bucket", ""),
        "version": found.get("Version", ""),
    }


def update_domain(domain: str, olds: Props, news: Props) -> Props:
    calling(
        cognito(news).update_user_pool_domain,
        Domain=domain,
        UserPoolId=news["userPoolId"],
        ManagedLoginVersion=news.get("managedLoginVersion"),
    )
    return read_domain(domain, news) or {}


def delete_domain(domain: str, props: Props) -> None:
    calling(cognito(props).delete_user_pool_domain, Domain=domain, UserPoolId=props["userPoolId"])


# --- app client -----------------------------------------------------------------------------

_CLIENT_FIELDS = {
    "allowedOauthFlows": "AllowedOAuthFlows",
    "allowedOauthScopes": "AllowedOAuthScopes",
    "allowedOauthFlowsUserPoolClient": "AllowedOAuthFlowsUserPoolClient",
    "supportedIdentityProviders": "SupportedIdentityProviders",
    "callbackUrls": "CallbackURLs",
    "logoutUrls": "LogoutURLs",
    "explicitAuthFlows": "ExplicitAuthFlows",
    "preventUserExistenceErrors": "PreventUserExistenceErrors",
    "enableTokenRevocation": "EnableTokenRevocation",
}


def _client_request(props: Props) -> dict[str, Any]:
    return {aws: props.get(name) for name, aws in _CLIENT_FIELDS.items()}


def _client_outputs(found: dict[str, Any]) -> Props:
    return {
        "clientSecret": found.get("ClientSecret", ""),
        "accessTokenValidity": found.get("AccessTokenValidity", 0),
        "idTokenValidity": found.get("IdTokenValidity", 0),
        "refreshTokenValidity": found.get("RefreshTokenValidity", 30),
        "authSessionValidity": found.get("AuthSessionValidity", 3),
        "defaultRedirectUri": found.get("DefaultRedirectURI", ""),
    }


def create_client(props: Props) -> tuple[str, Props]:
    found = calling(
        cognito(props).create_user_pool_client,
        UserPoolId=props["userPoolId"],
        ClientName=props["name"],
        GenerateSecret=props.get("generateSecret"),
        **_client_request(props),
    )["UserPoolClient"]
    return found["ClientId"], _client_outputs(found)


def read_client(client_id: str, props: Props) -> Props | None:
    try:
        found = cognito(props).describe_user_pool_client(UserPoolId=props["userPoolId"], ClientId=client_id)
    except botocore.exceptions.ClientError:
        return None
    return _client_outputs(found["UserPoolClient"])


def update_client(client_id: str, olds: Props, news: Props) -> Props:
    found = calling(
        cognito(news).update_user_pool_client,
        UserPoolId=news["userPoolId"],
        ClientId=client_id,
        ClientName=news["name"],
        **_client_request(news),
    )["UserPoolClient"]
    return _client_outputs(found)


def delete_client(client_id: str, props: Props) -> None:
    calling(cognito(props).delete_user_pool_client, UserPoolId=props["userPoolId"], ClientId=client_id)


# --- groups ---------------------------------------------------------------------------------


def create_group(props: Props) -> tuple[str, Props]:
    calling(
        cognito(props).create_group,
        GroupName=props["name"],
        UserPoolId=props["userPoolId"],
        Description=props.get("description"),
        Precedence=props.get("precedence"),
    )
    # terraform-provider-aws's id for a group: "<user pool id>/<name>".
    return f"{props['userPoolId']}/{props['name']}", {}


def read_group(group_id: str, props: Props) -> Props | None:
    try:
        cognito(props).get_group(GroupName=props["name"], UserPoolId=props["userPoolId"])
    except botocore.exceptions.ClientError:
        return None
    return {}


def update_group(group_id: str, olds: Props, news: Props) -> Props:
    calling(
        cognito(news).update_group,
        GroupName=news["name"],
        UserPoolId=news["userPoolId"],
        Description=news.get("description"),
        Precedence=news.get("precedence"),
    )
    return {}


def delete_group(group_id: str, props: Props) -> None:
    calling(cognito(props).delete_group, GroupName=props["name"], UserPoolId=props["userPoolId"])


# --- resource server (apiClients) -----------------------------------------------------------


def _resource_server_outputs(found: dict[str, Any]) -> Props:
    # terraform-provider-aws reads the scopes back and lists their full names.
    return {
        "scopeIdentifiers": [f"{found['Identifier']}/{scope['ScopeName']}" for scope in found.get("Scopes") or []],
    }


def _scopes(props: Props) -> list[dict[str, str]]:
    return [
        {"ScopeName": scope["scopeName"], "ScopeDescription": scope["scopeDescription"]}
        for scope in props.get("scopes") or []
    ]


def create_resource_server(props: Props) -> tuple[str, Props]:
    found = calling(
        cognito(props).create_resource_server,
        UserPoolId=props["userPoolId"],
        Identifier=props["identifier"],
        Name=props["name"],
        Scopes=_scopes(props),
    )["ResourceServer"]
    # terraform-provider-aws's id for a resource server: "<user pool id>|<identifier>".
    return f"{props['userPoolId']}|{props['identifier']}", _resource_server_outputs(found)


def read_resource_server(server_id: str, props: Props) -> Props | None:
    try:
        found = cognito(props).describe_resource_server(UserPoolId=props["userPoolId"], Identifier=props["identifier"])
    except botocore.exceptions.ClientError:
        return None
    return _resource_server_outputs(found["ResourceServer"])


def update_resource_server(server_id: str, olds: Props, news: Props) -> Props:
    # Only `scopes` updates in place (UpdateResourceServer), which moto does not implement.
    raise ProviderError("the stand-in cannot change a resource server's scopes: moto has no UpdateResourceServer")


def delete_resource_server(server_id: str, props: Props) -> None:
    # moto has no DeleteResourceServer: the resource server goes with its user pool.
    return None


# --- company identity providers (identityProviders) ----------------------------------------


def _identity_provider_request(props: Props) -> dict[str, Any]:
    return {
        "ProviderDetails": props.get("providerDetails"),
        "AttributeMapping": props.get("attributeMapping"),
        "IdpIdentifiers": props.get("idpIdentifiers"),
    }


def _identity_provider_outputs(found: dict[str, Any]) -> Props:
    # What Cognito reads back, the client secret included, in plain text: the bridge marks none of it
    # secret (provider_details is not Sensitive upstream), so the program must ask for that itself.
    return {
        "providerDetails": found.get("ProviderDetails") or {},
        "attributeMapping": found.get("AttributeMapping") or {},
    }


def create_identity_provider(props: Props) -> tuple[str, Props]:
    found = calling(
        cognito(props).create_identity_provider,
        UserPoolId=props["userPoolId"],
        ProviderName=props["providerName"],
        ProviderType=props["providerType"],
        **_identity_provider_request(props),
    )["IdentityProvider"]
    # terraform-provider-aws's id for an identity provider: "<user pool id>:<provider name>".
    return f"{props['userPoolId']}:{props['providerName']}", _identity_provider_outputs(found)


def read_identity_provider(provider_id: str, props: Props) -> Props | None:
    try:
        found = cognito(props).describe_identity_provider(
            UserPoolId=props["userPoolId"], ProviderName=props["providerName"]
        )
    except botocore.exceptions.ClientError:
        return None
    return _identity_provider_outputs(found["IdentityProvider"])


def update_identity_provider(provider_id: str, olds: Props, news: Props) -> Props:
    found = calling(
        cognito(news).update_identity_provider,
        UserPoolId=news["userPoolId"],
        ProviderName=news["providerName"],
        **_identity_provider_request(news),
    )["IdentityProvider"]
    return _identity_provider_outputs(found)


def delete_identity_provider(provider_id: str, props: Props) -> None:
    calling(cognito(props).delete_identity_provider, UserPoolId=props["userPoolId"], ProviderName=props["providerName"])


TYPES = [
    ResourceType(
        token=USER_POOL,
        inputs=frozenset(
            {
                "name",
                "region",
                "usernameAttributes",
                "aliasAttributes",
                "usernameConfiguration",
                "autoVerifiedAttributes",
                "verificationMessageTemplate",
                "adminCreateUserConfig",
                "mfaConfiguration",
                "softwareTokenMfaConfiguration",
                "userPoolTier",
                "passwordPolicy",
                "accountRecoverySetting",
                "deletionProtection",
            }
        ),
        replace_on=frozenset({"name", "region", "aliasAttributes", "usernameAttributes", "usernameConfiguration"}),
        create=create_pool,
        read=read_pool,
        update=update_pool,
        delete=delete_pool,
        autoname=True,
    ),
    ResourceType(
        token=USER_POOL_DOMAIN,
        inputs=frozenset({"domain", "userPoolId", "managedLoginVersion", "certificateArn", "region"}),
        replace_on=frozenset({"domain", "userPoolId", "certificateArn", "region"}),
        create=create_domain,
        read=read_domain,
        update=update_domain,
        delete=delete_domain,
    ),
    ResourceType(
        token=USER_POOL_CLIENT,
        inputs=frozenset({"name", "userPoolId", "generateSecret", "region", *_CLIENT_FIELDS}),
        replace_on=frozenset({"userPoolId", "generateSecret", "region"}),
        create=create_client,
        read=read_client,
        update=update_client,
        delete=delete_client,
        secret_outputs=frozenset({"clientSecret"}),
        autoname=True,
    ),
    ResourceType(
        token=USER_GROUP,
        inputs=frozenset({"name", "userPoolId", "description", "precedence", "roleArn", "region"}),
        replace_on=frozenset({"name", "userPoolId", "region"}),
        create=create_group,
        read=read_group,
        update=update_group,
        delete=delete_group,
        autoname=True,
    ),
    ResourceType(
        token=RESOURCE_SERVER,
        inputs=frozenset({"identifier", "name", "scopes", "userPoolId", "region"}),
        replace_on=frozenset({"identifier", "name", "userPoolId", "region"}),
        create=create_resource_server,
        read=read_resource_server,
        update=update_resource_server,
        delete=delete_resource_server,
    ),
    ResourceType(
        token=IDENTITY_PROVIDER,
        inputs=frozenset(
            {
                "providerName",
                "providerType",
                "providerDetails",
                "attributeMapping",
                "idpIdentifiers",
                "userPoolId",
                "region",
            }
        ),
        replace_on=frozenset({"providerName", "providerType", "userPoolId", "region"}),
        create=create_identity_provider,
        read=read_identity_provider,
        update=update_identity_provider,
        delete=delete_identity_provider,
    ),
]

if __name__ == "__main__":
    serve(StandInProvider(VERSION, TYPES))
