"""The stack outputs that describe its settings: an entry per route, machine client and identity provider.

A route entry gains a field only when the route's setting differs from the default, and __main__.py
exports the other two only when their setting is used, so existing stacks' outputs stay as they were.
"""

from __future__ import annotations

from collections.abc import Sequence

from components import urls
from components.cognito.api_clients import ApiClients
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION
from components.settings.model import IdentityProvider, Route, Sessions


def route_entry(route: Route, api_identifier: str | None) -> dict[str, object]:
    """One entry of the `routes` output."""
    entry: dict[str, object] = {
        "ingress": route.object_name,
        "namespace": route.namespace,
        "url": route.url,
        "plugin": route.plugin,
        "signOutUrl": route.sign_out_url,
        "signedOutUrl": route.signed_out_url,
    }
    if route.sign_in_with:
        entry["signInWith"] = route.sign_in_with
    if route.mode != "browser":
        entry["mode"] = route.mode
    if route.kind != "Ingress":
        entry["kind"] = route.kind
    if route.required_scopes:
        assert api_identifier is not None, "routes with scopes need apiClients (checked with the settings)"
        entry["scopes"] = [urls.full_scope(api_identifier, scope) for scope in route.required_scopes]
    if route.annotation_owner != "stack":
        entry["annotationOwner"] = route.annotation_owner
        # What Git must list: the annotation's value if the object lists no other plugin, else appended to it.
        entry["annotation"] = {PLUGINS_ANNOTATION: route.plugin}
    return entry


def sessions_entry(sessions: Sessions) -> dict[str, object]:
    """The `sessions` output (only with Redis), for `make verify --sign-in`: the storage alone, since the
    setting is a secret as a whole once its password is set."""
    return {"storage": sessions.storage}


def api_client_entries(api_clients: ApiClients) -> list[dict[str, object]]:
    """The `apiClients` output: no secrets (those are the secret output `apiClientSecrets`)."""
    return [
        {"name": name, "clientId": client_id, "scopes": api_clients.scopes[name]}
        for name, client_id in api_clients.client_ids.items()
    ]


def identity_provider_entries(providers: Sequence[IdentityProvider]) -> list[dict[str, str]]:
    """The `identityProviders` output."""
    return [{"name": provider.name, "type": provider.type} for provider in providers]
