"""What the real Pulumi CLI does with a stack file that sets a key twice; the doctor and `make check` agree.

Pinned against the CLI `make engine` builds (3.274.1), which reads stack files with Go's yaml.v3:
- the same key twice in the `config` mapping: the CLI refuses the file with yaml.v3's "mapping key ...
  already defined at line N", so `pulumi config` and `pulumi preview` fail and the program never runs;
- one key written both without and with the project's namespace (`allowedGroups`,
  `kong-cognito-oidc:allowedGroups`): the CLI reads the file and hands over one of the two values.
`make doctor` (reading the stack through this CLI, else the file) and `make check` refuse both, naming the
lines the CLI names. No cluster and no cloud: the CLI stops at the file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from engine import Engine, write_standin_plugins

from doctor_checks import cli
from doctor_checks.world import World

pytestmark = pytest.mark.e2e

CONFIG = "config:\n  aws:region: us-west-2\n  kong-cognito-oidc:dataPlaneHost: kong.example.com\n"


@pytest.fixture
def cli_engine(tmp_path: Path, engine_built: None) -> Engine:
    """The engine's environment, without a cluster or moto: nothing here gets past reading the stack file."""
    home = tmp_path / "engine"
    write_standin_plugins(home / "plugins")
    (home / "kubeconfig").write_text("")
    return Engine(
        home=home, plugins_bin=home / "plugins", kubeconfig=home / "kubeconfig", moto_url="http://127.0.0.1:9"
    )


def stack_file(engine: Engine, project: Path, config: str) -> list[int]:
    """Pulumi.dev.yaml of a created stack (its encryptionsalt line first), with `config`; the lines of allowedGroups."""
    (project / "Pulumi.dev.yaml").unlink()
    created = engine.pulumi(project, "dev", "stack", "init")
    assert created.returncode == 0, created
    salt = (project / "Pulumi.dev.yaml").read_text().splitlines()
    assert len(salt) == 1 and salt[0].startswith("encryptionsalt: "), salt
    text = f"{salt[0]}\n{config}"
    (project / "Pulumi.dev.yaml").write_text(text)
    return [number for number, line in enumerate(text.splitlines(), 1) if "allowedGroups" in line]


def doctor_settings(engine: Engine, project: Path) -> str:
    """The doctor's settings line, with this CLI on PATH (read through `pulumi config`, as `make doctor` does)."""
    env = engine.env()
    world = World(which=lambda name: shutil.which(name, path=env["PATH"]), environ=env)
    settings = next(check for check in cli.run_checks("dev", project, world) if check.name == "settings")
    return settings.line()


def test_a_key_set_twice_is_refused_by_the_cli_the_doctor_and_make_check_naming_the_same_lines(
    cli_engine: Engine, project: Path
) -> None:
    first, again = stack_file(
        cli_engine,
        project,
        CONFIG + "  kong-cognito-oidc:allowedGroups: [staff]\n  kong-cognito-oidc:allowedGroups: [admins]\n",
    )
    lines = f'line {again}: mapping key "kong-cognito-oidc:allowedGroups" already defined at line {first}'

    listed = cli_engine.pulumi(project, "dev", "config", "--json")
    assert listed.returncode != 0, listed
    assert f"error: yaml: unmarshal errors:\n  {lines}" in listed.output, listed
    preview = cli_engine.make("preview", project, "dev")
    assert preview.returncode != 0, preview
    assert f"yaml: unmarshal errors:\n  {lines}" in preview.output, preview
    assert "Previewing update" not in preview.output, "the program never runs"

    assert doctor_settings(cli_engine, project).startswith(f"FAIL settings: Pulumi.dev.yaml is not valid YAML: {lines}")
    checked = cli_engine.make("check", project, "dev")
    assert checked.returncode != 0, checked
    assert f"make check: Pulumi.dev.yaml is not valid YAML: {lines}" in checked.output, checked
    assert "Traceback" not in checked.output


def test_a_key_written_with_and_without_the_namespace_is_read_by_the_cli_but_refused_by_doctor_and_check(
    cli_engine: Engine, project: Path
) -> None:
    first, again = stack_file(
        cli_engine,
        project,
        CONFIG + "  allowedGroups: [staff]\n  kong-cognito-oidc:allowedGroups: [admins]\n",
    )
    listed = cli_engine.pulumi(project, "dev", "config", "--json")
    assert listed.returncode == 0, listed
    # One of the two; which one changes from run to run (a Go map), so the test does not say.
    assert json.loads(listed.output)["kong-cognito-oidc:allowedGroups"]["value"] in ('["staff"]', '["admins"]')

    both = f"lines {first} and {again} both set kong-cognito-oidc:allowedGroups (as allowedGroups and"
    assert both in doctor_settings(cli_engine, project)
    checked = cli_engine.make("check", project, "dev")
    assert checked.returncode != 0 and both in checked.output, checked
