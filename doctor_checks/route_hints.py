"""What both route checks (Ingress and HTTPRoute) tell a user: the object found with its plugin list, the
`pulumi config set` of a route's field, and similar names when it is missing."""

from __future__ import annotations

import difflib
from typing import Any

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION, plugin_names
from components.kubernetes.route_objects import ROUTE_OBJECTS
from components.settings.model import Route
from doctor_checks.cluster import Cluster


def set_command(index: int | None, field_name: str, single_key: str, stack: str) -> str:
    """The `pulumi config set` that changes a route's `field_name`: routes[index] if `routes` is set, else the key."""
    key = f"--path 'routes[{index}].{field_name}'" if index is not None else single_key
    return f"`pulumi config set {key} <{field_name}> --stack {stack}`"


def similar_names(route: Route, names: list[str], kinds: str) -> str:
    """A hint after "not found": the close names among `names`, or what the namespace has."""
    if not names:
        return f" Namespace {route.namespace} has no {kinds}."
    close = difflib.get_close_matches(route.object_name, names, n=3)
    if close:
        return f" Did you mean {', '.join(close)}?"
    return f" {kinds} there: {', '.join(names[:10])}."


def similar_objects(cluster: Cluster, route: Route) -> str:
    """`similar_names` among the objects of the route's kind in its namespace; nothing if they cannot be listed."""
    kind = ROUTE_OBJECTS[route.kind]
    try:
        listed = cluster.objects.list(kind, route.namespace)
    except Exception:  # only a hint
        return ""
    return similar_names(route, sorted(item["metadata"]["name"] for item in listed), kind.plural_name)


def found_detail(found: dict[str, Any], route: Route) -> str:
    """A PASS line's detail for the route's Ingress or HTTPRoute: the plugins it lists already."""
    listed = plugin_names((found.get("metadata", {}).get("annotations") or {}).get(PLUGINS_ANNOTATION))
    note = (
        f" ({route.plugin} is listed already: destroy will leave it there, as someone else's)"
        if route.plugin in listed
        else ""
    )
    return f"found; {PLUGINS_ANNOTATION}: {', '.join(listed) or '(none)'}{note}"


def missing_object_fix(kind: str, index: int | None, stack: str) -> str:
    """The fix when the route's Ingress or HTTPRoute does not exist."""
    return (
        f"name an existing {kind}, {set_command(index, 'ingress', 'ingressName', stack)} (its "
        f"namespace: {set_command(index, 'namespace', 'ingressNamespace', stack)}), or create the {kind} first."
    )
