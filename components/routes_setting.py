"""The `routes` setting: its structure, the defaults a route takes from the single-Ingress keys,
and the rule that no two routes claim the same Ingress, URL or KongPlugin.

A route's `mode` and `scopes` are checked against `apiClients` in api_clients_setting.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from components import field_rules, naming, urls
from components.json_schema_problems import schema_problems
from components.naming import PROJECT
from components.settings_model import Route, RouteKind, RouteMode, json_value, show_value

# An app client holds at most 100 callback URLs (and 100 sign-out URLs): one per route.
MAX_ROUTES = 100
ROUTE_MODES: tuple[RouteMode, ...] = ("browser", "api", "both")
ROUTE_KINDS: tuple[RouteKind, ...] = ("Ingress", "HTTPRoute")
# Every field but `scopes` (a list); the order is that of "unknown field (expected one of ...)".
_STRING_FIELDS = ("ingress", "namespace", "host", "path", "plugin", "signInWith", "mode", "kind")

_ROUTES_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "maxItems": MAX_ROUTES,
    "description": (
        f"expected a list of 1 to {MAX_ROUTES} routes (a Cognito app client holds at most {MAX_ROUTES} callback "
        'URLs), such as [{"ingress": "demo", "host": "apps.example.com", "path": "/bar"}]'
    ),
    "items": {
        "type": "object",
        "required": ["ingress"],
        "additionalProperties": False,
        "description": 'expected an object such as {"ingress": "demo", "namespace": "default"}',
        "properties": {
            **{field: {"type": "string", "description": "expected a string"} for field in _STRING_FIELDS},
            "scopes": {
                "type": "array",
                "items": {"type": "string"},
                "description": 'expected a list of scope names of apiClients, such as ["orders.read"]',
            },
        },
    },
}
# The settings a route takes its defaults (and its being the original route) from.
_ROUTE_DEFAULTS = {
    "data_plane_host",
    "callback_path",
    "ingress_name",
    "ingress_namespace",
    "plugin_name",
    "signed_out_url",
}
_ROUTE_FIELD_CHECKS: dict[str, Callable[[str], object]] = {
    "ingress": field_rules.check_object_name,
    "namespace": field_rules.check_namespace_name,
    "host": field_rules.check_host,
    "path": field_rules.check_url_path,
    "plugin": field_rules.check_object_name,
}


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return value

    return check


def _check_scopes(scopes: list[str]) -> tuple[str, ...]:
    """Short scope names, each once; which of them exist is checked against apiClients."""
    if len(set(scopes)) != len(scopes):
        raise ValueError("each scope once")
    return tuple(scopes)


# Checked like the fields above; a route without them keeps the defaults of `Route`.
_ROUTE_ACCESS_CHECKS: dict[str, Callable[[Any], object]] = {
    "mode": _one_of(ROUTE_MODES),
    "kind": _one_of(ROUTE_KINDS),
    "scopes": _check_scopes,
}
_ROUTE_ACCESS_FIELDS = {"mode": "mode", "kind": "kind", "scopes": "required_scopes"}


def parse_routes(raw: str | None, defaults: Mapping[str, Any], problems: list[str]) -> tuple[Route, ...]:
    """The routes, with defaults from the other settings; appends to `problems` what is wrong.

    `defaults` holds the settings that parsed: a route that needs a broken one is skipped
    (that key's problem is reported already), while its own fields are still checked.
    """
    key = f"{PROJECT}:routes"
    if raw is None:
        # The stack of before `routes`: one route from the single-Ingress keys.
        if "data_plane_host" in defaults and defaults["data_plane_host"] is None:
            problems.append(f"{PROJECT}:dataPlaneHost = (not set): this setting is required")
            return ()
        entries: list[Any] = [{"ingress": defaults["ingress_name"]}] if "ingress_name" in defaults else []
        malformed: set[int] = set()
    else:
        try:
            entries = json_value(raw, str(_ROUTES_SCHEMA["description"]))
        except ValueError as error:
            problems.append(f"{key} = {show_value(raw)}: {error}")
            return ()
        structure = schema_problems(entries, _ROUTES_SCHEMA)
        if any(not where for where, _ in structure):  # not a list, or the wrong length
            problems.extend(f"{key} = {show_value(raw)}: {what}" for where, what in structure if not where)
            return ()
        problems.extend(f"{key}{where}: {what}" for where, what in structure)
        # Entries that are not objects of known string fields with an `ingress` are not read further.
        malformed = {int(where[1:].split("]")[0]) for where, _ in structure}

    routes: list[tuple[int, Route]] = []
    for index, entry in enumerate(entries):
        route = None if index in malformed else _route(entry, defaults, f"{key}[{index}]", problems)
        if route is not None:
            routes.append((index, route))
    _check_routes_are_distinct(routes, problems)
    return tuple(route for _, route in routes)


def _route(entry: Mapping[str, Any], defaults: Mapping[str, Any], where: str, problems: list[str]) -> Route | None:
    fields: dict[str, Any] = {}
    for field, check in {**_ROUTE_FIELD_CHECKS, **_ROUTE_ACCESS_CHECKS}.items():
        if field not in entry:
            continue
        try:
            fields[field] = check(entry[field])
        except ValueError as error:
            problems.append(f"{where}.{field} = {show_value(entry[field])}: {error}")
    if "signInWith" in entry:
        fields["signInWith"] = _sign_in_with(entry["signInWith"], defaults, where, problems)
        if fields.get("mode") == "api":
            problems.append(f"{where}.signInWith: an api route never signs users in; drop it, or use mode both")
    if len(fields) < len(entry) or not defaults.keys() >= _ROUTE_DEFAULTS:
        return None  # what is wrong is reported already
    namespace = fields.get("namespace", defaults["ingress_namespace"])
    host = fields.get("host", defaults["data_plane_host"])
    if host is None:
        problems.append(f"{where}.host: not set, and dataPlaneHost, its default, is not set either")
        return None
    original = (namespace, fields["ingress"]) == (defaults["ingress_namespace"], defaults["ingress_name"])
    plugin = fields.get("plugin")
    if plugin is None:
        plugin = naming.default_plugin(defaults["plugin_name"], fields["ingress"], original)
        if len(plugin) > field_rules.MAX_OBJECT_NAME:
            problems.append(
                f"{where}.plugin: the default name {defaults['plugin_name']}-<ingress> is longer than "
                f"{field_rules.MAX_OBJECT_NAME} characters; set plugin"
            )
            return None
    path = fields.get("path", defaults["callback_path"])
    return Route(
        ingress=fields["ingress"],
        namespace=namespace,
        host=host,
        path=path,
        plugin=plugin,
        original=original,
        signed_out_url=defaults["signed_out_url"] or urls.callback_url(host, path),
        sign_in_with=fields.get("signInWith"),
        **{_ROUTE_ACCESS_FIELDS[field]: value for field, value in fields.items() if field in _ROUTE_ACCESS_FIELDS},
    )


def _sign_in_with(name: str, defaults: Mapping[str, Any], where: str, problems: list[str]) -> str:
    """The name of one of `identityProviders` (checked when that setting parsed: else it is reported already)."""
    if "identity_providers" in defaults:
        names = [provider.name for provider in defaults["identity_providers"]]
        if name not in names:
            known = f"one of {', '.join(names)}" if names else "an identityProviders name, and none is set"
            problems.append(
                f"{where}.signInWith = {show_value(name)}: not an identity provider of the stack; expected {known}"
            )
    return name


def _check_routes_are_distinct(routes: list[tuple[int, Route]], problems: list[str]) -> None:
    """No Ingress, URL, sign-out URL or KongPlugin twice: each would be claimed by two plugins or attachments."""
    key = f"{PROJECT}:routes"
    seen: dict[tuple[str | int, ...], int] = {}
    for index, route in routes:
        identities = {
            ("ingress", route.namespace, route.ingress): f"the Ingress {route.namespace}/{route.ingress}",
            ("url", *urls.comparable(route.url)): f"the URL {route.url}",
            ("sign-out", *urls.comparable(route.sign_out_url)): f"the sign-out URL {route.sign_out_url}",
            ("plugin", route.namespace, route.plugin): f"the KongPlugin {route.namespace}/{route.plugin}",
        }
        for identity, what in identities.items():
            if identity in seen:
                problems.append(f"{key}[{index}]: {what} is already routes[{seen[identity]}]'s")
            seen.setdefault(identity, index)
