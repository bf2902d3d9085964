"""Stand-ins for the parts of the Kubernetes API the attachment and `make doctor` use.

`FakeRouteObjectApi` is the in-memory `RouteObjectApi` and the store behind `FakeApiServer`,
which serves it over HTTP on 127.0.0.1 so the real Kubernetes client can be exercised:
Ingresses (get, list, merge patch), IngressClasses (list), KongPlugins (get), the
CustomResourceDefinitions of KongPlugins and HTTPRoutes (get), /version, core/v1 Events (list, with the
field selector `type=`), and of the Gateway API (v1): HTTPRoutes (get, list, merge patch), Gateways (get)
and GatewayClasses (get).
Chosen (verb, resource) pairs answer 403 with the Status body a real API server sends.
"""

from __future__ import annotations

import copy
import json
import re
import socket
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from components.kubernetes.route_objects import FIELD_MANAGER, ConflictError
from components.vocabulary import RouteKind

DEFAULT_CONFIG_PATCH_PATHS = ("/client_secret", "/session_secret")
# The apiVersion of the objects an event may be about, by kind.
API_VERSIONS = {
    "KongPlugin": "configuration.konghq.com/v1",
    "Secret": "v1",
    "Ingress": "networking.k8s.io/v1",
    "HTTPRoute": "gateway.networking.k8s.io/v1",
}
USER = "arn:aws:sts::123456789012:assumed-role/kong-oidc-deploy/session"


@dataclass
class StoredIngress:
    annotations: dict[str, str]
    resource_version: int = 1
    ingress_class: str | None = None
    parent_refs: list[dict[str, str]] = field(default_factory=list)
    """An HTTPRoute's spec.parentRefs."""
    status: dict[str, Any] | None = None
    """An HTTPRoute's status, as its controllers wrote it."""
    managed_fields: list[dict[str, Any]] = field(default_factory=list)
    """metadata.managedFields: which manager set which annotation (only annotations are modelled)."""

    def record_write(self, manager: str, changed: set[str]) -> None:
        """As the API server records an Update: the annotations whose value changed become `manager`'s alone.

        structured-merge-diff: "Any time a manager begins managing some new field, that field is removed
        from all other managers"; a write that leaves a value as it was moves nothing.
        """
        if not changed:
            return
        entries = []
        for entry in self.managed_fields:
            annotations = entry.setdefault("fieldsV1", {}).setdefault("f:metadata", {}).setdefault("f:annotations", {})
            for key in changed:
                annotations.pop(f"f:{key}", None)
            if annotations or entry["manager"] == manager:
                entries.append(entry)
        ours = next((e for e in entries if e["manager"] == manager and e["operation"] == "Update"), None)
        if ours is None:
            ours = {"manager": manager, "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1"}
            entries.append(ours)
        owned = ours.setdefault("fieldsV1", {}).setdefault("f:metadata", {}).setdefault("f:annotations", {})
        owned.update({f"f:{key}": {} for key in changed})
        self.managed_fields = entries

    def metadata(self, namespace: str, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "namespace": namespace,
            "resourceVersion": str(self.resource_version),
            "annotations": self.annotations,
            **({"managedFields": self.managed_fields} if self.managed_fields else {}),
        }


@dataclass
class FakeRouteObjectApi:
    """In-memory cluster state; `conflicts` makes the next N writes fail as if someone wrote first."""

    ingresses: dict[tuple[str, str], StoredIngress] = field(default_factory=dict)
    plugins: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    ingress_classes: dict[str, str] = field(default_factory=dict)
    """IngressClass name -> spec.controller."""
    default_ingress_class: str | None = None
    kong_crd: dict[str, Any] | None = None
    """The CRD object of kongplugins.configuration.konghq.com; None: Kong's CRDs are not installed."""
    forbidden: set[tuple[str, str]] = field(default_factory=set)
    """(verb, resource) pairs the HTTP server refuses with 403, e.g. ("get", "ingresses")."""
    forbidden_in: set[tuple[str, str, str]] = field(default_factory=set)
    """(verb, resource, namespace) refused with 403 in that namespace only, as when a Role is missing there."""
    conflicts: int = 0
    writes: int = 0
    http_routes: dict[tuple[str, str], StoredIngress] = field(default_factory=dict)
    gateways: dict[tuple[str, str], str] = field(default_factory=dict)
    """(namespace, Gateway name) -> spec.gatewayClassName."""
    gateway_classes: dict[str, str] = field(default_factory=dict)
    """GatewayClass name -> spec.controllerName."""
    gateway_class_annotations: dict[str, dict[str, str]] = field(default_factory=dict)
    gateway_api: bool = True
    """False: the Gateway API's CRDs are not installed, and its paths answer `404 page not found`."""
    http_route_versions: tuple[str, ...] = ("v1", "v1beta1")
    """The versions the HTTPRoute CRD serves; without v1 (a Gateway API before v1.0) v1 paths answer 404."""
    events: list[dict[str, Any]] = field(default_factory=list)
    """core/v1 Events, as a controller's event recorder writes them."""
    services: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """(namespace, Service name) -> its ports; each has an EndpointSlice with `ready_endpoints` of them."""
    ready_endpoints: dict[tuple[str, str], int] = field(default_factory=dict)
    pods: list[tuple[str, str, str]] = field(default_factory=list)
    """(namespace, name, image) of each pod (one container each)."""

    def add_service(self, namespace: str, name: str, ports: Sequence[int], ready_endpoints: int) -> None:
        """Service `name` with its EndpointSlice, as the EndpointSlice controller keeps it: `ready_endpoints` ready."""
        self.services[(namespace, name)] = list(ports)
        self.ready_endpoints[(namespace, name)] = ready_endpoints

    def add_pod(self, namespace: str, name: str, image: str) -> None:
        self.pods.append((namespace, name, image))

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
        self.events.append(
            event_document(namespace, kind, name, reason, message, event_type, component, last_seen, count)
        )

    def add(
        self,
        namespace: str,
        name: str,
        annotations: dict[str, str] | None = None,
        ingress_class: str | None = None,
        managed_fields: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        """Ingress `name`; replacing one with other content is a write, so its resourceVersion moves on."""
        stored = StoredIngress(dict(annotations or {}), 1, ingress_class)
        stored.managed_fields = copy.deepcopy([dict(entry) for entry in managed_fields])
        before = self.ingresses.get((namespace, name))
        if before is not None:
            changed = (before.annotations, before.ingress_class) != (stored.annotations, stored.ingress_class)
            stored.resource_version = before.resource_version + changed
        self.ingresses[(namespace, name)] = stored

    def add_http_route(
        self,
        namespace: str,
        name: str,
        annotations: dict[str, str] | None = None,
        parent_refs: Sequence[Mapping[str, str]] = (),
    ) -> None:
        """HTTPRoute `name`; `parent_refs` as in its spec, e.g. [{"name": "kong"}]."""
        before = self.http_routes.get((namespace, name))
        stored = StoredIngress(dict(annotations or {}), 1, parent_refs=[dict(ref) for ref in parent_refs])
        if before is not None:
            stored.resource_version = before.resource_version + (before.annotations != stored.annotations)
        self.http_routes[(namespace, name)] = stored

    def set_route_status(self, namespace: str, name: str, parents: Sequence[Mapping[str, Any]]) -> None:
        """What a controller writes to an HTTPRoute's status subresource: status.parents."""
        self.http_routes[(namespace, name)].status = {"parents": [dict(parent) for parent in parents]}

    def add_gateway(self, namespace: str, name: str, gateway_class: str) -> None:
        self.gateways[(namespace, name)] = gateway_class

    def add_gateway_class(self, name: str, controller: str, annotations: Mapping[str, str] | None = None) -> None:
        self.gateway_classes[name] = controller
        self.gateway_class_annotations[name] = dict(annotations or {})

    def serves_gateway_api_v1(self) -> bool:
        return self.gateway_api and "v1" in self.http_route_versions

    def _objects(self, kind: RouteKind) -> dict[tuple[str, str], StoredIngress]:
        return self.http_routes if kind == "HTTPRoute" else self.ingresses

    def add_plugin(
        self,
        namespace: str,
        name: str,
        config_patch_paths: Sequence[str] = DEFAULT_CONFIG_PATCH_PATHS,
        annotations: Mapping[str, str] | None = None,
    ) -> None:
        """A stored KongPlugin; with `config_patch_paths=()` it looks as a pre-3.1 CRD leaves it."""
        plugin: dict[str, Any] = {
            "apiVersion": "configuration.konghq.com/v1",
            "kind": "KongPlugin",
            "metadata": {"name": name, "namespace": namespace, "annotations": dict(annotations or {})},
            "plugin": "openid-connect",
            "config": {"issuer": "https://issuer.example/.well-known/openid-configuration"},
        }
        if config_patch_paths:
            plugin["configPatches"] = [
                {"path": path, "valueFrom": {"secretKeyRef": {"name": f"{name}-secrets", "key": path.lstrip("/")}}}
                for path in config_patch_paths
            ]
        self.plugins[(namespace, name)] = self._as_stored(plugin)

    def edit_plugin(self, namespace: str, name: str, annotation: str) -> None:
        """Someone edits the KongPlugin now (adds an annotation): the API server records the write's time in
        metadata.managedFields."""
        metadata = self.plugins[(namespace, name)]["metadata"]
        metadata.setdefault("annotations", {})[annotation] = "edited"
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        metadata["managedFields"] = [{"manager": "kubectl-edit", "operation": "Update", "time": now}]

    def _as_stored(self, plugin: dict[str, Any]) -> dict[str, Any]:
        """What the API server keeps of a KongPlugin: the fields its CRD does not declare are pruned."""
        if self.kong_crd is None:
            return plugin
        schema = self.kong_crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
        # apiVersion, kind and metadata are never pruned.
        return {**pruned(plugin, schema), **{key: plugin[key] for key in ("apiVersion", "kind", "metadata")}}

    def install_kong_crds(self, config_patches: bool = True) -> None:
        """KongPlugin's CRD as KIC >= 3.1 (with `configPatches`) or an older one installs it."""
        properties: dict[str, Any] = {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "plugin": {"type": "string"},
            "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "configFrom": {"type": "object"},
        }
        if config_patches:
            secret_key = {"type": "object", "properties": {"name": {"type": "string"}, "key": {"type": "string"}}}
            value_from = {"type": "object", "properties": {"secretKeyRef": secret_key}}
            patch = {"type": "object", "properties": {"path": {"type": "string"}, "valueFrom": value_from}}
            properties["configPatches"] = {"type": "array", "items": patch}
        self.kong_crd = {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "kongplugins.configuration.konghq.com"},
            "spec": {
                "group": "configuration.konghq.com",
                "names": {"kind": "KongPlugin", "plural": "kongplugins", "singular": "kongplugin"},
                "scope": "Namespaced",
                "versions": [
                    {
                        "name": "v1",
                        "served": True,
                        "storage": True,
                        "schema": {"openAPIV3Schema": {"type": "object", "properties": properties}},
                    }
                ],
            },
        }

    def annotations(self, namespace: str, name: str, kind: RouteKind = "Ingress") -> dict[str, str]:
        return self._objects(kind)[(namespace, name)].annotations

    def resource_version(self, namespace: str, name: str, kind: RouteKind = "Ingress") -> str:
        return str(self._objects(kind)[(namespace, name)].resource_version)

    def read_annotations(
        self, namespace: str, name: str, kind: RouteKind = "Ingress"
    ) -> tuple[dict[str, str], str] | None:
        stored = self._objects(kind).get((namespace, name))
        if stored is None:
            return None
        return dict(stored.annotations), str(stored.resource_version)

    def write_annotation(
        self,
        namespace: str,
        name: str,
        key: str,
        value: str | None,
        resource_version: str,
        kind: RouteKind = "Ingress",
    ) -> None:
        stored = self._objects(kind)[(namespace, name)]
        if self.conflicts:
            self.conflicts -= 1
            stored.resource_version += 1  # someone else's write
            raise ConflictError("the object has been modified")
        if resource_version != str(stored.resource_version):
            raise ConflictError("stale resourceVersion")
        changed = stored.annotations.get(key) != value
        if value is None:
            stored.annotations.pop(key, None)
        else:
            stored.annotations[key] = value
        # What KubernetesRouteObjectApi's writes are recorded as.
        stored.record_write(FIELD_MANAGER, {key} if changed else set())
        stored.resource_version += 1
        self.writes += 1

    def read_kong_plugin(self, namespace: str, name: str) -> dict[str, Any] | None:
        stored = self.plugins.get((namespace, name))
        return copy.deepcopy(stored)

    def read_object(self, namespace: str, name: str, kind: RouteKind = "Ingress") -> dict[str, Any] | None:
        stored = self._objects(kind).get((namespace, name))
        return None if stored is None else {"metadata": copy.deepcopy(stored.metadata(namespace, name))}


def event_document(
    namespace: str,
    kind: str,
    name: str,
    reason: str,
    message: str,
    event_type: str = "Warning",
    component: str = "kong-client",
    last_seen: datetime | None = None,
    count: int = 1,
) -> dict[str, Any]:
    """A core/v1 Event about `kind` namespace/name, as client-go's event recorder writes one (count, first and
    last time, the reporting component in `source`)."""
    seen = (last_seen or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{name}.{uuid.uuid4().hex[:16]}", "namespace": namespace},
        "involvedObject": {"apiVersion": API_VERSIONS[kind], "kind": kind, "name": name, "namespace": namespace},
        "reason": reason,
        "message": message,
        "type": event_type,
        "source": {"component": component},
        "count": count,
        "firstTimestamp": seen,
        "lastTimestamp": seen,
    }


def pruned(value: Any, schema: Mapping[str, Any]) -> Any:
    """`value` without the object fields `schema` does not declare, as Kubernetes prunes a custom resource."""
    if isinstance(value, list):
        return [pruned(item, schema.get("items", {})) for item in value]
    if not isinstance(value, dict):
        return value
    properties = schema.get("properties", {})
    additional = schema.get("additionalProperties")
    keep_unknown = schema.get("x-kubernetes-preserve-unknown-fields", False)
    kept = {}
    for key, item in value.items():
        if key in properties:
            kept[key] = pruned(item, properties[key])
        elif isinstance(additional, dict):
            kept[key] = pruned(item, additional)
        elif keep_unknown:
            kept[key] = item
    return kept


# (method, path pattern, verb, resource, API group); a namespaced path's first group is the namespace,
# and a get's or patch's last group is the object's name.
_ROUTES: list[tuple[str, re.Pattern[str], str, str, str]] = [
    ("GET", re.compile(r"^/version/?$"), "get", "version", ""),
    ("GET", re.compile(r"^/apis/networking\.k8s\.io/v1/namespaces/([^/]+)/ingresses/([^/]+)$"), "get", "ingresses",
     "networking.k8s.io"),
    ("PATCH", re.compile(r"^/apis/networking\.k8s\.io/v1/namespaces/([^/]+)/ingresses/([^/]+)$"), "patch",
     "ingresses", "networking.k8s.io"),
    ("GET", re.compile(r"^/apis/networking\.k8s\.io/v1/namespaces/([^/]+)/ingresses$"), "list", "ingresses",
     "networking.k8s.io"),
    ("GET", re.compile(r"^/apis/networking\.k8s\.io/v1/ingressclasses$"), "list", "ingressclasses",
     "networking.k8s.io"),
    ("GET", re.compile(r"^/apis/configuration\.konghq\.com/v1/namespaces/([^/]+)/kongplugins/([^/]+)$"), "get",
     "kongplugins", "configuration.konghq.com"),
    ("GET", re.compile(r"^/apis/apiextensions\.k8s\.io/v1/customresourcedefinitions/([^/]+)$"), "get",
     "customresourcedefinitions", "apiextensions.k8s.io"),
    ("GET", re.compile(r"^/apis/gateway\.networking\.k8s\.io/v1/namespaces/([^/]+)/httproutes/([^/]+)$"), "get",
     "httproutes", "gateway.networking.k8s.io"),
    ("PATCH", re.compile(r"^/apis/gateway\.networking\.k8s\.io/v1/namespaces/([^/]+)/httproutes/([^/]+)$"), "patch",
     "httproutes", "gateway.networking.k8s.io"),
    ("GET", re.compile(r"^/apis/gateway\.networking\.k8s\.io/v1/namespaces/([^/]+)/httproutes$"), "list",
     "httproutes", "gateway.networking.k8s.io"),
    ("GET", re.compile(r"^/apis/gateway\.networking\.k8s\.io/v1/namespaces/([^/]+)/gateways/([^/]+)$"), "get",
     "gateways", "gateway.networking.k8s.io"),
    ("GET", re.compile(r"^/apis/gateway\.networking\.k8s\.io/v1/gatewayclasses/([^/]+)$"), "get",
     "gatewayclasses", "gateway.networking.k8s.io"),
    ("GET", re.compile(r"^/api/v1/namespaces/([^/]+)/events$"), "list", "events", ""),
    ("GET", re.compile(r"^/api/v1/namespaces/([^/]+)/services/([^/]+)$"), "get", "services", ""),
    ("GET", re.compile(r"^/apis/discovery\.k8s\.io/v1/namespaces/([^/]+)/endpointslices$"), "list", "endpointslices",
     "discovery.k8s.io"),
    ("GET", re.compile(r"^/api/v1/pods$"), "list", "pods", ""),
]  # fmt: skip


def _status(code: int, reason: str, message: str, details: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        body["details"] = details
    return body


def forbidden_status(verb: str, resource: str, group: str, namespace: str | None, name: str | None) -> dict[str, Any]:
    """The Status body Kubernetes' RBAC authorizer answers with."""
    qualified = f"{resource}.{group}" if group else resource
    what = f'{qualified} "{name}"' if name else qualified
    where = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    message = f'{what} is forbidden: User "{USER}" cannot {verb} resource "{resource}" in API group "{group}" {where}'
    return _status(403, "Forbidden", message, {"name": name or "", "group": group, "kind": resource})


class _Handler(BaseHTTPRequestHandler):
    store: FakeRouteObjectApi
    requests: list[tuple[str, str, str, Any]]

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _page_not_found(self) -> None:
        # What the API server answers for a resource type it does not serve (e.g. a missing CRD).
        payload = b"404 page not found\n"
        self.send_response(404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _not_found(self, resource: str, group: str, name: str) -> None:
        qualified = f"{resource}.{group}"
        details = {"name": name, "group": group, "kind": resource}
        self._reply(404, _status(404, "NotFound", f'{qualified} "{name}" not found', details))

    def _ingress(self, namespace: str, name: str) -> dict[str, Any]:
        stored = self.store.ingresses[(namespace, name)]
        spec: dict[str, Any] = {}
        if stored.ingress_class is not None:
            spec["ingressClassName"] = stored.ingress_class
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": stored.metadata(namespace, name),
            "spec": spec,
        }

    def _handle(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        body: Any = None
        if method == "PATCH":
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append((method, path, self.headers.get("Content-Type", ""), body))
        for route_method, pattern, verb, resource, group in _ROUTES:
            match = pattern.match(path)
            if route_method != method or not match:
                continue
            args = match.groups()
            namespace = args[0] if "/namespaces/" in path else None
            name = args[-1] if verb in ("get", "patch") and args else None
            if (verb, resource) in self.store.forbidden or (verb, resource, namespace) in self.store.forbidden_in:
                return self._reply(403, forbidden_status(verb, resource, group, namespace, name))
            serve = getattr(self, f"_{verb}_{resource}")
            return serve(*args, body) if method == "PATCH" else serve(*args)
        raise AssertionError(f"the fake API server does not serve {method} {path}")

    def _field_manager(self) -> str:
        """The write's fieldManager, else its User-Agent up to the first `/`, as the API server records it."""
        query = parse_qs(urlsplit(self.path).query)
        return query.get("fieldManager", [""])[0] or self.headers.get("User-Agent", "").split("/")[0]

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def _get_version(self) -> None:
        self._reply(200, {"major": "1", "minor": "30", "gitVersion": "v1.30.2", "platform": "linux/amd64"})

    def _get_ingresses(self, namespace: str, name: str) -> None:
        if (namespace, name) not in self.store.ingresses:
            return self._not_found("ingresses", "networking.k8s.io", name)
        self._reply(200, self._ingress(namespace, name))

    def _list_ingresses(self, namespace: str) -> None:
        items = [self._ingress(ns, name) for (ns, name) in self.store.ingresses if ns == namespace]
        self._reply(200, {"apiVersion": "networking.k8s.io/v1", "kind": "IngressList", "metadata": {}, "items": items})

    def _patch_ingresses(self, namespace: str, name: str, body: dict[str, Any]) -> None:
        self._merge_annotations("Ingress", namespace, name, body)

    def _merge_annotations(self, kind: RouteKind, namespace: str, name: str, body: dict[str, Any]) -> None:
        resource, group = (
            ("httproutes", "gateway.networking.k8s.io")
            if kind == "HTTPRoute"
            else (
                "ingresses",
                "networking.k8s.io",
            )
        )
        objects = self.store._objects(kind)
        if (namespace, name) not in objects:
            return self._not_found(resource, group, name)
        stored = objects[(namespace, name)]
        wanted_version = body.get("metadata", {}).get("resourceVersion")
        # As the API server: "0" (like no resourceVersion) is an unconditional write, not a stale one.
        if wanted_version not in (None, "0") and wanted_version != str(stored.resource_version):
            message = (
                f'Operation cannot be fulfilled on {resource}.{group} "{name}": the object has been '
                "modified; please apply your changes to the latest version and try again"
            )
            details = {"name": name, "group": group, "kind": resource}
            return self._reply(409, _status(409, "Conflict", message, details))
        before = dict(stored.annotations)
        for key, value in body.get("metadata", {}).get("annotations", {}).items():
            if value is None:
                stored.annotations.pop(key, None)
            else:
                stored.annotations[key] = value
        # As the API server: a patch that changes nothing writes nothing, and the version stays.
        stored.resource_version += stored.annotations != before
        changed = {key for key in {*before, *stored.annotations} if before.get(key) != stored.annotations.get(key)}
        stored.record_write(self._field_manager(), changed)
        self._reply(200, self._ingress(namespace, name) if kind == "Ingress" else self._http_route(namespace, name))

    def _http_route(self, namespace: str, name: str) -> dict[str, Any]:
        stored = self.store.http_routes[(namespace, name)]
        status = {"status": stored.status} if stored.status is not None else {}
        return {
            **status,
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": stored.metadata(namespace, name),
            "spec": {"parentRefs": stored.parent_refs},
        }

    def _get_httproutes(self, namespace: str, name: str) -> None:
        if not self.store.serves_gateway_api_v1():
            return self._page_not_found()
        if (namespace, name) not in self.store.http_routes:
            return self._not_found("httproutes", "gateway.networking.k8s.io", name)
        self._reply(200, self._http_route(namespace, name))

    def _patch_httproutes(self, namespace: str, name: str, body: dict[str, Any]) -> None:
        if not self.store.serves_gateway_api_v1():
            return self._page_not_found()
        self._merge_annotations("HTTPRoute", namespace, name, body)

    def _list_httproutes(self, namespace: str) -> None:
        if not self.store.serves_gateway_api_v1():
            return self._page_not_found()
        items = [self._http_route(ns, name) for (ns, name) in self.store.http_routes if ns == namespace]
        self._reply(
            200, {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRouteList", "metadata": {}, "items": items}
        )

    def _get_gateways(self, namespace: str, name: str) -> None:
        if not self.store.serves_gateway_api_v1():
            return self._page_not_found()
        gateway_class = self.store.gateways.get((namespace, name))
        if gateway_class is None:
            return self._not_found("gateways", "gateway.networking.k8s.io", name)
        self._reply(
            200,
            {
                "apiVersion": "gateway.networking.k8s.io/v1",
                "kind": "Gateway",
                "metadata": {"name": name, "namespace": namespace},
                "spec": {"gatewayClassName": gateway_class, "listeners": []},
            },
        )

    def _get_gatewayclasses(self, name: str) -> None:
        if not self.store.serves_gateway_api_v1():
            return self._page_not_found()
        controller = self.store.gateway_classes.get(name)
        if controller is None:
            return self._not_found("gatewayclasses", "gateway.networking.k8s.io", name)
        self._reply(
            200,
            {
                "apiVersion": "gateway.networking.k8s.io/v1",
                "kind": "GatewayClass",
                "metadata": {"name": name, "annotations": self.store.gateway_class_annotations.get(name, {})},
                "spec": {"controllerName": controller},
            },
        )

    def _get_services(self, namespace: str, name: str) -> None:
        ports = self.store.services.get((namespace, name))
        if ports is None:
            return self._not_found("services", "", name)
        spec = {"type": "ClusterIP", "ports": [{"port": port, "protocol": "TCP"} for port in ports]}
        self._reply(
            200,
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace}, "spec": spec},
        )

    def _list_endpointslices(self, namespace: str) -> None:
        items = [
            {
                "metadata": {"name": f"{name}-abcde", "namespace": ns, "labels": {"kubernetes.io/service-name": name}},
                "addressType": "IPv4",
                "endpoints": [
                    {
                        "addresses": [f"10.0.0.{index + 1}"],
                        "conditions": {"ready": index < self.store.ready_endpoints[(ns, name)]},
                    }
                    for index in range(max(1, self.store.ready_endpoints[(ns, name)]))
                ],
            }
            for (ns, name) in self.store.services
            if ns == namespace
        ]
        self._reply(
            200, {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSliceList", "metadata": {}, "items": items}
        )

    def _list_pods(self) -> None:
        items = [
            {"metadata": {"name": name, "namespace": ns}, "spec": {"containers": [{"name": "proxy", "image": image}]}}
            for ns, name, image in self.store.pods
        ]
        self._reply(200, {"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": items})

    def _list_events(self, namespace: str) -> None:
        selector = parse_qs(urlsplit(self.path).query).get("fieldSelector", [""])[0]
        wanted = dict(term.split("=", 1) for term in selector.split(",") if term)
        assert set(wanted) <= {"type"}, f"the fake API server filters events by type only, not {selector}"
        items = [
            event
            for event in self.store.events
            if event["metadata"]["namespace"] == namespace and event["type"] == wanted.get("type", event["type"])
        ]
        self._reply(200, {"apiVersion": "v1", "kind": "EventList", "metadata": {}, "items": items})

    def _list_ingressclasses(self) -> None:
        items = []
        for name, controller in self.store.ingress_classes.items():
            metadata: dict[str, Any] = {"name": name}
            if name == self.store.default_ingress_class:
                metadata["annotations"] = {"ingressclass.kubernetes.io/is-default-class": "true"}
            items.append({"metadata": metadata, "spec": {"controller": controller}})
        self._reply(
            200, {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClassList", "metadata": {}, "items": items}
        )

    def _get_kongplugins(self, namespace: str, name: str) -> None:
        if self.store.kong_crd is None:
            return self._page_not_found()
        plugin = self.store.plugins.get((namespace, name))
        if plugin is None:
            return self._not_found("kongplugins", "configuration.konghq.com", name)
        self._reply(200, plugin)

    def _get_customresourcedefinitions(self, name: str) -> None:
        if name == "httproutes.gateway.networking.k8s.io" and self.store.gateway_api:
            return self._reply(200, self._http_route_crd())
        if name != "kongplugins.configuration.konghq.com" or self.store.kong_crd is None:
            return self._not_found("customresourcedefinitions", "apiextensions.k8s.io", name)
        self._reply(200, self.store.kong_crd)

    def _http_route_crd(self) -> dict[str, Any]:
        """The HTTPRoute CRD's outline: its versions (the first served one stores), without their schemas."""
        versions = self.store.http_route_versions
        return {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "httproutes.gateway.networking.k8s.io"},
            "spec": {
                "group": "gateway.networking.k8s.io",
                "names": {"kind": "HTTPRoute", "plural": "httproutes", "singular": "httproute"},
                "scope": "Namespaced",
                "versions": [
                    {"name": version, "served": True, "storage": version == versions[0]} for version in versions
                ],
            },
        }


@dataclass
class FakeApiServer:
    store: FakeRouteObjectApi
    kubeconfig: Path
    url: str
    requests: list[tuple[str, str, str, Any]]


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens: a cluster that cannot be reached."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def kubeconfig_document(servers: Mapping[str, str], current_context: str, token: str | None = None) -> dict[str, Any]:
    """A kubeconfig with one context (and cluster, and user) per entry of `servers`: context name -> URL.

    Each user's bearer token is `token`, else one made up from its name (the fake checks none).
    """
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {"server": url}} for name, url in servers.items()],
        "users": [{"name": name, "user": {"token": token or f"{name}-token"}} for name in servers],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}} for name in servers],
        "current-context": current_context,
    }


@contextmanager
def fake_api_server(
    tmp_path: Path, context: str = "fake", current_context: str | None = None
) -> Iterator[FakeApiServer]:
    """An HTTP Kubernetes API on 127.0.0.1 and a kubeconfig file whose `context` points at it.

    With `current_context` (another name), the kubeconfig's current context is that one and
    points at a closed port: only a client that asks for `context` reaches the server.
    """
    store = FakeRouteObjectApi()
    requests: list[tuple[str, str, str, Any]] = []
    handler = type("Handler", (_Handler,), {"store": store, "requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits out one poll: 5 ms, not 50, at the end of every test that starts one.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}"
    servers = {context: url}
    if current_context is not None and current_context != context:
        servers[current_context] = closed_port_url()
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(json.dumps(kubeconfig_document(servers, current_context or context)))
    try:
        yield FakeApiServer(store=store, kubeconfig=kubeconfig, url=url, requests=requests)
    finally:
        server.shutdown()
        server.server_close()
