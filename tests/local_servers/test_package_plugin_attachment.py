"""The package's PluginAttachment, as the package's plugin runs it: create, read, update and delete over HTTP.

The same behaviour as the stack's attachment (test_ingress_plugin_attachment.py), through the same
code: up lists the plugin and keeps every other entry, destroy removes only what it added; a missing
Ingress or KongPlugin is refused with its message, shown without a traceback. The cluster is the one
its `kubeconfig` names, a path or the document itself (a secret).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from event_loops import run_coroutine
from fake_kubernetes import FakeApiServer, fake_api_server
from pulumi.provider.experimental import provider as full
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import UNKNOWN

from components.kubernetes.field_owners import annotation_owners
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION
from components.kubernetes.route_objects import (
    FIELD_MANAGER,
    KongPluginNotFoundError,
    KubernetesRouteObjectApi,
    RouteObjectNotFoundError,
)
from components.package.plugin import _plainly
from components.package.plugin_attachment import ADDED, ERRORS, PluginAttachmentProvider

URN = "urn:pulumi:dev::consumer::kong-cognito-oidc:index:KongCognitoSignIn$kong-cognito-oidc:index:PluginAttachment::x"
PATCHES = ["/client_secret", "/session_secret"]
FLUX_OWNS_IT = {
    "manager": "kustomize-controller",
    "operation": "Apply",
    "fieldsType": "FieldsV1",
    "fieldsV1": {"f:metadata": {"f:annotations": {f"f:{PLUGINS_ANNOTATION}": {}}}},
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeApiServer]:
    with fake_api_server(tmp_path) as server:
        server.store.install_kong_crds()
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "rate-limit"})
        server.store.add_plugin("default", "oidc")
        yield server


def inputs(server: FakeApiServer, inline: bool = False, **changed: Any) -> dict[str, PropertyValue]:
    """PluginAttachment's inputs as the engine sends them; the kubeconfig a path, or (inline) the document, secret."""
    kubeconfig = server.kubeconfig.read_text() if inline else str(server.kubeconfig)
    values: dict[str, Any] = {"namespace": "default", "name": "demo", "kind": "Ingress", "plugin": "oidc", **changed}
    properties = {key: PropertyValue(value) for key, value in values.items()}
    properties["configPatchPaths"] = PropertyValue([PropertyValue(path) for path in PATCHES])
    properties["kubeconfig"] = PropertyValue(kubeconfig, is_secret=True)
    return properties


def create(properties: dict[str, PropertyValue], preview: bool = False) -> full.CreateResponse:
    return run_coroutine(PluginAttachmentProvider().create(full.CreateRequest(URN, properties, 60, preview)))


def delete(state: dict[str, PropertyValue]) -> None:
    run_coroutine(PluginAttachmentProvider().delete(full.DeleteRequest(URN, "id", state, 60)))


def read(state: dict[str, PropertyValue]) -> full.ReadResponse:
    return run_coroutine(PluginAttachmentProvider().read(full.ReadRequest(URN, "the-id", state, state)))


def diff(olds: dict[str, PropertyValue], news: dict[str, PropertyValue]) -> full.DiffResponse:
    return run_coroutine(PluginAttachmentProvider().diff(full.DiffRequest(URN, "id", olds, news, [])))


@pytest.mark.parametrize("inline", [False, True], ids=["kubeconfig-path", "kubeconfig-document"])
def test_up_lists_the_plugin_and_destroy_leaves_the_ingress_as_it_was(server: FakeApiServer, inline: bool) -> None:
    created = create(inputs(server, inline))

    assert server.store.annotations("default", "demo")[PLUGINS_ANNOTATION] == "rate-limit,oidc"
    assert created.properties[ADDED] == PropertyValue(True)
    assert created.resource_id == "Ingress/default/demo/oidc"
    assert created.properties["kubeconfig"].is_secret
    assert read(created.properties).resource_id == "the-id"

    delete(created.properties)
    assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "rate-limit"}
    assert read(created.properties).resource_id is None  # gone: the next up lists it again


def test_an_entry_listed_before_is_left_on_destroy(server: FakeApiServer) -> None:
    server.store.add("default", "demo", {PLUGINS_ANNOTATION: "oidc,rate-limit"})

    created = create(inputs(server))
    assert created.properties[ADDED] == PropertyValue(False)
    delete(created.properties)

    assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "oidc,rate-limit"}


def test_a_preview_changes_nothing_and_leaves_what_it_would_add_unknown(server: FakeApiServer) -> None:
    unknown_name = inputs(server, name=UNKNOWN)

    planned = create(unknown_name, preview=True)

    assert planned.properties[ADDED] == PropertyValue(UNKNOWN)
    assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "rate-limit"}


@pytest.mark.parametrize(
    ("changed", "replaces"),
    [
        ({"name": "other"}, ["name"]),
        ({"namespace": "shop"}, ["namespace"]),
        ({"plugin": "oidc-2"}, ["plugin"]),
        ({"kind": "HTTPRoute"}, ["kind"]),
        ({"name": UNKNOWN}, ["name"]),  # not known yet: it may be another object
        ({"context": "other"}, []),  # another way to the same cluster: updated in place
        ({}, []),
    ],
)
def test_another_object_or_plugin_replaces_the_attachment_first_deleting_it(
    server: FakeApiServer, changed: dict[str, str], replaces: list[str]
) -> None:
    olds = {**create(inputs(server)).properties}

    found = diff(olds, inputs(server, **changed))

    assert found.replaces == replaces
    assert found.changes is bool(changed)
    assert found.delete_before_replace


def test_a_missing_ingress_or_kong_plugin_is_refused_with_its_message_alone(server: FakeApiServer) -> None:
    with pytest.raises(RouteObjectNotFoundError, match=r"Ingress default/nowhere not found"):
        create(inputs(server, name="nowhere"))
    with pytest.raises(KongPluginNotFoundError, match=r"KongPlugin default/gone not found"):
        create(inputs(server, plugin="gone"))
    assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "rate-limit"}


class AbortedError(Exception):
    pass


class Context:
    """What the plugin's gRPC server hands each call: abort raises, as grpc.aio's does."""

    async def abort(self, code: Any, details: str) -> None:
        self.code, self.details = code, details
        raise AbortedError(details)


@pytest.mark.parametrize("error", ERRORS[:2])
def test_the_plugin_answers_with_the_clusters_message_without_a_traceback(error: type[Exception]) -> None:
    async def fails(request: Any, context: Any) -> Any:
        try:
            raise error("Ingress default/demo not found. This stack protects an existing Ingress")
        except Exception as inner:
            raise Exception(f"{inner}:\n  File ..., in create\n")  # noqa: B904 (as the full-provider server does)

    context = Context()
    with pytest.raises(AbortedError):
        run_coroutine(_plainly(fails, None, context))
    assert context.details == "Ingress default/demo not found. This stack protects an existing Ingress"


def test_any_other_failure_keeps_its_traceback() -> None:
    async def fails(request: Any, context: Any) -> Any:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        run_coroutine(_plainly(fails, None, Context()))


# --- who lists the plugin, and under which field manager (as the stack's attachment: test_attachment_owners.py) ---


def update(
    olds: dict[str, PropertyValue], news: dict[str, PropertyValue], preview: bool = False
) -> full.UpdateResponse:
    request = full.UpdateRequest(URN, "id", olds, news, 60, [], preview)
    return run_coroutine(PluginAttachmentProvider().update(request))


def test_its_writes_name_the_field_manager_and_it_warns_when_another_tool_will_take_the_entry_off(
    server: FakeApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.store.add("default", "demo", {PLUGINS_ANNOTATION: "rate-limit"}, managed_fields=[FLUX_OWNS_IT])

    create(inputs(server))

    found = KubernetesRouteObjectApi(kubeconfig=str(server.kubeconfig)).read_object("default", "demo")
    assert found is not None and FIELD_MANAGER in [owner.manager for owner in annotation_owners(found)]
    err = capsys.readouterr().err
    assert err.startswith("warning: Ingress default/demo: another tool writes konghq.com/plugins without oidc:")


def test_a_git_owned_route_is_left_alone_and_a_change_of_owner_is_an_update_in_place(server: FakeApiServer) -> None:
    git = inputs(server, annotationOwner="git")
    created = create(git)
    assert created.properties[ADDED] == PropertyValue(False)
    assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "rate-limit"}
    assert read(created.properties).resource_id == "the-id"  # not listed, and that is Git's business

    found = diff(created.properties, inputs(server))
    assert (found.changes, found.replaces) == (True, [])
    assert update(created.properties, inputs(server), preview=True).properties[ADDED] == PropertyValue(UNKNOWN)
    assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "rate-limit"}
    to_stack = update(created.properties, inputs(server))
    assert to_stack.properties[ADDED] == PropertyValue(True)
    assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "rate-limit,oidc"}

    # Back to Git: the entry stays listed (a replacement would leave the route open until Git's sync), and is Git's.
    to_git = update({**to_stack.properties}, git)
    assert to_git.properties[ADDED] == PropertyValue(False)
    delete(to_git.properties)
    assert server.store.annotations("default", "demo") == {PLUGINS_ANNOTATION: "rate-limit,oidc"}


def test_an_unknown_kind_or_owner_is_refused_before_anything_is_done(server: FakeApiServer) -> None:
    def check(properties: dict[str, PropertyValue]) -> full.CheckResponse:
        return run_coroutine(PluginAttachmentProvider().check(full.CheckRequest(URN, {}, properties, b"")))

    assert check(inputs(server)).failures == []
    assert check(inputs(server, annotationOwner="git", kind="HTTPRoute")).failures == []
    found = check(inputs(server, annotationOwner="Git", kind="Service")).failures
    assert [(failure.property, failure.reason) for failure in found] == [
        ("kind", "expected Ingress or HTTPRoute, not 'Service'"),
        ("annotationOwner", "expected stack or git, not 'Git'"),
    ]
