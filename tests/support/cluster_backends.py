"""The API server the cluster-facing tests talk to: the fake, or a real kube-apiserver (`make e2e`).

`api_server` is a fixture parametrized over both. It gives a function with the signature of
`fake_api_server`; what it yields has the same `store`, `kubeconfig`, `url` and `requests`, so a
test written against the fake runs unchanged against the real server, and any difference between
the two fails it. The real one is the session's kube-apiserver (tests/support/kube_apiserver.py), reset
before each test, seen through a recording proxy on 127.0.0.1 that stands where the fake would.

Against the real server, `store` is `RealClusterStore`: each call is made as the admin, and
`forbidden` is the tester identity's RBAC (everything the tests read and write, minus those pairs).
`make test` deselects the real backend (marker `e2e`); with CI=true, missing tools fail, never skip.
"""

from __future__ import annotations

import http.client
import json
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fake_kubernetes import closed_port_url, fake_api_server, kubeconfig_document
from kube_apiserver import (
    ADMIN,
    TESTER,
    KubeApiServer,
    ToolsMissingError,
    gateway_api_crds,
    in_ci,
    kong_crd,
    start,
)

from components.vocabulary import RouteKind

KONG_CRD_NAME = "kongplugins.configuration.konghq.com"
HTTP_ROUTE_CRD_NAME = "httproutes.gateway.networking.k8s.io"
# The versions the pinned HTTPRoute CRD serves (tools/gateway-api-crds.yaml), v1 storing.
HTTP_ROUTE_VERSIONS = ("v1", "v1beta1")
# What the contract tests' identity may do, as (verb, resource, API group); `forbidden` takes pairs away.
TESTER_PERMISSIONS = (
    ("get", "ingresses", "networking.k8s.io"),
    ("list", "ingresses", "networking.k8s.io"),
    ("patch", "ingresses", "networking.k8s.io"),
    ("list", "ingressclasses", "networking.k8s.io"),
    ("get", "kongplugins", "configuration.konghq.com"),
    ("get", "customresourcedefinitions", "apiextensions.k8s.io"),
    ("get", "httproutes", "gateway.networking.k8s.io"),
    ("list", "httproutes", "gateway.networking.k8s.io"),
    ("patch", "httproutes", "gateway.networking.k8s.io"),
    ("get", "gateways", "gateway.networking.k8s.io"),
    ("get", "gatewayclasses", "gateway.networking.k8s.io"),
    ("list", "events", ""),
    ("get", "services", ""),
    ("list", "endpointslices", "discovery.k8s.io"),
    ("list", "pods", ""),
)
GATEWAY_API = ("gateway.networking.k8s.io", "v1")
SETTLE_TIMEOUT = 20.0


def _settle(condition: Callable[[], bool], what: str) -> None:
    """Wait for something the API server applies asynchronously (CRDs, RBAC)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the API server did not settle: {what}")
        time.sleep(0.05)


class _ForbiddenPairs(set[tuple[str, str]]):
    """A set of (verb, resource) that re-applies the tester's RBAC whenever it changes."""

    def __init__(self, apply: Callable[[set[tuple[str, str]]], None]) -> None:
        super().__init__()
        self._apply = apply

    def add(self, pair: tuple[str, str]) -> None:
        super().add(pair)
        self._apply(set(self))

    def discard(self, pair: tuple[str, str]) -> None:
        super().discard(pair)
        self._apply(set(self))

    def update(self, *pairs: Iterable[tuple[str, str]]) -> None:
        super().update(*pairs)
        self._apply(set(self))

    def clear(self) -> None:
        super().clear()
        self._apply(set())


class _IngressClasses(dict[str, str]):
    """IngressClass name -> spec.controller, created on the real server as they are set."""

    def __init__(self, store: RealClusterStore) -> None:
        super().__init__()
        self._store = store

    def __setitem__(self, name: str, controller: str) -> None:
        super().__setitem__(name, controller)
        self._store._create_ingress_class(name, controller)

    def update(self, *others: Any, **more: str) -> None:
        for name, controller in dict(*others, **more).items():
            self[name] = controller


class RealClusterStore:
    """`FakeRouteObjectApi`'s setup calls, made on a real API server as its admin.

    Kong's CRD stays installed from one test to the next (installing it takes a while); a test that
    needs it absent says so, as with the fake: `store.kong_crd = None`.
    """

    def __init__(self, server: KubeApiServer, admin: Any) -> None:
        from kubernetes import client

        self._server = server
        self._networking = client.NetworkingV1Api(admin)
        self._custom = client.CustomObjectsApi(admin)
        self._extensions = client.ApiextensionsV1Api(admin)
        self._rbac = client.RbacAuthorizationV1Api(admin)
        self._core = client.CoreV1Api(admin)
        self._authorization = client.AuthorizationV1Api(admin)
        self._crd: str | None = None
        """Which pinned Kong CRD is installed ("current", "before-3.1"), None: none."""
        self._namespaces = {"default"}
        self._rbac_applied: set[tuple[str, str]] | None = None
        self._default_class: str | None = None
        self.forbidden = _ForbiddenPairs(self._apply_tester_rbac)
        self.ingress_classes = _IngressClasses(self)
        self._http_route_versions = HTTP_ROUTE_VERSIONS

    # --- between tests ---

    def reset(self) -> None:
        """Back to an empty cluster: no Ingresses, HTTPRoutes, Gateways, KongPlugins, Secrets or classes; the
        tester may do all; HTTPRoutes served at every version of the pinned CRD."""
        if self._http_route_versions != HTTP_ROUTE_VERSIONS:
            self.http_route_versions = HTTP_ROUTE_VERSIONS
        for namespace in self._namespaces:
            self._networking.delete_collection_namespaced_ingress(namespace)
            self._core.delete_collection_namespaced_secret(namespace)
            self._core.delete_collection_namespaced_event(namespace)
            if self._crd is not None:
                self._custom.delete_collection_namespaced_custom_object(
                    "configuration.konghq.com", "v1", namespace, "kongplugins"
                )
            for plural in ("httproutes", "gateways"):
                self._custom.delete_collection_namespaced_custom_object(*GATEWAY_API, namespace, plural)
            for service in self._core.list_namespaced_service(namespace).items:
                if service.metadata.name != "kubernetes":
                    self._core.delete_namespaced_service(service.metadata.name, namespace)
            self._custom.delete_collection_namespaced_custom_object(
                "discovery.k8s.io", "v1", namespace, "endpointslices", label_selector="e2e=test"
            )
            self._core.delete_collection_namespaced_pod(namespace, grace_period_seconds=0)
        self._custom.delete_collection_cluster_custom_object(*GATEWAY_API, "gatewayclasses")
        self._networking.delete_collection_ingress_class()
        dict.clear(self.ingress_classes)
        self._default_class = None
        set.clear(self.forbidden)
        self._apply_tester_rbac(set())

    # --- RBAC ---

    def _apply_tester_rbac(self, forbidden: set[tuple[str, str]]) -> None:
        if forbidden == self._rbac_applied:
            return
        allowed = [p for p in TESTER_PERMISSIONS if (p[0], p[1]) not in forbidden]
        role = {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": "e2e-tester"},
            "rules": [
                {"apiGroups": [group], "resources": [resource], "verbs": [verb]} for verb, resource, group in allowed
            ],
        }
        binding = {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "e2e-tester"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "e2e-tester"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": TESTER.user}],
        }
        # RBAC objects are created by a PUT when missing.
        self._rbac.replace_cluster_role("e2e-tester", role)
        self._rbac.replace_cluster_role_binding("e2e-tester", binding)

        def effective() -> bool:
            return all(self.allowed(TESTER.user, *p) == ((p[0], p[1]) not in forbidden) for p in TESTER_PERMISSIONS)

        _settle(effective, f"RBAC without {sorted(forbidden)}")
        self._rbac_applied = set(forbidden)

    def allowed(self, user: str, verb: str, resource: str, group: str, namespace: str = "default") -> bool:
        """What the API server's authorizer answers for `user` (a SubjectAccessReview)."""
        review = self._authorization.create_subject_access_review(
            {
                "apiVersion": "authorization.k8s.io/v1",
                "kind": "SubjectAccessReview",
                "spec": {
                    "user": user,
                    "resourceAttributes": {"verb": verb, "resource": resource, "group": group, "namespace": namespace},
                },
            }
        )
        return bool(review.status.allowed)

    # --- objects ---

    def _ensure_namespace(self, namespace: str) -> None:
        from kubernetes.client.exceptions import ApiException

        if namespace in self._namespaces:
            return
        try:
            self._core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        except ApiException as error:
            if error.status != 409:
                raise
        self._namespaces.add(namespace)

    def add(
        self, namespace: str, name: str, annotations: dict[str, str] | None = None, ingress_class: str | None = None
    ) -> None:
        """Ingress `name`, replacing any there; a default backend, since a real Ingress needs rules or one."""
        from kubernetes.client.exceptions import ApiException

        self._ensure_namespace(namespace)
        spec: dict[str, Any] = {"defaultBackend": {"service": {"name": name, "port": {"number": 80}}}}
        if ingress_class is not None:
            spec["ingressClassName"] = ingress_class
        with_rv: dict[str, Any] = {"name": name, "namespace": namespace, "annotations": dict(annotations or {})}
        ingress = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": with_rv, "spec": spec}
        try:
            self._networking.create_namespaced_ingress(namespace, ingress)
        except ApiException as error:
            if error.status != 409:
                raise
            found = self._networking.read_namespaced_ingress(name, namespace)
            with_rv["resourceVersion"] = found.metadata.resource_version
            self._networking.replace_namespaced_ingress(name, namespace, ingress)

    def annotations(self, namespace: str, name: str, kind: RouteKind = "Ingress") -> dict[str, str]:
        if kind == "HTTPRoute":
            route = self._custom.get_namespaced_custom_object(*GATEWAY_API, namespace, "httproutes", name)
            return dict(route["metadata"].get("annotations") or {})
        return dict(self._networking.read_namespaced_ingress(name, namespace).metadata.annotations or {})

    def resource_version(self, namespace: str, name: str, kind: RouteKind = "Ingress") -> str:
        if kind == "HTTPRoute":
            route = self._custom.get_namespaced_custom_object(*GATEWAY_API, namespace, "httproutes", name)
            return str(route["metadata"]["resourceVersion"])
        return str(self._networking.read_namespaced_ingress(name, namespace).metadata.resource_version)

    def add_service(self, namespace: str, name: str, ports: list[int], ready_endpoints: int) -> None:
        """Service `name`, and the EndpointSlice the EndpointSlice controller would keep for it (this cluster
        runs no controllers): `ready_endpoints` ready endpoints, or one that is not ready."""
        self._ensure_namespace(namespace)
        spec = {"ports": [{"port": port, "protocol": "TCP"} for port in ports], "selector": {"app": name}}
        self._core.create_namespaced_service(namespace, {"metadata": {"name": name}, "spec": spec})
        endpoints = [
            {"addresses": [f"10.0.0.{index + 1}"], "conditions": {"ready": index < ready_endpoints}}
            for index in range(max(1, ready_endpoints))
        ]
        self._custom.create_namespaced_custom_object(
            "discovery.k8s.io",
            "v1",
            namespace,
            "endpointslices",
            {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {"name": f"{name}-abcde", "labels": {"kubernetes.io/service-name": name, "e2e": "test"}},
                "addressType": "IPv4",
                "endpoints": endpoints,
                "ports": [{"port": ports[0], "protocol": "TCP"}],
            },
        )

    def add_pod(self, namespace: str, name: str, image: str) -> None:
        """A pod of one container (never scheduled here: there is no scheduler)."""
        from kubernetes.client.exceptions import ApiException

        self._ensure_namespace(namespace)
        try:  # the service account controller, which would have made it, does not run here
            self._core.create_namespaced_service_account(namespace, {"metadata": {"name": "default"}})
        except ApiException as error:
            if error.status != 409:
                raise
        pod = {"metadata": {"name": name}, "spec": {"containers": [{"name": "proxy", "image": image}]}}
        self._core.create_namespaced_pod(namespace, pod)

    # --- the Gateway API ---

    def add_http_route(
        self,
        namespace: str,
        name: str,
        annotations: dict[str, str] | None = None,
        parent_refs: Iterable[dict[str, str]] = (),
    ) -> None:
        """HTTPRoute `name` (created once per test: `reset` empties the namespaces)."""
        self._ensure_namespace(namespace)
        route = {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": {"name": name, "namespace": namespace, "annotations": dict(annotations or {})},
            "spec": {"parentRefs": [dict(ref) for ref in parent_refs]},
        }
        self._custom.create_namespaced_custom_object(*GATEWAY_API, namespace, "httproutes", route)

    def set_route_status(self, namespace: str, name: str, parents: Iterable[dict[str, Any]]) -> None:
        """Write status.parents as a controller does: through the status subresource (the CRD validates it)."""
        status = {"status": {"parents": [dict(parent) for parent in parents]}}
        self._custom.patch_namespaced_custom_object_status(*GATEWAY_API, namespace, "httproutes", name, status)

    def add_gateway(self, namespace: str, name: str, gateway_class: str) -> None:
        self._ensure_namespace(namespace)
        gateway = {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {
                "gatewayClassName": gateway_class,
                "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}],
            },
        }
        self._custom.create_namespaced_custom_object(*GATEWAY_API, namespace, "gateways", gateway)

    def add_gateway_class(self, name: str, controller: str, annotations: dict[str, str] | None = None) -> None:
        gateway_class = {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": name, "annotations": dict(annotations or {})},
            "spec": {"controllerName": controller},
        }
        self._custom.create_cluster_custom_object(*GATEWAY_API, "gatewayclasses", gateway_class)

    @property
    def http_route_versions(self) -> tuple[str, ...]:
        return self._http_route_versions

    @http_route_versions.setter
    def http_route_versions(self, versions: tuple[str, ...]) -> None:
        """Serve only `versions` of the pinned HTTPRoute CRD, as a Gateway API before v1.0 serves no v1 (the
        first one stores); waits until v1 HTTPRoutes are served, or not, accordingly."""
        from kubernetes.client.exceptions import ApiException

        crd = self._extensions.read_custom_resource_definition(HTTP_ROUTE_CRD_NAME)
        for version in crd.spec.versions:
            version.served = version.name in versions
            version.storage = version.name == versions[0]
        self._extensions.replace_custom_resource_definition(HTTP_ROUTE_CRD_NAME, crd)
        self._http_route_versions = tuple(versions)

        def settled() -> bool:
            try:
                self._custom.list_namespaced_custom_object(*GATEWAY_API, "default", "httproutes")
            except ApiException as error:
                if error.status not in (404, 503):
                    raise
                return "v1" not in versions
            return "v1" in versions

        _settle(settled, f"HTTPRoutes served at {versions} only")

    def install_gateway_api(self) -> None:
        """The pinned Gateway API CRDs; waits until HTTPRoutes are served."""
        from kubernetes.client.exceptions import ApiException

        for crd in gateway_api_crds():
            try:
                self._extensions.create_custom_resource_definition(crd)
            except ApiException as error:
                if error.status != 409:
                    raise

        def served() -> bool:
            try:
                self._custom.list_namespaced_custom_object(*GATEWAY_API, "default", "httproutes")
            except ApiException as error:
                if error.status in (404, 503):
                    return False
                raise
            return True

        _settle(served, "the Gateway API's CRDs served")

    def create_plugin(self, plugin: dict[str, Any]) -> dict[str, Any]:
        """Create a KongPlugin object as given; returns what the server stored."""
        namespace = plugin["metadata"]["namespace"]
        self._ensure_namespace(namespace)
        stored: dict[str, Any] = self._custom.create_namespaced_custom_object(
            "configuration.konghq.com", "v1", namespace, "kongplugins", plugin
        )
        return stored

    def add_plugin(
        self,
        namespace: str,
        name: str,
        config_patch_paths: Iterable[str] | None = None,
        annotations: dict[str, str] | None = None,
    ) -> None:
        from fake_kubernetes import DEFAULT_CONFIG_PATCH_PATHS, FakeRouteObjectApi
        from kubernetes.client.exceptions import ApiException

        # The very object the fake stores (before the fake's pruning), sent through the real API.
        model = FakeRouteObjectApi()
        model.add_plugin(
            namespace, name, DEFAULT_CONFIG_PATCH_PATHS if config_patch_paths is None else tuple(config_patch_paths),
            annotations,
        )  # fmt: skip
        try:
            self._custom.delete_namespaced_custom_object(
                "configuration.konghq.com", "v1", namespace, "kongplugins", name
            )
        except ApiException as error:
            if error.status != 404:
                raise
        self.create_plugin(model.plugins[(namespace, name)])

    def edit_plugin(self, namespace: str, name: str, annotation: str) -> None:
        """As the fake's: a merge patch adding an annotation (the server records its time in managedFields)."""
        self._custom.patch_namespaced_custom_object(
            "configuration.konghq.com", "v1", namespace, "kongplugins", name,
            {"metadata": {"annotations": {annotation: "edited"}}},
        )  # fmt: skip

    def add_event(
        self,
        namespace: str,
        kind: str,
        name: str,
        reason: str,
        message: str,
        *,
        event_type: str = "Warning",
        component: str = "kong-client",
        last_seen: datetime | None = None,
        count: int = 1,
    ) -> None:
        """The same Event the fake stores, created through the real API."""
        from fake_kubernetes import event_document

        self._ensure_namespace(namespace)
        event = event_document(namespace, kind, name, reason, message, event_type, component, last_seen, count)
        self._core.create_namespaced_event(namespace, event)

    def _create_ingress_class(self, name: str, controller: str) -> None:
        metadata: dict[str, Any] = {"name": name}
        self._networking.create_ingress_class(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "IngressClass",
                "metadata": metadata,
                "spec": {"controller": controller},
            }
        )

    @property
    def default_ingress_class(self) -> str | None:
        return self._default_class

    @default_ingress_class.setter
    def default_ingress_class(self, name: str | None) -> None:
        for each in self.ingress_classes:
            value = "true" if each == name else None
            self._networking.patch_ingress_class(
                each, {"metadata": {"annotations": {"ingressclass.kubernetes.io/is-default-class": value}}}
            )
        self._default_class = name

    # --- Kong's CRD ---

    def install_kong_crds(self, config_patches: bool = True) -> None:
        """KongPlugin's CRD from Kong's modules: the current one, or one from before KIC 3.1."""
        self.install_crd("current" if config_patches else "before-3.1")

    def install_crd(self, which: str) -> None:
        from kubernetes.client.exceptions import ApiException

        if self._crd == which:
            return
        crd = kong_crd(which)
        try:
            found = self._extensions.read_custom_resource_definition(KONG_CRD_NAME)
            self._extensions.replace_custom_resource_definition(
                KONG_CRD_NAME,
                {**crd, "metadata": {**crd["metadata"], "resourceVersion": found.metadata.resource_version}},
            )
        except ApiException as error:
            if error.status != 404:
                raise
            self._extensions.create_custom_resource_definition(crd)
        self._crd = None
        _settle(lambda: self._serves_config_patches() == (which == "current"), f"Kong's CRD {which} served")
        self._crd = which

    def _serves_config_patches(self) -> bool | None:
        """Whether a KongPlugin created now keeps configPatches (a dry run); None while not served."""
        from kubernetes.client.exceptions import ApiException

        probe = {
            "apiVersion": "configuration.konghq.com/v1",
            "kind": "KongPlugin",
            "metadata": {"name": "e2e-probe", "namespace": "default"},
            "plugin": "openid-connect",
            "configPatches": [{"path": "/x", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
        }
        try:
            stored = self._custom.create_namespaced_custom_object(
                "configuration.konghq.com", "v1", "default", "kongplugins", probe, dry_run="All"
            )
        except ApiException as error:
            if error.status in (404, 503):
                return None
            raise
        return "configPatches" in stored

    @property
    def kong_crd(self) -> str | None:
        return self._crd

    @kong_crd.setter
    def kong_crd(self, value: None) -> None:
        """Only None: Kong's CRDs are not installed."""
        from kubernetes.client.exceptions import ApiException

        assert value is None, "set a Kong CRD with install_kong_crds()"
        try:
            self._extensions.delete_custom_resource_definition(KONG_CRD_NAME)
        except ApiException as error:
            if error.status != 404:
                raise

        def gone() -> bool:
            try:
                self._extensions.read_custom_resource_definition(KONG_CRD_NAME)
            except ApiException as error:
                return bool(error.status == 404)
            return False

        _settle(gone, "Kong's CRD deleted")
        self._crd = None


# --- a recording proxy: the real server, seen where the fake would be ---


class _Proxy(BaseHTTPRequestHandler):
    upstream: str
    context: Any
    requests: list[tuple[str, str, str, Any]]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        recorded = json.loads(body) if self.command == "PATCH" and body else None
        self.requests.append((self.command, self.path.split("?", 1)[0], content_type, recorded))
        target = urlsplit(self.upstream)
        connection = http.client.HTTPSConnection(target.hostname or "", target.port, context=self.context, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "accept-encoding")}
        try:
            connection.request(self.command, self.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
        finally:
            connection.close()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._forward()

    def do_PATCH(self) -> None:
        self._forward()


@dataclass
class RealApiServer:
    store: RealClusterStore
    kubeconfig: Path
    url: str
    requests: list[tuple[str, str, str, Any]]


@contextmanager
def recording_proxy(server: KubeApiServer) -> Iterator[tuple[str, list[tuple[str, str, str, Any]]]]:
    requests: list[tuple[str, str, str, Any]] = []
    handler = type("Proxy", (_Proxy,), {"upstream": server.url, "context": server.ssl_context(), "requests": requests})
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits out one poll: 5 ms, not 50, at the end of every test that starts one.
    thread = threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)
    thread.start()
    host, port = proxy.server_address[:2]
    try:
        yield f"http://{host}:{port}", requests
    finally:
        proxy.shutdown()
        proxy.server_close()


@contextmanager
def real_api_server(
    server: KubeApiServer,
    store: RealClusterStore,
    tmp_path: Path,
    context: str = "fake",
    current_context: str | None = None,
) -> Iterator[RealApiServer]:
    """As `fake_api_server`, on the real API server: a kubeconfig of the tester identity, through the proxy."""
    store.reset()
    with recording_proxy(server) as (url, requests):
        servers = {context: url}
        if current_context is not None and current_context != context:
            servers[current_context] = closed_port_url()
        kubeconfig = tmp_path / "kubeconfig"
        document = kubeconfig_document(servers, current_context or context, token=TESTER.token)
        kubeconfig.write_text(json.dumps(document))
        try:
            yield RealApiServer(store=store, kubeconfig=kubeconfig, url=url, requests=requests)
        finally:
            # Served versions are the CRD's, shared with fixtures that do not reset (e.g. install_gateway_api).
            if store.http_route_versions != HTTP_ROUTE_VERSIONS:
                store.http_route_versions = HTTP_ROUTE_VERSIONS


# --- fixtures ---


@dataclass
class RealCluster:
    server: KubeApiServer
    store: RealClusterStore


def _stop_on_sigterm() -> None:
    """SIGTERM ends the run like Ctrl-C, so the fixtures' teardown stops the servers and removes their folder."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, interrupt)


@pytest.fixture(scope="session")
def real_cluster() -> Iterator[RealCluster]:
    """The session's kube-apiserver and etcd, with Kong's current KongPlugin CRD installed."""
    _stop_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="kube-apiserver-") as workdir:
        try:
            kong_crd("current")  # needs Go: checked before anything starts
            gateway_api_crds()
            server = start(Path(workdir))
        except ToolsMissingError as missing:
            if in_ci():
                pytest.fail(f"{missing} (CI=true: the real API server tests may not be skipped)")
            pytest.skip(str(missing))
        try:
            admin = server.client(ADMIN)
            store = RealClusterStore(server, admin)
            store.install_kong_crds()
            store.install_gateway_api()
            yield RealCluster(server, store)
            admin.close()
        finally:
            server.stop()


ApiServerFactory = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.e2e)])
def api_server(request: pytest.FixtureRequest) -> ApiServerFactory:
    """`fake_api_server`, or its counterpart on the real kube-apiserver (`make e2e`)."""
    if request.param == "fake":
        return fake_api_server
    cluster: RealCluster = request.getfixturevalue("real_cluster")

    def on_real_server(tmp_path: Path, context: str = "fake", current_context: str | None = None) -> Any:
        return real_api_server(cluster.server, cluster.store, tmp_path, context, current_context)

    return on_real_server
