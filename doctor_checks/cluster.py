"""The cluster: reachable with the stack's kubeconfig and context, Kong's CRDs recent enough, its IngressClasses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from components.kong.crds import KIC_CRD_UPGRADE, KONG_CONTROLLER
from components.kubernetes.route_objects import (
    CUSTOM_RESOURCE_DEFINITION,
    INGRESS_CLASS,
    KONG_PLUGIN,
    ClusterObjects,
    ForbiddenError,
    NotServedError,
    RefusedError,
    status_message,
)
from doctor_checks.world import TIMEOUT
from verification.results import CheckLine, failed, passed, skipped

DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"


KONG_PLUGINS = KONG_PLUGIN.resource


@dataclass
class Cluster:
    api: Any
    """The official client's ApiClient for the stack's cluster."""
    context: str

    @cached_property
    def objects(self) -> ClusterObjects:
        """Every object the checks read, as the attachment reads them (components/kubernetes/route_objects.py)."""
        return ClusterObjects(self.api, timeout=TIMEOUT)


def check_cluster(
    kubeconfig_value: str | None, context: str | None, unreadable: str | None, stack: str
) -> tuple[CheckLine, Cluster | None]:
    from components.kubernetes import kubeconfig

    pick = (
        "use the kubeconfig of the cluster running Kong: `aws eks update-kubeconfig --name <cluster>`, or "
        f"`pulumi config set kubernetes:context <name> --stack {stack}` (see `kubectl config get-contexts`)."
    )
    if unreadable:
        return failed("cluster", unreadable, "install the Pulumi CLI and set the stack's passphrase or login."), None
    try:
        api, target = kubeconfig.load(kubeconfig_value, context, retries=0)
    except kubeconfig.KubeconfigError as error:
        return failed("cluster", f"{error}.", pick), None
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    where = f"context {target.context} at {target.server} (kubeconfig {target.source})"
    try:
        response = client.VersionApi(api).get_code(_preload_content=False, _request_timeout=TIMEOUT)
        version = json.loads(response.data).get("gitVersion", "?")
    except ApiException as error:
        if error.status == 401:
            return failed("cluster", f"{where} refused the credentials (401).", f"refresh them; {pick}"), None
        version = f"version hidden ({error.status})"  # it answered: reachable
    except Exception as error:  # urllib3's connection errors, timeouts, TLS errors
        reason = str(getattr(error, "reason", "") or error)
        return failed("cluster", f"cannot reach {where}: {reason}", f"{pick} Check the network or VPN."), None
    cluster = Cluster(api, target.context)
    return passed("cluster", f"{where}, Kubernetes {version}"), cluster


def check_kong_crd(cluster: Cluster, stack: str) -> CheckLine:
    from kubernetes.client.exceptions import ApiException

    try:
        crd = cluster.objects.get(CUSTOM_RESOURCE_DEFINITION, None, KONG_PLUGINS)
    except NotServedError:
        crd = None
    except ForbiddenError as error:
        return skipped(
            "kong-crd",
            f"these credentials may not read CustomResourceDefinitions ({error.detail}), so the "
            "controller's version is not checked here; `make up` still refuses to attach a KongPlugin whose "
            "configPatches were pruned.",
        )
    except ApiException as error:
        return failed("kong-crd", f"reading {KONG_PLUGINS} failed: {status_message(error)}", "see the answer.")
    if crd is None:
        return failed(
            "kong-crd",
            f"Kong's CRDs are not installed on context {cluster.context} (no {KONG_PLUGINS}).",
            "install the Kong Ingress Controller >= 3.1 on this cluster, or, if Kong runs on another one, "
            f"`pulumi config set kubernetes:context <name> --stack {stack}`.",
        )
    versions = crd.get("spec", {}).get("versions", [])
    v1 = next((version for version in versions if version.get("name") == "v1"), None)
    properties = ((v1 or {}).get("schema") or {}).get("openAPIV3Schema", {}).get("properties", {})
    if "configPatches" in properties:
        return passed("kong-crd", f"{KONG_PLUGINS} v1 has configPatches (Kong Ingress Controller >= 3.1)")
    return failed(
        "kong-crd",
        f"{KONG_PLUGINS} v1 has no configPatches: the Kong Ingress Controller's CRDs predate 3.1, and Kubernetes "
        "would prune the plugin's client_secret/session_secret (every sign-in would fail).",
        f"upgrade the controller and its CRDs to >= 3.1: {KIC_CRD_UPGRADE}.",
    )


@dataclass(frozen=True)
class IngressClasses:
    kong: tuple[str, ...]
    controllers: dict[str, str]
    default: str | None


def read_ingress_classes(cluster: Cluster) -> IngressClasses | str:
    """The cluster's IngressClasses, or why they cannot be read."""
    from kubernetes.client.exceptions import ApiException

    try:
        listed = cluster.objects.list(INGRESS_CLASS, None)
    except (RefusedError, ApiException) as error:
        return f"listing IngressClasses failed: {status_message(error)}"
    controllers: dict[str, str] = {}
    default = None
    for item in listed:
        name = item["metadata"]["name"]
        controllers[name] = item.get("spec", {}).get("controller", "")
        if (item["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true":
            default = name
    kong = tuple(name for name, controller in controllers.items() if controller == KONG_CONTROLLER)
    return IngressClasses(kong=kong, controllers=controllers, default=default)
