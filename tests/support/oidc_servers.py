"""Local HTTPS servers standing in for Kong and Cognito in verify.py's tests.

Each server answers from a route table that a test may change: a path maps to a fixed
Reply or to a function of the Request (method, query, cookies, form fields).
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Set-Cookie lines (a header that may repeat).
    cookies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    cookies: dict[str, str]
    form: dict[str, list[str]]

    def one(self, name: str) -> str | None:
        """The query's single value of `name`, else None."""
        values = self.query.get(name, [])
        return values[0] if len(values) == 1 else None


Route = Reply | Callable[[Request], Reply]


def json_reply(document: Any) -> Reply:
    return Reply(200, {"Content-Type": "application/json"}, json.dumps(document).encode())


def html_reply(status: int, text: str) -> Reply:
    return Reply(status, {"Content-Type": "text/html; charset=utf-8"}, f"<html><body>{text}</body></html>".encode())


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, {"Location": location})


class _Handler(BaseHTTPRequestHandler):
    server: _TlsServer
    # Keep-alive without Nagle's delay: fewer TLS handshakes, quicker tests.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._answer(b"")

    def do_POST(self) -> None:
        self._answer(self.rfile.read(int(self.headers.get("Content-Length", "0"))))

    def _answer(self, body: bytes) -> None:
        parts = urlsplit(self.path)
        self.server.requests.append(parts.path)
        route = self.server.routes.get(parts.path)
        if route is None:
            reply = html_reply(404, "not found")
        elif isinstance(route, Reply):
            reply = route
        else:
            cookies = SimpleCookie(self.headers.get("Cookie", ""))
            reply = route(
                Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    cookies={name: morsel.value for name, morsel in cookies.items()},
                    form=parse_qs(body.decode(), keep_blank_values=True),
                )
            )
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        for cookie in reply.cookies:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _TlsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = self.socket.accept()
        # The handshake runs in the request's thread, so a client that rejects the certificate cannot stall accept().
        return self.context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that reject the certificate are expected


@dataclass
class TlsServer:
    """One HTTPS server on 127.0.0.1; `routes` is its table, `url(path)` an address on it."""

    _server: _TlsServer

    @property
    def routes(self) -> dict[str, Route]:
        return self._server.routes

    @property
    def requests(self) -> list[str]:
        """Paths requested so far, in order."""
        return self._server.requests

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"https://{host!s}:{port}"

    def url(self, path: str, query: dict[str, str] | None = None) -> str:
        return self.origin + path + (f"?{urlencode(query)}" if query else "")


@contextmanager
def tls_server(context: ssl.SSLContext) -> Iterator[TlsServer]:
    server = _TlsServer(context)
    # shutdown() waits out one poll: 5 ms, not 50, at the end of every test that starts one.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)
    thread.start()
    try:
        yield TlsServer(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def silent_server() -> Iterator[str]:
    """An https:// origin that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        yield f"https://127.0.0.1:{port}"


def closed_origin() -> str:
    """An https:// origin where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"https://127.0.0.1:{port}"
