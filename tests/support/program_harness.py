"""Runs the Pulumi program (`__main__.py`) under Pulumi's mocks and records what it declares.

No Pulumi CLI, cloud account or cluster is involved: the mocks stand in for
the engine and answer each resource with made-up cloud-side values.
"""

from __future__ import annotations

import json
import os
import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import MockResourceArgs, Mocks, set_all_config, set_mocks
from pulumi.runtime.mocks import MockMonitor

from components.naming import PROJECT

ROOT = Path(__file__).resolve().parents[2]

# Values the mocked cloud hands back; tests look for them where they must (not) appear.
USER_POOL_ID = "us-west-2_AbCdEf123"
CLIENT_ID = "4mockclientid0123456789abc"
CLIENT_SECRET = "mock-client-secret-value-0123456789"
SESSION_SECRET = "mock-session-secret-value-0123456789"
RANDOM_HEX = "1a2b3c4d"
ACCOUNT = "123456789012"
USER_POOL_ARN = f"arn:aws:cognito-idp:us-west-2:{ACCOUNT}:userpool/{USER_POOL_ID}"


def machine_client_secret(resource_name: str) -> str:
    return f"mock-machine-secret-of-{resource_name}"


# How Pulumi's wire format marks a secret value (pulumi/sdk/python/lib/pulumi/runtime/rpc.py).
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(_SIG_KEY) == _SECRET_SIG


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

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise AssertionError(f"the program must not call provider functions, called {args.token}")


class RecordingMonitor(MockMonitor):
    """A mock monitor that also keeps each registration's type, inputs and dependencies."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.declared: list[Declared] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
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


def dev_stack_config() -> dict[str, str]:
    """The config `pulumi up` gives the program for Pulumi.dev.yaml (its values, and Pulumi.yaml's defaults).

    Read as `make doctor` reads a stack without the Pulumi CLI.
    """
    from doctor_checks.stack_config import read_stack_config
    from doctor_checks.world import World

    return read_stack_config(ROOT, "dev", World(which=lambda _: None)).values


def run_program(
    monkeypatch: Any, config: dict[str, str], stack: str = "dev", monitor: RecordingMonitor | None = None
) -> ProgramRun:
    """Run `__main__.py` under mocks to completion: every resource registered, every export resolved.

    Exports are captured (with their secretness) instead of being sent to an engine.
    `monkeypatch` is pytest's fixture; None outside pytest (the benchmark), where
    `pulumi.export` stays replaced for the rest of the process.
    """
    monitor = monitor or RecordingMonitor(CloudMocks())
    set_mocks(monitor.mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    # As `pulumi up` hands config over: the language host puts every key set for the stack, as
    # JSON, in PULUMI_CONFIG (nothing set explicitly, which would shadow it).
    set_all_config({})
    if monkeypatch is None:
        os.environ["PULUMI_CONFIG"] = json.dumps(config)
    else:
        monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))
    exports: dict[str, pulumi.Output[Any]] = {}

    def capture(name: str, value: Any) -> None:
        exports[name] = pulumi.Output.from_input(value)

    if monkeypatch is None:
        pulumi.export = capture
    else:
        monkeypatch.setattr(pulumi, "export", capture)
    resolved: dict[str, Export] = {}

    async def resolve_exports() -> None:
        for name, output in exports.items():
            resolved[name] = Export(value=await output.future(), secret=await output.is_secret())

    @pulumi.runtime.test
    def program() -> Any:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__pulumi_program__")
        return resolve_exports()

    program()
    return ProgramRun(declared=monitor.declared, exports=resolved)
