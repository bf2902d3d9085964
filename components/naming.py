"""Every string that ends up in a resource name, a Kubernetes object name or a URN.

Changing anything here changes users' URNs: Pulumi would replace what the stack declared
(a new user pool means every account is gone) or lose track of it. Add a name, never edit
one; where one must change, give the resource `aliases` with the old one.
tests/unit/test_naming.py pins each value literally.
"""

from __future__ import annotations

import re

from components.settings.field_rules import DOMAIN_PREFIX_FORBIDDEN_WORDS, domain_prefix_problem
from components.vocabulary import RouteKind

PROJECT = "kong-cognito-oidc"
"""Pulumi.yaml's `name`: the namespace of the settings, and the package of the component types."""

# Component types, part of the URN of every resource below them.
COGNITO_SIGN_IN_TYPE = f"{PROJECT}:index:CognitoSignIn"
KONG_OIDC_PLUGIN_TYPE = f"{PROJECT}:index:KongOidcPlugin"  # singular, though it holds a plugin per route
INGRESS_PLUGIN_ATTACHMENT_TYPE = f"{PROJECT}:index:IngressPluginAttachment"
API_CLIENTS_TYPE = f"{PROJECT}:index:ApiClients"
FEDERATED_GROUPS_TYPE = f"{PROJECT}:index:FederatedGroups"
SIGN_IN_DOMAIN_TYPE = f"{PROJECT}:index:SignInDomain"
# The dynamic resource's type is pulumi-python:dynamic/<module>:<name>.
ANNOTATION_MODULE, ANNOTATION_NAME = "kong", "IngressPluginAnnotation"

# The components `__main__.py` declares; their children's names start with these.
COGNITO = "cognito"
KONG_OIDC = "kong-oidc"
INGRESS = "ingress"
"""The attachment of the original route; other routes' are `ingress-<namespace>.<name>`, and other kinds'
`ingress-<kind>.<namespace>.<name>` (route_resource)."""
API_CLIENTS = "api-clients"
"""Declared only with `apiClients`: the resource server and a client per machine client."""
SIGN_IN_DOMAIN = "sign-in-domain"
"""The part of CognitoSignIn's child that holds the own sign-in domain (`cognito-sign-in-domain`), only with
`signInDomain`; the prefix domain stays `cognito-domain`."""
BRANDING = "branding"
"""The part of the browser client's managed login style (`cognito-branding`), only with `managedLogin: managed`."""
RESOURCE_SERVER_NAME = PROJECT
"""The Cognito resource server's name (replacing it would re-create the resource server)."""

# The head of derived hosted-UI domain prefixes (a DNS name, not the KongOidcPlugin component's name).
_DERIVED_DOMAIN_PREFIX_HEAD = "kong-oidc"


def child(component: str, part: str) -> str:
    """A component's child resource: `<component>-<part>`, e.g. `cognito-users`."""
    return f"{component}-{part}"


def user_group(component: str, group: str) -> str:
    return child(component, f"group-{group}")


def api_client(component: str, client_name: str) -> str:
    """A machine client's app client: named after its `apiClients` entry, so reordering renames nothing."""
    return child(component, f"client-{client_name}")


def identity_provider(component: str, provider: str) -> str:
    """A company identity provider of the pool, e.g. `cognito-idp-Okta` (Cognito's provider names are unique)."""
    return child(component, f"idp-{provider}")


def namespace_secret(component: str, namespace: str, original_namespace: str) -> str:
    """The Secret of a namespace's plugins; the original namespace's keeps the name it had before `routes`."""
    suffix = "" if namespace == original_namespace else f"-{namespace}"
    return child(component, f"secrets{suffix}")


def object_name(pulumi_name: str) -> str:
    """A Kubernetes object name (lower case, digits, '-' and '.') for what a Pulumi name says: `signIn-x` -> `signin-x`.

    The package's Secrets are named so: its Pulumi names start with its consumer's component name, which may hold
    capitals, and the Kubernetes provider would name an object after them as they are, which the API server refuses.
    """
    name = re.sub(r"[^a-z0-9.-]+", "-", pulumi_name.lower()).strip("-.")
    return name[:253].rstrip("-.") or "kong-cognito-oidc"


def route_resource(base: str, namespace: str, name: str, original: bool, kind: RouteKind = "Ingress") -> str:
    """A route's resource: `base` for the original route, else `base-<namespace>.<name>`.

    Names follow the route object, not the list position, so adding or removing a route renames nothing.
    The '.' cannot occur in a namespace, so no two Ingresses share a name. Another kind's is
    `base-<kind>.<namespace>.<name>` (`base-HTTPRoute.shop.web`): no namespace is spelled like a kind
    (namespaces are lower case), so it never meets an Ingress's of the same namespace and name; Ingresses
    keep the names they had before kinds existed. Only the attachment's name takes the kind: a route's
    KongPlugin is the same object whichever kind lists it.
    """
    if kind != "Ingress":
        return f"{base}-{kind}.{namespace}.{name}"
    return base if original else f"{base}-{namespace}.{name}"


def default_plugin(plugin_name: str, name: str, original: bool) -> str:
    """The KongPlugin's object name when a route names none: `pluginName`, or `<pluginName>-<name>` (the route
    object's name; the setting's `ingress` field)."""
    return plugin_name if original else f"{plugin_name}-{name}"


def stack_owner(project: str, stack: str) -> str:
    """What the owner annotation of each KongPlugin says: `<project>/<stack>`."""
    return f"{project}/{stack}"


def derived_domain_prefix(stack_name: str, suffix: str) -> str:
    """A Cognito domain prefix for a stack: 'kong-oidc-<stack>-<suffix>'.

    The suffix is hex (it cannot spell a forbidden word); the stack part is reduced to
    Cognito's alphabet, cleared of forbidden words and shortened so the whole fits.
    """
    stack_part = re.sub(r"[^a-z0-9]+", "-", stack_name.lower())
    while any(word in stack_part for word in DOMAIN_PREFIX_FORBIDDEN_WORDS):
        for word in DOMAIN_PREFIX_FORBIDDEN_WORDS:
            stack_part = stack_part.replace(word, "-")
    room = 63 - len(_DERIVED_DOMAIN_PREFIX_HEAD) - len(suffix) - 2
    stack_part = re.sub(r"-+", "-", stack_part)[:room].strip("-")
    prefix = "-".join(part for part in (_DERIVED_DOMAIN_PREFIX_HEAD, stack_part, suffix) if part)
    problem = domain_prefix_problem(prefix)
    if problem is not None:
        raise ValueError(problem)  # cannot happen: the parts above are cleared of what Cognito refuses
    return prefix
