"""Adds the plugin's name to an existing route object's (Ingress's or HTTPRoute's) `konghq.com/plugins` list, and
removes it again.

Why not `kubernetes.networking.v1.IngressPatch`: server-side apply owns a whole
annotation value, so a patch either conflicts with whoever set the list before
us or, forced, takes the value over, and its destroy then deletes every
plugin listed, not only ours. This resource edits the list instead: `up`
appends our name and keeps the others; `destroy` removes only our name, and
only if this stack added it.

It is a Pulumi dynamic resource. The provider is stored in the state by
reference to this module (`components.ingress_plugin_attachment`), so this
module must keep its path and its provider class, and must not declare resources
at import; the logic lives in components/kubernetes/. It talks to the cluster with
the official Kubernetes client, using the same kubeconfig as the Kubernetes
provider: `kubernetes:kubeconfig` and `kubernetes:context` from the stack config,
else `KUBECONFIG` or `~/.kube/config` (components/kubernetes/kubeconfig.py). The
names it stores (`ingress_name`, `kind`, ...) are those of stacks deployed since
only Ingresses existed, and stay.

The object is a `networking.k8s.io/v1` Ingress, or, with `kind="HTTPRoute"`, a
`gateway.networking.k8s.io/v1` HTTPRoute: the Kong Ingress Controller (>= 3.0 for v1
HTTPRoutes) reads the same annotation there, naming KongPlugins of the route's namespace.
Only an HTTPRoute attachment stores `kind` in its inputs, so the state of Ingress attachments
recorded before kinds existed stays exactly as it was, and a missing `kind` means Ingress.

Before listing the plugin, it reads the KongPlugin back: a Kong Ingress
Controller older than 3.1 has a CRD without `configPatches`, and Kubernetes
prunes that field instead of refusing it, leaving a plugin without its secrets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from components import naming
from components.kubernetes.plugin_annotation import attach_plugin, detach_plugin, is_attached
from components.kubernetes.route_objects import KubernetesRouteObjectApi, RouteObjectApi
from components.vocabulary import RouteKind

# Changing any of these replaces the attachment. `config_patch_paths` is left out on
# purpose: it only feeds the check before attaching, and stacks created before it existed
# must not see a replacement.
_INPUTS = ("namespace", "ingress_name", "plugin_name")
_DEFAULT_KIND: RouteKind = "Ingress"


def _kind(props: dict[str, Any]) -> RouteKind:
    """The kind in inputs or outputs; absent in every Ingress attachment's."""
    kind: RouteKind = props.get("kind") or _DEFAULT_KIND
    return kind


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

    def api(self) -> RouteObjectApi:
        return KubernetesRouteObjectApi(self._kubeconfig, self._context)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        kind = _kind(props)
        added = attach_plugin(
            self.api(),
            props["namespace"],
            props["ingress_name"],
            props["plugin_name"],
            # Absent only in inputs recorded before this check existed.
            config_patch_paths=props.get("config_patch_paths") or (),
            kind=kind,
        )
        names = f"{props['namespace']}/{props['ingress_name']}/{props['plugin_name']}"
        kind_outs = {} if kind == _DEFAULT_KIND else {"kind": kind}
        return pulumi.dynamic.CreateResult(
            id_=names if kind == _DEFAULT_KIND else f"{kind}/{names}",
            outs={**{key: props[key] for key in _INPUTS}, **kind_outs, "added_by_stack": added},
        )

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        replaces = [key for key in _INPUTS if olds.get(key) != news.get(key)]
        if _kind(olds) != _kind(news):
            replaces.append("kind")
        return pulumi.dynamic.DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=True)

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        attached = is_attached(
            self.api(), props["namespace"], props["ingress_name"], props["plugin_name"], _kind(props)
        )
        # An empty id tells Pulumi the attachment is gone, so the next `up` adds it again.
        return pulumi.dynamic.ReadResult(id_=id_ if attached else None, outs=props)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        # A name that was listed before this stack came is left for whoever listed it.
        if props.get("added_by_stack"):
            detach_plugin(self.api(), props["namespace"], props["ingress_name"], props["plugin_name"], _kind(props))


class _IngressPluginAnnotation(pulumi.dynamic.Resource, module=naming.ANNOTATION_MODULE, name=naming.ANNOTATION_NAME):
    added_by_stack: pulumi.Output[bool]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions) -> None:
        super().__init__(IngressPluginAttachmentProvider(), name, {**props, "added_by_stack": None}, opts)


@dataclass(frozen=True)
class IngressPluginAttachmentArgs:
    namespace: str
    object_name: str
    """The route object's name (stored as `ingress_name`, whatever the kind)."""
    plugin_name: pulumi.Input[str]
    plugin: pulumi.Resource
    """The KongPlugin: attached after it exists, detached before it is deleted."""
    config_patch_paths: Sequence[str]
    """The plugin's configPatches paths (e.g. "/client_secret"); attaching fails if the cluster dropped any."""
    kind: RouteKind = "Ingress"
    """What `object_name` names: an Ingress, or a gateway.networking.k8s.io/v1 HTTPRoute."""


class IngressPluginAttachment(pulumi.ComponentResource):
    """Lists a KongPlugin in an existing Ingress's (or HTTPRoute's) `konghq.com/plugins` annotation."""

    added_by_stack: pulumi.Output[bool]

    def __init__(
        self, name: str, args: IngressPluginAttachmentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(naming.INGRESS_PLUGIN_ATTACHMENT_TYPE, name, None, opts)
        props: dict[str, Any] = {
            "namespace": args.namespace,
            "ingress_name": args.object_name,
            "plugin_name": args.plugin_name,
            "config_patch_paths": list(args.config_patch_paths),
        }
        if args.kind != _DEFAULT_KIND:
            # Only then: an Ingress attachment's inputs stay those its stack recorded.
            props["kind"] = args.kind
        annotation = _IngressPluginAnnotation(
            naming.child(name, "annotation"),
            props,
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
