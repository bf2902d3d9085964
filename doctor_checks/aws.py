"""AWS: the stack's region, and credentials that STS accepts."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from doctor_checks.world import TIMEOUT
from verification.results import CheckLine, failed, passed


def check_aws(values: Mapping[str, str], stack: str) -> Iterator[CheckLine]:
    region = values.get("aws:region")
    if region:
        yield passed("aws-region", f"aws:region is {region}")
    else:
        yield failed(
            "aws-region",
            f"aws:region is not set for stack {stack}.",
            f"`pulumi config set aws:region <region> --stack {stack}` (the Cognito resources' region, e.g. us-west-2).",
        )
    yield check_aws_credentials(region, values.get("aws:profile"))


@functools.cache
def _botocore_loader() -> Any:
    """Shared by every session: loading AWS's service models is most of a session's cost."""
    import botocore.loaders

    return botocore.loaders.create_loader()


def aws_client(service: str, region: str, profile: str | None) -> Any:
    """A boto3 client of the stack's credentials (`aws:profile`, else the environment's), quick to give up."""
    import boto3
    import botocore.config
    import botocore.session

    core = botocore.session.get_session()
    core.register_component("data_loader", _botocore_loader())
    session = boto3.Session(botocore_session=core, profile_name=profile)
    config = botocore.config.Config(connect_timeout=5, read_timeout=TIMEOUT, retries={"max_attempts": 1})
    return session.client(service, region_name=region, config=config)


def check_aws_credentials(region: str | None, profile: str | None) -> CheckLine:
    import botocore.exceptions

    fix = (
        "give this shell AWS credentials for the target account: `aws configure`, or `aws sso login --profile <p>` "
        "and `export AWS_PROFILE=<p>`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; check with "
        "`aws sts get-caller-identity`."
    )
    try:
        identity = aws_client("sts", region or "us-east-1", profile).get_caller_identity()
    except botocore.exceptions.NoCredentialsError:
        return failed("aws-credentials", "no AWS credentials found (environment, profiles, SSO or role).", fix)
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", str(error))
        return failed("aws-credentials", f"STS refused the credentials: {code}: {message}", fix)
    except botocore.exceptions.BotoCoreError as error:
        return failed("aws-credentials", f"STS GetCallerIdentity failed: {error}", fix)
    return passed("aws-credentials", f"account {identity['Account']}, {identity['Arn']}")
