"""The Kong Ingress Controller (KIC) on the e2e kube-apiserver, configuring the stand-in Admin API.

`make tools` builds KIC into .tools/bin/kong-ingress-controller from the module pinned in
tools/kic/go.mod (scripts/build-kic.sh). At test time, from the same Go modules (`go mod download`,
checked against the Go checksum database; nothing is copied into this repository):
- KIC's CRDs, `config/crd/bases` of its module;
- the ClusterRoles its release grants (`config/rbac/role.yaml`, `gateway/role.yaml`, `crds/role.yaml`),
  bound to the identity it runs as, so it reads only what a real installation may;
- the Gateway API's standard CRDs at the version KIC is built with (its go.mod's sigs.k8s.io/gateway-api).

The cluster then gets what an installed Kong has: the IngressClass `kong`, a GatewayClass `kong` of
KIC's controller with the `konghq.com/gatewayclass-unmanaged` annotation (KIC then accepts its
Gateways itself), the Gateway kong/kong, and the proxy Service kong/kong-proxy KIC publishes.

KIC runs in DB-less mode against tests/support/kong_admin_api.py: no Konnect, no anonymous reports,
no admission webhook, no leader election (KIC turns it off in DB-less mode without Admin API
discovery), JSON logs in a file, metrics and health probes on free loopback ports. `/readyz` of the
probes answers 200 once KIC has synced its caches and sent its first configuration.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import kong_admin_api
import yaml
from kube_apiserver import ADMIN, KIC, ROOT, KubeApiServer, _die_with_parent, _free_port, binary, module_dir

from components.kong.crds import KONG_CONTROLLER, KONG_GATEWAY_CONTROLLER
from components.kubernetes.route_objects import KONG_PLUGIN, ROUTE_OBJECTS
from doctor_checks.http_routes import UNMANAGED_CLASS_ANNOTATION

KIC_GO_MOD = ROOT / "tools" / "kic" / "go.mod"
KIC_MODULE = "github.com/kong/kubernetes-ingress-controller/v3"
GATEWAY_API_MODULE = "sigs.k8s.io/gateway-api"
KIC_CLUSTER_ROLES = ("config/rbac/role.yaml", "config/rbac/gateway/role.yaml", "config/rbac/crds/role.yaml")
KONG_NAMESPACE = "kong"
PROXY_SERVICE = "kong-proxy"
GATEWAY = "kong"
# A documentation address (RFC 5737): what KIC writes as the proxy's address in Ingress and Gateway status.
PROXY_ADDRESS = "192.0.2.10"
# KIC's default is 3 s; 1 s keeps the scenarios short (KIC logs a note, at info level).
SYNC_SECONDS = 1.0
START_TIMEOUT = 120.0
SETTLE_TIMEOUT = 60.0


def pinned_version(module: str) -> str:
    """The version tools/kic/go.mod requires of `module` (KIC's own, and those KIC's go.mod requires)."""
    found = re.search(rf"^\s*{re.escape(module)} (v\S+)", KIC_GO_MOD.read_text(), re.MULTILINE)
    if found is None:
        raise ValueError(f"{KIC_GO_MOD} requires no {module}")
    return found.group(1)


@cache
def kic_dir() -> Path:
    return module_dir(KIC_MODULE, pinned_version(KIC_MODULE))


def kic_crds() -> list[dict[str, Any]]:
    """Every CRD KIC's release installs (config/crd/bases)."""
    return [yaml.safe_load(path.read_text()) for path in sorted((kic_dir() / "config/crd/bases").glob("*.yaml"))]


def gateway_api_crds() -> list[dict[str, Any]]:
    """The Gateway API's standard channel at the version KIC is built with."""
    found = module_dir(GATEWAY_API_MODULE, pinned_version(GATEWAY_API_MODULE)) / "config/crd/standard"
    return [yaml.safe_load(path.read_text()) for path in sorted(found.glob("*.yaml"))]


def kic_cluster_roles() -> list[dict[str, Any]]:
    roles: list[dict[str, Any]] = []
    for file in KIC_CLUSTER_ROLES:
        roles.extend(document for document in yaml.safe_load_all((kic_dir() / file).read_text()) if document)
    return roles


# --- the cluster, as an installed Kong leaves it ---


def prepare_cluster(server: KubeApiServer) -> None:
    """CRDs, KIC's RBAC, and the objects of an installed Kong (see the module's docstring)."""
    from kubernetes import client

    api = server.client(ADMIN)
    extensions = client.ApiextensionsV1Api(api)
    crds = [*kic_crds(), *gateway_api_crds()]
    for crd in crds:
        extensions.create_custom_resource_definition(crd)
    for crd in crds:
        _wait_established(extensions, crd["metadata"]["name"])

    rbac = client.RbacAuthorizationV1Api(api)
    group = "rbac.authorization.k8s.io"
    for role in kic_cluster_roles():
        rbac.create_cluster_role(role)
        name = role["metadata"]["name"]
        rbac.create_cluster_role_binding(
            {
                "metadata": {"name": name},
                "roleRef": {"apiGroup": group, "kind": "ClusterRole", "name": name},
                "subjects": [{"apiGroup": group, "kind": "User", "name": KIC.user}],
            }
        )

    core = client.CoreV1Api(api)
    core.create_namespace({"metadata": {"name": KONG_NAMESPACE}})
    core.create_namespaced_service(
        KONG_NAMESPACE,
        {
            "metadata": {"name": PROXY_SERVICE},
            "spec": {"ports": [{"name": "proxy", "port": 80, "targetPort": 8000, "protocol": "TCP"}]},
        },
    )
    client.NetworkingV1Api(api).create_ingress_class(
        {"metadata": {"name": "kong"}, "spec": {"controller": KONG_CONTROLLER}}
    )
    custom = client.CustomObjectsApi(api)
    custom.create_cluster_custom_object(
        "gateway.networking.k8s.io",
        "v1",
        "gatewayclasses",
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": "kong", "annotations": {UNMANAGED_CLASS_ANNOTATION: "true"}},
            "spec": {"controllerName": KONG_GATEWAY_CONTROLLER},
        },
    )
    custom.create_namespaced_custom_object(
        "gateway.networking.k8s.io",
        "v1",
        KONG_NAMESPACE,
        "gateways",
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": {"name": GATEWAY},
            "spec": {
                "gatewayClassName": "kong",
                "listeners": [
                    {"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "All"}}}
                ],
            },
        },
    )


def add_backend(server: KubeApiServer, namespace: str, name: str, address: str) -> None:
    """Service `name` (port 80 to 8080) and its EndpointSlice with one ready endpoint, as a running app has:
    KIC reads a backend's EndpointSlices for Kong's upstream targets, and logs an error when there are none."""
    from kubernetes import client

    api = server.client(ADMIN)
    client.CoreV1Api(api).create_namespaced_service(
        namespace, {"metadata": {"name": name}, "spec": {"ports": [{"name": "http", "port": 80, "targetPort": 8080}]}}
    )
    client.DiscoveryV1Api(api).create_namespaced_endpoint_slice(
        namespace,
        {
            "metadata": {"name": f"{name}-1", "labels": {"kubernetes.io/service-name": name}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [address], "conditions": {"ready": True}}],
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        },
    )


def _wait_established(extensions: Any, name: str) -> None:
    for _ in range(200):
        status = extensions.read_custom_resource_definition(name).status
        if any(c.type == "Established" and c.status == "True" for c in (status.conditions or [])):
            return
        time.sleep(0.1)
    raise RuntimeError(f"CRD {name} not established")


# --- its log ---

KubernetesObject = tuple[str, str, str]
"""(kind, namespace, name)."""
PLURALS = {found.kind: found.plural for found in (*ROUTE_OBJECTS.values(), KONG_PLUGIN)} | {"Secret": "secrets"}
# What a write gets (HTTP 409) when another client wrote the object since it was read. KIC's reconcilers
# then return the error, which controller-runtime logs as "Reconciler error" and retries: the stack's
# writes (the attachment's annotation, a KongPlugin's update) race KIC's status writes when the machine is
# busy. A race, not a verdict on what the stack declares (k8s.io/apiserver: OptimisticLockErrorMsg).
WRITE_CONFLICT = "the object has been modified; please apply your changes to the latest version and try again"


def names_object(line: dict[str, Any], kind: str, namespace: str, name: str) -> bool:
    """Whether a KIC log line is about the object: its fields name it (`namespace` and `name`, with the kind, if
    any, in KIC's `kind` or `GVK` or controller-runtime's `controllerKind`; a KongPlugin also as
    `kongplugin_namespace` and `kongplugin_name`, or `namespace` and `plugin`: KIC's
    internal/dataplane/kongstate/kongstate.go), or its message or error does: `<namespace>/<name>`, as KIC
    writes objects, or `<plural or kind>[.<group>] "<name>"`, as the API server's errors do."""
    gvk = str(line.get("GVK") or "")
    named_kind = line.get("kind") or line.get("controllerKind") or (gvk.split("Kind=")[-1] if "Kind=" in gvk else None)
    if (line.get("namespace"), line.get("name")) == (namespace, name) and named_kind in (None, kind):
        return True
    plugin_fields = {
        (line.get("kongplugin_namespace"), line.get("kongplugin_name")),
        (line.get("namespace"), line.get("plugin")),
    }
    if kind == "KongPlugin" and (namespace, name) in plugin_fields:
        return True
    text = f"{line.get('msg', '')} {line.get('error', '')}"
    written = rf"(?<![\w./-]){re.escape(namespace)}/{re.escape(name)}(?![\w/-])"
    resource = f"(?:{re.escape(PLURALS[kind])}|{re.escape(kind)})"
    in_api_error = rf"(?<![\w-]){resource}(\.[\w.-]+)? \"{re.escape(name)}\""
    return re.search(f"{written}|{in_api_error}", text) is not None


def is_error_about(line: dict[str, Any], since: datetime, objects: Iterable[KubernetesObject]) -> bool:
    """An error-level line logged at or after `since` (KIC logs whole seconds) about one of `objects`, that is
    not a write conflict."""
    return (
        line.get("level") == "error"
        and datetime.fromisoformat(line["time"]) >= since.replace(microsecond=0)
        and WRITE_CONFLICT not in str(line.get("error", ""))
        and any(names_object(line, *found) for found in objects)
    )


# --- the process ---


@dataclass
class KongIngressController:
    process: subprocess.Popen[bytes]
    admin: kong_admin_api.KongAdminApi
    log: Path
    probe_url: str

    def config(self) -> dict[str, Any]:
        """The last configuration KIC posted (empty before its first)."""
        return self.admin.state.latest() or {}

    def settled(self, condition: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        """The configuration once `condition` holds of it and KIC has posted nothing newer for two syncs.

        KIC posts at each sync whose result changed, so a state in between (a plugin created, its
        Ingress not yet annotated) may be posted first: this waits for the one that lasts.
        """
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while time.monotonic() < deadline:
            self._check_running()
            count, latest = self._latest()
            if condition(latest):
                if self._posts_after(count, 2 * SYNC_SECONDS + 1) == count:
                    return latest
                continue
            self._posts_after(count, 1)
        raise AssertionError(
            f"KIC never posted a configuration where {what} (last one: {json.dumps(self.config())[:4000]});"
            f" KIC's log: {self.log}"
        )

    def _latest(self) -> tuple[int, dict[str, Any]]:
        with self.admin.state.lock:
            configs = self.admin.state.configs
            return len(configs), configs[-1] if configs else {}

    def _posts_after(self, count: int, seconds: float) -> int:
        """The number of posts once there are more than `count`, or `seconds` have passed."""
        state = self.admin.state
        with state.lock:
            state.lock.wait_for(lambda: len(state.configs) != count, timeout=seconds)
            return len(state.configs)

    def log_lines(self) -> list[dict[str, Any]]:
        """KIC's log, one JSON object per line (the few lines that are not JSON, as {"msg": line})."""
        lines = []
        for line in self.log.read_text(errors="replace").splitlines():
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                lines.append({"msg": line})
        return lines

    def errors_about(self, since: datetime, *objects: KubernetesObject) -> list[dict[str, Any]]:
        """KIC's error-level log lines logged at or after `since` about any of `objects`, but for write conflicts."""
        return [line for line in self.log_lines() if is_error_about(line, since, objects)]

    def _check_running(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"KIC exited with {self.process.returncode}; see {self.log}")

    def stop(self) -> None:
        """SIGTERM, as Kubernetes stops a pod; KIC shuts down its manager and exits."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.admin.stop()


@dataclass
class KicCluster:
    """An API server read by KIC, and a kubeconfig of its admin (for `make doctor`, run as "yourself")."""

    server: KubeApiServer
    kic: KongIngressController
    admin_kubeconfig: Path


def start(server: KubeApiServer, workdir: Path) -> KongIngressController:
    """KIC against `server` (prepared with `prepare_cluster`) and a new stand-in Admin API; returns once ready."""
    executable = binary("kong-ingress-controller")
    kubeconfig = workdir / "kic-kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(server.kubeconfig(KIC)))
    admin = kong_admin_api.start()
    probe_port = _free_port()
    log = workdir / "kong-ingress-controller.log"
    command = [
        str(executable),
        f"--kubeconfig={kubeconfig}",
        f"--kong-admin-url={admin.url}",
        "--anonymous-reports=false",
        f"--publish-service={KONG_NAMESPACE}/{PROXY_SERVICE}",
        f"--publish-status-address={PROXY_ADDRESS}",
        f"--metrics-bind-address=127.0.0.1:{_free_port()}",
        f"--health-probe-bind-address=127.0.0.1:{probe_port}",
        f"--proxy-sync-seconds={SYNC_SECONDS}",
        "--log-format=json",
        "--log-level=info",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
            env={**os.environ, "POD_NAME": "kong-ingress-controller", "POD_NAMESPACE": KONG_NAMESPACE},
        )
    kic = KongIngressController(process, admin, log, f"http://127.0.0.1:{probe_port}")
    try:
        _wait_ready(kic)
    except BaseException:
        kic.stop()
        raise
    return kic


def _wait_ready(kic: KongIngressController) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last = ""
    while time.monotonic() < deadline:
        kic._check_running()
        try:
            with urllib.request.urlopen(f"{kic.probe_url}/readyz", timeout=2) as answer:
                if answer.status == 200 and kic.admin.state.configs:
                    return
                last = f"readyz {answer.status}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last = str(error)
        time.sleep(0.2)
    raise RuntimeError(f"KIC not ready after {START_TIMEOUT:.0f} s ({last or 'no answer'}); see {kic.log}")


# --- reading the configuration KIC posted ---


def routes(config: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every Kong route of the configuration (KIC nests them in their services)."""
    for service in config.get("services") or []:
        yield from service.get("routes") or []


def routes_of(config: dict[str, Any], kind: str, namespace: str, name: str) -> list[str]:
    """The names of the Kong routes KIC made of one Kubernetes object (its tags name it)."""
    wanted = {f"k8s-kind:{kind}", f"k8s-namespace:{namespace}", f"k8s-name:{name}"}
    return sorted(route["name"] for route in routes(config) if wanted <= set(route.get("tags") or []))


def plugins_on(config: dict[str, Any], route_name: str) -> list[dict[str, Any]]:
    """The plugins on one Kong route: KIC 3.3 lists them at the top level, naming the route; decK may nest them."""
    nested = [p for route in routes(config) if route["name"] == route_name for p in route.get("plugins") or []]
    return nested + [p for p in config.get("plugins") or [] if p.get("route") == route_name]


def plugins_named(config: dict[str, Any], plugin: str) -> list[dict[str, Any]]:
    """Every instance of Kong plugin `plugin`, wherever KIC put it (routes, services, globally)."""
    found = [p for route in routes(config) for p in route.get("plugins") or [] if p.get("name") == plugin]
    found += [
        p for service in config.get("services") or [] for p in service.get("plugins") or [] if p.get("name") == plugin
    ]
    return found + [p for p in config.get("plugins") or [] if p.get("name") == plugin]


def from_kong_plugin(plugin: dict[str, Any], namespace: str, name: str) -> bool:
    """Whether a Kong plugin came from KongPlugin namespace/name (KIC tags it with the object)."""
    tags = set(plugin.get("tags") or [])
    return {"k8s-kind:KongPlugin", f"k8s-namespace:{namespace}", f"k8s-name:{name}"} <= tags
