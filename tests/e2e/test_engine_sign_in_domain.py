"""Scenario: an existing stack takes its own sign-in domain, then gives it back; managed login with branding.

Through the real engine, the AWS stand-in and moto's Route 53 and ACM: adding `signInDomain` with
a hosted zone adds the certificate, its validation record and validation, the custom domain and
its alias record, and changes the KongPlugin's sign-in endpoints; the user pool, its prefix domain
and the app client keep their URNs and ids, as they do when the setting is removed again. The
second scenario brings its own certificate (no DNS declared) and turns on managed login with a logo.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from cluster_state import app_clients, kong_plugins, steps, user_pools
from engine import Engine
from kube_apiserver import KubeApiServer

pytestmark = pytest.mark.e2e

ZONE = "example.com"
NAME = f"auth.{ZONE}"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def aws(service: str, moto_url: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        service, region_name=region, endpoint_url=moto_url, aws_access_key_id="e2e", aws_secret_access_key="e2e"
    )


def public_zone(moto_url: str) -> str:
    """The company's zone, whose apex has an A record (Cognito resolves a custom domain's parent)."""
    route53 = aws("route53", moto_url)
    zone_id = route53.create_hosted_zone(Name=ZONE, CallerReference=uuid.uuid4().hex)["HostedZone"]["Id"]
    record = {"Name": ZONE, "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}
    route53.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": record}]}
    )
    return str(zone_id).removeprefix("/hostedzone/")


def records(moto_url: str, zone_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    listed = aws("route53", moto_url).list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return {(record["Name"].rstrip("."), record["Type"]): record for record in listed}


def set_config(project: Path, stack: str, **settings: Any) -> None:
    """The stack file's settings: a value of None removes the key."""
    stack_file = project / f"Pulumi.{stack}.yaml"
    config = yaml.safe_load(stack_file.read_text()) if stack_file.exists() else {"config": {}}
    for key, value in settings.items():
        if value is None:
            config["config"].pop(f"kong-cognito-oidc:{key}", None)
        else:
            config["config"][f"kong-cognito-oidc:{key}"] = value
    stack_file.write_text(yaml.safe_dump(config))


def cognito_state(engine: Engine, project: Path, moto_url: str) -> dict[str, Any]:
    """The pool, its prefix domain and the browser client: URNs and ids."""
    resources = engine.export(project, "dev")["deployment"]["resources"]
    kept = {
        resource["urn"]: resource.get("id")
        for resource in resources
        if resource["type"] in ("aws:cognito/userPool:UserPool", "aws:cognito/userPoolClient:UserPoolClient")
        or resource["urn"].endswith("::cognito-domain")
    }
    return {"resources": kept, "pools": [pool["Id"] for pool in user_pools(moto_url)]}


def plugin_config(server: KubeApiServer) -> dict[str, Any]:
    (plugin,) = kong_plugins(server)
    config: dict[str, Any] = plugin["config"]
    return config


def test_an_existing_stack_takes_its_own_domain_and_gives_it_back_keeping_pool_prefix_domain_and_client(
    engine: Engine, project: Path, engine_cluster: KubeApiServer, moto_url: str, demo_ingress: dict[str, Any]
) -> None:
    zone_id = public_zone(moto_url)
    first = engine.make("up", project, "dev")
    assert first.returncode == 0, first
    before = cognito_state(engine, project, moto_url)
    classic = plugin_config(engine_cluster)
    assert "authorization_endpoint" not in classic

    set_config(project, "dev", signInDomain={"name": NAME, "hostedZoneId": zone_id})
    added = engine.make("up", project, "dev")
    assert added.returncode == 0, added
    assert steps(added.output) == {
        "+": {
            "Certificate cognito-sign-in-domain-certificate",
            "Record cognito-sign-in-domain-validation-record",
            "CertificateValidation cognito-sign-in-domain-certificate-validation",
            "UserPoolDomain cognito-sign-in-domain-domain",
            "Record cognito-sign-in-domain-alias",
        },
        "~": {"KongPlugin kong-oidc-plugin"},
    }, added
    assert cognito_state(engine, project, moto_url) == before
    own = plugin_config(engine_cluster)
    assert own["authorization_endpoint"] == f"https://{NAME}/oauth2/authorize"
    assert own["token_endpoint"] == f"https://{NAME}/oauth2/token"
    assert own["end_session_endpoint"].startswith(f"https://{NAME}/logout?client_id=")
    outputs = engine.export(project, "dev")["deployment"]["resources"][0]["outputs"]
    assert outputs["hostedUiDomain"] == NAME
    alias = records(moto_url, zone_id)[(NAME, "A")]["AliasTarget"]
    assert alias["DNSName"].rstrip(".") == outputs["signInDomainTarget"]
    engine.preview_is_quiet(project, "dev")

    set_config(project, "dev", signInDomain=None)
    removed = engine.make("up", project, "dev")
    assert removed.returncode == 0, removed
    assert set(steps(removed.output)) == {"-", "~"}, removed
    assert steps(removed.output)["~"] == {"KongPlugin kong-oidc-plugin"}, removed
    assert cognito_state(engine, project, moto_url) == before
    assert plugin_config(engine_cluster) == classic
    assert (NAME, "A") not in records(moto_url, zone_id)

    assert engine.make("destroy", project, "dev").returncode == 0


def test_a_stack_with_its_own_certificate_and_managed_login_with_a_logo_previews_quietly(
    engine: Engine, project: Path, engine_cluster: KubeApiServer, moto_url: str, demo_ingress: dict[str, Any]
) -> None:
    zone_id = public_zone(moto_url)
    acm = aws("acm", moto_url)
    arn = acm.request_certificate(DomainName=NAME, ValidationMethod="DNS")["CertificateArn"]
    option = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"][0]
    validation = {"Name": option["ResourceRecord"]["Name"], "Type": "CNAME", "TTL": 300}
    validation["ResourceRecords"] = [{"Value": option["ResourceRecord"]["Value"]}]
    aws("route53", moto_url).change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": validation}]}
    )
    (project / "branding").mkdir()
    (project / "branding" / "logo.png").write_bytes(PNG)
    set_config(
        project,
        "dev",
        signInDomain={"name": NAME, "certificateArn": arn},
        userPoolTier="ESSENTIALS",
        managedLogin="managed",
        managedLoginBranding={"logo": "branding/logo.png"},
    )
    up = engine.make("up", project, "dev")
    assert up.returncode == 0, up
    done = steps(up.output)["+"]
    assert {"UserPoolDomain cognito-sign-in-domain-domain", "ManagedLoginBranding cognito-branding"} <= done, up
    assert not {name for name in done if name.startswith(("Certificate", "Record"))}, up
    # The style, kept where the stand-in keeps what moto has no API for, is the browser client's, with the logo.
    (style,) = json.loads((engine.home / "aws-standin-store.json").read_text())["managedLoginBrandings"].values()
    (browser,) = [client for name, client in app_clients(moto_url).items() if name.startswith("cognito-client")]
    assert style["ClientId"] == browser["ClientId"]
    assert [asset["category"] for asset in style["Assets"]] == ["FORM_LOGO"]
    engine.preview_is_quiet(project, "dev")
    assert engine.make("destroy", project, "dev").returncode == 0
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]  # the user's certificate stays
