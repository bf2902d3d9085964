"""The Ingress attachment: `up` adds our plugin, `destroy` removes only ours, others' plugins stay.

Before attaching, the KongPlugin must exist with the configPatches the stack declared, and
the cluster's answers (403, 404) each surface as their own error.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest
from cluster_backends import ApiServerFactory
from fake_kubernetes import FakeRouteObjectApi, closed_port_url, kubeconfig_document
from program_harness import PROJECT, CloudMocks, RecordingMonitor
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime import set_mocks

from components.ingress_plugin_attachment import (
    IngressPluginAttachment,
    IngressPluginAttachmentArgs,
    IngressPluginAttachmentProvider,
)
from components.kubernetes.kubeconfig import KubeconfigError
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION, attach_plugin, detach_plugin
from components.kubernetes.route_objects import (
    ConflictError,
    ForbiddenError,
    KongPluginNotFoundError,
    KubernetesRouteObjectApi,
    PluginCannotWorkError,
    RouteObjectNotFoundError,
)

PATCHES = ["/client_secret", "/session_secret"]
PROPS: dict[str, Any] = {
    "namespace": "default",
    "ingress_name": "demo",
    "plugin_name": "oidc",
    "config_patch_paths": PATCHES,
}


def cluster(annotations: dict[str, str] | None = None, **kwargs: Any) -> FakeRouteObjectApi:
    """Ingress default/demo and a working KongPlugin default/oidc."""
    api = FakeRouteObjectApi(**kwargs)
    api.add("default", "demo", annotations)
    api.add_plugin("default", "oidc")
    return api


def provider_with(api: FakeRouteObjectApi) -> IngressPluginAttachmentProvider:
    provider = IngressPluginAttachmentProvider()
    provider.api = lambda: api  # type: ignore[method-assign]
    return provider


def configured(config: dict[str, str]) -> IngressPluginAttachmentProvider:
    """A provider configured the way Pulumi's dynamic-provider host does it, from the stack config."""
    provider = IngressPluginAttachmentProvider()
    provider.configure(ConfigureRequest(Config(config, project_name=PROJECT)))
    return provider


@pytest.mark.parametrize(
    ("before", "attached"),
    [
        (None, "oidc"),
        ("rate-limit", "rate-limit,oidc"),
        ("rate-limit, cors", "rate-limit, cors,oidc"),
    ],
)
def test_up_then_destroy_leaves_the_ingress_as_it_was_found(before: str | None, attached: str) -> None:
    api = cluster({} if before is None else {PLUGINS_ANNOTATION: before, "other": "kept"})
    provider = provider_with(api)

    created = provider.create(dict(PROPS))
    assert api.annotations("default", "demo").get(PLUGINS_ANNOTATION) == attached
    assert created.outs is not None and created.outs["added_by_stack"] is True

    provider.delete(created.id, created.outs)
    expected = {} if before is None else {PLUGINS_ANNOTATION: before, "other": "kept"}
    assert api.annotations("default", "demo") == expected


def test_plugins_listed_by_others_after_up_survive_destroy() -> None:
    api = cluster({PLUGINS_ANNOTATION: "cors"})
    provider = provider_with(api)
    created = provider.create(dict(PROPS))
    # Another team adds a plugin while the stack is up.
    api.annotations("default", "demo")[PLUGINS_ANNOTATION] += ",acl"

    provider.delete(created.id, created.outs or {})
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,acl"


def test_a_name_listed_before_the_stack_came_is_not_removed_on_destroy() -> None:
    api = cluster({PLUGINS_ANNOTATION: "oidc,cors"})
    provider = provider_with(api)

    created = provider.create(dict(PROPS))
    assert created.outs is not None and created.outs["added_by_stack"] is False
    assert api.writes == 0

    provider.delete(created.id, created.outs)
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "oidc,cors"


def test_up_refuses_a_missing_ingress_with_a_clear_message() -> None:
    api = FakeRouteObjectApi()
    api.add_plugin("default", "oidc")
    with pytest.raises(RouteObjectNotFoundError, match=r"Ingress default/demo not found.*ingressName"):
        provider_with(api).create(dict(PROPS))


@pytest.mark.parametrize("kept", [(), ("/client_secret",)], ids=["no-configPatches", "one-pruned"])
def test_up_refuses_a_plugin_whose_config_patches_were_pruned_and_leaves_the_ingress_alone(
    kept: tuple[str, ...],
) -> None:
    api = FakeRouteObjectApi()
    api.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
    api.add_plugin("default", "oidc", config_patch_paths=kept)
    with pytest.raises(PluginCannotWorkError) as refused:
        provider_with(api).create(dict(PROPS))
    message = str(refused.value)
    assert "/session_secret" in message
    assert "predates Kong Ingress Controller 3.1" in message and "Upgrade the Kong Ingress Controller" in message
    assert api.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors"}
    assert api.writes == 0


def test_up_refuses_a_missing_plugin_and_leaves_the_ingress_alone() -> None:
    api = FakeRouteObjectApi()
    api.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
    with pytest.raises(KongPluginNotFoundError, match=r"KongPlugin default/oidc not found"):
        provider_with(api).create(dict(PROPS))
    assert api.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors"}


def test_destroy_tolerates_an_ingress_deleted_meanwhile() -> None:
    api = FakeRouteObjectApi()
    provider_with(api).delete("default/demo/oidc", {**PROPS, "added_by_stack": True})
    assert api.writes == 0


def test_concurrent_writers_are_retried_not_overwritten() -> None:
    api = cluster({PLUGINS_ANNOTATION: "cors"}, conflicts=2)
    assert attach_plugin(api, "default", "demo", "oidc", config_patch_paths=PATCHES) is True
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,oidc"

    api.conflicts = 2
    detach_plugin(api, "default", "demo", "oidc")
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors"


def test_gives_up_when_the_ingress_never_settles() -> None:
    api = cluster(conflicts=100)
    with pytest.raises(ConflictError, match="gave up"):
        attach_plugin(api, "default", "demo", "oidc", config_patch_paths=PATCHES)


@pytest.mark.parametrize("changed", ["namespace", "ingress_name", "plugin_name"])
def test_changing_which_ingress_or_plugin_replaces_the_attachment(changed: str) -> None:
    diff = IngressPluginAttachmentProvider().diff("id", dict(PROPS), {**PROPS, changed: "other"})
    assert diff.changes is True
    assert diff.replaces == [changed]


def test_stacks_attached_before_the_config_patches_check_see_no_change() -> None:
    # Outputs recorded by the previous version: no config_patch_paths.
    olds = {"namespace": "default", "ingress_name": "demo", "plugin_name": "oidc", "added_by_stack": True}
    diff = IngressPluginAttachmentProvider().diff("id", olds, dict(PROPS))
    assert diff.changes is False
    assert not diff.replaces


def test_replacement_deletes_first_so_the_plugin_stays_listed_and_owned() -> None:
    api = cluster({PLUGINS_ANNOTATION: "cors"})
    provider = provider_with(api)
    old = provider.create(dict(PROPS))
    assert provider.diff(old.id, old.outs or {}, dict(PROPS)).delete_before_replace is True

    # `pulumi up --replace`, in delete-before-replace order.
    provider.delete(old.id, old.outs or {})
    new = provider.create(dict(PROPS))
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,oidc"
    assert new.outs is not None and new.outs["added_by_stack"] is True


def test_refresh_reports_an_attachment_removed_by_hand_as_gone() -> None:
    api = cluster({PLUGINS_ANNOTATION: "oidc"})
    provider = provider_with(api)
    assert provider.read("default/demo/oidc", dict(PROPS)).id == "default/demo/oidc"

    api.annotations("default", "demo")[PLUGINS_ANNOTATION] = "cors"
    assert provider.read("default/demo/oidc", dict(PROPS)).id is None


def test_refresh_reports_the_attachment_gone_with_its_ingress() -> None:
    assert provider_with(FakeRouteObjectApi()).read("default/demo/oidc", dict(PROPS)).id is None


def test_attachment_waits_for_the_plugin_even_when_its_name_is_a_plain_string() -> None:
    monitor = RecordingMonitor(CloudMocks())
    set_mocks(monitor.mocks, project=PROJECT, stack="dev", preview=False, monitor=monitor)

    @pulumi.runtime.test
    def declare() -> Any:
        plugin = pulumi.CustomResource("kubernetes:configuration.konghq.com/v1:KongPlugin", "plugin", {})
        attachment = IngressPluginAttachment(
            "ingress",
            IngressPluginAttachmentArgs(
                namespace="default", object_name="demo", plugin_name="oidc", plugin=plugin, config_patch_paths=PATCHES
            ),
        )
        return attachment.added_by_stack

    declare()
    plugin = next(d for d in monitor.declared if d.name == "plugin")
    annotation = next(d for d in monitor.declared if d.type == "pulumi-python:dynamic/kong:IngressPluginAnnotation")
    assert plugin.urn in annotation.dependencies
    assert annotation.inputs["config_patch_paths"] == PATCHES


# --- the real Kubernetes client, against the fake API server ---


def test_real_kubernetes_client_edits_only_the_annotation_with_optimistic_locking(
    api_server: ApiServerFactory, tmp_path: Path
) -> None:
    with api_server(tmp_path, context="workshop") as server:
        server.store.install_kong_crds()
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
        server.store.add_plugin("default", "oidc")
        read_version = server.store.resource_version("default", "demo")
        api = KubernetesRouteObjectApi(kubeconfig=str(server.kubeconfig), context="workshop")

        assert attach_plugin(api, "default", "demo", "oidc", config_patch_paths=PATCHES) is True
        assert server.store.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,oidc"
        method, path, content_type, body = server.requests[-1]
        assert (method, path) == ("PATCH", "/apis/networking.k8s.io/v1/namespaces/default/ingresses/demo")
        assert content_type == "application/merge-patch+json"
        assert body == {"metadata": {"resourceVersion": read_version, "annotations": {PLUGINS_ANNOTATION: "cors,oidc"}}}

        detach_plugin(api, "default", "demo", "oidc")
        assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors"}


def test_real_kubernetes_client_removes_the_key_it_created_and_reports_missing_objects(
    api_server: ApiServerFactory, tmp_path: Path
) -> None:
    with api_server(tmp_path) as server:
        server.store.install_kong_crds()
        server.store.add("default", "demo")
        server.store.add_plugin("default", "oidc")
        # `kubernetes:kubeconfig` may hold the kubeconfig's content instead of a path.
        api = KubernetesRouteObjectApi(kubeconfig=server.kubeconfig.read_text())

        attach_plugin(api, "default", "demo", "oidc", config_patch_paths=PATCHES)
        detach_plugin(api, "default", "demo", "oidc")
        assert server.store.annotations("default", "demo") == {}
        assert api.read_annotations("default", "missing") is None
        assert api.read_kong_plugin("default", "missing") is None


def test_real_kubernetes_client_refuses_a_pruned_plugin_before_any_write(
    api_server: ApiServerFactory, tmp_path: Path
) -> None:
    # A KongPlugin CRD older than KIC 3.1 has no configPatches: the server prunes them from the plugin.
    with api_server(tmp_path) as server:
        server.store.install_kong_crds(config_patches=False)
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
        server.store.add_plugin("default", "oidc")
        api = KubernetesRouteObjectApi(kubeconfig=str(server.kubeconfig))
        with pytest.raises(PluginCannotWorkError, match=r"predates Kong Ingress Controller 3\.1"):
            attach_plugin(api, "default", "demo", "oidc", config_patch_paths=PATCHES)
        assert [method for method, *_ in server.requests] == ["GET"]  # the plugin read, and nothing written
        assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors"}


def test_a_kubeconfig_path_that_names_no_file_says_so(tmp_path: Path) -> None:
    api = KubernetesRouteObjectApi(kubeconfig=str(tmp_path / "missing-kubeconfig"))
    with pytest.raises(KubeconfigError, match=r"names no file: .*missing-kubeconfig"):
        api.read_annotations("default", "demo")


def test_real_kubernetes_client_turns_409_into_a_retry(api_server: ApiServerFactory, tmp_path: Path) -> None:
    with api_server(tmp_path) as server:
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
        read_version = server.store.resource_version("default", "demo")
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors,acl"})  # someone else's write
        api = KubernetesRouteObjectApi(kubeconfig=str(server.kubeconfig))
        with pytest.raises(ConflictError):
            api.write_annotation("default", "demo", PLUGINS_ANNOTATION, "cors,oidc", resource_version=read_version)
        assert server.store.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,acl"


def test_provider_uses_the_context_named_in_the_stack_config(api_server: ApiServerFactory, tmp_path: Path) -> None:
    # The kubeconfig's current context points at a closed port; only `kubernetes:context` reaches the cluster.
    with api_server(tmp_path, context="kong", current_context="elsewhere") as server:
        server.store.install_kong_crds()
        server.store.add("default", "demo")
        server.store.add_plugin("default", "oidc")
        provider = configured({"kubernetes:kubeconfig": str(server.kubeconfig), "kubernetes:context": "kong"})

        provider.create(dict(PROPS))
        assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "oidc"}


def test_provider_uses_the_kubeconfig_named_in_the_stack_config(
    api_server: ApiServerFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere.kubeconfig"
    elsewhere.write_text(json.dumps(kubeconfig_document({"elsewhere": closed_port_url()}, "elsewhere")))
    monkeypatch.setenv("KUBECONFIG", str(elsewhere))
    with api_server(tmp_path) as server:
        server.store.install_kong_crds()
        server.store.add("default", "demo")
        server.store.add_plugin("default", "oidc")
        provider = configured({"kubernetes:kubeconfig": str(server.kubeconfig)})

        provider.create(dict(PROPS))
        assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "oidc"}


def test_a_kubeconfig_path_under_home_may_start_with_a_tilde(
    api_server: ApiServerFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / ".kube").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "no-kubeconfig"))
    with api_server(tmp_path) as server:
        server.store.install_kong_crds()
        server.store.add("default", "demo")
        server.store.add_plugin("default", "oidc")
        shutil.copy(server.kubeconfig, home / ".kube" / "stack")
        provider = configured({"kubernetes:kubeconfig": "~/.kube/stack"})

        provider.create(dict(PROPS))
        assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "oidc"}


def test_provider_reports_missing_objects_through_the_real_client(api_server: ApiServerFactory, tmp_path: Path) -> None:
    with api_server(tmp_path) as server:
        server.store.install_kong_crds()
        server.store.add_plugin("default", "oidc")
        provider = configured({"kubernetes:kubeconfig": str(server.kubeconfig)})
        with pytest.raises(RouteObjectNotFoundError, match="Ingress default/demo not found"):
            provider.create(dict(PROPS))

        server.store.add("default", "demo")
        with pytest.raises(KongPluginNotFoundError, match="KongPlugin default/other not found"):
            provider.create({**PROPS, "plugin_name": "other"})
        assert server.store.annotations("default", "demo") == {}


@pytest.mark.parametrize(
    ("forbidden", "named"),
    [
        (("get", "kongplugins"), "get kongplugins.configuration.konghq.com in namespace default"),
        (("get", "ingresses"), "get ingresses.networking.k8s.io in namespace default"),
        (("patch", "ingresses"), "patch ingresses.networking.k8s.io in namespace default"),
    ],
)
def test_forbidden_on_up_names_the_missing_permission(
    api_server: ApiServerFactory, tmp_path: Path, forbidden: tuple[str, str], named: str
) -> None:
    with api_server(tmp_path) as server:
        server.store.install_kong_crds()
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
        server.store.add_plugin("default", "oidc")
        server.store.forbidden.add(forbidden)
        provider = configured({"kubernetes:kubeconfig": str(server.kubeconfig)})
        with pytest.raises(ForbiddenError, match=re.escape(f"may not {named}")) as refused:
            provider.create(dict(PROPS))
        assert "cannot " + forbidden[0] in str(refused.value)  # the server's own words are kept
        assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors"}


def test_forbidden_on_refresh_is_an_error_not_a_vanished_attachment(
    api_server: ApiServerFactory, tmp_path: Path
) -> None:
    with api_server(tmp_path) as server:
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "oidc"})
        server.store.forbidden.add(("get", "ingresses"))
        provider = configured({"kubernetes:kubeconfig": str(server.kubeconfig)})
        with pytest.raises(
            ForbiddenError, match=re.escape("may not get ingresses.networking.k8s.io in namespace default")
        ):
            provider.read("default/demo/oidc", dict(PROPS))


@pytest.mark.parametrize(
    ("forbidden", "named"),
    [
        (("get", "ingresses"), "get ingresses.networking.k8s.io"),
        (("patch", "ingresses"), "patch ingresses.networking.k8s.io"),
    ],
)
def test_forbidden_on_destroy_fails_instead_of_leaving_the_annotation_quietly(
    api_server: ApiServerFactory, tmp_path: Path, forbidden: tuple[str, str], named: str
) -> None:
    with api_server(tmp_path) as server:
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors,oidc"})
        server.store.forbidden.add(forbidden)
        provider = configured({"kubernetes:kubeconfig": str(server.kubeconfig)})
        with pytest.raises(ForbiddenError, match=re.escape(named)):
            provider.delete("default/demo/oidc", {**PROPS, "added_by_stack": True})
        assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors,oidc"}


def test_a_patch_that_changes_nothing_keeps_the_resource_version(api_server: ApiServerFactory, tmp_path: Path) -> None:
    # So a retry after such a write finds the version it expects, on the fake as on a real server.
    with api_server(tmp_path) as server:
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
        read_version = server.store.resource_version("default", "demo")
        api = KubernetesRouteObjectApi(kubeconfig=str(server.kubeconfig))
        api.write_annotation("default", "demo", PLUGINS_ANNOTATION, "cors", resource_version=read_version)
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
        assert server.store.resource_version("default", "demo") == read_version


# --- an HTTPRoute (gateway.networking.k8s.io/v1) instead of an Ingress ---

ROUTE_PROPS: dict[str, Any] = {**PROPS, "ingress_name": "api", "kind": "HTTPRoute"}


def route_cluster(annotations: dict[str, str] | None = None, **kwargs: Any) -> FakeRouteObjectApi:
    """HTTPRoute default/api, an Ingress default/api beside it, and a working KongPlugin default/oidc."""
    api = FakeRouteObjectApi(**kwargs)
    api.add_http_route("default", "api", annotations, parent_refs=[{"name": "kong"}])
    api.add("default", "api", {PLUGINS_ANNOTATION: "ingress-only"})
    api.add_plugin("default", "oidc")
    return api


def test_an_httproute_attachment_keeps_others_entries_and_never_touches_the_ingress_of_that_name() -> None:
    api = route_cluster({PLUGINS_ANNOTATION: "cors", "other": "kept"})
    provider = provider_with(api)

    created = provider.create(dict(ROUTE_PROPS))
    assert api.annotations("default", "api", "HTTPRoute") == {PLUGINS_ANNOTATION: "cors,oidc", "other": "kept"}
    assert created.outs is not None and created.outs["kind"] == "HTTPRoute"
    assert provider.read(created.id, created.outs).id == created.id

    api.annotations("default", "api", "HTTPRoute")[PLUGINS_ANNOTATION] += ",acl"  # another team's, meanwhile
    provider.delete(created.id, created.outs)
    assert api.annotations("default", "api", "HTTPRoute") == {PLUGINS_ANNOTATION: "cors,acl", "other": "kept"}
    assert provider.read(created.id, created.outs).id is None
    assert api.annotations("default", "api") == {PLUGINS_ANNOTATION: "ingress-only"}


def test_an_httproute_attachment_retries_conflicts() -> None:
    api = route_cluster({PLUGINS_ANNOTATION: "cors"}, conflicts=2)
    assert attach_plugin(api, "default", "api", "oidc", config_patch_paths=PATCHES, kind="HTTPRoute") is True
    assert api.annotations("default", "api", "HTTPRoute")[PLUGINS_ANNOTATION] == "cors,oidc"
    api.conflicts = 2
    detach_plugin(api, "default", "api", "oidc", "HTTPRoute")
    assert api.annotations("default", "api", "HTTPRoute")[PLUGINS_ANNOTATION] == "cors"


def test_an_httproute_attachment_waits_for_its_plugin_and_names_the_missing_httproute() -> None:
    api = FakeRouteObjectApi()
    api.add_http_route("default", "api", {PLUGINS_ANNOTATION: "cors"})
    with pytest.raises(KongPluginNotFoundError, match=r"KongPlugin default/oidc not found, so the HTTPRoute was not"):
        provider_with(api).create(dict(ROUTE_PROPS))
    assert api.annotations("default", "api", "HTTPRoute") == {PLUGINS_ANNOTATION: "cors"}

    api = FakeRouteObjectApi()
    api.add("default", "api")  # an Ingress of that name is not the HTTPRoute
    api.add_plugin("default", "oidc")
    with pytest.raises(RouteObjectNotFoundError, match=r"^HTTPRoute default/api not found.*Gateway API"):
        provider_with(api).create(dict(ROUTE_PROPS))
    assert api.writes == 0


def test_ingress_attachments_recorded_before_kinds_existed_see_no_change() -> None:
    olds = {**PROPS, "added_by_stack": True}  # outputs as earlier code wrote them: no `kind`
    diff = IngressPluginAttachmentProvider().diff("default/demo/oidc", olds, dict(PROPS))
    assert diff.changes is False and not diff.replaces

    moved = IngressPluginAttachmentProvider().diff("default/demo/oidc", olds, {**PROPS, "kind": "HTTPRoute"})
    assert moved.changes is True and moved.replaces == ["kind"] and moved.delete_before_replace is True


@pytest.mark.parametrize(("kind", "stored_kind"), [("Ingress", None), ("HTTPRoute", "HTTPRoute")])
def test_only_an_httproute_attachment_records_its_kind(kind: str, stored_kind: str | None) -> None:
    monitor = RecordingMonitor(CloudMocks())
    set_mocks(monitor.mocks, project=PROJECT, stack="dev", preview=False, monitor=monitor)

    @pulumi.runtime.test
    def declare() -> Any:
        plugin = pulumi.CustomResource("kubernetes:configuration.konghq.com/v1:KongPlugin", "plugin", {})
        args = IngressPluginAttachmentArgs(
            namespace="default",
            object_name="demo",
            plugin_name="oidc",
            plugin=plugin,
            config_patch_paths=PATCHES,
            kind=kind,  # type: ignore[arg-type]
        )
        return IngressPluginAttachment("ingress", args).added_by_stack

    declare()
    annotation = next(d for d in monitor.declared if d.type == "pulumi-python:dynamic/kong:IngressPluginAnnotation")
    assert annotation.inputs.get("kind") == stored_kind
    assert {key for key in annotation.inputs if key != "kind"} >= {"namespace", "ingress_name", "plugin_name"}


def test_real_kubernetes_client_edits_an_httproutes_annotation_with_optimistic_locking(
    api_server: ApiServerFactory, tmp_path: Path
) -> None:
    with api_server(tmp_path) as server:
        server.store.install_kong_crds()
        server.store.add_http_route("default", "api", {PLUGINS_ANNOTATION: "cors"}, parent_refs=[{"name": "kong"}])
        server.store.add_plugin("default", "oidc")
        read_version = server.store.resource_version("default", "api", "HTTPRoute")
        provider = configured({"kubernetes:kubeconfig": str(server.kubeconfig)})

        created = provider.create(dict(ROUTE_PROPS))
        assert server.store.annotations("default", "api", "HTTPRoute") == {PLUGINS_ANNOTATION: "cors,oidc"}
        method, path, content_type, body = server.requests[-1]
        assert (method, path) == ("PATCH", "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/api")
        assert content_type == "application/merge-patch+json"
        assert body == {"metadata": {"resourceVersion": read_version, "annotations": {PLUGINS_ANNOTATION: "cors,oidc"}}}

        provider.delete(created.id, created.outs or {})
        assert server.store.annotations("default", "api", "HTTPRoute") == {PLUGINS_ANNOTATION: "cors"}
        assert (
            KubernetesRouteObjectApi(kubeconfig=str(server.kubeconfig)).read_annotations(
                "default", "missing", "HTTPRoute"
            )
            is None
        )
        with pytest.raises(RouteObjectNotFoundError, match="HTTPRoute default/missing not found"):
            provider.create({**ROUTE_PROPS, "ingress_name": "missing"})


@pytest.mark.parametrize(
    "forbidden",
    [("get", "httproutes"), ("patch", "httproutes")],
)
def test_forbidden_on_an_httproute_names_the_missing_permission(
    api_server: ApiServerFactory, tmp_path: Path, forbidden: tuple[str, str]
) -> None:
    with api_server(tmp_path) as server:
        server.store.install_kong_crds()
        server.store.add_http_route("default", "api", {PLUGINS_ANNOTATION: "cors"})
        server.store.add_http_route("default", "listed", {PLUGINS_ANNOTATION: "cors,oidc"})
        server.store.add_plugin("default", "oidc")
        server.store.forbidden.add(forbidden)
        provider = configured({"kubernetes:kubeconfig": str(server.kubeconfig)})
        named = f"may not {forbidden[0]} httproutes.gateway.networking.k8s.io in namespace default"
        with pytest.raises(ForbiddenError, match=re.escape(named)) as refused:
            provider.create(dict(ROUTE_PROPS))
        assert "cannot " + forbidden[0] in str(refused.value)
        with pytest.raises(ForbiddenError, match=re.escape(named)):
            provider.delete(
                "HTTPRoute/default/listed/oidc", {**ROUTE_PROPS, "ingress_name": "listed", "added_by_stack": True}
            )
        assert server.store.annotations("default", "api", "HTTPRoute") == {PLUGINS_ANNOTATION: "cors"}
        assert server.store.annotations("default", "listed", "HTTPRoute") == {PLUGINS_ANNOTATION: "cors,oidc"}
