"""The code's own rules: what each package may import, how long a module may grow, each word defined once."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import get_args

import pytest
from program_harness import ROOT

from components import vocabulary

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


# --- imports ----------------------------------------------------------------------------------------------------

OWN_PACKAGES = ("components", "verification", "doctor_checks", "stack_check")
# (modules, imports they must never reach, directly or through the project's modules they import).
IMPORT_RULES = (
    ("verification", ("pulumi",)),
    ("doctor_checks", ("pulumi",)),
    ("components/kubernetes", ("pulumi",)),
    ("components/vocabulary.py", ("pulumi",)),
    ("components/naming.py", ("pulumi",)),
    ("components/urls.py", ("pulumi",)),
    ("components/kong/crds.py", ("pulumi",)),
    ("components/kong/versions.py", ("pulumi",)),
    ("components/kong/sessions.py", ("pulumi",)),
    ("components/settings", ("pulumi_aws", "pulumi_kubernetes", "pulumi_random")),
    ("components/cognito", ("pulumi_kubernetes",)),
    ("components/kong", ("pulumi_aws",)),
)
PULUMI_EDGE = "components/settings/pulumi_config.py"
"""The one module of settings/ that imports Pulumi: the others are what make doctor validates settings with."""


def module_path(name: str) -> Path | None:
    """The file of a project module (`components.settings.load`), None for any other."""
    if name.split(".")[0] not in OWN_PACKAGES:
        return None
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@cache
def direct_imports(path: Path) -> frozenset[str]:
    """Every module `path` imports, at the top or inside a function (`from a import b` names `a` and `a.b`)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    # Importing a.b.c runs a/__init__.py and a/b/__init__.py too.
    return frozenset(names | {".".join(name.split(".")[:i]) for name in names for i in range(1, name.count(".") + 1)})


@cache
def reached_imports(path: Path) -> dict[str, list[str]]:
    """Every module `path` imports, directly or through the project's own modules: name -> the chain to it."""
    chains: dict[str, list[str]] = {}
    todo = [(path, [str(path.relative_to(ROOT))])]
    seen = {path}
    while todo:
        current, chain = todo.pop()
        for name in sorted(direct_imports(current)):
            chains.setdefault(name, [*chain, name])
            own = module_path(name)
            if own is not None and own not in seen:
                seen.add(own)
                todo.append((own, [*chain, name]))
    return chains


def modules_under(entry: str) -> list[Path]:
    path = ROOT / entry
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def forbidden_reached(paths: Iterable[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        " -> ".join(chain)
        for path in paths
        for name, chain in reached_imports(path).items()
        if name.split(".")[0] in forbidden
    ]


@pytest.mark.parametrize(("modules", "forbidden"), IMPORT_RULES, ids=[rule[0] for rule in IMPORT_RULES])
def test_each_package_imports_only_what_its_docstring_allows(modules: str, forbidden: tuple[str, ...]) -> None:
    paths = [path for path in modules_under(modules) if path != ROOT / PULUMI_EDGE]
    assert forbidden_reached(paths, forbidden) == []


def test_in_settings_only_the_programs_edge_imports_pulumi() -> None:
    paths = [path for path in modules_under("components/settings") if path != ROOT / PULUMI_EDGE]
    assert forbidden_reached(paths, ("pulumi",)) == []
    assert forbidden_reached([ROOT / PULUMI_EDGE], ("pulumi",)) != []


def test_the_import_search_follows_the_projects_modules_and_functions_imports(tmp_path: Path) -> None:
    # doctor_checks/cli.py imports the settings inside a function; they import the model, which imports yaml.
    chains = reached_imports(ROOT / "doctor_checks/cli.py")
    assert "components.settings.model" in chains
    assert chains["yaml"][0] == "doctor_checks/cli.py"


def test_every_package_says_what_it_is_for_and_what_it_may_import() -> None:
    packages = ("components/settings", "components/cognito", "components/kong", "components/kubernetes")
    for package in (*packages, "components/package"):
        docstring = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text())) or ""
        assert len(docstring.splitlines()) == 1, package
        assert "Pulumi" in docstring or "pulumi" in docstring, f"{package} does not say what it may import"


# --- size -------------------------------------------------------------------------------------------------------

MAX_MODULE_LINES = 350


def test_no_module_is_over_350_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for package in OWN_PACKAGES
        for path in modules_under(package)
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"split these into modules of at most {MAX_MODULE_LINES} lines"


# --- the vocabulary ---------------------------------------------------------------------------------------------


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
    assert set(VOCABULARY) == {
        "RouteMode",
        "RouteKind",
        "ProviderType",
        "MfaMode",
        "UserPoolTier",
        "AnnotationOwner",
        "SessionStorage",
        "ManagedLogin",
        "AssetExtension",
    }


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


def test_the_files_make_test_starts_first_exist() -> None:
    from tests.conftest import SLOWEST_FIRST

    assert [name for name in SLOWEST_FIRST if not (ROOT / "tests" / name).is_file()] == []
