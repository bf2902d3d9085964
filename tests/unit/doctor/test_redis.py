"""The doctor's Redis check (doctor_checks/redis.py): a Service of the cluster is checked, other hosts described."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from doctor_checks.redis import check_redis, service_of


class Reader:
    def __init__(
        self, service: dict[str, Any] | None = None, slices: list[dict[str, Any]] | None = None, forbid: bool = False
    ) -> None:
        self._service, self._slices, self._forbid = service, slices or [], forbid
        self.asked: list[tuple[str, str]] = []

    def service(self, namespace: str, name: str) -> dict[str, Any] | None:
        self.asked.append((namespace, name))
        if self._forbid:
            raise PermissionError('services "redis" is forbidden')
        return self._service

    def endpoint_slices(self, namespace: str, service: str) -> list[dict[str, Any]]:
        return self._slices


def no_dns(host: str) -> list[str]:
    raise socket.gaierror(-2, "Name or service not known")


SERVICE = {"spec": {"type": "ClusterIP", "ports": [{"name": "redis", "port": 6379}]}}
READY = [{"endpoints": [{"addresses": ["10.0.0.5"], "conditions": {"ready": True}}, {"addresses": ["10.0.0.6"]}]}]


@pytest.mark.parametrize(
    ("host", "service"),
    [
        ("redis.sessions.svc", ("sessions", "redis")),
        ("redis.sessions.svc.cluster.local", ("sessions", "redis")),
        ("Redis.Sessions.svc.example.internal.", ("sessions", "redis")),
        ("sessions.abc123.use1.cache.amazonaws.com", None),
        ("redis.sessions", None),
        ("redis", None),
        ("10.0.0.5", None),
    ],
)
def test_a_service_is_recognised_by_the_clusters_dns_form(host: str, service: tuple[str, str] | None) -> None:
    assert service_of(host) == service


def test_a_ready_service_on_the_port_passes_from_the_clusters_side() -> None:
    reader = Reader(SERVICE, READY)
    check = check_redis("redis.sessions.svc.cluster.local", 6379, reader, no_dns)
    assert check.status == "PASS", check.line()
    assert check.detail == "Service sessions/redis serves port 6379 with 2 ready endpoint(s), from the cluster's side"
    assert reader.asked == [("sessions", "redis")]


def test_a_missing_service_a_wrong_port_or_no_ready_endpoint_fails() -> None:
    missing = check_redis("redis.sessions.svc", 6379, Reader(None), no_dns)
    assert missing.status == "FAIL" and "no Service sessions/redis" in missing.detail, missing.line()
    port = check_redis("redis.sessions.svc", 6380, Reader(SERVICE, READY), no_dns)
    assert port.status == "FAIL" and "serves port(s) 6379, not 6380" in port.detail, port.line()
    not_ready = [{"endpoints": [{"addresses": ["10.0.0.5"], "conditions": {"ready": False}}]}]
    idle = check_redis("redis.sessions.svc", 6379, Reader(SERVICE, not_ready), no_dns)
    assert idle.status == "FAIL" and "has no ready endpoint" in idle.detail, idle.line()
    assert "kubernetes.io/service-name=redis" in idle.fix


def test_what_cannot_be_seen_from_the_cluster_is_skipped_with_why() -> None:
    forbidden = check_redis("redis.sessions.svc", 6379, Reader(forbid=True), no_dns)
    assert forbidden.status == "SKIP" and "forbidden" in forbidden.detail, forbidden.line()
    unread = check_redis("redis.sessions.svc", 6379, None, no_dns, "dev", "no cluster to ask (see cluster)")
    assert unread.status == "SKIP" and "no cluster to ask" in unread.detail
    external = {"spec": {"type": "ExternalName", "externalName": "sessions.example.com"}}
    named = check_redis("redis.sessions.svc", 6379, Reader(external), no_dns)
    assert named.status == "SKIP" and "ExternalName for sessions.example.com" in named.detail


def test_a_host_outside_the_cluster_is_described_never_passed() -> None:
    elasticache = "sessions.abc123.use1.cache.amazonaws.com"
    resolved = check_redis(elasticache, 6379, Reader(), lambda host: ["10.1.2.3"])
    assert resolved.status == "SKIP", resolved.line()
    assert "resolves to 10.1.2.3 from this machine" in resolved.detail
    assert "make verify --sign-in" in resolved.detail
    unresolved = check_redis(elasticache, 6379, Reader(), no_dns)
    assert unresolved.status == "SKIP" and "does not resolve from this machine" in unresolved.detail
    address = check_redis("10.1.2.3", 6379, Reader(), no_dns)
    assert address.status == "SKIP" and "an IP address" in address.detail
