"""The Ingress attachment: `up` adds our plugin, `destroy` removes only ours, others' plugins stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_kubernetes import FakeIngressApi, fake_api_server

from components.ingress_plugin_attachment import (
    ConflictError,
    IngressNotFoundError,
    IngressPluginAttachmentProvider,
    KubernetesIngressApi,
    attach_plugin,
    detach_plugin,
)
from components.plugin_annotation import PLUGINS_ANNOTATION

PROPS = {"namespace": "default", "ingress_name": "demo", "plugin_name": "oidc"}


def provider_with(api: FakeIngressApi) -> IngressPluginAttachmentProvider:
    provider = IngressPluginAttachmentProvider()
    provider.api = lambda: api  # type: ignore[method-assign]
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
    api = FakeIngressApi()
    api.add("default", "demo", {} if before is None else {PLUGINS_ANNOTATION: before, "other": "kept"})
    provider = provider_with(api)

    created = provider.create(dict(PROPS))
    assert api.annotations("default", "demo").get(PLUGINS_ANNOTATION) == attached
    assert created.outs is not None and created.outs["added_by_stack"] is True

    provider.delete(created.id, created.outs)
    expected = {} if before is None else {PLUGINS_ANNOTATION: before, "other": "kept"}
    assert api.annotations("default", "demo") == expected


def test_plugins_listed_by_others_after_up_survive_destroy() -> None:
    api = FakeIngressApi()
    api.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
    provider = provider_with(api)
    created = provider.create(dict(PROPS))
    # Another team adds a plugin while the stack is up.
    api.annotations("default", "demo")[PLUGINS_ANNOTATION] += ",acl"

    provider.delete(created.id, created.outs or {})
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,acl"


def test_a_name_listed_before_the_stack_came_is_not_removed_on_destroy() -> None:
    api = FakeIngressApi()
    api.add("default", "demo", {PLUGINS_ANNOTATION: "oidc,cors"})
    provider = provider_with(api)

    created = provider.create(dict(PROPS))
    assert created.outs is not None and created.outs["added_by_stack"] is False
    assert api.writes == 0

    provider.delete(created.id, created.outs)
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "oidc,cors"


def test_up_refuses_a_missing_ingress_with_a_clear_message() -> None:
    with pytest.raises(IngressNotFoundError, match=r"Ingress default/demo not found.*ingressName"):
        provider_with(FakeIngressApi()).create(dict(PROPS))


def test_destroy_tolerates_an_ingress_deleted_meanwhile() -> None:
    api = FakeIngressApi()
    provider_with(api).delete("default/demo/oidc", {**PROPS, "added_by_stack": True})
    assert api.writes == 0


def test_concurrent_writers_are_retried_not_overwritten() -> None:
    api = FakeIngressApi(conflicts=2)
    api.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
    assert attach_plugin(api, "default", "demo", "oidc") is True
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,oidc"

    api.conflicts = 2
    detach_plugin(api, "default", "demo", "oidc")
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors"


def test_gives_up_when_the_ingress_never_settles() -> None:
    api = FakeIngressApi(conflicts=100)
    api.add("default", "demo")
    with pytest.raises(ConflictError, match="gave up"):
        attach_plugin(api, "default", "demo", "oidc")


@pytest.mark.parametrize("changed", ["namespace", "ingress_name", "plugin_name"])
def test_changing_which_ingress_or_plugin_replaces_the_attachment(changed: str) -> None:
    diff = IngressPluginAttachmentProvider().diff("id", dict(PROPS), {**PROPS, changed: "other"})
    assert diff.changes is True
    assert diff.replaces == [changed]


def test_replacement_deletes_first_so_the_plugin_stays_listed_and_owned() -> None:
    api = FakeIngressApi()
    api.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
    provider = provider_with(api)
    old = provider.create(dict(PROPS))
    assert provider.diff(old.id, old.outs or {}, dict(PROPS)).delete_before_replace is True

    # `pulumi up --replace`, in delete-before-replace order.
    provider.delete(old.id, old.outs or {})
    new = provider.create(dict(PROPS))
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,oidc"
    assert new.outs is not None and new.outs["added_by_stack"] is True


def test_unchanged_inputs_mean_no_diff() -> None:
    diff = IngressPluginAttachmentProvider().diff("id", {**PROPS, "added_by_stack": True}, dict(PROPS))
    assert diff.changes is False


def test_refresh_reports_an_attachment_removed_by_hand_as_gone() -> None:
    api = FakeIngressApi()
    api.add("default", "demo", {PLUGINS_ANNOTATION: "oidc"})
    provider = provider_with(api)
    assert provider.read("default/demo/oidc", dict(PROPS)).id == "default/demo/oidc"

    api.annotations("default", "demo")[PLUGINS_ANNOTATION] = "cors"
    assert provider.read("default/demo/oidc", dict(PROPS)).id is None


def test_real_kubernetes_client_edits_only_the_annotation_with_optimistic_locking(tmp_path: Path) -> None:
    with fake_api_server(tmp_path, context="workshop") as server:
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
        api = KubernetesIngressApi(kubeconfig=str(server.kubeconfig), context="workshop")

        assert attach_plugin(api, "default", "demo", "oidc") is True
        assert server.store.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,oidc"
        method, path, content_type, body = server.requests[-1]
        assert (method, path) == ("PATCH", "/apis/networking.k8s.io/v1/namespaces/default/ingresses/demo")
        assert content_type == "application/merge-patch+json"
        assert body == {"metadata": {"resourceVersion": "1", "annotations": {PLUGINS_ANNOTATION: "cors,oidc"}}}

        detach_plugin(api, "default", "demo", "oidc")
        assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors"}


def test_real_kubernetes_client_removes_the_key_it_created_and_reports_missing_ingresses(tmp_path: Path) -> None:
    with fake_api_server(tmp_path) as server:
        server.store.add("default", "demo")
        # `kubernetes:kubeconfig` may hold the kubeconfig's content instead of a path.
        api = KubernetesIngressApi(kubeconfig=server.kubeconfig.read_text())

        attach_plugin(api, "default", "demo", "oidc")
        detach_plugin(api, "default", "demo", "oidc")
        assert server.store.annotations("default", "demo") == {}
        assert api.read_annotations("default", "missing") is None


def test_real_kubernetes_client_turns_409_into_a_retry(tmp_path: Path) -> None:
    with fake_api_server(tmp_path) as server:
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
        api = KubernetesIngressApi(kubeconfig=str(server.kubeconfig))
        with pytest.raises(ConflictError):
            api.write_annotation("default", "demo", PLUGINS_ANNOTATION, "cors,oidc", resource_version="0")
        assert server.store.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors"
