"""A Kubernetes Secret, declared as pulumi_kubernetes.core.v1.Secret declares it, without importing that module.

`pulumi_kubernetes.core.v1` loads every core/v1 type: about 0.4 s of CPU at each start of the
program (bench/results.md), for the one kind of Kubernetes object it declares through the SDK.
This class sends the engine what the SDK's Secret sends for the same arguments: the type
`kubernetes:core/v1:Secret`, the inputs `apiVersion`, `kind`, `metadata`, `type` and `stringData`
(as a secret), `data` and `stringData` as secret outputs, and the SDK's provider version
(tests/program/test_program.py compares the two registrations).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import version
from typing import Any

import pulumi

TYPE = "kubernetes:core/v1:Secret"


class KubernetesSecret(pulumi.CustomResource):
    """`v1` Secret, applied by the Kubernetes provider."""

    metadata: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        metadata: Mapping[str, Any],
        secret_type: str,
        string_data: pulumi.Input[Mapping[str, str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": dict(metadata),
            "type": secret_type,
            "stringData": pulumi.Output.secret(string_data),
            "data": None,
            "immutable": None,
        }
        sdk_defaults = pulumi.ResourceOptions(
            version=version("pulumi-kubernetes"), additional_secret_outputs=["data", "stringData"]
        )
        super().__init__(TYPE, resource_name, props, pulumi.ResourceOptions.merge(sdk_defaults, opts))
