"""docs/troubleshooting.md explains every failure `make verify` (`--sign-in` too) and `make check` print, and renders.

A FAIL line nobody documented leaves its reader guessing. The messages are read from the
checks' code, so a new one fails here until it is documented: every literal piece of a
failure's text (the parts between interpolations) must appear in the page, where the page
writes `…` for the interpolated parts.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from program_harness import ROOT

PAGE = ROOT / "docs" / "troubleshooting.md"
# The checks of `make verify`'s routes, sign-out and `--sign-in`, and the modules their texts come from.
MODULES = (
    "protected_route",
    "identity_providers",
    "sign_out",
    "sign_in",
    "hosted_ui_form",
    "cognito_users",
    "api_route",
    "sign_in_domain",
)
# `make doctor`'s check modules held to the same rule (doctor_checks/).
DOCTOR_MODULES = ("kic_events", "gitops", "kong_version", "redis")
DOCTOR_MODULES = ("kic_events", "sign_in_domain")
# Exceptions whose message is a FAIL line's detail.
FAILURES = frozenset({"CheckFailedError", "FormNotRecognisedError", "AdminError"})
# Where a piece starts or ends: punctuation the page may write next to a code span instead.
_EDGES = " \t\n:;,()"


def _failure_text(call: ast.Call) -> ast.expr | None:
    """The expression of a failure's text, if this call makes one."""
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    args = call.args

    def is_false(node: ast.expr) -> bool:
        return isinstance(node, ast.Constant) and node.value is False

    if name in FAILURES and args:
        return args[0]
    if name == "Result" and len(args) == 3 and is_false(args[1]):
        return args[2]  # Result(name, False, detail)
    if name in ("Step", "Landing") and len(args) >= 2 and is_false(args[0]):
        return args[1]  # Step(False, detail)
    if name == "failed" and len(args) >= 2:
        return args[1]  # failed(name, detail, fix)
    if name == "append" and isinstance(call.func, ast.Attribute) and getattr(call.func.value, "id", "") == "problems":
        return args[0]  # problems joined into a failure's text
    return None


def failure_pieces(source: str) -> set[str]:
    """Every literal piece (two words or more) of the failure texts a module's code can produce.

    Follows names to their assignments (in the function, else the module) and calls of the
    module's own functions to their return values, so `f"{refused}: …"` and `describe(…)` count.
    """
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    pieces: set[str] = set()

    def assigned(name: str, scope: ast.AST) -> list[ast.expr]:
        """The values `name` is given in the function, else at the module's top level."""
        for statements in (list(ast.walk(scope)), tree.body):
            values = [
                node.value
                for node in statements
                if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == name for target in node.targets)
            ]
            if values:
                return values
        return []

    def collect(expression: ast.AST, scope: ast.AST, seen: set[tuple[str, int]]) -> None:
        for node in ast.walk(expression):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                piece = " ".join(node.value.split()).strip(_EDGES)
                if len(piece.split()) >= 2:
                    pieces.add(piece)
            elif isinstance(node, ast.Name) and (node.id, id(scope)) not in seen:
                seen.add((node.id, id(scope)))
                for value in assigned(node.id, scope):
                    collect(value, scope, seen)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
                function = functions[node.func.id]
                if (function.name, id(function)) not in seen:
                    seen.add((function.name, id(function)))
                    for returned in ast.walk(function):
                        if isinstance(returned, ast.Return) and returned.value is not None:
                            collect(returned.value, function, seen)

    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef):
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and (text := _failure_text(call)) is not None:
                    collect(text, function, set())
    return pieces


def page_text() -> str:
    return " ".join(PAGE.read_text().split())


@pytest.mark.parametrize("module", MODULES)
def test_every_failure_the_checks_print_is_in_troubleshooting(module: str) -> None:
    pieces = failure_pieces((ROOT / "verification" / f"{module}.py").read_text())
    assert pieces, f"no failure text found in verification/{module}.py: has the code changed shape?"
    page = page_text()
    assert sorted(piece for piece in pieces if piece not in page) == []


def test_every_failure_make_check_prints_is_in_troubleshooting() -> None:
    pieces = failure_pieces((ROOT / "stack_check" / "cli.py").read_text())
    assert pieces, "no failure text found in stack_check/cli.py: has the code changed shape?"
    page = page_text()
    assert sorted(piece for piece in pieces if piece not in page) == []


@pytest.mark.parametrize("module", DOCTOR_MODULES)
def test_every_failure_the_doctor_prints_is_in_troubleshooting(module: str) -> None:
    pieces = failure_pieces((ROOT / "doctor_checks" / f"{module}.py").read_text())
    assert pieces, f"no failure text found in doctor_checks/{module}.py: has the code changed shape?"
    page = page_text()
    assert sorted(piece for piece in pieces if piece not in page) == []


def test_failure_pieces_follow_names_and_functions_and_skip_passes() -> None:
    source = """
NOT_KNOWN = "form not known"

def describe(action):
    return f"{action} denied by the role"

def check(name, user, status):
    refused = f"Cognito refused {user}"
    problems = []
    problems.append("no client_id given")
    if status == 1:
        raise CheckFailedError(f"{refused}: wrong password at {status}")
    if status == 2:
        raise FormNotRecognisedError(f"{NOT_KNOWN}: its method is {status}")
    if status == 3:
        raise AdminError(describe(status))
    if status == 4:
        return Step(False, "a redirect loop here")
    if status == 5:
        return failed(name, "provider not offered", "no fix here")
    return Result(name, True, "signed in as expected")
"""
    assert failure_pieces(source) == {
        "Cognito refused",
        "wrong password at",
        "form not known",
        "its method is",
        "denied by the role",
        "no client_id given",
        "a redirect loop here",
        "provider not offered",
    }


# --- Tables render as tables ----------------------------------------------------------------------------

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_DELIMITER = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def split_tables(markdown: str) -> list[int]:
    """Line numbers of table rows that start a table without a header: a blank line cut their table."""
    lines = markdown.splitlines()
    in_fence = False
    cut = []
    for number, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        starts_table = line.startswith("|") and (number == 0 or not lines[number - 1].startswith("|"))
        if not in_fence and starts_table:
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if not _DELIMITER.match(following):
                cut.append(number + 1)
    return cut


@pytest.mark.parametrize("page", DOCS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_table_is_cut_in_two(page: Path) -> None:
    assert split_tables(page.read_text()) == [], "rows after a blank line render as text: remove the blank line"


def test_a_blank_line_inside_a_table_is_found() -> None:
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n"
    assert split_tables(table) == [5]
    assert split_tables(table.replace("\n\n", "\n")) == []
    assert split_tables("```\n| not | a table |\n```\n") == []
