"""The doctor reads a stack file as the Pulumi CLI does when the CLI is not there.

The expected strings are what `pulumi config --json` (v3.274.1, yaml.v3) printed for the same lines
(lists and maps: the same JSON, spaced as Python's json.dumps spaces it).
"""

from __future__ import annotations

import pytest

from components.settings.load import config_string
from doctor_checks.stack_files import DuplicateKeysError, load_pulumi_yaml


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


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # As Pulumi CLI 3.274.1 printed them under "yaml: unmarshal errors:" (tests/e2e/test_engine_stack_file_keys.py).
        ("config:\n  a: 1\n  b: 2\n  a: 3\n", 'line 4: mapping key "a" already defined at line 2'),
        (
            "config:\n  routes:\n    - {ingress: a, ingress: b}\n",
            'line 3: mapping key "ingress" already defined at line 3',
        ),
        (
            'config:\n  a: 1\n  a: 2\n  b: 1\n  "b": 2\n',
            'line 3: mapping key "a" already defined at line 2; line 5: mapping key "b" already defined at line 4',
        ),
    ],
)
def test_a_key_set_twice_in_a_mapping_is_refused_naming_both_lines(text: str, problem: str) -> None:
    with pytest.raises(DuplicateKeysError) as raised:
        load_pulumi_yaml(text)
    assert str(raised.value) == problem


def test_keys_written_differently_are_not_refused() -> None:
    # yaml.v3 compares keys as written: `1` and `01` are two keys to it, though both are numbers.
    assert load_pulumi_yaml("x: 1\nX: 2\n") == {"x": 1, "X": 2}
    load_pulumi_yaml("1: a\n01: b\n")
