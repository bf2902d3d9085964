"""What is wrong with a setting's JSON value, by its JSON Schema, in words for the person who set it."""

from __future__ import annotations

from typing import Any


def schema_problems(value: Any, schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, what) for each way `value` breaks `schema`; `where` is like "[1].namepace" ("" for the whole)."""
    from jsonschema import Draft202012Validator  # only stacks that set a list or map setting pay for it

    problems = []
    for error in sorted(Draft202012Validator(schema).iter_errors(value), key=lambda error: list(error.path)):
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.path)
        if error.validator == "additionalProperties" and "properties" in error.schema:
            known = error.schema["properties"]
            for field in sorted(set(error.instance) - set(known)):
                problems.append((f"{where}.{field}", f"unknown field (expected one of {', '.join(known)})"))
        elif error.validator == "required":
            missing = [field for field in error.validator_value if field not in error.instance]
            problems += [(f"{where}.{field}", "this field is required") for field in missing]
        else:
            # Each schema node describes what it expects; the validator's own wording is for developers.
            problems.append((where, str(error.schema.get("description", error.message))))
    return problems
