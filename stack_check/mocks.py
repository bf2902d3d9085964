"""Runs the Pulumi program (`__main__.py`) under Pulumi's mocks and records what it declares.

No Pulumi CLI, cloud account or cluster is involved: the mocks stand in for the engine and
answer each resource with made-up cloud-side values, which never leave this process. `make check`
runs the program this way, and so do the tests (tests/support/program_harness.py).
"""

from __future__ import annotations

import json
import os
import runpy
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks, set_all_config, set_mocks
from pulumi.runtime.mocks import MockMonitor

from components.naming import PROJECT

ROOT = Path(__file__).resolve().parent.parent
"""The project directory: `__main__.py`, Pulumi.yaml."""

# Values the mocked cloud hands back; tests look for them where they must (not) appear.
USER_POOL_ID = "us-west-2_AbCdEf123"
CLIENT_ID = "4mockclientid0123456789abc"
CLIENT_SECRET = "mock-client-secret-value-0123456789"
SESSION_SECRET = "mock-session-secret-value-0123456789"
RANDOM_HEX = "1a2b3c4d"
ACCOUNT = "123456789012"
USER_POOL_ARN = f"arn:aws:cognito-idp:us-west-2:{ACCOUNT}:userpool/{USER_POOL_ID}"
CERTIFICATE_ARN = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0a1b2c3d-1111-4222-8333-444455556666"
VALIDATION_RECORD_LABEL = "_3f0c2e1d4b5a69788796a5b4c3d2e1f0"
VALIDATION_RECORD_VALUE = "_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b.mock.acm-validations.aws."
CLOUDFRONT_DISTRIBUTION = "d111111abcdef8.cloudfront.net"
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"


def machine_client_secret(resource_name: str) -> str:
    return f"mock-machine-secret-of-{resource_name}"


class ProviderCallError(Exception):
    """The program called a provider function, which it must not: a preview would need the cloud."""


@dataclass
class Declared:
    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    dependencies: list[str] = field(default_factory=list)
    provider_version: str = ""
    delete_before_replace: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    additional_secret_outputs: list[str] = field(default_factory=list)


class CloudMocks(Mocks):
    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        state = dict(args.inputs)
        resource_id = f"{args.name}-id"
        if args.typ == "aws:cognito/userPool:UserPool":
            resource_id = USER_POOL_ID
            state["arn"] = USER_POOL_ARN
        elif args.typ in ("aws:lambda/function:Function", "aws:iam/role:Role"):
            # Auto-named, as the AWS provider names what the program leaves unnamed.
            state["name"] = f"{args.name}-5f3a2b1"
            if args.typ == "aws:iam/role:Role":
                state["arn"] = f"arn:aws:iam::{ACCOUNT}:role/{state['name']}"
            else:
                state["arn"] = f"arn:aws:lambda:us-west-2:{ACCOUNT}:function:{state['name']}"
        elif args.typ == "aws:cognito/userPoolClient:UserPoolClient":
            # The browser client's values are the constants above; each machine client has its own.
            browser = args.name == "cognito-client"
            resource_id = CLIENT_ID if browser else f"{args.name}-id"
            state["clientSecret"] = CLIENT_SECRET if browser else machine_client_secret(args.name)
        elif args.typ == "aws:cognito/userPoolDomain:UserPoolDomain":
            resource_id = state["domain"]
            state["cloudfrontDistributionZoneId"] = CLOUDFRONT_ZONE_ID
            if state.get("certificateArn"):
                state["cloudfrontDistribution"] = CLOUDFRONT_DISTRIBUTION
        elif args.typ == "aws:acm/certificate:Certificate":
            resource_id = state["arn"] = CERTIFICATE_ARN
            state["domainValidationOptions"] = [
                {
                    "domainName": state["domainName"],
                    "resourceRecordName": f"{VALIDATION_RECORD_LABEL}.{state['domainName']}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": VALIDATION_RECORD_VALUE,
                }
            ]
        elif args.typ == "aws:route53/record:Record":
            # The provider stores the name lower-case without its trailing dot, and the zone's name appended.
            if isinstance(state.get("name"), str):
                state["fqdn"] = state["name"].rstrip(".").lower()
        elif args.typ == "random:index/randomId:RandomId":
            state["hex"] = RANDOM_HEX
        elif args.typ == "random:index/randomPassword:RandomPassword":
            state["result"] = SESSION_SECRET
        elif args.typ == "kubernetes:core/v1:Secret":
            # The Kubernetes provider auto-names objects whose metadata has no name.
            state["metadata"] = {**state.get("metadata", {}), "name": f"{args.name}-5f3a2b1c"}
        elif args.typ.startswith("pulumi-python:dynamic"):
            state["added_by_stack"] = True
        return resource_id, state

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise ProviderCallError(f"the program must not call provider functions, called {args.token}")


class RecordingMonitor(MockMonitor):
    """A mock monitor that also keeps each registration's type, inputs, dependencies and options."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.declared: list[Declared] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]  # untyped in the SDK
        if request.type != "pulumi:pulumi:Stack":
            self.declared.append(
                Declared(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    inputs=pulumi.runtime.rpc.deserialize_properties(request.object),
                    dependencies=list(request.dependencies),
                    provider_version=request.version,
                    delete_before_replace=request.deleteBeforeReplace,
                    ignore_changes=list(request.ignoreChanges),
                    additional_secret_outputs=list(request.additionalSecretOutputs),
                )
            )
        return response


@dataclass(frozen=True)
class Export:
    value: Any
    secret: bool


@dataclass
class ProgramRun:
    declared: list[Declared]
    exports: dict[str, Export]

    def of_type(self, type_: str) -> list[Declared]:
        return [resource for resource in self.declared if resource.type == type_]

    def one(self, type_: str) -> Declared:
        (resource,) = self.of_type(type_)
        return resource


@contextmanager
def _replaced(environ: Mapping[str, str], export: Any) -> Iterator[None]:
    """`environ` set and `pulumi.export` replaced for the run; both as they were after."""
    saved = {name: os.environ.get(name) for name in environ}
    saved_export = pulumi.export
    os.environ.update(environ)
    pulumi.export = export
    try:
        yield
    finally:
        pulumi.export = saved_export
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_under_mocks(
    config: Mapping[str, str],
    stack: str = "dev",
    monitor: RecordingMonitor | None = None,
    secret_keys: Collection[str] | None = None,
    preview: bool = False,
) -> ProgramRun:
    """Run `__main__.py` under mocks to completion: every resource registered, every export resolved.

    `config` is the stack's config, fully qualified, as `pulumi up` hands it over; `secret_keys`
    (when given) are those of its keys the stack holds encrypted; `preview` runs it as `pulumi preview`
    does (outputs of resources not created yet are unknown). Exports are captured (with their
    secretness) instead of being sent to an engine. Whatever the program raises (SettingsError for
    bad settings) is raised here.
    """
    monitor = monitor or RecordingMonitor(CloudMocks())
    set_mocks(monitor.mocks, project=PROJECT, stack=stack, preview=preview, monitor=monitor)
    # As `pulumi up` hands config over: the language host puts every key set for the stack, as
    # JSON, in PULUMI_CONFIG (nothing set explicitly, which would shadow it).
    set_all_config({})
    environ = {"PULUMI_CONFIG": json.dumps(dict(config))}
    if secret_keys is not None:
        environ["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(sorted(secret_keys))
    exports: dict[str, pulumi.Output[Any]] = {}

    def capture(name: str, value: Any) -> None:
        exports[name] = pulumi.Output.from_input(value)

    resolved: dict[str, Export] = {}

    async def resolve_exports() -> None:
        for name, output in exports.items():
            resolved[name] = Export(value=await output.future(), secret=await output.is_secret())

    @pulumi.runtime.test  # type: ignore[untyped-decorator]  # untyped in the SDK
    def program() -> Any:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__pulumi_program__")
        return resolve_exports()

    with _replaced(environ, capture):
        program()
    return ProgramRun(declared=monitor.declared, exports=resolved)
