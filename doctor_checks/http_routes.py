"""A route with `kind: HTTPRoute`: its gateway.networking.k8s.io/v1 HTTPRoute exists, and Kong serves it.

Kong serves it when its status.parents say Kong accepted it, or, before Kong wrote any, when one of its
parent Gateways is of a GatewayClass whose controller is Kong's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from components.kong.crds import KONG_GATEWAY_CONTROLLER, KONG_OPERATOR_GATEWAY_CONTROLLER
from components.kubernetes.route_objects import (
    CUSTOM_RESOURCE_DEFINITION,
    GATEWAY,
    GATEWAY_CLASS,
    ROUTE_OBJECTS,
    ForbiddenError,
    NotServedError,
    status_message,
)
from components.settings.model import Route
from doctor_checks.cluster import Cluster
from doctor_checks.route_hints import found_detail, missing_object_fix, set_command, similar_objects
from verification.results import CheckLine, failed, passed, skipped

HTTP_ROUTES = ROUTE_OBJECTS["HTTPRoute"]
HTTPROUTES, GATEWAY_GROUP, GATEWAY_VERSION = HTTP_ROUTES.resource, HTTP_ROUTES.group, HTTP_ROUTES.version
# On a GatewayClass: the Kong Ingress Controller serves its Gateways itself (KIC's internal/annotations).
UNMANAGED_CLASS_ANNOTATION = "konghq.com/gatewayclass-unmanaged"
# The controller names Kong writes in an HTTPRoute's status.parents[].controllerName (its GatewayClasses').
KONG_GATEWAY_CONTROLLERS = (KONG_GATEWAY_CONTROLLER, KONG_OPERATOR_GATEWAY_CONTROLLER)
NO_KONG_STATUS = (
    "the HTTPRoute has no status from Kong yet (no Accepted True or False of Kong's in status.parents: Kong has "
    "not reconciled it, or its controller is not running), so whether Kong accepts it is not known"
)
# What to change for the Gateway API's reasons (RouteConditionReason) Kong may give for not serving a route.
REASON_HINTS = {
    "NotAllowedByListeners": "NotAllowedByListeners: the Gateway's listeners' allowedRoutes must admit the "
    "HTTPRoute's namespace (allowedRoutes.namespaces.from: All, or a Selector) and kind.",
    "NoMatchingListenerHostname": "NoMatchingListenerHostname: the HTTPRoute's spec.hostnames must match a "
    "listener's hostname.",
    "NoMatchingParent": "NoMatchingParent: the parentRef's sectionName or port must name a listener of the Gateway.",
    "RefNotPermitted": "RefNotPermitted: a backend in another namespace needs a ReferenceGrant there.",
    "BackendNotFound": "BackendNotFound: the HTTPRoute's backendRefs must name existing Services.",
}


def check_http_route(cluster: Cluster, route: Route, index: int | None, stack: str, rbac: str) -> Iterator[CheckLine]:
    from kubernetes.client.exceptions import ApiException

    name = f"httproute {route.namespace}/{route.object_name}"
    try:
        found = cluster.objects.get(HTTP_ROUTES, route.namespace, route.object_name)
    except ForbiddenError as error:
        yield failed(name, f"forbidden: {error.detail}", rbac)
        return
    except NotServedError:
        yield _no_http_routes(cluster, name, index, stack)
        return
    except ApiException as error:
        yield failed(name, f"reading it failed: {status_message(error)}", "see the answer.")
        return
    if found is None:
        yield failed(
            name,
            f"no HTTPRoute {route.object_name} in namespace {route.namespace} on context {cluster.context}."
            + similar_objects(cluster, route),
            missing_object_fix("HTTPRoute", index, stack),
        )
        return
    yield passed(name, found_detail(found, route))
    yield _check_served_by_kong(cluster, route, found)


def _no_http_routes(cluster: Cluster, name: str, index: int | None, stack: str) -> CheckLine:
    """The FAIL for a cluster that does not serve gateway.networking.k8s.io/v1 HTTPRoutes: missing, or too old."""
    from kubernetes.client.exceptions import ApiException

    install = (
        "(https://gateway-api.sigs.k8s.io/guides/#installing-gateway-api) and a Kong Ingress Controller >= 3.1 with "
        f"the Gateway API enabled, or protect an Ingress instead: {set_command(index, 'kind', 'kind', stack)} "
        "with Ingress."
    )
    unserved = f"context {cluster.context} does not serve HTTPRoutes {GATEWAY_VERSION}"
    try:
        crd = cluster.objects.get(CUSTOM_RESOURCE_DEFINITION, None, HTTPROUTES)
    except NotServedError:
        crd = None
    except (ForbiddenError, ApiException) as error:
        # Either way `make up` cannot patch the HTTPRoute: a FAIL, with what could not be told.
        return failed(
            name,
            f"{unserved}: the Gateway API's CRDs are not installed, or are older than v1.0; reading the CRD to "
            f"tell which failed: {status_message(error)}",
            f"`kubectl get crd {HTTPROUTES}` shows whether it exists; install or upgrade the Gateway API's standard "
            f"CRDs to v1.0 or later {install}",
        )
    if crd is None:
        return failed(
            name,
            f"{unserved} (no {HTTPROUTES}): the Gateway API's CRDs are not installed.",
            f"install the Gateway API's standard CRDs {install}",
        )
    served = [version.get("name", "?") for version in crd.get("spec", {}).get("versions", []) if version.get("served")]
    if GATEWAY_VERSION not in served:
        return failed(
            name,
            f"{unserved}: the installed Gateway API is too old; its {HTTPROUTES} serves "
            f"{', '.join(served) or 'no version'}, and HTTPRoute {GATEWAY_VERSION} needs Gateway API v1.0 or later.",
            f"upgrade the Gateway API's standard CRDs to v1.0 or later {install}",
        )
    return failed(
        name,
        f"{unserved}, although {HTTPROUTES} lists {GATEWAY_VERSION} as served: the API server may not have "
        "established it yet.",
        f"run `make doctor` again in a minute; `kubectl get crd {HTTPROUTES}` shows its conditions.",
    )


def _check_served_by_kong(cluster: Cluster, route: Route, http_route: dict[str, Any]) -> CheckLine:
    """Kong accepted the HTTPRoute (its status.parents), else one of its parent Gateways is of Kong's class."""
    name = f"httproute-gateway {route.namespace}/{route.object_name}"
    verdict = _kong_status_verdict(name, route, http_route)
    if verdict is not None:
        return verdict
    line = _check_gateways(cluster, route, http_route.get("spec", {}).get("parentRefs") or [])
    if line.status == "FAIL":
        return line
    # Only the Gateways' classes say Kong serves it: it may still refuse the route (its listeners, hostnames).
    return replace(line, detail=f"{line.detail}; {NO_KONG_STATUS}")


def _kong_status_verdict(name: str, route: Route, http_route: dict[str, Any]) -> CheckLine | None:
    """PASS or FAIL from the Accepted and ResolvedRefs conditions Kong wrote in the HTTPRoute's status.parents;
    None when Kong wrote none yet (or only Unknown)."""
    accepted: list[str] = []
    refused: list[str] = []
    reasons: list[str] = []
    for parent in (http_route.get("status") or {}).get("parents") or []:
        controller = parent.get("controllerName", "")
        if controller not in KONG_GATEWAY_CONTROLLERS:
            continue
        conditions = {condition.get("type"): condition for condition in parent.get("conditions") or []}
        acceptance = conditions.get("Accepted") or {}
        if acceptance.get("status") not in ("True", "False"):
            continue
        ref = parent.get("parentRef") or {}
        section = f" (listener {ref['sectionName']})" if ref.get("sectionName") else ""
        gateway = f"Gateway {ref.get('namespace') or route.namespace}/{ref.get('name', '?')}{section}"
        unresolved = conditions.get("ResolvedRefs") or {}
        if acceptance["status"] == "False":
            refused.append(f"{gateway}: {_condition_text(acceptance)}")
            reasons.append(acceptance.get("reason", ""))
        elif unresolved.get("status") == "False":
            refused.append(f"{gateway}: accepted, but {_condition_text(unresolved)}")
            reasons.append(unresolved.get("reason", ""))
        else:
            accepted.append(f"{gateway}, controller {controller}")
    if accepted:
        others = f"; not by {'; '.join(refused)}" if refused else ""
        return passed(name, f"Kong accepted it (status.parents): {'; '.join(accepted)}{others}")
    if refused:
        hints = [REASON_HINTS[reason] for reason in dict.fromkeys(reasons) if reason in REASON_HINTS]
        describe = f"`kubectl describe httproute {route.object_name} -n {route.namespace}` shows Kong's status."
        return failed(
            name,
            f"Kong does not accept it as it stands (status.parents): {'; '.join(refused)}.",
            " ".join([*hints, describe]),
        )
    return None


def _condition_text(condition: dict[str, Any]) -> str:
    """E.g. `Accepted False (NotAllowedByListeners: <message>)`."""
    message = f": {condition['message']}" if condition.get("message") else ""
    return f"{condition.get('type')} {condition.get('status')} ({condition.get('reason', '?')}{message})"


def _check_gateways(cluster: Cluster, route: Route, parent_refs: list[dict[str, Any]]) -> CheckLine:
    """One of the HTTPRoute's parent Gateways is of a GatewayClass whose controller is Kong's."""
    from kubernetes.client.exceptions import ApiException

    name = f"httproute-gateway {route.namespace}/{route.object_name}"
    fix = (
        "list a Gateway served by the Kong Ingress Controller in the HTTPRoute's spec.parentRefs: one whose "
        f"GatewayClass has spec.controllerName {KONG_GATEWAY_CONTROLLER} (or, with Kong Operator, "
        f"{KONG_OPERATOR_GATEWAY_CONTROLLER}); without one, Kong never sees the route and the plugin guards nothing."
    )
    gateways = [
        (ref.get("namespace") or route.namespace, ref["name"])
        for ref in parent_refs
        if ref.get("group", GATEWAY_GROUP) == GATEWAY_GROUP and ref.get("kind", "Gateway") == "Gateway"
    ]
    if not gateways:
        return failed(name, "its spec.parentRefs name no Gateway, so no Gateway serves it.", fix)
    seen: list[str] = []
    unreadable: list[str] = []
    for namespace, gateway_name in gateways:
        gateway = f"Gateway {namespace}/{gateway_name}"
        try:
            found = cluster.objects.get(GATEWAY, namespace, gateway_name)
            class_name = (found or {}).get("spec", {}).get("gatewayClassName", "")
            gateway_class = found and cluster.objects.get(GATEWAY_CLASS, None, class_name)
        except ForbiddenError as error:
            # Another parent may still be readable and Kong's.
            unreadable.append(f"{gateway} or its GatewayClass ({error.detail})")
            continue
        except (NotServedError, ApiException) as error:
            return failed(name, f"reading {gateway} failed: {status_message(error)}", "see the answer.")
        if found is None:
            seen.append(f"{gateway}: not found")
            continue
        if gateway_class is None:
            seen.append(f"{gateway}: its GatewayClass {class_name} not found")
            continue
        controller = gateway_class.get("spec", {}).get("controllerName", "")
        if controller == KONG_OPERATOR_GATEWAY_CONTROLLER:
            return passed(name, f"{gateway}, GatewayClass {class_name}, controller {controller}")
        if controller == KONG_GATEWAY_CONTROLLER:
            annotations = gateway_class.get("metadata", {}).get("annotations") or {}
            # KIC accepts only unmanaged classes' Gateways itself; a managed one's wait for the class's manager.
            # KIC's isGatewayClassUnmanaged: the annotation counts only with a non-empty value.
            note = (
                ""
                if annotations.get(UNMANAGED_CLASS_ANNOTATION)
                else (
                    f" (without a value in {UNMANAGED_CLASS_ANNOTATION}: the Kong Ingress Controller does not accept "
                    "its Gateways itself; unless a controller that manages the class does, annotate the class with "
                    f'{UNMANAGED_CLASS_ANNOTATION}: "true")'
                )
            )
            return passed(name, f"{gateway}, GatewayClass {class_name}, controller {controller}{note}")
        seen.append(f"{gateway}: GatewayClass {class_name}, controller {controller or '(none)'}")
    if unreadable:
        others = f"; of the others: {'; '.join(seen)}" if seen else ""
        return skipped(
            name,
            f"these credentials may not read {'; '.join(unreadable)}, so whether Kong serves the HTTPRoute is not "
            f"checked here{others}",
        )
    return failed(name, f"no parent Gateway is Kong's ({'; '.join(seen)}).", fix)
