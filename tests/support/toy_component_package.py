"""A toy source-based component package, written into a temp dir by the e2e tests of the tooling.

Laid out as this repository's package is meant to be: the code at the root, beside the project's
pyproject.toml and uv.lock, and the plugin in a subfolder (`provider/`: PulumiPlugin.yaml and
`__main__.py`), because the root's `__main__.py` is the standalone program.

Package `toy`, version 0.1.0:
- `toy:index:Thing`, a component (schema inferred by the SDK's ComponentProvider from the type
  annotations and attribute docstrings): inputs `message` (Input[str]) and `target` (plain str),
  output `configMapName`; children: a ConfigMap holding the message (Kubernetes provider) and an
  Annotation.
- `toy:index:Annotation`, a custom resource of the package's own: the annotation `toy.example/note`
  on an existing ConfigMap `target` in namespace default, set by create and update, removed by
  delete, from the plugin's process (the Kubernetes client there reads $KUBECONFIG).

One plugin process serves both (`Servicer`): the full-provider API (`pulumi.provider.experimental`,
PropertyValue based) serves the schema and the Annotation's check, diff, create, update and delete;
Construct goes to the component server (`pulumi.provider.server`) and ComponentProvider, because the
full-provider server of the pinned SDK (3.272.0) fails on any input that depends on another resource:
`PropertyValue.unmarshal` reads an output value's `secret` field only when present (`is_secret`
unbound otherwise) and requires a `value` (absent when unknown).
"""

from __future__ import annotations

import shutil
from pathlib import Path

NAME = "toy"
VERSION = "0.1.0"
ANNOTATION_KEY = "toy.example/note"
ROOT = Path(__file__).resolve().parents[2]

PLUGIN_YAML = """\
# The plugin runs with uv in the virtualenv next to the nearest uv.lock (the package's root).
runtime:
  name: python
  options:
    toolchain: uv
"""

MAIN = """\
import sys
from pathlib import Path

# `python <this folder>`: sys.path[0] is this folder; the package's code is one up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toy_package import serve  # noqa: E402

if __name__ == "__main__":
    serve(sys.argv[1:])
"""

PACKAGE = f'''\
"""The toy package: a component, a custom resource, and the plugin serving both."""

import argparse
import asyncio
import json
import sys
from typing import Any, Optional, TypedDict

import grpc
import pulumi
import pulumi_kubernetes as k8s
from kubernetes import client, config
from pulumi.provider import server as component_server
from pulumi.provider.experimental import provider as full
from pulumi.provider.experimental import server as full_server
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2_grpc

NAME = "{NAME}"
VERSION = "{VERSION}"
KEY = "{ANNOTATION_KEY}"


class ThingArgs(TypedDict):
    message: pulumi.Input[str]
    """The text the ConfigMap holds and the annotation carries."""
    target: str
    """The existing ConfigMap (namespace default) that gets the annotation."""


class Thing(pulumi.ComponentResource):
    """A toy component: a ConfigMap of its own, and an annotation on an existing ConfigMap."""

    config_map_name: pulumi.Output[str]
    """The name of the ConfigMap it made."""

    def __init__(self, name: str, args: ThingArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(f"{{NAME}}:index:Thing", name, {{}}, opts)
        data = k8s.core.v1.ConfigMap(
            f"{{name}}-data",
            metadata={{"namespace": "default"}},
            data={{"message": args["message"]}},
            opts=pulumi.ResourceOptions(parent=self),
        )
        Annotation(f"{{name}}-note", args["target"], args["message"], pulumi.ResourceOptions(parent=self))
        self.config_map_name = data.metadata.name
        self.register_outputs({{"configMapName": self.config_map_name}})


class Annotation(pulumi.CustomResource):
    """The package's own custom resource, registered by the component, served by this plugin."""

    def __init__(self, name: str, target: str, value: pulumi.Input[str], opts: pulumi.ResourceOptions) -> None:
        # The package's version: the engine then uses the provider the component came from.
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(version=VERSION))
        super().__init__(f"{{NAME}}:index:Annotation", name, {{"target": target, "value": value}}, opts)


ANNOTATION_PROPERTIES = {{
    "target": {{"type": "string", "description": "The ConfigMap's name (namespace default)."}},
    "value": {{"type": "string", "description": "The annotation's value."}},
}}
ANNOTATION_SCHEMA = {{
    "description": "The annotation {ANNOTATION_KEY} on an existing ConfigMap, removed on delete.",
    "inputProperties": ANNOTATION_PROPERTIES,
    "requiredInputs": ["target", "value"],
    "properties": ANNOTATION_PROPERTIES,
    "required": ["target", "value"],
}}


def annotate(target: str, value: Any) -> None:
    config.load_kube_config()
    body = {{"metadata": {{"annotations": {{KEY: value}}}}}}
    client.CoreV1Api().patch_namespaced_config_map(target, "default", body)


class Resources(full.Provider):
    """The schema (the components' and the Annotation) and the Annotation's CRUD."""

    def __init__(self, component_schema: str) -> None:
        schema = json.loads(component_schema)
        schema.setdefault("resources", {{}})[f"{{NAME}}:index:Annotation"] = ANNOTATION_SCHEMA
        self.schema = json.dumps(schema)

    async def get_schema(self, request: full.GetSchemaRequest) -> full.GetSchemaResponse:
        return full.GetSchemaResponse(self.schema)

    async def diff(self, request: full.DiffRequest) -> full.DiffResponse:
        def value(properties: dict[str, PropertyValue], key: str) -> Any:
            return properties[key].value if key in properties else None

        changed = [k for k in ("target", "value") if value(request.old_state, k) != value(request.new_inputs, k)]
        return full.DiffResponse(changes=bool(changed), replaces=[k for k in changed if k == "target"])

    async def create(self, request: full.CreateRequest) -> full.CreateResponse:
        properties = request.properties
        if not request.preview:
            annotate(properties["target"].value, properties["value"].value)
        return full.CreateResponse(resource_id=properties["target"].value, properties=properties)

    async def update(self, request: full.UpdateRequest) -> full.UpdateResponse:
        if not request.preview:
            annotate(request.news["target"].value, request.news["value"].value)
        return full.UpdateResponse(properties=request.news)

    async def delete(self, request: full.DeleteRequest) -> None:
        annotate(request.properties["target"].value, None)


class Servicer(full_server.ProviderServicer):
    def __init__(self, args: list[str], engine_address: str) -> None:
        components = ComponentProvider([Thing], NAME, None, VERSION)
        super().__init__(args, VERSION, Resources(components.schema or "{{}}"), engine_address)
        self.components = component_server.ProviderServicer(components, args, engine_address)

    async def Construct(self, request: Any, context: Any) -> Any:  # noqa: N802 (gRPC's name)
        return await self.components.Construct(request, context)


def serve(args: list[str]) -> None:
    """As pulumi.provider.experimental.server.main, with the Servicer above."""
    parser = argparse.ArgumentParser()
    parser.add_argument("engine")
    engine = parser.parse_known_args(args)[0].engine

    async def run() -> None:
        server = grpc.aio.server()
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(Servicer(args, engine), server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        sys.stdout.write(f"{{port}}\\n")
        sys.stdout.flush()
        await server.wait_for_termination()

    asyncio.run(run())
'''


def write(root: Path) -> Path:
    """The toy package in `root` (its virtualenv this checkout's); returns the plugin's folder."""
    share_project_virtualenv(root)
    (root / "toy_package.py").write_text(PACKAGE)
    plugin = root / "provider"
    plugin.mkdir()
    (plugin / "PulumiPlugin.yaml").write_text(PLUGIN_YAML)
    (plugin / "__main__.py").write_text(MAIN)
    return plugin


def share_project_virtualenv(root: Path) -> None:
    """This checkout's pyproject.toml and uv.lock in `root`, and its .venv linked.

    A plugin with `toolchain: uv` in a subfolder of `root` then runs in that .venv: the toolchain takes
    the virtualenv beside the nearest uv.lock above the plugin's folder. `pulumi package add` and
    `get-schema` first install the plugin's dependencies (`uv sync` there: a no-op, same lock).
    """
    root.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy2(ROOT / name, root / name)
    (root / ".venv").symlink_to(ROOT / ".venv")
