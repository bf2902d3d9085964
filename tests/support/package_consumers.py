"""Programs that use a source-based component package, run through the real CLI, for `make e2e`.

A consumer is a Pulumi program of its own in a temp dir, in Python or YAML, run with an Engine's
environment (engine.py: file backend, temp PULUMI_HOME, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION,
.tools/bin and the stand-ins on PATH). What the CLI (v3.274.1) needs besides, read in its code:

- `pulumi package add <dir>` and `pulumi package get-schema <dir>` first install the package's
  plugin: its dependencies (the language host's InstallDependencies), then every plugin its
  virtualenv names (GetRequiredPackages: aws, kubernetes and random for this project's) that is not
  in $PULUMI_HOME/plugins is *downloaded*, whatever PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION says
  (pkg/cmd/pulumi/packageinstallation). `install_package_plugins` puts them there first, with
  `pulumi plugin install resource <name> <version> --file <executable>`: the stand-ins, and the
  Kubernetes provider `make engine` builds.
- A Python consumer gets the SDK `pulumi package add` generates (sdks/<name>, `import pulumi_<name>`)
  through our language host's GeneratePackage, Link (`uv add` of the folder, for a uv program) and
  InstallDependencies (`uv sync`). Its pyproject.toml pins what it needs to the versions of this
  project's requirements.txt (as uv constraints), so uv installs from its cache what `make install`
  installed.
- A YAML consumer names the package in Pulumi.yaml's `packages:` (pulumi-yaml v1.25.0 has no Link:
  `pulumi package add` cannot write it there), as Pulumi's docs write it; the YAML host (`make yaml`)
  starts the package's plugin itself to read its schema, through our Python language host.
- The engine starts the package's plugin for the component (Construct) and for its custom resources
  (CRUD) with the consumer's directory as working directory.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from engine import COMMAND_TIMEOUT, ENGINE_BIN, Engine, Run
from kube_apiserver import ADMIN, KubeApiServer

ROOT = Path(__file__).resolve().parents[2]
YAML_HOST = ENGINE_BIN / "pulumi-language-yaml"
# The resource plugins this project's virtualenv names (pulumi-plugin.json of each SDK).
PLUGIN_PACKAGES = ("aws", "kubernetes", "random")


def project_pins() -> list[str]:
    """requirements.txt's pins (`name==version`, some with a marker), as this project's lock exports them."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def pinned_version(distribution: str) -> str:
    for pin in project_pins():
        found = re.fullmatch(rf"{re.escape(distribution)}==([^ ;]+)", pin)
        if found:
            return found[1]
    raise LookupError(f"{distribution} is not pinned in requirements.txt")


def install_package_plugins(engine: Engine) -> None:
    """The plugins a package in this project's virtualenv needs, into the engine's PULUMI_HOME."""
    for name in PLUGIN_PACKAGES:
        executable = ENGINE_BIN / f"pulumi-resource-{name}"
        if not executable.exists():
            executable = engine.plugins_bin / f"pulumi-resource-{name}"  # a stand-in
        version = pinned_version(f"pulumi-{name}")
        done = engine.run(
            ["pulumi", "plugin", "install", "resource", name, version, "--file", str(executable)], cwd=engine.home
        )
        assert done.returncode == 0, done


def as_package_consumer(engine: Engine, cluster: KubeApiServer) -> Engine:
    """`engine` with the package plugins installed and the admin's kubeconfig in KUBECONFIG: the consumers'
    programs create Ingresses, which the deployer's documented RBAC does not allow."""
    kubeconfig = engine.home / "admin-kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(cluster.kubeconfig(ADMIN)))
    engine.extra_env["KUBECONFIG"] = str(kubeconfig)
    install_package_plugins(engine)
    return engine


def get_schema(engine: Engine, source: Path, cwd: Path) -> dict[str, Any]:
    """`pulumi package get-schema <source>`: the schema it prints (stdout), its messages on stderr."""
    done = subprocess.run(
        ["pulumi", "package", "get-schema", str(source)],
        cwd=cwd,
        env=engine.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    schema: dict[str, Any] = json.loads(done.stdout)
    return schema


@dataclass
class Consumer:
    """A program using the package, and its stack."""

    engine: Engine
    directory: Path
    stack: str = "dev"

    def pulumi(self, *args: str) -> Run:
        """A command without a stack (`package add`, `package get-schema`)."""
        return self.engine.run(["pulumi", *args], cwd=self.directory)

    def on_stack(self, *args: str) -> Run:
        return self.engine.pulumi(self.directory, self.stack, *args)

    def init_stack(self) -> Run:
        return self.on_stack("stack", "init")

    def preview(self, *flags: str) -> Run:
        return self.on_stack("preview", "--diff", *flags)

    def up(self) -> Run:
        return self.on_stack("up", "--yes", "--skip-preview")

    def destroy(self) -> Run:
        return self.on_stack("destroy", "--yes", "--skip-preview")

    def export(self) -> dict[str, Any]:
        return self.engine.export(self.directory, self.stack)

    def outputs(self) -> dict[str, Any]:
        done = self.on_stack("stack", "output", "--json")
        assert done.returncode == 0, done
        found: dict[str, Any] = json.loads(done.output)
        return found


def python_consumer(engine: Engine, directory: Path, program: str, dependencies: tuple[str, ...] = ()) -> Consumer:
    """A Python program run with uv, `pulumi` and `dependencies` (distribution names) at this project's pins."""
    directory.mkdir(parents=True)
    name = directory.name
    (directory / "Pulumi.yaml").write_text(
        yaml.safe_dump({"name": name, "runtime": {"name": "python", "options": {"toolchain": "uv"}}})
    )
    requirements = [f"{d}=={pinned_version(d)}" for d in ("pulumi", *dependencies)]
    (directory / "pyproject.toml").write_text(
        "[project]\n"
        f"name = {json.dumps(name)}\n"
        'version = "0.0.0"\n'
        'requires-python = ">=3.11"\n'
        f"dependencies = {json.dumps(requirements)}\n\n"
        "[tool.uv]\n"
        "package = false\n"
        f"constraint-dependencies = {json.dumps(project_pins())}\n"
    )
    (directory / "__main__.py").write_text(program)
    return Consumer(engine, directory)


def yaml_consumer(engine: Engine, directory: Path, program: dict[str, Any]) -> Consumer:
    """A Pulumi YAML program: `program` is Pulumi.yaml's content without its name and runtime."""
    directory.mkdir(parents=True)
    (directory / "Pulumi.yaml").write_text(
        yaml.safe_dump({"name": directory.name, "runtime": "yaml", **program}, sort_keys=False)
    )
    return Consumer(engine, directory)
