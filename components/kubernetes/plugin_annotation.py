"""Listing a KongPlugin on a route object (Ingress or HTTPRoute) and taking it off again.

Kong reads `konghq.com/plugins` as a comma-separated list of KongPlugin names, trimming spaces
around each. Other teams' entries and their spacing are kept exactly, so that removing our name
restores the value as it was found (`with_plugin`, `without_plugin`: pure functions). The edits go
through any `RouteObjectApi`: read, then write with the read's resourceVersion, and retry when
someone wrote in between, so others' entries always survive.
"""

from __future__ import annotations

from collections.abc import Sequence

from components.kong.crds import KIC_CRD_UPGRADE
from components.kubernetes.route_objects import (
    ROUTE_OBJECTS,
    ConflictError,
    KongPluginNotFoundError,
    PluginCannotWorkError,
    RouteObjectApi,
    RouteObjectNotFoundError,
)
from components.vocabulary import RouteKind

PLUGINS_ANNOTATION = "konghq.com/plugins"


def plugin_names(value: str | None) -> list[str]:
    """The plugin names an annotation value lists, as Kong reads them."""
    if value is None:
        return []
    return [name.strip() for name in value.split(",") if name.strip()]


def with_plugin(value: str | None, plugin: str) -> str:
    """The annotation value with `plugin` appended, unless it is listed already."""
    if plugin in plugin_names(value):
        assert value is not None
        return value
    if value is None or not value.strip():
        return plugin
    return f"{value.rstrip().rstrip(',')},{plugin}"


def without_plugin(value: str | None, plugin: str) -> str | None:
    """The annotation value with every `plugin` entry removed; None when nothing is left."""
    if value is None:
        return None
    kept = [entry for entry in value.split(",") if entry.strip() != plugin]
    remaining = ",".join(kept).strip()
    return remaining if plugin_names(remaining) else None


_MAX_ATTEMPTS = 5


def check_plugin_works(
    api: RouteObjectApi, namespace: str, plugin: str, config_patch_paths: Sequence[str], kind: RouteKind = "Ingress"
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


def _not_found(kind: RouteKind, namespace: str, name: str) -> RouteObjectNotFoundError:
    objects = ROUTE_OBJECTS[kind]
    what = {
        "Ingress": "an existing Ingress: create it first, or name one that exists (ingressName and ingressNamespace, "
        "or the route's ingress and namespace in routes);",
        "HTTPRoute": f"an existing HTTPRoute ({objects.group}/{objects.version}): create it first, or name one that "
        "exists (the route's ingress and namespace in routes); if the Gateway API is not installed (`kubectl get "
        f"crd {objects.resource}`), install it first.",
    }[kind]
    return RouteObjectNotFoundError(
        f"{kind} {namespace}/{name} not found. This stack protects {what} `make doctor` checks them before `make up`."
    )


def attach_plugin(
    api: RouteObjectApi,
    namespace: str,
    name: str,
    plugin: str,
    *,
    config_patch_paths: Sequence[str],
    kind: RouteKind = "Ingress",
) -> bool:
    """Append `plugin` to the plugin list of the Ingress (or HTTPRoute) `name`; True if this call added it.

    First checks that the KongPlugin exists and kept `config_patch_paths`.
    """
    check_plugin_works(api, namespace, plugin, config_patch_paths, kind)
    for _ in range(_MAX_ATTEMPTS):
        found = api.read_annotations(namespace, name, kind)
        if found is None:
            raise _not_found(kind, namespace, name)
        annotations, resource_version = found
        current = annotations.get(PLUGINS_ANNOTATION)
        if plugin in plugin_names(current):
            return False
        try:
            api.write_annotation(
                namespace, name, PLUGINS_ANNOTATION, with_plugin(current, plugin), resource_version, kind
            )
        except ConflictError:
            continue
        return True
    raise ConflictError(f"{kind} {namespace}/{name} kept changing; gave up after {_MAX_ATTEMPTS} attempts")


def detach_plugin(api: RouteObjectApi, namespace: str, name: str, plugin: str, kind: RouteKind = "Ingress") -> None:
    """Remove `plugin` from the object's plugin list, leaving every other entry as it is."""
    for _ in range(_MAX_ATTEMPTS):
        found = api.read_annotations(namespace, name, kind)
        if found is None:
            return  # nothing left to clean up
        annotations, resource_version = found
        current = annotations.get(PLUGINS_ANNOTATION)
        if plugin not in plugin_names(current):
            return
        try:
            api.write_annotation(
                namespace, name, PLUGINS_ANNOTATION, without_plugin(current, plugin), resource_version, kind
            )
        except ConflictError:
            continue
        return
    raise ConflictError(f"{kind} {namespace}/{name} kept changing; gave up after {_MAX_ATTEMPTS} attempts")


def is_attached(api: RouteObjectApi, namespace: str, name: str, plugin: str, kind: RouteKind = "Ingress") -> bool:
    found = api.read_annotations(namespace, name, kind)
    return found is not None and plugin in plugin_names(found[0].get(PLUGINS_ANNOTATION))
