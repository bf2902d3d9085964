"""Stand-in for the `aws` resource provider (pulumi-aws 7.51.1), for the program's types, backed by moto.

Why a stand-in: pulumi-aws's provider cannot be built from Go modules (its upstream,
terraform-provider-aws, is a patched git submodule), and these machines reach no AWS. The
engine starts this as `pulumi-resource-aws`; it calls the Cognito, IAM and Lambda APIs of a
moto server on loopback through boto3 (`AWS_ENDPOINT_URL`).

What it mirrors, where the engine can see it, for exactly the types the program declares
(aws:cognito/userPool:UserPool, userPoolDomain:UserPoolDomain, userPoolClient:UserPoolClient,
userGroup:UserGroup, resourceServer:ResourceServer, identityProvider:IdentityProvider; for the
federated-groups trigger aws:iam/role:Role, rolePolicyAttachment:RolePolicyAttachment,
aws:lambda/function:Function, permission:Permission):
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
- ids where the program or a test reads them: "<pool id>/<name>" for a group, "<pool id>|<identifier>"
  for a resource server, "<pool id>:<provider name>" for an identity provider;
- TOTP MFA set by its own call (SetUserPoolMfaConfig) after the pool's;
- the secret output `clientSecret` (pulumi-aws marks it: `additional_secret_outputs`, and the
  bridge returns sensitive attributes as secrets); an identity provider's `providerDetails`, read
  back from Cognito with its client secret, is not secret (not Sensitive upstream): the program
  must ask for that;
- auto-naming of an unset `name` and the bridge's delete-before-replace choice
  (standin_provider.py), and delete-before-replace wherever the program asks (the engine does that).

What it does not mirror: a resource server's update and delete (moto 5.2 implements neither: an
update fails, a delete leaves it to go with its pool), running the Lambda function (moto needs
Docker for that), a role attached to AWS's managed policy unless the moto server loads them
(MOTO_IAM_LOAD_MANAGED_POLICIES=true), Terraform's plan (nested
diffs are by whole top-level property), default values of inputs the program leaves out (they
are read back from moto instead), refresh drift detection beyond existence, import, and AWS
itself: moto's Cognito accepts some requests AWS refuses (e.g. it does not check that a domain
prefix is free across accounts).
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
from standin_provider import Props, ProviderError, ResourceType, StandInProvider, comparable, serve

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


def _client(service: str, props: Props) -> Any:
    region = props.get("region") or os.environ.get("AWS_REGION", "us-west-2")
    return boto3.client(service, region_name=region)


def cognito(props: Props) -> Any:
    return _client("cognito-idp", props)


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
        Schema=_custom_attributes(props) or None,
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
    # A custom attribute is added in place (AddCustomAttributes); Cognito never removes one.
    known = {schema["name"] for schema in olds.get("schemas") or []}
    added = [attribute for attribute in _custom_attributes(news) if attribute["Name"] not in known]
    if added:
        calling(client.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=added)
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
    "writeAttributes": "WriteAttributes",
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


# --- the federated-groups trigger: IAM role, its policy attachment, Lambda function, permission ----


def iam(props: Props) -> Any:
    return _client("iam", props)


def lambda_(props: Props) -> Any:
    return _client("lambda", props)


def create_role(props: Props) -> tuple[str, Props]:
    role = calling(iam(props).create_role, RoleName=props["name"], AssumeRolePolicyDocument=props["assumeRolePolicy"])[
        "Role"
    ]
    # terraform-provider-aws's id for a role: its name.
    return role["RoleName"], {"arn": role["Arn"], "uniqueId": role["RoleId"], "createDate": str(role["CreateDate"])}


def read_role(role_name: str, props: Props) -> Props | None:
    try:
        role = iam(props).get_role(RoleName=role_name)["Role"]
    except botocore.exceptions.ClientError:
        return None
    return {"arn": role["Arn"], "uniqueId": role["RoleId"], "createDate": str(role["CreateDate"])}


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


def _function_outputs(found: dict[str, Any]) -> Props:
    arn = found["FunctionArn"]
    region = arn.split(":")[3]
    return {
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
    return props["name"], _function_outputs(found)


def read_function(name: str, props: Props) -> Props | None:
    try:
        found = lambda_(props).get_function(FunctionName=name)["Configuration"]
    except botocore.exceptions.ClientError:
        return None
    return _function_outputs(found)


def update_function(name: str, olds: Props, news: Props) -> Props:
    client = lambda_(news)
    if comparable(olds.get("code")) != comparable(news.get("code")):
        calling(client.update_function_code, FunctionName=name, ZipFile=_zip(news["code"]))
    found = calling(client.update_function_configuration, FunctionName=name, **_function_configuration(news))
    return _function_outputs(found)


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
    try:
        policy = lambda_(props).get_policy(FunctionName=props["function"])["Policy"]
    except botocore.exceptions.ClientError:
        return None
    return {"statementId": statement} if f'"Sid": "{statement}"' in policy else None


def update_permission(statement: str, olds: Props, news: Props) -> Props:
    raise ProviderError("every input of a Lambda permission replaces it")


def delete_permission(statement: str, props: Props) -> None:
    calling(lambda_(props).remove_permission, FunctionName=props["function"], StatementId=statement)


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
    ResourceType(
        token=ROLE,
        inputs=frozenset({"name", "assumeRolePolicy"}),
        replace_on=frozenset({"name"}),
        create=create_role,
        read=read_role,
        update=update_role,
        delete=delete_role,
        autoname=True,
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
            {"name", "region", "runtime", "handler", "role", "code", "environment", "timeout", "memorySize"}
        ),
        replace_on=frozenset({"name", "region"}),
        create=create_function,
        read=read_function,
        update=update_function,
        delete=delete_function,
        autoname=True,
    ),
    ResourceType(
        token=PERMISSION,
        inputs=frozenset({"action", "function", "principal", "sourceArn", "statementId", "region"}),
        replace_on=frozenset({"action", "function", "principal", "sourceArn", "statementId", "region"}),
        create=create_permission,
        read=read_permission,
        update=update_permission,
        delete=delete_permission,
    ),
]

if __name__ == "__main__":
    serve(StandInProvider(VERSION, TYPES))
