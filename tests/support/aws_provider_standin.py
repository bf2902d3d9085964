"""Stand-in for the `aws` resource provider (pulumi-aws 7.51.1), for the program's types, backed by moto.

Why a stand-in: pulumi-aws's provider cannot be built from Go modules (its upstream,
terraform-provider-aws, is a patched git submodule), and these machines reach no AWS. The
engine starts this as `pulumi-resource-aws`; it calls the Cognito, IAM, Lambda, ACM and Route 53
APIs of a moto server on loopback through boto3 (`AWS_ENDPOINT_URL`).

It serves exactly the types the program declares (aws:cognito/userPool:UserPool,
userPoolDomain:UserPoolDomain, userPoolClient:UserPoolClient, userGroup:UserGroup,
resourceServer:ResourceServer, identityProvider:IdentityProvider,
managedLoginBranding:ManagedLoginBranding; for the federated-groups trigger aws:iam/role:Role,
rolePolicyAttachment:RolePolicyAttachment, aws:lambda/function:Function, permission:Permission;
for the company's own sign-in domain aws:acm/certificate:Certificate,
certificateValidation:CertificateValidation and aws:route53/record:Record), and mirrors, where the
engine can see it:

- input and output property names: those of the pulumi-aws 7.51.1 Python SDK
  (pulumi_aws/cognito/*.py, `__props__`), with the outputs the program reads;
- update versus replace per input: the ForceNew fields of terraform-provider-aws v6, which
  pulumi-aws 7 bridges (internal/service/cognitoidp/user_pool.go: `alias_attributes`, `name`,
  `username_attributes`, `username_configuration.case_sensitive`; user_pool_domain.go:
  `domain`, `user_pool_id`; user_pool_client.go (RequiresReplace):
  `generate_secret`, `user_pool_id`; user_group.go: `name`, `user_pool_id`; resource_server.go:
  `identifier`, `name`, `user_pool_id`; identity_provider.go: `provider_name`, `provider_type`,
  `user_pool_id`; managed_login_branding.go (RequiresReplace): `client_id`, `user_pool_id`, `asset`;
  iam role.go: `name`; role_policy_attachment.go: both inputs; lambda function.go:
  `function_name`; permission.go: every input; acm certificate.go: `domain_name`,
  `subject_alternative_names`, `validation_method`, `key_algorithm`; certificate_validation.go:
  both inputs; route53 record.go: `name`, `zone_id`), and a domain's `certificate_arn` only
  between none and one (user_pool_domain.go, customdiff.ForceNewIfChange: a prefix domain
  becoming custom is replaced, a new certificate is an update); every other input updates in
  place (a pool's new custom attribute by AddCustomAttributes, a domain's managed login version,
  a branding style's settings, a record's type, alias and records). `region` (v6's per-resource
  region) is taken to replace: not verified;
- what the provider stores after Create, Update and Read: Terraform's Read of what AWS answers
  (Create and Update end with it), for every input, not what the program sent. Whether a later
  preview shows a change is then decided as the bridge decides it, by planning that state against
  the inputs (standin_provider.py, tf_plan.py), with each input's Terraform rules in `SCHEMAS`;
- ids where the program or a test reads them: "<pool id>/<name>" for a group, "<pool id>|<identifier>"
  for a resource server, "<pool id>:<provider name>" for an identity provider, the ARN for a
  certificate, "<zone id>_<name>_<type>" for a record; a branding style's is its
  ManagedLoginBrandingId (what pulumi-aws computes for this framework resource: not verified);
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
- a domain's `ManagedLoginVersion` and a custom domain's `CustomDomainConfig` are kept
  (DomainDescriptionType; moto drops both), and its CloudFront distribution stays when its
  certificate changes (moto names it after the certificate); DescribeUserPool's `CustomDomain`;
- a custom domain needs an ISSUED certificate in us-east-1 (the error Cognito gives otherwise,
  quoted in aws-amplify/amplify-hosting#2278), a parent domain with an A record (AWS's
  troubleshooting page, "Custom domain is not a valid subdomain"; the stand-ins' DNS is moto's
  Route 53), and a pool has at most one (UserPoolType.CustomDomain is one value); a domain name
  another pool has is refused ("Domain already associated with another user pool.",
  mineiros-io/terraform-aws-cognito-user-pool#69); managed login (version 2) on a LITE pool is
  refused (FeatureUnavailableInTierException, botocore's model): moto accepts all of these;
- managed login branding styles, which moto does not implement (NotImplementedError): kept in the
  stand-in's store (aws_standin_store.py), one per app client (ManagedLoginBrandingExistsException),
  with the model's asset rules (categories, extensions, color modes, 1,000,000 bytes each, 40
  assets, a 2 MB request); `settingsAll` is the customized settings only (the stand-in knows none
  of Cognito's defaults);
- ACM: a DNS-validated certificate is issued once its validation CNAME exists in Route 53, and
  stays issued (moto issues every certificate 60 seconds after the request, records or not);
  DeleteCertificate of a certificate a custom domain uses is refused (ResourceInUseException;
  moto accepts it);
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
- Lambda function: its configuration as GetFunction returns it, `code` as configured;
- certificate (certificate.go): ARN, names, status, the DNS validation options with their record,
  key algorithm, validity dates as RFC 3339; a certificate validation (certificate_validation.go)
  is there while the certificate is ISSUED, its id the time it was issued; a record (record.go):
  its name through the StateFunc, `fqdn`, `records`, `ttl` and the alias as Route 53 returns them;
- managed login branding (managed_login_branding.go): settings and assets as Cognito returns the
  customized values; new settings turn `useCognitoProvidedValues` off (Update), settings compare
  as JSON documents (the framework's JSON type).

What it does not mirror: waiting (a custom domain is ACTIVE at once where Cognito takes up to an
hour to distribute its certificate; ACM issues at once), a prefix domain's CloudFront answer,
Cognito's branding defaults, a resource server's update and delete (moto 5.2 implements neither: an
update fails, a delete leaves it to go with its pool), running the Lambda function (moto needs
Docker for that), a role attached to AWS's managed policy unless the moto server loads them
(MOTO_IAM_LOAD_MANAGED_POLICIES=true), nested paths in the detailed diff (changes are shown by
top-level property), refresh drift detection beyond what Read returns, import, and AWS itself:
moto's Cognito accepts some requests AWS refuses (e.g. it does not check that a domain prefix is
free across accounts), and whether Cognito discovers an OIDC issuer's endpoints again when an update
sends the new issuer with the old endpoints (here it keeps what is sent).
"""

from __future__ import annotations

import base64
import io
import json
import os
import secrets
import uuid
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import aws_standin_store as store
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
MANAGED_LOGIN_BRANDING = "aws:cognito/managedLoginBranding:ManagedLoginBranding"
CERTIFICATE = "aws:acm/certificate:Certificate"
CERTIFICATE_VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
RECORD = "aws:route53/record:Record"


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
    # moto's Domain is whichever domain it finds first, and it never answers CustomDomain.
    prefix, custom = pool_domains(pool_id)
    pool = {**found["UserPool"], "Domain": prefix or found["UserPool"].get("Domain", ""), "CustomDomain": custom}
    return cognito_pool_state(pool, mfa, props)


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


# --- hosted-UI domains: the prefix domain and the company's own domain ---------------------

# The store's tables (aws_standin_store.py): what Cognito keeps of each domain that moto does not,
# and the managed login styles moto has no API for.
DOMAINS = "userPoolDomains"
BRANDINGS = "managedLoginBrandings"
# CloudFront's hosted zone, which terraform-provider-aws returns as cloudfront_distribution_zone_id
# (user_pool_domain.go; its acceptance tests assert "Z2FDTNDATAQYW2").
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
CUSTOM_DOMAIN_REGION = "us-east-1"
# Cognito's answers, as users have quoted them (aws-amplify/amplify-hosting#2278,
# mineiros-io/terraform-aws-cognito-user-pool#69) and as AWS's troubleshooting page names them
# ("Custom domain is not a valid subdomain": the parent domain has no A record).
CERTIFICATE_REFUSED = (
    "InvalidParameterException: The specified SSL certificate doesn't exist, isn't in us-east-1 region, "
    "isn't valid, or doesn't include a valid certificate chain."
)
# CloudFront's InvalidViewerCertificate, in the stand-in's words.
CERTIFICATE_FOR_ANOTHER_NAME = "InvalidParameterException: the certificate does not cover {domain}"
PARENT_NOT_RESOLVED = "InvalidParameterException: Custom domain is not a valid subdomain: no A record for {parent}"
DOMAIN_TAKEN = "InvalidParameterException: Domain already associated with another user pool."
# Cognito's exception (botocore's model: CreateUserPoolDomain, UpdateUserPoolDomain); the words are the stand-in's.
MANAGED_LOGIN_ON_LITE = (
    "FeatureUnavailableInTierException: managed login (ManagedLoginVersion 2) is not part of the LITE feature plan"
)
# One custom domain per pool (UserPoolType.CustomDomain is a single value); the words are the stand-in's.
SECOND_CUSTOM_DOMAIN = "InvalidParameterException: user pool {pool} already has the custom domain {domain}"


def _pool_tier(props: Props) -> str:
    pool = calling(cognito(props).describe_user_pool, UserPoolId=props["userPoolId"])["UserPool"]
    return str(pool.get("UserPoolTier") or DEFAULT_USER_POOL_TIER)


def _domain_refusal(props: Props, domain: str, creating: bool) -> str | None:
    """What Cognito refuses of a domain that moto accepts, or None."""
    if props.get("managedLoginVersion") == 2 and _pool_tier(props) == "LITE":
        return MANAGED_LOGIN_ON_LITE
    if creating:
        found = cognito(props).describe_user_pool_domain(Domain=domain).get("DomainDescription") or {}
        if found.get("UserPoolId"):
            return DOMAIN_TAKEN
    certificate = props.get("certificateArn")
    if not certificate:
        return None
    detail = describe_certificate(certificate, {"region": CUSTOM_DOMAIN_REGION})
    if certificate.split(":")[3:4] != [CUSTOM_DOMAIN_REGION] or detail is None or detail["Status"] != "ISSUED":
        return CERTIFICATE_REFUSED
    if not any(covers(name, domain) for name in detail.get("SubjectAlternativeNames") or [detail["DomainName"]]):
        return CERTIFICATE_FOR_ANOTHER_NAME.format(domain=domain)
    parent = domain.split(".", 1)[1] if "." in domain else ""
    if not any(record["Type"] == "A" for record in route53_records(parent)):
        return PARENT_NOT_RESOLVED.format(parent=parent)
    for other, kept in store.table(DOMAINS).items():
        if other != domain and kept["UserPoolId"] == props["userPoolId"] and kept.get("CustomDomainConfig"):
            return SECOND_CUSTOM_DOMAIN.format(pool=props["userPoolId"], domain=other)
    return None


def covers(certificate_name: str, domain: str) -> bool:
    """Whether a certificate's name covers a domain: itself, or one label under a wildcard."""
    if certificate_name.startswith("*."):
        return domain.partition(".")[2] == certificate_name[2:]
    return certificate_name == domain


def _custom_domain_config(props: Props) -> dict[str, str] | None:
    return {"CertificateArn": props["certificateArn"]} if props.get("certificateArn") else None


def create_domain(props: Props) -> tuple[str, Props]:
    domain = props["domain"]
    refusal = _domain_refusal(props, domain, creating=True)
    if refusal:
        raise ProviderError(refusal)
    answer = calling(
        cognito(props).create_user_pool_domain,
        Domain=domain,
        UserPoolId=props["userPoolId"],
        ManagedLoginVersion=props.get("managedLoginVersion"),
        CustomDomainConfig=_custom_domain_config(props),
    )
    with store.changing() as tables:
        tables.setdefault(DOMAINS, {})[domain] = {
            "UserPoolId": props["userPoolId"],
            # Cognito keeps the version it was given (1 when none was).
            "ManagedLoginVersion": props.get("managedLoginVersion") or 1,
            "CustomDomainConfig": _custom_domain_config(props),
            # A custom domain's distribution, kept when its certificate changes (moto names it after the ARN).
            "CloudFrontDistribution": answer.get("CloudFrontDomain") if props.get("certificateArn") else None,
        }
    return domain, read_domain(domain, props) or {}


def read_domain(domain: str, props: Props) -> Props | None:
    found = cognito(props).describe_user_pool_domain(Domain=domain).get("DomainDescription") or {}
    if not found.get("UserPoolId"):
        return None
    kept = store.table(DOMAINS).get(domain) or {}
    distribution = kept.get("CloudFrontDistribution") or found.get("CloudFrontDistribution", "")
    return {
        "domain": found["Domain"],
        "userPoolId": found["UserPoolId"],
        "managedLoginVersion": kept.get("ManagedLoginVersion") or props.get("managedLoginVersion") or 1,
        # Set from CustomDomainConfig, which Cognito returns for a custom domain only.
        "certificateArn": (kept.get("CustomDomainConfig") or {}).get("CertificateArn"),
        "awsAccountId": found.get("AWSAccountId", ""),
        "cloudfrontDistribution": distribution,
        "cloudfrontDistributionArn": distribution,
        "cloudfrontDistributionZoneId": CLOUDFRONT_ZONE_ID,
        "s3Bucket": found.get("S3Bucket", ""),
        "version": found.get("Version", ""),
    }


def update_domain(domain: str, olds: Props, news: Props) -> Props:
    refusal = _domain_refusal(news, domain, creating=False)
    if refusal:
        raise ProviderError(refusal)
    # A custom domain's certificate is sent with every update: Cognito refuses one without it
    # ("Cannot convert custom domain to prefix domain", terraform-provider-aws#43248, fixed by #43252).
    calling(
        cognito(news).update_user_pool_domain,
        Domain=domain,
        UserPoolId=news["userPoolId"],
        ManagedLoginVersion=news.get("managedLoginVersion"),
        CustomDomainConfig=_custom_domain_config(news),
    )
    with store.changing() as tables:
        kept = tables.setdefault(DOMAINS, {}).setdefault(domain, {"UserPoolId": news["userPoolId"]})
        kept["ManagedLoginVersion"] = news.get("managedLoginVersion") or kept.get("ManagedLoginVersion") or 1
        kept["CustomDomainConfig"] = _custom_domain_config(news)
    return read_domain(domain, news) or {}


def delete_domain(domain: str, props: Props) -> None:
    calling(cognito(props).delete_user_pool_domain, Domain=domain, UserPoolId=props["userPoolId"])
    with store.changing() as tables:
        tables.get(DOMAINS, {}).pop(domain, None)


def pool_domains(pool_id: str) -> tuple[str, str]:
    """DescribeUserPool's Domain (the prefix) and CustomDomain, from what the stand-in created."""
    kept = {domain: record for domain, record in store.table(DOMAINS).items() if record["UserPoolId"] == pool_id}
    prefix = next((domain for domain, record in kept.items() if not record.get("CustomDomainConfig")), "")
    custom = next((domain for domain, record in kept.items() if record.get("CustomDomainConfig")), "")
    return prefix, custom


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


# --- the own domain's certificate (ACM) and DNS records (Route 53) --------------------------

ISSUED = "acmIssued"
"""The store's table of certificates ACM issued: ARN -> when."""
AMAZON_ISSUED = "AMAZON_ISSUED"


def acm(props: Props) -> Any:
    return _client("acm", props)


def route53() -> Any:
    # Route 53 is global: no region.
    return _client("route53", {})


def dns_name(name: str) -> str:
    """A record name as terraform-provider-aws stores it (record.go's StateFunc): lower case, no trailing dot."""
    return name.removesuffix(".").lower()


def route53_records(name: str) -> list[dict[str, Any]]:
    """Every record set named `name` in moto's hosted zones: the stand-ins' DNS."""
    client = route53()
    found = []
    for zone in client.list_hosted_zones()["HostedZones"]:
        for record in client.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]:
            if dns_name(record["Name"]) == dns_name(name):
                found.append(record)
    return found


def _validated(option: dict[str, Any]) -> bool:
    wanted = option.get("ResourceRecord") or {}
    return any(
        record["Type"] == wanted.get("Type")
        and any(value["Value"] == wanted.get("Value") for value in record.get("ResourceRecords") or [])
        for record in route53_records(wanted.get("Name", ""))
    )


def acm_certificate(detail: dict[str, Any]) -> dict[str, Any]:
    """DescribeCertificate's answer as ACM gives it: a DNS-validated certificate is issued once its records exist.

    moto issues every certificate MOTO_ACM_VALIDATION_WAIT seconds (60) after the request, records
    or not; ACM issues a DNS-validated one when it finds each validation CNAME, and then keeps it
    issued. Here: at the first look after the records exist in moto's Route 53, remembered in the store.
    """
    if detail.get("Type") != AMAZON_ISSUED:
        return detail
    arn = detail["CertificateArn"]
    issued_at = store.table(ISSUED).get(arn)
    options = detail.get("DomainValidationOptions") or []
    if issued_at is None and options and all(_validated(option) for option in options):
        issued_at = str(detail.get("IssuedAt") or "")
        with store.changing() as tables:
            tables.setdefault(ISSUED, {})[arn] = issued_at
    status = "ISSUED" if issued_at is not None else "PENDING_VALIDATION"
    answer = {key: value for key, value in detail.items() if key != "IssuedAt"}
    return {
        **answer,
        **({"IssuedAt": issued_at} if issued_at is not None else {}),
        "Status": status,
        "DomainValidationOptions": [
            {**option, "ValidationStatus": "SUCCESS" if issued_at is not None else "PENDING_VALIDATION"}
            for option in options
        ],
    }


def describe_certificate(arn: str, props: Props) -> dict[str, Any] | None:
    found = found_or_none(acm(props).describe_certificate, CertificateArn=arn)
    return None if found is None else acm_certificate(found["Certificate"])


def _rfc3339(value: Any) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if hasattr(value, "strftime") else None


def _certificate_state(detail: dict[str, Any]) -> Props:
    """What certificate.go's Read stores."""
    options = detail.get("DomainValidationOptions") or []
    methods = [option["ValidationMethod"] for option in options if option.get("ValidationMethod")]
    return {
        "arn": detail["CertificateArn"],
        "domainName": detail["DomainName"],
        "subjectAlternativeNames": detail.get("SubjectAlternativeNames") or [],
        "validationMethod": methods[0] if detail.get("Type") == AMAZON_ISSUED and methods else "NONE",
        "keyAlgorithm": detail.get("KeyAlgorithm"),
        "status": detail["Status"],
        "type": detail.get("Type"),
        # Only the DNS options with their record (flattenDomainValidations).
        "domainValidationOptions": [
            {
                "domainName": option["DomainName"],
                "resourceRecordName": option["ResourceRecord"]["Name"],
                "resourceRecordType": option["ResourceRecord"]["Type"],
                "resourceRecordValue": option["ResourceRecord"]["Value"],
            }
            for option in options
            if option.get("ResourceRecord")
        ],
        "validationEmails": [],
        "notBefore": _rfc3339(detail.get("NotBefore")),
        "notAfter": _rfc3339(detail.get("NotAfter")),
        "pendingRenewal": False,
        "renewalEligibility": detail.get("RenewalEligibility"),
        "renewalSummaries": [],
        "tagsAll": {},
    }


def create_certificate(props: Props) -> tuple[str, Props]:
    if not props.get("validationMethod"):
        raise ProviderError(
            "`certificate_authority_arn` or `validation_method` must be set when creating an ACM certificate"
        )
    if props["validationMethod"] != "DNS":
        raise ProviderError("the stand-in validates certificates by DNS only (moto ignores ValidationMethod)")
    answer = calling(
        acm(props).request_certificate,
        DomainName=props["domainName"],
        ValidationMethod=props["validationMethod"],
        SubjectAlternativeNames=props.get("subjectAlternativeNames") or None,
        KeyAlgorithm=props.get("keyAlgorithm"),
    )
    # terraform-provider-aws's id for a certificate: its ARN.
    arn = answer["CertificateArn"]
    return arn, read_certificate(arn, props) or {}


def read_certificate(arn: str, props: Props) -> Props | None:
    found = describe_certificate(arn, props)
    return None if found is None else _certificate_state(found)


def update_certificate(arn: str, olds: Props, news: Props) -> Props:
    # Every input the stand-in serves replaces a certificate (tags, which update, are not served).
    return read_certificate(arn, news) or {}


def delete_certificate(arn: str, props: Props) -> None:
    users = [
        domain
        for domain, kept in store.table(DOMAINS).items()
        if kept.get("CustomDomainConfig") == {"CertificateArn": arn}
    ]
    if users:
        # ACM refuses (DeleteCertificate: ResourceInUseException); moto does not link certificates to domains.
        # terraform-provider-aws retries for 20 minutes; the stand-in answers at once.
        raise ProviderError(f"ResourceInUseException: certificate {arn} is in use by the Cognito domain {users[0]}")
    calling(acm(props).delete_certificate, CertificateArn=arn)


def create_certificate_validation(props: Props) -> tuple[str, Props]:
    """certificate_validation.go's Create: every validation record named, then the certificate issued."""
    arn = props["certificateArn"]
    detail = describe_certificate(arn, props)
    if detail is None:
        raise ProviderError(f"reading ACM Certificate ({arn}): ResourceNotFoundException")
    if detail.get("Type") != AMAZON_ISSUED:
        raise ProviderError(f"ACM Certificate ({arn}) has type {detail.get('Type')}, no validation necessary")
    fqdns = {dns_name(fqdn) for fqdn in props.get("validationRecordFqdns") or []}
    if fqdns:
        missing = [
            f"missing {option['DomainName']} DNS validation record: {dns_name(option['ResourceRecord']['Name'])}"
            for option in detail.get("DomainValidationOptions") or []
            if option.get("ResourceRecord") and dns_name(option["ResourceRecord"]["Name"]) not in fqdns
        ]
        if missing:
            raise ProviderError("\n".join(missing))
    if detail["Status"] != "ISSUED":
        # Terraform waits up to 75 minutes; the stand-in's ACM issues at once or not at all.
        raise ProviderError(
            f"waiting for ACM Certificate ({arn}) to be issued: its DNS validation record is not in Route 53"
        )
    # Its id is when the certificate was issued.
    return str(detail["IssuedAt"]), {"certificateArn": arn}


def read_certificate_validation(validation_id: str, props: Props) -> Props | None:
    found = describe_certificate(props["certificateArn"], props)
    return {"certificateArn": found["CertificateArn"]} if found and found["Status"] == "ISSUED" else None


def _zone_name(zone_id: str) -> str:
    return str(calling(route53().get_hosted_zone, Id=zone_id)["HostedZone"]["Name"])


def expand_record_name(name: str, zone: str) -> str:
    """record.go's ExpandRecordName: a name outside the zone's gets the zone's name appended."""
    expanded = dns_name(name)
    zone = zone.removesuffix(".")
    if not expanded.endswith(zone):
        expanded = f"{expanded}.{zone}" if name else zone
    return expanded


def _record_set(props: Props) -> dict[str, Any]:
    alias = (props.get("aliases") or [None])[0]
    return {
        key: value
        for key, value in {
            "Name": expand_record_name(props["name"], _zone_name(props["zoneId"])),
            "Type": props["type"],
            "TTL": props.get("ttl") or None,
            "ResourceRecords": [{"Value": value} for value in props.get("records") or []] or None,
            "AliasTarget": {
                "DNSName": alias["name"],
                "EvaluateTargetHealth": alias["evaluateTargetHealth"],
                "HostedZoneId": alias["zoneId"],
            }
            if alias
            else None,
        }.items()
        if value is not None
    }


def _found_record(props: Props) -> dict[str, Any] | None:
    client = route53()
    name = expand_record_name(props["name"], _zone_name(props["zoneId"]))
    for record in client.list_resource_record_sets(HostedZoneId=props["zoneId"])["ResourceRecordSets"]:
        if dns_name(record["Name"]) == name and record["Type"] == props["type"]:
            return dict(record)
    return None


def _change_records(zone_id: str, changes: list[dict[str, Any]]) -> None:
    calling(route53().change_resource_record_sets, HostedZoneId=zone_id, ChangeBatch={"Changes": changes})


def _record_state(record: dict[str, Any], props: Props) -> Props:
    """What record.go's Read stores (the name is the configured one through its StateFunc)."""
    alias = record.get("AliasTarget")
    state: Props = {
        "name": dns_name(props["name"]),
        "fqdn": dns_name(record["Name"]),
        "records": [value["Value"] for value in record.get("ResourceRecords") or []] or None,
        "ttl": record.get("TTL"),
    }
    if alias:
        state["aliases"] = [
            {
                "name": dns_name(alias["DNSName"]),
                "zoneId": alias["HostedZoneId"],
                "evaluateTargetHealth": alias["EvaluateTargetHealth"],
            }
        ]
    return state


def create_record(props: Props) -> tuple[str, Props]:
    # CREATE, which fails if the record exists, unless allow_overwrite (then UPSERT).
    action = "UPSERT" if props.get("allowOverwrite") else "CREATE"
    if action == "CREATE" and _found_record(props) is not None:
        # Route 53's answer; moto refuses only a CREATE identical to an earlier one.
        name = expand_record_name(props["name"], _zone_name(props["zoneId"]))
        raise ProviderError(
            f"InvalidChangeBatch: [Tried to create resource record set [name='{name}.', type='{props['type']}'] "
            "but it already exists]"
        )
    _change_records(props["zoneId"], [{"Action": action, "ResourceRecordSet": _record_set(props)}])
    # terraform-provider-aws's id for a record: "<zone id>_<name>_<type>".
    return f"{props['zoneId']}_{dns_name(props['name'])}_{props['type']}", read_record("", props) or {}


def read_record(record_id: str, props: Props) -> Props | None:
    found = _found_record(props)
    return None if found is None else _record_state(found, props)


def update_record(record_id: str, olds: Props, news: Props) -> Props:
    if olds["type"] == news["type"]:
        _change_records(news["zoneId"], [{"Action": "UPSERT", "ResourceRecordSet": _record_set(news)}])
    else:
        # A new type: the old record deleted and the new one created in one change batch.
        old = _found_record(olds)
        deleted = [{"Action": "DELETE", "ResourceRecordSet": old}] if old else []
        _change_records(news["zoneId"], [*deleted, {"Action": "CREATE", "ResourceRecordSet": _record_set(news)}])
    return read_record(record_id, news) or {}


def delete_record(record_id: str, props: Props) -> None:
    found = _found_record(props)
    if found is not None:
        _change_records(props["zoneId"], [{"Action": "DELETE", "ResourceRecordSet": found}])


# --- managed login branding: moto has no API for it, the stand-in keeps the styles ----------

# botocore's cognito-idp model: AssetCategoryType, AssetExtensionType, ColorSchemeModeType,
# AssetBytesType (max 1,000,000), AssetListType (max 40), CreateManagedLoginBranding's 2 MB request limit.
ASSET_CATEGORIES = frozenset(
    {
        "FAVICON_ICO",
        "FAVICON_SVG",
        "EMAIL_GRAPHIC",
        "SMS_GRAPHIC",
        "AUTH_APP_GRAPHIC",
        "PASSWORD_GRAPHIC",
        "PASSKEY_GRAPHIC",
        "PAGE_HEADER_LOGO",
        "PAGE_HEADER_BACKGROUND",
        "PAGE_FOOTER_LOGO",
        "PAGE_FOOTER_BACKGROUND",
        "PAGE_BACKGROUND",
        "FORM_BACKGROUND",
        "FORM_LOGO",
        "IDP_BUTTON_ICON",
    }
)
ASSET_EXTENSIONS = frozenset({"ICO", "JPEG", "PNG", "SVG", "WEBP"})
COLOR_MODES = frozenset({"LIGHT", "DARK", "DYNAMIC"})
ASSET_FIELDS = (("category", ASSET_CATEGORIES), ("colorMode", COLOR_MODES), ("extension", ASSET_EXTENSIONS))
ASSET_MAX_BYTES = 1_000_000
MAX_ASSETS = 40
REQUEST_MAX_BYTES = 2_000_000
BRANDING_EXISTS = (
    "ManagedLoginBrandingExistsException: the app client {client} already has a managed login branding style"
)
EXACTLY_ONE_OF = (
    "Invalid Attribute Combination: exactly one of these attributes must be configured: "
    "[settings,use_cognito_provided_values]"
)


def _asset_problems(props: Props) -> list[str]:
    """What Cognito's request validation refuses of a style's assets."""
    assets = props.get("assets") or []
    problems = [f"{len(assets)} assets, more than {MAX_ASSETS}"] if len(assets) > MAX_ASSETS else []
    for asset in assets:
        size = len(base64.b64decode(asset.get("bytes") or ""))
        for key, allowed in ASSET_FIELDS:
            if asset.get(key) not in allowed:
                problems.append(f"asset {key} {asset.get(key)!r} is not one of {sorted(allowed)}")
        if size > ASSET_MAX_BYTES:
            problems.append(f"the {asset.get('category')} asset has {size} bytes, more than {ASSET_MAX_BYTES}")
    request = len(json.dumps({"Settings": props.get("settings"), "Assets": assets}))
    if request > REQUEST_MAX_BYTES:
        problems.append(f"the request has {request} bytes, more than its {REQUEST_MAX_BYTES}-byte limit")
    return problems


def _branding_state(branding_id: str, kept: dict[str, Any]) -> Props:
    """What managed_login_branding.go's Read stores: the customized settings and assets Cognito returns."""
    settings = kept.get("Settings")
    return {
        "managedLoginBrandingId": branding_id,
        "userPoolId": kept["UserPoolId"],
        "clientId": kept["ClientId"],
        "useCognitoProvidedValues": kept["UseCognitoProvidedValues"],
        "settings": settings,
        # Cognito merges its defaults in (ReturnMergedResources); the stand-in knows none of them.
        "settingsAll": settings or "{}",
        "assets": kept.get("Assets") or None,
    }


def create_branding(props: Props) -> tuple[str, Props]:
    if bool(props.get("settings")) == bool(props.get("useCognitoProvidedValues")):
        raise ProviderError(EXACTLY_ONE_OF)
    # ResourceNotFoundException for a pool or client that does not exist.
    calling(cognito(props).describe_user_pool_client, UserPoolId=props["userPoolId"], ClientId=props["clientId"])
    problems = _asset_problems(props)
    if problems:
        raise ProviderError("InvalidParameterException: " + "; ".join(problems))
    branding_id = str(uuid.uuid4())
    with store.changing() as tables:
        brandings = tables.setdefault(BRANDINGS, {})
        if any(kept["ClientId"] == props["clientId"] for kept in brandings.values()):
            raise ProviderError(BRANDING_EXISTS.format(client=props["clientId"]))
        brandings[branding_id] = {
            "UserPoolId": props["userPoolId"],
            "ClientId": props["clientId"],
            "UseCognitoProvidedValues": bool(props.get("useCognitoProvidedValues")),
            "Settings": _compact_json(props.get("settings")),
            "Assets": props.get("assets") or [],
        }
    return branding_id, read_branding(branding_id, props) or {}


def read_branding(branding_id: str, props: Props) -> Props | None:
    kept = store.table(BRANDINGS).get(branding_id)
    if kept is None or found_or_none(cognito(props).describe_user_pool, UserPoolId=kept["UserPoolId"]) is None:
        return None
    return _branding_state(branding_id, kept)


def update_branding(branding_id: str, olds: Props, news: Props) -> Props:
    """UpdateManagedLoginBranding as managed_login_branding.go calls it: new settings turn Cognito's values off."""
    with store.changing() as tables:
        kept = tables.get(BRANDINGS, {}).get(branding_id)
        if kept is None:
            raise ProviderError(f"ResourceNotFoundException: managed login branding {branding_id}")
        if news.get("settings") and news.get("settings") != olds.get("settings"):
            kept["Settings"], kept["UseCognitoProvidedValues"] = _compact_json(news["settings"]), False
        elif news.get("useCognitoProvidedValues"):
            kept["Settings"], kept["UseCognitoProvidedValues"] = None, True
    return read_branding(branding_id, news) or {}


def delete_branding(branding_id: str, props: Props) -> None:
    with store.changing() as tables:
        tables.get(BRANDINGS, {}).pop(branding_id, None)


def _compact_json(text: str | None) -> str | None:
    # Cognito returns the settings as a document; terraform-provider-aws writes it back as JSON.
    return None if not text else json.dumps(json.loads(text), separators=(",", ":"), sort_keys=True)


def same_json(left: Any, right: Any) -> bool:
    """The framework's JSON type: equal documents are equal whatever their spacing and key order."""
    try:
        return bool(json.loads(left) == json.loads(right))
    except (TypeError, ValueError):
        return False


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
    CERTIFICATE: {
        "domainName": COMPUTED,
        "validationMethod": COMPUTED,
        "subjectAlternativeNames": COMPUTED_SET,
        "keyAlgorithm": COMPUTED,
    },
    CERTIFICATE_VALIDATION: {"validationRecordFqdns": SET},
    RECORD: {
        "name": Field(state_func=dns_name),
        "records": SET,
        # alias.name: StateFunc NormalizeAliasName (lower case, no trailing dot).
        "aliases": Field(fields={"name": Field(state_func=dns_name)}),
        "allowOverwrite": COMPUTED,
    },
    MANAGED_LOGIN_BRANDING: {
        "useCognitoProvidedValues": COMPUTED,
        "settings": Field(semantically_equal=same_json),
        "assets": SET,
    },
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
        replace_on=frozenset({"domain", "userPoolId", "region"}),
        # customdiff.ForceNewIfChange: a prefix domain becoming custom (or back) is replaced, one certificate
        # following another is an update (UpdateUserPoolDomain).
        replace_when={"certificateArn": lambda prior, planned: not (prior and planned)},
        create=create_domain,
        read=read_domain,
        update=update_domain,
        delete=delete_domain,
        schema=SCHEMAS[USER_POOL_DOMAIN],
    ),
    ResourceType(
        token=CERTIFICATE,
        inputs=frozenset({"domainName", "validationMethod", "subjectAlternativeNames", "keyAlgorithm", "region"}),
        replace_on=frozenset({"domainName", "validationMethod", "subjectAlternativeNames", "keyAlgorithm", "region"}),
        create=create_certificate,
        read=read_certificate,
        update=update_certificate,
        delete=delete_certificate,
        schema=SCHEMAS[CERTIFICATE],
    ),
    ResourceType(
        token=CERTIFICATE_VALIDATION,
        inputs=frozenset({"certificateArn", "validationRecordFqdns", "region"}),
        replace_on=frozenset({"certificateArn", "validationRecordFqdns", "region"}),
        create=create_certificate_validation,
        read=read_certificate_validation,
        update=lambda validation_id, olds, news: {},  # every input replaces
        delete=lambda validation_id, props: None,  # schema.NoopContext: deleting it leaves the certificate
        schema=SCHEMAS[CERTIFICATE_VALIDATION],
    ),
    ResourceType(
        token=RECORD,
        inputs=frozenset({"zoneId", "name", "type", "ttl", "records", "aliases", "allowOverwrite"}),
        replace_on=frozenset({"zoneId", "name"}),
        create=create_record,
        read=read_record,
        update=update_record,
        delete=delete_record,
        schema=SCHEMAS[RECORD],
    ),
    ResourceType(
        token=MANAGED_LOGIN_BRANDING,
        inputs=frozenset({"userPoolId", "clientId", "useCognitoProvidedValues", "settings", "assets", "region"}),
        replace_on=frozenset({"userPoolId", "clientId", "assets", "region"}),
        create=create_branding,
        read=read_branding,
        update=update_branding,
        delete=delete_branding,
        schema=SCHEMAS[MANAGED_LOGIN_BRANDING],
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
