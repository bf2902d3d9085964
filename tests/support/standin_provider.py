"""What the stand-in resource providers share: the Pulumi provider protocol over gRPC.

A stand-in is a plugin the engine starts like any provider (`pulumi-resource-<name>` on PATH):
it serves on a loopback port and prints the port. The engine sees only the protocol: property
names, which changes replace, which outputs are secret, ids. Each resource type says those
things about itself (`ResourceType`); this module turns them into Check, Diff, Create, Read,
Update and Delete answers the way a bridged Terraform provider gives them:
- Check fills in the auto-name (`<resource name>-<7 hex>`) of a `name` the program left out,
  records it in `__defaults` as the bridge does, and keeps the old one on later runs, so a
  second `up` changes nothing;
- Diff plans the prior *state* (what Create, Update or Read stored: the cloud's answer) against
  the new inputs, as the bridge asks Terraform to, with the type's attribute rules and
  `ignoreChanges` as the bridge applies them (tf_plan.py); a changed key in `replace_on` (a
  ForceNew field upstream) replaces, as does one in `replace_when` whose rule says so for its
  prior and planned values (customdiff.ForceNewIfChange upstream); any other change updates in place;
- Create and Update store what the type's functions read back (Terraform's Create and Update end
  with a Read); Update is given the planned inputs (ignored paths keep their prior values, as
  Terraform sends them);
- a replace is delete-before-replace when the type says so, or when the program chose the
  `name` itself (a second resource could not take the same name), as the bridge decides;
- outputs named in `secret_outputs` are returned as secrets;
- Check returns secret inputs as secrets (the engine stores what Check returns as the inputs);
- Read returns the inputs it was given: on refresh the bridge rewrites only the values of inputs
  already there (pkg/tfbridge/schema.go, ExtractInputsFromOutputs with isRefresh), never adds a key;
- an asset or archive input (a Lambda function's code) is compared by the hash the engine computes.

It loads only the protocol's generated modules (not the `pulumi` package, whose import takes
half a second) and reads the protocol's values as plain JSON: the special signatures below are
the Pulumi SDK's (pulumi/runtime/rpc.py), a test keeps them equal.
"""

# ruff: noqa: N802 (the gRPC methods are named by the protocol)
from __future__ import annotations

import importlib.util
import os
import secrets
import socket
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable, Mapping
from concurrent import futures
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from threading import Event
from typing import Any

import grpc
import tf_plan
from google.protobuf import empty_pb2, json_format, struct_pb2


def _load_protocol() -> tuple[Any, Any, Any]:
    """The SDK's generated plugin_pb2, provider_pb2 and provider_pb2_grpc, without running `pulumi/__init__.py`.

    They import their siblings relatively, so a package of their own folder is all they need.
    """
    spec = importlib.util.find_spec("pulumi")
    assert spec is not None and spec.origin is not None, "the pulumi package is not installed"
    package = types.ModuleType("pulumi_protocol")
    package.__path__ = [str(Path(spec.origin).parent / "runtime" / "proto")]
    sys.modules.setdefault("pulumi_protocol", package)
    return tuple(
        import_module(f"pulumi_protocol.{name}") for name in ("plugin_pb2", "provider_pb2", "provider_pb2_grpc")
    )


plugin_pb2, proto, provider_pb2_grpc = _load_protocol()

Props = dict[str, Any]
# The protocol's special values (pulumi/runtime/rpc.py: _special_sig_key, _special_secret_sig, ...).
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270"
ASSET_SIG_VALUE = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG_VALUE = "0def7320c3a5731c473e5ecbe6d01bc7"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_SIG = {SIG_KEY: SECRET_SIG_VALUE}
ASSET_SIGS = {ASSET_SIG_VALUE, ARCHIVE_SIG_VALUE}
ASSET_KIND = "__asset_or_archive"
"""Marks an asset or archive in the stand-ins' plain data."""


class ProviderError(Exception):
    """An error the cloud API returned; its text reaches the user as the provider's would."""


@dataclass
class ResourceType:
    token: str
    inputs: frozenset[str]
    replace_on: frozenset[str]
    create: Callable[[Props], tuple[str, Props]]
    read: Callable[[str, Props], Props | None]
    update: Callable[[str, Props, Props], Props]
    delete: Callable[[str, Props], None]
    secret_outputs: frozenset[str] = frozenset()
    defaults: Props = field(default_factory=dict)
    autoname: bool = False
    """Whether an unset `name` is generated from the resource's name (the bridge's auto-naming)."""
    delete_before_replace: bool = False
    replace_when: Mapping[str, Callable[[Any, Any], bool]] = field(default_factory=dict)
    """Inputs that replace only for some changes: (prior, planned) -> replaces (ForceNewIfChange)."""
    schema: Mapping[str, tf_plan.Field] = field(default_factory=dict)
    """How Terraform plans each input (tf_plan.Field); an input not named here is a plain Optional one."""


def _resource_name(urn: str) -> str:
    return urn.split("::")[-1]


def comparable(value: Any) -> Any:
    """A value with its assets and archives by hash where the engine gave one (it elides the contents of old ones)."""
    if isinstance(value, dict):
        if ASSET_KIND in value and "hash" in value:
            return {ASSET_KIND: value[ASSET_KIND], "hash": value["hash"]}
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    return value


def _assets_as_data(value: Any) -> Any:
    """Assets and archives (signature objects of the protocol) as plain dicts marked ASSET_KIND, and back."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) in ASSET_SIGS:
            value = {ASSET_KIND: value[SIG_KEY]} | {key: item for key, item in value.items() if key != SIG_KEY}
        return {key: _assets_as_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_assets_as_data(item) for item in value]
    return value


def _assets_as_signatures(value: Any) -> Any:
    if isinstance(value, dict):
        if ASSET_KIND in value:
            value = {SIG_KEY: value[ASSET_KIND]} | {k: v for k, v in value.items() if k != ASSET_KIND}
        return {key: _assets_as_signatures(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_assets_as_signatures(item) for item in value]
    return value


def unwrap(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG_VALUE:
            return unwrap(value["value"])
        return {key: unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the protocol's numbers are doubles; the schema's integers are ints
    return value


def _serialize(props: Props) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(_assets_as_signatures(props))
    return message


def _deserialize(message: struct_pb2.Struct) -> Props:
    """Secrets unwrapped, unknowns as UNKNOWN; assets and archives kept as the protocol's data."""
    unwrapped: Props = unwrap(_assets_as_data(json_format.MessageToDict(message)))
    return unwrapped


class StandInProvider(provider_pb2_grpc.ResourceProviderServicer):
    def __init__(self, version: str, types: list[ResourceType]) -> None:
        self.version = version
        self.types = {resource_type.token: resource_type for resource_type in types}
        self.accept_secrets = False

    def _type(self, urn: str, context: grpc.ServicerContext) -> ResourceType:
        token = urn.split("::")[2].split("$")[-1]
        if token not in self.types:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"this stand-in does not serve {token}")
        return self.types[token]

    def _outputs(self, resource_type: ResourceType, outputs: Props) -> struct_pb2.Struct:
        shown = dict(outputs)
        if self.accept_secrets:
            for key in resource_type.secret_outputs & shown.keys():
                shown[key] = {**SECRET_SIG, "value": shown[key]}
        return _serialize(shown)

    def GetPluginInfo(self, request: Any, context: grpc.ServicerContext) -> Any:
        return plugin_pb2.PluginInfo(version=self.version)

    def CheckConfig(self, request: Any, context: grpc.ServicerContext) -> Any:
        return proto.CheckResponse(inputs=request.news)

    def DiffConfig(self, request: Any, context: grpc.ServicerContext) -> Any:
        return proto.DiffResponse(changes=proto.DiffResponse.DIFF_NONE)

    def Configure(self, request: Any, context: grpc.ServicerContext) -> Any:
        self.accept_secrets = request.acceptSecrets
        return proto.ConfigureResponse(acceptSecrets=True, supportsPreview=True)

    def Check(self, request: Any, context: grpc.ServicerContext) -> Any:
        resource_type = self._type(request.urn, context)
        # Secret inputs stay secret: the engine keeps what Check returns as the resource's inputs.
        news = json_format.MessageToDict(request.news)
        olds = _deserialize(request.olds)
        unknown = sorted(news.keys() - resource_type.inputs)
        if unknown:
            failures = [proto.CheckFailure(property=key, reason=f"unknown input {key}") for key in unknown]
            return proto.CheckResponse(failures=failures)
        checked = {**resource_type.defaults, **news}
        if resource_type.autoname and "name" not in news:
            checked["name"] = olds.get("name") or f"{_resource_name(request.urn)}-{secrets.token_hex(4)[:7]}"
            checked["__defaults"] = ["name"]
        return proto.CheckResponse(inputs=_serialize(checked))

    def Diff(self, request: Any, context: grpc.ServicerContext) -> Any:
        resource_type = self._type(request.urn, context)
        prior = _deserialize(request.olds)
        news = _deserialize(request.news)
        ignored = list(request.ignoreChanges)
        schema, inputs = resource_type.schema, resource_type.inputs
        changed = tf_plan.changed(schema, inputs, comparable(prior), comparable(news), ignored)
        planned = tf_plan.plan(schema, inputs, prior, news, ignored)
        replaces = [
            key
            for key in changed
            if key in resource_type.replace_on
            or (key in resource_type.replace_when and resource_type.replace_when[key](prior.get(key), planned.get(key)))
        ]
        named_by_program = resource_type.autoname and "name" not in news.get("__defaults", [])
        return proto.DiffResponse(
            changes=proto.DiffResponse.DIFF_SOME if changed else proto.DiffResponse.DIFF_NONE,
            diffs=changed,
            replaces=replaces,
            deleteBeforeReplace=bool(replaces) and (resource_type.delete_before_replace or named_by_program),
            detailedDiff={
                key: proto.PropertyDiff(
                    kind=proto.PropertyDiff.UPDATE_REPLACE if key in replaces else proto.PropertyDiff.UPDATE,
                    inputDiff=True,
                )
                for key in changed
            },
        )

    def Create(self, request: Any, context: grpc.ServicerContext) -> Any:
        resource_type = self._type(request.urn, context)
        inputs = _deserialize(request.properties)
        if request.preview:
            return proto.CreateResponse(id="", properties=_serialize(inputs))
        try:
            resource_id, outputs = resource_type.create(_without_markers(inputs))
        except ProviderError as error:
            context.abort(grpc.StatusCode.UNKNOWN, f"creating {request.urn}: {error}")
        return proto.CreateResponse(
            id=resource_id, properties=self._outputs(resource_type, {**_without_markers(inputs), **outputs})
        )

    def Read(self, request: Any, context: grpc.ServicerContext) -> Any:
        resource_type = self._type(request.urn, context)
        state = _deserialize(request.properties)
        found = resource_type.read(request.id, _without_markers(state))
        if found is None:
            return proto.ReadResponse(id="")
        outputs = {**state, **found}
        return proto.ReadResponse(
            id=request.id, properties=self._outputs(resource_type, outputs), inputs=request.inputs
        )

    def Update(self, request: Any, context: grpc.ServicerContext) -> Any:
        resource_type = self._type(request.urn, context)
        olds = _without_markers(_deserialize(request.olds))
        news = _without_markers(_deserialize(request.news))
        if request.preview:
            return proto.UpdateResponse(properties=_serialize({**olds, **news}))
        # What Terraform sends: the planned inputs, an ignored path with its prior value.
        planned = tf_plan.plan(resource_type.schema, resource_type.inputs, olds, news, list(request.ignoreChanges))
        sent = {key: value for key, value in planned.items() if value is not None}
        try:
            outputs = resource_type.update(request.id, olds, sent)
        except ProviderError as error:
            context.abort(grpc.StatusCode.UNKNOWN, f"updating {request.urn}: {error}")
        return proto.UpdateResponse(properties=self._outputs(resource_type, {**news, **outputs}))

    def Delete(self, request: Any, context: grpc.ServicerContext) -> Any:
        resource_type = self._type(request.urn, context)
        try:
            resource_type.delete(request.id, _without_markers(_deserialize(request.properties)))
        except ProviderError as error:
            context.abort(grpc.StatusCode.UNKNOWN, f"deleting {request.urn}: {error}")
        return empty_pb2.Empty()

    def Cancel(self, request: Any, context: grpc.ServicerContext) -> Any:
        return empty_pb2.Empty()

    def GetSchema(self, request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "the stand-in has no schema")


def _without_markers(props: Props) -> Props:
    return {key: value for key, value in props.items() if not key.startswith("__")}


def engine_address(argv: list[str]) -> str | None:
    """The engine's address: the last argument, after the flags the engine passes before it.

    With --logflow the engine passes `--logtostderr` and `-v=<n>` first, and `--tracing <endpoint>`
    with tracing on (pulumi/pulumi sdk/go/common/resource/plugin/plugin.go, buildPluginArguments);
    the plugin's own arguments, here the engine's address, come last.
    """
    if len(argv) < 2 or argv[-1].startswith("-") or (len(argv) > 2 and argv[-2] == "--tracing"):
        return None
    return argv[-1]


def _exit_when_the_engine_is_gone(engine: str) -> None:
    """Like Pulumi's own plugins: a CLI killed outright cannot stop its plugins, so they watch its address."""
    host, _, port = engine.rpartition(":")
    # Once a second, as the engine's scenarios run it; its own test watches faster.
    every = float(os.environ.get("STANDIN_ENGINE_WATCH_SECONDS", "1"))
    failures = 0
    while failures < 3:
        time.sleep(every)
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            failures = 0
        except OSError:
            failures += 1
    os._exit(0)


def serve(provider: StandInProvider) -> None:
    """Serves on a loopback port, prints it for the engine, and runs until the engine ends it or goes away."""
    engine = engine_address(sys.argv)
    if engine is not None:
        threading.Thread(target=_exit_when_the_engine_is_gone, args=(engine,), daemon=True).start()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(provider, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    try:
        Event().wait()
    except KeyboardInterrupt:
        server.stop(0)
    except Exception:  # pragma: no cover - shows why the plugin stopped
        traceback.print_exc()
        raise
