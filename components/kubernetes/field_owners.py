"""Who else writes an object's `konghq.com/plugins`, read from what the API server records (pure functions, and
`attach_and_warn`, which both attachments list their plugin with).

The API server records, field by field, which manager last set each one (`metadata.managedFields`);
client-side `kubectl apply`, which Argo CD's default sync is, also keeps the manifest it applied in
the `kubectl.kubernetes.io/last-applied-configuration` annotation. A tool that applies its manifest
again puts its own value back and takes our entry away with it: Flux's kustomize-controller and
Argo CD's server-side sync by a forced apply, client-side `kubectl apply` by its three-way merge,
which sets what the manifest says wherever the live value differs from it (docs/gitops.md).

What such a tool puts back can be read from the object: a manager owns a field only as long as
nobody else has changed its value since it wrote it (another manager's change takes the field
away from it), so an owner's value is the live value, and a client-side apply's is in its
last-applied-configuration.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION, attach_plugin, plugin_names
from components.kubernetes.route_objects import FIELD_MANAGER, RouteObjectApi
from components.vocabulary import RouteKind

LEGACY_FIELD_MANAGERS = ("OpenAPI-Generator",)
"""What the API server recorded our writes as before they named a manager: the prefix of the Python
client's User-Agent (`OpenAPI-Generator/<version>/python`). Writing the same value again moves no
ownership, so the entries of stacks attached before keep this name until the value changes."""
LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
REAPPLYING_UPDATE_MANAGERS = (
    "kubectl-client-side-apply",
    "argocd-controller",
    "helm",
    "helm-controller",
    "kustomize-controller",
    "before-first-apply",
)
"""Managers whose writes the API server records as Update but that write a manifest's values again each
time: client-side `kubectl apply` (also Argo CD's default sync, as `argocd-controller`), Helm 3's
three-way merge (`helm`, or `helm-controller` under Flux), and Flux before it used server-side apply."""


@dataclass(frozen=True)
class FieldOwner:
    manager: str
    operation: str
    """`Apply` (server-side apply) or `Update` (any other write)."""


@dataclass(frozen=True)
class Reapplier:
    """A manager that puts its own value of the annotation back whenever it applies again."""

    manager: str
    how: str
    """How we know: "server-side apply", "client-side apply (last-applied-configuration)" or "Update"."""
    value: str
    """The value it puts back."""

    def keeps(self, plugin: str) -> bool:
        return plugin in plugin_names(self.value)


def is_ours(manager: str) -> bool:
    return manager == FIELD_MANAGER or manager in LEGACY_FIELD_MANAGERS


def annotation_owners(obj: Mapping[str, Any], key: str = PLUGINS_ANNOTATION) -> list[FieldOwner]:
    """The managers the API server records as owning annotation `key` (subresources left out)."""
    found = []
    for entry in (obj.get("metadata") or {}).get("managedFields") or []:
        if entry.get("subresource"):
            continue
        annotations = ((entry.get("fieldsV1") or {}).get("f:metadata") or {}).get("f:annotations") or {}
        if f"f:{key}" in annotations:
            found.append(FieldOwner(str(entry.get("manager", "")), str(entry.get("operation", ""))))
    return found


def last_applied_value(obj: Mapping[str, Any], key: str = PLUGINS_ANNOTATION) -> str | None:
    """The value of annotation `key` in the manifest a client-side apply recorded, None if it has none."""
    recorded = ((obj.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED_ANNOTATION)
    if not recorded:
        return None
    try:
        manifest = json.loads(recorded)
    except ValueError:
        return None
    value = ((manifest.get("metadata") or {}).get("annotations") or {}).get(key) if isinstance(manifest, dict) else None
    return value if isinstance(value, str) else None


def reappliers(obj: Mapping[str, Any], key: str = PLUGINS_ANNOTATION) -> list[Reapplier]:
    """Every manager other than this project that will write its own value of `key` again, with that value."""
    return list(_reappliers(obj, key))


def _reappliers(obj: Mapping[str, Any], key: str) -> Iterator[Reapplier]:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    live = annotations.get(key) or ""
    # A client-side apply's manifest says what it puts back, also that it leaves a key it never set alone.
    last_applier = _last_applied_owner(obj) if LAST_APPLIED_ANNOTATION in annotations else None
    recorded = last_applied_value(obj, key)
    if recorded is not None:
        yield Reapplier(
            last_applier or "kubectl-client-side-apply", "client-side apply (last-applied-configuration)", recorded
        )
    for owner in annotation_owners(obj, key):
        if is_ours(owner.manager) or owner.manager == last_applier:
            continue
        if owner.operation == "Apply":
            yield Reapplier(owner.manager, "server-side apply", live)
        elif owner.manager in REAPPLYING_UPDATE_MANAGERS:
            yield Reapplier(owner.manager, "Update", live)


def _last_applied_owner(obj: Mapping[str, Any]) -> str:
    owners = annotation_owners(obj, LAST_APPLIED_ANNOTATION)
    return owners[-1].manager if owners else "kubectl-client-side-apply"


def overwrite_warning(kind: str, namespace: str, name: str, plugin: str, found: list[Reapplier]) -> str | None:
    """One sentence for the user when some manager will put back a value without `plugin`, else None."""
    losing = [writer for writer in found if not writer.keeps(plugin)]
    if not losing:
        return None
    said = "; ".join(
        f"{w.manager} ({w.how}) puts back {w.value!r}" if w.value else f"{w.manager} ({w.how}) removes it"
        for w in losing
    )
    return (
        f"{kind} {namespace}/{name}: another tool writes {PLUGINS_ANNOTATION} without {plugin}: {said}. Its next "
        f"apply takes {plugin} off the list and the route is served without sign-in. Make it list {plugin} "
        "(annotationOwner: git, and commit the value the stack outputs) or make it ignore the annotation: "
        "`make doctor` prints the recipe for the tool (docs/gitops.md)."
    )


def attach_and_warn(
    api: RouteObjectApi, namespace: str, name: str, plugin: str, config_patch_paths: Sequence[str], kind: RouteKind
) -> tuple[bool, str | None]:
    """List the plugin (True if this call added it), and the warning when another tool will take it off."""
    found = api.read_object(namespace, name, kind)
    added = attach_plugin(api, namespace, name, plugin, config_patch_paths=config_patch_paths, kind=kind)
    return added, overwrite_warning(kind, namespace, name, plugin, reappliers(found)) if found else None
