"""The program's edge: the stack's config as the Pulumi runtime hands it to the program, and the error
Pulumi prints without a traceback. The only module of components/settings/ that imports Pulumi.
"""

from __future__ import annotations

from collections.abc import Iterable

import pulumi
from pulumi.runtime import config as runtime_config

from components.settings import config_keys
from components.settings.load import parse_settings
from components.settings.model import Settings, SettingsError
from components.settings.registry import CONFIG_KEYS


class StackSettingsError(SettingsError, pulumi.RunError):
    """SettingsError raised in the program: Pulumi prints a RunError's message without a traceback."""


def load_settings(config: pulumi.Config, aws_config: pulumi.Config) -> Settings:
    """Read this project's config and `aws:region` and validate them.

    Every key set for the stack is read, not only the known ones, so a misspelt key (`allowedGroup`)
    or namespace (`kong-congito-oidc:`) stops the program instead of silently leaving its setting
    at the default.
    """
    # Unknown keys are not read (config.get warns on a secret): their value is never used.
    own, others = config_keys.by_namespace(stack_keys(), config.name)
    values: dict[str, str | None] = dict.fromkeys(own)
    values.update({key: config.get(key) for key in CONFIG_KEYS if key != "aws:region"})
    values["aws:region"] = aws_config.get("region")
    secret_keys = stack_secret_keys(config.name, CONFIG_KEYS)
    try:
        return parse_settings(values, secret_keys, other_keys=others)
    except SettingsError as error:
        raise StackSettingsError(error.problems) from None


def stack_keys() -> list[str]:
    """Every key set for the stack, fully qualified, whether the program reads it or not.

    `pulumi.Config` only looks keys up. In `pulumi up` the language host hands the program all of
    the stack's config as one JSON object in the PULUMI_CONFIG environment variable; an Automation
    API inline program gets it through `set_all_config` instead. Both are read.
    """
    return sorted({*runtime_config.get_config_env(), *runtime_config.CONFIG.get()})


def stack_config_keys(namespace: str) -> list[str]:
    """The keys set for this stack in `namespace` (without the prefix)."""
    return config_keys.by_namespace(stack_keys(), namespace)[0]


def stack_secret_keys(namespace: str, settings: Iterable[str]) -> set[str]:
    """The keys of `namespace` (without the prefix) whose values the stack holds encrypted.

    Setting one field of a key with `pulumi config set --secret --path` makes the whole key a
    secret: the program gets it decrypted, with its name in PULUMI_CONFIG_SECRET_KEYS (an
    Automation API inline program: through `set_all_config`).
    """
    prefix = f"{namespace}:"
    secret = {key for key in runtime_config.get_config_secret_keys_env() if key.startswith(prefix)}
    secret |= {f"{prefix}{key}" for key in settings if runtime_config.is_config_secret(f"{prefix}{key}")}
    return {key.removeprefix(prefix) for key in secret}
