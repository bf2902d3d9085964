"""The AWS stand-in's types for an own sign-in domain, against moto: ACM, Route 53, custom domains, branding.

Each type is driven through the stand-in's servicer as the engine drives it (standin_harness.py),
with what the program would send: what it stores, which changes replace and which update, and
what Cognito and ACM refuse that moto accepts. The store is a file, as in the engine scenarios,
where every command's plugin process reads what the last one kept.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aws_provider_standin as aws
import aws_standin_store
import boto3
import pytest
import standin_provider
from standin_harness import DiffAnswer, Harness, ProviderAbortError, Resource

STACK = "urn:pulumi:dev::kong-cognito-oidc::"
REGION = "us-west-2"


def urn(token: str, name: str) -> str:
    return f"{STACK}{token}::{name}"


@pytest.fixture(name="harness")
def harness_fixture(monkeypatch: pytest.MonkeyPatch, moto_endpoint: str, tmp_path: Path) -> Harness:
    for name, value in {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": REGION,
        aws_standin_store.STORE_VARIABLE: str(tmp_path / "store.json"),
    }.items():
        monkeypatch.setenv(name, value)
    return Harness(standin_provider.StandInProvider(aws.VERSION, aws.TYPES))


def client(service: str, region: str) -> Any:
    """A boto3 client for moto (AWS_ENDPOINT_URL, which `harness` sets), made once: making one takes ~50 ms."""
    return _client(service, region, os.environ["AWS_ENDPOINT_URL"])


@functools.cache
def _client(service: str, region: str, endpoint: str) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=endpoint)


class World:
    """A hosted zone whose apex has an A record, a user pool with an app client: what a user has before `up`."""

    def __init__(self) -> None:
        self.route53 = client("route53", "us-east-1")
        self.cognito = client("cognito-idp", REGION)
        self.acm = client("acm", "us-east-1")
        self.zone_name = f"z{uuid.uuid4().hex[:10]}.example.com"
        self.zone_id = self.route53.create_hosted_zone(Name=self.zone_name, CallerReference=uuid.uuid4().hex)[
            "HostedZone"
        ]["Id"].removeprefix("/hostedzone/")
        self.name = f"auth.{self.zone_name}"
        self.put("UPSERT", self.zone_name, "A", "192.0.2.10")
        self.pool_id = self.pool("ESSENTIALS")
        self.client_id = self.cognito.create_user_pool_client(UserPoolId=self.pool_id, ClientName="browser")[
            "UserPoolClient"
        ]["ClientId"]

    def pool(self, tier: str) -> str:
        pool = self.cognito.create_user_pool(PoolName=f"p-{uuid.uuid4().hex[:6]}", UserPoolTier=tier)["UserPool"]
        return str(pool["Id"])

    def put(self, action: str, name: str, record_type: str, value: str) -> None:
        record = {"Name": name, "Type": record_type, "TTL": 300, "ResourceRecords": [{"Value": value}]}
        self.route53.change_resource_record_sets(
            HostedZoneId=self.zone_id, ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": record}]}
        )

    def issued_certificate(self, name: str | None = None, region: str = "us-east-1") -> str:
        """A certificate the user requested and validated by hand (the ARN setting)."""
        acm = client("acm", region)
        arn = str(acm.request_certificate(DomainName=name or self.name, ValidationMethod="DNS")["CertificateArn"])
        record = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"][0]
        self.put("UPSERT", record["ResourceRecord"]["Name"], "CNAME", record["ResourceRecord"]["Value"])
        return arn

    def close(self) -> None:
        records = self.route53.list_resource_record_sets(HostedZoneId=self.zone_id)["ResourceRecordSets"]
        changes = [{"Action": "DELETE", "ResourceRecordSet": r} for r in records if r["Type"] not in ("NS", "SOA")]
        if changes:
            self.route53.change_resource_record_sets(HostedZoneId=self.zone_id, ChangeBatch={"Changes": changes})
        self.route53.delete_hosted_zone(Id=self.zone_id)


@pytest.fixture(name="world")
def world_fixture(harness: Harness) -> Iterator[World]:
    world = World()
    yield world
    world.close()


def certificate_inputs(world: World) -> dict[str, Any]:
    return {"domainName": world.name, "validationMethod": "DNS", "region": "us-east-1"}


def validation_record_inputs(world: World, certificate: Resource) -> dict[str, Any]:
    option = certificate.state["domainValidationOptions"][0]
    return {
        "zoneId": world.zone_id,
        "name": option["resourceRecordName"],
        "type": option["resourceRecordType"],
        "records": [option["resourceRecordValue"]],
        "ttl": 300,
    }


# --- ACM ------------------------------------------------------------------------------------------------------


def test_a_dns_validated_certificate_is_issued_once_its_validation_record_exists_and_stays_issued(
    harness: Harness, world: World
) -> None:
    certificate = harness.create(urn(aws.CERTIFICATE, "cert"), certificate_inputs(world))
    assert certificate.id.startswith("arn:aws:acm:us-east-1:")
    assert certificate.state["status"] == "PENDING_VALIDATION"
    (option,) = certificate.state["domainValidationOptions"]
    assert (option["domainName"], option["resourceRecordType"]) == (world.name, "CNAME")
    assert certificate.state["subjectAlternativeNames"] == [world.name]
    validation_urn = urn(aws.CERTIFICATE_VALIDATION, "validation")
    validation_inputs = {"certificateArn": certificate.id, "region": "us-east-1"}
    with pytest.raises(ProviderAbortError, match="to be issued: its DNS validation record is not in Route 53"):
        harness.create(validation_urn, validation_inputs)

    record = harness.create(urn(aws.RECORD, "validation-record"), validation_record_inputs(world, certificate))
    validation = harness.create(validation_urn, {**validation_inputs, "validationRecordFqdns": [record.state["fqdn"]]})
    assert validation.state["certificateArn"] == certificate.id
    assert harness.refresh(certificate).state["status"] == "ISSUED"

    harness.delete(record)
    assert harness.refresh(certificate).state["status"] == "ISSUED"
    assert harness.refresh(validation).state["certificateArn"] == certificate.id
    harness.delete(validation)
    harness.delete(certificate)


def test_a_validation_names_every_validation_record_of_its_certificate(harness: Harness, world: World) -> None:
    certificate = harness.create(urn(aws.CERTIFICATE, "cert"), certificate_inputs(world))
    record_name = aws.dns_name(certificate.state["domainValidationOptions"][0]["resourceRecordName"])
    with pytest.raises(ProviderAbortError, match=f"missing {world.name} DNS validation record: {record_name}"):
        harness.create(
            urn(aws.CERTIFICATE_VALIDATION, "validation"),
            {
                "certificateArn": certificate.id,
                "validationRecordFqdns": [f"other.{world.zone_name}"],
                "region": "us-east-1",
            },
        )
    harness.delete(certificate)


def test_a_new_name_replaces_a_certificate_and_its_own_state_previews_quietly(harness: Harness, world: World) -> None:
    inputs = certificate_inputs(world)
    certificate = harness.create(urn(aws.CERTIFICATE, "cert"), inputs)
    assert harness.diff(certificate, inputs).changed == []
    assert harness.diff(harness.refresh(certificate), inputs).changed == []
    answer = harness.diff(certificate, {**inputs, "domainName": f"login.{world.zone_name}"})
    assert (answer.changed, answer.replaces) == (["domainName"], ["domainName"])
    harness.delete(certificate)


def test_a_certificate_a_custom_domain_uses_cannot_be_deleted(harness: Harness, world: World) -> None:
    arn = world.issued_certificate()
    state = {"region": "us-east-1", **(aws.read_certificate(arn, {"region": "us-east-1"}) or {})}
    certificate = Resource(urn(aws.CERTIFICATE, "cert"), arn, {}, state)
    domain = harness.create(urn(aws.USER_POOL_DOMAIN, "own"), custom_domain(world, arn))
    with pytest.raises(ProviderAbortError, match="ResourceInUseException"):
        harness.delete(certificate)
    harness.delete(domain)
    harness.delete(certificate)


# --- Route 53 -------------------------------------------------------------------------------------------------


def alias_inputs(world: World, target: str) -> dict[str, Any]:
    return {
        "zoneId": world.zone_id,
        "name": world.name,
        "type": "A",
        "aliases": [{"name": target, "zoneId": aws.CLOUDFRONT_ZONE_ID, "evaluateTargetHealth": False}],
    }


def test_a_record_stores_its_name_as_record_go_s_state_func_makes_it(harness: Harness, world: World) -> None:
    inputs = {
        "zoneId": world.zone_id,
        "name": f"_Check.{world.name.upper()}.",
        "type": "CNAME",
        "records": ["target.example.net."],
        "ttl": 300,
    }
    record = harness.create(urn(aws.RECORD, "record"), inputs)
    assert record.id == f"{world.zone_id}__check.{world.name}_CNAME"
    assert (record.state["name"], record.state["fqdn"]) == (f"_check.{world.name}", f"_check.{world.name}")
    assert harness.diff(record, inputs).changed == []
    assert harness.diff(harness.refresh(record), inputs).changed == []
    harness.delete(record)


def test_an_alias_record_previews_quietly_and_only_its_name_or_zone_replaces_it(harness: Harness, world: World) -> None:
    inputs = alias_inputs(world, "D1234.CloudFront.net.")
    record = harness.create(urn(aws.RECORD, "alias"), inputs)
    assert record.state["aliases"] == [
        {"name": "d1234.cloudfront.net", "zoneId": aws.CLOUDFRONT_ZONE_ID, "evaluateTargetHealth": False}
    ]
    assert harness.diff(harness.refresh(record), inputs).changed == []
    moved = alias_inputs(world, "d5678.cloudfront.net")
    assert harness.diff(record, moved) == DiffAnswer(["aliases"], [])
    renamed = {**inputs, "name": f"login.{world.zone_name}"}
    assert harness.diff(record, renamed) == DiffAnswer(["name"], ["name"])
    updated = harness.update(record, moved)
    assert updated.state["aliases"][0]["name"] == "d5678.cloudfront.net"
    retyped = harness.update(updated, {**moved, "type": "AAAA"})
    assert [r["Type"] for r in aws.route53_records(world.name)] == ["AAAA"]
    harness.delete(retyped)
    assert aws.route53_records(world.name) == []


def test_a_record_that_exists_is_created_only_with_allow_overwrite(harness: Harness, world: World) -> None:
    world.put("CREATE", world.name, "CNAME", "somewhere.example.net")
    inputs = {"zoneId": world.zone_id, "name": world.name, "type": "CNAME", "records": ["d1.cloudfront.net"], "ttl": 60}
    with pytest.raises(ProviderAbortError, match="already exists"):
        harness.create(urn(aws.RECORD, "record"), inputs)
    record = harness.create(urn(aws.RECORD, "record"), {**inputs, "allowOverwrite": True})
    assert record.state["records"] == ["d1.cloudfront.net"]
    harness.delete(record)


# --- the custom domain ----------------------------------------------------------------------------------------


def custom_domain(world: World, arn: str, **more: Any) -> dict[str, Any]:
    return {"domain": world.name, "userPoolId": world.pool_id, "certificateArn": arn, "region": REGION, **more}


def test_a_custom_domain_answers_its_certificate_and_distribution_and_the_pool_names_it(
    harness: Harness, world: World
) -> None:
    prefix = harness.create(
        urn(aws.USER_POOL_DOMAIN, "domain"),
        {"domain": f"p{uuid.uuid4().hex[:8]}", "userPoolId": world.pool_id, "managedLoginVersion": 1, "region": REGION},
    )
    arn = world.issued_certificate()
    inputs = custom_domain(world, arn, managedLoginVersion=1)
    own = harness.create(urn(aws.USER_POOL_DOMAIN, "own"), inputs)
    assert own.state["certificateArn"] == arn
    assert own.state["cloudfrontDistribution"].endswith(".cloudfront.net")
    assert own.state["cloudfrontDistributionZoneId"] == "Z2FDTNDATAQYW2"
    assert harness.diff(harness.refresh(own), inputs).changed == []
    pool = aws.read_pool(world.pool_id, {"region": REGION}) or {}
    assert (pool["domain"], pool["customDomain"]) == (prefix.id, world.name)
    harness.delete(own)
    harness.delete(prefix)


def test_a_prefix_domain_becoming_custom_is_replaced_a_new_certificate_is_an_update(
    harness: Harness, world: World
) -> None:
    first, second = world.issued_certificate(), world.issued_certificate()
    inputs = custom_domain(world, first, managedLoginVersion=1)
    own = harness.create(urn(aws.USER_POOL_DOMAIN, "own"), inputs)
    prefix_inputs = {key: value for key, value in inputs.items() if key != "certificateArn"}
    assert harness.diff(own, prefix_inputs) == DiffAnswer(["certificateArn"], ["certificateArn"])
    renewed = {**inputs, "certificateArn": second}
    assert harness.diff(own, renewed) == DiffAnswer(["certificateArn"], [])
    distribution = own.state["cloudfrontDistribution"]
    updated = harness.update(own, renewed)
    assert (updated.state["certificateArn"], updated.state["cloudfrontDistribution"]) == (second, distribution)
    managed = {**renewed, "managedLoginVersion": 2}
    assert harness.diff(updated, managed) == DiffAnswer(["managedLoginVersion"], [])
    updated = harness.update(updated, managed)
    assert (updated.state["managedLoginVersion"], updated.state["certificateArn"]) == (2, second)
    harness.delete(updated)


@pytest.mark.parametrize(
    ("case", "refusal"),
    [
        ("certificate-in-another-region", "isn't in us-east-1 region"),
        ("certificate-not-issued", "isn't in us-east-1 region"),
        ("certificate-for-another-name", "does not cover"),
        ("no-parent-a-record", "Custom domain is not a valid subdomain"),
        ("second-custom-domain", "already has the custom domain"),
        ("managed-login-on-lite", "FeatureUnavailableInTierException"),
    ],
)
def test_what_cognito_refuses_of_a_custom_domain_and_moto_accepts(
    harness: Harness, world: World, case: str, refusal: str
) -> None:
    inputs = custom_domain(world, world.issued_certificate())
    made = []
    if case == "certificate-in-another-region":
        inputs["certificateArn"] = world.issued_certificate(region=REGION)
    elif case == "certificate-not-issued":
        # Its validation record (the same for every certificate of the name in an account) is gone.
        arn = world.acm.request_certificate(DomainName=world.name, ValidationMethod="DNS")["CertificateArn"]
        record = world.acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"][0]
        world.put("DELETE", record["ResourceRecord"]["Name"], "CNAME", record["ResourceRecord"]["Value"])
        inputs["certificateArn"] = arn
    elif case == "certificate-for-another-name":
        inputs["certificateArn"] = world.issued_certificate(f"other.{world.zone_name}")
    elif case == "no-parent-a-record":
        inputs["domain"] = f"auth.deeper.{world.zone_name}"
        inputs["certificateArn"] = world.issued_certificate(inputs["domain"])
    elif case == "second-custom-domain":
        made.append(harness.create(urn(aws.USER_POOL_DOMAIN, "first"), inputs))
        inputs["domain"] = f"login.{world.zone_name}"
        inputs["certificateArn"] = world.issued_certificate(inputs["domain"])
    else:
        inputs = {**inputs, "userPoolId": world.pool("LITE"), "managedLoginVersion": 2}
    with pytest.raises(ProviderAbortError, match=refusal):
        harness.create(urn(aws.USER_POOL_DOMAIN, "own"), inputs)
    for resource in made:
        harness.delete(resource)


def test_a_domain_name_another_pool_has_is_refused(harness: Harness, world: World) -> None:
    inputs = custom_domain(world, world.issued_certificate())
    own = harness.create(urn(aws.USER_POOL_DOMAIN, "own"), inputs)
    with pytest.raises(ProviderAbortError, match="Domain already associated with another user pool"):
        harness.create(urn(aws.USER_POOL_DOMAIN, "theirs"), {**inputs, "userPoolId": world.pool("ESSENTIALS")})
    harness.delete(own)


def test_managed_login_on_a_lite_pool_is_refused_for_a_prefix_domain_too(harness: Harness, world: World) -> None:
    prefix = {"domain": f"p{uuid.uuid4().hex[:8]}", "userPoolId": world.pool("LITE"), "region": REGION}
    classic = harness.create(urn(aws.USER_POOL_DOMAIN, "domain"), {**prefix, "managedLoginVersion": 1})
    with pytest.raises(ProviderAbortError, match="FeatureUnavailableInTierException"):
        harness.update(classic, {**prefix, "managedLoginVersion": 2})
    harness.delete(classic)


# --- managed login branding -----------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
SETTINGS = {"components": {"form": {"logo": {"enabled": True, "location": "CENTER", "position": "TOP"}}}}


def branding(world: World, **more: Any) -> dict[str, Any]:
    return {"userPoolId": world.pool_id, "clientId": world.client_id, "region": REGION, **more}


def logo(data: bytes = PNG, extension: str = "PNG") -> dict[str, Any]:
    encoded = base64.b64encode(data).decode()
    return {"category": "FORM_LOGO", "colorMode": "LIGHT", "extension": extension, "bytes": encoded}


def test_a_style_with_cognito_s_values_then_with_settings_is_updated_in_place(harness: Harness, world: World) -> None:
    inputs = branding(world, useCognitoProvidedValues=True)
    style = harness.create(urn(aws.MANAGED_LOGIN_BRANDING, "style"), inputs)
    assert style.state["useCognitoProvidedValues"] is True
    assert harness.diff(harness.refresh(style), inputs).changed == []
    with_settings = branding(world, settings=json.dumps(SETTINGS), assets=[logo()])
    answer = harness.diff(style, branding(world, settings=json.dumps(SETTINGS)))
    assert answer == DiffAnswer(["settings"], [])
    assert harness.diff(style, with_settings).replaces == ["assets"]
    updated = harness.update(style, branding(world, settings=json.dumps(SETTINGS)))
    assert updated.state["useCognitoProvidedValues"] is False
    # The same document, spaced and ordered otherwise, is no change (the framework's JSON type).
    respaced = branding(world, settings=json.dumps(SETTINGS, indent=4))
    assert harness.diff(harness.refresh(updated), respaced).changed == []
    harness.delete(updated)


def test_one_style_per_app_client(harness: Harness, world: World) -> None:
    style = harness.create(urn(aws.MANAGED_LOGIN_BRANDING, "style"), branding(world, useCognitoProvidedValues=True))
    with pytest.raises(ProviderAbortError, match="ManagedLoginBrandingExistsException"):
        harness.create(urn(aws.MANAGED_LOGIN_BRANDING, "again"), branding(world, useCognitoProvidedValues=True))
    harness.delete(style)


@pytest.mark.parametrize(
    ("inputs", "refusal"),
    [
        ({"useCognitoProvidedValues": True, "settings": "{}"}, "exactly one of"),
        ({}, "exactly one of"),
        ({"settings": "{}", "assets": [logo(extension="GIF")]}, "asset extension 'GIF'"),
        ({"settings": "{}", "assets": [logo(b"\0" * 1_000_001)]}, "1000001 bytes, more than 1000000"),
        ({"settings": "{}", "assets": [logo(b"\0" * 800_000), logo(b"\0" * 800_000)]}, "2000000-byte limit"),
    ],
    ids=["both", "neither", "extension", "asset-size", "request-size"],
)
def test_what_cognito_refuses_of_a_style(harness: Harness, world: World, inputs: dict[str, Any], refusal: str) -> None:
    with pytest.raises(ProviderAbortError, match=refusal):
        harness.create(urn(aws.MANAGED_LOGIN_BRANDING, "style"), branding(world, **inputs))


def test_a_style_goes_with_its_pool(harness: Harness, world: World) -> None:
    style = harness.create(urn(aws.MANAGED_LOGIN_BRANDING, "style"), branding(world, useCognitoProvidedValues=True))
    world.cognito.delete_user_pool(UserPoolId=world.pool_id)
    assert aws.read_branding(style.id, style.state) is None
    harness.delete(style)


def test_the_store_is_shared_by_every_plugin_process_of_a_scenario(harness: Harness, world: World) -> None:
    style = harness.create(urn(aws.MANAGED_LOGIN_BRANDING, "style"), branding(world, useCognitoProvidedValues=True))
    read_elsewhere = subprocess.run(
        [sys.executable, "-c", f"import aws_standin_store as s; print(list(s.table({aws.BRANDINGS!r})))"],
        cwd=Path(aws.__file__).parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(read_elsewhere.stdout.replace("'", '"')) == [style.id]
    harness.delete(style)
