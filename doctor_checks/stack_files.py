"""Pulumi's project and stack files, read as the Pulumi CLI reads them: `make doctor` without the CLI, and `make check`.

The CLI reads them with Go's yaml.v3: YAML 1.2's core schema for plain scalars, and a key set twice
in one mapping is an error naming both lines, never "the last one wins" (PyYAML's way).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from components.naming import PROJECT
from components.settings.load import config_string
from components.settings.model import qualified_key


def short_stack_name(stack: str) -> str:
    """`dev` of `acme/dev` (a Pulumi Cloud organization): what the stack file and the program call it."""
    return stack.rsplit("/", 1)[-1]


def stack_file_name(stack: str) -> str:
    """`Pulumi.dev.yaml` for `dev` and for `acme/dev`."""
    return f"Pulumi.{short_stack_name(stack)}.yaml"


class StackFileError(ValueError):
    """A project or stack file that is not the YAML mapping Pulumi reads."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"{path.name} {problem}")


class DuplicateKeysError(yaml.YAMLError):
    """Keys set twice in one mapping; the message lists each as yaml.v3 does (`line 5: mapping key ...`)."""


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


def duplicate_keys(node: yaml.Node | None) -> list[str]:
    """Each key set again in its mapping, as yaml.v3 words it: `line 5: mapping key "x" already defined at line 3`.

    yaml.v3 compares the keys as written (kind and text): `a` and `"a"` are the same key, `1` and `01` are not.
    """
    found: list[str] = []
    if isinstance(node, yaml.MappingNode):
        for index, (key, _) in enumerate(node.value):
            for earlier, _ in node.value[:index]:
                if type(earlier) is type(key) and isinstance(key, yaml.ScalarNode) and earlier.value == key.value:
                    found.append(
                        f"line {key.start_mark.line + 1}: mapping key {_go_quoted(key.value)} "
                        f"already defined at line {earlier.start_mark.line + 1}"
                    )
                    break
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        for child in node.value:
            for item in child if isinstance(child, tuple) else (child,):
                found += duplicate_keys(item)
    return found


def _go_quoted(text: str) -> str:
    """A string as Go's %#v prints it (the same as JSON for what a config key holds)."""
    return json.dumps(text, ensure_ascii=False)


def keys_set_twice(path: Path, project: str) -> list[str]:
    """A key of the file's `config` written both with and without the project's namespace (`allowedGroups`
    and `kong-cognito-oidc:allowedGroups`): yaml.v3 sees two keys, and the Pulumi CLI keeps either value,
    a different one from run to run (Pulumi CLI 3.274.1, tests/e2e/test_engine_stack_file_keys.py)."""
    document = yaml.compose(path.read_text(), Loader=PulumiYamlLoader)
    config = next(
        (value for key, value in getattr(document, "value", ()) if getattr(key, "value", None) == "config"), None
    )
    if not isinstance(config, yaml.MappingNode):
        return []
    first: dict[str, tuple[str, int]] = {}
    found = []
    for key, _ in config.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        line, qualified = key.start_mark.line + 1, qualified_key(str(key.value), project)
        if qualified in first:
            written, earlier = first[qualified]
            found.append(
                f"lines {earlier} and {line} both set {qualified} (as {written} and {key.value}): the Pulumi CLI "
                "keeps either value, a different one from run to run; keep one"
            )
        else:
            first[qualified] = (str(key.value), line)
    return found


def load_pulumi_yaml(text: str) -> Any:
    """A YAML document as the Pulumi CLI reads it; DuplicateKeysError for a key set twice in one mapping."""
    return copy.deepcopy(_parsed(text))


# Each text parsed once: PyYAML's Python parser takes about 10 ms for Pulumi.yaml, which a run reads more than once.
@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> Any:
    loader = PulumiYamlLoader(text)
    try:
        node = loader.get_single_node()
        duplicates = duplicate_keys(node)
        if duplicates:
            raise DuplicateKeysError("; ".join(duplicates))
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


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
    """The project's name and the config values `Pulumi.yaml` gives every stack: a key's `value`, else `default`."""
    project = read_yaml_mapping(project_dir / "Pulumi.yaml")
    name = str(project.get("name", PROJECT))
    defaults: dict[str, str] = {}
    for key, schema in (project.get("config") or {}).items():
        if isinstance(schema, dict) and {"default", "value"} <= schema.keys():
            # As the Pulumi CLI 3.274.1 words it when it refuses the file.
            problem = f"project config '{key}' cannot have both a 'default' and 'value' attribute"
            raise StackFileError(project_dir / "Pulumi.yaml", f"is not valid: {problem}")
        if isinstance(schema, dict) and ("default" in schema or "value" in schema):
            value = schema.get("value", schema.get("default"))
        elif isinstance(schema, dict):
            continue
        else:
            value = schema
        defaults[qualified_key(key, name)] = config_string(value)
    return name, defaults


def is_secure(value: Any) -> bool:
    """An encrypted value, or a list or map holding one (`pulumi config set --secret --path 'a[0].b'`)."""
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(is_secure(item) for item in value.values())
    return isinstance(value, list) and any(is_secure(item) for item in value)


def with_placeholder(value: Any, placeholder: str) -> Any:
    """`value` with each encrypted part replaced by `placeholder`: the rest as the program would get it."""
    if isinstance(value, dict) and set(value) == {"secure"}:
        return placeholder
    if isinstance(value, dict):
        return {key: with_placeholder(item, placeholder) for key, item in value.items()}
    if isinstance(value, list):
        return [with_placeholder(item, placeholder) for item in value]
    return value


@dataclass(frozen=True)
class StackFile:
    """A stack file's config over Pulumi.yaml's: what the CLI would hand the program, secrets aside."""

    project: str
    values: dict[str, str]
    """Fully qualified key -> the string the Pulumi CLI hands the program. A secure key is left out, or
    holds the placeholder where its encrypted parts were (read_stack_file's `secret_placeholder`)."""
    secure: frozenset[str]
    """Keys whose value is encrypted (`secure:`), or holds an encrypted field."""


def read_stack_file(project_dir: Path, stack_file: Path, secret_placeholder: str | None = None) -> StackFile:
    """`stack_file`'s config over `project_dir`'s Pulumi.yaml; StackFileError when either is not what Pulumi reads.

    With `secret_placeholder`, a secure key holds its value with the placeholder for each encrypted part.
    """
    project, values = project_defaults(project_dir)
    config = read_yaml_mapping(stack_file, "config")
    twice = keys_set_twice(stack_file, project)
    if twice:
        raise StackFileError(stack_file, f"is not valid: {'; '.join(twice)}")
    secure: set[str] = set()
    for key, value in config.items():
        qualified = qualified_key(key, project)
        if not is_secure(value):
            values[qualified] = config_string(value)
            continue
        secure.add(qualified)
        if secret_placeholder is None:
            values.pop(qualified, None)
        else:
            values[qualified] = config_string(with_placeholder(value, secret_placeholder))
    return StackFile(project, values, frozenset(secure))
