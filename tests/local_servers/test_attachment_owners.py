"""Who owns the route object's `konghq.com/plugins`: the attachment's field manager, its warning, annotationOwner git.

Every write names the field manager `kong-cognito-oidc` (on the fake API server as on a real one);
when another tool's next apply would take the plugin off the list, `up` says so on stderr, which
Pulumi prints; with `annotation_owner: git` the stack never touches the object, and a change of
owner is an update in place, never a replacement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cluster_backends import ApiServerFactory
from fake_kubernetes import FakeRouteObjectApi
from program_harness import PROJECT
from pulumi.dynamic import Config, ConfigureRequest

from components.ingress_plugin_attachment import IngressPluginAttachmentProvider
from components.kubernetes.field_owners import annotation_owners
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION
from components.kubernetes.route_objects import FIELD_MANAGER, KubernetesRouteObjectApi

PROPS: dict[str, Any] = {
    "namespace": "default",
    "ingress_name": "demo",
    "plugin_name": "oidc",
    "config_patch_paths": ["/client_secret", "/session_secret"],
}
GIT_PROPS = {**PROPS, "annotation_owner": "git"}
FLUX_OWNS_IT = [
    {
        "manager": "kustomize-controller",
        "operation": "Apply",
        "fieldsV1": {"f:metadata": {"f:annotations": {f"f:{PLUGINS_ANNOTATION}": {}}}},
    }
]


def cluster(
    annotations: dict[str, str] | None = None, managed: list[dict[str, Any]] | None = None
) -> FakeRouteObjectApi:
    api = FakeRouteObjectApi()
    api.add("default", "demo", annotations, managed_fields=managed or [])
    api.add_plugin("default", "oidc")
    return api


def provider_with(api: FakeRouteObjectApi) -> IngressPluginAttachmentProvider:
    provider = IngressPluginAttachmentProvider()
    provider.api = lambda: api  # type: ignore[method-assign]
    return provider


# --- the field manager ---


def test_every_write_of_the_attachment_names_its_field_manager(api_server: ApiServerFactory, tmp_path: Path) -> None:
    with api_server(tmp_path) as server:
        server.store.install_kong_crds()
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"})
        server.store.add_plugin("default", "oidc")
        provider = IngressPluginAttachmentProvider()
        provider.configure(ConfigureRequest(Config({"kubernetes:kubeconfig": str(server.kubeconfig)}, PROJECT)))
        seen = KubernetesRouteObjectApi(kubeconfig=str(server.kubeconfig))

        created = provider.create(dict(PROPS))
        found = seen.read_object("default", "demo")
        assert found is not None and found["metadata"]["annotations"][PLUGINS_ANNOTATION] == "cors,oidc"
        assert [owner.manager for owner in annotation_owners(found)] == [FIELD_MANAGER]

        provider.delete(created.id, created.outs or {})
        found = seen.read_object("default", "demo")
        assert found is not None and found["metadata"]["annotations"] == {PLUGINS_ANNOTATION: "cors"}
        assert [owner.manager for owner in annotation_owners(found)] == [FIELD_MANAGER]


# --- the warning ---


def test_up_warns_when_another_tool_will_put_back_a_list_without_the_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    api = cluster({PLUGINS_ANNOTATION: "cors"}, FLUX_OWNS_IT)
    created = provider_with(api).create(dict(PROPS))

    assert created.outs is not None and created.outs["added_by_stack"] is True
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,oidc"
    err = capsys.readouterr().err
    assert err.startswith("warning: Ingress default/demo: another tool writes konghq.com/plugins without oidc:")
    assert "kustomize-controller (server-side apply) puts back 'cors'" in err
    assert "annotationOwner: git" in err and "make doctor" in err


@pytest.mark.parametrize(
    ("annotations", "managed"),
    [
        ({PLUGINS_ANNOTATION: "cors,oidc"}, FLUX_OWNS_IT),  # Git lists it already
        ({PLUGINS_ANNOTATION: "cors"}, []),  # nobody re-applies the list
        ({}, []),
    ],
    ids=["git-lists-it", "no-reapplier", "no-annotation"],
)
def test_up_says_nothing_when_no_tool_takes_the_plugin_off(
    annotations: dict[str, str], managed: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    provider_with(cluster(annotations, managed)).create(dict(PROPS))
    assert capsys.readouterr().err == ""


# --- annotationOwner: git ---


def test_a_git_owned_route_is_never_touched_and_its_entry_never_removed(capsys: pytest.CaptureFixture[str]) -> None:
    api = cluster({PLUGINS_ANNOTATION: "cors"})
    provider = provider_with(api)

    created = provider.create(dict(GIT_PROPS))
    assert created.outs is not None
    assert created.outs["added_by_stack"] is False and created.outs["annotation_owner"] == "git"
    assert api.writes == 0 and api.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors"}
    assert provider.read(created.id, created.outs).id == created.id  # not listed, and still not "gone"

    api.annotations("default", "demo")[PLUGINS_ANNOTATION] = "cors,oidc"  # Git's sync lists it
    provider.delete(created.id, created.outs)
    assert api.annotations("default", "demo") == {PLUGINS_ANNOTATION: "cors,oidc"}
    assert capsys.readouterr().err == ""


def test_a_change_of_owner_is_an_update_in_place_never_a_replacement() -> None:
    provider = IngressPluginAttachmentProvider()
    to_git = provider.diff("id", {**PROPS, "added_by_stack": True}, dict(GIT_PROPS))
    assert to_git.changes is True and not to_git.replaces
    back = provider.diff("id", {**GIT_PROPS, "added_by_stack": False}, dict(PROPS))
    assert back.changes is True and not back.replaces
    # A stack recorded before the setting existed (no annotation_owner) sees no change.
    assert provider.diff("id", {**PROPS, "added_by_stack": True}, dict(PROPS)).changes is False


def test_from_stack_to_git_the_entry_stays_listed_and_destroy_leaves_it() -> None:
    api = cluster({PLUGINS_ANNOTATION: "cors"})
    provider = provider_with(api)
    created = provider.create(dict(PROPS))
    assert created.outs is not None and created.outs["added_by_stack"] is True
    writes = api.writes

    updated = provider.update(created.id, created.outs, dict(GIT_PROPS))
    assert updated.outs is not None
    assert updated.outs["added_by_stack"] is False and updated.outs["annotation_owner"] == "git"
    assert api.writes == writes and api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,oidc"
    provider.delete(created.id, updated.outs)
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,oidc"


def test_from_git_to_stack_the_plugin_is_listed_if_missing() -> None:
    api = cluster({PLUGINS_ANNOTATION: "cors"})
    provider = provider_with(api)
    created = provider.create(dict(GIT_PROPS))
    assert created.outs is not None

    updated = provider.update(created.id, created.outs, dict(PROPS))
    assert updated.outs is not None and updated.outs["added_by_stack"] is True
    assert "annotation_owner" not in updated.outs
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors,oidc"
    provider.delete(created.id, updated.outs)
    assert api.annotations("default", "demo")[PLUGINS_ANNOTATION] == "cors"
