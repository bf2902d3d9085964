"""Cognito sign-in in front of existing Ingresses served by the Kong Ingress Controller.

The same steps as the manual workshop: Cognito, then Kong's OpenID Connect plugin,
then the Ingress (or HTTPRoute) annotation, for every route; `pulumi destroy` undoes them in reverse order.
The stack is one use of the builder (components/builder.py); the package's component is the other.
"""

import pulumi

from components import naming
from components.builder import Placement, declare_sign_in
from components.ingress_plugin_attachment import IngressPluginAttachment, IngressPluginAttachmentArgs
from components.kong.kong_plugin import KongPlugin
from components.settings.pulumi_config import load_settings
from components.settings_view import RouteTarget, SettingsView

# 1. Settings: all checked here, before anything is declared.
settings = load_settings(pulumi.Config(), pulumi.Config("aws"))


# 2. How an existing Ingress or HTTPRoute lists its plugin here: a dynamic resource, run by this program's Python.
# With annotationOwner git, Git lists it and the object is left alone.
def attach(name: str, route: RouteTarget, plugin: KongPlugin, config_patch_paths: list[str]) -> None:
    IngressPluginAttachment(
        name,
        IngressPluginAttachmentArgs(
            namespace=route.namespace,
            object_name=route.object_name,
            kind=route.route.kind,
            plugin_name=route.plugin,
            plugin=plugin,
            config_patch_paths=config_patch_paths,
            annotation_owner=route.route.annotation_owner,
        ),
    )


# 3. Cognito, the machine clients, Kong's plugins and the attachments, at the root of the stack, named as ever.
outputs = declare_sign_in(
    SettingsView(settings),
    Placement(stack_name=pulumi.get_stack(), owner=naming.stack_owner(pulumi.get_project(), pulumi.get_stack())),
    attach,
)

# 4. What to open in a browser, and what to debug with (components/builder.py lists them).
for output_name, value in outputs.items():
    pulumi.export(output_name, value)
