"""Stand-in for the `aws` resource provider (pulumi-aws 7.51.1), for the program's types, backed by moto.

Why a stand-in: pulumi-aws's provider cannot be built from Go modules (its upstream,
terraform-provider-aws, is a patched git submodule), and these machines reach no AWS. The
engine starts this as `pulumi-resource-aws`; it calls the Cognito, IAM and Lambda APIs of a
moto server on loopback through boto3 (`AWS_ENDPOINT_URL`).

It serves exactly the types the program declares (aws:cognito/userPool:UserPool,
userPoolDomain:UserPoolDomain, userPoolClient:UserPoolClient, userGroup:UserGroup,
resourceServer:ResourceServer, identityProvider:IdentityProvider; for the federated-groups
trigger aws:iam/role:Role, rolePolicyAttachment:RolePolicyAttachment, aws:lambda/function:Function,
permission:Permission), and mirrors, where the engine can see it:

- input and output property names: those of the pulumi-aws 7.51.1 Python SDK
  (pulumi_aws/cognito/*.py, `__props__`), with the outputs the program reads;
- update versus replace per input: the ForceNew fields of terraform-provider-aws v6, which
  pulumi-aws 7 bridges (internal/service/cognitoidp/user_pool.go: `alias_attributes`, `name`,
  `username_attributes`, `username_configuration.case_sensitive`; user_pool_domain.go:
  `domain`, `user_pool_id`, `certificate_arn`; user_pool_client.go (RequiresReplace):
  `generate_secret`, `user_pool_id`; user_group.go: `name`, `user_pool_id`; resource_server.go:
  `identifier`, `name`, `user_pool_id`; identity_provider.go: `provider_name`, `provider_type`,
  `user_pool_id`; iam role.go: `name`; role_policy_attachment.go: both inputs; lambda
  function.go: `function_name`; permission.go: every input); every other input updates in place
  (a pool's new custom attribute by AddCustomAttributes). `region` (v6's per-resource region) is
  taken to replace: not verified;
- what the provider stores after Create, Update and Read: Terraform's Read of what AWS answers
  (Create and Update end with it), for every input, not what the program sent. Whether a later
  preview shows a change is then decided as the bridge decides it, by planning that state against
  the inputs (standin_provider.py, tf_plan.py), with each input's Terraform rules in `SCHEMAS`;
- ids where the program or a test reads them: "<pool id>/<name>" for a group, "<pool id>|<identifier>"
  for a resource server, "<pool id>:<provider name>" for an identity provider;
- the secret output `clientSecret` (pulumi-aws marks it: `additional_secret_outputs`, and the
  bridge returns sensitive attributes as secrets); an identity provider's `providerDetails`, read
  back from Cognito with its client secret, is not secret (not Sensitive upstream): the program
  must ask for that;
- auto-naming of an unset `name` and the bridge's delete-before-replace choice
  (standin_provider.py), and delete-before-replace wherever the program asks (the engine does that).

What Cognito answers that moto does not, added here to moto's answer (`cognito_*` functions):

- an OIDC provider's ProviderDetails gain the endpoints Cognito discovers from `oidc_issuer`
  (`authorize_url`, `token_url`, `attributes_url`, `jwks_uri`) and `attributes_url_add_attributes`
  (botocore's cognito-idp model, IdentityProviderType.ProviderDetails, "Describe response" for
  OIDC; lgallard/terraform-aws-cognito-user-pool PR #371 ignores exactly these keys). The stand-in
  fetches no discovery document: the URLs are made from the issuer, the keys are Cognito's. An
  endpoint sent in a request is kept as sent (the API accepts these keys, and moto stores them);
- a SAML provider's gain `ActiveEncryptionCertificate` (botocore's model, SAML "Describe
  response"; lgallard/terraform-aws-cognito-user-pool issue #135: returned with
  `EncryptedResponses` false too), and `SSORedirectBindingURI` / `SLORedirectBindingURI`, the
  metadata's HTTP-Redirect endpoints (botocore's model; hashicorp/terraform-provider-aws issue
  #4807). From a `MetadataFile` they are read from the document; for a `MetadataURL` (the stand-in
  fetches nothing) they are made from its host;
- a Google provider's gain Google's endpoints and methods (botocore's model, Google "Describe
  response"; the same values as identity_provider.go's defaultIdentityProviderDetails);
- a pool created without `UserPoolTier` is on ESSENTIALS (botocore's model: "Defaults to ESSENTIALS");
- a domain's `ManagedLoginVersion` is kept (DomainDescriptionType.ManagedLoginVersion; moto drops it);
- SetUserPoolMfaConfig refuses MFA OFF with a TOTP configuration ("Invalid MFA configuration given,
  can't turn off MFA and configure an MFA together", quoted in terraform-provider-aws user_pool.go):
  moto accepts it.

And what moto answers that Cognito does not, left out: the default invitation template moto gives
a pool created without one (AdminCreateUserConfigType.InviteMessageTemplate has no default in the
API reference, and terraform-provider-aws would show it as a change on every plan of a pool that
declares admin_create_user_config); the standard attributes and the username fields moto forgets
after UpdateUserPool (the API reference sets only the updatable ones to their defaults).

How terraform-provider-aws reads each answer into the state (the Pulumi names of its attributes):
- user pool (user_pool.go, resourceUserPoolRead): every block as AWS returns it; `schema` only the
  custom attributes and the configured standard ones (flattenSchemaAttributeTypes), without the
  `custom:` prefix; `mfa_configuration` and `software_token_mfa_configuration` from
  GetUserPoolMfaConfig; the MFA set by SetUserPoolMfaConfig, at Create only when not OFF, at Update
  when either changed, with `software_token_mfa_configuration` whenever declared;
- app client (user_pool_client.go, a framework resource): every attribute as DescribeUserPoolClient
  returns it; `token_validity_units` left null while it was null and AWS's units are the defaults
  (isDefaultTokenValidityUnits), or when AWS returns none (flattenTokenValidityUnits);
- identity provider (identity_provider.go): `provider_details`, `attribute_mapping` and
  `idp_identifiers` as DescribeIdentityProvider returns them; Update sends the planned
  `provider_details` without `ActiveEncryptionCertificate`;
- IAM role: the assume-role policy kept as configured while AWS's is the same policy
  (verify.PolicyToSet); `path`, `max_session_duration` as IAM returns them;
- Lambda function: its configuration as GetFunction returns it, `code` as configured.

What it does not mirror: a resource server's update and delete (moto 5.2 implements neither: an
update fails, a delete leaves it to go with its pool), running the Lambda function (moto needs
Docker for that), a role attached to AWS's managed policy unless the moto server loads them
(MOTO_IAM_LOAD_MANAGED_POLICIES=true), nested paths in the detailed diff (changes are shown by
top-level property), refresh drift detection beyond what Read returns, import, and AWS itself:
moto's Cognito accepts some requests AWS refuses (e.g. it does not check that a domain prefix is
free across accounts), and whether Cognito discovers an OIDC issuer's endpoints again when an update
sends the new issuer with the old endpoints (here it keeps what is sent).
"""

from __future__ import annotations

import io
import json
import os
import secrets
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from standin_provider import Props, ProviderError, ResourceType, StandInProvider, comparable, serve
from tf_plan import Field

if TYPE_CHECKING:
    import botocore.exceptions

VERSION = "7.51.1"
USER_POOL = "aws:cognito/userPool:UserPool"
USER_POOL_DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain"
USER_POOL_CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
USER_GROUP = "aws:cognito/userGroup:UserGroup"
RESOURCE_SERVER = "aws:cognito/resourceServer:ResourceServer"
IDENTITY_PROVIDER = "aws:cognito/identityProvider:IdentityProvider"
ROLE = "aws:iam/role:Role"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"


# What a client is made from: the service and region, and the environment boto3 reads its endpoint and credentials from.
_CLIENT_ENVIRONMENT = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
_clients: dict[tuple[str, ...], Any] = {}


def _client(service: str, props: Props) -> Any:
    """One client per service, region, endpoint and credentials, kept as the provider keeps its AWS clients:
    making one takes about 10 ms, and a deployment calls AWS dozens of times."""
    # boto3 is imported when a resource is first touched, not when the engine starts the plugin.
    import boto3

    region = props.get("region") or os.environ.get("AWS_REGION", "us-west-2")
    key = (service, region, *(os.environ.get(name, "") for name in _CLIENT_ENVIRONMENT))
    if key not in _clients:
        _clients[key] = boto3.client(service, region_name=region)
    return _clients[key]


def cognito(props: Props) -> Any:
    return _client("cognito-idp", props)


def _client_error() -> type[botocore.exceptions.ClientError]:
    import botocore.exceptions

    return botocore.exceptions.ClientError


def calling(call: Any, **kwargs: Any) -> Any:
    try:
        return call(**{key: value for key, value in kwargs.items() if value is not None})
    except _client_error() as error:
        raise ProviderError(str(error)) from error


def found_or_none(call: Any, **kwargs: Any) -> Any:
    """The answer, or None where AWS says the resource does not exist (Read then drops it from the state)."""
    try:
        return call(**kwargs)
    except _client_error():
        return None


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _without_empty(value: dict[str, Any]) -> dict[str, Any] | None:
    kept = {key: item for key, item in value.items() if item is not None}
    return kept or None


# --- user pool ----------------------------------------------------------------------------

# What moto answers for a pool created without an invitation template, which Cognito does not.
_MOTO_INVITE_TEMPLATE = {
    "SMSMessage": "Your username is {username} and temporary password is {####}. ",
    "EmailMessage": "Your username is {username} and temporary password is {####}. ",
    "EmailSubject": "Your temporary password",
}
DEFAULT_USER_POOL_TIER = "ESSENTIALS"
MFA_OFF_WITH_A_FACTOR = (
    "InvalidParameterException: Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
)


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
        "LambdaConfig": _lambda_config(props.get("lambdaConfig")),
    }


def _lambda_config(config: Props | None) -> dict[str, Any] | None:
    trigger = (config or {}).get("preTokenGenerationConfig")
    if not trigger:
        return None
    return {"PreTokenGenerationConfig": {"LambdaArn": trigger["lambdaArn"], "LambdaVersion": trigger["lambdaVersion"]}}


def _custom_attributes(props: Props) -> list[dict[str, Any]]:
    return [
        {
            "Name": schema["name"],
            "AttributeDataType": schema["attributeDataType"],
            "Mutable": schema.get("mutable", False),
            "Required": schema.get("required", False),
            "DeveloperOnlyAttribute": schema.get("developerOnlyAttribute", False),
            "StringAttributeConstraints": {
                "MinLength": schema["stringAttributeConstraints"]["minLength"],
                "MaxLength": schema["stringAttributeConstraints"]["maxLength"],
            },
        }
        for schema in props.get("schemas") or []
    ]


def _set_mfa(pool_id: str, props: Props) -> None:
    """SetUserPoolMfaConfig as terraform-provider-aws calls it: the declared TOTP block whenever there is one."""
    mfa = props.get("mfaConfiguration") or "OFF"
    totp = props.get("softwareTokenMfaConfiguration")
    if mfa == "OFF" and totp:
        raise ProviderError(MFA_OFF_WITH_A_FACTOR)
    calling(
        cognito(props).set_user_pool_mfa_config,
        UserPoolId=pool_id,
        MfaConfiguration=mfa,
        SoftwareTokenMfaConfiguration={"Enabled": totp["enabled"]} if totp else None,
    )


def _schema_state(attribute: dict[str, Any]) -> Props:
    """One attribute as flattenSchemaAttributeTypes stores it: the name without its prefix."""
    name = attribute["Name"].removeprefix("dev:").removeprefix("custom:")
    state: Props = {
        "attributeDataType": attribute.get("AttributeDataType"),
        "developerOnlyAttribute": bool(attribute.get("DeveloperOnlyAttribute")),
        "mutable": bool(attribute.get("Mutable")),
        "name": name,
        "required": bool(attribute.get("Required")),
    }
    for aws_key, key, fields in (
        ("StringAttributeConstraints", "stringAttributeConstraints", ("MaxLength", "MinLength")),
        ("NumberAttributeConstraints", "numberAttributeConstraints", ("MaxValue", "MinValue")),
    ):
        constraints = attribute.get(aws_key)
        if constraints is not None:
            state[key] = {_camel(field): constraints[field] for field in fields if constraints.get(field) is not None}
    return state


def _lambda_config_state(config: dict[str, Any] | None) -> Props | None:
    state: Props = {}
    for aws_key, value in (config or {}).items():
        if aws_key == "PreTokenGenerationConfig":
            state["preTokenGenerationConfig"] = {
                "lambdaArn": value["LambdaArn"],
                "lambdaVersion": value["LambdaVersion"],
            }
            # The legacy field holds the same function (LambdaConfigType.PreTokenGeneration); Computed upstream.
            state.setdefault("preTokenGeneration", value["LambdaArn"])
        elif isinstance(value, str):
            state[_camel(aws_key)] = value
    return state or None


def cognito_pool_state(pool: dict[str, Any], mfa: dict[str, Any], prior: Props) -> Props:
    """What terraform-provider-aws stores for a pool from DescribeUserPool and GetUserPoolMfaConfig."""
    admin = pool.get("AdminCreateUserConfig") or {}
    invite = admin.get("InviteMessageTemplate")
    if invite == _MOTO_INVITE_TEMPLATE:
        invite = None
    template = pool.get("VerificationMessageTemplate") or {}
    policy = (pool.get("Policies") or {}).get("PasswordPolicy") or {}
    recovery = (pool.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms")
    email = pool.get("EmailConfiguration") or {}
    configured = {schema.get("name") for schema in prior.get("schemas") or []}
    totp = mfa.get("SoftwareTokenMfaConfiguration")
    return {
        "name": pool["Name"],
        # UpdateUserPool cannot change these; moto forgets them after one, Cognito keeps them.
        "usernameAttributes": pool.get("UsernameAttributes") or prior.get("usernameAttributes"),
        "aliasAttributes": pool.get("AliasAttributes") or prior.get("aliasAttributes"),
        "usernameConfiguration": (
            {"caseSensitive": pool["UsernameConfiguration"]["CaseSensitive"]}
            if pool.get("UsernameConfiguration")
            else prior.get("usernameConfiguration")
        ),
        "autoVerifiedAttributes": pool.get("AutoVerifiedAttributes") or [],
        "verificationMessageTemplate": _without_empty({_camel(key): value for key, value in template.items()}),
        "emailVerificationMessage": pool.get("EmailVerificationMessage"),
        "emailVerificationSubject": pool.get("EmailVerificationSubject"),
        "smsVerificationMessage": pool.get("SmsVerificationMessage"),
        "adminCreateUserConfig": _without_empty(
            {
                "allowAdminCreateUserOnly": admin.get("AllowAdminCreateUserOnly"),
                "inviteMessageTemplate": (
                    {_camel(key.replace("SMS", "Sms")): value for key, value in invite.items()} if invite else None
                ),
            }
        ),
        "emailConfiguration": _without_empty({_camel(key): value for key, value in email.items()}),
        "passwordPolicy": _without_empty({_camel(key): value for key, value in policy.items()}),
        "accountRecoverySetting": (
            {"recoveryMechanisms": [{"name": item["Name"], "priority": item["Priority"]} for item in recovery]}
            if recovery
            else None
        ),
        "deletionProtection": pool.get("DeletionProtection") or "INACTIVE",
        "userPoolTier": pool.get("UserPoolTier") or DEFAULT_USER_POOL_TIER,
        "schemas": [
            _schema_state(attribute)
            for attribute in pool.get("SchemaAttributes") or []
            if attribute["Name"].startswith(("custom:", "dev:")) or attribute["Name"] in configured
        ],
        "lambdaConfig": _lambda_config_state(pool.get("LambdaConfig")),
        "mfaConfiguration": mfa.get("MfaConfiguration") or "OFF",
        "softwareTokenMfaConfiguration": {"enabled": totp["Enabled"]} if totp else None,
        # Outputs only.
        "arn": pool["Arn"],
        "endpoint": f"cognito-idp.{pool['Arn'].split(':')[3]}.amazonaws.com/{pool['Id']}",
        "creationDate": str(pool.get("CreationDate", "")),
        "lastModifiedDate": str(pool.get("LastModifiedDate", "")),
        "estimatedNumberOfUsers": pool.get("EstimatedNumberOfUsers", 0),
        "domain": pool.get("Domain", ""),
        "customDomain": pool.get("CustomDomain", ""),
    }


def create_pool(props: Props) -> tuple[str, Props]:
    client = cognito(props)
    username = props.get("usernameConfiguration") or {}
    pool = calling(
        client.create_user_pool,
        PoolName=props["name"],
        UsernameAttributes=props.get("usernameAttributes"),
        UsernameConfiguration={"CaseSensitive": username["caseSensitive"]} if username else None,
        Schema=_custom_attributes(props) or None,
        **_pool_request(props),
    )["UserPool"]
    if (props.get("mfaConfiguration") or "OFF") != "OFF":
        _set_mfa(pool["Id"], props)
    return pool["Id"], read_pool(pool["Id"], props) or {}


def read_pool(pool_id: str, props: Props) -> Props | None:
    client = cognito(props)
    found = found_or_none(client.describe_user_pool, UserPoolId=pool_id)
    if found is None:
        return None
    mfa = calling(client.get_user_pool_mfa_config, UserPoolId=pool_id)
    return cognito_pool_state(found["UserPool"], mfa, props)


def update_pool(pool_id: str, olds: Props, news: Props) -> Props:
    client = cognito(news)
    mfa_keys = ("mfaConfiguration", "softwareTokenMfaConfiguration")
    if any(comparable(olds.get(key)) != comparable(news.get(key)) for key in mfa_keys):
        _set_mfa(pool_id, news)
    calling(client.update_user_pool, UserPoolId=pool_id, **_pool_request(news))
    # A custom attribute is added in place (AddCustomAttributes); Cognito never removes one.
    known = {schema["name"] for schema in olds.get("schemas") or []}
    added = [attribute for attribute in _custom_attributes(news) if attribute["Name"] not in known]
    if added:
        calling(client.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=added)
    return read_pool(pool_id, {**olds, **news}) or {}


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
        "domain": found["Domain"],
        "userPoolId": found["UserPoolId"],
        # Cognito keeps the version it was given (1 when none was); moto does not keep it.
        "managedLoginVersion": found.get("ManagedLoginVersion") or props.get("managedLoginVersion") or 1,
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
    "readAttributes": "ReadAttributes",
    "writeAttributes": "WriteAttributes",
    "accessTokenValidity": "AccessTokenValidity",
    "idTokenValidity": "IdTokenValidity",
    "refreshTokenValidity": "RefreshTokenValidity",
    "authSessionValidity": "AuthSessionValidity",
    "defaultRedirectUri": "DefaultRedirectURI",
    "enablePropagateAdditionalUserContextData": "EnablePropagateAdditionalUserContextData",
}
_DEFAULT_TOKEN_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}


def _client_request(props: Props) -> dict[str, Any]:
    units = props.get("tokenValidityUnits")
    return {
        **{aws: props.get(name) for name, aws in _CLIENT_FIELDS.items()},
        "TokenValidityUnits": {key[:1].upper() + key[1:]: value for key, value in units.items()} if units else None,
    }


def cognito_client_state(found: dict[str, Any], prior: Props) -> Props:
    """What terraform-provider-aws stores for an app client from DescribeUserPoolClient."""
    units = found.get("TokenValidityUnits") or {}
    keep_units_null = not prior.get("tokenValidityUnits") and units == _DEFAULT_TOKEN_UNITS
    return {
        "name": found.get("ClientName"),
        "userPoolId": found.get("UserPoolId"),
        "clientSecret": found.get("ClientSecret", ""),
        **{name: found.get(aws) for name, aws in _CLIENT_FIELDS.items()},
        "tokenValidityUnits": (
            None if keep_units_null or not any(units.values()) else {_camel(key): value for key, value in units.items()}
        ),
    }


def create_client(props: Props) -> tuple[str, Props]:
    found = calling(
        cognito(props).create_user_pool_client,
        UserPoolId=props["userPoolId"],
        ClientName=props["name"],
        GenerateSecret=props.get("generateSecret"),
        **_client_request(props),
    )["UserPoolClient"]
    return found["ClientId"], read_client(found["ClientId"], props) or {}


def read_client(client_id: str, props: Props) -> Props | None:
    found = found_or_none(cognito(props).describe_user_pool_client, UserPoolId=props["userPoolId"], ClientId=client_id)
    return None if found is None else cognito_client_state(found["UserPoolClient"], props)


def update_client(client_id: str, olds: Props, news: Props) -> Props:
    calling(
        cognito(news).update_user_pool_client,
        UserPoolId=news["userPoolId"],
        ClientId=client_id,
        ClientName=news["name"],
        **_client_request(news),
    )
    return read_client(client_id, news) or {}


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
    group_id = f"{props['userPoolId']}/{props['name']}"
    return group_id, read_group(group_id, props) or {}


def read_group(group_id: str, props: Props) -> Props | None:
    found = found_or_none(cognito(props).get_group, GroupName=props["name"], UserPoolId=props["userPoolId"])
    if found is None:
        return None
    group = found["Group"]
    return {
        "name": group["GroupName"],
        "userPoolId": group["UserPoolId"],
        "description": group.get("Description"),
        "precedence": group.get("Precedence"),
        "roleArn": group.get("RoleArn"),
    }


def update_group(group_id: str, olds: Props, news: Props) -> Props:
    calling(
        cognito(news).update_group,
        GroupName=news["name"],
        UserPoolId=news["userPoolId"],
        Description=news.get("description"),
        Precedence=news.get("precedence"),
    )
    return read_group(group_id, news) or {}


def delete_group(group_id: str, props: Props) -> None:
    calling(cognito(props).delete_group, GroupName=props["name"], UserPoolId=props["userPoolId"])


# --- resource server (apiClients) -----------------------------------------------------------


def _resource_server_state(found: dict[str, Any]) -> Props:
    scopes = found.get("Scopes") or []
    return {
        "identifier": found["Identifier"],
        "name": found["Name"],
        "userPoolId": found["UserPoolId"],
        "scopes": [
            {"scopeName": scope["ScopeName"], "scopeDescription": scope["ScopeDescription"]} for scope in scopes
        ],
        # terraform-provider-aws reads the scopes back and lists their full names.
        "scopeIdentifiers": [f"{found['Identifier']}/{scope['ScopeName']}" for scope in scopes],
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
    return f"{props['userPoolId']}|{props['identifier']}", _resource_server_state(found)


def read_resource_server(server_id: str, props: Props) -> Props | None:
    found = found_or_none(
        cognito(props).describe_resource_server, UserPoolId=props["userPoolId"], Identifier=props["identifier"]
    )
    return None if found is None else _resource_server_state(found["ResourceServer"])


def update_resource_server(server_id: str, olds: Props, news: Props) -> Props:
    # Only `scopes` updates in place (UpdateResourceServer), which moto does not implement.
    raise ProviderError("the stand-in cannot change a resource server's scopes: moto has no UpdateResourceServer")


def delete_resource_server(server_id: str, props: Props) -> None:
    # moto has no DeleteResourceServer: the resource server goes with its user pool.
    return None


# --- company identity providers (identityProviders) ----------------------------------------

# botocore's cognito-idp model, IdentityProviderType.ProviderDetails, Google's "Describe response";
# identity_provider.go's defaultIdentityProviderDetails holds the same.
GOOGLE_DETAILS = {
    "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
    "attributes_url_add_attributes": "true",
    "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
    "oidc_issuer": "https://accounts.google.com",
    "token_request_method": "POST",
    "token_url": "https://www.googleapis.com/oauth2/v4/token",
}
# The endpoints Cognito discovers from an OIDC issuer, and where the stand-in says it found them.
OIDC_DISCOVERED = {
    "authorize_url": "/authorize",
    "token_url": "/token",
    "attributes_url": "/userinfo",
    "jwks_uri": "/.well-known/jwks.json",
}
SAML_METADATA = "urn:oasis:names:tc:SAML:2.0:metadata"
HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
# Stands for the certificate Cognito generates to sign and decrypt for the provider.
ENCRYPTION_CERTIFICATE = "MIIC-stand-in-certificate-of-the-user-pool"


def _saml_redirect_endpoints(details: dict[str, str]) -> dict[str, str]:
    if "MetadataFile" in details:
        try:
            root = ElementTree.fromstring(details["MetadataFile"])
        except ElementTree.ParseError:
            return {}
        found = {}
        for element, key in (
            ("SingleSignOnService", "SSORedirectBindingURI"),
            ("SingleLogoutService", "SLORedirectBindingURI"),
        ):
            for service in root.iter(f"{{{SAML_METADATA}}}{element}"):
                if service.get("Binding") == HTTP_REDIRECT and service.get("Location"):
                    found[key] = service.get("Location", "")
                    break
        return found
    host = urlsplit(details.get("MetadataURL", "")).netloc
    return {"SSORedirectBindingURI": f"https://{host}/sso/saml", "SLORedirectBindingURI": f"https://{host}/slo/saml"}


def cognito_provider_details(provider_type: str, stored: dict[str, str]) -> dict[str, str]:
    """ProviderDetails as DescribeIdentityProvider answers: what was stored, and what Cognito adds."""
    added: dict[str, str] = {}
    if provider_type == "OIDC":
        issuer = stored.get("oidc_issuer", "").rstrip("/")
        added = {key: issuer + path for key, path in OIDC_DISCOVERED.items()}
        added["attributes_url_add_attributes"] = "false"
    elif provider_type == "SAML":
        added = {**_saml_redirect_endpoints(stored), "ActiveEncryptionCertificate": ENCRYPTION_CERTIFICATE}
    elif provider_type == "Google":
        added = dict(GOOGLE_DETAILS)
    return {**added, **stored}


def _identity_provider_state(found: dict[str, Any]) -> Props:
    return {
        "providerName": found["ProviderName"],
        "providerType": found["ProviderType"],
        "userPoolId": found.get("UserPoolId"),
        # The client secret included, in plain text: the bridge marks none of it secret
        # (provider_details is not Sensitive upstream), so the program must ask for that itself.
        "providerDetails": cognito_provider_details(found["ProviderType"], found.get("ProviderDetails") or {}),
        "attributeMapping": found.get("AttributeMapping") or {},
        "idpIdentifiers": found.get("IdpIdentifiers") or None,
    }


def create_identity_provider(props: Props) -> tuple[str, Props]:
    calling(
        cognito(props).create_identity_provider,
        UserPoolId=props["userPoolId"],
        ProviderName=props["providerName"],
        ProviderType=props["providerType"],
        ProviderDetails=props.get("providerDetails"),
        AttributeMapping=props.get("attributeMapping"),
        IdpIdentifiers=props.get("idpIdentifiers"),
    )
    # terraform-provider-aws's id for an identity provider: "<user pool id>:<provider name>".
    provider_id = f"{props['userPoolId']}:{props['providerName']}"
    return provider_id, read_identity_provider(provider_id, props) or {}


def read_identity_provider(provider_id: str, props: Props) -> Props | None:
    found = found_or_none(
        cognito(props).describe_identity_provider, UserPoolId=props["userPoolId"], ProviderName=props["providerName"]
    )
    if found is None:
        return None
    return {**_identity_provider_state(found["IdentityProvider"]), "userPoolId": props["userPoolId"]}


def update_identity_provider(provider_id: str, olds: Props, news: Props) -> Props:
    # Sent only when changed (d.HasChange), and provider_details without the certificate Cognito refuses.
    changed = {
        key for key in ("providerDetails", "attributeMapping", "idpIdentifiers") if olds.get(key) != news.get(key)
    }
    details = {
        key: value for key, value in (news.get("providerDetails") or {}).items() if key != "ActiveEncryptionCertificate"
    }
    calling(
        cognito(news).update_identity_provider,
        UserPoolId=news["userPoolId"],
        ProviderName=news["providerName"],
        ProviderDetails=details if "providerDetails" in changed else None,
        AttributeMapping=news.get("attributeMapping") if "attributeMapping" in changed else None,
        IdpIdentifiers=news.get("idpIdentifiers") if "idpIdentifiers" in changed else None,
    )
    return read_identity_provider(provider_id, news) or {}


def delete_identity_provider(provider_id: str, props: Props) -> None:
    calling(cognito(props).delete_identity_provider, UserPoolId=props["userPoolId"], ProviderName=props["providerName"])


# --- the federated-groups trigger: IAM role, its policy attachment, Lambda function, permission ----


def iam(props: Props) -> Any:
    return _client("iam", props)


def lambda_(props: Props) -> Any:
    return _client("lambda", props)


def _same_policy(left: Any, right: Any) -> bool:
    def parsed(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    try:
        return bool(parsed(left) == parsed(right))
    except ValueError:
        return False


def _role_state(role: dict[str, Any], prior: Props) -> Props:
    document = role.get("AssumeRolePolicyDocument")
    configured = prior.get("assumeRolePolicy")
    return {
        "name": role["RoleName"],
        # verify.PolicyToSet: the configured text while AWS holds the same policy.
        "assumeRolePolicy": configured if _same_policy(configured, document) else json.dumps(document),
        "path": role.get("Path", "/"),
        "maxSessionDuration": role.get("MaxSessionDuration", 3600),
        "description": role.get("Description"),
        "arn": role["Arn"],
        "uniqueId": role["RoleId"],
        "createDate": str(role["CreateDate"]),
    }


def create_role(props: Props) -> tuple[str, Props]:
    role = calling(iam(props).create_role, RoleName=props["name"], AssumeRolePolicyDocument=props["assumeRolePolicy"])[
        "Role"
    ]
    # terraform-provider-aws's id for a role: its name.
    return role["RoleName"], _role_state(role, props)


def read_role(role_name: str, props: Props) -> Props | None:
    found = found_or_none(iam(props).get_role, RoleName=role_name)
    return None if found is None else _role_state(found["Role"], props)


def update_role(role_name: str, olds: Props, news: Props) -> Props:
    calling(iam(news).update_assume_role_policy, RoleName=role_name, PolicyDocument=news["assumeRolePolicy"])
    return read_role(role_name, news) or {}


def delete_role(role_name: str, props: Props) -> None:
    calling(iam(props).delete_role, RoleName=role_name)


def create_role_policy_attachment(props: Props) -> tuple[str, Props]:
    calling(iam(props).attach_role_policy, RoleName=props["role"], PolicyArn=props["policyArn"])
    # terraform-provider-aws v6's id for an attachment: "<role name>/<policy arn>".
    return f"{props['role']}/{props['policyArn']}", {}


def read_role_policy_attachment(attachment_id: str, props: Props) -> Props | None:
    attached = iam(props).list_attached_role_policies(RoleName=props["role"])["AttachedPolicies"]
    return {} if any(policy["PolicyArn"] == props["policyArn"] for policy in attached) else None


def delete_role_policy_attachment(attachment_id: str, props: Props) -> None:
    calling(iam(props).detach_role_policy, RoleName=props["role"], PolicyArn=props["policyArn"])


def _zip(code: Props) -> bytes:
    """The deployment package of an archive of files or texts (as the protocol's data), as the provider uploads it."""
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        for name, asset in code["assets"].items():
            if "path" in asset:
                archive.writestr(name, Path(asset["path"]).read_bytes())
            elif "text" in asset:
                archive.writestr(name, asset["text"])
            else:
                raise ProviderError(f"the stand-in packages files and texts only, not {asset}")
    return package.getvalue()


_FUNCTION_FIELDS = {"runtime": "Runtime", "handler": "Handler", "role": "Role", "timeout": "Timeout"}


def _function_configuration(props: Props) -> dict[str, Any]:
    variables = (props.get("environment") or {}).get("variables")
    return {
        **{aws: props.get(name) for name, aws in _FUNCTION_FIELDS.items()},
        "MemorySize": props.get("memorySize"),
        "Environment": {"Variables": variables} if variables else None,
    }


def _function_state(found: dict[str, Any]) -> Props:
    arn = found["FunctionArn"]
    region = arn.split(":")[3]
    variables = (found.get("Environment") or {}).get("Variables")
    return {
        **{name: found.get(aws) for name, aws in _FUNCTION_FIELDS.items()},
        "memorySize": found.get("MemorySize"),
        "environment": {"variables": variables} if variables else None,
        "packageType": found.get("PackageType") or "Zip",
        "architectures": found.get("Architectures") or ["x86_64"],
        "ephemeralStorage": {"size": (found.get("EphemeralStorage") or {}).get("Size", 512)},
        "arn": arn,
        "qualifiedArn": f"{arn}:{found['Version']}",
        "invokeArn": f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations",
        "version": found["Version"],
        "sourceCodeHash": found["CodeSha256"],
        "codeSha256": found["CodeSha256"],
        "lastModified": found["LastModified"],
    }


def create_function(props: Props) -> tuple[str, Props]:
    found = calling(
        lambda_(props).create_function,
        FunctionName=props["name"],
        Code={"ZipFile": _zip(props["code"])},
        **_function_configuration(props),
    )
    # terraform-provider-aws's id for a function: its name.
    return props["name"], _function_state(found)


def read_function(name: str, props: Props) -> Props | None:
    found = found_or_none(lambda_(props).get_function, FunctionName=name)
    return None if found is None else _function_state(found["Configuration"])


def update_function(name: str, olds: Props, news: Props) -> Props:
    client = lambda_(news)
    if comparable(olds.get("code")) != comparable(news.get("code")):
        calling(client.update_function_code, FunctionName=name, ZipFile=_zip(news["code"]))
    found = calling(client.update_function_configuration, FunctionName=name, **_function_configuration(news))
    return _function_state(found)


def delete_function(name: str, props: Props) -> None:
    calling(lambda_(props).delete_function, FunctionName=name)


def create_permission(props: Props) -> tuple[str, Props]:
    # terraform-provider-aws names an unnamed statement "terraform-<unique suffix>".
    statement = props.get("statementId") or f"terraform-{secrets.token_hex(13)}"
    calling(
        lambda_(props).add_permission,
        FunctionName=props["function"],
        StatementId=statement,
        Action=props["action"],
        Principal=props["principal"],
        SourceArn=props.get("sourceArn"),
    )
    # Its id is the statement id.
    return statement, {"statementId": statement}


def read_permission(statement: str, props: Props) -> Props | None:
    found = found_or_none(lambda_(props).get_policy, FunctionName=props["function"])
    if found is None:
        return None
    return {"statementId": statement} if f'"Sid": "{statement}"' in found["Policy"] else None


def update_permission(statement: str, olds: Props, news: Props) -> Props:
    raise ProviderError("every input of a Lambda permission replaces it")


def delete_permission(statement: str, props: Props) -> None:
    calling(lambda_(props).remove_permission, FunctionName=props["function"], StatementId=statement)


# --- how terraform-provider-aws plans each input --------------------------------------------
# Optional + Computed attributes (`computed`) as pulumi-aws 7.51.1's Python SDK shows them: a
# required (not Optional) output of an input is Computed upstream (tests/local_servers/
# test_aws_provider_standin.py keeps these tables equal to the SDK's). Defaults, sets and
# DiffSuppressFuncs from the files named in the module's docstring.

COMPUTED = Field(computed=True)
SET = Field(unordered=True)
COMPUTED_SET = Field(computed=True, unordered=True)


def _suppressed_provider_detail(key: str, prior: str, configured: Any, config: Props) -> bool:
    """identity_provider.go's suppressIdentityProviderProviderDetailsDiff (PR #48121), for a key left out."""
    provider_type = config.get("providerType")
    if provider_type == "Google" and key in GOOGLE_DETAILS:
        return prior == GOOGLE_DETAILS[key]
    if provider_type == "SAML":
        return key == "ActiveEncryptionCertificate" or (key == "SSORedirectBindingURI" and "MetadataFile" in configured)
    return False


SCHEMAS: dict[str, dict[str, Field]] = {
    USER_POOL: {
        "usernameAttributes": SET,
        "aliasAttributes": SET,
        "autoVerifiedAttributes": SET,
        "usernameConfiguration": COMPUTED,
        "adminCreateUserConfig": COMPUTED,
        "verificationMessageTemplate": Field(
            computed=True,
            fields={
                "defaultEmailOption": Field(default="CONFIRM_WITH_CODE"),
                "emailMessage": COMPUTED,
                "emailMessageByLink": COMPUTED,
                "emailSubject": COMPUTED,
                "emailSubjectByLink": COMPUTED,
                "smsMessage": COMPUTED,
            },
        ),
        "emailVerificationMessage": COMPUTED,
        "emailVerificationSubject": COMPUTED,
        "smsVerificationMessage": COMPUTED,
        "emailConfiguration": Field(
            keeps_missing_block=True, fields={"emailSendingAccount": Field(default="COGNITO_DEFAULT")}
        ),
        "passwordPolicy": Field(computed=True, fields={"temporaryPasswordValidityDays": COMPUTED}),
        "accountRecoverySetting": Field(
            keeps_missing_block=True,
            fields={"recoveryMechanisms": Field(computed=True, unordered=True, element_key="name")},
        ),
        "deletionProtection": Field(default="INACTIVE"),
        "mfaConfiguration": Field(default="OFF"),
        "userPoolTier": COMPUTED,
        "schemas": Field(unordered=True, element_key="name", fields={"stringAttributeConstraints": Field()}),
        "lambdaConfig": Field(fields={"preTokenGeneration": COMPUTED, "preTokenGenerationConfig": COMPUTED}),
    },
    USER_POOL_DOMAIN: {"managedLoginVersion": COMPUTED},
    USER_POOL_CLIENT: {
        **{
            name: COMPUTED_SET
            for name in (
                "allowedOauthFlows",
                "allowedOauthScopes",
                "callbackUrls",
                "logoutUrls",
                "supportedIdentityProviders",
                "explicitAuthFlows",
                "readAttributes",
                "writeAttributes",
            )
        },
        **{
            name: COMPUTED
            for name in (
                "allowedOauthFlowsUserPoolClient",
                "preventUserExistenceErrors",
                "enableTokenRevocation",
                "enablePropagateAdditionalUserContextData",
                "accessTokenValidity",
                "idTokenValidity",
                "refreshTokenValidity",
                "authSessionValidity",
                "defaultRedirectUri",
            )
        },
    },
    RESOURCE_SERVER: {"scopes": Field(unordered=True, element_key="scopeName")},
    IDENTITY_PROVIDER: {
        "attributeMapping": COMPUTED,
        "providerDetails": Field(suppress_key=_suppressed_provider_detail),
    },
    ROLE: {"path": Field(default="/"), "maxSessionDuration": Field(default=3600)},
    PERMISSION: {"statementId": COMPUTED},
    FUNCTION: {
        "packageType": Field(default="Zip"),
        "memorySize": Field(default=128),
        "timeout": Field(default=3),
        "architectures": COMPUTED,
        "ephemeralStorage": COMPUTED,
    },
}

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
                "schemas",
                "lambdaConfig",
            }
        ),
        replace_on=frozenset({"name", "region", "aliasAttributes", "usernameAttributes", "usernameConfiguration"}),
        create=create_pool,
        read=read_pool,
        update=update_pool,
        delete=delete_pool,
        autoname=True,
        schema=SCHEMAS[USER_POOL],
    ),
    ResourceType(
        token=USER_POOL_DOMAIN,
        inputs=frozenset({"domain", "userPoolId", "managedLoginVersion", "certificateArn", "region"}),
        replace_on=frozenset({"domain", "userPoolId", "certificateArn", "region"}),
        create=create_domain,
        read=read_domain,
        update=update_domain,
        delete=delete_domain,
        schema=SCHEMAS[USER_POOL_DOMAIN],
    ),
    ResourceType(
        token=USER_POOL_CLIENT,
        inputs=frozenset({"name", "userPoolId", "generateSecret", "region", "tokenValidityUnits", *_CLIENT_FIELDS}),
        replace_on=frozenset({"userPoolId", "generateSecret", "region"}),
        create=create_client,
        read=read_client,
        update=update_client,
        delete=delete_client,
        secret_outputs=frozenset({"clientSecret"}),
        autoname=True,
        schema=SCHEMAS[USER_POOL_CLIENT],
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
        schema=SCHEMAS[RESOURCE_SERVER],
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
        schema=SCHEMAS[IDENTITY_PROVIDER],
    ),
    ResourceType(
        token=ROLE,
        inputs=frozenset({"name", "assumeRolePolicy", "path", "maxSessionDuration", "description"}),
        replace_on=frozenset({"name"}),
        create=create_role,
        read=read_role,
        update=update_role,
        delete=delete_role,
        autoname=True,
        schema=SCHEMAS[ROLE],
    ),
    ResourceType(
        token=ROLE_POLICY_ATTACHMENT,
        inputs=frozenset({"role", "policyArn"}),
        replace_on=frozenset({"role", "policyArn"}),
        create=create_role_policy_attachment,
        read=read_role_policy_attachment,
        update=lambda attachment_id, olds, news: {},  # every input replaces
        delete=delete_role_policy_attachment,
    ),
    ResourceType(
        token=FUNCTION,
        inputs=frozenset(
            {
                "name",
                "region",
                "runtime",
                "handler",
                "role",
                "code",
                "environment",
                "timeout",
                "memorySize",
                "packageType",
                "architectures",
                "ephemeralStorage",
            }
        ),
        replace_on=frozenset({"name", "region"}),
        create=create_function,
        read=read_function,
        update=update_function,
        delete=delete_function,
        autoname=True,
        schema=SCHEMAS[FUNCTION],
    ),
    ResourceType(
        token=PERMISSION,
        inputs=frozenset({"action", "function", "principal", "sourceArn", "statementId", "region"}),
        replace_on=frozenset({"action", "function", "principal", "sourceArn", "statementId", "region"}),
        create=create_permission,
        read=read_permission,
        update=update_permission,
        delete=delete_permission,
        schema=SCHEMAS[PERMISSION],
    ),
]

if __name__ == "__main__":
    serve(StandInProvider(VERSION, TYPES))
