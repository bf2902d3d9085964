"""The package's plugin: one process serves the component and its own PluginAttachment resources.

The engine starts it as `python provider` (provider/__main__.py) in the package's virtualenv, once
for the component's Construct and for the attachments' CRUD alike (the same provider: plugin_attachment.py
registers them with the package's version).

- GetSchema: the component's schema, which the SDK's ComponentProvider infers from args.py and
  component.py, and PluginAttachment's.
- Construct: the inputs are checked first (inputs.input_problems). A problem aborts with InvalidArgument
  listing each property's, which the engine shows as the message, without a traceback, before the
  component declares anything; else the SDK's component server constructs it.
- Check, Diff, Create, Read, Update, Delete: PluginAttachment's, through the SDK's full-provider API.

Two servers in one because neither does both at the pinned SDK (3.272.0): the component server has no
CRUD, and the full-provider server's Construct fails on any input that depends on another resource
(tests/support/toy_component_package.py tells how).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from pulumi.provider import server as component_server
from pulumi.provider.experimental import provider as full
from pulumi.provider.experimental import server as full_server
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.runtime.proto import provider_pb2_grpc

from components.naming import PROJECT
from components.package import plugin_attachment
from components.package.component import TYPE, KongCognitoSignIn
from components.package.inputs import input_problems
from components.package.plugin_attachment import ERRORS, PluginAttachmentProvider
from components.package.version import VERSION

# What the schema marks secret, which the SDK's inference cannot say: generated SDKs then wrap the inputs as secrets.
SECRET_INPUTS = ("kubeconfig",)
SECRET_OUTPUTS = ("clientSecret", "apiClientSecrets")
DESCRIPTION = (
    "Amazon Cognito sign-in (OpenID Connect) in front of existing Ingresses served by the Kong Ingress Controller"
)


def component_provider() -> ComponentProvider:
    """The SDK's provider of the component: its schema inferred from the code, its Construct."""
    return ComponentProvider([KongCognitoSignIn], PROJECT, None, VERSION)


def schema(components: ComponentProvider | None = None) -> dict[str, Any]:
    """The package's schema: the component's, as the SDK infers it, and PluginAttachment's."""
    inferred: dict[str, Any] = json.loads((components or component_provider()).schema or "{}")
    inferred = _one_line_descriptions(inferred)
    inferred["description"] = DESCRIPTION
    component = inferred["resources"][TYPE]
    for name in SECRET_INPUTS:
        component["inputProperties"][name]["secret"] = True
    for name in SECRET_OUTPUTS:
        component["properties"][name]["secret"] = True
    inferred["types"][f"{PROJECT}:index:IdentityProvider"]["properties"]["clientSecret"]["secret"] = True
    inferred["types"][f"{PROJECT}:index:RedisSessions"]["properties"]["password"]["secret"] = True
    inferred.setdefault("resources", {})[plugin_attachment.TYPE] = plugin_attachment.SCHEMA
    return inferred


def _one_line_descriptions(node: Any) -> Any:
    """Docstrings' line breaks and indentation, as the SDK copies them, folded into single spaces."""
    if isinstance(node, dict):
        return {
            key: " ".join(value.split())
            if key == "description" and isinstance(value, str)
            else _one_line_descriptions(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_one_line_descriptions(item) for item in node]
    return node


class Resources(full.Provider):
    """The schema, and PluginAttachment's CRUD."""

    def __init__(self, components: ComponentProvider) -> None:
        self.schema = json.dumps(schema(components))
        self.attachments = PluginAttachmentProvider()

    async def get_schema(self, request: full.GetSchemaRequest) -> full.GetSchemaResponse:
        return full.GetSchemaResponse(self.schema)

    async def check(self, request: full.CheckRequest) -> full.CheckResponse:
        return await self.attachments.check(request)

    async def diff(self, request: full.DiffRequest) -> full.DiffResponse:
        return await self.attachments.diff(request)

    async def create(self, request: full.CreateRequest) -> full.CreateResponse:
        return await self.attachments.create(request)

    async def read(self, request: full.ReadRequest) -> full.ReadResponse:
        return await self.attachments.read(request)

    async def update(self, request: full.UpdateRequest) -> full.UpdateResponse:
        return await self.attachments.update(request)

    async def delete(self, request: full.DeleteRequest) -> None:
        await self.attachments.delete(request)


class Servicer(full_server.ProviderServicer):
    """The full-provider server, with Construct checked and handed to the component server."""

    def __init__(self, args: list[str], engine_address: str) -> None:
        components = component_provider()
        super().__init__(args, VERSION, Resources(components), engine_address)
        self.components = component_server.ProviderServicer(components, args, engine_address)

    async def Construct(self, request: Any, context: Any) -> Any:  # noqa: N802 (gRPC's names)
        # The inputs as the component server hands them to the component (its own, private, step).
        given = await component_server.ProviderServicer._construct_inputs(request.inputs, request.inputDependencies)
        problems = await input_problems(given, dict(request.config).get("aws:region"))
        if problems:
            count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
            await context.abort_with_status(
                self.create_grpc_invalid_properties_status(f"invalid settings ({count})", problems)
            )
        return await self.components.Construct(request, context)

    async def Create(self, request: Any, context: Any) -> Any:  # noqa: N802
        return await _plainly(super().Create, request, context)

    async def Read(self, request: Any, context: Any) -> Any:  # noqa: N802
        return await _plainly(super().Read, request, context)

    async def Update(self, request: Any, context: Any) -> Any:  # noqa: N802
        return await _plainly(super().Update, request, context)

    async def Delete(self, request: Any, context: Any) -> Any:  # noqa: N802
        return await _plainly(super().Delete, request, context)


async def _plainly(call: Callable[[Any, Any], Awaitable[Any]], request: Any, context: Any) -> Any:
    """The call; a cluster's answer (ERRORS) as its message alone: the full-provider server adds a traceback."""
    try:
        return await call(request, context)
    except Exception as error:
        cause = error.__context__  # the server re-raises inside its `except`
        if isinstance(cause, ERRORS):
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(cause))
        raise


def serve(args: list[str]) -> None:
    """As pulumi.provider.experimental.server.main, with the Servicer above."""
    parser = argparse.ArgumentParser(description="kong-cognito-oidc's Pulumi plugin (gRPC server)")
    parser.add_argument("engine", help="the Pulumi engine's address")
    engine = parser.parse_known_args(args)[0].engine

    async def run() -> None:
        server = grpc.aio.server()
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(Servicer(args, engine), server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()
        await server.wait_for_termination()

    asyncio.run(run())
