"""The tools `make up` needs: the Pulumi CLI, uv and a supported Python."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from doctor_checks.world import World
from verification.results import CheckLine, failed, passed


def minimum_python(project_dir: Path) -> tuple[int, int]:
    requires = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]["requires-python"]
    match = re.search(r">=\s*(\d+)\.(\d+)", requires)
    return (int(match.group(1)), int(match.group(2))) if match else (3, 11)


# What works on a distribution's externally managed Python, where `pip install uv` is refused;
# the README and the Makefile's error say the same.
UV_INSTALL = "pipx install uv, or uv's standalone installer: curl -LsSf https://astral.sh/uv/install.sh | sh"
# Tool on PATH -> (why it is needed, how to install it).
TOOLS = {
    "pulumi": (
        "the Pulumi CLI is not on PATH (`make up` needs it; this check read Pulumi.<stack>.yaml instead).",
        "install it (https://www.pulumi.com/docs/iac/download-install/, e.g. curl -fsSL https://get.pulumi.com "
        "| sh) and open a new shell.",
    ),
    "uv": (
        "uv is not on PATH; Pulumi.yaml runs the program with uv.",
        f"install it with {UV_INSTALL} (https://docs.astral.sh/uv/getting-started/installation/).",
    ),
}


def check_tools(project_dir: Path, world: World) -> Iterator[CheckLine]:
    for tool, (missing, fix) in TOOLS.items():
        found = world.which(tool)
        yield passed(tool, f"{tool} at {found}") if found else failed(tool, missing, fix)
    wanted = minimum_python(project_dir)
    version = ".".join(map(str, world.python_version))
    yield (
        passed("python", f"Python {version} (the virtualenv Pulumi.yaml names), >= {wanted[0]}.{wanted[1]}")
        if world.python_version[:2] >= wanted
        else failed(
            "python",
            f"Python {version}; the program needs >= {wanted[0]}.{wanted[1]}.",
            f"install Python {wanted[0]}.{wanted[1]} (e.g. uv python install {wanted[0]}.{wanted[1]}), then "
            "make clean install.",
        )
    )
