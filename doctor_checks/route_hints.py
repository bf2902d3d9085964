"""What the route checks tell a user to change: the `pulumi config set` of a route's field, and similar names."""

from __future__ import annotations

import difflib

from components.settings_model import Route


def set_command(index: int | None, field_name: str, single_key: str, stack: str) -> str:
    """The `pulumi config set` that changes a route's `field_name`: routes[index] if `routes` is set, else the key."""
    key = f"--path 'routes[{index}].{field_name}'" if index is not None else single_key
    return f"`pulumi config set {key} <{field_name}> --stack {stack}`"


def similar_names(route: Route, names: list[str], kinds: str) -> str:
    """A hint after "not found": the close names among `names`, or what the namespace has."""
    if not names:
        return f" Namespace {route.namespace} has no {kinds}."
    close = difflib.get_close_matches(route.ingress, names, n=3)
    if close:
        return f" Did you mean {', '.join(close)}?"
    return f" {kinds} there: {', '.join(names[:10])}."
