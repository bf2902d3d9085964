"""The AWS stand-in against moto: what Cognito answers, and whether the program's next preview is quiet.

The program runs under mocks (tests/support/program_harness.py); each AWS resource it declares is
then created through the stand-in's own servicer, in the order the program declares them, the
mocks' made-up ids swapped for moto's. A preview after `up` plans each resource's stored state
against the same inputs with the program's `ignore_changes`: it must show nothing, after a refresh
too, while a change the user makes still shows. The engine scenario (tests/e2e/
test_engine_quiet_previews.py) proves the same through the real engine.
"""

from __future__ import annotations

import inspect
import json
import re
import secrets
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aws_provider_standin as aws
import pulumi
import pulumi.runtime.rpc
import pytest
import standin_provider
from program_harness import (
    ACCOUNT,
    CLIENT_ID,
    USER_POOL_ARN,
    USER_POOL_ID,
    Declared,
    dev_stack_config,
    run_program,
)
from standin_harness import Harness, ProviderAbortError, Resource

from components.naming import PROJECT
from stack_check.mocks import CERTIFICATE_ARN, CLOUDFRONT_DISTRIBUTION, VALIDATION_RECORD_LABEL, VALIDATION_RECORD_VALUE

OIDC = {
    "name": "Okta",
    "type": "OIDC",
    "issuer": "https://example.okta.com",
    "clientId": "0oa1example",
    "clientSecret": "okta-client-secret-3f1c",
    "attributes": {"email": "email"},
    "groupsAttribute": "groups",
}
SAML_URL = {
    "name": "Entra",
    "type": "SAML",
    "metadataUrl": "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
    "attributes": {"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"},
    "groupsAttribute": "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
}
GOOGLE = {"name": "Google", "type": "Google", "clientId": "1example.apps.googleusercontent.com", "clientSecret": "g-1"}
METADATA_FILE = "idp-metadata.xml"
METADATA = """<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.example.com/slo"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""
SAML_FILE = {**SAML_URL, "name": "Shibboleth", "metadataFile": METADATA_FILE}
del SAML_FILE["metadataUrl"]
ROUTES = [
    {"ingress": "demo", "host": "apps.example.com", "path": "/bar"},
    {"ingress": "orders-api", "host": "apps.example.com", "path": "/api", "mode": "api", "kind": "HTTPRoute"},
]
EVERY_FEATURE = {
    "routes": ROUTES,
    "identityProviders": [SAML_URL, OIDC],
    "allowedGroups": ["staff"],
    "mfa": "optional",
    "apiClients": [{"name": "billing-job", "scopes": ["orders.read"]}],
    "upstreamHeaders": {"email": "X-User-Email"},
}
AWS_TYPES = {resource_type.token for resource_type in aws.TYPES} - {aws.ROLE_POLICY_ATTACHMENT}


@pytest.fixture(name="harness")
def harness_fixture(monkeypatch: pytest.MonkeyPatch, moto_endpoint: str) -> Harness:
    for name, value in {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-west-2",
    }.items():
        monkeypatch.setenv(name, value)
    return Harness(standin_provider.StandInProvider(aws.VERSION, aws.TYPES))


def declare(monkeypatch: pytest.MonkeyPatch, project: Path, **settings: Any) -> list[Declared]:
    """The AWS resources the program declares for the dev stack with these settings, in their order."""
    config = dev_stack_config() | {
        f"{PROJECT}:{key}": value if isinstance(value, str) else json.dumps(value) for key, value in settings.items()
    }
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps([f"{PROJECT}:identityProviders"]))
    monkeypatch.chdir(project)
    return [resource for resource in run_program(monkeypatch, config).declared if resource.type in AWS_TYPES]


def _wire(value: Any) -> Any:
    """A mock's recorded input as the engine sends it (assets and archives as the protocol's objects)."""
    if isinstance(value, pulumi.FileAsset):
        return {standin_provider.SIG_KEY: standin_provider.ASSET_SIG_VALUE, "path": value.path, "hash": value.path}
    if isinstance(value, pulumi.AssetArchive):
        assets = {name: _wire(asset) for name, asset in value.assets.items()}
        return {
            standin_provider.SIG_KEY: standin_provider.ARCHIVE_SIG_VALUE,
            "assets": assets,
            "hash": str(sorted(assets)),
        }
    if isinstance(value, dict):
        return {key: _wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wire(item) for item in value]
    return value


def _swapped(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        for mocked, real in ids.items():
            value = value.replace(mocked, real)
        return value
    if isinstance(value, dict):
        return {key: _swapped(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_swapped(item, ids) for item in value]
    return value


class Deployed:
    """The program's AWS resources created through the stand-in: `up`, as far as AWS goes."""

    def __init__(self, harness: Harness, declared: list[Declared]) -> None:
        self.harness = harness
        self.declared = declared
        self.ids: dict[str, str] = {}
        self.resources: dict[str, Resource] = {}
        for resource in declared:
            created = harness.create(resource.urn, self.inputs(resource))
            self.resources[resource.name] = created
            self._learn_ids(resource, created)

    def inputs(self, resource: Declared) -> dict[str, Any]:
        return dict(_swapped(_wire(resource.inputs), self.ids))

    def _learn_ids(self, resource: Declared, created: Resource) -> None:
        if resource.type == aws.USER_POOL:
            self.ids[USER_POOL_ARN] = created.state["arn"]
            self.ids[USER_POOL_ID] = created.id
        elif resource.type == aws.USER_POOL_CLIENT and resource.name == "cognito-client":
            self.ids[CLIENT_ID] = created.id
        elif resource.type == aws.CERTIFICATE:
            self.ids[CERTIFICATE_ARN] = created.id
            option = created.state["domainValidationOptions"][0]
            self.ids[VALIDATION_RECORD_LABEL] = option["resourceRecordName"].split(".")[0]
            self.ids[VALIDATION_RECORD_VALUE] = option["resourceRecordValue"]
        elif resource.type == aws.USER_POOL_DOMAIN and created.state.get("certificateArn"):
            self.ids[CLOUDFRONT_DISTRIBUTION] = created.state["cloudfrontDistribution"]
        elif resource.type in (aws.ROLE, aws.FUNCTION):
            # The mocks name what the program leaves unnamed "<resource name>-5f3a2b1".
            kind = "role" if resource.type == aws.ROLE else "function"
            self.ids[f"{resource.name}-5f3a2b1"] = created.state["name"]
            self.ids[f":{kind}:{resource.name}"] = f":{kind}:{created.state['name']}"

    def changes(self, inputs_of: dict[str, dict[str, Any]] | None = None) -> dict[str, list[str]]:
        """What a preview shows: resource name -> its changed inputs, with the program's ignore_changes."""
        shown = {}
        for resource in self.declared:
            inputs = (inputs_of or {}).get(resource.name) or self.inputs(resource)
            changed = self.harness.diff(self.resources[resource.name], inputs, resource.ignore_changes).changed
            if changed:
                shown[resource.name] = changed
        return shown

    def refresh(self) -> None:
        for name, resource in self.resources.items():
            self.resources[name] = self.harness.refresh(resource)

    def destroy(self) -> None:
        """Everything, last declared first, as `pulumi destroy` goes (moto's state is shared by the worker's tests)."""
        for resource in reversed(list(self.resources.values())):
            self.harness.delete(resource)


@pytest.fixture(name="project")
def project_fixture(tmp_path: Path) -> Path:
    (tmp_path / METADATA_FILE).write_text(METADATA)
    return tmp_path


@pytest.fixture(name="deploy")
def deploy_fixture(harness: Harness) -> Iterator[Any]:
    deployed: list[Deployed] = []

    def deploy(declared: list[Declared]) -> Deployed:
        deployed.append(Deployed(harness, declared))
        return deployed[-1]

    yield deploy
    for stack in deployed:
        stack.destroy()


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({}, id="dev-stack"),
        pytest.param(EVERY_FEATURE, id="every-feature"),
        pytest.param({"identityProviders": [SAML_FILE, GOOGLE], "mfa": "required"}, id="metadata-file-and-google"),
    ],
)
def test_after_up_and_after_a_refresh_a_preview_shows_no_change(
    monkeypatch: pytest.MonkeyPatch, project: Path, deploy: Any, settings: dict[str, Any]
) -> None:
    stack = deploy(declare(monkeypatch, project, **settings))
    assert stack.changes() == {}
    stack.refresh()
    assert stack.changes() == {}


@pytest.fixture(name="hosted_zone")
def hosted_zone_fixture(harness: Harness) -> Iterator[tuple[str, str]]:
    """A company's public zone (name, id) whose apex has an A record, as Cognito needs of a custom domain's parent."""
    import boto3

    route53 = boto3.client("route53", region_name="us-east-1")
    name = f"z{secrets.token_hex(5)}.example.com"
    zone_id = route53.create_hosted_zone(Name=name, CallerReference=name)["HostedZone"]["Id"]
    apex = {"Name": name, "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}
    change = {"Action": "CREATE", "ResourceRecordSet": apex}
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [change]})
    yield name, zone_id.removeprefix("/hostedzone/")
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{**change, "Action": "DELETE"}]})
    route53.delete_hosted_zone(Id=zone_id)


def test_an_own_domain_with_managed_login_and_a_logo_previews_quietly_after_up_and_refresh(
    monkeypatch: pytest.MonkeyPatch, project: Path, hosted_zone: tuple[str, str], deploy: Any
) -> None:
    zone_name, zone_id = hosted_zone
    (project / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    settings = {
        "signInDomain": {"name": f"auth.{zone_name}", "hostedZoneId": zone_id},
        "userPoolTier": "ESSENTIALS",
        "managedLogin": "managed",
        "managedLoginBranding": {"logo": "logo.png"},
    }
    stack = deploy(declare(monkeypatch, project, **settings))
    assert {resource.type for resource in stack.declared} >= {aws.CERTIFICATE, aws.RECORD, aws.MANAGED_LOGIN_BRANDING}
    assert stack.changes() == {}
    stack.refresh()
    assert stack.changes() == {}


def test_cognito_adds_the_oidc_providers_discovered_endpoints_which_only_the_program_s_ignore_changes_hides(
    monkeypatch: pytest.MonkeyPatch, project: Path, deploy: Any, harness: Harness
) -> None:
    stack = deploy(declare(monkeypatch, project, identityProviders=[OIDC]))
    (okta,) = [resource for resource in stack.declared if resource.type == aws.IDENTITY_PROVIDER]
    details = stack.resources[okta.name].state["providerDetails"]
    assert details["authorize_url"] == "https://example.okta.com/authorize"
    assert details["attributes_url_add_attributes"] == "false"
    assert set(details) - set(standin_provider.unwrap(okta.inputs)["providerDetails"]) == {
        "authorize_url",
        "token_url",
        "attributes_url",
        "jwks_uri",
        "attributes_url_add_attributes",
    }
    # Terraform alone (no ignore_changes) shows them as removed on every preview.
    assert harness.diff(stack.resources[okta.name], stack.inputs(okta)).changed == ["providerDetails"]
    assert stack.changes() == {}


def test_a_new_issuer_still_shows_as_an_update_of_the_provider(
    monkeypatch: pytest.MonkeyPatch, project: Path, deploy: Any, harness: Harness
) -> None:
    stack = deploy(declare(monkeypatch, project, identityProviders=[OIDC]))
    moved = {**OIDC, "issuer": "https://login.example.org"}
    (okta,) = [
        resource
        for resource in declare(monkeypatch, project, identityProviders=[moved])
        if resource.type == aws.IDENTITY_PROVIDER
    ]
    answer = harness.diff(stack.resources[okta.name], stack.inputs(okta), okta.ignore_changes)
    assert (answer.changed, answer.replaces) == (["providerDetails"], [])
    updated = harness.update(stack.resources[okta.name], stack.inputs(okta), okta.ignore_changes)
    assert updated.state["providerDetails"]["oidc_issuer"] == "https://login.example.org"
    assert harness.diff(updated, stack.inputs(okta), okta.ignore_changes).changed == []


@pytest.mark.parametrize(
    ("provider", "added", "shown_without_ignore"),
    [
        (SAML_URL, {"ActiveEncryptionCertificate", "SSORedirectBindingURI", "SLORedirectBindingURI"}, True),
        # From a metadata document: identity_provider.go hides SSORedirectBindingURI, not SLORedirectBindingURI.
        (SAML_FILE, {"ActiveEncryptionCertificate", "SSORedirectBindingURI", "SLORedirectBindingURI"}, True),
        # Google's defaults are all hidden by identity_provider.go.
        (GOOGLE, set(aws.GOOGLE_DETAILS), False),
    ],
    ids=["saml-url", "saml-file", "google"],
)
def test_what_cognito_adds_to_saml_and_google_providers(
    monkeypatch: pytest.MonkeyPatch,
    project: Path,
    deploy: Any,
    harness: Harness,
    provider: dict[str, Any],
    added: set[str],
    shown_without_ignore: bool,
) -> None:
    stack = deploy(declare(monkeypatch, project, identityProviders=[provider]))
    (declared,) = [resource for resource in stack.declared if resource.type == aws.IDENTITY_PROVIDER]
    state = stack.resources[declared.name].state["providerDetails"]
    assert set(state) - set(standin_provider.unwrap(declared.inputs)["providerDetails"]) == added
    if provider is SAML_FILE:
        assert (state["SSORedirectBindingURI"], state["SLORedirectBindingURI"]) == (
            "https://idp.example.com/sso",
            "https://idp.example.com/slo",
        )
    shown = harness.diff(stack.resources[declared.name], stack.inputs(declared)).changed
    assert shown == (["providerDetails"] if shown_without_ignore else [])
    assert stack.changes() == {}


def pool_of(stack: Deployed) -> Declared:
    (pool,) = [resource for resource in stack.declared if resource.type == aws.USER_POOL]
    return pool


def test_mfa_turned_off_after_optional_is_an_update_then_reads_back_quietly(
    monkeypatch: pytest.MonkeyPatch, project: Path, deploy: Any, harness: Harness
) -> None:
    stack = deploy(declare(monkeypatch, project, mfa="optional"))
    pool = pool_of(stack)
    (off,) = [resource for resource in declare(monkeypatch, project, mfa="off") if resource.type == aws.USER_POOL]
    answer = harness.diff(stack.resources[pool.name], stack.inputs(off))
    assert (answer.changed, answer.replaces) == (["mfaConfiguration", "softwareTokenMfaConfiguration"], [])
    updated = harness.update(stack.resources[pool.name], stack.inputs(off))
    assert (updated.state["mfaConfiguration"], updated.state.get("softwareTokenMfaConfiguration")) == ("OFF", None)
    assert harness.diff(updated, stack.inputs(off)).changed == []
    assert harness.diff(harness.refresh(updated), stack.inputs(off)).changed == []


def test_mfa_off_with_a_totp_configuration_is_refused_as_cognito_refuses_it(
    monkeypatch: pytest.MonkeyPatch, project: Path, deploy: Any, harness: Harness
) -> None:
    stack = deploy(declare(monkeypatch, project, mfa="optional"))
    pool = pool_of(stack)
    both = {**stack.inputs(pool), "mfaConfiguration": "OFF"}
    with pytest.raises(ProviderAbortError, match="can't turn off MFA and configure an MFA together"):
        harness.update(stack.resources[pool.name], both)


def test_a_pool_created_without_a_feature_plan_is_on_essentials_and_moving_it_to_lite_is_an_update(
    monkeypatch: pytest.MonkeyPatch, project: Path, deploy: Any, harness: Harness
) -> None:
    declared = declare(monkeypatch, project)
    pool = next(resource for resource in declared if resource.type == aws.USER_POOL)
    without_tier = {key: value for key, value in pool.inputs.items() if key != "userPoolTier"}
    created = harness.create(pool.urn, without_tier)
    try:
        assert created.state["userPoolTier"] == "ESSENTIALS"
        assert harness.diff(created, without_tier).changed == []
        answer = harness.diff(created, pool.inputs)
        assert (answer.changed, answer.replaces) == (["userPoolTier"], [])
    finally:
        harness.delete(created)


# --- the stand-in's rules against pulumi-aws 7.51.1's schema ----------------------------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize("resource_type", aws.TYPES, ids=lambda resource_type: resource_type.token)
def test_the_computed_inputs_are_those_pulumi_aws_reads_back_whatever_the_program_sets(resource_type: Any) -> None:
    """An optional input whose output pulumi-aws types as always present is Optional + Computed upstream."""
    import pulumi_aws

    module, name = resource_type.token.split(":")[1].split("/")
    sdk_module = getattr(pulumi_aws, "lambda_" if module == "lambda" else module)
    resource_class = getattr(sdk_module, name[:1].upper() + name[1:])
    args_class = getattr(sdk_module, name[:1].upper() + name[1:] + "Args")
    required = {
        parameter.name
        for parameter in inspect.signature(args_class.__init__).parameters.values()
        if parameter.default is inspect.Parameter.empty and parameter.name != "self"
    }
    for key in sorted(resource_type.inputs - {"name", "region", "code"}):
        snake = _snake(key)
        if snake in required:
            continue
        returned = inspect.signature(getattr(resource_class, snake).fget).return_annotation
        (value,) = typing.get_args(returned)
        sdk_computed = type(None) not in typing.get_args(value)
        rule = resource_type.schema.get(key)
        assert bool(rule and rule.computed) == sdk_computed, (resource_type.token, key, returned)


def test_the_protocol_s_special_values_are_the_sdk_s() -> None:
    rpc = pulumi.runtime.rpc
    sdk = (rpc._special_sig_key, rpc._special_secret_sig, rpc._special_asset_sig, rpc._special_archive_sig, rpc.UNKNOWN)
    stand_in = standin_provider
    assert sdk == (
        stand_in.SIG_KEY,
        stand_in.SECRET_SIG_VALUE,
        stand_in.ASSET_SIG_VALUE,
        stand_in.ARCHIVE_SIG_VALUE,
        stand_in.UNKNOWN,
    )


def test_the_mocks_account_is_moto_s() -> None:
    # The mocks' ARNs are swapped for moto's by name only.
    assert ACCOUNT == "123456789012"
