"""Fixtures of the engine scenarios: one API server, one moto server and the engine's environment."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import kong_ingress_controller
import kube_apiserver
import pytest
import requests
from engine import Engine, EngineMissingError, copy_project, engine_binaries, write_standin_plugins
from kong_ingress_controller import KicCluster
from kube_apiserver import ADMIN, DEPLOYER, KubeApiServer, ToolsMissingError, documented_rbac, in_ci

if TYPE_CHECKING:
    from cluster_backends import RealClusterStore

pytestmark = pytest.mark.e2e

# The namespaces the scenarios deploy to; the deployer holds the documented RBAC in each.
NAMESPACES = ("default", "shop")
KONG = ("configuration.konghq.com", "v1")

DEMO_INGRESS: dict[str, Any] = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "Ingress",
    "metadata": {"name": "demo", "namespace": "default", "annotations": {"kubernetes.io/description": "the demo"}},
    "spec": {
        "ingressClassName": "kong",
        "rules": [
            {
                "http": {
                    "paths": [
                        {
                            "path": "/bar",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": "demo", "port": {"number": 80}}},
                        }
                    ]
                }
            }
        ],
    },
}


def _missing(error: Exception) -> None:
    # In CI a missing tool fails the run; on a developer's machine it skips with the fix.
    if in_ci():
        pytest.fail(str(error))
    pytest.skip(str(error))


@pytest.fixture(scope="session")
def engine_built() -> None:
    """The engine's binaries (`make engine`) are there; else a skip, or a failure in CI."""
    try:
        engine_binaries()
    except EngineMissingError as error:
        _missing(error)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def engine_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeApiServer]:
    try:
        engine_binaries()
        server = kube_apiserver.start(tmp_path_factory.mktemp("apiserver"))
    except (EngineMissingError, ToolsMissingError) as error:
        _missing(error)
    collector = ForegroundDeletion(server)
    try:
        _install_kong_crd(server)
        _grant_deployer(server)
        collector.start()
        yield server
    finally:
        collector.stop()
        server.stop()


class ForegroundDeletion(threading.Thread):
    """The part of kube-controller-manager's garbage collector the stack needs, which the test cluster lacks.

    pulumi-kubernetes deletes with foreground propagation and waits until the object is gone: the
    API server only marks it (`foregroundDeletion` finalizer) and the garbage collector removes it
    once it has no dependents. The stack's Secrets and KongPlugins (and the ConfigMaps of the
    component package scenarios) have none, so this removes the finalizer from those marked for
    deletion, as the collector would.
    """

    def __init__(self, server: KubeApiServer) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.stopped = threading.Event()

    def run(self) -> None:
        from kubernetes import client

        api = self.server.client(ADMIN)
        core, custom = client.CoreV1Api(api), client.CustomObjectsApi(api)
        while not self.stopped.wait(0.2):
            for namespace in NAMESPACES:
                try:
                    for list_items, patch in (
                        (core.list_namespaced_secret, core.patch_namespaced_secret),
                        (core.list_namespaced_config_map, core.patch_namespaced_config_map),
                    ):
                        for item in list_items(namespace).items:
                            if item.metadata.deletion_timestamp and "foregroundDeletion" in (
                                item.metadata.finalizers or []
                            ):
                                patch(item.metadata.name, namespace, {"metadata": {"finalizers": None}})
                    plugins = custom.list_namespaced_custom_object(*KONG, namespace, "kongplugins")["items"]
                    for plugin in plugins:
                        metadata = plugin["metadata"]
                        if metadata.get("deletionTimestamp") and "foregroundDeletion" in metadata.get("finalizers", []):
                            custom.patch_namespaced_custom_object(
                                *KONG, namespace, "kongplugins", metadata["name"], {"metadata": {"finalizers": None}}
                            )
                except Exception:  # the server stopping, or an object gone meanwhile: try again
                    continue

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


def _install_kong_crd(server: KubeApiServer) -> None:
    from kubernetes import client

    crd = kube_apiserver.kong_crd("current")
    extensions = client.ApiextensionsV1Api(server.client(ADMIN))
    extensions.create_custom_resource_definition(crd)
    name = crd["metadata"]["name"]
    for _ in range(100):
        status = extensions.read_custom_resource_definition(name).status
        if any(c.type == "Established" and c.status == "True" for c in (status.conditions or [])):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} not established")


def _grant_deployer(server: KubeApiServer) -> None:
    """Exactly the RBAC docs/github-actions.md grants whoever runs `make up`, in every namespace used."""
    from kubernetes import client

    rbac = documented_rbac(DEPLOYER.groups[0])
    api = client.RbacAuthorizationV1Api(server.client(ADMIN))
    core = client.CoreV1Api(server.client(ADMIN))
    for namespace in NAMESPACES:
        if namespace != "default":
            core.create_namespace({"metadata": {"name": namespace}})
        for role, rules in rbac.roles.items():
            api.create_namespaced_role(namespace, {"metadata": {"name": role}, "rules": rules})
        for binding, (role, group) in rbac.bindings.items():
            api.create_namespaced_role_binding(
                namespace,
                {
                    "metadata": {"name": binding},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role},
                    "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}],
                },
            )


@pytest.fixture(scope="session")
def engine_gateway_api(engine_cluster: KubeApiServer) -> RealClusterStore:
    """The Gateway API's CRDs (tools/gateway-api-crds.yaml) in the engine's cluster, for HTTPRoute routes."""
    from cluster_backends import RealClusterStore

    store = RealClusterStore(engine_cluster, engine_cluster.client(ADMIN))
    store.install_gateway_api()
    return store


@pytest.fixture(scope="session")
def kic_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KicCluster]:
    """KIC's CRDs, RBAC and an installed Kong's objects, the deployer's documented RBAC, and KIC running.


    Its own API server: KIC's CRDs are its release's (not engine_cluster's newer KongPlugin CRD), and
    what KIC translates is only what the KIC scenarios put there.
    """
    import yaml

    workdir = tmp_path_factory.mktemp("kic")
    try:
        engine_binaries()
        kube_apiserver.binary("kong-ingress-controller")
        server = kube_apiserver.start(workdir)
    except (EngineMissingError, ToolsMissingError) as error:
        _missing(error)
    collector = ForegroundDeletion(server)
    kic = None
    try:
        kong_ingress_controller.prepare_cluster(server)
        _grant_deployer(server)
        collector.start()
        kic = kong_ingress_controller.start(server, workdir)
        admin_kubeconfig = workdir / "admin-kubeconfig"
        admin_kubeconfig.write_text(yaml.safe_dump(server.kubeconfig(ADMIN)))
        yield KicCluster(server, kic, admin_kubeconfig)
    finally:
        if kic is not None:
            kic.stop()
        collector.stop()
        server.stop()


@pytest.fixture
def kic_engine(kic_cluster: KicCluster, moto_url: str, tmp_path: Path) -> Engine:
    """As `engine`, for the KIC cluster."""
    import yaml

    home = tmp_path / "engine"
    write_standin_plugins(home / "plugins")
    kubeconfig = home / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(kic_cluster.server.kubeconfig(DEPLOYER)))
    return Engine(home=home, plugins_bin=home / "plugins", kubeconfig=kubeconfig, moto_url=moto_url)


@pytest.fixture
def moto_url() -> Iterator[str]:
    """A moto server for each test, emptied: nothing of another test's Cognito is left."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    # moto keeps its state per process, not per server: start from an empty account.
    requests.post(f"{url}/moto-api/reset", timeout=10).raise_for_status()
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def engine(engine_cluster: KubeApiServer, moto_url: str, tmp_path: Path) -> Engine:
    """A fresh state backend and Pulumi home for each test."""
    import yaml

    home = tmp_path / "engine"
    write_standin_plugins(home / "plugins")
    kubeconfig = home / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(engine_cluster.kubeconfig(DEPLOYER)))
    return Engine(home=home, plugins_bin=home / "plugins", kubeconfig=kubeconfig, moto_url=moto_url)


@pytest.fixture
def yaml_language_host() -> Path:
    """Pulumi's YAML language host (`make yaml`), for the programs in YAML."""
    try:
        return kube_apiserver.binary("pulumi-language-yaml")
    except ToolsMissingError as error:
        _missing(error)
        raise


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(kube_apiserver.ROOT, tmp_path / "project")


@pytest.fixture
def demo_ingress(engine_cluster: KubeApiServer) -> dict[str, Any]:
    """The existing Ingress `demo` the dev stack protects, as a cluster's owner made it."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    _remove_leftovers(engine_cluster)
    networking = client.NetworkingV1Api(engine_cluster.client(ADMIN))
    try:
        networking.delete_namespaced_ingress("demo", "default")
    except ApiException as error:
        if error.status != 404:
            raise
    created = networking.create_namespaced_ingress("default", DEMO_INGRESS)
    as_json: dict[str, Any] = engine_cluster.client(ADMIN).sanitize_for_serialization(created)
    return as_json


def _remove_leftovers(server: KubeApiServer) -> None:
    """Another test's KongPlugins and the stack's Secrets, so each test starts from the same cluster."""
    from kubernetes import client

    api = server.client(ADMIN)
    core, custom = client.CoreV1Api(api), client.CustomObjectsApi(api)
    for namespace in NAMESPACES:
        for plugin in custom.list_namespaced_custom_object(*KONG, namespace, "kongplugins")["items"]:
            custom.delete_namespaced_custom_object(*KONG, namespace, "kongplugins", plugin["metadata"]["name"])
        for secret in core.list_namespaced_secret(namespace).items:
            if secret.metadata.name.startswith("kong-oidc-secrets"):
                core.delete_namespaced_secret(secret.metadata.name, namespace)
