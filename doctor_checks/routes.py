"""Each route: its Ingress exists and Kong serves its class, and its KongPlugin's name is free or the stack's own.

A route with `kind: HTTPRoute` is checked by doctor_checks/http_routes.py instead of its Ingress.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from components.kong.crds import KONG_CONTROLLER, OWNER_ANNOTATION
from components.kubernetes.route_objects import (
    KONG_PLUGIN,
    ROUTE_OBJECTS,
    ForbiddenError,
    NotServedError,
    status_message,
)
from components.settings.model import Route
from doctor_checks.cluster import Cluster, IngressClasses
from doctor_checks.gitops import check_route_annotation
from doctor_checks.http_routes import check_http_route
from doctor_checks.route_hints import found_detail, missing_object_fix, set_command, similar_objects
from verification.results import CheckLine, failed, passed, skipped

LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"


def check_route(
    cluster: Cluster,
    route: Route,
    index: int | None,
    classes: IngressClasses | str,
    owner: str,
    stack: str,
) -> Iterator[CheckLine]:
    """The checks of one route (its route object's, by kind, then its KongPlugin's name); `index` is its
    position in `routes`, None without `routes`."""
    rbac = "grant it to your user in that namespace (the RBAC lines in docs/github-actions.md)."
    if route.kind == "HTTPRoute":
        yield from check_http_route(cluster, route, index, stack, rbac)
    else:
        yield from _check_ingress(cluster, route, index, classes, stack, rbac)
    yield check_route_annotation(cluster, route)
    yield _check_plugin_name(cluster, route, index, owner, stack, rbac)


def _check_ingress(
    cluster: Cluster, route: Route, index: int | None, classes: IngressClasses | str, stack: str, rbac: str
) -> Iterator[CheckLine]:
    from kubernetes.client.exceptions import ApiException

    name = f"ingress {route.namespace}/{route.object_name}"
    try:
        ingress = cluster.objects.get(ROUTE_OBJECTS["Ingress"], route.namespace, route.object_name)
    except NotServedError:
        ingress = None
    except ForbiddenError as error:
        yield failed(name, f"forbidden: {error.detail}", rbac)
        return
    except ApiException as error:
        yield failed(name, f"reading it failed: {status_message(error)}", "see the answer.")
        return
    if ingress is None:
        yield failed(
            name,
            f"no Ingress {route.object_name} in namespace {route.namespace} on context {cluster.context}."
            + similar_objects(cluster, route),
            missing_object_fix("Ingress", index, stack),
        )
        return
    yield passed(name, found_detail(ingress, route))
    yield _check_class(ingress, f"{route.namespace}/{route.object_name}", classes)


def _check_class(ingress: dict[str, Any], where: str, classes: IngressClasses | str) -> CheckLine:
    name = "ingress-class " + where
    if isinstance(classes, str):
        return skipped(name, classes)
    spec_class = ingress.get("spec", {}).get("ingressClassName")
    legacy = (ingress.get("metadata", {}).get("annotations") or {}).get(LEGACY_CLASS_ANNOTATION)
    chosen = spec_class or legacy
    kong = ", ".join(classes.kong) or "none on this cluster: is the Kong Ingress Controller installed?"
    fix = f"protect an Ingress that Kong serves, or set its spec.ingressClassName to a Kong class ({kong})."
    if chosen is None:
        if classes.default in classes.kong:
            return passed(name, f"no class set; the default IngressClass {classes.default} is Kong's")
        return failed(name, "no class set, and the default IngressClass (if any) is not Kong's.", fix)
    how = "spec.ingressClassName" if spec_class else LEGACY_CLASS_ANNOTATION
    if chosen in classes.kong:
        return passed(name, f"class {chosen} ({how}), controller {KONG_CONTROLLER}")
    controller = classes.controllers.get(chosen)
    served = f"controller {controller}" if controller else "no such IngressClass"
    return failed(name, f"class {chosen} ({how}) is not served by Kong ({served}).", fix)


def _check_plugin_name(
    cluster: Cluster, route: Route, index: int | None, owner: str, stack: str, rbac: str
) -> CheckLine:
    from kubernetes.client.exceptions import ApiException

    name = f"kongplugin {route.namespace}/{route.plugin}"
    try:
        plugin = cluster.objects.get(KONG_PLUGIN, route.namespace, route.plugin)
    except NotServedError:
        return skipped(name, "this cluster does not serve KongPlugins (see kong-crd)")
    except ForbiddenError as error:
        return failed(name, f"forbidden: {error.detail}", rbac)
    except ApiException as error:
        return failed(name, f"reading it failed: {status_message(error)}", "see the answer.")
    if plugin is None:
        return passed(name, "free: the stack will create it")
    found = (plugin.get("metadata", {}).get("annotations") or {}).get(OWNER_ANNOTATION)
    if found == owner:
        return passed(name, f"exists and is this stack's ({OWNER_ANNOTATION}: {owner})")
    return failed(
        name,
        f"a KongPlugin {route.plugin} already exists in {route.namespace} and is not this stack's "
        f"({OWNER_ANNOTATION}: {found or 'not set'}); `make up` would fail to create it.",
        f"choose another name, {set_command(index, 'plugin', 'pluginName', stack)}, or, if it is a "
        f"leftover of the manual workshop, `kubectl delete kongplugin {route.plugin} -n {route.namespace}`.",
    )
