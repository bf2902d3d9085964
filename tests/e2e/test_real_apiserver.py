"""What only a real kube-apiserver can settle: Kong's own CRDs, RBAC as documented, concurrent writers.

Run by `make e2e` against the session's kube-apiserver and etcd (tests/support/kube_apiserver.py), with
Kong's KongPlugin CRDs from Kong's Go modules (tools/kong-crds.yaml).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cluster_backends import RealCluster
from kube_apiserver import ADMIN, DEPLOYER, NO_PLUGIN_GET, DocumentedRbac, Identity, documented_rbac, without_verb
from program_harness import CLIENT_SECRET, SESSION_SECRET, dev_stack_config, is_secret, run_program
from pulumi.dynamic import Config, ConfigureRequest

from components.ingress_plugin_attachment import IngressPluginAttachmentProvider
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION, attach_plugin, detach_plugin
from components.kubernetes.route_objects import (
    ForbiddenError,
    KubernetesRouteObjectApi,
    PluginCannotWorkError,
    RouteObjectApi,
)
from components.settings.model import Route
from components.vocabulary import RouteKind
from doctor_checks import cluster as cluster_checks
from doctor_checks.routes import check_route

pytestmark = pytest.mark.e2e

KONG = ("configuration.konghq.com", "v1")
GATEWAY_API = ("gateway.networking.k8s.io", "v1")
# Bookkeeping the server changes on every write, whoever writes.
WRITE_BOOKKEEPING = ("resourceVersion", "managedFields")


@pytest.fixture
def cluster(real_cluster: RealCluster) -> Iterator[RealCluster]:
    real_cluster.store.reset()
    yield real_cluster
    real_cluster.store.install_kong_crds()  # the next test expects the current CRD


@pytest.fixture(scope="module")
def declared() -> tuple[dict[str, Any], dict[str, Any]]:
    """The dev stack's KongPlugin and Secret as the program declares them, with real secret values."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        run = run_program(monkeypatch, dev_stack_config())
    plugin = unwrap(run.one("kubernetes:configuration.konghq.com/v1:KongPlugin").inputs)
    secret = unwrap(run.one("kubernetes:core/v1:Secret").inputs)
    # The provider names the Secret; the plugin refers to it by that name.
    secret["metadata"]["name"] = plugin["configPatches"][0]["valueFrom"]["secretKeyRef"]["name"]
    real = {CLIENT_SECRET: secrets.token_urlsafe(32), SESSION_SECRET: secrets.token_urlsafe(32)}
    for key, value in secret["stringData"].items():
        for mock, replacement in real.items():
            value = value.replace(mock, replacement)
        secret["stringData"][key] = value
    return plugin, secret


def unwrap(value: Any) -> Any:
    """Pulumi's inputs as plain values: a secret's value, not its wrapper."""
    if is_secret(value):
        return unwrap(value["value"])
    if isinstance(value, dict):
        return {key: unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    return value


def kubeconfig_file(cluster: RealCluster, identity: Identity, tmp_path: Path) -> Path:
    path = tmp_path / f"{identity.token}.kubeconfig"
    path.write_text(json.dumps(cluster.server.kubeconfig(identity)))
    return path


def grant(cluster: RealCluster, rbac: DocumentedRbac) -> None:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    api = client.RbacAuthorizationV1Api(cluster.server.client(ADMIN))
    for name, rules in rbac.roles.items():
        role = {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": name},
            "rules": rules,
        }
        try:
            api.create_namespaced_role(rbac.namespace, role)
        except ApiException as error:
            if error.status != 409:
                raise
            api.replace_namespaced_role(name, rbac.namespace, role)
    for name, (role_name, group) in rbac.bindings.items():
        binding = {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": name},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role_name},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}],
        }
        try:
            api.create_namespaced_role_binding(rbac.namespace, binding)
        except ApiException as error:
            if error.status != 409:
                raise


def ingress(cluster: RealCluster, name: str = "demo") -> dict[str, Any]:
    from kubernetes import client

    api = client.NetworkingV1Api(cluster.server.client(ADMIN))
    found: dict[str, Any] = api.api_client.sanitize_for_serialization(api.read_namespaced_ingress(name, "default"))
    return found


def without_bookkeeping(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = {key: value for key, value in obj["metadata"].items() if key not in WRITE_BOOKKEEPING}
    return {**obj, "metadata": metadata}


# --- Kong's CRDs ---


def test_the_declared_kongplugin_and_secret_are_accepted_by_kong_s_current_crd_as_declared(
    cluster: RealCluster, declared: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    from kubernetes import client

    plugin, secret = declared
    admin = cluster.server.client(ADMIN)
    stored_secret = client.CoreV1Api(admin).create_namespaced_secret("default", secret)
    decoded = {key: base64.b64decode(value).decode() for key, value in stored_secret.data.items()}
    assert decoded == secret["stringData"]

    # Structural schema, pruning and CEL rules all apply on create: nothing the program declares is dropped.
    stored = cluster.store.create_plugin(plugin)
    for field, value in plugin.items():
        if field != "metadata":
            assert stored.get(field) == value, f"{field} not stored as declared"
    assert {key: stored["metadata"].get(key) for key in plugin["metadata"]} == plugin["metadata"]

    # The CRD's CEL rules are enforced, so the acceptance above means something.
    both = {
        **plugin,
        "metadata": {"name": "both", "namespace": "default"},
        "configFrom": {"secretKeyRef": {"name": "s", "key": "k"}},
    }
    with pytest.raises(client.exceptions.ApiException) as refused:
        cluster.store.create_plugin(both)
    assert refused.value.status == 422
    assert "Using both config and configFrom fields is not allowed" in refused.value.body
    client.CoreV1Api(admin).delete_namespaced_secret(secret["metadata"]["name"], "default")


def test_a_crd_from_before_kic_3_1_prunes_config_patches_and_the_attachment_refuses(
    cluster: RealCluster, declared: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path
) -> None:
    plugin, _ = declared
    cluster.store.install_kong_crds(config_patches=False)
    cluster.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
    before = ingress(cluster)

    stored = cluster.store.create_plugin(plugin)
    assert "configPatches" not in stored  # pruned, not refused: the create succeeded
    assert stored["config"] == plugin["config"]

    api = KubernetesRouteObjectApi(kubeconfig=str(kubeconfig_file(cluster, ADMIN, tmp_path)))
    with pytest.raises(PluginCannotWorkError) as refused:
        attach_plugin(api, "default", "demo", "oidc", config_patch_paths=["/client_secret", "/session_secret"])
    message = str(refused.value)
    assert "stored without the configPatches /client_secret, /session_secret" in message
    assert "predates Kong Ingress Controller 3.1" in message
    assert ingress(cluster) == before


# --- concurrent writers ---


class SomeoneWritesAfterOurRead:
    """The real client, and another client that edits the Ingress's annotations right after our first read."""

    def __init__(self, api: KubernetesRouteObjectApi, cluster: RealCluster, annotations: dict[str, str | None]) -> None:
        self.api, self.cluster, self.annotations = api, cluster, annotations
        self.reads = 0

    def read_annotations(
        self, namespace: str, name: str, kind: RouteKind = "Ingress"
    ) -> tuple[dict[str, str], str] | None:
        found = self.api.read_annotations(namespace, name, kind)
        self.reads += 1
        if self.reads == 1:
            from kubernetes import client

            admin = self.cluster.server.client(ADMIN)
            change = {"metadata": {"annotations": self.annotations}}
            if kind == "HTTPRoute":
                client.CustomObjectsApi(admin).patch_namespaced_custom_object(
                    *GATEWAY_API, namespace, "httproutes", name, change, _content_type="application/merge-patch+json"
                )
            else:
                client.NetworkingV1Api(admin).patch_namespaced_ingress(name, namespace, change)
        return found

    def write_annotation(
        self,
        namespace: str,
        name: str,
        key: str,
        value: str | None,
        resource_version: str,
        kind: RouteKind = "Ingress",
    ) -> None:
        self.api.write_annotation(namespace, name, key, value, resource_version, kind)

    def read_kong_plugin(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.api.read_kong_plugin(namespace, name)


def test_a_change_by_another_client_between_our_read_and_our_patch_survives(
    cluster: RealCluster, tmp_path: Path
) -> None:
    cluster.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
    cluster.store.add_plugin("default", "oidc")
    real = KubernetesRouteObjectApi(kubeconfig=str(kubeconfig_file(cluster, ADMIN, tmp_path)))

    racing = SomeoneWritesAfterOurRead(real, cluster, {PLUGINS_ANNOTATION: "cors,acl", "team/owner": "shop"})
    api: RouteObjectApi = racing
    assert attach_plugin(api, "default", "demo", "oidc", config_patch_paths=["/client_secret"]) is True
    assert racing.reads == 2  # the server refused the stale patch (409), and the attachment read again
    assert cluster.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors,acl,oidc", "team/owner": "shop"}

    racing = SomeoneWritesAfterOurRead(real, cluster, {PLUGINS_ANNOTATION: "cors,acl,oidc,cache", "team/owner": None})
    detach_plugin(racing, "default", "demo", "oidc")
    assert racing.reads == 2
    assert cluster.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors,acl,cache"}


# --- RBAC as the docs grant it ---


def test_the_documented_deployer_role_can_do_what_up_and_destroy_need(
    cluster: RealCluster, declared: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path
) -> None:
    from kubernetes import client

    grant(cluster, documented_rbac("kong-oidc-deploy"))
    plugin, secret = declared
    cluster.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
    deployer = cluster.server.client(DEPLOYER)
    core, custom = client.CoreV1Api(deployer), client.CustomObjectsApi(deployer)

    # `up`: the Kubernetes provider creates and reads back the Secret and the KongPlugin, then patches them on updates.
    core.create_namespaced_secret("default", secret)
    core.read_namespaced_secret(secret["metadata"]["name"], "default")
    core.patch_namespaced_secret(secret["metadata"]["name"], "default", {"metadata": {"labels": {"updated": "yes"}}})
    custom.create_namespaced_custom_object(*KONG, "default", "kongplugins", plugin)
    custom.patch_namespaced_custom_object(*KONG, "default", "kongplugins", "oidc", {"config": {"cache_ttl": 20}})
    # The attachment, as the deployer.
    api = KubernetesRouteObjectApi(kubeconfig=str(kubeconfig_file(cluster, DEPLOYER, tmp_path)))
    assert attach_plugin(api, "default", "demo", "oidc", config_patch_paths=["/client_secret", "/session_secret"])
    assert cluster.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors,oidc"}

    # `destroy`: the attachment first, then the plugin and the Secret.
    detach_plugin(api, "default", "demo", "oidc")
    custom.delete_namespaced_custom_object(*KONG, "default", "kongplugins", "oidc")
    core.delete_namespaced_secret(secret["metadata"]["name"], "default")
    assert cluster.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors"}


def test_without_get_on_kongplugins_up_is_forbidden_and_the_doctor_says_so(
    cluster: RealCluster, tmp_path: Path
) -> None:
    rbac = without_verb(documented_rbac("kong-oidc-deploy"), "get", "kongplugins", NO_PLUGIN_GET.groups[0])
    grant(cluster, rbac)
    cluster.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"}, ingress_class="kong")
    cluster.store.add_plugin("default", "oidc")
    kubeconfig = kubeconfig_file(cluster, NO_PLUGIN_GET, tmp_path)

    api = KubernetesRouteObjectApi(kubeconfig=str(kubeconfig))
    with pytest.raises(ForbiddenError) as refused:
        attach_plugin(api, "default", "demo", "oidc", config_patch_paths=["/client_secret"])
    message = str(refused.value)
    assert "may not get kongplugins.configuration.konghq.com in namespace default" in message
    assert f'User "{NO_PLUGIN_GET.user}" cannot get resource "kongplugins"' in message  # the server's words
    assert cluster.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors"}

    check, doctor_cluster = cluster_checks.check_cluster(str(kubeconfig), None, None, "dev")
    assert check.status == "PASS", check.line()
    assert doctor_cluster is not None
    crd = cluster_checks.check_kong_crd(doctor_cluster, "dev")
    assert crd.status == "SKIP" and "may not read CustomResourceDefinitions" in crd.detail, crd.line()
    route = Route("demo", "default", "kong.example.test", "/bar", "oidc", True, "https://kong.example.test/bar")
    classes = cluster_checks.read_ingress_classes(doctor_cluster)
    checks = {c.name: c for c in check_route(doctor_cluster, route, None, classes, "p/dev", "dev")}
    assert checks["ingress default/demo"].status == "PASS"
    assert checks["ingress-class default/demo"].status == "SKIP"
    plugin_check = checks["kongplugin default/oidc"]
    assert plugin_check.status == "FAIL", plugin_check.line()
    assert re.search(r'forbidden: .*cannot get resource "kongplugins"', plugin_check.detail)
    assert "RBAC" in plugin_check.fix


# --- destroy leaves the Ingress as it was ---


def test_destroy_removes_only_our_entry_after_someone_else_added_theirs(cluster: RealCluster, tmp_path: Path) -> None:
    cluster.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
    cluster.store.add_plugin("default", "oidc")
    api = KubernetesRouteObjectApi(kubeconfig=str(kubeconfig_file(cluster, ADMIN, tmp_path)))
    attach_plugin(api, "default", "demo", "oidc", config_patch_paths=["/client_secret", "/session_secret"])

    from kubernetes import client

    other = client.NetworkingV1Api(cluster.server.client(ADMIN))
    other.patch_namespaced_ingress(
        "demo", "default", {"metadata": {"annotations": {PLUGINS_ANNOTATION: "cors,oidc,acl"}}}
    )
    detach_plugin(api, "default", "demo", "oidc")
    assert cluster.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors,acl"}


def test_destroy_leaves_an_ingress_that_had_no_annotation_exactly_as_it_was(
    cluster: RealCluster, tmp_path: Path
) -> None:
    cluster.store.add("default", "demo")
    cluster.store.add_plugin("default", "oidc")
    before = ingress(cluster)
    assert "annotations" not in before["metadata"] or not before["metadata"]["annotations"]
    api = KubernetesRouteObjectApi(kubeconfig=str(kubeconfig_file(cluster, ADMIN, tmp_path)))

    attach_plugin(api, "default", "demo", "oidc", config_patch_paths=["/client_secret", "/session_secret"])
    assert ingress(cluster)["metadata"]["annotations"] == {PLUGINS_ANNOTATION: "oidc"}
    detach_plugin(api, "default", "demo", "oidc")

    after = ingress(cluster)
    assert without_bookkeeping(after) == without_bookkeeping(before)
    assert after["metadata"]["resourceVersion"] != before["metadata"]["resourceVersion"]


# --- an HTTPRoute (gateway.networking.k8s.io/v1, CRDs from tools/gateway-api-crds.yaml) ---


def http_route(cluster: RealCluster, name: str = "api") -> dict[str, Any]:
    from kubernetes import client

    found: dict[str, Any] = client.CustomObjectsApi(cluster.server.client(ADMIN)).get_namespaced_custom_object(
        *GATEWAY_API, "default", "httproutes", name
    )
    return found


def test_the_documented_deployer_attaches_to_an_httproute_and_destroy_leaves_others_entries(
    cluster: RealCluster, tmp_path: Path
) -> None:
    from kubernetes import client

    grant(cluster, documented_rbac("kong-oidc-deploy"))
    refs = [{"name": "kong", "namespace": "kong"}]
    cluster.store.add_http_route("default", "api", {PLUGINS_ANNOTATION: "cors", "team/owner": "shop"}, refs)
    cluster.store.add("default", "api", {PLUGINS_ANNOTATION: "ingress-only"})  # an Ingress of the same name
    cluster.store.add_plugin("default", "oidc")
    before = http_route(cluster)
    provider = IngressPluginAttachmentProvider()
    kubeconfig = str(kubeconfig_file(cluster, DEPLOYER, tmp_path))
    provider.configure(
        ConfigureRequest(Config({"kubernetes:kubeconfig": kubeconfig}, project_name="kong-cognito-oidc"))
    )
    props = {
        "namespace": "default",
        "ingress_name": "api",
        "plugin_name": "oidc",
        "config_patch_paths": ["/client_secret", "/session_secret"],
        "kind": "HTTPRoute",
    }

    created = provider.create(props)
    assert created.outs is not None and created.outs["added_by_stack"] is True
    assert cluster.store.annotations("default", "api", "HTTPRoute") == {
        PLUGINS_ANNOTATION: "cors,oidc",
        "team/owner": "shop",
    }
    assert provider.read(created.id, created.outs).id == created.id

    # Another team lists its plugin meanwhile; destroy removes only ours.
    client.CustomObjectsApi(cluster.server.client(ADMIN)).patch_namespaced_custom_object(
        *GATEWAY_API, "default", "httproutes", "api",
        {"metadata": {"annotations": {PLUGINS_ANNOTATION: "cors,oidc,acl"}}},
        _content_type="application/merge-patch+json",
    )  # fmt: skip
    provider.delete(created.id, created.outs)
    after = http_route(cluster)
    assert after["metadata"]["annotations"] == {PLUGINS_ANNOTATION: "cors,acl", "team/owner": "shop"}
    assert after["spec"] == before["spec"]  # the route itself, as the server stored it, untouched
    assert cluster.store.annotations("default", "api") == {PLUGINS_ANNOTATION: "ingress-only"}


def test_a_change_to_an_httproute_by_another_client_between_our_read_and_our_patch_survives(
    cluster: RealCluster, tmp_path: Path
) -> None:
    cluster.store.add_http_route("default", "api", {PLUGINS_ANNOTATION: "cors"})
    cluster.store.add_plugin("default", "oidc")
    real = KubernetesRouteObjectApi(kubeconfig=str(kubeconfig_file(cluster, ADMIN, tmp_path)))

    racing = SomeoneWritesAfterOurRead(real, cluster, {PLUGINS_ANNOTATION: "cors,acl"})
    assert attach_plugin(racing, "default", "api", "oidc", config_patch_paths=["/client_secret"], kind="HTTPRoute")
    assert racing.reads == 2  # the server refused the stale patch (409), and the attachment read again
    assert cluster.store.annotations("default", "api", "HTTPRoute") == {PLUGINS_ANNOTATION: "cors,acl,oidc"}

    racing = SomeoneWritesAfterOurRead(real, cluster, {PLUGINS_ANNOTATION: "cors,acl,oidc,cache"})
    detach_plugin(racing, "default", "api", "oidc", "HTTPRoute")
    assert racing.reads == 2
    assert cluster.store.annotations("default", "api", "HTTPRoute") == {PLUGINS_ANNOTATION: "cors,acl,cache"}
