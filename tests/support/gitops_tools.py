"""Applying an Ingress as Flux and Argo CD do, on a real API server (tests/e2e/test_gitops_managers.py).

- `FluxKustomizeController.apply`: what Flux's kustomize-controller does with each object of a
  Kustomization. First its metadata clean-up, unless the desired or the live object is annotated
  `kustomize.toolkit.fluxcd.io/ssa: Merge` (fluxcd/pkg `ssa/manager_apply.go` `cleanupMetadata` and
  `utils.AnyInMetadata`; kustomize-controller `internal/controller/kustomization_controller.go` sets the
  options): it removes `kubectl.kubernetes.io/last-applied-configuration`, and hands the fields of
  every managedFields entry whose manager starts with `kubectl` (Apply or Update), `before-first-apply`
  (Update) or `kustomize-controller` (Update) to `kustomize-controller` (Apply), by a JSON patch of
  `/metadata/managedFields` (fluxcd/pkg `ssa/patch.go` `matchFieldManager`, which matches by prefix,
  and `PatchReplaceFieldsManagers`). Then a server-side apply as `kustomize-controller` with
  force (`ssa/manager_apply.go` `apply`: `client.ForceOwnership, client.FieldOwner(...)`), with the
  labels `kustomize.toolkit.fluxcd.io/name` and `/namespace` it sets on every object (`ssa/manager.go`).
  With `ignore` (the Kustomization's `spec.ignore` paths, kustomize-controller v1.9.0 and later), an ignored
  annotation whose live value differs from the manifest's is left out of the apply when another
  Apply manager owns it, else the live value is applied ("strip" or "adopt": `ssa/manager_apply.go`
  `computeDriftedPaths`, `isFieldOwnedByOtherApplyManager`); annotations only.
  Read in fluxcd/pkg e2cfd1a2 and kustomize-controller 186fb3b2 (v1.9.x).
- `ArgoCd.sync`: Argo CD's default sync, `kubectl apply` (client-side: a three-way strategic merge of
  the last-applied-configuration, the manifest and the live object), run by the real kubectl that
  `make tools` builds at the API server's version, with Argo CD's field manager `argocd-controller`
  (argo-cd 37ee0097: `common/common.go` ArgoCDSSAManager, passed to every apply by
  `gitops-engine/pkg/sync/sync_context.go` and set as `FieldManager` in
  `gitops-engine/pkg/utils/kube/resource_ops.go`), and its tracking annotation
  `argocd.argoproj.io/tracking-id` (`docs/user-guide/resource_tracking.md`, the default since 3.0).
  With `respect_ignored_pointers` it first copies the live values at those JSON pointers into the
  manifest, as `RespectIgnoreDifferences=true` does with `ignoreDifferences` (`controller/sync.go`
  `normalizeTargetResources`: "copies ignored fields from the matching live resources"), for annotations only.
"""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from kube_apiserver import binary

FLUX_MANAGER = "kustomize-controller"
FLUX_TAKEN_OVER = (
    ("kubectl", "Apply"),
    ("kubectl", "Update"),
    ("before-first-apply", "Update"),
    (FLUX_MANAGER, "Update"),
)
"""(name prefix, operation) of the managers kustomize-controller takes fields from before applying."""
FLUX_MERGE = ("kustomize.toolkit.fluxcd.io/ssa", "Merge")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
ARGO_CD_MANAGER = "argocd-controller"
ARGO_CD_TRACKING = "argocd.argoproj.io/tracking-id"


def _union(one: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Two fieldsV1 trees as one (what fluxcd/pkg's mergeManagedFieldsV1 does through field sets)."""
    merged = copy.deepcopy(one)
    for key, value in other.items():
        merged[key] = _union(merged.get(key) or {}, value) if isinstance(value, dict) else value
    return merged


class FluxKustomizeController:
    """Flux's kustomize-controller, for one Kustomization `name` in `namespace` (its labels' values)."""

    def __init__(self, api_client: Any, name: str = "apps", namespace: str = "flux-system") -> None:
        from kubernetes import client

        self.networking = client.NetworkingV1Api(api_client)
        self.labels = {"kustomize.toolkit.fluxcd.io/name": name, "kustomize.toolkit.fluxcd.io/namespace": namespace}

    def apply(self, manifest: dict[str, Any], ignore: Sequence[str] = ()) -> None:
        from kubernetes.client.exceptions import ApiException

        desired = copy.deepcopy(manifest)
        metadata = desired["metadata"]
        metadata["labels"] = {**(metadata.get("labels") or {}), **self.labels}
        name, namespace = metadata["name"], metadata["namespace"]
        try:
            live = self.networking.api_client.sanitize_for_serialization(
                self.networking.read_namespaced_ingress(name, namespace)
            )
        except ApiException as error:
            if error.status != 404:
                raise
            live = None
        if live is not None and not (_merge_policy(desired) or _merge_policy(live)):
            self._clean_up(live)
        if live is not None:
            _strip_or_adopt(desired, live, ignore)
        self.networking.patch_namespaced_ingress(
            name,
            namespace,
            desired,
            _content_type="application/apply-patch+yaml",
            field_manager=FLUX_MANAGER,
            force=True,
        )

    def _clean_up(self, live: dict[str, Any]) -> None:
        patches: list[dict[str, Any]] = []
        if LAST_APPLIED in (live["metadata"].get("annotations") or {}):
            patches.append({"op": "remove", "path": "/metadata/annotations/" + LAST_APPLIED.replace("/", "~1")})
        entries = live["metadata"].get("managedFields") or []
        ours = next((e for e in entries if e["manager"] == FLUX_MANAGER and e["operation"] == "Apply"), None)
        kept, edited = [], False
        for entry in entries:
            if entry is ours:
                continue
            taken = any(
                entry["manager"].startswith(prefix) and entry["operation"] == operation and not entry.get("subresource")
                for prefix, operation in FLUX_TAKEN_OVER
            )
            if not taken:
                kept.append(entry)
                continue
            edited = True
            if ours is None:
                ours = {**entry, "manager": FLUX_MANAGER, "operation": "Apply"}
            else:
                ours = {**ours, "fieldsV1": _union(ours.get("fieldsV1") or {}, entry.get("fieldsV1") or {})}
        if edited:
            patches.append({"op": "replace", "path": "/metadata/managedFields", "value": [*kept, ours]})
        if patches:
            name, namespace = live["metadata"]["name"], live["metadata"]["namespace"]
            self.networking.patch_namespaced_ingress(
                name, namespace, patches, _content_type="application/json-patch+json", field_manager=FLUX_MANAGER
            )


def _strip_or_adopt(desired: dict[str, Any], live: dict[str, Any], ignore: Sequence[str]) -> None:
    wanted = desired["metadata"].setdefault("annotations", {})
    found = live["metadata"].get("annotations") or {}
    for pointer in ignore:
        key = annotation_key(pointer)
        if wanted.get(key) == found.get(key):
            continue
        owned_by_another_apply = any(
            entry["operation"] == "Apply"
            and entry["manager"] != FLUX_MANAGER
            and not entry.get("subresource")
            and f"f:{key}" in ((entry.get("fieldsV1") or {}).get("f:metadata") or {}).get("f:annotations", {})
            for entry in live["metadata"].get("managedFields") or []
        )
        if owned_by_another_apply or key not in found:
            wanted.pop(key, None)
        else:
            wanted[key] = found[key]


def annotation_key(pointer: str) -> str:
    """The annotation a JSON pointer (RFC 6901) names; only annotations are modelled here."""
    prefix = "/metadata/annotations/"
    assert pointer.startswith(prefix), "only annotations are modelled"
    return pointer[len(prefix) :].replace("~1", "/").replace("~0", "~")


def _merge_policy(obj: dict[str, Any]) -> bool:
    metadata = obj.get("metadata") or {}
    key, value = FLUX_MERGE
    return any(
        (found := (metadata.get(where) or {}).get(key)) and found.lower() == value.lower()
        for where in ("labels", "annotations")
    )


class ArgoCd:
    """Argo CD's default (client-side) sync of one Application, through the real kubectl."""

    def __init__(self, kubeconfig: Path, app: str = "shop", app_namespace: str = "argocd") -> None:
        self.kubeconfig = kubeconfig
        self.app, self.app_namespace = app, app_namespace

    def sync(self, manifest: dict[str, Any], respect_ignored_pointers: Sequence[str] = ()) -> str:
        desired = copy.deepcopy(manifest)
        metadata = desired["metadata"]
        group = desired["apiVersion"].split("/")[0] if "/" in desired["apiVersion"] else ""
        tracking = f"{self.app}:{group}/{desired['kind']}:{metadata['namespace']}/{metadata['name']}"
        metadata["annotations"] = {**(metadata.get("annotations") or {}), ARGO_CD_TRACKING: tracking}
        if respect_ignored_pointers:
            self._copy_live_annotations(desired, respect_ignored_pointers)
        return self.kubectl(["apply", f"--field-manager={ARGO_CD_MANAGER}", "-f", "-"], stdin=yaml.safe_dump(desired))

    def _copy_live_annotations(self, desired: dict[str, Any], pointers: Sequence[str]) -> None:
        metadata = desired["metadata"]
        found = self.kubectl(
            ["get", desired["kind"].lower(), metadata["name"], "-n", metadata["namespace"], "-o", "json"]
        )
        live = json.loads(found)["metadata"].get("annotations") or {}
        for pointer in pointers:
            key = annotation_key(pointer)
            if key in live:
                metadata["annotations"][key] = live[key]
            else:
                metadata["annotations"].pop(key, None)

    def kubectl(self, args: Sequence[str], stdin: str | None = None) -> str:
        done = subprocess.run(
            [str(binary("kubectl")), f"--kubeconfig={self.kubeconfig}", *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"kubectl {' '.join(args)} failed: {done.stderr}")
        return done.stdout
