"""Each route object: which GitOps tool applies it, and whether that tool keeps the route's plugin listed.

An Ingress (or HTTPRoute) that Argo CD, Flux or Helm applies gets its manifest's values back at
every sync: if the manifest sets `konghq.com/plugins` without the route's plugin, the stack's entry is
taken away and Kong serves the route without sign-in. Whether a tool will do that is read from the
object (components/field_owners.py); which tool it is, from the labels, annotations and field
managers each tool leaves, so the fix can be that tool's recipe (docs/gitops.md).

- Argo CD: the annotation `argocd.argoproj.io/tracking-id` (annotation tracking, the default from
  3.0), the field manager `argocd-controller`, or, without Helm's label, `app.kubernetes.io/instance`
  (label tracking, the default before 3.0; other tools set that label too).
- Flux: the labels `kustomize.toolkit.fluxcd.io/name` and `/namespace` (kustomize-controller), or
  `helm.toolkit.fluxcd.io/name` and `/namespace` (helm-controller), or those controllers as field managers.
- Helm: the label `app.kubernetes.io/managed-by: Helm` and the annotations `meta.helm.sh/release-name`
  and `meta.helm.sh/release-namespace`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.kubernetes.field_owners import annotation_owners, is_ours, reappliers
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION, plugin_names, with_plugin
from components.kubernetes.route_objects import ROUTE_OBJECTS, RefusedError
from components.settings.model import Route
from doctor_checks.cluster import Cluster
from verification.results import CheckLine, failed, passed, skipped

ARGO_CD_TRACKING = "argocd.argoproj.io/tracking-id"
INSTANCE_LABEL = "app.kubernetes.io/instance"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
HELM_RELEASE = ("meta.helm.sh/release-namespace", "meta.helm.sh/release-name")
FLUX_KUSTOMIZATION = ("kustomize.toolkit.fluxcd.io/namespace", "kustomize.toolkit.fluxcd.io/name")
FLUX_HELM_RELEASE = ("helm.toolkit.fluxcd.io/namespace", "helm.toolkit.fluxcd.io/name")
IGNORED_POINTER = "/metadata/annotations/" + PLUGINS_ANNOTATION.replace("~", "~0").replace("/", "~1")
GROUPS = {"Ingress": "networking.k8s.io", "HTTPRoute": "gateway.networking.k8s.io"}


@dataclass(frozen=True)
class Tool:
    """A GitOps tool that applies the object, and what shows it."""

    name: str
    """`Argo CD`, `Flux`, `Flux helm-controller` or `Helm`."""
    evidence: str


@dataclass(frozen=True)
class RouteObject:
    """What the check needs of a route: its object, its plugin, and who lists the plugin there."""

    kind: str
    namespace: str
    name: str
    plugin: str
    owned_by_git: bool
    """annotationOwner: git: the stack leaves the object alone, and Git lists the plugin."""


def check_route_annotation(cluster: Cluster, route: Route) -> CheckLine:
    """The line for one route, from its object as the cluster has it now."""
    name = f"annotation-owner {route.namespace}/{route.object_name}"
    try:
        found = cluster.objects.get(ROUTE_OBJECTS[route.kind], route.namespace, route.object_name)
    except RefusedError as error:
        return skipped(name, f"the {route.kind} could not be read (see its line above): {error.detail}")
    except Exception as error:  # the API server's other answers: said on the object's own line
        return skipped(name, f"the {route.kind} could not be read (see its line above): {error}")
    if found is None:
        return skipped(name, f"no {route.kind} to read (see its line above)")
    owned = RouteObject(route.kind, route.namespace, route.object_name, route.plugin, route.annotation_owner == "git")
    return check_annotation_owner(found, owned)


def recognise(obj: Mapping[str, Any]) -> list[Tool]:
    """The tools that apply this object, as far as its metadata shows them (most specific first)."""
    metadata = obj.get("metadata") or {}
    labels: Mapping[str, str] = metadata.get("labels") or {}
    annotations: Mapping[str, str] = metadata.get("annotations") or {}
    managers = {entry.get("manager", "") for entry in metadata.get("managedFields") or []}
    found: list[Tool] = []
    if ARGO_CD_TRACKING in annotations:
        found.append(Tool("Argo CD", f"annotation {ARGO_CD_TRACKING}: {annotations[ARGO_CD_TRACKING]}"))
    elif "argocd-controller" in managers:
        found.append(Tool("Argo CD", "field manager argocd-controller"))
    for tool, keys, manager in (
        ("Flux", FLUX_KUSTOMIZATION, "kustomize-controller"),
        ("Flux helm-controller", FLUX_HELM_RELEASE, "helm-controller"),
    ):
        if all(key in labels for key in keys):
            namespace, name = (labels[key] for key in keys)
            kind = "Kustomization" if tool == "Flux" else "HelmRelease"
            found.append(Tool(tool, f"labels {keys[1]}, {keys[0]}: {kind} {namespace}/{name}"))
        elif manager in managers:
            found.append(Tool(tool, f"field manager {manager}"))
    if labels.get(MANAGED_BY_LABEL) == "Helm" or all(key in annotations for key in HELM_RELEASE):
        release = "/".join(annotations.get(key, "?") for key in HELM_RELEASE)
        found.append(Tool("Helm", f"label {MANAGED_BY_LABEL}: Helm, release {release}"))
    # The label alone is only a guess: kustomize bases and charts set it too, so it names Argo CD only when
    # nothing else was found.
    if not found and INSTANCE_LABEL in labels:
        found.append(Tool("Argo CD", f"label {INSTANCE_LABEL}: {labels[INSTANCE_LABEL]}, if Argo CD tracks by label"))
    return found


def recipe(tool: str, route: RouteObject, value: str) -> str:
    """How to make `tool` keep the plugin listed: Git lists it, or the tool leaves the annotation alone."""
    commit = (
        f"set annotationOwner: git for this route and commit `{PLUGINS_ANNOTATION}: {value}` in the manifest of "
        f"{route.kind} {route.namespace}/{route.name}"
    )
    target = f"kind: {route.kind}, name: {route.name}, namespace: {route.namespace}"
    if tool == "Argo CD":
        return (
            f"{commit} that the Application syncs; or make the Application leave the annotation alone: "
            f"`spec.ignoreDifferences: [{{group: {GROUPS.get(route.kind, '')}, {target}, jsonPointers: "
            f"[{IGNORED_POINTER}]}}]` with `spec.syncPolicy.syncOptions: [RespectIgnoreDifferences=true]` "
            "(docs/gitops.md#argo-cd)."
        )
    if tool == "Flux":
        return (
            f"{commit} that the Kustomization applies; or, with kustomize-controller v1.9.0 or later, make the "
            f"Kustomization leave the annotation alone: `spec.ignore: [{{paths: [{IGNORED_POINTER}], target: "
            f"{{{target}}}}}]` (docs/gitops.md#flux)."
        )
    if tool in ("Helm", "Flux helm-controller"):
        return (
            f"{commit}: the chart's values for that {route.kind}'s annotations, then upgrade the release "
            "(docs/gitops.md#helm)."
        )
    return f"{commit}, or stop the tool that writes it from setting {PLUGINS_ANNOTATION} (docs/gitops.md)."


def check_annotation_owner(obj: Mapping[str, Any], route: RouteObject) -> CheckLine:
    """Whether the plugin stays listed: with annotationOwner git, that Git lists it; else that no tool removes it."""
    name = f"annotation-owner {route.namespace}/{route.name}"
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    live = annotations.get(PLUGINS_ANNOTATION)
    value = with_plugin(live, route.plugin)
    tools = recognise(obj)
    by = "; ".join(f"{tool.name} ({tool.evidence})" for tool in tools)
    tool = tools[0].name if tools else ""
    if route.owned_by_git:
        if route.plugin in plugin_names(live):
            return passed(name, f"lists {route.plugin} ({PLUGINS_ANNOTATION}: {live}), as annotationOwner: git expects")
        return failed(
            name,
            f"annotationOwner is git, and the {route.kind} does not list {route.plugin} ({PLUGINS_ANNOTATION}: "
            f"{live or 'not set'}): until Git does, Kong serves the route without sign-in"
            + (f"; it is applied by {by}." if by else "."),
            f"commit `{PLUGINS_ANNOTATION}: {value}` in the manifest of {route.kind} {route.namespace}/{route.name}"
            " and let your tool apply it (the stack's output routes lists the entry to add).",
        )
    losing = [writer for writer in reappliers(obj) if not writer.keeps(route.plugin)]
    if losing:
        said = "; ".join(
            f"{writer.manager} ({writer.how}) puts back {writer.value!r}"
            if writer.value
            else f"{writer.manager} ({writer.how}) removes it"
            for writer in losing
        )
        return failed(
            name,
            f"another tool sets {PLUGINS_ANNOTATION} without {route.plugin}: {said}"
            + (f"; it is applied by {by}" if by else "")
            + f". Its next sync takes {route.plugin} off the list, and Kong serves the route without sign-in.",
            recipe(tool, route, value),
        )
    owners = ", ".join(sorted({owner.manager for owner in annotation_owners(obj) if not is_ours(owner.manager)}))
    if tools and any(is_ours(owner.manager) for owner in annotation_owners(obj)):
        # Our last write took the field from whoever set it before: what the tool's manifest says shows again
        # only after its next sync (make up warned, from what it read before writing).
        return passed(
            name,
            f"applied by {by}; the stack wrote {PLUGINS_ANNOTATION} last, so whether that tool's manifest sets it "
            "too shows only after the tool's next sync (`make up` warned if it did; docs/gitops.md)",
        )
    if tools:
        return passed(
            name,
            f"applied by {by}; what it applies does not set {PLUGINS_ANNOTATION} without {route.plugin}, so its "
            "syncs keep the stack's entry (docs/gitops.md says what to do if its manifest ever sets it)",
        )
    return passed(
        name,
        f"no GitOps tool recognised, and no other manager re-applies {PLUGINS_ANNOTATION}"
        + (f" (also written by {owners}, once)" if owners else ""),
    )
