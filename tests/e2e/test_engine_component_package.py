"""The tooling for a source-based component package, proved with a toy package through the real CLI.

`pulumi package get-schema` lists the toy's component with its descriptions; a Python program
(`pulumi package add`, the SDK our language host generates) and a YAML program (`packages:`, the
YAML language host `make yaml` builds) each use the component with an input unknown during preview
and secret: preview, up, a preview with no changes, destroy. The component's child custom resource
runs in the package's plugin (tests/support/toy_component_package.py), so neither program needs the
package's Python code; the state holds the secret only encrypted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import toy_component_package as toy
import yaml
from engine import Engine
from kube_apiserver import ADMIN, KubeApiServer
from package_consumers import (
    Consumer,
    as_package_consumer,
    get_schema,
    python_consumer,
    yaml_consumer,
)

pytestmark = pytest.mark.e2e

TARGET = "toy-target"
TARGET_DATA = {"owner": "the cluster's owner"}
# The note the programs pass: a secret made from the uid of a ConfigMap they create, so unknown during preview.
SECRET_SUFFIX = "-s3cret-note"

PYTHON_PROGRAM = f"""\
import pulumi
import pulumi_kubernetes as k8s
import pulumi_toy as toy

source = k8s.core.v1.ConfigMap("source", metadata={{"namespace": "default"}}, data={{"a": "b"}})
thing = toy.Thing(
    "thing",
    message=pulumi.Output.secret(pulumi.Output.concat(source.metadata.uid, "{SECRET_SUFFIX}")),
    target="{TARGET}",
)
pulumi.export("sourceName", source.metadata.name)
pulumi.export("configMapName", thing.config_map_name)
"""

YAML_PROGRAM: dict[str, Any] = {
    # As Pulumi's docs write it ("Build a component", YAML): a path, relative to the program.
    "packages": {"toy": "../toy/provider"},
    "resources": {
        "source": {
            "type": "kubernetes:core/v1:ConfigMap",
            "properties": {"metadata": {"namespace": "default"}, "data": {"a": "b"}},
        },
        "thing": {
            "type": "toy:Thing",
            "properties": {
                "message": {"fn::secret": "${source.metadata.uid}" + SECRET_SUFFIX},
                "target": TARGET,
            },
        },
    },
    "outputs": {"sourceName": "${source.metadata.name}", "configMapName": "${thing.configMapName}"},
}


@pytest.fixture
def toy_engine(engine: Engine, engine_cluster: KubeApiServer) -> Engine:
    """The engine, the package's plugins installed, and the admin's kubeconfig (the toy's RBAC is not the point)."""
    return as_package_consumer(engine, engine_cluster)


@pytest.fixture
def toy_plugin(tmp_path: Path) -> Path:
    return toy.write(tmp_path / "toy")


@pytest.fixture
def core(engine_cluster: KubeApiServer) -> Any:
    from kubernetes import client

    return client.CoreV1Api(engine_cluster.client(ADMIN))


@pytest.fixture
def target(core: Any) -> Iterator[dict[str, Any]]:
    """An existing ConfigMap, as its owner made it, that the component annotates."""
    from kubernetes.client.exceptions import ApiException

    def remove() -> None:
        try:
            core.delete_namespaced_config_map(TARGET, "default")
        except ApiException as error:
            if error.status != 404:
                raise

    remove()
    core.create_namespaced_config_map("default", {"metadata": {"name": TARGET}, "data": TARGET_DATA})
    yield TARGET_DATA
    remove()


def test_get_schema_lists_the_component_and_the_resource_with_every_property_described(
    toy_engine: Engine, toy_plugin: Path, tmp_path: Path
) -> None:
    schema = get_schema(toy_engine, toy_plugin, cwd=tmp_path)

    assert (schema["name"], schema["version"]) == (toy.NAME, toy.VERSION)
    thing = schema["resources"]["toy:index:Thing"]
    assert thing["isComponent"] is True
    assert thing["description"].startswith("A toy component")
    assert sorted(thing["inputProperties"]) == ["message", "target"]
    assert sorted(thing["requiredInputs"]) == ["message", "target"]
    assert thing["inputProperties"]["target"].get("plain") is True  # a bare `str`
    assert "plain" not in thing["inputProperties"]["message"]  # `Input[str]`
    assert sorted(thing["properties"]) == ["configMapName"]
    annotation = schema["resources"]["toy:index:Annotation"]
    assert "isComponent" not in annotation
    for resource in (thing, annotation):
        for properties in (resource["inputProperties"], resource["properties"]):
            assert all(p.get("description") for p in properties.values()), properties


def test_a_python_program_uses_the_package_through_the_sdk_package_add_generates(
    toy_engine: Engine, toy_plugin: Path, target: dict[str, Any], core: Any, tmp_path: Path
) -> None:
    consumer = python_consumer(toy_engine, tmp_path / "consumer-python", PYTHON_PROGRAM, ("pulumi-kubernetes",))

    added = consumer.pulumi("package", "add", "../toy/provider")
    assert added.returncode == 0, added
    assert "import pulumi_toy" in added.output
    assert yaml.safe_load((consumer.directory / "Pulumi.yaml").read_text())["packages"] == {"toy": "../toy/provider"}
    assert (consumer.directory / "sdks" / "toy" / "pulumi_toy" / "thing.py").is_file()

    _scenario(consumer, core)


def test_a_yaml_program_uses_the_package_it_names(
    toy_engine: Engine,
    toy_plugin: Path,
    target: dict[str, Any],
    core: Any,
    yaml_language_host: Path,
    tmp_path: Path,
) -> None:
    _scenario(yaml_consumer(toy_engine, tmp_path / "consumer-yaml", YAML_PROGRAM), core)


def _scenario(consumer: Consumer, core: Any) -> None:
    """Preview, up, a preview with no changes, destroy: the target annotated, then as it was."""
    assert (done := consumer.init_stack()).returncode == 0, done

    preview = consumer.preview()
    assert preview.returncode == 0, preview
    # The plan, though the note is unknown: the component and its two children, under it.
    for created in (
        "toy:index:Thing::thing",
        "Thing$kubernetes:core/v1:ConfigMap::thing-data",
        "Thing$toy:index:Annotation::thing-note",
    ):
        assert f"{created}]" in preview.output, preview
    assert "+ 5 to create" in preview.output, preview

    up = consumer.up()
    assert up.returncode == 0, up
    outputs = consumer.outputs()
    note = core.read_namespaced_config_map(outputs["sourceName"], "default").metadata.uid + SECRET_SUFFIX
    assert core.read_namespaced_config_map(TARGET, "default").metadata.annotations == {toy.ANNOTATION_KEY: note}
    assert core.read_namespaced_config_map(outputs["configMapName"], "default").data == {"message": note}
    # Both children under the component, the annotation through the package's own provider.
    resources = {r["urn"].rsplit("::", 1)[-1]: r for r in consumer.export()["deployment"]["resources"]}
    assert resources["thing-note"]["type"] == "toy:index:Annotation"
    assert resources["thing-note"]["parent"] == resources["thing"]["urn"] == resources["thing-data"]["parent"]
    assert "::pulumi:providers:toy::" in resources["thing-note"]["provider"]
    assert note not in str(consumer.export()) + preview.output + up.output, "the secret in plain text"

    unchanged = consumer.preview("--expect-no-changes")
    assert unchanged.returncode == 0, unchanged

    destroyed = consumer.destroy()
    assert destroyed.returncode == 0, destroyed
    left = core.read_namespaced_config_map(TARGET, "default")
    assert (left.metadata.annotations or {}, left.data) == ({}, TARGET_DATA)
    names = {c.metadata.name for c in core.list_namespaced_config_map("default").items}
    assert not names & {outputs["sourceName"], outputs["configMapName"]}
