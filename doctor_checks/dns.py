"""Each route's host resolves, and not to a private address the internet cannot reach."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from doctor_checks.world import World
from verification.results import CheckLine, failed, passed

PROXY_HOST = "kubectl get service -n kong kong-gateway-proxy -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'"


def check_dns(host: str, world: World, routes_set: bool, stack: str) -> CheckLine:
    hostname = urlsplit(f"//{host}").hostname or host
    name = f"dns {hostname}"
    try:
        ipaddress.ip_address(hostname)
        return passed(name, "an IP address, nothing to resolve")
    except ValueError:
        pass
    try:
        addresses = world.resolve(hostname)
    except OSError as error:
        setting = "dataPlaneHost (or the routes' host)" if routes_set else "dataPlaneHost"
        return failed(
            name,
            f"the protected URL's host does not resolve: {error}.",
            f"set {setting} to your Kong proxy's public name, "
            f'`pulumi config set dataPlaneHost "$({PROXY_HOST})" --stack {stack}`. '
            "A new load balancer's name can take minutes to resolve.",
        )
    return passed(name, f"resolves to {', '.join(addresses)}")
