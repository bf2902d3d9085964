"""Route objects by kind, and the one way this project reads and edits Kubernetes objects.

A route object is what lists a route's KongPlugin in its `konghq.com/plugins` annotation: a
`networking.k8s.io/v1` Ingress or a `gateway.networking.k8s.io/v1` HTTPRoute; the Kong Ingress
Controller reads the annotation on both. `ROUTE_OBJECTS` says where each kind lives in the API, and
`ClusterObjects` gets, lists and patches any kind the same way (by group, version and plural), for the
attachment and for `make doctor` alike. A 403 raises ForbiddenError, never "not found".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from components.kong.crds import KONG_GROUP, KONG_PLURAL, KONG_VERSION
from components.kubernetes.kubeconfig import load as load_kubeconfig
from components.vocabulary import RouteKind


@dataclass(frozen=True)
class ObjectKind:
    """Where a kind of object lives in the Kubernetes API, and what messages call it."""

    kind: str
    group: str
    version: str
    plural: str
    plural_name: str
    """The kind in the plural, for messages: `Ingresses`."""
    namespaced: bool = True

    @property
    def resource(self) -> str:
        """`<plural>.<group>`, as RBAC rules, kubectl and the CRD name it: `ingresses.networking.k8s.io`."""
        return f"{self.plural}.{self.group}"


FIELD_MANAGER = "kong-cognito-oidc"
"""The field manager of every write to a route object: the API server records it in the object's managedFields
(components/kubernetes/field_owners.py reads them). Not a name Flux's kustomize-controller takes fields over from
(it matches `kubectl`, `before-first-apply` and `kustomize-controller` as prefixes): it would drop our entry."""

GATEWAY_GROUP, GATEWAY_VERSION = "gateway.networking.k8s.io", "v1"
ROUTE_OBJECTS: dict[RouteKind, ObjectKind] = {
    "Ingress": ObjectKind("Ingress", "networking.k8s.io", "v1", "ingresses", "Ingresses"),
    "HTTPRoute": ObjectKind("HTTPRoute", GATEWAY_GROUP, GATEWAY_VERSION, "httproutes", "HTTPRoutes"),
}
"""Each kind of route object (a route's `kind`) and where it lives: the only place that tells them apart."""
KONG_PLUGIN = ObjectKind("KongPlugin", KONG_GROUP, KONG_VERSION, KONG_PLURAL, "KongPlugins")
GATEWAY = ObjectKind("Gateway", GATEWAY_GROUP, GATEWAY_VERSION, "gateways", "Gateways")
GATEWAY_CLASS = ObjectKind("GatewayClass", GATEWAY_GROUP, GATEWAY_VERSION, "gatewayclasses", "GatewayClasses", False)
INGRESS_CLASS = ObjectKind("IngressClass", "networking.k8s.io", "v1", "ingressclasses", "IngressClasses", False)
CUSTOM_RESOURCE_DEFINITION = ObjectKind(
    "CustomResourceDefinition", "apiextensions.k8s.io", "v1", "customresourcedefinitions", "CRDs", False
)


class RouteObjectNotFoundError(Exception):
    """The Ingress (or HTTPRoute) to attach to does not exist."""


class KongPluginNotFoundError(Exception):
    pass


class PluginCannotWorkError(Exception):
    """The stored KongPlugin lacks configPatches the stack declared."""


class ConflictError(Exception):
    """The object changed between our read and our write."""


class RefusedError(Exception):
    """The API server refused a call; `detail` is what its Status said."""

    detail: str


class ForbiddenError(RefusedError):
    """HTTP 403: the cluster credentials lack a permission. Never a "not found"."""

    def __init__(self, verb: str, resource: str, namespace: str, detail: str = "") -> None:
        self.verb, self.resource, self.namespace, self.detail = verb, resource, namespace, detail
        said = f" The API server said: {detail}" if detail else ""
        super().__init__(
            f"Forbidden (HTTP 403): the cluster credentials may not {verb} {resource} in namespace {namespace}. "
            f"Grant `{verb}` on {resource} in {namespace} to the role this stack runs with (the RBAC lines in "
            f"docs/github-actions.md) and run again; nothing was changed.{said}"
        )


class NotServedError(RefusedError):
    """HTTP 404 about the kind itself: the cluster does not serve it (its CRD is missing, or too old)."""

    def __init__(self, kind: ObjectKind, detail: str) -> None:
        self.kind, self.detail = kind, detail
        super().__init__(f"the cluster does not serve {kind.resource} {kind.version}: {detail}")


class ClusterObjects:
    """Get, list and patch objects of any `ObjectKind`, over the official client's ApiClient.

    `get` returns None when the object does not exist; every call raises ForbiddenError on a 403 and
    NotServedError when the cluster does not serve the kind; other failures raise the client's ApiException.
    """

    def __init__(self, api_client: Any, timeout: float | None = None, field_manager: str | None = None) -> None:
        from kubernetes import client

        self._custom = client.CustomObjectsApi(api_client)
        self._options: dict[str, Any] = {"_preload_content": False}
        if timeout is not None:
            self._options["_request_timeout"] = timeout
        # Without one, the API server records a write under the client's User-Agent (`OpenAPI-Generator`).
        self._write_options = {"field_manager": field_manager} if field_manager else {}

    def get(self, kind: ObjectKind, namespace: str | None, name: str) -> dict[str, Any] | None:
        from kubernetes.client.exceptions import ApiException

        try:
            if kind.namespaced:
                response = self._custom.get_namespaced_custom_object(
                    kind.group, kind.version, namespace, kind.plural, name, **self._options
                )
            else:
                response = self._custom.get_cluster_custom_object(
                    kind.group, kind.version, kind.plural, name, **self._options
                )
        except ApiException as error:
            if error.status == 404 and names_an_object(error):
                return None
            _raise_refusal(error, "get", kind, namespace)
            raise
        found: dict[str, Any] = json.loads(response.data)
        return found

    def list(self, kind: ObjectKind, namespace: str | None) -> list[dict[str, Any]]:
        from kubernetes.client.exceptions import ApiException

        try:
            if kind.namespaced:
                response = self._custom.list_namespaced_custom_object(
                    kind.group, kind.version, namespace, kind.plural, **self._options
                )
            else:
                response = self._custom.list_cluster_custom_object(
                    kind.group, kind.version, kind.plural, **self._options
                )
        except ApiException as error:
            _raise_refusal(error, "list", kind, namespace)
            raise
        items: list[dict[str, Any]] = json.loads(response.data).get("items", [])
        return items

    def merge_patch(self, kind: ObjectKind, namespace: str, name: str, body: dict[str, Any]) -> None:
        """A JSON merge patch; ConflictError when it names a resourceVersion the object no longer has (409)."""
        from kubernetes.client.exceptions import ApiException

        try:
            self._custom.patch_namespaced_custom_object(
                kind.group,
                kind.version,
                namespace,
                kind.plural,
                name,
                body,
                _content_type="application/merge-patch+json",
                **self._options,
                **self._write_options,
            )
        except ApiException as error:
            if error.status == 409:
                raise ConflictError(str(error)) from error
            _raise_refusal(error, "patch", kind, namespace)
            raise


def _raise_refusal(error: Any, verb: str, kind: ObjectKind, namespace: str | None) -> None:
    """ForbiddenError for a 403, NotServedError for a 404 (callers handle the object's own 404 first)."""
    if error.status == 403:
        raise ForbiddenError(verb, kind.resource, namespace or "(cluster)", status_message(error)) from error
    if error.status == 404:
        raise NotServedError(kind, status_message(error)) from error


def names_an_object(error: Any) -> bool:
    """Whether a 404 is about the object itself, not about a kind the server does not serve."""
    try:
        return bool(json.loads(error.body).get("details", {}).get("name"))
    except (ValueError, TypeError, AttributeError):
        return False


def status_message(error: Any) -> str:
    """The `message` of the API server's Status body, else the body as it came (a RefusedError's detail)."""
    if isinstance(error, RefusedError):
        return error.detail
    body = error.body.decode() if isinstance(error.body, bytes) else str(error.body or "")
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message) if message else body.strip()


class RouteObjectApi(Protocol):
    """The calls the attachment makes to the Kubernetes API; each raises ForbiddenError on HTTP 403."""

    def read_annotations(
        self, namespace: str, name: str, kind: RouteKind = "Ingress"
    ) -> tuple[dict[str, str], str] | None:
        """The object's annotations and resourceVersion, or None if there is no such object."""

    def write_annotation(
        self,
        namespace: str,
        name: str,
        key: str,
        value: str | None,
        resource_version: str,
        kind: RouteKind = "Ingress",
    ) -> None:
        """Set (or with None, remove) one annotation unless the object changed since `resource_version`."""

    def read_kong_plugin(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The stored KongPlugin object, or None if there is none."""

    def read_object(self, namespace: str, name: str, kind: RouteKind = "Ingress") -> dict[str, Any] | None:
        """The route object as the API server returns it (managedFields included), or None if there is none."""


class KubernetesRouteObjectApi:
    """`RouteObjectApi` over `ClusterObjects`, for the cluster of a kubeconfig (the client is loaded when used)."""

    def __init__(self, kubeconfig: str | None = None, context: str | None = None) -> None:
        self._kubeconfig = kubeconfig
        self._context = context

    @cached_property
    def _objects(self) -> ClusterObjects:
        return ClusterObjects(load_kubeconfig(self._kubeconfig, self._context)[0], field_manager=FIELD_MANAGER)

    def read_annotations(
        self, namespace: str, name: str, kind: RouteKind = "Ingress"
    ) -> tuple[dict[str, str], str] | None:
        found = self._read(ROUTE_OBJECTS[kind], namespace, name)
        if found is None:
            return None
        metadata = found.get("metadata", {})
        return dict(metadata.get("annotations") or {}), str(metadata.get("resourceVersion", ""))

    def write_annotation(
        self,
        namespace: str,
        name: str,
        key: str,
        value: str | None,
        resource_version: str,
        kind: RouteKind = "Ingress",
    ) -> None:
        # A merge patch that names resourceVersion is refused with 409 if the object changed;
        # a null value removes the key.
        body = {"metadata": {"resourceVersion": resource_version, "annotations": {key: value}}}
        self._objects.merge_patch(ROUTE_OBJECTS[kind], namespace, name, body)

    def read_kong_plugin(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self._read(KONG_PLUGIN, namespace, name)

    def read_object(self, namespace: str, name: str, kind: RouteKind = "Ingress") -> dict[str, Any] | None:
        return self._read(ROUTE_OBJECTS[kind], namespace, name)

    def _read(self, kind: ObjectKind, namespace: str, name: str) -> dict[str, Any] | None:
        """The object, or None when it is not there, also because the cluster does not serve its kind."""
        try:
            return self._objects.get(kind, namespace, name)
        except NotServedError:
            return None
