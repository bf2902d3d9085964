"""Listing a KongPlugin on an Ingress or HTTPRoute and taking it off again, over any `IngressApi` (pure logic).

Reads, then writes with the read's resourceVersion, and retries when someone wrote in between,
so others' entries in the `konghq.com/plugins` list always survive.
"""

from __future__ import annotations

from collections.abc import Sequence

from components.kong.crds import HTTPROUTES, KIC_CRD_UPGRADE
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION, plugin_names, with_plugin, without_plugin
from components.kubernetes.route_objects import (
    ConflictError,
    IngressApi,
    IngressNotFoundError,
    KongPluginNotFoundError,
    PluginCannotWorkError,
)
from components.vocabulary import RouteKind

_MAX_ATTEMPTS = 5


def check_plugin_works(
    api: IngressApi, namespace: str, plugin: str, config_patch_paths: Sequence[str], kind: RouteKind = "Ingress"
) -> None:
    """Fail unless the KongPlugin exists and kept every configPatches path the stack declared."""
    stored = api.read_kong_plugin(namespace, plugin)
    if stored is None:
        raise KongPluginNotFoundError(
            f"KongPlugin {namespace}/{plugin} not found, so the {kind} was not changed. The stack creates it before "
            "attaching it: if it was deleted by hand, run `pulumi refresh` and `pulumi up` again; if Kong's CRDs "
            "are not installed on this cluster, install the Kong Ingress Controller (>= 3.1) first."
        )
    kept = {patch.get("path") for patch in stored.get("configPatches") or [] if isinstance(patch, dict)}
    missing = [path for path in config_patch_paths if path not in kept]
    if missing:
        raise PluginCannotWorkError(
            f"KongPlugin {namespace}/{plugin} was stored without the configPatches {', '.join(missing)}, so the "
            f"{kind} was not changed. The cluster's KongPlugin CRD predates Kong Ingress Controller 3.1 and prunes "
            "`configPatches`: the plugin would have no client_secret/session_secret and every sign-in would fail "
            "at the token exchange. Upgrade the Kong Ingress Controller and its CRDs to 3.1 or later: "
            f"{KIC_CRD_UPGRADE}; then run `pulumi up` again."
        )


def _not_found(kind: RouteKind, namespace: str, name: str) -> IngressNotFoundError:
    if kind == "HTTPRoute":
        return IngressNotFoundError(
            f"HTTPRoute {namespace}/{name} not found. This stack protects an existing HTTPRoute "
            "(gateway.networking.k8s.io/v1): create it first, or name one that exists (the route's ingress and "
            f"namespace in routes); if the Gateway API is not installed (`kubectl get crd {HTTPROUTES}`), "
            "install it first. `make doctor` checks them before `make up`."
        )
    return IngressNotFoundError(
        f"Ingress {namespace}/{name} not found. This stack protects an existing Ingress: "
        "create it first, or name one that exists (ingressName and ingressNamespace, or the route's ingress "
        "and namespace in routes); `make doctor` checks them before `make up`."
    )


def attach_plugin(
    api: IngressApi,
    namespace: str,
    ingress: str,
    plugin: str,
    *,
    config_patch_paths: Sequence[str],
    kind: RouteKind = "Ingress",
) -> bool:
    """Append `plugin` to the plugin list of the Ingress (or HTTPRoute) `ingress`; True if this call added it.

    First checks that the KongPlugin exists and kept `config_patch_paths`.
    """
    check_plugin_works(api, namespace, plugin, config_patch_paths, kind)
    for _ in range(_MAX_ATTEMPTS):
        found = api.read_annotations(namespace, ingress, kind)
        if found is None:
            raise _not_found(kind, namespace, ingress)
        annotations, resource_version = found
        current = annotations.get(PLUGINS_ANNOTATION)
        if plugin in plugin_names(current):
            return False
        try:
            api.write_annotation(
                namespace, ingress, PLUGINS_ANNOTATION, with_plugin(current, plugin), resource_version, kind
            )
        except ConflictError:
            continue
        return True
    raise ConflictError(f"{kind} {namespace}/{ingress} kept changing; gave up after {_MAX_ATTEMPTS} attempts")


def detach_plugin(api: IngressApi, namespace: str, ingress: str, plugin: str, kind: RouteKind = "Ingress") -> None:
    """Remove `plugin` from the object's plugin list, leaving every other entry as it is."""
    for _ in range(_MAX_ATTEMPTS):
        found = api.read_annotations(namespace, ingress, kind)
        if found is None:
            return  # nothing left to clean up
        annotations, resource_version = found
        current = annotations.get(PLUGINS_ANNOTATION)
        if plugin not in plugin_names(current):
            return
        try:
            api.write_annotation(
                namespace, ingress, PLUGINS_ANNOTATION, without_plugin(current, plugin), resource_version, kind
            )
        except ConflictError:
            continue
        return
    raise ConflictError(f"{kind} {namespace}/{ingress} kept changing; gave up after {_MAX_ATTEMPTS} attempts")


def is_attached(api: IngressApi, namespace: str, ingress: str, plugin: str, kind: RouteKind = "Ingress") -> bool:
    found = api.read_annotations(namespace, ingress, kind)
    return found is not None and plugin in plugin_names(found[0].get(PLUGINS_ANNOTATION))
