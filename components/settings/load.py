"""The stack's settings validated into a frozen `Settings`, from raw config strings.

Everything after `parse_settings` trusts the `Settings` it returns. Validation collects every
problem before failing: every key's parser runs (registry.py), then every rule across keys on what
parsed (cross_key_rules.py), so a user fixes their config in one go. It runs before any resource
is declared, so bad input never leaves a half-created stack behind.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from components.settings import config_keys
from components.settings.api_clients import default_api_identifier
from components.settings.cross_key_rules import CROSS_KEY_RULES, ParsedSettings
from components.settings.identity_providers import parse_identity_providers
from components.settings.model import RawSetting, Settings, SettingsError
from components.settings.registry import CONFIG_KEYS, PLAIN_KEYS, SETTING_NAMES
from components.settings.routes import parse_routes
from components.settings.sign_in_domain import parse_managed_login_branding


def config_string(value: Any) -> str:
    """A stack file's YAML value as the Pulumi CLI hands it to the program (lists and maps as JSON)."""
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if value is None:
        return ""  # `key:` with no value: the CLI hands over an empty string (and warns)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def parse_settings(
    values: Mapping[str, str | None],
    secret_keys: Collection[str] = (),
    project_dir: Path | None = None,
    other_keys: Iterable[str] = (),
) -> Settings:
    """Validate raw config strings (None for unset keys) into `Settings`.

    `values` holds this project's keys unqualified (`allowedGroups`) and `aws:region`; any other
    key in it is refused as unknown. `secret_keys` names those of them the stack holds encrypted;
    files named by settings (a SAML metadata file, branding images) are read relative to `project_dir` (the
    working directory, where Pulumi runs the program, if None). `other_keys` are the stack's keys of
    other namespaces, fully qualified: near misses of this project's are refused (config_keys.py).
    Raises SettingsError listing every problem found.
    """
    problems = config_keys.unknown_key_problems(values, CONFIG_KEYS)
    problems += config_keys.namespace_problems(other_keys, SETTING_NAMES)
    raw = {key: RawSetting(key, values.get(key), key in secret_keys) for key in CONFIG_KEYS}
    fields: dict[str, Any] = {}
    for key, (field, parse) in PLAIN_KEYS.items():
        value, found = parse(raw[key])
        problems += found
        if not found:
            fields[field] = value
    project_dir = project_dir or Path.cwd()
    providers, found = parse_identity_providers(raw["identityProviders"], project_dir)
    problems += found
    if not found:
        fields["identity_providers"] = providers
    branding, found = parse_managed_login_branding(raw["managedLoginBranding"], project_dir)
    problems += found
    if not found:
        fields["managed_login_branding"] = branding
    routes, found = parse_routes(raw["routes"], fields)
    problems += found
    parsed = ParsedSettings(fields, routes or {}, raw)
    for rule in CROSS_KEY_RULES:
        problems += rule(parsed)
    if problems:
        raise SettingsError(problems)
    fields["routes"] = tuple(parsed.routes.values())
    if fields["api_clients"] and fields["api_identifier"] is None:
        fields["api_identifier"] = default_api_identifier(fields["routes"])
    return Settings(**fields)
