"""Runs a program that declares the package's component, KongCognitoSignIn, under Pulumi's mocks.

The same mocks as the stack's (stack_check/mocks.py): what the component declares is recorded, and its
outputs are resolved with their secrecy, as program_harness.py does for `__main__.py`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.provider.experimental.util import camel_case
from pulumi.runtime import MockResourceArgs, set_all_config, set_mocks

from components.package.component import OUTPUT_ATTRIBUTES, KongCognitoSignIn
from stack_check.mocks import CloudMocks, Declared, Export, RecordingMonitor

CONSUMER = "consumer"


class ComponentMocks(CloudMocks):
    """The stack's mocks, answering a component's children as the stack's of the same name without the component's
    prefix (`sign-in-cognito-client` as `cognito-client`): the same made-up ids and secrets for the same resources."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        name = args.name.removeprefix(self.prefix)
        return super().new_resource(MockResourceArgs(args.typ, name, args.inputs, args.provider, args.resource_id))


@dataclass
class ComponentRun:
    declared: list[Declared]
    outputs: dict[str, dict[str, Export]]
    """By component name: each output the component has, by its schema name."""

    def of_type(self, type_: str) -> list[Declared]:
        return [resource for resource in self.declared if resource.type == type_]


def run_components(
    program: Callable[[], list[KongCognitoSignIn]],
    preview: bool = False,
    project: str = CONSUMER,
    config: dict[str, str] | None = None,
    prefix: str = "sign-in-",
) -> ComponentRun:
    """Run `program` (which declares components, and may make Outputs) to completion under mocks."""
    monitor = RecordingMonitor(ComponentMocks(prefix))
    set_mocks(monitor.mocks, project=project, stack="dev", preview=preview, monitor=monitor)
    set_all_config(config or {})
    outputs: dict[str, dict[str, Export]] = {}

    async def resolve(component: KongCognitoSignIn) -> None:
        found = outputs.setdefault(component.pulumi_resource_name, {})
        for attribute in OUTPUT_ATTRIBUTES:
            value = getattr(component, attribute)
            if value is not None:
                found[camel_case(attribute)] = Export(await value.future(), await value.is_secret())

    @pulumi.runtime.test  # type: ignore[untyped-decorator]  # untyped in the SDK
    def run() -> Any:
        return asyncio.gather(*(resolve(component) for component in program()))

    run()
    return ComponentRun(monitor.declared, outputs)


def unknown() -> pulumi.Output[str]:
    """An output not known yet, as a preview hands a component the value of a resource still to be created."""
    loop = asyncio.get_event_loop()
    value, known = loop.create_future(), loop.create_future()
    value.set_result(None)
    known.set_result(False)
    return pulumi.Output(set(), value, known)
