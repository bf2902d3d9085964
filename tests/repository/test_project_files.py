"""Pulumi.yaml, Pulumi.dev.yaml and the Makefile agree with the program and with each other."""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from program_harness import PROJECT, ROOT

from components.settings.load import config_string, parse_settings
from components.settings.registry import CONFIG_KEYS, SETTING_NAMES
from doctor_checks.stack_files import load_pulumi_yaml

PROJECT_FILE = load_pulumi_yaml((ROOT / "Pulumi.yaml").read_text())
DEV_STACK = load_pulumi_yaml((ROOT / "Pulumi.dev.yaml").read_text())["config"]
# Objects, which Pulumi.yaml cannot type: documented in its header comment and docs/settings.md.
UNTYPED_SETTING_KEYS = {
    "routes",
    "upstreamHeaders",
    "apiClients",
    "identityProviders",
    "signInDomain",
    "managedLoginBranding",
    "sessions",
}
BENCH = ROOT / "bench" / "results.md"


def test_project_declares_every_setting_with_type_and_description() -> None:
    assert PROJECT_FILE["name"] == PROJECT
    config = PROJECT_FILE["config"]
    assert set(config) == set(SETTING_NAMES) - UNTYPED_SETTING_KEYS
    for key, schema in config.items():
        assert schema.get("type") in {"string", "integer", "boolean", "array"}, key
        assert schema.get("description"), key
    # Pulumi would demand a key without a default; dataPlaneHost is needed only by routes without a host,
    # which the program checks.
    assert [key for key, schema in config.items() if "default" not in schema] == []
    header = (ROOT / "Pulumi.yaml").read_text().split("\nconfig:")[0]
    assert all(f"`{key}`" in header for key in UNTYPED_SETTING_KEYS)


def test_the_program_reads_exactly_the_declared_and_documented_settings() -> None:
    assert set(CONFIG_KEYS) == set(PROJECT_FILE["config"]) | UNTYPED_SETTING_KEYS | {"aws:region"}


def test_defaults_in_pulumi_yaml_are_the_programs_defaults() -> None:
    # Under `pulumi up` the CLI supplies Pulumi.yaml's defaults; under tests and other
    # runners the program falls back to its own. Both must mean the same settings.
    required = {"aws:region": "us-west-2", "dataPlaneHost": "lb.example.com"}
    from_project_file = {
        key: config_string(schema["default"]) for key, schema in PROJECT_FILE["config"].items() if "default" in schema
    }
    assert parse_settings({**from_project_file, **required}) == parse_settings(required)


def test_dev_stack_is_the_workshops_setup() -> None:
    settings = parse_settings(
        {key.removeprefix(f"{PROJECT}:"): config_string(value) for key, value in DEV_STACK.items()}
    )
    assert settings.aws_region
    assert (settings.ingress_name, settings.ingress_namespace) == ("demo", "default")
    assert settings.callback_path == "/bar"
    assert settings.cache_ttl == 10


def test_pulumi_and_make_use_the_same_installer_and_virtualenv() -> None:
    options = PROJECT_FILE["runtime"]["options"]
    makefile = (ROOT / "Makefile").read_text()
    makefile_venv = re.search(r"^VENV := (\S+)$", makefile, re.MULTILINE)
    assert makefile_venv is not None
    assert options["virtualenv"] == makefile_venv.group(1)
    # `pulumi install` runs `uv sync` on uv.lock; make does the same, refusing a stale lock.
    assert options["toolchain"] == "uv"
    assert "UV_PROJECT_ENVIRONMENT=$(VENV) uv sync --quiet --locked" in makefile


def _pins(path: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / path).read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, version = line.split(";")[0].strip().split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def _locked(roots: list[str]) -> dict[str, str]:
    """Every package uv.lock pins for these roots (`name` or `name[extra,...]`) and what they pull in."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    packages = {package["name"]: package for package in lock["package"]}
    found: dict[str, str] = {}
    pending = list(roots)
    while pending:
        name, _, extras = pending.pop().partition("[")
        package = packages[name]
        found[name] = package["version"]
        wanted = [*package.get("dependencies", [])]
        for extra in filter(None, extras.rstrip("]").split(",")):
            # An extra that adds no package (moto's acm, route53) has no entry.
            wanted += package.get("optional-dependencies", {}).get(extra, [])
        pending.extend(
            dependency["name"] + ("[" + ",".join(dependency["extra"]) + "]" if "extra" in dependency else "")
            for dependency in wanted
            if dependency["name"] not in found
        )
    return found


def test_every_dependency_is_pinned_and_each_export_installs_exactly_the_lock() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    groups = pyproject["dependency-groups"]
    direct = [*pyproject["project"]["dependencies"], *groups["policy"], *groups["dev"]]
    assert [spec for spec in direct if isinstance(spec, str) and "==" not in spec] == []

    def names(specs: list[str | dict[str, str]]) -> list[str]:
        return [spec.split("==")[0].lower() for spec in specs if isinstance(spec, str)]

    runtime, policy = names(pyproject["project"]["dependencies"]), names(groups["policy"])
    # `make lock` regenerates the exports; a hand edit or a forgotten export fails here,
    # down to the last transitive dependency.
    assert _pins("requirements.txt") == _locked(runtime)
    assert _pins("requirements-dev.txt") == _locked([*runtime, *policy, *names(groups["dev"])])
    assert _pins("policy/requirements.txt") == _locked(policy)
    assert not {"pytest", "ruff", "mypy"} & _pins("requirements.txt").keys(), "tools stay out of the program"


def test_policy_requirements_pin_the_sdk_and_the_programs_pulumi() -> None:
    # Exported from uv.lock (`make lock`), so the pack runs the versions the tests ran.
    pins = _pins("policy/requirements.txt")
    assert pins["pulumi-policy"] == "1.21.0"
    assert pins["pulumi"] == _pins("requirements.txt")["pulumi"]


def _make_with_bare_path(tmp_path: Path, target: str, *, with_pulumi: bool) -> list[str]:
    """`make <target>` with a PATH of only a shell (and a do-nothing `pulumi`): its output lines.

    It must fail before installing anything.
    """
    bin_dir = tmp_path / "bin"
    if not bin_dir.exists():
        bin_dir.mkdir()
        for tool in ("bash", "sh"):
            found = shutil.which(tool)
            assert found is not None
            (bin_dir / tool).symlink_to(found)
        if with_pulumi:
            (bin_dir / "pulumi").write_text("#!/bin/sh\nexit 0\n")
            (bin_dir / "pulumi").chmod(0o755)
    make = shutil.which("make")
    assert make is not None
    result = subprocess.run(
        [make, "--no-print-directory", "-C", str(ROOT), target, "VENV=" + str(tmp_path / "venv")],
        env={**os.environ, "PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert not (tmp_path / "venv").exists(), "nothing is installed before the check"
    return (result.stdout + result.stderr).strip().splitlines()


@pytest.mark.parametrize("target", ["up", "preview", "destroy", "verify"])
def test_make_up_without_a_pulumi_cli_says_how_to_install_it_in_one_line(tmp_path: Path, target: str) -> None:
    (line,) = _make_with_bare_path(tmp_path, target, with_pulumi=False)
    assert "Pulumi CLI is not installed" in line
    assert "https://www.pulumi.com/docs/iac/download-install/" in line


def test_make_up_without_uv_says_how_to_install_it_in_one_line(tmp_path: Path) -> None:
    # Pulumi.yaml runs the program with uv: a Pulumi CLI alone is not enough.
    (line,) = _make_with_bare_path(tmp_path, "up", with_pulumi=True)
    assert "runs the program with uv, which is not installed" in line


def test_the_pip_fallbacks_announced_minutes_cover_what_it_took() -> None:
    measured = re.search(r"nothing cached, on the same 2-core machine: ([\d.]+) to ([\d.]+) min", BENCH.read_text())
    announced = re.search(r"^PIP_MINUTES := (\d+) to (\d+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert measured is not None and announced is not None
    fastest, slowest = float(measured[1]), float(measured[2])
    assert int(announced[1]) == round(fastest) and int(announced[2]) == math.ceil(slowest)


def test_make_lock_without_uv_says_how_to_install_it_in_one_line(tmp_path: Path) -> None:
    from doctor_checks.tools import UV_INSTALL

    (line,) = _make_with_bare_path(tmp_path, "lock", with_pulumi=True)
    assert "make lock re-resolves uv.lock with uv, which is not installed: install it with " in line
    assert UV_INSTALL in line


def test_make_alone_lists_every_target_with_one_line_and_installs_nothing(tmp_path: Path) -> None:
    make = shutil.which("make")
    assert make is not None
    done = subprocess.run(
        [make, "--no-print-directory", "-C", str(ROOT), f"VENV={tmp_path / 'venv'}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "venv").exists()
    phony = re.search(r"^\.PHONY: (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert phony is not None
    listed = {line.split()[1]: line for line in done.stdout.splitlines() if line.startswith("  make ")}
    assert sorted(set(phony.group(1).split()) - listed.keys()) == [], "a target without a `## ` help text"
    assert all(len(line.split(maxsplit=2)) == 3 for line in listed.values()), "each with its line of help"
    assert done.stdout.splitlines()[0] == "  make help     list these targets"


def test_every_place_that_advises_installing_uv_says_what_works_on_a_distributions_python() -> None:
    # `pip install uv` is refused by current Debian and Ubuntu (externally managed environment).
    from doctor_checks.tools import UV_INSTALL

    assert UV_INSTALL.startswith("pipx install uv, or uv's standalone installer: ")
    makefile = (ROOT / "Makefile").read_text()
    assert f"UV_INSTALL := {UV_INSTALL}\n" in makefile
    readme = (ROOT / "README.md").read_text().replace("`", "")
    assert UV_INSTALL in readme
    for text in (makefile, readme, (ROOT / "docs/troubleshooting.md").read_text().replace("`", "")):
        assert "or pip install uv" not in text and "(pip install uv)" not in text, "the old advice"


def test_without_uv_the_pip_fallback_says_what_it_does_and_how_long_it_takes(tmp_path: Path) -> None:
    # A stand-in python3 that records its calls: `-m venv DIR` makes DIR/bin/python a copy of it.
    bin_dir, log = tmp_path / "bin", tmp_path / "python.log"
    bin_dir.mkdir()
    for tool in ("bash", "sh", "touch", "mkdir", "cp"):
        found = shutil.which(tool)
        assert found is not None
        (bin_dir / tool).symlink_to(found)
    fake = bin_dir / "python3"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {log}\n'
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi\n'
    )
    fake.chmod(0o755)
    venv = tmp_path / "venv"
    make = shutil.which("make")
    assert make is not None
    result = subprocess.run(
        [make, "--no-print-directory", "-C", str(ROOT), "test", f"VENV={venv}", "PYTEST_ARGS="],
        env={**os.environ, "PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"uv is not installed: installing the pinned packages into {venv} with pip")
    assert "takes 2 to 4 minutes" in first and "pipx install uv" in first
    venv_call, pip_call, pytest_call = log.read_text().splitlines()
    assert venv_call == f"-m venv {venv}"
    assert pip_call.startswith("-m pip install") and "-r requirements-dev.txt" in pip_call
    assert "--quiet" not in pip_call, "pip prints each package as it goes: never minutes of silence"
    assert pytest_call == "-m pytest"


def _fake_pulumi(tmp_path: Path, login: str | None, prints: str = "") -> tuple[dict[str, str], Path]:
    """A `pulumi` on PATH that records each call with the backend it would use, and prints `prints`.

    `login` is the backend `pulumi login` recorded in PULUMI_HOME, None for none.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    script = [
        "#!/usr/bin/env bash",
        f'echo "${{PULUMI_BACKEND_URL:-<login>}} $*" >> {log}',
        f"printf %s {shlex.quote(prints)}",
    ]
    (bin_dir / "pulumi").write_text("\n".join(script) + "\n")
    (bin_dir / "pulumi").chmod(0o755)
    pulumi_home = tmp_path / "pulumi-home"
    pulumi_home.mkdir()
    if login is not None:
        (pulumi_home / "credentials.json").write_text(json.dumps({"current": login, "accessTokens": {}}))
    env = {key: value for key, value in os.environ.items() if key not in ("PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    env["PULUMI_HOME"] = str(pulumi_home)
    return env, log


def _stack_wrapper(env: dict[str, str], *args: str) -> None:
    subprocess.run([ROOT / "scripts/pulumi-stack.sh", *args], env=env, check=True, timeout=30)


def test_stack_wrapper_uses_a_local_backend_when_none_is_chosen(tmp_path: Path) -> None:
    env, log = _fake_pulumi(tmp_path, login=None)
    _stack_wrapper({**env, "STACK": "dev"}, "up")
    assert log.read_text().splitlines() == ["file://~ stack select --create dev", "file://~ up --stack dev"]


def test_stack_wrapper_keeps_a_recorded_login(tmp_path: Path) -> None:
    env, log = _fake_pulumi(tmp_path, login="https://api.pulumi.com")
    _stack_wrapper({**env, "STACK": "prod"}, "preview", "--diff")
    assert log.read_text().splitlines() == ["<login> stack select --create prod", "<login> preview --diff --stack prod"]


def test_stack_wrapper_keeps_a_backend_chosen_by_environment(tmp_path: Path) -> None:
    env, log = _fake_pulumi(tmp_path, login=None)
    _stack_wrapper({**env, "PULUMI_BACKEND_URL": "s3://team-state"}, "up")
    assert log.read_text().splitlines() == [
        "s3://team-state stack select --create dev",
        "s3://team-state up --stack dev",
    ]

    log.unlink()
    _stack_wrapper({**env, "PULUMI_ACCESS_TOKEN": "pul-token"}, "up")
    assert log.read_text().splitlines() == ["<login> stack select --create dev", "<login> up --stack dev"]


def test_stack_wrapper_creates_stacks_only_to_deploy_them(tmp_path: Path) -> None:
    # `make destroy` or `make verify` on a mistyped STACK must fail, not start an empty stack.
    env, log = _fake_pulumi(tmp_path, login=None)
    env = {**env, "STACK": "typo", "PULUMI_BACKEND_URL": "s3://team-state"}
    _stack_wrapper(env, "destroy")
    _stack_wrapper(env, "stack", "output", "--json")
    assert log.read_text().splitlines() == [
        "s3://team-state destroy --stack typo",
        "s3://team-state stack output --json --stack typo",
    ]


@pytest.mark.parametrize(
    ("verify_args", "read"),
    [
        ("", "stack output --json"),
        ("--insecure", "stack output --json"),
        # Only --sign-in reads the secret outputs (the machine clients' secrets), and only into the pipe.
        ("--insecure --sign-in", "stack output --json --show-secrets"),
    ],
)
def test_make_verify_feeds_the_stacks_outputs_to_verify(tmp_path: Path, verify_args: str, read: str) -> None:
    # Stack names on Pulumi Cloud contain a slash (org/stack); the outputs travel through a pipe.
    # What `--show-secrets` reveals goes only into the pipe: never echoed by make, nor quoted by verify.py.
    shown = '{"clientId": "abc", "apiClientSecrets": {"billing": "s3cret-never-printed"}}'
    env, log = _fake_pulumi(tmp_path, login="https://api.pulumi.com", prints=shown)
    # A virtualenv of its own whose packages are this one's. A bare link to sys.executable would
    # run the base interpreter's packages: on a distribution's Python, no urllib3.
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    shutil.copy(Path(sys.prefix) / "pyvenv.cfg", venv)
    (venv / "lib").symlink_to(Path(sys.prefix) / "lib")
    (venv / ".installed").touch()  # newer than the lock: nothing to install
    make = shutil.which("make")
    assert make is not None
    result = subprocess.run(
        [
            make, "--no-print-directory", "-C", str(ROOT), "verify", "STACK=acme/prod", f"VENV={venv}",
            f"VERIFY_ARGS={verify_args}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )  # fmt: skip
    assert log.read_text().splitlines() == [f"<login> {read} --stack acme/prod"]
    assert result.returncode != 0
    assert "lack protectedUrl, redirectUri, discoveryUrl" in result.stderr
    assert "s3cret-never-printed" not in result.stdout + result.stderr
