"""The component's inputs read as the stack's settings, and validated by the same code (components/settings/).

The inputs are the stack's keys (args.py), so they become the raw key -> value map a stack's config
is (`config_string`) and go through `parse_settings`: the same rules, the same collected messages,
named as the component spells them (`awsRegion`, `routes[0].host`). What the package adds:

- Outputs, only where args.py allows them (`OUTPUT_FIELDS`); anywhere else is refused. Each stands in
  as a valid value of its own (`stand_in`) for what decides the structure (how many routes, their modes
  and names); the real values reach the resources through the settings parsed again once they are
  known (`settings_view`).
- A route's `name`, which names its resources when its Ingress name or namespace is an output.
- Secrets: an identity provider's client secret must arrive as a secret; a kubeconfig document too.

`input_problems` checks everything that is known before any resource is declared (during `up`, every
value is: the engine resolves a component's inputs before constructing it); a value unknown during a
preview is checked when the update runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.errors import InputPropertiesError, InputPropertyErrorDetails

from components.naming import PROJECT
from components.settings.load import config_string, parse_settings
from components.settings.model import Settings, SettingsError, show_value
from components.settings.registry import CONFIG_KEYS
from components.settings_view import SettingsView

REGION_KEY = "aws:region"
REGION_INPUT = "awsRegion"
"""The component's name for the stack's `aws:region`; every other setting has its stack name."""
OUTPUT_FIELDS = {"routes": ("ingress", "namespace", "host"), "identityProviders": ("clientSecret",)}
"""Fields of these lists' entries that may be other resources' outputs; and OUTPUT_PATHS."""
KUBECONFIG = "kubeconfig"
REDIS_PASSWORD = "sessions.redis.password"
OUTPUT_PATHS = (KUBECONFIG, REDIS_PASSWORD)
"""Other places an output may be."""
ROUTE_KEY = "name"
"""The field of a route that is the package's own, not a setting."""
_ROUTE_KEY_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_PROBLEM_PATH = re.compile(rf"^(?:{PROJECT}:)?([A-Za-z:]+(?:\[\d+\])*(?:\.[A-Za-z]+(?:\[\d+\])*)*)( = |: )(.*)$", re.S)
SECRET_ADVICE = (
    "pass it as a secret: pulumi.Output.secret(...) in Python, pulumi.secret(...) in TypeScript, fn::secret in YAML"
)

Leaf = Callable[[str, pulumi.Output[Any]], Any]
"""What takes an output's place in the settings: by its path (`routes[0].host`) and the output."""


@dataclass(frozen=True)
class GivenInputs:
    """The inputs as plain values, each output replaced by what `leaf` gave."""

    values: dict[str, Any]
    outputs: dict[str, pulumi.Output[Any]]
    """Where outputs are allowed: path -> the output."""
    misplaced: list[str]
    """Paths of outputs where a plain value is required."""


def stand_in(path: str) -> str:
    """A valid value of its own for an output's place: unique per route, so no rule across routes trips on it."""
    index = _index(path) if "[" in path else 0
    if path.endswith(".host"):
        return f"unknown-route-{index}.invalid"  # .invalid: reserved, never a real host (RFC 2606)
    if path.endswith((".ingress", ".namespace")):
        return f"unknown-route-{index}"
    return "unknown"


def take_outputs(inputs: Mapping[str, Any], leaf: Leaf = lambda path, _: stand_in(path)) -> GivenInputs:
    outputs: dict[str, pulumi.Output[Any]] = {}
    misplaced: list[str] = []

    def allowed(path: str) -> bool:
        if path in OUTPUT_PATHS:
            return True
        head, _, field = path.partition("].")
        return field in OUTPUT_FIELDS.get(head.split("[")[0], ())

    def plain(value: Any, path: str) -> Any:
        if isinstance(value, pulumi.Output):
            if allowed(path):
                outputs[path] = value
                return leaf(path, value)
            misplaced.append(path)
            return None  # reported as misplaced; left unset for the settings
        if isinstance(value, dict):
            entries = {key: plain(item, f"{path}.{key}" if path else key) for key, item in value.items()}
            return {key: item for key, item in entries.items() if item is not None}
        if isinstance(value, list):
            return [plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
        if isinstance(value, float) and value.is_integer():
            return int(value)  # numbers cross the wire as floats
        return value

    values: dict[str, Any] = plain(dict(inputs), "")
    return GivenInputs(values, outputs, misplaced)


def raw_settings(values: Mapping[str, Any], default_region: str | None) -> dict[str, str | None]:
    """The raw key -> value map of a stack's config: keys as the registry names them, values as the CLI passes them."""
    raw: dict[str, str | None] = {}
    for key in CONFIG_KEYS:
        value = values.get(REGION_INPUT, default_region) if key == REGION_KEY else values.get(key)
        if key == "routes" and isinstance(value, list):
            value = [_without_key(route) for route in value]
        raw[key] = None if value is None else config_string(value)
    return raw


def _without_key(route: Any) -> Any:
    return {field: value for field, value in route.items() if field != ROUTE_KEY} if isinstance(route, dict) else route


def parse(values: Mapping[str, Any], default_region: str | None) -> Settings:
    """Settings from the inputs' plain values; raises SettingsError with every problem, as a stack's config would.

    `identityProviders` counts as a secret, and `sessions` with a password, so no message shows their values (as a
    stack's, once a secret is set in them); that each secret is one is the package's rule (package_problems).
    """
    sessions = values.get("sessions")
    redis = sessions.get("redis") if isinstance(sessions, dict) else None
    with_password = isinstance(redis, dict) and "password" in redis
    secret_keys = {"identityProviders", *(["sessions"] if with_password else [])}
    return parse_settings(raw_settings(values, default_region), secret_keys=secret_keys, project_dir=Path.cwd())


def route_keys(values: Mapping[str, Any]) -> list[str | None]:
    routes = values.get("routes")
    if not isinstance(routes, list):
        return []
    return [route.get(ROUTE_KEY) if isinstance(route, dict) else None for route in routes]


def package_problems(inputs: Mapping[str, Any], given: GivenInputs) -> list[str]:
    """The package's own rules: outputs only where allowed, route names, secrets given as such (when plain)."""
    problems = [
        f"{path}: must be a plain value, not another resource's output or a secret: it decides what the component "
        "declares before anything exists (outputs are taken for a route's ingress, namespace and host, an identity "
        "provider's clientSecret, sessions.redis.password and kubeconfig)"
        for path in given.misplaced
    ]
    seen: dict[str, int] = {}
    for index, key in enumerate(route_keys(given.values)):
        where = f"routes[{index}]"
        if key is None:
            late = [field for field in ("ingress", "namespace") if f"{where}.{field}" in given.outputs]
            if late:
                problems.append(
                    f"{where}.{ROUTE_KEY}: required, since {' and '.join(late)} come{'s' if len(late) == 1 else ''} "
                    "from another resource's output, known only once it exists, and the route's resources are named "
                    'before that: give the route a short name, such as "app"'
                )
        elif not isinstance(key, str) or not _ROUTE_KEY_PATTERN.fullmatch(key):
            problems.append(
                f"{where}.{ROUTE_KEY} = {show_value(key)}: expected at most 63 lower-case letters, digits and '-'"
            )
        elif key in seen:
            problems.append(f"{where}.{ROUTE_KEY} = {show_value(key)}: already routes[{seen[key]}]'s")
        else:
            seen[key] = index
    for index, provider in enumerate(inputs.get("identityProviders") or []):
        if isinstance(provider, dict) and isinstance(provider.get("clientSecret"), str):
            problems.append(
                f"identityProviders[{index}].clientSecret: given in plain text, which the program's state would keep "
                f"readable; {SECRET_ADVICE}"
            )
    redis = (inputs.get("sessions") or {}).get("redis") if isinstance(inputs.get("sessions"), dict) else None
    if isinstance(redis, dict) and isinstance(redis.get("password"), str):
        problems.append(
            f"{REDIS_PASSWORD}: given in plain text, which the program's state would keep readable; {SECRET_ADVICE}"
        )
    kubeconfig = inputs.get(KUBECONFIG)
    if isinstance(kubeconfig, str) and "\n" in kubeconfig:
        problems.append(f"{KUBECONFIG}: a kubeconfig document in plain text; {SECRET_ADVICE} (or give its path)")
    return problems


async def input_problems(inputs: Mapping[str, Any], default_region: str | None) -> list[InputPropertyErrorDetails]:
    """Every problem of the inputs, with what is known of the outputs among them (during `up`, all of them)."""
    given = take_outputs(inputs)
    problems = package_problems(inputs, given)
    known: dict[str, Any] = {}
    secrets: list[str] = []
    for path, output in given.outputs.items():
        if not await output.is_known():
            continue
        value, secret = await output.future(), await output.is_secret()
        known[path] = value
        if secret:
            if isinstance(value, str) and value:
                secrets.append(value)
        elif _must_be_secret(path) or (path == KUBECONFIG and isinstance(value, str) and "\n" in value):
            problems.append(f"{path}: not a secret; {SECRET_ADVICE}")
    values = take_outputs(inputs, lambda path, _: known.get(path, stand_in(path))).values
    try:
        parse(values, default_region)
    except SettingsError as error:
        problems += error.problems
    return [property_error(_redacted(problem, secrets), values) for problem in problems]


def settings_view(inputs: Mapping[str, Any], default_region: str | None) -> tuple[SettingsView, list[str | None]]:
    """The settings the component declares from, and each route's key (None: named by namespace and ingress).

    Raises InputPropertiesError on what input_problems reports first in a real run (the plugin checks before
    constructing).
    """
    given = take_outputs(inputs)
    problems = package_problems(inputs, given)
    try:
        settings = parse(given.values, default_region)
    except SettingsError as error:
        problems += error.problems
    if problems:
        raise InputPropertiesError(
            "invalid settings", [property_error(problem, given.values) for problem in problems]
        ) from None
    route_outputs = {path: output for path, output in given.outputs.items() if path.startswith("routes[")}
    resolved = None
    if route_outputs:
        paths = list(route_outputs)

        def with_values(values: Sequence[Any]) -> Settings:
            by_path = dict(zip(paths, values, strict=True))
            return parse(take_outputs(inputs, lambda path, _: by_path.get(path, stand_in(path))).values, default_region)

        # Not secret as a whole: a value read from it gets its own routes' secrecy back (SettingsView).
        resolved = pulumi.Output.all(*map(pulumi.Output.unsecret, route_outputs.values())).apply(with_values)
    by_route: dict[int, list[pulumi.Output[Any]]] = {}
    for path, output in route_outputs.items():
        by_route.setdefault(_index(path), []).append(output)
    client_secrets = {
        settings.identity_providers[_index(path)].name: output
        for path, output in given.outputs.items()
        if path.endswith(".clientSecret")
    }
    redis_password = given.outputs.get(REDIS_PASSWORD)
    return SettingsView(settings, resolved, by_route, client_secrets, redis_password), route_keys(given.values)


def _index(path: str) -> int:
    """The position in `routes[2].host`."""
    return int(path.split("[", 1)[1].split("]", 1)[0])


def property_error(problem: str, values: Mapping[str, Any]) -> InputPropertyErrorDetails:
    """A settings problem as the engine shows an input's: the property's path, and what is wrong with it.

    The engine prints the property's value itself (`property routes[0].host with value "x" has a problem: ...`),
    secrets redacted, so the value the settings' message starts with (`<key> = <value>: ...`) is left out.
    """
    problem = problem.replace(REGION_KEY, REGION_INPUT).replace(f"{PROJECT}:", "")
    found = _PROBLEM_PATH.match(problem)
    if not found:
        return {"property_path": "", "reason": problem}
    path, separator, reason = found[1], found[2], found[3]
    if separator == " = ":
        reason = _without_value(reason, _at(values, path))
    if _holds_a_secret(path):
        # The engine prints the value of the property a problem names, unless it is a secret: one given in plain
        # text would be shown (pkg/resource/deploy/source_eval.go, CLI 3.274.1). No property: no value printed.
        return {"property_path": "", "reason": f"{path}: {reason}"}
    return {"property_path": path, "reason": reason}


def _must_be_secret(path: str) -> bool:
    """An input that is refused unless it comes as a secret (a kubeconfig only when it is a document)."""
    return path.endswith(".clientSecret") or path == REDIS_PASSWORD


def _holds_a_secret(path: str) -> bool:
    """A secret, or a value that holds one (the engine would print it whole)."""
    return (
        _must_be_secret(path)
        or path in (KUBECONFIG, "sessions", "sessions.redis")
        or re.fullmatch(r"identityProviders(\[\d+\])?", path) is not None
    )


def _at(values: Any, path: str) -> Any:
    """The value at `routes[0].host`, None where there is none."""
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        if name and isinstance(values, Mapping):
            values = values.get(name)
        elif index and isinstance(values, list) and int(index) < len(values):
            values = values[int(index)]
        else:
            return None
    return values


def _without_value(reason: str, value: Any) -> str:
    """`reason` without the value it starts with, as the settings' messages show it."""
    shown = {"(a secret)", show_value(value), show_value(None if value is None else config_string(value))}
    for text in sorted(shown, key=len, reverse=True):
        if reason.startswith(f"{text}: "):
            return reason[len(text) + 2 :]
    return reason


def _redacted(problem: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        problem = problem.replace(secret, "(a secret)")
    return problem
