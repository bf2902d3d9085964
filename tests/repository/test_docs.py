"""README.md and docs/: every relative link resolves, and every `make` target they name exists.

A newcomer follows the README's links and types its commands as written, so a renamed
page, a changed heading or a removed Makefile target must fail here rather than in their
first hour. Anchors are checked with GitHub's heading slugs.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from program_harness import ROOT

from components.settings.load import config_string, parse_settings
from doctor_checks.stack_files import load_pulumi_yaml

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# Fenced code blocks (``` or ~~~, closed by a fence at least as long), inline code spans and HTML comments.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n(.*?)(?:^ {0,3}\1[`~]*[ \t]*$|\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# [text](target "title"), ![alt](target), and reference definitions `[label]: target`.
_INLINE_LINK = re.compile(r"\[(?:[^\[\]\\]|\\.|\[[^\]]*\])*\]\(\s*<?([^\s)>]*)>?(?:\s+[\"'(].*?[\"')])?\s*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.M)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Where a shell command starts: the line's start (after a `$ ` prompt) or after an operator.
_COMMAND_START = re.compile(r"(?:^|&&|\|\||[;|(])\s*(?:\$\s+)?")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_TARGET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_RULE = re.compile(r"^([A-Za-z0-9_.-][A-Za-z0-9_. -]*?)[ \t]*::?(?!=)", re.M)
# A file of the project's own folders, as the docs name it in code to point readers at it.
_PROJECT_FILE = re.compile(
    r"(?<![\w./-])((?:components|doctor_checks|verification|stack_check|tests|scripts|tools|policy|bench|docs)"
    r"/[\w./-]*\w\.(?:py|md|sh|yaml|json|txt|mod))(?![\w/-])"
)
# Named though not in the repository: `make bench` writes it, and git ignores it.
_WRITTEN_BY_A_RUN = {"bench/latest.md"}


@dataclass(frozen=True)
class Link:
    source: Path
    target: str


def without_code(text: str) -> str:
    """The prose of a markdown text: code blocks, code spans and HTML comments removed."""
    text = _COMMENT.sub("", text)
    text = _FENCE.sub("", text)
    return _CODE_SPAN.sub("", text)


def code_of(text: str) -> list[str]:
    """Every code block's lines and every code span of a markdown text, HTML comments excluded."""
    text = _COMMENT.sub("", text)
    pieces: list[str] = []
    for block in _FENCE.finditer(text):
        pieces += block.group(2).splitlines()
    pieces += [span.group(2).strip() for span in _CODE_SPAN.finditer(_FENCE.sub("", text))]
    return pieces


def links(path: Path) -> list[Link]:
    prose = without_code(path.read_text())
    targets = [match.group(1) for match in _INLINE_LINK.finditer(prose)]
    targets += [match.group(1) for match in _REFERENCE.finditer(prose)]
    return [Link(path, target) for target in targets]


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading's text (github-slugger's rules).

    Lower case; letters, marks, digits, `_`, `-` and spaces are kept, everything else
    (punctuation, symbols, emoji) is dropped; each space becomes `-`.
    """
    kept = [
        char
        for char in heading.strip().lower()
        if char in " -" or unicodedata.category(char)[0] in "LM" or unicodedata.category(char) in {"Nd", "Nl", "Pc"}
    ]
    return "".join(kept).replace(" ", "-")


def heading_text(markdown: str) -> str:
    """A heading's text as GitHub renders it: links become their text, code spans their content."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = _CODE_SPAN.sub(lambda span: span.group(2), text)
    return re.sub(r"<[^>]+>", "", text)


def anchors(path: Path) -> set[str]:
    """The anchors of a markdown file's headings; a repeated slug gets -1, -2, ... as on GitHub."""
    text = _FENCE.sub("", _COMMENT.sub("", path.read_text()))
    seen: dict[str, int] = {}
    result: set[str] = set()
    for match in _ATX_HEADING.finditer(text):
        slug = original = github_slug(heading_text(match.group(1)))
        while slug in seen:
            seen[original] += 1
            slug = f"{original}-{seen[original]}"
        seen[slug] = 0
        result.add(slug)
    return result


def broken(link: Link, root: Path = ROOT) -> str | None:
    """Why a relative link does not resolve, or None if it does (or is not relative)."""
    if _SCHEME.match(link.target) or link.target.startswith("//"):
        return None
    where = f"{os.path.relpath(link.source, root)}: {link.target}"
    location, _, fragment = link.target.partition("#")
    location = location.split("?", 1)[0]
    target = (link.source.parent / location).resolve() if location else link.source
    if not target.exists():
        return f"{where}: no such file"
    if fragment and target.suffix == ".md" and fragment not in anchors(target):
        return f"{where}: no heading with anchor #{fragment} in {os.path.relpath(target, root)}"
    return None


def make_targets_named(text: str) -> Iterator[str]:
    """The targets of every `make ...` command in the code of a markdown text."""
    for piece in code_of(text):
        for start in _COMMAND_START.finditer(piece):
            words = piece[start.end() :].split()
            while words and _ASSIGNMENT.match(words[0]):
                words.pop(0)  # STACK=prod make up
            if not words or words[0] != "make":
                continue
            for word in words[1:]:
                if _ASSIGNMENT.match(word) or word.startswith("-"):
                    continue  # make verify VERIFY_ARGS=--insecure, make -n test
                if not _TARGET.match(word):
                    break  # a comment, an operator, or prose after the command
                yield word


def project_files_named(text: str) -> Iterator[str]:
    """The project's files named in the code of a markdown text (`components/naming.py`)."""
    for piece in code_of(text):
        for match in _PROJECT_FILE.finditer(piece):
            yield match.group(1)


def makefile_targets(makefile: Path) -> set[str]:
    """The explicit targets of a Makefile's rules (not variables, not pattern or $(VAR) targets)."""
    targets: set[str] = set()
    for match in _RULE.finditer(makefile.read_text()):
        targets.update(match.group(1).split())
    return targets


# --- The docs ------------------------------------------------------------------------------------


def test_the_readme_and_docs_pages_are_found() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in DOCS}
    assert {"README.md", "docs/troubleshooting.md", "docs/github-actions.md"} <= names


@pytest.mark.parametrize("page", DOCS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    problems = [problem for link in links(page) if (problem := broken(link))]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", DOCS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_make_target_the_docs_name_exists(page: Path) -> None:
    targets = makefile_targets(ROOT / "Makefile")
    missing = sorted({name for name in make_targets_named(page.read_text()) if name not in targets})
    assert not missing, f"not targets of the Makefile: {', '.join(f'make {name}' for name in missing)}"


@pytest.mark.parametrize("page", DOCS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_project_file_the_docs_name_in_code_exists(page: Path) -> None:
    named = set(project_files_named(page.read_text())) - _WRITTEN_BY_A_RUN
    assert sorted(path for path in named if not (ROOT / path).exists()) == [], "moved or renamed since"


def test_a_moved_file_named_in_code_is_found_and_a_placeholder_is_not() -> None:
    text = (
        "See `components/settings/routes.py`, `tests/unit/settings/test_<module>.py` and\n```\nscripts/x.sh --y\n```\n"
    )
    assert list(project_files_named(text)) == ["scripts/x.sh", "components/settings/routes.py"]


def test_the_readme_fits_on_two_screens() -> None:
    # About 150 lines, so the quick start is not buried; the rest belongs in docs/.
    lines = len((ROOT / "README.md").read_text().splitlines())
    assert lines <= 160, f"README.md has {lines} lines: move detail to a page in docs/"


def test_the_readme_links_every_docs_page() -> None:
    linked = {
        (ROOT / link.target.partition("#")[0]).resolve() for link in links(ROOT / "README.md") if not broken(link)
    }
    assert sorted(path.name for path in DOCS[1:] if path.resolve() not in linked) == []


# --- The checks themselves: they find what they are for -----------------------------------------


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Quick start", "quick-start"),
        ("Why the Ingress is not patched with `IngressPatch`", "why-the-ingress-is-not-patched-with-ingresspatch"),
        ("Checking a deployment: `make verify`", "checking-a-deployment-make-verify"),
        ("Kong CRDs and KIC 3.1 or later", "kong-crds-and-kic-31-or-later"),
        ("Clean up the workshop's leftovers first", "clean-up-the-workshops-leftovers-first"),
        ("`aws:region`", "awsregion"),
        ("Pull-request previews — and deploys", "pull-request-previews--and-deploys"),
        ("KIC ≥ 3.1 and cache_ttl", "kic--31-and-cache_ttl"),
        ("[Design](docs/design.md) notes", "design-notes"),
    ],
)
def test_slugs_follow_githubs_rules(heading: str, slug: str) -> None:
    assert github_slug(heading_text(heading)) == slug


def test_a_broken_file_or_anchor_is_reported_and_code_is_not_read_as_links(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# Page\n\n## Setup\n\n## Setup\n\n```bash\n# Not a heading\n```\n")
    readme = tmp_path / "README.md"
    readme.write_text(
        "[ok](docs/page.md) [ok](docs/page.md#setup) [ok](docs/page.md#setup-1) [ok](#intro) "
        "[ok](https://example.com/missing.md)\n"
        "[gone](docs/missing.md) [bad anchor](docs/page.md#not-a-heading) [bad](#nowhere)\n"
        "`[in code](docs/also-missing.md)`\n<!-- [in a comment](docs/commented.md) -->\n\n# Intro\n"
    )
    assert [problem for link in links(readme) if (problem := broken(link, tmp_path))] == [
        "README.md: docs/missing.md: no such file",
        "README.md: docs/page.md#not-a-heading: no heading with anchor #not-a-heading in docs/page.md",
        "README.md: #nowhere: no heading with anchor #nowhere in README.md",
    ]


def test_make_commands_in_code_are_found_and_a_fake_target_is_reported() -> None:
    text = (
        "Run `make doctor`, then `make verify VERIFY_ARGS=--insecure` or `STACK=prod make up`.\n"
        "```bash\nmake test PYTEST_ARGS=-n0   # one process\ncd /work && make lint && make no-such-target\n```\n"
        "To make sure, make tea: prose is not a command. `make` alone names no target.\n"
        "<!-- `make commented-out` -->\n"
    )
    named = list(make_targets_named(text))
    assert named == ["test", "lint", "no-such-target", "doctor", "verify", "up"]
    targets = makefile_targets(ROOT / "Makefile")
    assert {"test", "lint", "up", "verify"} <= targets
    assert "no-such-target" not in targets
    assert not {"VENV", "PYTHON", "STACK", "ifneq", "$(INSTALLED)"} & targets


def stack_file_examples() -> list[tuple[str, str]]:
    """(page, block) for each YAML block of the docs that is a piece of a stack file's `config:`."""
    found = []
    for page in DOCS:
        for block in re.findall(r"```yaml\n(.*?)```", page.read_text(), re.DOTALL):
            if re.match(r"^  (kong-cognito-oidc|aws):", block):
                found.append((page.relative_to(ROOT).as_posix(), block))
    return found


@pytest.mark.parametrize(("page", "block"), stack_file_examples(), ids=lambda value: str(value).split("\n")[0][:40])
def test_every_stack_file_example_is_valid_settings(page: str, block: str) -> None:
    # As a newcomer pastes it under `config:` in Pulumi.dev.yaml, and as the CLI then hands it to the program.
    example = load_pulumi_yaml("config:\n" + block)["config"]
    values = {key.removeprefix("kong-cognito-oidc:"): config_string(value) for key, value in example.items()}
    settings = parse_settings({"aws:region": "us-west-2", "dataPlaneHost": "lb.example.com", **values})
    assert settings.routes


def test_the_docs_show_the_routes_and_access_examples() -> None:
    assert len(stack_file_examples()) >= 4
