"""The package's version: pyproject.toml's, which each release tag (`v<version>`) names.

The schema says it, and the component registers its own PluginAttachments with it, so the engine sends
their create, read, update and delete to the provider that constructed the component. A consumer that
installs the package from git at a tag gets the tag's version in its SDK (the CLI writes it into the
schema): the two agree when the tag is `v` + this version (docs/use-from-your-program.md, "Versions").
"""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VERSION: str = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
