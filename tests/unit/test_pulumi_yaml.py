"""The doctor reads a stack file as the Pulumi CLI does when the CLI is not there.

The expected strings are what `pulumi config --json` (v3.274.1, yaml.v3) printed for the same lines
(lists and maps: the same JSON, spaced as Python's json.dumps spaces it).
"""

from __future__ import annotations

import pytest

from components.settings import config_string
from doctor_checks.stack_config import load_pulumi_yaml


@pytest.mark.parametrize(
    ("value", "cli_hands_over"),
    [
        ("off", "off"),
        ("on", "on"),
        ("yes", "yes"),
        ("NO", "NO"),
        ("y", "y"),
        ('"off"', "off"),
        ("True", "true"),
        ("FALSE", "false"),
        ("tRue", "tRue"),
        ("", ""),
        ("~", ""),
        ("Null", ""),
        ("010", "8"),
        ("0o10", "8"),
        ("09", "9"),
        ("0x1F", "31"),
        ("0b11", "3"),
        ("1_000", "1000"),
        ("+1", "1"),
        ("1:20", "1:20"),
        ("1.50", "1.5"),
        (".5", "0.5"),
        ("2.0", "2"),
        ("1e3", "1000"),
        ("[off, yes, True, 2.0, 09, ~]", '["off", "yes", true, 2, 9, null]'),
        ("{on: off}", '{"on": "off"}'),
    ],
)
def test_a_plain_value_reaches_the_program_as_the_cli_hands_it_over(value: str, cli_hands_over: str) -> None:
    config = load_pulumi_yaml(f"config:\n  kong-cognito-oidc:key: {value}\n")["config"]
    assert config_string(config["kong-cognito-oidc:key"]) == cli_hands_over
