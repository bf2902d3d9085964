"""The stack's own sign-in domain: a second Cognito domain beside the prefix domain, and its certificate and DNS.

A pool may have a prefix domain and a custom domain at once (Cognito's developer guide, "Using a
custom domain and a prefix domain at the same time"), so the prefix domain, the pool and the app
client never change when this is added, changed or removed: only what is declared here does.

With a certificate ARN, the domain takes it and nothing else is declared: the user writes the DNS
record (`make doctor` prints it). With a Route 53 zone: an ACM certificate in us-east-1 validated by
DNS (its one validation record, since it names one domain), the validation that waits for ACM to
issue it, the domain with the validated certificate, and the name as an alias of the domain's
CloudFront distribution, as terraform-provider-aws documents for aws_cognito_user_pool_domain.
us-east-1 is each ACM resource's own `region` (pulumi-aws 7's per-resource region, docs/design.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_aws import acm, cognito, route53

from components import naming
from components.settings.model import SignInDomain

# CloudFront, which serves custom domains, takes certificates from this region only.
CERTIFICATE_REGION = "us-east-1"
VALIDATION_RECORD_TTL = 300


@dataclass(frozen=True)
class OwnSignInDomainArgs:
    region: str
    user_pool_id: pulumi.Input[str]
    domain: SignInDomain
    managed_login_version: int


class OwnSignInDomain(pulumi.ComponentResource):
    """The custom domain of the pool; with a hosted zone, its certificate and DNS records too."""

    domain: pulumi.Output[str]
    """The domain's name, once Cognito has it."""
    distribution: pulumi.Output[str]
    """The CloudFront distribution the name must point to (its alias or CNAME target)."""

    def __init__(self, name: str, args: OwnSignInDomainArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(naming.SIGN_IN_DOMAIN_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        zone_id = args.domain.hosted_zone_id
        certificate_arn: pulumi.Input[str] | None = args.domain.certificate_arn
        if zone_id is not None:
            certificate_arn = self._validated_certificate(name, args.domain.name, zone_id)

        domain = cognito.UserPoolDomain(
            naming.child(name, "domain"),
            region=args.region,
            user_pool_id=args.user_pool_id,
            domain=args.domain.name,
            # A new certificate is an update; a new name replaces the domain, and a pool has at most one.
            certificate_arn=certificate_arn,
            managed_login_version=args.managed_login_version,
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(delete_before_replace=True)),
        )
        if zone_id is not None:
            route53.Record(
                naming.child(name, "alias"),
                zone_id=zone_id,
                name=args.domain.name,
                type="A",
                aliases=[
                    {
                        "name": domain.cloudfront_distribution,
                        "zone_id": domain.cloudfront_distribution_zone_id,
                        "evaluate_target_health": False,
                    }
                ],
                opts=child,
            )
        self.domain = domain.domain
        self.distribution = domain.cloudfront_distribution
        self.register_outputs({"domain": self.domain, "distribution": self.distribution})

    def _validated_certificate(self, name: str, domain_name: str, zone_id: str) -> pulumi.Output[str]:
        """The ARN of a certificate for `domain_name`, once ACM has issued it (DNS validation in the zone)."""
        child = pulumi.ResourceOptions(parent=self)
        certificate = acm.Certificate(
            naming.child(name, "certificate"),
            region=CERTIFICATE_REGION,
            domain_name=domain_name,
            validation_method="DNS",
            opts=child,
        )
        # One name, one validation record: read through Outputs, so `preview` declares what `up` does.
        option = certificate.domain_validation_options[0]
        record = route53.Record(
            naming.child(name, "validation-record"),
            zone_id=zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=VALIDATION_RECORD_TTL,
            opts=child,
        )
        validation = acm.CertificateValidation(
            naming.child(name, "certificate-validation"),
            region=CERTIFICATE_REGION,
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=child,
        )
        validated: pulumi.Output[str] = validation.certificate_arn
        return validated
