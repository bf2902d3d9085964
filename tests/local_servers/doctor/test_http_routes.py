"""`make doctor`'s check of a route with kind HTTPRoute: the HTTPRoute exists, and Kong serves it (its status,
else a parent Gateway of Kong's GatewayClass)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from doctor_harness import HOST, LINE, OWNER, assert_fails
from fake_kubernetes import FakeApiServer, fake_api_server

from components.kong.crds import KONG_GATEWAY_CONTROLLER
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION
from components.settings.model import Route
from doctor_checks.cluster import check_cluster
from doctor_checks.http_routes import NO_KONG_STATUS, UNMANAGED_CLASS_ANNOTATION
from doctor_checks.routes import check_route
from verification.results import CheckLine

# --- a route with kind HTTPRoute: the HTTPRoute, and a parent Gateway of Kong's GatewayClass ---

UNMANAGED = UNMANAGED_CLASS_ANNOTATION
API_ROUTE = Route(
    "api", "default", HOST, "/api", "oidc-api", False, f"https://{HOST}/api", mode="api", kind="HTTPRoute"
)


def http_route_checks(server: FakeApiServer, route: Route = API_ROUTE) -> dict[str, CheckLine]:
    line, doctor_cluster = check_cluster(str(server.kubeconfig), "kong", None, "dev")
    assert doctor_cluster is not None, line.line()
    checks = list(check_route(doctor_cluster, route, 1, "unused for HTTPRoutes", OWNER, "dev"))
    for check in checks:
        assert LINE.match(check.line()), check.line()
    return {check.name: check for check in checks}


@pytest.fixture
def gateway_cluster(cluster: FakeApiServer) -> FakeApiServer:
    """Beside the Ingress: Kong's unmanaged GatewayClass, Gateway kong/kong of it, HTTPRoute default/api under it."""
    cluster.store.add_gateway_class("kong", KONG_GATEWAY_CONTROLLER, {"konghq.com/gatewayclass-unmanaged": "true"})
    cluster.store.add_gateway("kong", "kong", "kong")
    cluster.store.add_http_route(
        "default", "api", {PLUGINS_ANNOTATION: "cors"}, parent_refs=[{"name": "kong", "namespace": "kong"}]
    )
    return cluster


def test_an_httproute_under_a_gateway_of_kongs_class_passes(gateway_cluster: FakeApiServer) -> None:
    checks = http_route_checks(gateway_cluster)
    assert list(checks) == [
        "httproute default/api",
        "httproute-gateway default/api",
        "annotation-owner default/api",
        "kongplugin default/oidc-api",
    ]
    assert {check.status for check in checks.values()} == {"PASS"}, [c.line() for c in checks.values()]
    assert checks["httproute default/api"].detail == f"found; {PLUGINS_ANNOTATION}: cors"
    assert checks["httproute-gateway default/api"].detail == (
        f"Gateway kong/kong, GatewayClass kong, controller {KONG_GATEWAY_CONTROLLER}; {NO_KONG_STATUS}"
    )
    assert {method for method, *_ in gateway_cluster.requests} == {"GET"}


def test_a_managed_kong_class_passes_with_a_note_that_kic_alone_does_not_accept_its_gateways(
    gateway_cluster: FakeApiServer,
) -> None:
    gateway_cluster.store.add_gateway_class("kong-managed", KONG_GATEWAY_CONTROLLER)
    gateway_cluster.store.add_gateway("default", "managed", "kong-managed")
    gateway_cluster.store.add_http_route("default", "managed-api", parent_refs=[{"name": "managed"}])
    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="managed-api"))[
        "httproute-gateway default/managed-api"
    ]
    assert check.status == "PASS", check.line()
    assert check.detail.endswith(
        "(without a value in konghq.com/gatewayclass-unmanaged: the Kong Ingress Controller does not accept its "
        "Gateways itself; unless a controller that manages the class does, annotate the class with "
        'konghq.com/gatewayclass-unmanaged: "true"); ' + NO_KONG_STATUS
    )


def test_an_empty_unmanaged_annotation_is_a_managed_class(gateway_cluster: FakeApiServer) -> None:
    # KIC's isGatewayClassUnmanaged: the annotation's value must be non-empty.
    gateway_cluster.store.add_gateway_class("kong-empty", KONG_GATEWAY_CONTROLLER, {UNMANAGED: ""})
    gateway_cluster.store.add_gateway("default", "empty", "kong-empty")
    gateway_cluster.store.add_http_route("default", "empty-api", parent_refs=[{"name": "empty"}])
    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="empty-api"))[
        "httproute-gateway default/empty-api"
    ]
    assert check.status == "PASS", check.line()
    assert f"(without a value in {UNMANAGED}:" in check.detail


def test_a_gateway_of_kong_operators_class_passes(gateway_cluster: FakeApiServer) -> None:
    # Kong Operator's classes name the operator's controller; the KIC it runs for them reads konghq.com/plugins.
    gateway_cluster.store.add_gateway_class("kong-operator", "konghq.com/gateway-operator")
    gateway_cluster.store.add_gateway("default", "operated", "kong-operator")
    gateway_cluster.store.add_http_route("default", "operated-api", parent_refs=[{"name": "operated"}])
    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="operated-api"))[
        "httproute-gateway default/operated-api"
    ]
    assert check.status == "PASS", check.line()
    assert check.detail == (
        "Gateway default/operated, GatewayClass kong-operator, controller konghq.com/gateway-operator; "
        + NO_KONG_STATUS
    )


def test_an_httproute_whose_gateways_are_not_kongs_fails_naming_each_and_the_controller(
    gateway_cluster: FakeApiServer,
) -> None:
    gateway_cluster.store.add_gateway_class("nginx", "gateway.nginx.org/nginx-gateway-controller")
    gateway_cluster.store.add_gateway("default", "web", "nginx")
    gateway_cluster.store.add_gateway("default", "orphan", "gone")
    refs = [{"name": "web"}, {"name": "missing"}, {"name": "orphan"}, {"name": "svc", "kind": "Service", "group": ""}]
    gateway_cluster.store.add_http_route("default", "web-api", parent_refs=refs)

    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="web-api"))[
        "httproute-gateway default/web-api"
    ]
    assert_fails(
        check,
        "no parent Gateway is Kong's (Gateway default/web: GatewayClass nginx, controller "
        "gateway.nginx.org/nginx-gateway-controller; Gateway default/missing: not found; "
        "Gateway default/orphan: its GatewayClass gone not found)",
        f"GatewayClass has spec.controllerName {KONG_GATEWAY_CONTROLLER}",
    )


def test_an_httproute_without_a_parent_gateway_fails(gateway_cluster: FakeApiServer) -> None:
    gateway_cluster.store.add_http_route("default", "loose")
    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="loose"))[
        "httproute-gateway default/loose"
    ]
    assert_fails(check, "spec.parentRefs name no Gateway", "spec.parentRefs")


def test_a_parent_of_another_kind_in_the_gateway_api_group_is_no_gateway(gateway_cluster: FakeApiServer) -> None:
    # A ListenerSet named like Kong's Gateway is not that Gateway, though its group is the Gateway API's.
    ref = {"name": "kong", "namespace": "kong", "group": "gateway.networking.k8s.io", "kind": "ListenerSet"}
    gateway_cluster.store.add_http_route("default", "listed", parent_refs=[ref])
    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="listed"))[
        "httproute-gateway default/listed"
    ]
    assert_fails(check, "spec.parentRefs name no Gateway", "spec.parentRefs")


def test_a_missing_httproute_is_not_found_even_beside_an_ingress_of_that_name(gateway_cluster: FakeApiServer) -> None:
    checks = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="demo"))  # demo is an Ingress
    check = checks["httproute default/demo"]
    assert_fails(check, "no HTTPRoute demo in namespace default on context kong.", "routes[1].ingress")
    assert "or create the HTTPRoute first" in check.fix
    assert "httproute-gateway default/demo" not in checks
    typo = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="apy"))["httproute default/apy"]
    assert "Did you mean api?" in typo.detail


def test_a_cluster_without_the_gateway_api_says_to_install_it(tmp_path: Path) -> None:
    with fake_api_server(tmp_path, context="kong") as server:
        server.store.install_kong_crds()
        server.store.gateway_api = False
        check = http_route_checks(server)["httproute default/api"]
    assert_fails(
        check,
        "does not serve HTTPRoutes v1 (no httproutes.gateway.networking.k8s.io): the Gateway API's CRDs are not "
        "installed.",
        "install the Gateway API's standard CRDs",
    )


def test_a_gateway_api_before_v1_0_is_too_old_not_missing(cluster: FakeApiServer) -> None:
    # Before v1.0 the HTTPRoute CRD served v1beta1 (and v1alpha2), no v1: its v1 paths answer `404 page not found`.
    cluster.store.http_route_versions = ("v1beta1",)
    check = http_route_checks(cluster)["httproute default/api"]
    assert_fails(
        check,
        "does not serve HTTPRoutes v1: the installed Gateway API is too old; its "
        "httproutes.gateway.networking.k8s.io serves v1beta1, and HTTPRoute v1 needs Gateway API v1.0 or later.",
        "upgrade the Gateway API's standard CRDs to v1.0 or later",
    )
    assert "not installed" not in check.detail


def test_unserved_httproutes_still_fail_when_crds_may_not_be_read(cluster: FakeApiServer) -> None:
    # `make up` cannot patch a v1 HTTPRoute either way; the CRD would only have told why.
    cluster.store.http_route_versions = ("v1beta1",)
    cluster.store.forbidden.add(("get", "customresourcedefinitions"))
    check = http_route_checks(cluster)["httproute default/api"]
    assert_fails(
        check,
        "does not serve HTTPRoutes v1: the Gateway API's CRDs are not installed, or are older than v1.0; reading "
        'the CRD to tell which failed: customresourcedefinitions.apiextensions.k8s.io "httproutes.gateway.'
        'networking.k8s.io" is forbidden',
        "kubectl get crd httproutes.gateway.networking.k8s.io",
    )


@pytest.mark.parametrize("resource", ["gateways", "gatewayclasses"])
def test_gateways_it_may_not_read_are_skipped_with_the_reason(gateway_cluster: FakeApiServer, resource: str) -> None:
    gateway_cluster.store.forbidden.add(("get", resource))
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert check.status == "SKIP", check.line()
    assert f'cannot get resource "{resource}"' in check.detail
    assert check.detail.endswith(NO_KONG_STATUS)


def test_a_forbidden_parent_gateway_does_not_hide_a_later_one_of_kong(tmp_path: Path) -> None:
    with fake_api_server(tmp_path, context="kong") as server:
        server.store.install_kong_crds()
        server.store.add_gateway_class("kong", KONG_GATEWAY_CONTROLLER, {UNMANAGED: "true"})
        server.store.add_gateway("team", "shared", "kong")
        server.store.add_gateway("kong", "kong", "kong")
        refs = [{"name": "shared", "namespace": "team"}, {"name": "kong", "namespace": "kong"}]
        server.store.add_http_route("default", "api", parent_refs=refs)
        server.store.forbidden_in.add(("get", "gateways", "team"))
        passing = http_route_checks(server)["httproute-gateway default/api"]
        server.store.add_gateway_class("nginx", "gateway.nginx.org/nginx-gateway-controller")
        server.store.add_gateway("kong", "kong", "nginx")
        skipped = http_route_checks(server)["httproute-gateway default/api"]
    assert passing.status == "PASS", passing.line()
    assert passing.detail.startswith(f"Gateway kong/kong, GatewayClass kong, controller {KONG_GATEWAY_CONTROLLER}")
    # Nothing readable is Kong's: the forbidden one might be, so SKIP, naming both.
    assert skipped.status == "SKIP", skipped.line()
    assert "these credentials may not read Gateway team/shared or its GatewayClass (" in skipped.detail
    assert "of the others: Gateway kong/kong: GatewayClass nginx, controller gateway.nginx.org" in skipped.detail


# --- Kong's word on the HTTPRoute: its status.parents (the Gateway API's RouteParentStatus) ---


def kong_parent(
    gateway: str = "kong/kong",
    accepted: tuple[str, str, str] = ("True", "Accepted", "Route is accepted"),
    resolved: tuple[str, str, str] = ("True", "ResolvedRefs", "All references are resolved"),
    controller: str = KONG_GATEWAY_CONTROLLER,
    section: str | None = None,
) -> dict[str, Any]:
    """One status.parents entry, with the fields the HTTPRoute CRD requires; `accepted`/`resolved`: status, reason,
    message of the Accepted and ResolvedRefs conditions."""
    namespace, name = gateway.split("/")
    ref: dict[str, Any] = {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "namespace": namespace,
        "name": name,
    }
    if section is not None:
        ref["sectionName"] = section
    conditions = [
        {"type": kind, "status": status, "reason": reason, "message": message, "observedGeneration": 1,
         "lastTransitionTime": "2026-11-30T12:00:00Z"}
        for kind, (status, reason, message) in (("Accepted", accepted), ("ResolvedRefs", resolved))
    ]  # fmt: skip
    return {"parentRef": ref, "controllerName": controller, "conditions": conditions}


def test_kong_not_accepting_the_route_fails_with_its_reason_though_the_class_is_kongs(
    gateway_cluster: FakeApiServer,
) -> None:
    message = "No listener allows routes from namespace default"
    gateway_cluster.store.set_route_status(
        "default", "api", [kong_parent(accepted=("False", "NotAllowedByListeners", message))]
    )
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert_fails(
        check,
        "Kong does not accept it as it stands (status.parents): Gateway kong/kong: Accepted False "
        f"(NotAllowedByListeners: {message}).",
        "allowedRoutes must admit the HTTPRoute's namespace",
    )
    assert "kubectl describe httproute api -n default" in check.fix
    # Kong's own word settles it: no Gateway or GatewayClass is read.
    assert not [path for _, path, *_ in gateway_cluster.requests if "/gateways/" in path or "/gatewayclasses/" in path]


def test_a_listener_hostname_mismatch_names_the_listener(gateway_cluster: FakeApiServer) -> None:
    refused = ("False", "NoMatchingListenerHostname", "no matching hostnames")
    gateway_cluster.store.set_route_status("default", "api", [kong_parent(accepted=refused, section="https")])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert_fails(
        check,
        "Gateway kong/kong (listener https): Accepted False (NoMatchingListenerHostname: no matching hostnames)",
        "spec.hostnames must match a listener's hostname",
    )


def test_unresolved_backends_fail_although_accepted(gateway_cluster: FakeApiServer) -> None:
    unresolved = ("False", "BackendNotFound", "Service default/api not found")
    gateway_cluster.store.set_route_status("default", "api", [kong_parent(resolved=unresolved)])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert_fails(
        check,
        "Gateway kong/kong: accepted, but ResolvedRefs False (BackendNotFound: Service default/api not found)",
        "backendRefs must name existing Services",
    )


@pytest.mark.parametrize("controller", [KONG_GATEWAY_CONTROLLER, "konghq.com/gateway-operator"])
def test_accepted_by_kong_passes_without_reading_gateways(gateway_cluster: FakeApiServer, controller: str) -> None:
    gateway_cluster.store.forbidden.update({("get", "gateways"), ("get", "gatewayclasses")})
    gateway_cluster.store.set_route_status("default", "api", [kong_parent(controller=controller)])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert check.status == "PASS", check.line()
    assert check.detail == f"Kong accepted it (status.parents): Gateway kong/kong, controller {controller}"


def test_one_accepting_kong_parent_passes_and_names_the_refusing_one(gateway_cluster: FakeApiServer) -> None:
    refused = kong_parent("kong/internal", accepted=("False", "NotAllowedByListeners", "not allowed"))
    gateway_cluster.store.set_route_status("default", "api", [refused, kong_parent()])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert check.status == "PASS", check.line()
    assert check.detail == (
        f"Kong accepted it (status.parents): Gateway kong/kong, controller {KONG_GATEWAY_CONTROLLER}; not by "
        "Gateway kong/internal: Accepted False (NotAllowedByListeners: not allowed)"
    )


def test_another_controllers_status_is_not_kongs_word(gateway_cluster: FakeApiServer) -> None:
    # nginx accepting the route on its Gateway says nothing of Kong: the GatewayClass check decides, and says so.
    nginx = kong_parent("default/web", controller="gateway.nginx.org/nginx-gateway-controller")
    gateway_cluster.store.set_route_status("default", "api", [nginx])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert check.status == "PASS", check.line()
    assert (
        check.detail == f"Gateway kong/kong, GatewayClass kong, controller {KONG_GATEWAY_CONTROLLER}; {NO_KONG_STATUS}"
    )


def test_an_httproute_it_may_not_read_names_the_missing_permission(gateway_cluster: FakeApiServer) -> None:
    gateway_cluster.store.forbidden.add(("get", "httproutes"))
    assert_fails(
        http_route_checks(gateway_cluster)["httproute default/api"], 'cannot get resource "httproutes"', "RBAC"
    )


def test_kong_still_pending_is_no_verdict_yet(gateway_cluster: FakeApiServer) -> None:
    pending = kong_parent(accepted=("Unknown", "Pending", "Waiting for controller"))
    gateway_cluster.store.set_route_status("default", "api", [pending])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert check.status == "PASS", check.line()
    assert check.detail.endswith(NO_KONG_STATUS)
