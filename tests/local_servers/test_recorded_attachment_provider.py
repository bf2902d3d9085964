"""Stacks deployed by earlier code keep working: their recorded attachment provider still loads and acts.

Pulumi keeps the attachment's provider in each stack's state, pickled by reference to
`components.ingress_plugin_attachment.IngressPluginAttachmentProvider`, and runs delete and
refresh with that old copy, in a Python process of its own started in the project directory.
tests/fixtures/attachment_provider_recorded.json was recorded once, by the commit it names;
a move or rename that breaks unpickling or the calls breaks every deployed stack.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from fake_kubernetes import fake_api_server
from program_harness import ROOT

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION

RECORDED = json.loads((ROOT / "tests/fixtures/attachment_provider_recorded.json").read_text())

# What the recorded provider does when Pulumi's dynamic-provider host calls it: configure with
# the stack config, then read (refresh) and delete with the outputs kept in the state.
_CALLS = """
import base64, json, sys
import dill
from pulumi.dynamic import Config, ConfigureRequest

call = json.load(sys.stdin)
provider = dill.loads(base64.b64decode(call["provider"]))
provider.configure(ConfigureRequest(Config(call["config"], project_name="kong-cognito-oidc")))
ids = []
for step in call["steps"]:
    if step == "read":
        ids.append(provider.read(call["id"], call["outs"]).id)
    else:
        provider.delete(call["id"], call["outs"])
print(json.dumps({"module": type(provider).__module__, "class": type(provider).__name__, "read_ids": ids}))
"""


def _run_recorded_provider(kubeconfig: Path, steps: list[str]) -> dict[str, Any]:
    inputs = RECORDED["inputs"]
    resource_id = f"{inputs['namespace']}/{inputs['ingress_name']}/{inputs['plugin_name']}"
    call = {
        "provider": RECORDED["__provider"],
        "config": {"kubernetes:kubeconfig": str(kubeconfig)},
        "id": resource_id,
        "outs": {**inputs, "added_by_stack": True},
        "steps": steps,
    }
    done = subprocess.run(
        [sys.executable, "-c", _CALLS],
        input=json.dumps(call),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_recorded_provider_refreshes_and_deletes_through_todays_code(tmp_path: Path) -> None:
    with fake_api_server(tmp_path) as server:
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors,oidc"})

        result = _run_recorded_provider(server.kubeconfig, ["read", "delete", "read"])

        assert (result["module"], result["class"]) == (
            "components.ingress_plugin_attachment",
            "IngressPluginAttachmentProvider",
        )
        # Attached, then detached leaving the other plugin, then seen as gone.
        assert result["read_ids"] == ["default/demo/oidc", None]
        assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors"}


def test_the_fixture_is_the_dev_stacks_attachment_as_deployed() -> None:
    assert RECORDED["type"] == "pulumi-python:dynamic/kong:IngressPluginAnnotation"
    assert RECORDED["urn"].endswith("::ingress-annotation")
    assert RECORDED["inputs"] == {
        "config_patch_paths": ["/client_secret", "/session_secret"],
        "namespace": "default",
        "plugin_name": "oidc",
        "ingress_name": "demo",
    }
