"""Company identity providers, the groups of federated users, MFA and the feature plan, as the program declares them.

The reference stack: one SAML and one OIDC provider, allowedGroups [staff] and a signInWith route.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from program_harness import (
    ACCOUNT,
    PROJECT,
    USER_POOL_ARN,
    USER_POOL_ID,
    Declared,
    ProgramRun,
    dev_stack_config,
    is_secret,
    run_program,
)

from components.cognito.federated_groups_trigger import handler
from components.settings.model import GROUPS_ATTRIBUTE

POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
IDP = "aws:cognito/identityProvider:IdentityProvider"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
KONG_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin"
TRIGGER_TYPES = {ROLE, ATTACHMENT, FUNCTION, PERMISSION, f"{PROJECT}:index:FederatedGroups"}

OKTA_SECRET = "okta-client-secret-do-not-leak-5d41402a"
ENTRA_GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
ENTRA = {
    "name": "Entra",
    "type": "SAML",
    "metadataUrl": "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
    "attributes": {"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"},
    "groupsAttribute": ENTRA_GROUPS,
    "identifiers": ["example.com"],
}
OKTA = {
    "name": "Okta",
    "type": "OIDC",
    "issuer": "https://example.okta.com",
    "clientId": "0oa1example",
    "clientSecret": OKTA_SECRET,
    "attributes": {"email": "email", "email_verified": "email_verified"},
    "groupsAttribute": "groups",
}
ROUTES = [
    {"ingress": "demo", "namespace": "default", "host": "apps.example.com", "path": "/bar"},
    {"ingress": "admin", "namespace": "default", "host": "apps.example.com", "path": "/admin", "signInWith": "Okta"},
]


def run_with(monkeypatch: pytest.MonkeyPatch, **settings: Any) -> ProgramRun:
    """The dev stack with these settings; identityProviders is held encrypted, as `--secret --path` makes it."""
    config = dev_stack_config() | {
        f"{PROJECT}:{key}": value if isinstance(value, str) else json.dumps(value) for key, value in settings.items()
    }
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps([f"{PROJECT}:identityProviders"]))
    return run_program(monkeypatch, config)


@pytest.fixture(scope="module", name="federated")
def federated_fixture() -> ProgramRun:
    """One run with two providers, the groups gate and a signInWith route, for the tests that only read it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return run_with(monkeypatch, identityProviders=[ENTRA, OKTA], allowedGroups=["staff"], routes=ROUTES)


def by_name(run: ProgramRun, type_: str) -> dict[str, Declared]:
    return {resource.name: resource for resource in run.of_type(type_)}


def plain_mentions(value: Any, needle: str) -> bool:
    """Whether `needle` appears in `value` outside a Pulumi secret."""
    if is_secret(value):
        return False
    if isinstance(value, dict):
        return any(plain_mentions(item, needle) for item in value.values())
    if isinstance(value, list):
        return any(plain_mentions(item, needle) for item in value)
    return isinstance(value, str) and needle in value


# --- Identity providers and the app client ---------------------------------------------------------


def test_each_provider_is_declared_in_the_pool_with_its_details_and_mapping(federated: ProgramRun) -> None:
    providers = by_name(federated, IDP)
    assert set(providers) == {"cognito-idp-Entra", "cognito-idp-Okta"}
    for provider in providers.values():
        assert "kong-cognito-oidc:index:CognitoSignIn$aws:cognito/identityProvider" in provider.urn
        assert provider.inputs["userPoolId"] == USER_POOL_ID
        assert provider.inputs["region"] == "us-west-2"
    entra, okta = providers["cognito-idp-Entra"].inputs, providers["cognito-idp-Okta"].inputs
    assert (entra["providerName"], entra["providerType"]) == ("Entra", "SAML")
    assert entra["providerDetails"] == {"MetadataURL": ENTRA["metadataUrl"]}
    assert entra["idpIdentifiers"] == ["example.com"]
    # Each provider's groups go to the one custom attribute the trigger reads.
    assert entra["attributeMapping"] == {**ENTRA["attributes"], GROUPS_ATTRIBUTE: ENTRA_GROUPS}
    assert (okta["providerName"], okta["providerType"]) == ("Okta", "OIDC")
    assert okta["attributeMapping"] == {**OKTA["attributes"], GROUPS_ATTRIBUTE: "groups"}
    assert "idpIdentifiers" not in okta
    assert is_secret(okta["providerDetails"]), "the details carry the client secret: the whole map is secret"
    assert okta["providerDetails"]["value"] == {
        "client_id": "0oa1example",
        "client_secret": OKTA_SECRET,
        "attributes_request_method": "GET",
        "oidc_issuer": "https://example.okta.com",
        "authorize_scopes": "openid email profile",
    }


def test_what_cognito_reads_back_of_a_provider_with_a_client_secret_stays_secret(federated: ProgramRun) -> None:
    # A refresh reads providerDetails back from Cognito, client_secret included: without this it would
    # sit in the state in plain text, though the program's input was secret.
    providers = by_name(federated, IDP)
    assert providers["cognito-idp-Okta"].additional_secret_outputs == ["providerDetails"]
    assert providers["cognito-idp-Entra"].additional_secret_outputs == []  # SAML: no secret to keep


def test_the_trigger_function_waits_for_its_logging_policy(federated: ProgramRun) -> None:
    # Its first invocation (a sign-in) may come at once: without the policy it could not write its logs.
    (attachment,) = federated.of_type(ATTACHMENT)
    assert attachment.urn in federated.one(FUNCTION).dependencies


def test_the_client_offers_local_accounts_and_each_provider_and_waits_for_them(federated: ProgramRun) -> None:
    client = federated.one(CLIENT)
    assert client.inputs["supportedIdentityProviders"] == ["COGNITO", "Entra", "Okta"]
    assert {provider.urn for provider in federated.of_type(IDP)} <= set(client.dependencies)


def test_a_provider_replaced_under_its_name_is_deleted_first(federated: ProgramRun) -> None:
    # A new type replaces the provider; Cognito holds one provider of a name per pool, so creating
    # the replacement first would fail with DuplicateProviderException.
    providers = federated.of_type(IDP)
    assert providers and all(provider.delete_before_replace for provider in providers)
    # The client still waits for them (and is not replaced with them: it lists them by name).
    assert not federated.one(CLIENT).delete_before_replace


def test_without_local_accounts_the_client_offers_only_the_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_with(monkeypatch, identityProviders=[ENTRA, OKTA], localAccounts="false")
    assert run.one(CLIENT).inputs["supportedIdentityProviders"] == ["Entra", "Okta"]


def test_the_client_may_write_every_mapped_attribute(federated: ProgramRun) -> None:
    # Cognito writes a federated user's mapped attributes through the client; a custom one only if listed.
    assert federated.one(CLIENT).inputs["writeAttributes"] == [GROUPS_ATTRIBUTE, "email", "email_verified"]


def test_the_client_is_not_asked_to_write_the_username(monkeypatch: pytest.MonkeyPatch) -> None:
    # A mapping may set the username (Cognito sets it once, at the first sign-in), but it is no attribute
    # an app client can be given write access to: Cognito refuses such a client.
    entra = {**ENTRA, "attributes": {**ENTRA["attributes"], "username": "http://schemas.xmlsoap.org/claims/CommonName"}}
    run = run_with(monkeypatch, identityProviders=[entra], allowedGroups=["staff"])
    assert run.one(CLIENT).inputs["writeAttributes"] == [GROUPS_ATTRIBUTE, "email"]


def test_no_client_secret_appears_in_plain_text(federated: ProgramRun) -> None:
    for resource in federated.declared:
        assert not plain_mentions(resource.inputs, OKTA_SECRET), resource.urn
    for name, export in federated.exports.items():
        assert OKTA_SECRET not in json.dumps(export.value), name


def test_providers_are_exported_by_name_and_type_and_routes_name_their_provider(federated: ProgramRun) -> None:
    assert federated.exports["identityProviders"].value == [
        {"name": "Entra", "type": "SAML"},
        {"name": "Okta", "type": "OIDC"},
    ]
    routes = {route["ingress"]: route for route in federated.exports["routes"].value}
    assert routes["admin"]["signInWith"] == "Okta"
    assert "signInWith" not in routes["demo"]


def test_a_route_with_sign_in_with_sends_cognito_the_provider_and_the_others_do_not(federated: ProgramRun) -> None:
    configs = {plugin.inputs["metadata"]["name"]: plugin.inputs["config"] for plugin in federated.of_type(KONG_PLUGIN)}
    admin = next(config for name, config in configs.items() if "admin" in name)
    assert admin["authorization_query_args_names"] == ["identity_provider"]
    assert admin["authorization_query_args_values"] == ["Okta"]
    others = [config for name, config in configs.items() if "admin" not in name]
    assert others and all("authorization_query_args_names" not in config for config in others)
    # Kong is unchanged: it still gates on cognito:groups, which the trigger fills for federated users.
    assert admin["groups_claim"] == ["cognito:groups"]


# --- Groups of federated users ------------------------------------------------------------------------


def test_the_pool_gets_the_groups_attribute_and_the_v1_trigger(federated: ProgramRun) -> None:
    pool = federated.one(POOL).inputs
    assert pool["schemas"] == [
        {
            "name": "idp_groups",
            "attributeDataType": "String",
            "mutable": True,
            "required": False,
            "developerOnlyAttribute": False,
            "stringAttributeConstraints": {"minLength": "0", "maxLength": "2048"},
        }
    ]
    function_arn = f"arn:aws:lambda:us-west-2:{ACCOUNT}:function:{auto_name(federated.one(FUNCTION))}"
    assert pool["lambdaConfig"] == {"preTokenGenerationConfig": {"lambdaArn": function_arn, "lambdaVersion": "V1_0"}}


def auto_name(resource: Declared) -> str:
    """The name the mocked AWS provider gives an unnamed function or role (program_harness.CloudMocks)."""
    return f"{resource.name}-5f3a2b1"


def test_the_trigger_function_runs_the_repositorys_handler(federated: ProgramRun) -> None:
    function = federated.one(FUNCTION).inputs
    assert function["runtime"] == "python3.13"
    assert function["handler"] == "handler.handler"
    # Deployed as the one file, so the Lambda runs exactly the module the unit tests test.
    assets = function["code"].assets
    assert set(assets) == {"handler.py"}
    assert assets["handler.py"].path == handler.__file__
    assert function["environment"]["variables"] == {
        "GROUPS_ATTRIBUTE": GROUPS_ATTRIBUTE,
        "PROVIDERS": json.dumps(["Entra", "Okta"]),
    }
    assert function["role"] == f"arn:aws:iam::{ACCOUNT}:role/{auto_name(federated.one(ROLE))}"


def test_the_functions_role_may_only_write_logs(federated: ProgramRun) -> None:
    role = federated.one(ROLE).inputs
    assert json.loads(role["assumeRolePolicy"])["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    assert "inlinePolicies" not in role and "managedPolicyArns" not in role
    (attachment,) = federated.of_type(ATTACHMENT)
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def test_only_this_pool_may_invoke_the_trigger(federated: ProgramRun) -> None:
    permission = federated.one(PERMISSION).inputs
    assert permission["action"] == "lambda:InvokeFunction"
    assert permission["principal"] == "cognito-idp.amazonaws.com"
    assert permission["sourceArn"] == USER_POOL_ARN
    assert permission["function"] == auto_name(federated.one(FUNCTION))


def test_the_pool_keeps_its_groups_attribute_once_the_stack_no_longer_declares_it(
    monkeypatch: pytest.MonkeyPatch, federated: ProgramRun
) -> None:
    # Cognito refuses to remove a custom attribute (the AWS provider fails the update): without the
    # trigger the stack leaves the pool's schema as it is, whatever it holds.
    assert federated.one(POOL).ignore_changes == []
    without = run_with(monkeypatch, identityProviders=[ENTRA, OKTA])
    assert without.one(POOL).ignore_changes == ["schemas"]


def test_without_allowed_groups_or_a_groups_attribute_there_is_no_trigger(monkeypatch: pytest.MonkeyPatch) -> None:
    no_gate = run_with(monkeypatch, identityProviders=[ENTRA, OKTA])
    no_attribute = run_with(
        monkeypatch,
        identityProviders=[{k: v for k, v in ENTRA.items() if k != "groupsAttribute"}],
        allowedGroups=["staff"],
    )
    for run in (no_gate, no_attribute):
        assert not {resource.type for resource in run.declared} & TRIGGER_TYPES
        pool = run.one(POOL).inputs
        assert "schemas" not in pool and "lambdaConfig" not in pool
        assert "writeAttributes" not in run.one(CLIENT).inputs
        for provider in run.of_type(IDP):
            assert GROUPS_ATTRIBUTE not in provider.inputs["attributeMapping"]


# --- MFA and the feature plan ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mfa", "expected"),
    [
        ("off", {"mfaConfiguration": "OFF"}),
        ("optional", {"mfaConfiguration": "OPTIONAL", "softwareTokenMfaConfiguration": {"enabled": True}}),
        ("required", {"mfaConfiguration": "ON", "softwareTokenMfaConfiguration": {"enabled": True}}),
    ],
)
def test_mfa_sets_the_pools_totp_configuration(
    monkeypatch: pytest.MonkeyPatch, mfa: str, expected: dict[str, Any]
) -> None:
    pool = run_with(monkeypatch, mfa=mfa).one(POOL).inputs
    assert {key: pool[key] for key in pool if "mfa" in key.lower()} == expected


@pytest.mark.parametrize("mfa", ["off", "optional", "required"])
def test_mfa_off_is_never_declared_with_a_totp_configuration(monkeypatch: pytest.MonkeyPatch, mfa: str) -> None:
    # Cognito refuses both at once, and terraform-provider-aws sends the TOTP block whenever it is declared.
    pool = run_with(monkeypatch, mfa=mfa).one(POOL).inputs
    assert (pool["mfaConfiguration"] == "OFF") == ("softwareTokenMfaConfiguration" not in pool)


@pytest.mark.parametrize("tier", ["LITE", "ESSENTIALS", "PLUS"])
def test_the_feature_plan_is_the_setting(monkeypatch: pytest.MonkeyPatch, tier: str) -> None:
    assert run_with(monkeypatch, userPoolTier=tier).one(POOL).inputs["userPoolTier"] == tier
