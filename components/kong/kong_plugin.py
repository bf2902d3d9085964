"""A typed Pulumi resource for Kong's `KongPlugin` custom resource.

`pulumi_kubernetes.apiextensions.CustomResource` in Python carries only `spec`,
while KongPlugin keeps `plugin`, `config` and `configPatches` at the top level,
so this class declares the object with exactly those fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import pulumi

from components.kong.crds import KONG_GROUP, KONG_VERSION

API_VERSION = f"{KONG_GROUP}/{KONG_VERSION}"
KIND = "KongPlugin"


@dataclass(frozen=True)
class SecretKeyRef:
    """A key of a Secret in the plugin's namespace; its value is JSON."""

    name: pulumi.Input[str]
    key: str


@dataclass(frozen=True)
class ConfigPatch:
    """Sets the field at `path` (a JSON pointer into `config`) from a Secret (KIC >= 3.1)."""

    path: str
    secret_key_ref: SecretKeyRef


@dataclass(frozen=True)
class KongPluginArgs:
    name: pulumi.Input[str]
    namespace: pulumi.Input[str]
    plugin: str
    config: Mapping[str, pulumi.Input[Any]]
    config_patches: Sequence[ConfigPatch] = ()
    labels: Mapping[str, str] | None = None
    annotations: Mapping[str, str] | None = None


class KongPlugin(pulumi.CustomResource):
    """`configuration.konghq.com/v1` KongPlugin, applied by the Kubernetes provider."""

    metadata: pulumi.Output[dict[str, Any]]
    plugin: pulumi.Output[str]
    config: pulumi.Output[dict[str, Any]]

    def __init__(self, resource_name: str, args: KongPluginArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        metadata: dict[str, Any] = {"name": args.name, "namespace": args.namespace}
        if args.labels:
            metadata["labels"] = dict(args.labels)
        if args.annotations:
            metadata["annotations"] = dict(args.annotations)
        props: dict[str, Any] = {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": metadata,
            "plugin": args.plugin,
            "config": dict(args.config),
            "configPatches": [
                {
                    "path": patch.path,
                    "valueFrom": {"secretKeyRef": {"name": patch.secret_key_ref.name, "key": patch.secret_key_ref.key}},
                }
                for patch in args.config_patches
            ],
        }
        # The Kubernetes provider serves any `kubernetes:<group/version>:<Kind>` type; pin
        # the same provider version the installed pulumi-kubernetes SDK asks for.
        provider_version = pulumi.ResourceOptions(version=version("pulumi-kubernetes"))
        super().__init__(
            f"kubernetes:{API_VERSION}:{KIND}",
            resource_name,
            props,
            pulumi.ResourceOptions.merge(provider_version, opts),
        )
