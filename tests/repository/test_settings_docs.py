"""docs/settings.md is the one reference of the settings: a row for every key the program reads and Pulumi.yaml
declares, with Pulumi.yaml's defaults; the README's short table agrees with it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from program_harness import ROOT

from components.settings.registry import CONFIG_KEYS
from doctor_checks.stack_files import load_pulumi_yaml

SETTINGS_PAGE = ROOT / "docs" / "settings.md"
ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+) \| (.+) \|$", re.M)


def setting_rows(page: Path, section: str | None = None) -> dict[str, tuple[str, str]]:
    """key -> (default, meaning) of each row of the page's settings table (in `section`, if given)."""
    text = "\n" + page.read_text()
    if section is not None:
        text = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for key, default, meaning in ROW.findall(text):
        assert key not in rows, f"{page.name}: {key} has two rows"
        rows[key] = (default.strip(), meaning.strip())
    return rows


def as_documented(default: Any) -> str:
    """Pulumi.yaml's default as the docs write it in code: `/bar`, `10`, `false`, `["openid","email","profile"]`."""
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, list):
        return json.dumps(default, separators=(",", ":"))
    return str(default)


def declared() -> dict[str, Any]:
    config: dict[str, Any] = load_pulumi_yaml((ROOT / "Pulumi.yaml").read_text())["config"]
    return config


def test_every_key_the_program_reads_or_pulumi_yaml_declares_has_one_row_in_docs_settings() -> None:
    rows = setting_rows(SETTINGS_PAGE, "Every setting")
    assert set(rows) == set(CONFIG_KEYS) | set(declared())


def test_docs_settings_give_pulumi_yamls_defaults() -> None:
    rows = setting_rows(SETTINGS_PAGE, "Every setting")
    for key, schema in declared().items():
        if schema["default"] != "":  # empty: the docs say what the program makes of it
            assert f"`{as_documented(schema['default'])}`" in rows[key][0], key


def test_the_readme_keeps_a_short_table_that_agrees_with_docs_settings_and_links_there() -> None:
    readme = setting_rows(ROOT / "README.md", "Settings")
    documented = setting_rows(SETTINGS_PAGE, "Every setting")
    assert set(readme) <= set(documented)
    assert len(readme) <= len(documented) // 2, "the README shows the settings used most; docs/settings.md has all"
    for key, (default, _) in readme.items():
        code = re.findall(r"`([^`]+)`", default)
        assert all(f"`{value}`" in documented[key][0] for value in code), key
    assert "docs/settings.md#every-setting" in (ROOT / "README.md").read_text()


def test_a_missing_row_is_found(tmp_path: Path) -> None:
    page = tmp_path / "settings.md"
    page.write_text("## Every setting\n\n| key | default | meaning |\n|---|---|---|\n| `mfa` | `off` | MFA |\n")
    assert set(setting_rows(page, "Every setting")) == {"mfa"}
    assert set(CONFIG_KEYS) - set(setting_rows(page, "Every setting"))
