"""Adds the plugin's name to an existing Ingress's `konghq.com/plugins` list, and removes it again.

Why not `kubernetes.networking.v1.IngressPatch`: server-side apply owns a whole
annotation value, so a patch either conflicts with whoever set the list before
us or, forced, takes the value over, and its destroy then deletes every
plugin listed, not only ours. This resource edits the list instead: `up`
appends our name and keeps the others; `destroy` removes only our name, and
only if this stack added it.

It is a Pulumi dynamic resource. The provider is stored in the state by
reference to this module (`components.ingress_plugin_attachment`), so this
module must keep its path and must not declare resources at import. It talks to
the cluster with the official Kubernetes client, using the same kubeconfig as
the Kubernetes provider: `kubernetes:kubeconfig` and `kubernetes:context` from
the stack config, else `KUBECONFIG` or `~/.kube/config` (components/kubeconfig.py).

Before listing the plugin, it reads the KongPlugin back: a Kong Ingress
Controller older than 3.1 has a CRD without `configPatches`, and Kubernetes
prunes that field instead of refusing it, leaving a plugin without its secrets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import pulumi
import pulumi.dynamic

from components import naming
from components.kubeconfig import load as load_kubeconfig
from components.plugin_annotation import PLUGINS_ANNOTATION, plugin_names, with_plugin, without_plugin

_MAX_ATTEMPTS = 5
# Changing any of these replaces the attachment. `config_patch_paths` is left out on
# purpose: it only feeds the check before attaching, and stacks created before it existed
# must not see a replacement.
_INPUTS = ("namespace", "ingress_name", "plugin_name")

INGRESSES = "ingresses.networking.k8s.io"
KONG_PLUGINS = "kongplugins.configuration.konghq.com"
KONG_GROUP, KONG_VERSION, KONG_PLURAL = "configuration.konghq.com", "v1", "kongplugins"
# How to bring a cluster's Kong CRDs to KIC >= 3.1 (`helm upgrade` leaves CRDs alone).
KIC_CRD_UPGRADE = (
    "kubectl kustomize 'https://github.com/kong/kubernetes-ingress-controller/config/crd?ref=v3.5' "
    "| kubectl apply -f -, then helm upgrade the controller (helm upgrade does not upgrade CRDs)"
)


class IngressNotFoundError(Exception):
    pass


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

    def read_annotations(self, namespace: str, name: str) -> tuple[dict[str, str], str] | None:
        """The Ingress's annotations and resourceVersion, or None if there is no such Ingress."""

    def write_annotation(self, namespace: str, name: str, key: str, value: str | None, resource_version: str) -> None:
        """Set (or with None, remove) one annotation unless the Ingress changed since `resource_version`."""

    def read_kong_plugin(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The stored KongPlugin object, or None if there is none."""


def check_plugin_works(api: IngressApi, namespace: str, plugin: str, config_patch_paths: Sequence[str]) -> None:
    """Fail unless the KongPlugin exists and kept every configPatches path the stack declared."""
    stored = api.read_kong_plugin(namespace, plugin)
    if stored is None:
        raise KongPluginNotFoundError(
            f"KongPlugin {namespace}/{plugin} not found, so the Ingress was not changed. The stack creates it before "
            "attaching it: if it was deleted by hand, run `pulumi refresh` and `pulumi up` again; if Kong's CRDs "
            "are not installed on this cluster, install the Kong Ingress Controller (>= 3.1) first."
        )
    kept = {patch.get("path") for patch in stored.get("configPatches") or [] if isinstance(patch, dict)}
    missing = [path for path in config_patch_paths if path not in kept]
    if missing:
        raise PluginCannotWorkError(
            f"KongPlugin {namespace}/{plugin} was stored without the configPatches {', '.join(missing)}, so the "
            "Ingress was not changed. The cluster's KongPlugin CRD predates Kong Ingress Controller 3.1 and prunes "
            "`configPatches`: the plugin would have no client_secret/session_secret and every sign-in would fail "
            "at the token exchange. Upgrade the Kong Ingress Controller and its CRDs to 3.1 or later: "
            f"{KIC_CRD_UPGRADE}; then run `pulumi up` again."
        )


def attach_plugin(
    api: IngressApi, namespace: str, ingress: str, plugin: str, *, config_patch_paths: Sequence[str]
) -> bool:
    """Append `plugin` to the Ingress's plugin list; True if this call added it.

    First checks that the KongPlugin exists and kept `config_patch_paths`.
    """
    check_plugin_works(api, namespace, plugin, config_patch_paths)
    for _ in range(_MAX_ATTEMPTS):
        found = api.read_annotations(namespace, ingress)
        if found is None:
            raise IngressNotFoundError(
                f"Ingress {namespace}/{ingress} not found. This stack protects an existing Ingress: "
                "create it first, or name one that exists (ingressName and ingressNamespace, or the route's ingress "
                "and namespace in routes); `make doctor` checks them before `make up`."
            )
        annotations, resource_version = found
        current = annotations.get(PLUGINS_ANNOTATION)
        if plugin in plugin_names(current):
            return False
        try:
            api.write_annotation(namespace, ingress, PLUGINS_ANNOTATION, with_plugin(current, plugin), resource_version)
        except ConflictError:
            continue
        return True
    raise ConflictError(f"Ingress {namespace}/{ingress} kept changing; gave up after {_MAX_ATTEMPTS} attempts")


def detach_plugin(api: IngressApi, namespace: str, ingress: str, plugin: str) -> None:
    """Remove `plugin` from the Ingress's plugin list, leaving every other entry as it is."""
    for _ in range(_MAX_ATTEMPTS):
        found = api.read_annotations(namespace, ingress)
        if found is None:
            return  # nothing left to clean up
        annotations, resource_version = found
        current = annotations.get(PLUGINS_ANNOTATION)
        if plugin not in plugin_names(current):
            return
        try:
            api.write_annotation(
                namespace, ingress, PLUGINS_ANNOTATION, without_plugin(current, plugin), resource_version
            )
        except ConflictError:
            continue
        return
    raise ConflictError(f"Ingress {namespace}/{ingress} kept changing; gave up after {_MAX_ATTEMPTS} attempts")


def is_attached(api: IngressApi, namespace: str, ingress: str, plugin: str) -> bool:
    found = api.read_annotations(namespace, ingress)
    return found is not None and plugin in plugin_names(found[0].get(PLUGINS_ANNOTATION))


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

    def read_annotations(self, namespace: str, name: str) -> tuple[dict[str, str], str] | None:
        from kubernetes.client.exceptions import ApiException

        try:
            ingress = self._networking.read_namespaced_ingress(name, namespace)
        except ApiException as error:
            _raise_if_forbidden(error, "get", INGRESSES, namespace)
            if error.status == 404:
                return None
            raise
        return dict(ingress.metadata.annotations or {}), ingress.metadata.resource_version

    def write_annotation(self, namespace: str, name: str, key: str, value: str | None, resource_version: str) -> None:
        from kubernetes.client.exceptions import ApiException

        # A merge patch that names resourceVersion is refused with 409 if the Ingress changed;
        # a null value removes the key.
        body = {"metadata": {"resourceVersion": resource_version, "annotations": {key: value}}}
        try:
            self._networking.patch_namespaced_ingress(
                name, namespace, body, _content_type="application/merge-patch+json"
            )
        except ApiException as error:
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


class IngressPluginAttachmentProvider(pulumi.dynamic.ResourceProvider):
    """CRUD for the attachment; state holds only names, never a secret."""

    # The provider captures no secrets, so its serialized form need not be one.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._kubeconfig: str | None = None
        self._context: str | None = None

    def configure(self, req: pulumi.dynamic.ConfigureRequest) -> None:
        self._kubeconfig = req.config.get("kubernetes:kubeconfig")
        self._context = req.config.get("kubernetes:context")

    def api(self) -> IngressApi:
        return KubernetesIngressApi(self._kubeconfig, self._context)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        added = attach_plugin(
            self.api(),
            props["namespace"],
            props["ingress_name"],
            props["plugin_name"],
            # Absent only in inputs recorded before this check existed.
            config_patch_paths=props.get("config_patch_paths") or (),
        )
        return pulumi.dynamic.CreateResult(
            id_=f"{props['namespace']}/{props['ingress_name']}/{props['plugin_name']}",
            outs={**{key: props[key] for key in _INPUTS}, "added_by_stack": added},
        )

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        replaces = [key for key in _INPUTS if olds.get(key) != news.get(key)]
        return pulumi.dynamic.DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=True)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        attached = is_attached(self.api(), props["namespace"], props["ingress_name"], props["plugin_name"])
        # An empty id tells Pulumi the attachment is gone, so the next `up` adds it again.
        return pulumi.dynamic.ReadResult(id_=id_ if attached else None, outs=props)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        # A name that was listed before this stack came is left for whoever listed it.
        if props.get("added_by_stack"):
            detach_plugin(self.api(), props["namespace"], props["ingress_name"], props["plugin_name"])


class _IngressPluginAnnotation(pulumi.dynamic.Resource, module=naming.ANNOTATION_MODULE, name=naming.ANNOTATION_NAME):
    added_by_stack: pulumi.Output[bool]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions) -> None:
        super().__init__(IngressPluginAttachmentProvider(), name, {**props, "added_by_stack": None}, opts)


@dataclass(frozen=True)
class IngressPluginAttachmentArgs:
    namespace: str
    ingress_name: str
    plugin_name: pulumi.Input[str]
    plugin: pulumi.Resource
    """The KongPlugin: attached after it exists, detached before it is deleted."""
    config_patch_paths: Sequence[str]
    """The plugin's configPatches paths (e.g. "/client_secret"); attaching fails if the cluster dropped any."""


class IngressPluginAttachment(pulumi.ComponentResource):
    """Lists a KongPlugin in an existing Ingress's `konghq.com/plugins` annotation."""

    added_by_stack: pulumi.Output[bool]

    def __init__(
        self, name: str, args: IngressPluginAttachmentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(naming.INGRESS_PLUGIN_ATTACHMENT_TYPE, name, None, opts)
        annotation = _IngressPluginAnnotation(
            naming.child(name, "annotation"),
            {
                "namespace": args.namespace,
                "ingress_name": args.ingress_name,
                "plugin_name": args.plugin_name,
                "config_patch_paths": list(args.config_patch_paths),
            },
            pulumi.ResourceOptions(
                parent=self,
                # Explicit: a plain-string plugin_name carries no dependency of its own.
                depends_on=[args.plugin],
                # Created first, the replacement would find our name listed already and
                # not own it; deleting the old one would then unlist the plugin.
                delete_before_replace=True,
            ),
        )
        self.added_by_stack = annotation.added_by_stack
        self.register_outputs({"addedByStack": self.added_by_stack})
