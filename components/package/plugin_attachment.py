"""The package's own custom resource that lists a KongPlugin in a route object's `konghq.com/plugins` annotation.

The stack does this with a dynamic resource (components/ingress_plugin_attachment.py), whose provider
the engine runs in `pulumi-resource-pulumi-python`, in the consumer's directory and Python, unpickling
the provider class by reference to its module (pulumi/pulumi#5455): from a package, that module is
not there (a YAML program has no Python at all). This resource is served by the package's own plugin,
the process that constructs the component (plugin.py), in the package's virtualenv. Both call the
same code, components/kubernetes/plugin_annotation.py: attach after the KongPlugin exists and kept its
configPatches, detach only what this resource added, every other entry kept.

With `annotationOwner: git`, Git lists the plugin and the resource leaves the object alone, as the
stack's attachment does: a change of owner is an update in place (to git, the entry stays and is
Git's; to stack, it is listed if missing), never a replacement that would first take the entry off.

Which cluster: `kubeconfig` (a document or a path) and `context`, else KUBECONFIG or ~/.kube/config of
the plugin's environment (the `pulumi` command's), as kubeconfig.py resolves them.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi.provider.experimental import provider as full
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import UNKNOWN

from components.kubernetes.field_owners import attach_and_warn
from components.kubernetes.kubeconfig import KubeconfigError
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION, detach_plugin, is_attached
from components.kubernetes.route_objects import (
    ConflictError,
    KongPluginNotFoundError,
    KubernetesRouteObjectApi,
    PluginCannotWorkError,
    RefusedError,
    RouteObjectNotFoundError,
)
from components.naming import PROJECT
from components.vocabulary import ANNOTATION_OWNERS, ROUTE_KINDS, AnnotationOwner, RouteKind

TYPE = f"{PROJECT}:index:PluginAttachment"
ADDED = "addedByComponent"
IDENTITY = ("namespace", "name", "plugin", "kind")
"""A change of any of these lists another plugin, or on another object: the attachment is replaced (first deleted)."""
ERRORS = (
    RouteObjectNotFoundError,
    KongPluginNotFoundError,
    PluginCannotWorkError,
    ConflictError,
    RefusedError,
    KubeconfigError,
)
"""What the cluster's answers raise, each with a message that says what to do: shown without a traceback."""

_STRING = {"type": "string"}
_INPUTS: dict[str, Any] = {
    "namespace": {**_STRING, "description": "The route object's namespace, where the KongPlugin is too."},
    "name": {**_STRING, "description": "The route object's name."},
    "kind": {
        **_STRING,
        "description": f"The route object's kind: {' or '.join(ROUTE_KINDS)}. Default: {ROUTE_KINDS[0]}.",
    },
    "plugin": {**_STRING, "description": "The KongPlugin's name, as the annotation lists it."},
    "configPatchPaths": {
        "type": "array",
        "items": _STRING,
        "description": "The KongPlugin's configPatches paths: listing it fails if the cluster dropped any.",
    },
    "kubeconfig": {
        **_STRING,
        "secret": True,
        "description": "The cluster: a kubeconfig document or its path. Default: KUBECONFIG or ~/.kube/config.",
    },
    "context": {**_STRING, "description": "The kubeconfig's context. Default: its current context."},
    "annotationOwner": {
        **_STRING,
        "description": f"Who lists the plugin: {' or '.join(ANNOTATION_OWNERS)}. Default: {ANNOTATION_OWNERS[0]}; "
        "with git, the object is left alone.",
    },
}
SCHEMA: dict[str, Any] = {
    "description": f"Lists a KongPlugin in an existing route object's {PLUGINS_ANNOTATION} annotation, keeping every "
    "other entry; deleting it removes only the entry it added. KongCognitoSignIn declares one per route.",
    "inputProperties": _INPUTS,
    "requiredInputs": ["namespace", "name", "plugin"],
    "properties": {
        **_INPUTS,
        ADDED: {
            "type": "boolean",
            "description": "Whether this resource added the entry; if the plugin was listed before, delete leaves it.",
        },
    },
    "required": ["namespace", "name", "plugin", ADDED],
}


class PluginAttachment(pulumi.CustomResource):
    """Registered by the component; the engine sends its create, read, update and delete to the package's plugin."""

    added_by_component: pulumi.Output[bool]

    def __init__(
        self,
        name: str,
        *,
        namespace: pulumi.Input[str],
        object_name: pulumi.Input[str],
        kind: RouteKind,
        plugin: pulumi.Input[str],
        config_patch_paths: Sequence[str],
        annotation_owner: AnnotationOwner,
        kubeconfig: pulumi.Input[str] | None,
        context: str | None,
        version: str,
        opts: pulumi.ResourceOptions,
    ) -> None:
        props = {
            "namespace": namespace,
            "name": object_name,
            "kind": kind,
            "plugin": plugin,
            "configPatchPaths": list(config_patch_paths),
            "kubeconfig": None if kubeconfig is None else pulumi.Output.secret(kubeconfig),
            "context": context,
            # Only when not the default, as the stack's attachment records it.
            "annotationOwner": None if annotation_owner == ANNOTATION_OWNERS[0] else annotation_owner,
            ADDED: None,
        }
        # The package's version: the engine then sends the CRUD to the provider the component came from.
        own = pulumi.ResourceOptions(version=version, additional_secret_outputs=["kubeconfig"])
        super().__init__(TYPE, name, props, pulumi.ResourceOptions.merge(opts, own))


def _text(properties: Mapping[str, PropertyValue], key: str) -> str | None:
    value = properties.get(key)
    return value.value if value is not None and isinstance(value.value, str) else None


def _kind(properties: Mapping[str, PropertyValue]) -> RouteKind:
    kind = _text(properties, "kind")
    return next((known for known in ROUTE_KINDS if known == kind), ROUTE_KINDS[0])


def _owner(properties: Mapping[str, PropertyValue]) -> AnnotationOwner:
    owner = _text(properties, "annotationOwner")
    return next((known for known in ANNOTATION_OWNERS if known == owner), ANNOTATION_OWNERS[0])


def _api(properties: Mapping[str, PropertyValue]) -> KubernetesRouteObjectApi:
    return KubernetesRouteObjectApi(_text(properties, "kubeconfig"), _text(properties, "context"))


def _where(properties: Mapping[str, PropertyValue]) -> tuple[str, str, str]:
    namespace, name, plugin = (_text(properties, key) for key in ("namespace", "name", "plugin"))
    assert namespace and name and plugin, "required inputs, known outside a preview"
    return namespace, name, plugin


class PluginAttachmentProvider:
    """The resource's check, create, read, update and delete, for the package's provider (plugin.py)."""

    async def check(self, request: full.CheckRequest) -> full.CheckResponse:
        # The component passes only known values; a program declaring the resource itself may not.
        failures = [
            full.CheckFailure(key, f"expected {' or '.join(allowed)}, not {value!r}")
            for key, allowed in (("kind", ROUTE_KINDS), ("annotationOwner", ANNOTATION_OWNERS))
            if (value := _text(request.new_inputs, key)) not in (None, UNKNOWN, *allowed)
        ]
        return full.CheckResponse(inputs=request.new_inputs, failures=failures)

    async def diff(self, request: full.DiffRequest) -> full.DiffResponse:
        olds, news = request.old_state, request.new_inputs

        def changed(key: str) -> bool:
            if key == "kind":
                return _kind(olds) != _kind(news)
            return olds.get(key) != news.get(key)

        replaces = [key for key in IDENTITY if changed(key)]
        updates = [key for key in ("configPatchPaths", "kubeconfig", "context") if changed(key)]
        if _owner(olds) != _owner(news):
            updates.append("annotationOwner")
        # First the old entry goes, then the new one is added: added first, our name would be listed already.
        return full.DiffResponse(
            changes=bool(replaces or updates), replaces=replaces, diffs=replaces + updates, delete_before_replace=True
        )

    async def create(self, request: full.CreateRequest) -> full.CreateResponse:
        properties = dict(request.properties)
        if request.preview:
            # Unknown until created. (The pinned SDK cannot send PropertyValue.computed(): the wire's unknown instead.)
            return full.CreateResponse(resource_id="", properties={**properties, ADDED: PropertyValue(UNKNOWN)})
        namespace, name, plugin = _where(properties)
        added = await _attach(properties) if _owner(properties) == "stack" else False
        resource_id = f"{_kind(properties)}/{namespace}/{name}/{plugin}"
        return full.CreateResponse(resource_id=resource_id, properties={**properties, ADDED: PropertyValue(added)})

    async def update(self, request: full.UpdateRequest) -> full.UpdateResponse:
        olds, news = request.olds, request.news
        added = olds.get(ADDED, PropertyValue(False))
        if _owner(news) == "git":
            added = PropertyValue(False)  # listed or not, the entry is Git's now: destroy leaves it
        elif _owner(olds) == "git":
            # Back to the stack: listed again if Git dropped it (known only once done).
            added = PropertyValue(UNKNOWN) if request.preview else PropertyValue(await _attach(news))
        # Otherwise only how the cluster is reached, or the paths checked before listing, changed: nothing to do.
        return full.UpdateResponse(properties={**news, ADDED: added})

    async def read(self, request: full.ReadRequest) -> full.ReadResponse:
        properties = request.properties
        if _owner(properties) == "git":
            # The object is Git's to list the plugin on.
            return full.ReadResponse(resource_id=request.resource_id, properties=properties, inputs=request.inputs)
        namespace, name, plugin = _where(properties)
        attached = await asyncio.to_thread(is_attached, _api(properties), namespace, name, plugin, _kind(properties))
        # No id: gone, so the next `up` lists the plugin again.
        return full.ReadResponse(
            resource_id=request.resource_id if attached else None, properties=properties, inputs=request.inputs
        )

    async def delete(self, request: full.DeleteRequest) -> None:
        properties = request.properties
        added = properties.get(ADDED)
        if added is not None and added.value is True:
            namespace, name, plugin = _where(properties)
            await asyncio.to_thread(detach_plugin, _api(properties), namespace, name, plugin, _kind(properties))


async def _attach(properties: Mapping[str, PropertyValue]) -> bool:
    """List the plugin (after checking the KongPlugin kept its configPatches); True if this call added it. When
    another tool will take it off, says so on stderr, which the engine prints in the update's output."""
    namespace, name, plugin = _where(properties)
    listed = properties["configPatchPaths"].value
    paths = [str(item.value) for item in listed] if isinstance(listed, (list, tuple)) else []
    added, warning = await asyncio.to_thread(
        attach_and_warn, _api(properties), namespace, name, plugin, paths, _kind(properties)
    )
    if warning:
        print(f"warning: {warning}", file=sys.stderr, flush=True)
    return added
