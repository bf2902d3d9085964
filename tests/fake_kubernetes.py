"""Stand-ins for the Kubernetes API's Ingress endpoints, for the attachment's tests.

`FakeIngressApi` is the in-memory `IngressApi`; `FakeApiServer` serves the same
store over HTTP on 127.0.0.1 so the real Kubernetes client can be exercised.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from components.ingress_plugin_attachment import ConflictError


@dataclass
class StoredIngress:
    annotations: dict[str, str]
    resource_version: int = 1


@dataclass
class FakeIngressApi:
    """In-memory Ingresses; `conflicts` makes the next N writes fail as if someone wrote first."""

    ingresses: dict[tuple[str, str], StoredIngress] = field(default_factory=dict)
    conflicts: int = 0
    writes: int = 0

    def add(self, namespace: str, name: str, annotations: dict[str, str] | None = None) -> None:
        self.ingresses[(namespace, name)] = StoredIngress(dict(annotations or {}))

    def annotations(self, namespace: str, name: str) -> dict[str, str]:
        return self.ingresses[(namespace, name)].annotations

    def read_annotations(self, namespace: str, name: str) -> tuple[dict[str, str], str] | None:
        stored = self.ingresses.get((namespace, name))
        if stored is None:
            return None
        return dict(stored.annotations), str(stored.resource_version)

    def write_annotation(self, namespace: str, name: str, key: str, value: str | None, resource_version: str) -> None:
        stored = self.ingresses[(namespace, name)]
        if self.conflicts:
            self.conflicts -= 1
            stored.resource_version += 1  # someone else's write
            raise ConflictError("the object has been modified")
        if resource_version != str(stored.resource_version):
            raise ConflictError("stale resourceVersion")
        if value is None:
            stored.annotations.pop(key, None)
        else:
            stored.annotations[key] = value
        stored.resource_version += 1
        self.writes += 1


_INGRESS_PATH = re.compile(r"^/apis/networking\.k8s\.io/v1/namespaces/([^/]+)/ingresses/([^/?]+)")


class _Handler(BaseHTTPRequestHandler):
    store: FakeIngressApi
    requests: list[tuple[str, str, str, Any]]

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _ingress(self, namespace: str, name: str) -> dict[str, Any]:
        stored = self.store.ingresses[(namespace, name)]
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "resourceVersion": str(stored.resource_version),
                "annotations": stored.annotations,
            },
            "spec": {},
        }

    def _not_found(self, namespace: str, name: str) -> None:
        self._reply(
            404,
            {
                "kind": "Status",
                "apiVersion": "v1",
                "status": "Failure",
                "reason": "NotFound",
                "code": 404,
                "message": f'ingresses.networking.k8s.io "{name}" not found',
            },
        )

    def do_GET(self) -> None:
        match = _INGRESS_PATH.match(self.path)
        assert match, self.path
        namespace, name = match.groups()
        self.requests.append(("GET", self.path, self.headers.get("Content-Type", ""), None))
        if (namespace, name) not in self.store.ingresses:
            return self._not_found(namespace, name)
        self._reply(200, self._ingress(namespace, name))

    def do_PATCH(self) -> None:
        match = _INGRESS_PATH.match(self.path)
        assert match, self.path
        namespace, name = match.groups()
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append(("PATCH", self.path, self.headers.get("Content-Type", ""), body))
        if (namespace, name) not in self.store.ingresses:
            return self._not_found(namespace, name)
        stored = self.store.ingresses[(namespace, name)]
        wanted_version = body.get("metadata", {}).get("resourceVersion")
        if wanted_version is not None and wanted_version != str(stored.resource_version):
            return self._reply(
                409,
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "status": "Failure",
                    "reason": "Conflict",
                    "code": 409,
                    "message": "the object has been modified; please apply your changes to the latest version",
                },
            )
        for key, value in body.get("metadata", {}).get("annotations", {}).items():
            if value is None:
                stored.annotations.pop(key, None)
            else:
                stored.annotations[key] = value
        stored.resource_version += 1
        self._reply(200, self._ingress(namespace, name))


@dataclass
class FakeApiServer:
    store: FakeIngressApi
    kubeconfig: Path
    requests: list[tuple[str, str, str, Any]]


@contextmanager
def fake_api_server(tmp_path: Path, context: str = "fake") -> Iterator[FakeApiServer]:
    """An HTTP Kubernetes API on 127.0.0.1 and a kubeconfig file whose `context` points at it."""
    store = FakeIngressApi()
    requests: list[tuple[str, str, str, Any]] = []
    handler = type("Handler", (_Handler,), {"store": store, "requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": f"http://{host}:{port}"}}],
                "users": [{"name": "fake", "user": {"token": "fake-token"}}],
                "contexts": [{"name": context, "context": {"cluster": "fake", "user": "fake"}}],
                "current-context": context,
            }
        )
    )
    try:
        yield FakeApiServer(store=store, kubeconfig=kubeconfig, requests=requests)
    finally:
        server.shutdown()
        server.server_close()
