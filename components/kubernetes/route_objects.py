"""The Kubernetes calls the attachment makes: their protocol, the real client and their errors.

The attachment edits a `networking.k8s.io/v1` Ingress or a `gateway.networking.k8s.io/v1`
HTTPRoute (`kind`); the Kong Ingress Controller reads `konghq.com/plugins` on both.
Every call that the API server refuses with 403 raises ForbiddenError, never "not found".
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any, Protocol

from components.kong.crds import (
    GATEWAY_GROUP,
    GATEWAY_VERSION,
    HTTPROUTES,
    INGRESSES,
    KONG_GROUP,
    KONG_PLUGINS,
    KONG_PLURAL,
    KONG_VERSION,
)
from components.kubernetes.kubeconfig import load as load_kubeconfig
from components.vocabulary import RouteKind


class IngressNotFoundError(Exception):
    """The Ingress (or HTTPRoute) to attach to does not exist."""


class KongPluginNotFoundError(Exception):
    pass


class PluginCannotWorkError(Exception):
    """The stored KongPlugin lacks configPatches the stack declared."""


class ConflictError(Exception):
    """The Ingress changed between our read and our write."""


class ForbiddenError(Exception):
    """HTTP 403: the cluster credentials lack a permission. Never a "not found"."""

    def __init__(self, verb: str, resource: str, namespace: str, detail: str = "") -> None:
        self.verb, self.resource, self.namespace = verb, resource, namespace
        said = f" The API server said: {detail}" if detail else ""
        super().__init__(
            f"Forbidden (HTTP 403): the cluster credentials may not {verb} {resource} in namespace {namespace}. "
            f"Grant `{verb}` on {resource} in {namespace} to the role this stack runs with (the RBAC lines in "
            f"docs/github-actions.md) and run again; nothing was changed.{said}"
        )


class IngressApi(Protocol):
    """The calls this resource makes to the Kubernetes API; each raises ForbiddenError on HTTP 403."""

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


class KubernetesIngressApi:
    """`IngressApi` over the official Kubernetes client (imported only when used)."""

    def __init__(self, kubeconfig: str | None = None, context: str | None = None) -> None:
        self._kubeconfig = kubeconfig
        self._context = context

    @cached_property
    def _client(self) -> Any:
        return load_kubeconfig(self._kubeconfig, self._context)[0]

    @cached_property
    def _networking(self) -> Any:
        from kubernetes import client

        return client.NetworkingV1Api(self._client)

    @cached_property
    def _custom(self) -> Any:
        from kubernetes import client

        return client.CustomObjectsApi(self._client)

    def read_annotations(
        self, namespace: str, name: str, kind: RouteKind = "Ingress"
    ) -> tuple[dict[str, str], str] | None:
        from kubernetes.client.exceptions import ApiException

        try:
            if kind == "HTTPRoute":
                route = self._custom.get_namespaced_custom_object(
                    GATEWAY_GROUP, GATEWAY_VERSION, namespace, "httproutes", name
                )
                metadata = route.get("metadata", {})
                return dict(metadata.get("annotations") or {}), str(metadata.get("resourceVersion", ""))
            ingress = self._networking.read_namespaced_ingress(name, namespace)
        except ApiException as error:
            if kind == "HTTPRoute":
                _raise_if_forbidden(error, "get", HTTPROUTES, namespace)
            else:
                _raise_if_forbidden(error, "get", INGRESSES, namespace)
            if error.status == 404:
                return None
            raise
        return dict(ingress.metadata.annotations or {}), ingress.metadata.resource_version

    def write_annotation(
        self,
        namespace: str,
        name: str,
        key: str,
        value: str | None,
        resource_version: str,
        kind: RouteKind = "Ingress",
    ) -> None:
        from kubernetes.client.exceptions import ApiException

        # A merge patch that names resourceVersion is refused with 409 if the object changed;
        # a null value removes the key.
        body = {"metadata": {"resourceVersion": resource_version, "annotations": {key: value}}}
        try:
            if kind == "HTTPRoute":
                self._custom.patch_namespaced_custom_object(
                    GATEWAY_GROUP,
                    GATEWAY_VERSION,
                    namespace,
                    "httproutes",
                    name,
                    body,
                    _content_type="application/merge-patch+json",
                )
            else:
                self._networking.patch_namespaced_ingress(
                    name, namespace, body, _content_type="application/merge-patch+json"
                )
        except ApiException as error:
            if kind == "HTTPRoute":
                _raise_if_forbidden(error, "patch", HTTPROUTES, namespace)
            else:
                _raise_if_forbidden(error, "patch", INGRESSES, namespace)
            if error.status == 409:
                raise ConflictError(str(error)) from error
            raise

    def read_kong_plugin(self, namespace: str, name: str) -> dict[str, Any] | None:
        from kubernetes.client.exceptions import ApiException

        try:
            stored: dict[str, Any] = self._custom.get_namespaced_custom_object(
                KONG_GROUP, KONG_VERSION, namespace, KONG_PLURAL, name
            )
        except ApiException as error:
            _raise_if_forbidden(error, "get", KONG_PLUGINS, namespace)
            if error.status == 404:
                return None
            raise
        return stored


def _raise_if_forbidden(error: Any, verb: str, resource: str, namespace: str) -> None:
    if error.status == 403:
        raise ForbiddenError(verb, resource, namespace, status_message(error)) from error


def status_message(error: Any) -> str:
    """The `message` of the API server's Status body, else the body as it came."""
    body = error.body.decode() if isinstance(error.body, bytes) else str(error.body or "")
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message) if message else body.strip()
