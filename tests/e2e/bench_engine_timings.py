"""`make bench`'s engine rows: `make preview` against the engine's floor, `make up` of 50 routes against one.

Not a test of `make e2e` (the name does not start with test_): bench/bench.py runs it with pytest,
for the e2e fixtures (API server, moto, the engine's environment), and reads the seconds it writes
to $BENCH_ENGINE_JSON. Runs are interleaved (floor, program, floor, ...), so a busy machine slows
both alike; every run starts from a stack that was never deployed, except the no-change preview.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from engine import Engine, Run, empty_program
from kube_apiserver import ADMIN, KubeApiServer

pytestmark = pytest.mark.e2e

MANY_ROUTES = 50
RUNS = int(os.environ.get("BENCH_ENGINE_RUNS", "3"))


def timed(run: Run) -> float:
    assert run.returncode == 0, run
    return run.seconds


def many_ingresses(server: KubeApiServer, demo: dict[str, Any]) -> list[dict[str, str]]:
    """MANY_ROUTES Ingresses across both namespaces, and the routes that protect them."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    networking = client.NetworkingV1Api(server.client(ADMIN))
    routes = []
    for index in range(MANY_ROUTES):
        name, namespace = f"app-{index:02d}", ("default", "shop")[index % 2]
        try:
            networking.delete_namespaced_ingress(name, namespace)
        except ApiException as error:
            if error.status != 404:
                raise
        networking.create_namespaced_ingress(
            namespace, {**demo, "metadata": {"name": name, "namespace": namespace, "annotations": {}}}
        )
        routes.append({"ingress": name, "namespace": namespace, "host": "apps.example.com", "path": f"/{name}"})
    return routes


def test_timings(
    engine: Engine,
    project: Path,
    tmp_path: Path,
    engine_cluster: KubeApiServer,
    moto_url: str,
    demo_ingress: dict[str, Any],
) -> None:
    # The floor: the same language host and virtualenv running a program that declares nothing.
    floor = empty_program(tmp_path / "floor")
    demo = {key: demo_ingress[key] for key in ("apiVersion", "kind", "spec")}
    routes = many_ingresses(engine_cluster, demo)
    config = yaml.safe_load((project / "Pulumi.dev.yaml").read_text())["config"]
    seconds: dict[str, list[float]] = {"floor": [], "preview": [], "unchanged": [], "up_one": [], "up_many": []}
    for run in range(RUNS):
        seconds["floor"].append(timed(engine.run(["scripts/pulumi-stack.sh", "preview"], cwd=floor)))
        one, many = f"one-{run}", f"many-{run}"
        (project / f"Pulumi.{one}.yaml").write_text(yaml.safe_dump({"config": config}))
        many_config = {**config, "kong-cognito-oidc:routes": routes}
        (project / f"Pulumi.{many}.yaml").write_text(yaml.safe_dump({"config": many_config}))
        seconds["preview"].append(timed(engine.make("preview", project, one)))
        seconds["up_one"].append(timed(engine.make("up", project, one)))
        seconds["unchanged"].append(timed(engine.make("preview", project, one)))
        seconds["up_many"].append(timed(engine.make("up", project, many)))
        for stack in (one, many):
            timed(engine.make("destroy", project, stack))
    Path(os.environ.get("BENCH_ENGINE_JSON", tmp_path / "timings.json")).write_text(json.dumps(seconds))
