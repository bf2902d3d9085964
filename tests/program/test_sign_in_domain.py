"""The own sign-in domain and managed login, as the program declares them under mocks.

What an existing stack keeps is the point: adding, changing or removing `signInDomain` declares or
removes only its own resources and changes the KongPlugins' sign-in endpoints; the user pool, the
prefix domain and the app client keep their URNs and every input. A bad setting declares nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from program_harness import (
    CLIENT_ID,
    PROJECT,
    USER_POOL_ID,
    CloudMocks,
    Declared,
    ProgramRun,
    RecordingMonitor,
    dev_stack_config,
    run_program,
)

from components.settings.load import config_string
from components.settings.model import SettingsError
from stack_check.mocks import CERTIFICATE_ARN, CLOUDFRONT_DISTRIBUTION, VALIDATION_RECORD_LABEL, VALIDATION_RECORD_VALUE

POOL = "aws:cognito/userPool:UserPool"
DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
BRANDING = "aws:cognito/managedLoginBranding:ManagedLoginBranding"
CERTIFICATE = "aws:acm/certificate:Certificate"
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
RECORD = "aws:route53/record:Record"
KONG_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin"
NAME = "auth.example.com"
ZONE = "Z0123456789ABCDEFGHIJ"
ARN = "arn:aws:acm:us-east-1:123456789012:certificate/9f8e7d6c-1111-4222-8333-444455556666"
WITH_ZONE = {"name": NAME, "hostedZoneId": ZONE}
WITH_ARN = {"name": NAME, "certificateArn": ARN}
ESSENTIALS = {"userPoolTier": "ESSENTIALS"}
SIGN_IN_DOMAIN_RESOURCES = {
    "kong-cognito-oidc:index:SignInDomain cognito-sign-in-domain",
    f"{CERTIFICATE} cognito-sign-in-domain-certificate",
    f"{RECORD} cognito-sign-in-domain-validation-record",
    f"{VALIDATION} cognito-sign-in-domain-certificate-validation",
    f"{DOMAIN} cognito-sign-in-domain-domain",
    f"{RECORD} cognito-sign-in-domain-alias",
}


def run(monkeypatch: pytest.MonkeyPatch, project: Path | None = None, **settings: Any) -> ProgramRun:
    config = dev_stack_config() | {f"{PROJECT}:{key}": config_string(value) for key, value in settings.items()}
    if project is not None:
        monkeypatch.chdir(project)
    return run_program(monkeypatch, config)


def by_urn(program: ProgramRun) -> dict[str, Declared]:
    return {resource.urn: resource for resource in program.declared}


def named(program: ProgramRun, name: str) -> Declared:
    (resource,) = [resource for resource in program.declared if resource.name == name]
    return resource


@pytest.fixture(name="project")
def project_fixture(tmp_path: Path) -> Path:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    return tmp_path


# --- refused: nothing declared ---------------------------------------------------------------------------------

REFUSED: list[tuple[dict[str, Any], list[str]]] = [
    ({"signInDomain": {"name": "auth", "hostedZoneId": ZONE}}, ["signInDomain.name"]),
    ({"signInDomain": {"name": "x.auth.us-west-2.amazoncognito.com", "hostedZoneId": ZONE}}, ["signInDomain.name"]),
    ({"signInDomain": {"name": NAME, "certificateArn": ARN.replace("us-east-1", "eu-west-1")}}, ["certificateArn"]),
    ({"signInDomain": {**WITH_ARN, "hostedZoneId": ZONE}}, ["signInDomain: both"]),
    ({"signInDomain": {"name": NAME}}, ["signInDomain: neither"]),
    ({"managedLogin": "managed"}, ["managedLogin", "userPoolTier"]),
    ({"managedLogin": "managed", "managedLoginBranding": {"logo": "logo.png"}}, ["managedLogin", "userPoolTier"]),
    ({**ESSENTIALS, "managedLoginBranding": {"logo": "logo.png"}}, ["managedLoginBranding", "managedLogin is classic"]),
    (
        {**ESSENTIALS, "managedLogin": "managed", "managedLoginBranding": {"logo": "logo.gif"}},
        ["managedLoginBranding.logo"],
    ),
]


@pytest.mark.parametrize(("settings", "named_in_message"), REFUSED, ids=[str(case[0])[:70] for case in REFUSED])
def test_a_refused_setting_declares_no_resource(
    monkeypatch: pytest.MonkeyPatch, project: Path, settings: dict[str, Any], named_in_message: list[str]
) -> None:
    monkeypatch.chdir(project)
    config = dev_stack_config() | {f"{PROJECT}:{key}": config_string(value) for key, value in settings.items()}
    monitor = RecordingMonitor(CloudMocks())
    with pytest.raises(SettingsError) as raised:
        run_program(monkeypatch, config, monitor=monitor)
    assert monitor.declared == []
    assert all(part in str(raised.value) for part in named_in_message), raised.value


# --- what is declared ----------------------------------------------------------------------------------------


def test_with_a_zone_the_stack_makes_and_validates_the_certificate_in_us_east_1_and_writes_the_alias(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    program = run(monkeypatch, signInDomain=WITH_ZONE)
    certificate = named(program, "cognito-sign-in-domain-certificate").inputs
    assert certificate == {"domainName": NAME, "validationMethod": "DNS", "region": "us-east-1"}
    record = named(program, "cognito-sign-in-domain-validation-record").inputs
    assert record == {
        "zoneId": ZONE,
        "name": f"{VALIDATION_RECORD_LABEL}.{NAME}.",
        "type": "CNAME",
        "records": [VALIDATION_RECORD_VALUE],
        "ttl": 300,
    }
    validation = named(program, "cognito-sign-in-domain-certificate-validation").inputs
    assert validation == {
        "certificateArn": CERTIFICATE_ARN,
        "validationRecordFqdns": [f"{VALIDATION_RECORD_LABEL}.{NAME}"],
        "region": "us-east-1",
    }
    own = named(program, "cognito-sign-in-domain-domain")
    assert own.inputs == {
        "domain": NAME,
        "userPoolId": USER_POOL_ID,
        "certificateArn": CERTIFICATE_ARN,
        "managedLoginVersion": 1,
        "region": "us-west-2",
    }
    assert own.delete_before_replace, "a pool has one custom domain: the old one goes first"
    # The domain takes the validated certificate: it waits for ACM to issue it.
    assert named(program, "cognito-sign-in-domain-certificate-validation").urn in own.dependencies
    alias = named(program, "cognito-sign-in-domain-alias").inputs
    assert alias == {
        "zoneId": ZONE,
        "name": NAME,
        "type": "A",
        "aliases": [{"name": CLOUDFRONT_DISTRIBUTION, "zoneId": "Z2FDTNDATAQYW2", "evaluateTargetHealth": False}],
    }


def test_with_a_certificate_arn_the_stack_declares_no_certificate_and_no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    program = run(monkeypatch, signInDomain=WITH_ARN)
    assert program.of_type(CERTIFICATE) == program.of_type(VALIDATION) == program.of_type(RECORD) == []
    assert named(program, "cognito-sign-in-domain-domain").inputs["certificateArn"] == ARN
    assert program.exports["signInDomainTarget"].value == CLOUDFRONT_DISTRIBUTION


def test_people_and_machines_sign_in_at_the_own_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    routes = [{"ingress": "demo"}, {"ingress": "orders", "path": "/api", "mode": "api"}]
    program = run(
        monkeypatch,
        signInDomain=WITH_ARN,
        routes=routes,
        apiClients=[{"name": "billing", "scopes": ["orders.read"]}],
    )
    exports = {key: export.value for key, export in program.exports.items()}
    assert exports["hostedUiDomain"] == NAME
    assert exports["loginUrl"].startswith(f"https://{NAME}/login?client_id=")
    assert exports["tokenUrl"] == f"https://{NAME}/oauth2/token"
    assert exports["prefixDomain"] == "kong-oidc-dev-1a2b3c4d.auth.us-west-2.amazoncognito.com"
    configs = {plugin.inputs["metadata"]["name"]: plugin.inputs["config"] for plugin in program.of_type(KONG_PLUGIN)}
    browser, api = configs["oidc"], configs["oidc-orders"]
    assert browser["authorization_endpoint"] == f"https://{NAME}/oauth2/authorize"
    assert browser["token_endpoint"] == f"https://{NAME}/oauth2/token"
    assert browser["end_session_endpoint"].startswith(f"https://{NAME}/logout?client_id=")
    # An api route never sends anyone to sign in.
    assert not {"authorization_endpoint", "token_endpoint", "end_session_endpoint"} & set(api)


def test_without_an_own_domain_the_plugin_names_no_endpoint_and_no_output_is_added(dev_stack: ProgramRun) -> None:
    (plugin,) = dev_stack.of_type(KONG_PLUGIN)
    assert not {"authorization_endpoint", "token_endpoint"} & set(plugin.inputs["config"])
    assert not {"signInDomainTarget", "prefixDomain"} & set(dev_stack.exports)
    assert dev_stack.exports["hostedUiDomain"].value.endswith(".auth.us-west-2.amazoncognito.com")


def test_managed_login_switches_both_domains_and_styles_the_browser_client(
    monkeypatch: pytest.MonkeyPatch, project: Path
) -> None:
    program = run(monkeypatch, signInDomain=WITH_ARN, managedLogin="managed", **ESSENTIALS)
    assert {domain.inputs["managedLoginVersion"] for domain in program.of_type(DOMAIN)} == {2}
    style = program.one(BRANDING)
    assert style.name == "cognito-branding"
    assert style.inputs == {
        "userPoolId": USER_POOL_ID,
        "clientId": CLIENT_ID,
        "useCognitoProvidedValues": True,
        "region": "us-west-2",
    }
    assert style.delete_before_replace, "a client has one style: new images replace it, the old one first"

    branded = run(monkeypatch, project, managedLogin="managed", managedLoginBranding={"logo": "logo.png"}, **ESSENTIALS)
    inputs = branded.one(BRANDING).inputs
    assert "useCognitoProvidedValues" not in inputs
    assert json.loads(inputs["settings"]) == {
        "components": {
            "form": {"logo": {"enabled": True, "formInclusion": "IN", "location": "CENTER", "position": "TOP"}}
        }
    }
    (asset,) = inputs["assets"]
    assert {key: value for key, value in asset.items() if key != "bytes"} == {
        "category": "FORM_LOGO",
        "colorMode": "LIGHT",
        "extension": "PNG",
    }


# --- an existing stack keeps its pool, prefix domain and client ----------------------------------------------

KEPT = (POOL, CLIENT)


def kept(program: ProgramRun) -> dict[str, dict[str, Any]]:
    """The pool, the prefix domain and the app client: URN -> inputs."""
    return {
        resource.urn: resource.inputs
        for resource in program.declared
        if resource.type in KEPT or resource.name == "cognito-domain"
    }


def plugin_configs(program: ProgramRun) -> dict[str, dict[str, Any]]:
    return {plugin.urn: plugin.inputs["config"] for plugin in program.of_type(KONG_PLUGIN)}


def test_adding_and_removing_the_own_domain_keeps_every_urn_and_input_but_the_plugins_endpoints(
    monkeypatch: pytest.MonkeyPatch, dev_stack: ProgramRun
) -> None:
    added = run(monkeypatch, signInDomain=WITH_ZONE)
    before, after = by_urn(dev_stack), by_urn(added)
    assert set(before) < set(after)
    assert {f"{after[urn].type} {after[urn].name}" for urn in set(after) - set(before)} == SIGN_IN_DOMAIN_RESOURCES
    for urn, resource in before.items():
        if resource.type == KONG_PLUGIN:
            old, new = resource.inputs["config"], after[urn].inputs["config"]
            changed = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
            assert changed == {"authorization_endpoint", "token_endpoint", "end_session_endpoint"}
        else:
            assert after[urn].inputs == resource.inputs, urn
    removed = run(monkeypatch)
    assert {urn: r.inputs for urn, r in by_urn(removed).items()} == {urn: r.inputs for urn, r in before.items()}


@pytest.mark.parametrize(
    ("first", "then", "changed"),
    [
        # A renewed or another certificate: the domain's certificateArn, an update in place.
        ({"signInDomain": WITH_ARN}, {"signInDomain": {**WITH_ARN, "certificateArn": CERTIFICATE_ARN}}, "certificate"),
        # From your certificate to the stack's own (and back): the same, and the ACM and DNS resources come and go.
        ({"signInDomain": WITH_ARN}, {"signInDomain": WITH_ZONE}, "certificate"),
        # Another name: only the own domain's resources.
        ({"signInDomain": WITH_ZONE}, {"signInDomain": {**WITH_ZONE, "name": "login.example.com"}}, "name"),
        # Managed login on: the domains' version, and the style added.
        (
            {**ESSENTIALS, "signInDomain": WITH_ZONE},
            {**ESSENTIALS, "managedLogin": "managed", "signInDomain": WITH_ZONE},
            "version",
        ),
    ],
    ids=["new-certificate", "arn-to-zone", "new-name", "managed-login"],
)
def test_changing_the_own_domain_never_touches_the_pool_or_the_client(
    monkeypatch: pytest.MonkeyPatch, first: dict[str, Any], then: dict[str, Any], changed: str
) -> None:
    before, after = run(monkeypatch, **first), run(monkeypatch, **then)
    kept_before, kept_after = kept(before), kept(after)
    assert set(kept_before) == set(kept_after)
    for urn, inputs in kept_before.items():
        difference = {
            key for key in inputs.keys() | kept_after[urn].keys() if inputs.get(key) != kept_after[urn].get(key)
        }
        expected = {"managedLoginVersion"} if changed == "version" and urn.endswith("::cognito-domain") else set()
        assert difference == expected, urn
    own_before = by_urn(before)[named(before, "cognito-sign-in-domain-domain").urn].inputs
    own_after = named(after, "cognito-sign-in-domain-domain").inputs
    difference = {key for key in own_before.keys() | own_after.keys() if own_before.get(key) != own_after.get(key)}
    assert (
        difference
        == {
            "certificate": {"certificateArn"},
            "name": {"domain"},
            "version": {"managedLoginVersion"},
        }[changed]
    )
