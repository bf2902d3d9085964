"""The validated settings as the builder (builder.py) reads them, and each route as the cluster side declares it.

The stack's settings are all plain values: `SettingsView.value` just reads them. The package's component
may take a route's Ingress name, namespace and host, and an identity provider's client secret, from
other resources' outputs, unknown during a preview: there `settings` holds stand-ins for those values
(for the structure: how many routes, their modes, kinds and scopes), and `value` reads the settings
validated again with the real values, as an Output, once they are known (components/package/inputs.py),
secret when a value it may depend on is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pulumi

from components.settings.model import Route, Settings

T = TypeVar("T")


@dataclass(frozen=True)
class SettingsView:
    """The settings, and how to read what may come from other resources' outputs."""

    settings: Settings
    """Every value; in the package, a value from another resource's output is a stand-in, never declared."""
    resolved: pulumi.Output[Settings] | None = None
    """The package, with route values from outputs: the settings with those values, once known. Not secret:
    what is read from it is, when the values it may depend on are."""
    route_outputs: Mapping[int, Sequence[pulumi.Output[Any]]] = field(default_factory=dict)
    """The package: each route's values from outputs, by the route's position."""
    client_secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """The package: identity providers' client secrets by provider name, as given (secret Outputs)."""
    redis_password: pulumi.Input[str] | None = None
    """The package: the Redis sessions' password as given (a secret Output); else the settings' own."""

    def value(self, read: Callable[[Settings], T]) -> pulumi.Input[T]:
        """What `read` finds in the settings, which may depend on any route: plain, or an Output in the package."""
        return self._read(read, [output for outputs in self.route_outputs.values() for output in outputs])

    def route_value(self, index: int, read: Callable[[Settings], T]) -> pulumi.Input[T]:
        """What `read` finds in the settings, which depends on the route at `index` only (and on keys, not on other
        routes): plain when none of that route's values is an output."""
        if index not in self.route_outputs:
            return read(self.settings)
        return self._read(read, self.route_outputs[index])

    def _read(self, read: Callable[[Settings], T], outputs: Sequence[pulumi.Output[Any]]) -> pulumi.Input[T]:
        if self.resolved is None:
            return read(self.settings)
        # The outputs lend the value their secrecy and dependencies.
        return pulumi.Output.all(self.resolved.apply(read), *outputs).apply(lambda values: values[0])


@dataclass(frozen=True)
class RouteTarget:
    """One route as the cluster side declares it: its Kong plugin, that plugin's Secret, its route object's entry."""

    route: Route
    """Its settings: mode, kind, scopes, path, sign-in provider. Read the values below instead of its object's
    name, namespace, host and URLs, which in the package may be stand-ins."""
    object_name: pulumi.Input[str]
    namespace: pulumi.Input[str]
    plugin: pulumi.Input[str]
    """The KongPlugin's name."""
    url: pulumi.Input[str]
    signed_out_url: pulumi.Input[str]
    key: str | None = None
    """The package: the route's `name`, which names its resources instead of its namespace and object name."""

    def resource_name(self, base: str) -> str:
        """The Pulumi name of the route's attachment (components/naming.py: it follows the kind)."""
        return f"{base}-{self.key}" if self.key else self.route.resource_name(base)

    def plugin_resource_name(self, base: str) -> str:
        """The Pulumi name of the route's KongPlugin."""
        return f"{base}-{self.key}" if self.key else self.route.plugin_resource_name(base)

    @property
    def secret_group(self) -> str:
        """Routes of one group read one Secret: those of a namespace; a keyed route has its own (its namespace
        may be known only later). A namespace has no '.', so `route.<key>` is never one."""
        return self.route.namespace if self.key is None else f"route.{self.key}"


def route_targets(view: SettingsView, keys: Sequence[str | None] = ()) -> list[RouteTarget]:
    """Every route's target, in the settings' order; `keys` (the package) by position, None where a route has none."""
    return [
        route_target(view, index, keys[index] if index < len(keys) else None)
        for index in range(len(view.settings.routes))
    ]


def route_target(view: SettingsView, index: int, key: str | None) -> RouteTarget:
    def read(field: Callable[[Route], str]) -> pulumi.Input[str]:
        return view.route_value(index, lambda settings: field(settings.routes[index]))

    return RouteTarget(
        route=view.settings.routes[index],
        object_name=read(lambda route: route.object_name),
        namespace=read(lambda route: route.namespace),
        plugin=read(lambda route: route.plugin),
        url=read(lambda route: route.url),
        signed_out_url=read(lambda route: route.signed_out_url),
        key=key,
    )
