"""A stand-in for Kong Gateway Enterprise's Admin API in DB-less mode, for the Kong Ingress Controller of `make e2e`.

Kong Gateway cannot run here, but the Kong Ingress Controller (KIC) in DB-less mode needs only a few
endpoints, and what it POSTs to `/config` is exactly the declarative configuration Kong would load.
This server records every such body, so a test can read what KIC made of the stack's objects.

What it mirrors, and where from:
- KIC's own mock of the Admin API, `test/mocks/admin_api_handler.go` in
  github.com/kong/kubernetes-ingress-controller/v3 v3.3.1 (the version `make tools` builds):
  `GET /` with `version` and `configuration.database: off`, `router_flavor` and `proxy_listeners`;
  `GET /status` with `configuration_hash`; `POST /config`; `GET /config` answering the loaded
  configuration as YAML in `config`. And `GET /schemas/plugins/<name>`, which KIC 3.3.1 reads for
  every plugin it sends, to fill in the defaults of its config (internal/dataplane/deckgen's
  fillPlugin, go-kong's FillPluginsDefaults); a plugin whose schema it cannot read is sent anyway,
  after an error-level log line. And, once at start-up, the entity collections (`GET /services`,
  `/routes`, `/plugins`, ...: ENTITY_COLLECTIONS below), from which KIC recovers the configuration
  the Gateway last loaded (internal/dataplane/configfetcher): answered empty, as a freshly started
  DB-less Kong answers them.
- What KIC 3.3.1 reads of them: `version`, `configuration.database` and `configuration.router_flavor`
  at start-up (internal/manager/utils/kongconfig/root.go: it refuses to start without them); the
  `configuration_hash` of `/status`, 32 zeros while nothing is loaded (sendconfig.WellKnownInitialHash:
  KIC then pushes even an unchanged configuration); `POST /config?check_hash=1` (go-kong's
  ReloadDeclarativeRawConfig), any status below 400 being success.
- Kong's Admin API (its reference on developer.konghq.com, and Kong/kong's kong/api/routes/config.lua):
  `GET /` node information, `GET /status` health with the `configuration_hash`, `POST /config` loads a
  declarative configuration (JSON or YAML, or `config=` in a form) and answers 201 Created with it.

The version is an Enterprise one (four numbers, as Kong Gateway Enterprise 3.x reports it; go-kong's
Version.IsKongGatewayEnterprise): `openid-connect` is an Enterprise plugin, so only an Enterprise
Gateway loads the configuration this stack leads to. (KIC itself does not refuse the plugin on an
open-source Gateway; Kong would, at `POST /config`.)

Plugin schemas: the plugins the scenarios declare (`openid-connect`, and `cors` as another team's) are
served in Kong's layout (a `protocols` field with its default, a `config` record), with no config
fields: KIC then fills in no defaults, and the config it posts holds exactly what the KongPlugin and
its configPatches say (against the real Gateway it would add Kong's defaults, which Kong applies on
load anyway). Another plugin name answers 404, as Kong answers for a plugin it does not have.

Any other request answers 404 `{"message": "Not found"}`, as Kong does, and is kept in `unexpected`:
a test fails on it, so a KIC that starts calling something new is noticed rather than half-served.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

# A release of Kong Gateway Enterprise 3.4 (Kong's package kong-enterprise-edition 3.4.3.12 in its gateway-34
# repository on cloudsmith.io): 3.4 is the oldest the project supports (docs/design.md#minimum-versions), and
# KIC 3.x requires at least 3.4.1 (its versions.KICv3VersionCutoff).
ENTERPRISE_VERSION = "3.4.3.12"
# What Kong reports while it has no configuration loaded (KIC's sendconfig.WellKnownInitialHash).
EMPTY_CONFIGURATION_HASH = "0" * 32
# Kong Gateway Enterprise's openid-connect, and an open-source plugin another team may list.
PLUGINS = ("openid-connect", "cors")
# What KIC 3.3.1 lists at start-up to recover the Gateway's last good configuration (its configfetcher,
# through go-database-reconciler's dump; `?size=1000` pages): every collection the fake answers empty.
ENTITY_COLLECTIONS = (
    "acls", "basic-auths", "ca_certificates", "certificates", "consumer_groups", "consumers", "filter-chains",
    "hmac-auths", "jwts", "key-auths", "mtls-auths", "oauth2", "plugins", "routes", "services", "snis",
    "upstreams", "vaults",
)  # fmt: skip
# Kong's typedefs.protocols_http, every HTTP plugin's default `protocols`.
HTTP_PROTOCOLS = ["grpc", "grpcs", "http", "https"]


@dataclass
class AdminApiState:
    version: str = ENTERPRISE_VERSION
    configs: list[dict[str, Any]] = field(default_factory=list)
    """Every configuration KIC posted to /config, oldest first."""
    unexpected: list[str] = field(default_factory=list)
    """`<method> <path>` of every request this stand-in does not serve."""
    configuration_hash: str = EMPTY_CONFIGURATION_HASH
    lock: threading.Condition = field(default_factory=threading.Condition)

    def latest(self) -> dict[str, Any] | None:
        with self.lock:
            return self.configs[-1] if self.configs else None


class _Handler(BaseHTTPRequestHandler):
    state: AdminApiState

    def log_message(self, format: str, *args: Any) -> None:  # KIC polls /status: keep test output clean
        pass

    def _reply(self, status: int, body: Any = None) -> None:
        payload = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _not_found(self, method: str) -> None:
        with self.state.lock:
            self.state.unexpected.append(f"{method} {self.path}")
        self._reply(404, {"message": "Not found"})

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/":
            return self._reply(200, self._root())
        if path == "/status":
            return self._reply(200, {"configuration_hash": self.state.configuration_hash, "server": {}})
        if path == "/config":
            latest = self.state.latest()
            return self._reply(200, {"config": yaml.safe_dump(latest or {"_format_version": "3.0"})})
        if path.startswith("/schemas/plugins/"):
            return self._plugin_schema(path.removeprefix("/schemas/plugins/"))
        if path.strip("/") in ENTITY_COLLECTIONS:
            return self._reply(200, {"data": [], "next": None})
        self._not_found("GET")

    def _plugin_schema(self, name: str) -> None:
        if name not in PLUGINS:
            return self._reply(404, {"message": f"No plugin named '{name}'"})
        protocols = {"protocols": {"type": "set", "required": True, "default": HTTP_PROTOCOLS}}
        self._reply(200, {"fields": [protocols, {"config": {"type": "record", "fields": []}}]})

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != "/config":
            return self._not_found("POST")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            config = _declarative(body, self.headers.get("Content-Type", ""))
        except ValueError as error:
            return self._reply(400, {"message": f"declarative config is invalid: {error}"})
        with self.state.lock:
            self.state.configs.append(config)
            self.state.configuration_hash = hashlib.md5(body, usedforsecurity=False).hexdigest()
            self.state.lock.notify_all()
        self._reply(201, config)

    def _root(self) -> dict[str, Any]:
        return {
            "version": self.state.version,
            "tagline": "Welcome to kong",
            "configuration": {
                "database": "off",
                "router_flavor": "traditional",
                "role": "traditional",
                "proxy_listeners": [{"ip": "0.0.0.0", "port": 8000, "listener": "0.0.0.0:8000", "ssl": False}],
            },
        }


def _declarative(body: bytes, content_type: str) -> dict[str, Any]:
    """The posted configuration: JSON, or `config=<yaml or json>` in a form, as Kong takes it."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        (text,) = parse_qs(body.decode()).get("config", [""])
    else:
        text = body.decode()
    try:
        parsed = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise ValueError(str(error)) from error
    if not isinstance(parsed, dict) or "_format_version" not in parsed:
        raise ValueError("expected a declarative configuration with _format_version")
    return parsed


@dataclass
class KongAdminApi:
    url: str
    state: AdminApiState
    server: ThreadingHTTPServer

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start() -> KongAdminApi:
    """The stand-in on a free port of 127.0.0.1, serving in a thread until `stop()`."""
    state = AdminApiState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return KongAdminApi(url=f"http://127.0.0.1:{server.server_port}", state=state, server=server)
