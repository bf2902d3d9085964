"""A stand-in provider driven in-process, as the engine drives it: Check, Create, Read, Diff, Update, Delete.

For tests that need no engine: the messages are the protocol's, the servicer is the plugin's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format, struct_pb2
from standin_provider import Props, StandInProvider, proto


class ProviderAbortError(Exception):
    """What the engine would show as the provider's error."""


class _Context:
    def abort(self, code: Any, details: str) -> None:
        raise ProviderAbortError(details)


def struct(props: Props) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(props)
    return message


def plain(message: struct_pb2.Struct) -> Props:
    found: Props = json_format.MessageToDict(message)
    return found


@dataclass(frozen=True)
class DiffAnswer:
    changed: list[str]
    replaces: list[str]


@dataclass
class Resource:
    urn: str
    id: str
    inputs: Props
    state: Props


class Harness:
    def __init__(self, provider: StandInProvider) -> None:
        self.provider = provider
        self.provider.accept_secrets = True
        self.context = _Context()

    def check(self, urn: str, inputs: Props, olds: Props | None = None) -> Props:
        answer = self.provider.Check(
            proto.CheckRequest(urn=urn, news=struct(inputs), olds=struct(olds or {})), self.context
        )
        assert not answer.failures, answer.failures
        return plain(answer.inputs)

    def create(self, urn: str, inputs: Props) -> Resource:
        checked = self.check(urn, inputs)
        answer = self.provider.Create(proto.CreateRequest(urn=urn, properties=struct(checked)), self.context)
        return Resource(urn, answer.id, checked, plain(answer.properties))

    def diff(self, resource: Resource, inputs: Props, ignore_changes: list[str] | None = None) -> DiffAnswer:
        checked = self.check(resource.urn, inputs, resource.inputs)
        answer = self.provider.Diff(
            proto.DiffRequest(
                urn=resource.urn,
                id=resource.id,
                olds=struct(resource.state),
                old_inputs=struct(resource.inputs),
                news=struct(checked),
                ignoreChanges=ignore_changes or [],
            ),
            self.context,
        )
        return DiffAnswer(sorted(answer.diffs), sorted(answer.replaces))

    def update(self, resource: Resource, inputs: Props, ignore_changes: list[str] | None = None) -> Resource:
        checked = self.check(resource.urn, inputs, resource.inputs)
        answer = self.provider.Update(
            proto.UpdateRequest(
                urn=resource.urn,
                id=resource.id,
                olds=struct(resource.state),
                old_inputs=struct(resource.inputs),
                news=struct(checked),
                ignoreChanges=ignore_changes or [],
            ),
            self.context,
        )
        return Resource(resource.urn, resource.id, checked, plain(answer.properties))

    def refresh(self, resource: Resource) -> Resource:
        answer = self.provider.Read(
            proto.ReadRequest(
                urn=resource.urn, id=resource.id, properties=struct(resource.state), inputs=struct(resource.inputs)
            ),
            self.context,
        )
        assert answer.id, f"{resource.urn} is gone"
        return Resource(resource.urn, resource.id, plain(answer.inputs), plain(answer.properties))

    def delete(self, resource: Resource) -> None:
        self.provider.Delete(
            proto.DeleteRequest(urn=resource.urn, id=resource.id, properties=struct(resource.state)), self.context
        )
