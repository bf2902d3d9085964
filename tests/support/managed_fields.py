"""Route objects shaped as the API server returns them, with `metadata.managedFields` and kubectl's last-applied
annotation: for the unit tests of who writes `konghq.com/plugins` (field_owners.py, the doctor's GitOps check)."""

from __future__ import annotations

import json
from typing import Any

PLUGINS = "konghq.com/plugins"


def entry(manager: str, operation: str, *annotations: str, subresource: str = "") -> dict[str, Any]:
    """One managedFields entry: `manager` set these annotations by `operation` (Apply or Update)."""
    fields = {"f:metadata": {"f:annotations": {f"f:{key}": {} for key in annotations}}}
    found = {"manager": manager, "operation": operation, "apiVersion": "networking.k8s.io/v1", "fieldsV1": fields}
    return {**found, "subresource": subresource} if subresource else found


def ingress(
    annotations: dict[str, str] | None = None,
    managed: list[dict[str, Any]] | None = None,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The Ingress default/demo."""
    metadata: dict[str, Any] = {"name": "demo", "namespace": "default", "managedFields": managed or []}
    if annotations is not None:
        metadata["annotations"] = annotations
    if labels is not None:
        metadata["labels"] = labels
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata}


def last_applied(plugins: str | None) -> str:
    """kubectl's last-applied-configuration of an Ingress whose manifest lists `plugins` (None: no annotation)."""
    annotations = {PLUGINS: plugins} if plugins is not None else {}
    return json.dumps(
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"annotations": annotations}}
    )
