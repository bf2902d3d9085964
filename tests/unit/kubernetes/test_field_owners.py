"""Who else writes a route object's `konghq.com/plugins` (components/kubernetes/field_owners.py).

The objects here are shaped as the API server returns them; tests/e2e/test_gitops_managers.py makes
the same states with Flux's and Argo CD's ways of applying, on a real API server.
"""

from __future__ import annotations

import pytest
from managed_fields import PLUGINS, entry, ingress, last_applied

from components.kubernetes.field_owners import (
    LAST_APPLIED_ANNOTATION,
    FieldOwner,
    Reapplier,
    annotation_owners,
    last_applied_value,
    overwrite_warning,
    reappliers,
)
from components.kubernetes.route_objects import FIELD_MANAGER


def test_our_field_manager_is_one_flux_never_takes_over_and_the_api_server_accepts() -> None:
    # kustomize-controller's clean-up matches these as prefixes (fluxcd/pkg ssa/patch.go matchFieldManager).
    assert not FIELD_MANAGER.startswith(("kubectl", "before-first-apply", "kustomize-controller"))
    # The API server's rule for fieldManager: at most 128 printable characters.
    assert len(FIELD_MANAGER) <= 128 and FIELD_MANAGER.isprintable()


def test_the_owners_of_the_annotation_are_read_from_managed_fields_without_subresources() -> None:
    obj = ingress(
        {PLUGINS: "cors,oidc"},
        [
            entry("kustomize-controller", "Apply", "team/owner"),
            entry(FIELD_MANAGER, "Update", PLUGINS),
            entry("status-writer", "Update", PLUGINS, subresource="status"),
        ],
    )
    assert annotation_owners(obj) == [FieldOwner(FIELD_MANAGER, "Update")]
    assert annotation_owners(ingress()) == []


def test_a_server_side_applier_owning_the_annotation_puts_the_live_value_back() -> None:
    obj = ingress({PLUGINS: "cors"}, [entry("kustomize-controller", "Apply", PLUGINS)])
    assert reappliers(obj) == [Reapplier("kustomize-controller", "server-side apply", "cors")]
    assert not reappliers(obj)[0].keeps("oidc")
    shared = ingress({PLUGINS: "cors,oidc"}, [entry("kustomize-controller", "Apply", PLUGINS)])
    assert reappliers(shared)[0].keeps("oidc")


def test_our_managers_and_one_off_writers_do_not_reapply() -> None:
    for manager in (FIELD_MANAGER, "OpenAPI-Generator", "kubectl-annotate", "kubectl-edit"):
        assert reappliers(ingress({PLUGINS: "cors"}, [entry(manager, "Update", PLUGINS)])) == [], manager


@pytest.mark.parametrize("manager", ["helm", "helm-controller", "kubectl-client-side-apply", "argocd-controller"])
def test_update_managers_that_write_a_manifest_again_reapply(manager: str) -> None:
    obj = ingress({PLUGINS: "cors"}, [entry(manager, "Update", PLUGINS)])
    assert reappliers(obj) == [Reapplier(manager, "Update", "cors")]


def test_a_client_side_apply_puts_back_what_its_last_applied_configuration_says() -> None:
    obj = ingress(
        {PLUGINS: "cors,oidc", LAST_APPLIED_ANNOTATION: last_applied("cors")},
        [entry("argocd-controller", "Update", LAST_APPLIED_ANNOTATION), entry(FIELD_MANAGER, "Update", PLUGINS)],
    )
    assert last_applied_value(obj) == "cors"
    assert reappliers(obj) == [Reapplier("argocd-controller", "client-side apply (last-applied-configuration)", "cors")]


def test_a_client_side_apply_whose_manifest_lacks_the_key_leaves_it_alone() -> None:
    # Even if it owned the key once: its manifest no longer sets it, so the three-way merge keeps it.
    obj = ingress(
        {PLUGINS: "oidc", LAST_APPLIED_ANNOTATION: last_applied(None)},
        [entry("kubectl-client-side-apply", "Update", LAST_APPLIED_ANNOTATION, PLUGINS)],
    )
    assert reappliers(obj) == []
    assert last_applied_value(ingress({LAST_APPLIED_ANNOTATION: "not json"})) is None


def test_the_attachment_s_warning_names_who_removes_the_plugin_and_only_then() -> None:
    losing = [Reapplier("kustomize-controller", "server-side apply", "cors")]
    warning = overwrite_warning("Ingress", "default", "demo", "oidc", losing)
    assert warning is not None
    assert "kustomize-controller (server-side apply) puts back 'cors'" in warning
    assert "make doctor" in warning and "docs/gitops.md" in warning
    keeping = [Reapplier("kustomize-controller", "server-side apply", "cors,oidc")]
    assert overwrite_warning("Ingress", "default", "demo", "oidc", keeping) is None
