"""The stack's config as the program will get it: `pulumi config` when the CLI is there, else the stack file."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from components.naming import PROJECT
from components.settings import config_string
from components.settings_model import qualified_key
from doctor_checks.world import ROOT, World


@dataclass(frozen=True)
class StackConfig:
    project: str
    """Pulumi.yaml's `name`: the namespace of this project's keys."""
    values: dict[str, str]
    """Fully qualified key -> the string the Pulumi CLI hands the program."""
    unreadable: frozenset[str]
    """Keys that are set but secret, and could not be read."""
    source: str


def _is_secure(value: Any) -> bool:
    """An encrypted value, or a list or map holding one (`pulumi config set --secret --path 'a[0].b'`)."""
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(_is_secure(item) for item in value.values())
    return isinstance(value, list) and any(_is_secure(item) for item in value)


def short_stack_name(stack: str) -> str:
    """`dev` of `acme/dev` (a Pulumi Cloud organization): what the stack file and the program call it."""
    return stack.rsplit("/", 1)[-1]


class StackFileError(ValueError):
    """A project or stack file that is not the YAML mapping Pulumi reads."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"{path.name} {problem}")


# The Pulumi CLI reads its YAML files with Go's yaml.v3, which resolves plain scalars by YAML 1.2's core
# schema: only true/false are booleans (`mfa: off` is the string "off", not YAML 1.1's False), numbers
# are decimal, 0x, 0o, 0b or 0-prefixed octal (no 1:20 sexagesimal), and `1e3` is a number.
# Dates stay as written (the CLI prints them Go's way; no setting takes one).
_CORE_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_CORE_BOOLS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
_GO_INT = re.compile(r"[-+]?(?:0b[01]+|0o[0-7]+|0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
_GO_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")


def _core_schema_tag(text: str) -> str | None:
    """The tag yaml.v3 gives a plain scalar, or None to leave it to PyYAML (merge keys)."""
    if text in _CORE_NULLS:
        return "tag:yaml.org,2002:null"
    if text in _CORE_BOOLS:
        return "tag:yaml.org,2002:bool"
    digits = text.replace("_", "")  # as yaml.v3 reads numbers
    if _GO_INT.fullmatch(digits):
        return "tag:yaml.org,2002:int"
    if _GO_FLOAT.fullmatch(digits):
        return "tag:yaml.org,2002:float"
    return None if text == "<<" else "tag:yaml.org,2002:str"


class PulumiYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader, resolving plain scalars as the Pulumi CLI does (see _core_schema_tag)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            tag = _core_schema_tag(value)
            if tag is not None:
                return tag
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]  # untyped in types-PyYAML

    def construct_yaml_bool(self, node: Any) -> bool:
        return str(self.construct_scalar(node)).lower() == "true"

    def construct_yaml_int(self, node: Any) -> int:
        digits = str(self.construct_scalar(node)).replace("_", "")
        sign = -1 if digits.startswith("-") else 1
        digits = digits.lstrip("+-")
        if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
            return sign * int(digits, 8)  # 010 is 8: yaml.v3 keeps YAML 1.1's octals
        return sign * int(digits, 0)

    def construct_yaml_float(self, node: Any) -> float | int:
        number = float(str(self.construct_scalar(node)).replace("_", ""))
        # Go prints a whole float without a fraction: `2.0` reaches the program as "2".
        return int(number) if number.is_integer() and abs(number) < 1e21 else number


PulumiYamlLoader.add_constructor("tag:yaml.org,2002:bool", PulumiYamlLoader.construct_yaml_bool)
PulumiYamlLoader.add_constructor("tag:yaml.org,2002:int", PulumiYamlLoader.construct_yaml_int)
PulumiYamlLoader.add_constructor("tag:yaml.org,2002:float", PulumiYamlLoader.construct_yaml_float)


def load_pulumi_yaml(text: str) -> Any:
    """A YAML document as the Pulumi CLI reads it."""
    return yaml.load(text, Loader=PulumiYamlLoader)


def read_yaml_mapping(path: Path, key: str | None = None) -> dict[str, Any]:
    """The mapping in a Pulumi YAML file (or under its `key`), {} when empty; StackFileError when it is not one."""
    try:
        document = load_pulumi_yaml(path.read_text()) or {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "somewhere"
        raise StackFileError(path, f"is not valid YAML: {where}: {error.problem}") from None
    except yaml.YAMLError as error:
        raise StackFileError(path, f"is not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise StackFileError(path, f"is not a YAML mapping of keys to values (it holds a {type(document).__name__})")
    if key is None:
        return document
    section = document.get(key) or {}
    if not isinstance(section, dict):
        kind = type(section).__name__
        raise StackFileError(path, f"is not valid: its `{key}` must map keys to values (it holds a {kind})")
    return section


def project_defaults(project_dir: Path) -> tuple[str, dict[str, str]]:
    """The project's name and the config defaults `Pulumi.yaml` declares."""
    project = read_yaml_mapping(project_dir / "Pulumi.yaml")
    name = str(project.get("name", PROJECT))
    defaults: dict[str, str] = {}
    for key, schema in (project.get("config") or {}).items():
        if isinstance(schema, dict) and ("default" in schema or "value" in schema):
            value = schema.get("value", schema.get("default"))
        elif isinstance(schema, dict):
            continue
        else:
            value = schema
        defaults[qualified_key(key, name)] = config_string(value)
    return name, defaults


def pulumi_command(project_dir: Path, stack: str, world: World, *args: str) -> subprocess.CompletedProcess[str]:
    # The same backend choice as `make up` (a local backend when none is chosen).
    return world.run([str(ROOT / "scripts" / "pulumi-stack.sh"), *args], project_dir, {**world.environ, "STACK": stack})


def read_stack_config(project_dir: Path, stack: str, world: World) -> StackConfig:
    project, values = project_defaults(project_dir)
    unreadable: set[str] = set()
    why_not_cli = "the Pulumi CLI is not installed"
    if world.which("pulumi"):
        try:
            listed = pulumi_command(project_dir, stack, world, "config", "--json")
            entries: Any = json.loads(listed.stdout) if listed.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired, ValueError) as error:
            listed, entries = None, None
            why_not_cli = str(error)
        if isinstance(entries, dict):
            for key, entry in entries.items():
                if "value" in entry:
                    values[key] = str(entry["value"])
                elif entry.get("secret"):
                    unreadable.add(key)
            return StackConfig(project, values, frozenset(unreadable), f"`pulumi config --stack {stack}`")
        if listed is not None:
            lines = (listed.stderr or listed.stdout).strip().splitlines()
            why_not_cli = f"`pulumi config` failed: {lines[-1] if lines else f'exit status {listed.returncode}'}"
    stack_file = project_dir / f"Pulumi.{short_stack_name(stack)}.yaml"
    if not stack_file.is_file():
        return StackConfig(
            project, values, frozenset(), f"Pulumi.yaml's defaults only ({why_not_cli}; no {stack_file.name})"
        )
    for key, value in read_yaml_mapping(stack_file, "config").items():
        qualified = qualified_key(key, project)
        if _is_secure(value):
            unreadable.add(qualified)
            values.pop(qualified, None)
        else:
            values[qualified] = config_string(value)
    return StackConfig(
        project, values, frozenset(unreadable), f"{stack_file.name} and Pulumi.yaml's defaults ({why_not_cli})"
    )


def read_secret(project_dir: Path, stack: str, world: World, key: str) -> str | None:
    """A secret config value, through the Pulumi CLI (which decrypts it), or None."""
    if not world.which("pulumi"):
        return None
    try:
        got = pulumi_command(project_dir, stack, world, "config", "get", key)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return got.stdout.rstrip("\n") if got.returncode == 0 else None
