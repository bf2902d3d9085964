"""The minimum versions README states are those docs/design.md explains, and those the code checks."""

from __future__ import annotations

import re
from pathlib import Path

from program_harness import ROOT

from components.kubernetes import plugin_annotation
from doctor_checks.tools import minimum_python


def minimum_versions() -> dict[str, str]:
    """tool → minimum, from the table of docs/design.md's "Minimum versions" section."""
    section = (ROOT / "docs" / "design.md").read_text().split("## Minimum versions", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([^|]+?) \| ([0-9][0-9.]*) \|", section, re.M)
    return dict(rows)


def test_the_readme_states_each_minimum_the_design_page_explains() -> None:
    versions = minimum_versions()
    readme = " ".join((ROOT / "README.md").read_text().split())
    for tool in ("Pulumi CLI", "Kong Gateway Enterprise", "Kong Ingress Controller"):
        assert f"{tool} {versions[tool]}" in readme, tool


def test_the_minimums_are_those_the_code_checks() -> None:
    versions = minimum_versions()
    assert versions["Python"] == "{}.{}".format(*minimum_python(ROOT))
    # The attachment's message when a cluster lacks Kong's CRDs names the controller's minimum.
    source = Path(plugin_annotation.__file__).read_text()
    assert f"Kong Ingress Controller (>= {versions['Kong Ingress Controller']})" in source
