"""The own sign-in domain (`signInDomain`): what Cognito needs of DNS and ACM before and after `make up`.

Cognito takes a custom domain only when its parent domain has an A record (it resolves it when
the domain is created: AWS's troubleshooting page, "Custom domain is not a valid subdomain") and
when its certificate is an ISSUED ACM certificate in us-east-1 that covers the name. After `up`,
the name must resolve to the CloudFront distribution Cognito made for it: the stack writes that
alias record in a Route 53 zone (`hostedZoneId`), otherwise the user does (`certificateArn`), and
this prints the record to create. Read-only: DNS lookups, ACM DescribeCertificate and
ListCertificates, Route 53 GetHostedZone.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from components.settings.model import SignInDomain
from doctor_checks.aws import aws_client
from doctor_checks.world import World
from verification.results import CheckLine, failed, passed, skipped

CERTIFICATE_REGION = "us-east-1"
# The stack output that names the distribution (exported with signInDomain).
TARGET_OUTPUT = "signInDomainTarget"
NOT_YET = "appears after `make up`"


def parent_domain(name: str) -> str:
    return name.split(".", 1)[1]


def _covers(certificate_name: str, name: str) -> bool:
    if certificate_name.startswith("*."):
        return parent_domain(name) == certificate_name[2:]
    return certificate_name == name


def _error_text(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        answer = response.get("Error", {})
        return f"{answer.get('Code', '')}: {answer.get('Message', str(error))}"
    return str(error)


def check_parent_record(setting: SignInDomain, world: World) -> CheckLine:
    parent = parent_domain(setting.name)
    name = "sign-in domain parent"
    fix = (
        f"create an A record for {parent} at your DNS provider (any address you own, e.g. your website's); "
        f"Cognito resolves {parent} when it creates {setting.name} and refuses the domain without one."
    )
    try:
        addresses = world.resolve(parent)
    except OSError as error:
        return failed(name, f"{parent}, the parent domain of {setting.name}, does not resolve: {error}.", fix)
    ipv4 = [address for address in addresses if ipaddress.ip_address(address).version == 4]
    if not ipv4:
        return failed(name, f"{parent} resolves to IPv6 addresses only ({', '.join(addresses)}), not an A record.", fix)
    return passed(name, f"{parent} has an A record ({', '.join(ipv4)}), as Cognito requires")


def check_hosted_zone(setting: SignInDomain, profile: str | None) -> CheckLine:
    name = "sign-in domain zone"
    zone_id = setting.hosted_zone_id or ""
    fix = (
        "set signInDomain.hostedZoneId to the id of the public Route 53 zone that serves the name's domain "
        "(`aws route53 list-hosted-zones`), or use signInDomain.certificateArn and write the DNS records yourself."
    )
    try:
        zone = aws_client("route53", CERTIFICATE_REGION, profile).get_hosted_zone(Id=zone_id)["HostedZone"]
    except Exception as error:  # botocore's errors: no credentials, no such zone, access denied
        return failed(name, f"Route 53 could not read the hosted zone {zone_id}: {_error_text(error)}.", fix)
    zone_name = str(zone["Name"]).removesuffix(".")
    if (zone.get("Config") or {}).get("PrivateZone"):
        return failed(name, f"the hosted zone {zone_id} ({zone_name}) is private: the internet cannot resolve it.", fix)
    if not (setting.name == zone_name or setting.name.endswith("." + zone_name)):
        return failed(name, f"{setting.name} is not inside the hosted zone {zone_id} ({zone_name}).", fix)
    return passed(name, f"{setting.name} is inside the public hosted zone {zone_id} ({zone_name})")


def _certificate(setting: SignInDomain, profile: str | None) -> tuple[dict[str, Any] | None, str]:
    """The certificate to check: the one named, or the newest ACM holds for the name (the stack's)."""
    acm = aws_client("acm", CERTIFICATE_REGION, profile)
    arn = setting.certificate_arn
    if arn is None:
        listed = acm.list_certificates()["CertificateSummaryList"]
        arns = [summary["CertificateArn"] for summary in listed if summary.get("DomainName") == setting.name]
        if not arns:
            return None, ""
        arn = arns[-1]
    return acm.describe_certificate(CertificateArn=arn)["Certificate"], arn


def _validation_records(certificate: Mapping[str, Any]) -> str:
    records = [
        f"{option['ResourceRecord']['Name']} {option['ResourceRecord']['Type']} {option['ResourceRecord']['Value']}"
        for option in certificate.get("DomainValidationOptions") or []
        if option.get("ResourceRecord")
    ]
    return "; ".join(records) or "none given"


def check_certificate(setting: SignInDomain, profile: str | None) -> CheckLine:
    name = "sign-in domain certificate"
    try:
        certificate, arn = _certificate(setting, profile)
    except Exception as error:  # botocore's errors
        where = setting.certificate_arn or f"the certificates of {setting.name}"
        return failed(
            name,
            f"ACM in {CERTIFICATE_REGION} could not describe {where}: {_error_text(error)}.",
            "check the ARN (`aws acm list-certificates --region us-east-1`) and that these credentials may call "
            "acm:DescribeCertificate there.",
        )
    if certificate is None:
        return skipped(name, f"`make up` requests the certificate for {setting.name} in {CERTIFICATE_REGION}")
    names = certificate.get("SubjectAlternativeNames") or [certificate.get("DomainName", "")]
    status = certificate.get("Status")
    if not any(_covers(covered, setting.name) for covered in names):
        return failed(
            name,
            f"the certificate {arn} is for {', '.join(names)}, which does not cover {setting.name}.",
            f"request a certificate for {setting.name} in ACM in {CERTIFICATE_REGION} and set its ARN.",
        )
    if status != "ISSUED":
        return failed(
            name,
            f"the certificate {arn} is {status}, not ISSUED: Cognito takes an issued certificate only.",
            "for PENDING_VALIDATION create its DNS validation record(s): "
            f"{_validation_records(certificate)}; ACM issues it minutes after it finds them.",
        )
    until = certificate.get("NotAfter")
    expires = f", valid until {until:%Y-%m-%d}" if hasattr(until, "strftime") else ""
    return passed(name, f"{arn} in {CERTIFICATE_REGION}: ISSUED for {', '.join(names)}{expires}")


def _record_to_create(name: str, target: str) -> str:
    return (
        f"create the record {name} → {target}: in Route 53 an A record with Alias to the CloudFront distribution "
        f"{target} (hosted zone Z2FDTNDATAQYW2), at other DNS providers a CNAME {name} → {target}"
    )


def check_alias(setting: SignInDomain, outputs: Mapping[str, Any], world: World) -> CheckLine:
    name = "sign-in domain DNS"
    target = outputs.get(TARGET_OUTPUT)
    if not isinstance(target, str) or not target:
        if setting.hosted_zone_id:
            return skipped(name, f"the stack writes the alias record of {setting.name} at `make up`")
        return skipped(name, f"the record to create ({setting.name} → its CloudFront distribution) {NOT_YET}")
    fix = (
        "the stack writes this record in the hosted zone: run `make up` again, and allow DNS a few minutes"
        if setting.hosted_zone_id
        else _record_to_create(setting.name, target)
        + ". Until then browsers cannot reach the sign-in page: the plugin already sends them there."
    )
    try:
        expected = set(world.resolve(target))
    except OSError as error:
        return failed(name, f"the distribution {target} does not resolve: {error}.", "")
    try:
        found = set(world.resolve(setting.name))
    except OSError as error:
        return failed(name, f"{setting.name} does not resolve: {error}.", fix)
    if not found & expected:
        return failed(
            name,
            f"{setting.name} resolves to {', '.join(sorted(found))}, not to the distribution {target} "
            f"({', '.join(sorted(expected))}).",
            fix,
        )
    return passed(name, f"{setting.name} resolves to the distribution {target}")


def check_sign_in_domain(
    setting: SignInDomain, outputs: Mapping[str, Any], world: World, profile: str | None
) -> Iterator[CheckLine]:
    """Before `up`: the parent's A record, the zone or the certificate; after: the name resolves to its distribution."""
    yield check_parent_record(setting, world)
    if setting.hosted_zone_id:
        yield check_hosted_zone(setting, profile)
    yield check_certificate(setting, profile)
    yield check_alias(setting, outputs, world)
