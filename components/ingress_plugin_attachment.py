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

Every write names the field manager `kong-cognito-oidc` (route_objects.FIELD_MANAGER); before
writing, it reads who else sets the annotation (field_owners.py) and, when a GitOps tool's next
sync would put back a list without our plugin, says so on stderr, which Pulumi prints in the
update's output (a dynamic provider has no other channel to the user). Stacks recorded before the
field manager existed run this same code on refresh and destroy: the provider is pickled by
reference, and its instances hold only `_kubeconfig` and `_context`, so everything new here is
module-level or a method, never an attribute set in `__init__`.

With `annotation_owner: git` (stored only then, like `kind`), Git lists the plugin and the stack
never touches the object: create and refresh do nothing, and destroy leaves the entry. A change of
owner is an update in place, never a replacement: from stack to git the entry stays listed and
becomes Git's (a replacement would first remove it, leaving the route open until Git's next
sync); from git to stack it is listed again if it is missing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from components import naming
from components.kubernetes.field_owners import attach_and_warn
from components.kubernetes.plugin_annotation import detach_plugin, is_attached
from components.kubernetes.route_objects import KubernetesRouteObjectApi, RouteObjectApi
from components.vocabulary import AnnotationOwner, RouteKind

# Changing any of these replaces the attachment. `config_patch_paths` is left out on
# purpose: it only feeds the check before attaching, and stacks created before it existed
# must not see a replacement.
_INPUTS = ("namespace", "ingress_name", "plugin_name")
_DEFAULT_KIND: RouteKind = "Ingress"
_DEFAULT_OWNER: AnnotationOwner = "stack"


def _kind(props: dict[str, Any]) -> RouteKind:
    """The kind in inputs or outputs; absent in every Ingress attachment's."""
    kind: RouteKind = props.get("kind") or _DEFAULT_KIND
    return kind


def _owner(props: dict[str, Any]) -> AnnotationOwner:
    """Who lists the plugin; absent in every attachment the stack edits the object for."""
    owner: AnnotationOwner = props.get("annotation_owner") or _DEFAULT_OWNER
    return owner


def _outs(props: dict[str, Any], added: bool) -> dict[str, Any]:
    """The outputs: the inputs that identify the attachment, kind and owner only when not the defaults."""
    kind = {} if _kind(props) == _DEFAULT_KIND else {"kind": _kind(props)}
    owner = {} if _owner(props) == _DEFAULT_OWNER else {"annotation_owner": _owner(props)}
    return {**{key: props[key] for key in _INPUTS}, **kind, **owner, "added_by_stack": added}


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
        # With annotation_owner git, Git lists the plugin: the object is left alone.
        added = self._attach(props) if _owner(props) == _DEFAULT_OWNER else False
        names = f"{props['namespace']}/{props['ingress_name']}/{props['plugin_name']}"
        return pulumi.dynamic.CreateResult(
            id_=names if kind == _DEFAULT_KIND else f"{kind}/{names}", outs=_outs(props, added)
        )

    def _attach(self, props: dict[str, Any]) -> bool:
        """List the plugin (True if this call added it); then say so if another tool will take it off."""
        kind = _kind(props)
        added, warning = attach_and_warn(
            self.api(),
            props["namespace"],
            props["ingress_name"],
            props["plugin_name"],
            # Absent only in inputs recorded before this check existed.
            props.get("config_patch_paths") or (),
            kind,
        )
        if warning:
            print(f"warning: {warning}", file=sys.stderr, flush=True)
        return added

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        replaces = [key for key in _INPUTS if olds.get(key) != news.get(key)]
        if _kind(olds) != _kind(news):
            replaces.append("kind")
        changes = bool(replaces) or _owner(olds) != _owner(news)
        return pulumi.dynamic.DiffResult(changes=changes, replaces=replaces, delete_before_replace=True)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        """Only the owner changes in place: to git, the entry stays listed and is Git's; to stack, it is listed."""
        # To git: Git's from now on, and destroy leaves it.
        added = self._attach(news) if _owner(news) == _DEFAULT_OWNER else False
        return pulumi.dynamic.UpdateResult(outs=_outs(news, added))

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        if _owner(props) != _DEFAULT_OWNER:
            return pulumi.dynamic.ReadResult(id_=id_, outs=props)  # the object is Git's to list the plugin on
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
    namespace: pulumi.Input[str]
    object_name: pulumi.Input[str]
    """The route object's name (stored as `ingress_name`, whatever the kind)."""
    plugin_name: pulumi.Input[str]
    plugin: pulumi.Resource
    """The KongPlugin: attached after it exists, detached before it is deleted."""
    config_patch_paths: Sequence[str]
    """The plugin's configPatches paths (e.g. "/client_secret"); attaching fails if the cluster dropped any."""
    kind: RouteKind = "Ingress"
    """What `object_name` names: an Ingress, or a gateway.networking.k8s.io/v1 HTTPRoute."""
    annotation_owner: AnnotationOwner = "stack"
    """git: Git lists the plugin, and the stack leaves the object alone."""


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
        if args.annotation_owner != _DEFAULT_OWNER:
            props["annotation_owner"] = args.annotation_owner  # likewise
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
