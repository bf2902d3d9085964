"""Editing the Ingress annotation that lists Kong plugins (pure functions).

Kong reads `konghq.com/plugins` as a comma-separated list of KongPlugin names,
trimming spaces around each. Other teams' entries and their spacing are kept
exactly, so that removing our name restores the value as it was found.
"""

from __future__ import annotations

PLUGINS_ANNOTATION = "konghq.com/plugins"


def plugin_names(value: str | None) -> list[str]:
    """The plugin names an annotation value lists, as Kong reads them."""
    if value is None:
        return []
    return [name.strip() for name in value.split(",") if name.strip()]


def with_plugin(value: str | None, plugin: str) -> str:
    """The annotation value with `plugin` appended, unless it is listed already."""
    if plugin in plugin_names(value):
        assert value is not None
        return value
    if value is None or not value.strip():
        return plugin
    return f"{value.rstrip().rstrip(',')},{plugin}"


def without_plugin(value: str | None, plugin: str) -> str | None:
    """The annotation value with every `plugin` entry removed; None when nothing is left."""
    if value is None:
        return None
    kept = [entry for entry in value.split(",") if entry.strip() != plugin]
    remaining = ",".join(kept).strip()
    return remaining if plugin_names(remaining) else None
