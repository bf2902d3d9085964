"""The `routes` setting: its structure, the defaults a route takes from the single-Ingress keys,
and the rule that no two routes claim the same Ingress (or HTTPRoute), URL or KongPlugin.

A route's `mode` and `scopes` are checked against `apiClients` in cross_key_rules.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from components import naming, urls
from components.naming import PROJECT
from components.settings import field_rules
from components.settings.field_rules import schema_problems
from components.settings.model import Parsed, RawSetting, Route, parse_json, show_value
from components.vocabulary import ANNOTATION_OWNERS, ROUTE_KINDS, ROUTE_MODES

# An app client holds at most 100 callback URLs (and 100 sign-out URLs): one per route.
MAX_ROUTES = 100
# Every field but `scopes` (a list); the order is that of "unknown field (expected one of ...)".
_STRING_FIELDS = ("ingress", "namespace", "host", "path", "plugin", "signInWith", "mode", "kind", "annotationOwner")

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
_ROUTE_FIELD_RULES: dict[str, Callable[[str], str | None]] = {
    "ingress": field_rules.object_name_problem,
    "namespace": field_rules.namespace_name_problem,
    "host": field_rules.host_problem,
    "path": field_rules.url_path_problem,
    "plugin": field_rules.object_name_problem,
}


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str | None]:
    def rule(value: str) -> str | None:
        return None if value in choices else f"expected one of {', '.join(choices)}"

    return rule


def _scopes_problem(scopes: list[str]) -> str | None:
    """Short scope names, each once; which of them exist is checked against apiClients."""
    return "each scope once" if len(set(scopes)) != len(scopes) else None


# Checked like the fields above; a route without them keeps the defaults of `Route`.
_ROUTE_ACCESS_RULES: dict[str, Callable[[Any], str | None]] = {
    "mode": _one_of(ROUTE_MODES),
    "kind": _one_of(ROUTE_KINDS),
    "scopes": _scopes_problem,
    "annotationOwner": _one_of(ANNOTATION_OWNERS),
}
_ROUTE_ACCESS_FIELDS = {
    "mode": "mode",
    "kind": "kind",
    "scopes": "required_scopes",
    "annotationOwner": "annotation_owner",
}


def parse_routes(setting: RawSetting, defaults: Mapping[str, Any]) -> Parsed[dict[int, Route]]:
    """The routes by their position in the setting, with defaults from the other settings, and what is wrong.

    `defaults` holds the settings that parsed: a route that needs a broken one is left out
    (that key's problem is reported already), while its own fields are still checked. The routes
    that parsed are returned with the problems, so the rules across keys check them too.
    """
    key = setting.qualified
    if setting.raw is None:
        # The stack of before `routes`: one route from the single-Ingress keys.
        if "data_plane_host" in defaults and defaults["data_plane_host"] is None:
            return None, [f"{PROJECT}:dataPlaneHost = (not set): this setting is required"]
        entries: list[Any] = [{"ingress": defaults["ingress_name"]}] if "ingress_name" in defaults else []
        malformed: set[int] = set()
        problems: list[str] = []
    else:
        entries, is_json = parse_json(setting.raw)
        if not is_json:
            return None, [setting.problem(str(_ROUTES_SCHEMA["description"]))]
        structure = schema_problems(entries, _ROUTES_SCHEMA)
        if any(not where for where, _ in structure):  # not a list, or the wrong length
            return None, [setting.problem(what) for where, what in structure if not where]
        problems = [f"{key}{where}: {what}" for where, what in structure]
        # Entries that are not objects of known string fields with an `ingress` are not read further.
        malformed = {int(where[1:].split("]")[0]) for where, _ in structure}

    routes: dict[int, Route] = {}
    for index, entry in enumerate(entries):
        if index in malformed:
            continue
        route, found = _route(entry, defaults, f"{key}[{index}]")
        problems += found
        if route is not None:
            routes[index] = route
    problems += _repeated(routes)
    return routes, problems


def _route(entry: Mapping[str, Any], defaults: Mapping[str, Any], where: str) -> Parsed[Route]:
    problems = []
    fields: dict[str, Any] = {}
    for field, rule in {**_ROUTE_FIELD_RULES, **_ROUTE_ACCESS_RULES}.items():
        if field not in entry:
            continue
        problem = rule(entry[field])
        if problem:
            problems.append(f"{where}.{field} = {show_value(entry[field])}: {problem}")
        else:
            fields[field] = tuple(entry[field]) if isinstance(entry[field], list) else entry[field]
    if "signInWith" in entry:
        fields["signInWith"] = entry["signInWith"]
        problems += _sign_in_with_problems(entry["signInWith"], defaults, where)
        if fields.get("mode") == "api":
            problems.append(f"{where}.signInWith: an api route never signs users in; drop it, or use mode both")
    if len(fields) < len(entry) or not defaults.keys() >= _ROUTE_DEFAULTS:
        return None, problems  # what is wrong is reported already
    namespace = fields.get("namespace", defaults["ingress_namespace"])
    host = fields.get("host", defaults["data_plane_host"])
    if host is None:
        return None, [*problems, f"{where}.host: not set, and dataPlaneHost, its default, is not set either"]
    original = (namespace, fields["ingress"]) == (defaults["ingress_namespace"], defaults["ingress_name"])
    plugin = fields.get("plugin")
    if plugin is None:
        plugin = naming.default_plugin(defaults["plugin_name"], fields["ingress"], original)
        if len(plugin) > field_rules.MAX_OBJECT_NAME:
            return None, [
                *problems,
                f"{where}.plugin: the default name {defaults['plugin_name']}-<ingress> is longer than "
                f"{field_rules.MAX_OBJECT_NAME} characters; set plugin",
            ]
    path = fields.get("path", defaults["callback_path"])
    route = Route(
        object_name=fields["ingress"],
        namespace=namespace,
        host=host,
        path=path,
        plugin=plugin,
        original=original,
        signed_out_url=defaults["signed_out_url"] or urls.callback_url(host, path),
        sign_in_with=fields.get("signInWith"),
        **{_ROUTE_ACCESS_FIELDS[field]: value for field, value in fields.items() if field in _ROUTE_ACCESS_FIELDS},
    )
    return route, problems


def _sign_in_with_problems(name: str, defaults: Mapping[str, Any], where: str) -> list[str]:
    """The name of one of `identityProviders` (checked when that setting parsed: else it is reported already)."""
    if "identity_providers" not in defaults:
        return []
    names = [provider.name for provider in defaults["identity_providers"]]
    if name in names:
        return []
    known = f"one of {', '.join(names)}" if names else "an identityProviders name, and none is set"
    return [f"{where}.signInWith = {show_value(name)}: not an identity provider of the stack; expected {known}"]


def _repeated(routes: Mapping[int, Route]) -> list[str]:
    """No Ingress, URL, sign-out URL or KongPlugin twice: each would be claimed by two plugins or attachments."""
    key = f"{PROJECT}:routes"
    problems = []
    seen: dict[tuple[str | int, ...], int] = {}
    for index, route in routes.items():
        identities = {
            # One route per namespace and name, whatever the kind: the KongPlugin's resource name is by them.
            ("ingress", route.namespace, route.object_name): f"the Ingress {route.namespace}/{route.object_name}",
            ("url", *urls.comparable(route.url)): f"the URL {route.url}",
            ("sign-out", *urls.comparable(route.sign_out_url)): f"the sign-out URL {route.sign_out_url}",
            ("plugin", route.namespace, route.plugin): f"the KongPlugin {route.namespace}/{route.plugin}",
        }
        for identity, what in identities.items():
            if identity in seen:
                problems.append(f"{key}[{index}]: {what} is already routes[{seen[identity]}]'s")
            seen.setdefault(identity, index)
    return problems
