"""The code's own rules: each word of the shared vocabulary defined once."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

from components import vocabulary

ROOT = Path(__file__).resolve().parents[2]
# The product's code: what the program, verify.py, the doctor, make check and the policies run.
PRODUCT = ("components", "verification", "doctor_checks", "stack_check", "policy/kong_cognito_policies.py")
VOCABULARY = {
    name: set(get_args(value))
    for name, value in vars(vocabulary).items()
    if name[0].isupper() and not name.isupper() and get_args(value)
}


def product_modules() -> Iterator[Path]:
    for entry in PRODUCT:
        path = ROOT / entry
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]
    yield ROOT / "__main__.py"


def _strings(node: ast.expr) -> list[str]:
    elements = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return [
        element.value for element in elements if isinstance(element, ast.Constant) and isinstance(element.value, str)
    ]


def vocabulary_definitions(tree: ast.AST) -> Iterator[tuple[int, str, list[str]]]:
    """(line, word, values) for each `Literal[...]` naming a word's value, and each tuple, list or set literal
    holding two or more values of one word (a restated list of them)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", getattr(node.value, "attr", "")) == "Literal":
            found = _strings(node.slice)
            threshold = 1
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            found = _strings(node)
            threshold = 2
        else:
            continue
        for word, values in VOCABULARY.items():
            named = [value for value in found if value in values]
            if len(named) >= threshold:
                yield node.lineno, word, named


def test_the_vocabulary_names_every_word_it_defines() -> None:
    assert set(VOCABULARY) == {"RouteMode", "RouteKind", "ProviderType", "MfaMode", "UserPoolTier"}


def test_each_word_of_the_vocabulary_is_defined_only_in_components_vocabulary() -> None:
    restated = [
        f"{path.relative_to(ROOT)}:{line}: {word} {values}"
        for path in product_modules()
        if path != ROOT / "components/vocabulary.py"
        for line, word, values in vocabulary_definitions(ast.parse(path.read_text()))
    ]
    assert restated == [], "import these from components/vocabulary.py instead of restating them"


def test_the_search_finds_a_restated_list_and_a_literal() -> None:
    tree = ast.parse('MODES = ("browser", "api")\nKind = Literal["HTTPRoute"]\nOTHER = ("browser", "x")\n')
    assert [(line, word) for line, word, _ in vocabulary_definitions(tree)] == [(1, "RouteMode"), (2, "RouteKind")]
