"""`make doctor` for an own sign-in domain: the parent's A record, the zone, the certificate, the alias after `up`.

AWS is moto's server (ACM in us-east-1, Route 53; the `aws` fixture of conftest.py), DNS a stand-in resolver;
nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
import moto.settings
import pytest
from doctor_harness import HOST, good_config, resolver, run
from fake_kubernetes import FakeApiServer

from components.settings.model import SignInDomain
from doctor_checks.sign_in_domain import check_sign_in_domain
from doctor_checks.world import World
from verification.results import CheckLine

NAME = "auth.example.com"
TARGET = "d111111abcdef8.cloudfront.net"


def checks(
    setting: SignInDomain, names: Mapping[str, list[str]], outputs: Mapping[str, Any] | None = None
) -> dict[str, CheckLine]:
    world = World(resolve=resolver(names))
    return {check.name: check for check in check_sign_in_domain(setting, outputs or {}, world, None)}


@pytest.fixture(name="acm")
def acm_fixture(aws: None) -> Iterator[Any]:
    client = boto3.client("acm", region_name="us-east-1")
    yield client
    for summary in client.list_certificates()["CertificateSummaryList"]:
        client.delete_certificate(CertificateArn=summary["CertificateArn"])


def certificate(acm: Any, monkeypatch: pytest.MonkeyPatch, name: str = NAME, issued: bool = True) -> str:
    # moto issues a certificate this many seconds after the request (ACM: once it finds the DNS records).
    monkeypatch.setattr(moto.settings, "ACM_VALIDATION_WAIT", -1 if issued else 3600)
    return str(acm.request_certificate(DomainName=name, ValidationMethod="DNS")["CertificateArn"])


PARENT = {"example.com": ["192.0.2.10"]}


def test_before_the_first_up_with_a_certificate_arn(acm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    arn = certificate(acm, monkeypatch)
    found = checks(SignInDomain(NAME, arn, None), PARENT)
    assert list(found) == ["sign-in domain parent", "sign-in domain certificate", "sign-in domain DNS"]
    assert found["sign-in domain parent"].detail == "example.com has an A record (192.0.2.10), as Cognito requires"
    assert found["sign-in domain certificate"].passed
    assert found["sign-in domain certificate"].detail.startswith(f"{arn} in us-east-1: ISSUED for {NAME}, valid until")
    assert found["sign-in domain DNS"].status == "SKIP"
    assert "appears after `make up`" in found["sign-in domain DNS"].detail


def test_a_parent_domain_without_an_a_record_is_what_cognito_refuses(acm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    setting = SignInDomain(NAME, certificate(acm, monkeypatch), None)
    missing = checks(setting, {})["sign-in domain parent"]
    assert missing.status == "FAIL"
    assert missing.detail.startswith("example.com, the parent domain of auth.example.com, does not resolve")
    assert "create an A record for example.com" in missing.fix
    ipv6 = checks(setting, {"example.com": ["2001:db8::1"]})["sign-in domain parent"]
    assert ipv6.detail == "example.com resolves to IPv6 addresses only (2001:db8::1), not an A record."


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("pending", "is PENDING_VALIDATION, not ISSUED"),
        ("other-name", "is for login.example.com, which does not cover auth.example.com"),
        ("unknown", "ACM in us-east-1 could not describe"),
    ],
)
def test_a_certificate_cognito_would_refuse(acm: Any, monkeypatch: pytest.MonkeyPatch, case: str, detail: str) -> None:
    if case == "pending":
        arn = certificate(acm, monkeypatch, issued=False)
    elif case == "other-name":
        arn = certificate(acm, monkeypatch, name="login.example.com")
    else:
        arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000"
    found = checks(SignInDomain(NAME, arn, None), PARENT)["sign-in domain certificate"]
    assert found.status == "FAIL"
    assert detail in found.detail
    if case == "pending":
        assert "_d930b28be6c5927595552b219965053e.auth.example.com. CNAME" in found.fix


def test_a_wildcard_certificate_covers_one_label(acm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    arn = certificate(acm, monkeypatch, name="*.example.com")
    assert checks(SignInDomain(NAME, arn, None), PARENT)["sign-in domain certificate"].passed
    deeper = SignInDomain("auth.eu.example.com", arn, None)
    assert not checks(deeper, {"eu.example.com": ["192.0.2.1"]})["sign-in domain certificate"].passed


@pytest.fixture(name="zone")
def zone_fixture(aws: None) -> Iterator[tuple[Any, str]]:
    route53 = boto3.client("route53", region_name="us-east-1")
    zone_id = route53.create_hosted_zone(Name="example.com", CallerReference=uuid.uuid4().hex)["HostedZone"]["Id"]
    yield route53, zone_id.removeprefix("/hostedzone/")
    route53.delete_hosted_zone(Id=zone_id)


def test_with_a_hosted_zone_the_stack_makes_the_certificate_and_the_alias(
    zone: tuple[Any, str], acm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, zone_id = zone
    setting = SignInDomain(NAME, None, zone_id)
    before = checks(setting, PARENT)
    assert before["sign-in domain zone"].detail == f"{NAME} is inside the public hosted zone {zone_id} (example.com)"
    assert before["sign-in domain certificate"].status == "SKIP"
    assert before["sign-in domain DNS"].detail == f"the stack writes the alias record of {NAME} at `make up`"
    arn = certificate(acm, monkeypatch)
    after = checks(setting, {**PARENT, NAME: ["203.0.113.5"], TARGET: ["203.0.113.5"]}, {"signInDomainTarget": TARGET})
    assert after["sign-in domain certificate"].detail.startswith(f"{arn} in us-east-1: ISSUED")
    assert after["sign-in domain DNS"].detail == f"{NAME} resolves to the distribution {TARGET}"


@pytest.mark.parametrize(
    ("zone_id", "name", "detail"),
    [
        ("Z0NOSUCHZONE", NAME, "Route 53 could not read the hosted zone Z0NOSUCHZONE"),
        (None, "auth.example.org", "auth.example.org is not inside the hosted zone"),
    ],
)
def test_a_zone_that_cannot_hold_the_name(zone: tuple[Any, str], zone_id: str | None, name: str, detail: str) -> None:
    setting = SignInDomain(name, None, zone_id or zone[1])
    found = checks(setting, {"example.org": ["192.0.2.10"], **PARENT})["sign-in domain zone"]
    assert found.status == "FAIL"
    assert detail in found.detail


def test_a_private_zone_is_refused(aws: None) -> None:
    route53 = boto3.client("route53", region_name="us-east-1")
    ec2 = boto3.client("ec2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    zone_id = route53.create_hosted_zone(
        Name="example.com",
        CallerReference=uuid.uuid4().hex,
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": "us-east-1", "VPCId": vpc},
    )["HostedZone"]["Id"]
    try:
        found = checks(SignInDomain(NAME, None, zone_id.removeprefix("/hostedzone/")), PARENT)
        assert "is private: the internet cannot resolve it" in found["sign-in domain zone"].detail
    finally:
        route53.delete_hosted_zone(Id=zone_id)


@pytest.mark.parametrize(
    ("names", "detail"),
    [
        ({TARGET: ["203.0.113.5"]}, f"{NAME} does not resolve"),
        ({NAME: ["198.51.100.7"], TARGET: ["203.0.113.5"]}, f"{NAME} resolves to 198.51.100.7, not to the"),
    ],
)
def test_after_up_the_record_to_create_is_printed(
    acm: Any, monkeypatch: pytest.MonkeyPatch, names: dict[str, list[str]], detail: str
) -> None:
    setting = SignInDomain(NAME, certificate(acm, monkeypatch), None)
    found = checks(setting, {**PARENT, **names}, {"signInDomainTarget": TARGET})["sign-in domain DNS"]
    assert found.status == "FAIL"
    assert detail in found.detail
    assert f"create the record {NAME} → {TARGET}" in found.fix
    assert f"a CNAME {NAME} → {TARGET}" in found.fix


def test_make_doctor_runs_the_checks_of_an_own_domain_after_the_dns_of_the_routes(
    tmp_path: Path, acm: Any, monkeypatch: pytest.MonkeyPatch, cluster: FakeApiServer
) -> None:
    arn = certificate(acm, monkeypatch)
    config = good_config(cluster) | {"kong-cognito-oidc:signInDomain": {"name": NAME, "certificateArn": arn}}
    checks = run(tmp_path, config, hosts={HOST: ["192.0.2.20"], **PARENT})
    names = list(checks)
    after_dns = names[names.index(f"dns {HOST}") :]
    assert after_dns[:5] == [
        f"dns {HOST}",
        "sign-in domain parent",
        "sign-in domain certificate",
        "sign-in domain DNS",
        "kong-version",
    ]
    assert [checks[name].status for name in after_dns[1:4]] == ["PASS", "PASS", "SKIP"]
