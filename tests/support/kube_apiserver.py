"""A real etcd and kube-apiserver on 127.0.0.1, for the tests `make e2e` runs.

`make tools` builds both into .tools/bin from the Go modules pinned in tools/go.mod. Kong's
KongPlugin CRDs come from Kong's own Go modules, pinned in tools/kong-crds.yaml, and the Gateway
API's HTTPRoute, Gateway and GatewayClass CRDs from sigs.k8s.io/gateway-api, pinned in
tools/gateway-api-crds.yaml; both are downloaded with `go mod download` when a test asks for them.
The API server authenticates static tokens (--token-auth-file) and authorizes with RBAC, like a
real cluster; nothing listens beyond 127.0.0.1.

Every process started here is stopped by `stop()`, by an atexit hook if the run ends without it,
and, if the test process is killed outright, by the kernel (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import os
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TOOLS_BIN = ROOT / ".tools" / "bin"
KONG_CRD_PINS = ROOT / "tools" / "kong-crds.yaml"
GATEWAY_API_CRD_PINS = ROOT / "tools" / "gateway-api-crds.yaml"
DOCS_RBAC = ROOT / "docs" / "github-actions.md"
START_TIMEOUT = 60.0


class ToolsMissingError(Exception):
    """A binary `make tools` builds, or Go itself, is not there."""


def in_ci() -> bool:
    """Whether this runs in CI (`CI=true`, as .ci/run and GitHub Actions set it): a missing tool fails, never skips."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


@dataclass(frozen=True)
class Identity:
    user: str
    token: str
    groups: tuple[str, ...] = ()


# The admin sets the stage; the tester is the identity of the contract tests (its RBAC is set per
# test, and its name is the one the fake API server writes in its 403 answers); the deployer holds
# exactly the RBAC docs/github-actions.md grants for `make up`; NO_PLUGIN_GET holds the same, minus `get`
# on kongplugins. KIC is the Kong Ingress Controller's identity (tests/support/kong_ingress_controller.py
# binds the ClusterRoles KIC's release grants to it).
ADMIN = Identity("e2e-admin", "admin-token", ("system:masters",))
TESTER = Identity("arn:aws:sts::123456789012:assumed-role/kong-oidc-deploy/session", "tester-token")
DEPLOYER = Identity("kong-oidc-deployer", "deployer-token", ("kong-oidc-deploy",))
NO_PLUGIN_GET = Identity("kong-oidc-deployer-without-get", "no-get-token", ("kong-oidc-deploy-without-get",))
KIC = Identity("kong-ingress-controller", "kic-token")
IDENTITIES = (ADMIN, TESTER, DEPLOYER, NO_PLUGIN_GET, KIC)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """Runs in the child before exec: the kernel kills it when the test process dies (PR_SET_PDEATHSIG, Linux)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def binary(name: str) -> Path:
    path = TOOLS_BIN / name
    if not os.access(path, os.X_OK):
        raise ToolsMissingError(f"{path} is missing: run `make tools` (needs Go and the Go module proxy)")
    return path


def go_binary() -> str:
    found = shutil.which("go") or shutil.which("go", path="/usr/local/go/bin")
    if not found:
        raise ToolsMissingError(
            "Go is not installed: Kong's CRDs are read from Kong's Go modules with `go mod download`"
        )
    return found


def module_dir(module: str, version: str) -> Path:
    """Where `go mod download` put `module@version` (checked against the Go checksum database)."""
    with tempfile.TemporaryDirectory() as outside_any_module:
        done = subprocess.run(
            [go_binary(), "mod", "download", "-json", f"{module}@{version}"],
            cwd=outside_any_module,
            capture_output=True,
            text=True,
            check=False,
        )
    downloaded = json.loads(done.stdout or "{}")
    if done.returncode != 0 or "Dir" not in downloaded:
        raise ToolsMissingError(f"go mod download {module}@{version} failed: {done.stdout}{done.stderr}")
    return Path(downloaded["Dir"])


@cache
def kong_crd(which: str) -> dict[str, Any]:
    """The KongPlugin CRD pinned as `which` in tools/kong-crds.yaml ("current" or "before-3.1")."""
    pin = yaml.safe_load(KONG_CRD_PINS.read_text())[which]
    crd: dict[str, Any] = yaml.safe_load((module_dir(pin["module"], pin["version"]) / pin["file"]).read_text())
    return crd


@cache
def gateway_api_crds() -> tuple[dict[str, Any], ...]:
    """The Gateway API CRDs pinned in tools/gateway-api-crds.yaml: GatewayClass, Gateway, HTTPRoute."""
    pin = yaml.safe_load(GATEWAY_API_CRD_PINS.read_text())
    found = module_dir(pin["module"], pin["version"])
    return tuple(yaml.safe_load((found / file).read_text()) for file in pin["files"])


# --- the RBAC docs/github-actions.md grants ---


@dataclass
class DocumentedRbac:
    roles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Role name -> rules."""
    bindings: dict[str, tuple[str, str]] = field(default_factory=dict)
    """RoleBinding name -> (role, group)."""
    namespace: str = "default"


def documented_rbac(group: str) -> DocumentedRbac:
    """The Roles and RoleBindings the docs' `kubectl create role|rolebinding` lines give `group`."""
    commands = DOCS_RBAC.read_text().replace("\\\n", " ").splitlines()
    rbac = DocumentedRbac()
    roles: dict[str, list[dict[str, Any]]] = {}
    for line in commands:
        words = shlex.split(line.strip()) if line.strip().startswith("kubectl ") else []
        if "create" not in words:
            continue
        options = dict(word[2:].split("=", 1) for word in words if word.startswith("--") and "=" in word)
        kind, name = words[words.index("create") + 1 : words.index("create") + 3]
        rbac.namespace = words[words.index("-n") + 1] if "-n" in words else rbac.namespace
        if kind == "role":
            rules = []
            for resource in options["resource"].split(","):
                plural, _, api_group = resource.partition(".")
                rules.append({"apiGroups": [api_group], "resources": [plural], "verbs": options["verb"].split(",")})
            roles[name] = rules
        elif kind == "rolebinding" and options.get("group") == group:
            rbac.bindings[name] = (options["role"], group)
    rbac.roles = {role: roles[role] for role, _ in rbac.bindings.values()}
    return rbac


def without_verb(rbac: DocumentedRbac, verb: str, resource: str, group: str) -> DocumentedRbac:
    """The same grants for another group, with `verb` on `resource` taken away."""
    roles = {}
    for name, rules in rbac.roles.items():
        kept = []
        for rule in rules:
            if resource in rule["resources"]:
                others = [r for r in rule["resources"] if r != resource]
                if others:
                    kept.append({**rule, "resources": others})
                rule = {**rule, "resources": [resource], "verbs": [v for v in rule["verbs"] if v != verb]}
            kept.append(rule)
        roles[f"{name}-without-{verb}"] = kept
    bindings = {
        f"{name}-without-{verb}": (f"{role}-without-{verb}", group) for name, (role, _) in rbac.bindings.items()
    }
    return DocumentedRbac(roles, bindings, rbac.namespace)


# --- the processes ---


@dataclass
class KubeApiServer:
    url: str
    ca_file: Path
    workdir: Path
    processes: list[subprocess.Popen[bytes]]

    def kubeconfig(self, identity: Identity, server: str | None = None) -> dict[str, Any]:
        cluster: dict[str, Any] = {"server": server or self.url}
        if server is None:
            cluster["certificate-authority"] = str(self.ca_file)
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "e2e", "cluster": cluster}],
            "users": [{"name": identity.user, "user": {"token": identity.token}}],
            "contexts": [{"name": "e2e", "context": {"cluster": "e2e", "user": identity.user}}],
            "current-context": "e2e",
        }

    def client(self, identity: Identity = ADMIN) -> Any:
        from kubernetes import client, config

        configuration = client.Configuration()
        config.load_kube_config_from_dict(self.kubeconfig(identity), client_configuration=configuration)
        return client.ApiClient(configuration)

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def stop(self) -> None:
        # The API server first, so it does not spend its shutdown retrying a stopped etcd.
        for process in reversed(self.processes):
            _stop(process)
        self.processes.clear()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _spawn(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped as a whole
            preexec_fn=_die_with_parent,
        )


def _write_service_account_key(workdir: Path) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private, public = workdir / "sa.key", workdir / "sa.pub"
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private, public


def _wait_ready(server: KubeApiServer, deadline: float) -> None:
    request = urllib.request.Request(f"{server.url}/readyz", headers={"Authorization": f"Bearer {ADMIN.token}"})
    last = ""
    while time.monotonic() < deadline:
        for process in server.processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited with {process.returncode}; see {server.workdir}/*.log")
        if server.ca_file.exists():
            try:
                with urllib.request.urlopen(request, context=server.ssl_context(), timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, ssl.SSLError, TimeoutError) as error:
                last = str(error)
        time.sleep(0.1)
    raise RuntimeError(f"kube-apiserver not ready after {START_TIMEOUT:.0f} s ({last}); see {server.workdir}/*.log")


def start(workdir: Path) -> KubeApiServer:
    """etcd and kube-apiserver on free loopback ports, data and logs in `workdir`; returns once /readyz is ok."""
    etcd, apiserver = binary("etcd"), binary("kube-apiserver")
    etcd_port, peer_port, api_port = _free_port(), _free_port(), _free_port()
    tokens = workdir / "tokens.csv"
    tokens.write_text("".join(f'{i.token},{i.user},{i.user},"{",".join(i.groups)}"\n' for i in IDENTITIES))
    signing_key, public_key = _write_service_account_key(workdir)
    certs = workdir / "certs"
    etcd_url, peer_url = f"http://127.0.0.1:{etcd_port}", f"http://127.0.0.1:{peer_port}"
    server = KubeApiServer(
        url=f"https://127.0.0.1:{api_port}", ca_file=certs / "apiserver.crt", workdir=workdir, processes=[]
    )
    atexit.register(server.stop)
    deadline = time.monotonic() + START_TIMEOUT
    server.processes.append(
        _spawn(
            [
                str(etcd),
                "--name=e2e",
                f"--data-dir={workdir / 'etcd'}",
                f"--listen-client-urls={etcd_url}",
                f"--advertise-client-urls={etcd_url}",
                f"--listen-peer-urls={peer_url}",
                f"--initial-advertise-peer-urls={peer_url}",
                f"--initial-cluster=e2e={peer_url}",
                "--unsafe-no-fsync",  # throwaway data: no fsync, a faster start and faster writes
                "--log-level=warn",
            ],
            workdir / "etcd.log",
        )
    )
    server.processes.append(
        _spawn(
            [
                str(apiserver),
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                f"--secure-port={api_port}",
                f"--cert-dir={certs}",
                f"--etcd-servers={etcd_url}",
                f"--token-auth-file={tokens}",
                "--authorization-mode=RBAC",
                "--anonymous-auth=false",
                "--service-account-issuer=https://kubernetes.default.svc",
                f"--service-account-key-file={public_key}",
                f"--service-account-signing-key-file={signing_key}",
                "--service-cluster-ip-range=10.96.0.0/24",
                "--endpoint-reconciler-type=none",
                "--enable-priority-and-fairness=false",
                "--profiling=false",
            ],
            workdir / "kube-apiserver.log",
        )
    )
    try:
        _wait_ready(server, deadline)
    except BaseException:
        server.stop()
        raise
    return server
