"""With Redis sessions: the Redis host, seen from the cluster's side where the doctor can see it.

The doctor is read-only and runs nothing in the cluster, so it cannot open a connection from Kong's
pods; a TCP connection from the doctor's machine would prove nothing about them (another network,
another DNS). What it can see from the cluster's side is a Redis that runs in the cluster: when
`sessions.redis.host` names a Kubernetes Service (`<service>.<namespace>.svc`, optionally followed
by the cluster's domain, as the cluster's DNS names Services), it checks that the Service exists,
serves the port, and has ready endpoints (its EndpointSlices), which is what Kong's connection needs
of it. Any other host (ElastiCache, a VM) is reported as what it is: resolved from this machine,
and proven end to end only by `make verify --sign-in`, whose sign-in writes the session to Redis.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any, Protocol

from components.kubernetes.route_objects import ObjectKind, RefusedError
from doctor_checks.cluster import Cluster
from doctor_checks.world import TIMEOUT
from verification.results import CheckLine, failed, passed, skipped

ENDPOINT_SLICE = ObjectKind("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", "EndpointSlices")
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


class ServiceReader(Protocol):
    """Reads a Service and its EndpointSlices; raises PermissionError with the API server's words on a 403."""

    def service(self, namespace: str, name: str) -> dict[str, Any] | None: ...

    def endpoint_slices(self, namespace: str, service: str) -> list[dict[str, Any]]: ...


class ClusterServices:
    """`ServiceReader` over the doctor's cluster: core/v1 Services and discovery.k8s.io/v1 EndpointSlices."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def service(self, namespace: str, name: str) -> dict[str, Any] | None:
        import json

        from kubernetes import client
        from kubernetes.client.exceptions import ApiException

        try:
            response = client.CoreV1Api(self.cluster.api).read_namespaced_service(
                name, namespace, _preload_content=False, _request_timeout=TIMEOUT
            )
        except ApiException as error:
            if error.status == 404:
                return None
            if error.status == 403:
                raise PermissionError(f"get services in {namespace} is forbidden") from error
            raise
        found: dict[str, Any] = json.loads(response.data)
        return found

    def endpoint_slices(self, namespace: str, service: str) -> list[dict[str, Any]]:
        try:
            slices = self.cluster.objects.list(ENDPOINT_SLICE, namespace)
        except RefusedError as error:
            raise PermissionError(error.detail) from error
        return [
            item for item in slices if (item.get("metadata", {}).get("labels") or {}).get(SERVICE_NAME_LABEL) == service
        ]


def service_of(host: str) -> tuple[str, str] | None:
    """(namespace, name) of the Service a cluster DNS name points to: `<name>.<namespace>.svc[.<domain>]`."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) >= 3 and labels[2] == "svc" and all(labels[:2]):
        return labels[1], labels[0]
    return None


def check_redis(
    host: str,
    port: int,
    reader: ServiceReader | None,
    resolve: Callable[[str], list[str]],
    stack: str = "dev",
    why_no_reader: str = "",
) -> CheckLine:
    name = f"redis {host}"
    found = service_of(host)
    if found is None:
        return _outside_the_cluster(name, host, resolve)
    namespace, service_name = found
    if reader is None:
        return skipped(name, f"a Service of the cluster, which could not be read: {why_no_reader}")
    where = f"Service {namespace}/{service_name}"
    try:
        service = reader.service(namespace, service_name)
        slices = reader.endpoint_slices(namespace, service_name) if service is not None else []
    except PermissionError as error:
        return skipped(name, f"may not read {where} or its EndpointSlices: {error}")
    fix = (
        "make sessions.redis.host name the Service Kong's pods reach Redis through (`pulumi config set --path "
        f"sessions.redis.host <service>.<namespace>.svc.cluster.local --stack {stack}`), or deploy Redis behind it."
    )
    if service is None:
        return failed(name, f"no {where}: Kong's pods would find no Redis there, and every sign-in would fail.", fix)
    spec = service.get("spec") or {}
    if spec.get("type") == "ExternalName":
        return skipped(
            name, f"{where} is an ExternalName for {spec.get('externalName')}, resolved by the cluster's DNS"
        )
    ports = sorted(int(entry["port"]) for entry in spec.get("ports") or [] if "port" in entry)
    if port not in ports:
        return failed(
            name,
            f"{where} serves port(s) {', '.join(map(str, ports)) or 'none'}, not {port}.",
            "set sessions.redis.port to the Service's Redis port, "
            f"`pulumi config set --path sessions.redis.port <port> --stack {stack}`.",
        )
    ready = sum(
        1
        for endpoint_slice in slices
        for endpoint in endpoint_slice.get("endpoints") or []
        if (endpoint.get("conditions") or {}).get("ready") is not False
    )
    if ready == 0:
        return failed(
            name,
            f"{where} has no ready endpoint: no Redis pod answers behind it, and every sign-in would fail.",
            f"`kubectl get endpointslices -n {namespace} -l kubernetes.io/service-name={service_name}` and the pods "
            "behind the Service: start Redis, or fix the Service's selector.",
        )
    return passed(name, f"{where} serves port {port} with {ready} ready endpoint(s), from the cluster's side")


def _outside_the_cluster(name: str, host: str, resolve: Callable[[str], list[str]]) -> CheckLine:
    proof = (
        "whether Kong's pods reach it cannot be seen from here (the doctor runs nothing in the cluster); "
        "`make verify --sign-in` signs in through it"
    )
    try:
        ipaddress.ip_address(host)
        return skipped(name, f"an IP address; {proof}")
    except ValueError:
        pass
    try:
        addresses = resolve(host)
    except OSError as error:
        return skipped(
            name, f"not a Service of the cluster, and it does not resolve from this machine ({error}); {proof}"
        )
    return skipped(
        name, f"not a Service of the cluster; it resolves to {', '.join(addresses)} from this machine; {proof}"
    )
