"""The doctor's GitOps check (doctor_checks/gitops.py): which tool applies a route object, and does it keep the plugin.

The objects here are shaped as the API server returns them; tests/e2e/test_gitops_managers.py makes
the same states with Flux's and Argo CD's ways of applying, on a real API server.
"""

from __future__ import annotations

from managed_fields import PLUGINS, entry, ingress, last_applied

from components.kubernetes.field_owners import LAST_APPLIED_ANNOTATION
from components.kubernetes.route_objects import FIELD_MANAGER
from doctor_checks.gitops import RouteObject, check_annotation_owner, recipe, recognise

ROUTE = RouteObject("Ingress", "default", "demo", "oidc", owned_by_git=False)
GIT_ROUTE = RouteObject("Ingress", "default", "demo", "oidc", owned_by_git=True)
FLUX_LABELS = {"kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}


# --- doctor_checks/gitops.py: which tool ---


def test_argo_cd_is_recognised_by_its_tracking_annotation_or_manager_or_instance_label() -> None:
    tracked = ingress({"argocd.argoproj.io/tracking-id": "shop:networking.k8s.io/Ingress:default/demo"})
    assert [tool.name for tool in recognise(tracked)] == ["Argo CD"]
    assert "tracking-id" in recognise(tracked)[0].evidence
    assert [t.name for t in recognise(ingress(managed=[entry("argocd-controller", "Apply")]))] == ["Argo CD"]
    labelled = ingress(labels={"app.kubernetes.io/instance": "shop"})
    assert [t.name for t in recognise(labelled)] == ["Argo CD"]
    assert "if Argo CD tracks by label" in recognise(labelled)[0].evidence


def test_helm_is_recognised_and_its_instance_label_is_not_taken_for_argo_cd() -> None:
    helm = ingress(
        {"meta.helm.sh/release-name": "shop", "meta.helm.sh/release-namespace": "web"},
        labels={"app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/instance": "shop"},
    )
    assert [(t.name, t.evidence) for t in recognise(helm)] == [
        ("Helm", "label app.kubernetes.io/managed-by: Helm, release web/shop")
    ]


def test_flux_is_recognised_by_its_labels_or_its_controllers_as_managers() -> None:
    assert [(t.name, t.evidence) for t in recognise(ingress(labels=FLUX_LABELS))] == [
        (
            "Flux",
            "labels kustomize.toolkit.fluxcd.io/name, kustomize.toolkit.fluxcd.io/namespace: "
            "Kustomization flux-system/apps",
        )
    ]
    by_manager = ingress(managed=[entry("kustomize-controller", "Apply")])
    assert [t.name for t in recognise(by_manager)] == ["Flux"]
    helm_release = ingress(
        labels={"helm.toolkit.fluxcd.io/name": "shop", "helm.toolkit.fluxcd.io/namespace": "web"},
        managed=[entry("helm-controller", "Update")],
    )
    assert [t.name for t in recognise(helm_release)] == ["Flux helm-controller"]
    assert recognise(ingress()) == []


def test_a_flux_applied_object_with_an_instance_label_gets_fluxs_recipe() -> None:
    """`app.kubernetes.io/instance` is set by many kustomize bases and charts: alone it is only a guess at Argo CD."""
    labels = {**FLUX_LABELS, "app.kubernetes.io/instance": "shop"}
    obj = ingress({PLUGINS: "cors"}, [entry("kustomize-controller", "Apply", PLUGINS)], labels=labels)
    assert [tool.name for tool in recognise(obj)] == ["Flux"]
    check = check_annotation_owner(obj, ROUTE)
    assert "spec.ignore:" in check.fix and "ignoreDifferences" not in check.fix


# --- doctor_checks/gitops.py: the check ---


def test_a_tool_that_puts_back_a_value_without_the_plugin_fails_with_its_recipe() -> None:
    obj = ingress({PLUGINS: "cors"}, [entry("kustomize-controller", "Apply", PLUGINS)], labels=FLUX_LABELS)
    check = check_annotation_owner(obj, ROUTE)
    assert check.status == "FAIL", check.line()
    assert check.name == "annotation-owner default/demo"
    assert "kustomize-controller (server-side apply) puts back 'cors'" in check.detail
    assert "Flux (labels" in check.detail
    assert "commit `konghq.com/plugins: cors,oidc`" in check.fix
    assert "spec.ignore: [{paths: [/metadata/annotations/konghq.com~1plugins]" in check.fix
    assert "target: {kind: Ingress, name: demo, namespace: default}" in check.fix


def test_argo_cd_s_recipe_is_ignore_differences_with_respect_ignore_differences() -> None:
    obj = ingress(
        {
            PLUGINS: "cors,oidc",
            LAST_APPLIED_ANNOTATION: last_applied("cors"),
            "argocd.argoproj.io/tracking-id": "shop:networking.k8s.io/Ingress:default/demo",
        },
        [entry("argocd-controller", "Update", LAST_APPLIED_ANNOTATION), entry(FIELD_MANAGER, "Update", PLUGINS)],
    )
    check = check_annotation_owner(obj, ROUTE)
    assert check.status == "FAIL", check.line()
    assert "argocd-controller (client-side apply (last-applied-configuration)) puts back 'cors'" in check.detail
    assert (
        "spec.ignoreDifferences: [{group: networking.k8s.io, kind: Ingress, name: demo, namespace: default, "
        "jsonPointers: [/metadata/annotations/konghq.com~1plugins]}]" in check.fix
    )
    assert "RespectIgnoreDifferences=true" in check.fix
    assert "commit `konghq.com/plugins: cors,oidc`" in check.fix  # the live list already has ours


def test_an_httproute_s_recipe_names_the_gateway_api_group() -> None:
    route = RouteObject("HTTPRoute", "default", "api", "oidc", owned_by_git=False)
    assert "group: gateway.networking.k8s.io, kind: HTTPRoute, name: api" in recipe("Argo CD", route, "oidc")
    helm = recipe("Helm", route, "oidc")
    assert "the chart's values for that HTTPRoute's annotations, then upgrade the release" in helm


def test_a_tool_whose_manifest_does_not_set_the_annotation_passes() -> None:
    obj = ingress({PLUGINS: "oidc"}, [entry("kustomize-controller", "Apply", "team/owner")], labels=FLUX_LABELS)
    check = check_annotation_owner(obj, ROUTE)
    assert check.status == "PASS", check.line()
    assert "applied by Flux" in check.detail and "so its syncs keep the stack's entry" in check.detail


def test_right_after_the_stacks_write_the_tools_manifest_is_said_to_be_unseen() -> None:
    # Our write took the field from Flux: what Flux's manifest says shows again only after its next sync.
    obj = ingress({PLUGINS: "cors,oidc"}, [entry(FIELD_MANAGER, "Update", PLUGINS)], labels=FLUX_LABELS)
    check = check_annotation_owner(obj, ROUTE)
    assert check.status == "PASS", check.line()
    assert "the stack wrote konghq.com/plugins last" in check.detail
    assert "shows only after the tool's next sync (`make up` warned if it did" in check.detail


def test_no_tool_and_no_other_writer_passes_and_a_one_off_writer_is_named() -> None:
    assert check_annotation_owner(ingress(), ROUTE).status == "PASS"
    check = check_annotation_owner(ingress({PLUGINS: "cors"}, [entry("kubectl-annotate", "Update", PLUGINS)]), ROUTE)
    assert check.status == "PASS" and "kubectl-annotate" in check.detail, check.line()


def test_annotation_owner_git_fails_until_the_object_lists_the_plugin() -> None:
    missing = check_annotation_owner(ingress({PLUGINS: "cors"}, labels=FLUX_LABELS), GIT_ROUTE)
    assert missing.status == "FAIL", missing.line()
    assert "annotationOwner is git, and the Ingress does not list oidc (konghq.com/plugins: cors)" in missing.detail
    assert "commit `konghq.com/plugins: cors,oidc`" in missing.fix
    unset = check_annotation_owner(ingress(), GIT_ROUTE)
    assert "(konghq.com/plugins: not set)" in unset.detail and "`konghq.com/plugins: oidc`" in unset.fix
    listed = check_annotation_owner(ingress({PLUGINS: "cors, oidc"}), GIT_ROUTE)
    assert listed.status == "PASS", listed.line()


def test_an_entry_written_before_the_field_manager_existed_counts_as_the_stacks() -> None:
    # The Python client's default manager name, which the API server recorded for earlier stacks' writes.
    legacy = ingress({PLUGINS: "oidc"}, [entry("OpenAPI-Generator", "Update", PLUGINS)])
    check = check_annotation_owner(legacy, ROUTE)
    assert check.status == "PASS" and "OpenAPI-Generator" not in check.detail, check.line()
    other = check_annotation_owner(ingress({PLUGINS: "oidc"}, [entry("kubectl-edit", "Update", PLUGINS)]), ROUTE)
    assert "also written by kubectl-edit" in other.detail, other.line()
