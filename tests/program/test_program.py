"""The whole program under Pulumi's mocks: what the dev stack declares, wired how, with which secrets."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from typing import Any
from urllib.parse import quote

import pulumi
import pytest
from program_harness import (
    CLIENT_ID,
    CLIENT_SECRET,
    PROJECT,
    ROOT,
    SESSION_SECRET,
    USER_POOL_ID,
    CloudMocks,
    Declared,
    ProgramRun,
    RecordingMonitor,
    dev_stack_config,
    is_secret,
    run_program,
)

from components.settings.model import SettingsError

USER_POOL = "aws:cognito/userPool:UserPool"
DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
RANDOM_ID = "random:index/randomId:RandomId"
RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword"
SECRET = "kubernetes:core/v1:Secret"
KONG_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin"
ANNOTATION = "pulumi-python:dynamic/kong:IngressPluginAnnotation"

DEV_HOST = "kong-proxy-0123456789.us-west-2.elb.amazonaws.com"
DEV_CALLBACK = f"https://{DEV_HOST}/bar"
HOSTED_UI = "kong-oidc-dev-1a2b3c4d.auth.us-west-2.amazoncognito.com"
DISCOVERY = f"https://cognito-idp.us-west-2.amazonaws.com/{USER_POOL_ID}/.well-known/openid-configuration"


@pytest.fixture(name="dev")
def dev_fixture(dev_stack: ProgramRun) -> ProgramRun:
    return dev_stack


def test_dev_stack_declares_exactly_the_workshops_resources(dev: ProgramRun) -> None:
    declared = sorted((resource.type, resource.name) for resource in dev.declared)
    assert declared == sorted(
        [
            ("kong-cognito-oidc:index:CognitoSignIn", "cognito"),
            (USER_POOL, "cognito-users"),
            (RANDOM_ID, "cognito-domain-suffix"),
            (DOMAIN, "cognito-domain"),
            (CLIENT, "cognito-client"),
            ("kong-cognito-oidc:index:KongOidcPlugin", "kong-oidc"),
            (RANDOM_PASSWORD, "kong-oidc-session-secret"),
            (SECRET, "kong-oidc-secrets"),
            (KONG_PLUGIN, "kong-oidc-plugin"),
            ("kong-cognito-oidc:index:IngressPluginAttachment", "ingress"),
            (ANNOTATION, "ingress-annotation"),
        ]
    )


def test_every_resource_is_parented_by_its_component(dev: ProgramRun) -> None:
    owners = {
        "CognitoSignIn": {USER_POOL, RANDOM_ID, DOMAIN, CLIENT},
        "KongOidcPlugin": {RANDOM_PASSWORD, SECRET, KONG_PLUGIN},
        "IngressPluginAttachment": {ANNOTATION},
    }
    for component, types in owners.items():
        for type_ in types:
            assert f"kong-cognito-oidc:index:{component}${type_}::" in dev.one(type_).urn


def test_user_pool_signs_up_by_email_with_a_strong_password(dev: ProgramRun) -> None:
    pool = dev.one(USER_POOL).inputs
    assert pool["usernameAttributes"] == ["email"]
    assert pool["autoVerifiedAttributes"] == ["email"]
    assert pool["verificationMessageTemplate"] == {"defaultEmailOption": "CONFIRM_WITH_CODE"}
    assert pool["adminCreateUserConfig"] == {"allowAdminCreateUserOnly": False}
    assert pool["mfaConfiguration"] == "OFF"
    policy = pool["passwordPolicy"]
    assert policy["minimumLength"] >= 12
    assert all(policy[key] for key in ("requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"))
    assert pool["accountRecoverySetting"] == {"recoveryMechanisms": [{"name": "verified_email", "priority": 1}]}
    assert pool["deletionProtection"] == "INACTIVE"
    assert pool["region"] == "us-west-2"


def test_deletion_protection_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_program(monkeypatch, {**dev_stack_config(), f"{PROJECT}:deletionProtection": "true"})
    assert run.one(USER_POOL).inputs["deletionProtection"] == "ACTIVE"


def test_hosted_ui_domain_gets_a_stable_derived_prefix(dev: ProgramRun) -> None:
    domain = dev.one(DOMAIN).inputs
    assert domain["domain"] == "kong-oidc-dev-1a2b3c4d"
    assert domain["userPoolId"] == USER_POOL_ID
    assert domain["managedLoginVersion"] == 1
    random_id = dev.one(RANDOM_ID).inputs
    assert random_id["byteLength"] == 4
    assert "keepers" not in random_id, "keepers would regenerate the suffix, and so the domain"


def test_a_new_domain_prefix_replaces_the_old_domain_first(dev: ProgramRun) -> None:
    # Cognito allows one prefix domain per user pool.
    assert dev.one(DOMAIN).delete_before_replace is True


def test_an_explicit_domain_prefix_is_used_as_is_without_a_random_suffix(monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_program(monkeypatch, {**dev_stack_config(), f"{PROJECT}:domainPrefix": "shop-login"})
    assert run.one(DOMAIN).inputs["domain"] == "shop-login"
    assert run.of_type(RANDOM_ID) == []
    assert run.exports["hostedUiDomain"].value == "shop-login.auth.us-west-2.amazoncognito.com"


def test_app_client_is_a_confidential_authorization_code_client_for_the_hosted_ui(dev: ProgramRun) -> None:
    client = dev.one(CLIENT).inputs
    assert client["userPoolId"] == USER_POOL_ID
    assert client["generateSecret"] is True
    assert client["allowedOauthFlows"] == ["code"]
    assert client["allowedOauthFlowsUserPoolClient"] is True
    assert client["supportedIdentityProviders"] == ["COGNITO"]
    assert client["allowedOauthScopes"] == ["openid", "email", "profile"]
    assert client["callbackUrls"] == [DEV_CALLBACK]
    assert client["logoutUrls"] == [DEV_CALLBACK]
    assert client["explicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["preventUserExistenceErrors"] == "ENABLED"
    assert client["enableTokenRevocation"] is True


def test_kong_plugin_is_wired_to_the_cognito_client(dev: ProgramRun) -> None:
    plugin = dev.one(KONG_PLUGIN)
    assert plugin.inputs["apiVersion"] == "configuration.konghq.com/v1"
    assert plugin.inputs["kind"] == "KongPlugin"
    assert plugin.inputs["metadata"] == {
        "name": "oidc",
        "namespace": "default",
        "annotations": {"kong-cognito-oidc/stack": "kong-cognito-oidc/dev"},
    }
    assert plugin.inputs["plugin"] == "openid-connect"
    assert plugin.inputs["config"] == {
        "issuer": DISCOVERY,
        "client_id": [CLIENT_ID],
        "redirect_uri": [DEV_CALLBACK],
        "scopes": ["openid", "email", "profile"],
        "auth_methods": ["authorization_code", "session"],
        "cache_ttl": 10,
        "logout_uri_suffix": "/logout",
        "logout_methods": ["GET", "POST"],
        "end_session_endpoint": (
            f"https://{HOSTED_UI}/logout?client_id={CLIENT_ID}&logout_uri={quote(DEV_CALLBACK, safe='')}"
        ),
    }


def test_kong_plugin_waits_for_the_hosted_ui_domain(dev: ProgramRun) -> None:
    # Cognito's discovery document lists the hosted UI's endpoints only once the domain exists.
    assert dev.one(DOMAIN).urn in dev.one(KONG_PLUGIN).dependencies


def test_secrets_reach_kong_only_through_a_kubernetes_secret(dev: ProgramRun) -> None:
    secret = dev.one(SECRET)
    assert secret.inputs["metadata"]["namespace"] == "default"
    assert secret.inputs["metadata"]["labels"] == {"konghq.com/secret": "true", "konghq.com/validate": "plugin"}
    assert is_secret(secret.inputs["stringData"]), "the Secret's data must be a Pulumi secret"
    data = secret.inputs["stringData"]["value"]
    # configPatches values are JSON of the field's type: client_secret is an array, session_secret a string.
    assert json.loads(data["client_secret"]) == [CLIENT_SECRET]
    assert json.loads(data["session_secret"]) == SESSION_SECRET

    plugin = dev.one(KONG_PLUGIN).inputs
    secret_name = "kong-oidc-secrets-5f3a2b1c"
    assert plugin["configPatches"] == [
        {"path": "/client_secret", "valueFrom": {"secretKeyRef": {"name": secret_name, "key": "client_secret"}}},
        {"path": "/session_secret", "valueFrom": {"secretKeyRef": {"name": secret_name, "key": "session_secret"}}},
    ]
    assert secret.urn in dev.one(KONG_PLUGIN).dependencies


def _mentions(value: Any, needle: str) -> bool:
    return needle in json.dumps(value)


def test_no_secret_in_the_kong_plugin_or_the_attachment(dev: ProgramRun) -> None:
    for resource in (dev.one(KONG_PLUGIN), dev.one(ANNOTATION)):
        for secret in (CLIENT_SECRET, SESSION_SECRET):
            assert not _mentions(resource.inputs, secret), f"{resource.type} carries a secret"
    config = dev.one(KONG_PLUGIN).inputs["config"]
    assert "client_secret" not in config and "session_secret" not in config


def test_session_secret_is_generated_once_by_pulumi_random(dev: ProgramRun) -> None:
    password = dev.one(RANDOM_PASSWORD).inputs
    assert password["length"] >= 32
    assert password.get("keepers") is None  # nothing that would regenerate it between runs


def test_attachment_targets_the_ingress_and_depends_on_the_plugin(dev: ProgramRun) -> None:
    annotation = dev.one(ANNOTATION)
    assert {key: annotation.inputs[key] for key in ("namespace", "ingress_name", "plugin_name")} == {
        "namespace": "default",
        "ingress_name": "demo",
        "plugin_name": "oidc",
    }
    # Attached after the plugin exists; on destroy, Pulumi removes dependents first.
    assert dev.one(KONG_PLUGIN).urn in annotation.dependencies
    # A replacement must not find our name already listed (see the provider's tests).
    assert annotation.delete_before_replace is True


def test_attachment_provider_is_stored_by_reference_and_loads_in_a_fresh_process(dev: ProgramRun) -> None:
    # Pulumi runs the provider in its own Python process, started in the project directory.
    serialized = dev.one(ANNOTATION).inputs["__provider"]
    assert isinstance(serialized, str), "no secret is captured, so the provider need not be a secret"
    pickled = base64.b64decode(serialized)
    assert CLIENT_SECRET.encode() not in pickled and SESSION_SECRET.encode() not in pickled
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import base64, sys, dill; provider = dill.loads(base64.b64decode(sys.stdin.read())); "
            "print(type(provider).__module__, type(provider).__name__, provider._kubeconfig, provider._context)",
        ],
        input=serialized,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert loaded.stdout.split() == [
        "components.ingress_plugin_attachment",
        "IngressPluginAttachmentProvider",
        "None",
        "None",
    ]


def test_other_ingress_namespace_and_plugin_name_flow_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_program(
        monkeypatch,
        {
            **dev_stack_config(),
            f"{PROJECT}:ingressName": "shop",
            f"{PROJECT}:ingressNamespace": "store",
            f"{PROJECT}:pluginName": "shop-oidc",
            f"{PROJECT}:callbackPath": "/cart",
            f"{PROJECT}:cacheTtl": "60",
            f"{PROJECT}:scopes": '["openid","email"]',
        },
    )
    plugin = run.one(KONG_PLUGIN).inputs
    assert (plugin["metadata"]["name"], plugin["metadata"]["namespace"]) == ("shop-oidc", "store")
    assert plugin["config"]["redirect_uri"] == [f"https://{DEV_HOST}/cart"]
    assert plugin["config"]["cache_ttl"] == 60
    assert plugin["config"]["scopes"] == ["openid", "email"]
    assert run.one(SECRET).inputs["metadata"]["namespace"] == "store"
    assert run.one(CLIENT).inputs["callbackUrls"] == [f"https://{DEV_HOST}/cart"]
    assert run.one(CLIENT).inputs["allowedOauthScopes"] == ["openid", "email"]
    annotation = run.one(ANNOTATION).inputs
    assert (annotation["namespace"], annotation["ingress_name"], annotation["plugin_name"]) == (
        "store",
        "shop",
        "shop-oidc",
    )


def test_kong_plugin_uses_the_same_kubernetes_provider_as_the_sdks_resources(dev: ProgramRun) -> None:
    # Without a pinned version Pulumi would pick whichever kubernetes plugin it finds.
    assert dev.one(KONG_PLUGIN).provider_version != ""
    assert dev.one(KONG_PLUGIN).provider_version == dev.one(SECRET).provider_version


def test_the_secret_is_registered_as_the_kubernetes_sdks_secret_registers_it() -> None:
    """Declared without pulumi_kubernetes.core.v1 (a slow import), the Secret looks the same to the engine."""
    from pulumi_kubernetes.core.v1 import Secret

    from components.kong.kubernetes_secret import KubernetesSecret

    monitor = RecordingMonitor(CloudMocks())
    pulumi.runtime.set_mocks(monitor.mocks, project=PROJECT, stack="dev", preview=False, monitor=monitor)
    metadata = {"namespace": "shop", "labels": {"konghq.com/secret": "true", "konghq.com/validate": "plugin"}}
    values = {"client_secret": '"s3cr3t"'}  # not yet secret: both must make it one

    @pulumi.runtime.test
    def declare() -> None:
        KubernetesSecret("secret", metadata=metadata, secret_type="Opaque", string_data=values)
        Secret("secret", metadata=metadata, type="Opaque", string_data=values)

    declare()
    ours, sdks = monitor.declared
    assert ours.urn == sdks.urn
    assert ours.inputs == sdks.inputs and is_secret(ours.inputs["stringData"])
    assert (ours.provider_version, ours.additional_secret_outputs) == (
        sdks.provider_version,
        sdks.additional_secret_outputs,
    )


def test_stack_outputs(dev: ProgramRun) -> None:
    values = {name: export.value for name, export in dev.exports.items()}
    assert values == {
        "routes": [
            {
                "ingress": "demo",
                "namespace": "default",
                "url": DEV_CALLBACK,
                "plugin": "oidc",
                "signOutUrl": f"{DEV_CALLBACK}/logout",
                "signedOutUrl": DEV_CALLBACK,
            }
        ],
        "protectedUrl": DEV_CALLBACK,
        "redirectUri": DEV_CALLBACK,
        "signOutUrl": f"{DEV_CALLBACK}/logout",
        "allowedGroups": [],
        "awsRegion": "us-west-2",
        "discoveryUrl": DISCOVERY,
        "issuerUrl": f"https://cognito-idp.us-west-2.amazonaws.com/{USER_POOL_ID}",
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "userPoolId": USER_POOL_ID,
        "hostedUiDomain": HOSTED_UI,
        "loginUrl": (
            f"https://{HOSTED_UI}/login"
            f"?client_id={CLIENT_ID}&response_type=code&scope=openid+email+profile"
            f"&redirect_uri=https%3A%2F%2F{DEV_HOST}%2Fbar"
        ),
    }


def test_only_the_client_secret_output_is_secret_and_no_plain_output_leaks_one(dev: ProgramRun) -> None:
    assert dev.exports["clientSecret"].secret is True
    for name, export in dev.exports.items():
        if name != "clientSecret":
            assert export.secret is False, name
            assert not _mentions(export.value, CLIENT_SECRET) and not _mentions(export.value, SESSION_SECRET), name


def _declared_when_refused(monkeypatch: pytest.MonkeyPatch, **overrides: str) -> tuple[str, list[Declared]]:
    monitor = RecordingMonitor(CloudMocks())
    config = {**dev_stack_config(), **{f"{PROJECT}:{key}": value for key, value in overrides.items()}}
    with pytest.raises(SettingsError) as raised:
        run_program(monkeypatch, config, monitor=monitor)
    assert isinstance(raised.value, pulumi.RunError), "Pulumi prints a RunError without a traceback"
    return str(raised.value), monitor.declared


def test_bad_settings_stop_the_program_before_any_resource_is_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    message, declared = _declared_when_refused(
        monkeypatch, dataPlaneHost="https://lb.example.com", cacheTtl="0", scopes='["email"]'
    )
    assert declared == []
    assert "(3 problems)" in message
    assert 'kong-cognito-oidc:dataPlaneHost = "https://lb.example.com"' in message


def test_a_misspelt_key_stops_the_program_before_any_resource_is_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    # `allowedGroup: [staff]` would otherwise declare plugins that let every user of the pool in.
    message, declared = _declared_when_refused(monkeypatch, allowedGroup='["staff"]')
    assert declared == []
    assert "kong-cognito-oidc:allowedGroup: not a setting of this project; did you mean allowedGroups?" in message


def test_other_namespaces_keys_are_left_to_their_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    config = {**dev_stack_config(), "aws:profile": "deploy", "kubernetes:context": "kong", "pulumi:tags": "{}"}
    assert run_program(monkeypatch, config).exports["awsRegion"].value == "us-west-2"


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("kong-congito-oidc:allowedGroups", "kong-cognito-oidc:allowedGroups"),
        ("myteam:allowedGroups", "kong-cognito-oidc:allowedGroups"),
    ],
)
def test_a_misspelt_namespace_stops_the_program_before_any_resource_is_declared(
    monkeypatch: pytest.MonkeyPatch, key: str, meant: str
) -> None:
    # Ignored, `allowedGroups` in the wrong namespace would open the app to every account of the pool.
    monitor = RecordingMonitor(CloudMocks())
    with pytest.raises(SettingsError) as raised:
        run_program(monkeypatch, {**dev_stack_config(), key: '["staff-only-group"]'}, monitor=monitor)
    assert monitor.declared == []
    assert f"{key}: unknown namespace; did you mean {meant}?" in str(raised.value)
    assert "staff-only-group" not in str(raised.value)


def test_another_tools_key_is_not_read_and_does_not_stop_the_program(monkeypatch: pytest.MonkeyPatch) -> None:
    config = {**dev_stack_config(), "datadog:apiKey": "not-read", "myteam:owner": "platform"}
    assert run_program(monkeypatch, config).exports["awsRegion"].value == "us-west-2"


def test_missing_region_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    config = {key: value for key, value in dev_stack_config().items() if key != "aws:region"}
    with pytest.raises(SettingsError, match=r"aws:region = \(not set\): this setting is required"):
        run_program(monkeypatch, config)
