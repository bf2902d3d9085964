"""An Ingress that Flux or Argo CD applies, and our entry in its `konghq.com/plugins`, on a real API server.

Flux's kustomize-controller applies server-side with force as `kustomize-controller`; Argo CD's
default sync is client-side `kubectl apply` (the real kubectl, at the API server's version) as
`argocd-controller` (tests/support/gitops_tools.py says what each does and where that was read).
What decides whether our entry survives is the API server's: field ownership (managedFields) and
kubectl's three-way merge. The attachment writes with the real client, as `pulumi up` does.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cluster_backends import RealCluster
from gitops_tools import ARGO_CD_MANAGER, FLUX_MANAGER, ArgoCd, FluxKustomizeController
from kube_apiserver import ADMIN

from components.kubernetes.field_owners import FieldOwner, Reapplier, annotation_owners, is_ours, reappliers
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION, attach_plugin, detach_plugin
from components.kubernetes.route_objects import FIELD_MANAGER, KubernetesRouteObjectApi
from doctor_checks.gitops import RouteObject, check_annotation_owner

pytestmark = pytest.mark.e2e

PATCHES = ["/client_secret", "/session_secret"]
IGNORED = "/metadata/annotations/konghq.com~1plugins"
GIT_INGRESS: dict[str, Any] = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "Ingress",
    "metadata": {"name": "demo", "namespace": "default", "labels": {"app": "demo"}},
    "spec": {
        "ingressClassName": "kong",
        "rules": [
            {
                "http": {
                    "paths": [
                        {
                            "path": "/bar",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": "demo", "port": {"number": 80}}},
                        }
                    ]
                }
            }
        ],
    },
}


def in_git(plugins: str | None = None, revision: str = "1") -> dict[str, Any]:
    """The Ingress as Git holds it at `revision` (a label), with `plugins` as its konghq.com/plugins if any."""
    manifest = copy.deepcopy(GIT_INGRESS)
    manifest["metadata"]["labels"]["revision"] = revision
    if plugins is not None:
        manifest["metadata"]["annotations"] = {PLUGINS_ANNOTATION: plugins}
    return manifest


@pytest.fixture
def cluster(real_cluster: RealCluster) -> Iterator[RealCluster]:
    real_cluster.store.reset()
    real_cluster.store.add_plugin("default", "oidc")
    yield real_cluster


@pytest.fixture
def admin_kubeconfig(cluster: RealCluster, tmp_path: Path) -> Path:
    path = tmp_path / "admin.kubeconfig"
    path.write_text(json.dumps(cluster.server.kubeconfig(ADMIN)))
    return path


@pytest.fixture
def stack(admin_kubeconfig: Path) -> KubernetesRouteObjectApi:
    """The attachment's calls, as `pulumi up` makes them."""
    return KubernetesRouteObjectApi(kubeconfig=str(admin_kubeconfig))


@pytest.fixture
def flux(cluster: RealCluster) -> FluxKustomizeController:
    return FluxKustomizeController(cluster.server.client(ADMIN))


@pytest.fixture
def argo_cd(admin_kubeconfig: Path) -> ArgoCd:
    return ArgoCd(admin_kubeconfig)


def live(cluster: RealCluster) -> dict[str, Any]:
    from kubernetes import client

    api = client.NetworkingV1Api(cluster.server.client(ADMIN))
    found: dict[str, Any] = api.api_client.sanitize_for_serialization(api.read_namespaced_ingress("demo", "default"))
    return found


def plugins(cluster: RealCluster) -> str | None:
    return (live(cluster)["metadata"].get("annotations") or {}).get(PLUGINS_ANNOTATION)


def doctor(cluster: RealCluster, owned_by_git: bool = False) -> str:
    """`make doctor`'s line about the route's annotation."""
    route = RouteObject("Ingress", "default", "demo", "oidc", owned_by_git)
    return check_annotation_owner(live(cluster), route).line()


def attach(stack: KubernetesRouteObjectApi) -> None:
    assert attach_plugin(stack, "default", "demo", "oidc", config_patch_paths=PATCHES) is True


# --- Flux: server-side apply, forced, as kustomize-controller ---


def test_flux_applying_a_manifest_without_the_annotation_keeps_our_entry(
    cluster: RealCluster, stack: KubernetesRouteObjectApi, flux: FluxKustomizeController
) -> None:
    flux.apply(in_git())
    attach(stack)
    flux.apply(in_git(revision="2"))  # a new commit: Flux applies the object again

    assert plugins(cluster) == "oidc"
    assert live(cluster)["metadata"]["labels"]["revision"] == "2"  # Flux's apply did go through
    assert annotation_owners(live(cluster)) == [FieldOwner(FIELD_MANAGER, "Update")]
    assert reappliers(live(cluster)) == []
    assert doctor(cluster).startswith("PASS annotation-owner default/demo: applied by Flux")

    detach_plugin(stack, "default", "demo", "oidc")
    flux.apply(in_git(revision="3"))
    assert plugins(cluster) is None


def test_flux_applying_its_own_value_takes_the_annotation_and_our_entry_with_it(
    cluster: RealCluster, stack: KubernetesRouteObjectApi, flux: FluxKustomizeController
) -> None:
    flux.apply(in_git("cors"))
    # Before `make up`: Flux owns the key, and what it puts back lacks our plugin.
    assert reappliers(live(cluster)) == [Reapplier(FLUX_MANAGER, "server-side apply", "cors")]
    assert doctor(cluster).startswith("FAIL annotation-owner default/demo: another tool sets konghq.com/plugins")
    attach(stack)
    assert plugins(cluster) == "cors,oidc"
    assert annotation_owners(live(cluster)) == [FieldOwner(FIELD_MANAGER, "Update")]  # our write took the key

    flux.apply(in_git("cors", revision="2"))
    assert plugins(cluster) == "cors"  # the route lost its sign-in
    assert annotation_owners(live(cluster)) == [FieldOwner(FLUX_MANAGER, "Apply")]
    assert reappliers(live(cluster)) == [Reapplier(FLUX_MANAGER, "server-side apply", "cors")]
    line = doctor(cluster)
    assert "kustomize-controller (server-side apply) puts back 'cors'" in line, line
    assert "Flux (labels kustomize.toolkit.fluxcd.io/name" in line, line
    assert "spec.ignore: [{paths: [/metadata/annotations/konghq.com~1plugins]" in line, line


def test_flux_with_spec_ignore_on_the_annotation_keeps_our_entry(
    cluster: RealCluster, stack: KubernetesRouteObjectApi, flux: FluxKustomizeController
) -> None:
    flux.apply(in_git("cors"))
    attach(stack)
    flux.apply(in_git("cors", revision="2"), ignore=[IGNORED])

    assert plugins(cluster) == "cors,oidc"
    assert live(cluster)["metadata"]["labels"]["revision"] == "2"
    found = reappliers(live(cluster))
    assert [writer.manager for writer in found] == [FLUX_MANAGER] and found[0].keeps("oidc")
    assert doctor(cluster).startswith("PASS"), doctor(cluster)


def test_up_on_an_ingress_whose_list_flux_applies_warns_and_destroy_then_removes_only_ours(
    cluster: RealCluster, admin_kubeconfig: Path, flux: FluxKustomizeController, capsys: pytest.CaptureFixture[str]
) -> None:
    from pulumi.dynamic import Config, ConfigureRequest

    from components.ingress_plugin_attachment import IngressPluginAttachmentProvider

    flux.apply(in_git("cors"))
    provider = IngressPluginAttachmentProvider()
    provider.configure(ConfigureRequest(Config({"kubernetes:kubeconfig": str(admin_kubeconfig)}, "kong-cognito-oidc")))
    props = {"namespace": "default", "ingress_name": "demo", "plugin_name": "oidc", "config_patch_paths": PATCHES}

    created = provider.create(dict(props))
    assert plugins(cluster) == "cors,oidc"
    err = capsys.readouterr().err
    assert "warning: Ingress default/demo: another tool writes konghq.com/plugins without oidc" in err, err
    assert "kustomize-controller (server-side apply) puts back 'cors'" in err, err

    provider.delete(created.id, created.outs or {})
    assert plugins(cluster) == "cors"


def test_flux_keeps_our_entry_when_git_lists_it_as_the_stack_outputs(
    cluster: RealCluster, flux: FluxKustomizeController
) -> None:
    # annotationOwner: git: the stack leaves the object alone, and Git carries the value it outputs.
    flux.apply(in_git("cors,oidc"))
    flux.apply(in_git("cors,oidc", revision="2"))
    assert plugins(cluster) == "cors,oidc"
    found = reappliers(live(cluster))
    assert found == [Reapplier(FLUX_MANAGER, "server-side apply", "cors,oidc")]
    assert found[0].keeps("oidc")
    assert doctor(cluster, owned_by_git=True).startswith("PASS"), doctor(cluster, owned_by_git=True)
    assert doctor(cluster).startswith("PASS"), doctor(cluster)

    flux.apply(in_git("cors", revision="3"))  # someone drops it from Git
    assert doctor(cluster, owned_by_git=True).startswith(
        "FAIL annotation-owner default/demo: annotationOwner is git, and the Ingress does not list oidc"
    )


def test_an_entry_written_before_the_field_manager_existed_survives_flux_and_counts_as_ours(
    cluster: RealCluster, flux: FluxKustomizeController
) -> None:
    """Stacks attached before wrote without a field manager: the API server recorded the client's User-Agent."""
    from kubernetes import client

    flux.apply(in_git())
    legacy = client.NetworkingV1Api(cluster.server.client(ADMIN))  # the Python client's defaults, as before
    legacy.patch_namespaced_ingress("demo", "default", {"metadata": {"annotations": {PLUGINS_ANNOTATION: "oidc"}}})
    assert annotation_owners(live(cluster)) == [FieldOwner("OpenAPI-Generator", "Update")]
    assert is_ours("OpenAPI-Generator")

    flux.apply(in_git(revision="2"))
    assert plugins(cluster) == "oidc"
    assert doctor(cluster).startswith("PASS annotation-owner default/demo: applied by Flux"), doctor(cluster)


def test_flux_takes_an_entry_written_by_a_kubectl_named_manager_and_drops_it(
    cluster: RealCluster, flux: FluxKustomizeController, argo_cd: ArgoCd
) -> None:
    """Why our manager's name matters: Flux adopts and then removes what `kubectl...` managers wrote."""
    flux.apply(in_git())
    argo_cd.kubectl(["annotate", "ingress", "demo", "-n", "default", f"{PLUGINS_ANNOTATION}=oidc"])
    assert annotation_owners(live(cluster)) == [FieldOwner("kubectl-annotate", "Update")]

    flux.apply(in_git(revision="2"))
    assert plugins(cluster) is None


# --- Argo CD: client-side kubectl apply (three-way merge with last-applied-configuration) ---


def test_argo_cd_syncing_a_manifest_without_the_annotation_keeps_our_entry(
    cluster: RealCluster, stack: KubernetesRouteObjectApi, argo_cd: ArgoCd
) -> None:
    argo_cd.sync(in_git())
    attach(stack)
    argo_cd.sync(in_git(revision="2"))

    assert plugins(cluster) == "oidc"
    assert live(cluster)["metadata"]["labels"]["revision"] == "2"
    assert reappliers(live(cluster)) == []
    assert doctor(cluster).startswith("PASS annotation-owner default/demo: applied by Argo CD"), doctor(cluster)

    detach_plugin(stack, "default", "demo", "oidc")
    argo_cd.sync(in_git(revision="3"))
    assert plugins(cluster) is None


def test_argo_cd_syncing_its_own_value_puts_it_back_and_takes_our_entry_with_it(
    cluster: RealCluster, stack: KubernetesRouteObjectApi, argo_cd: ArgoCd
) -> None:
    argo_cd.sync(in_git("cors"))
    expected = Reapplier(ARGO_CD_MANAGER, "client-side apply (last-applied-configuration)", "cors")
    assert reappliers(live(cluster)) == [expected]
    attach(stack)
    assert plugins(cluster) == "cors,oidc"
    assert reappliers(live(cluster)) == [expected]  # last-applied still says what the next sync puts back
    line = doctor(cluster)
    assert line.startswith("FAIL") and "argocd-controller (client-side apply" in line, line
    assert "RespectIgnoreDifferences=true" in line, line

    argo_cd.sync(in_git("cors"))  # the same commit again: the three-way merge sees live != Git
    assert plugins(cluster) == "cors"


def test_argo_cd_with_respect_ignore_differences_on_the_annotation_keeps_our_entry(
    cluster: RealCluster, stack: KubernetesRouteObjectApi, argo_cd: ArgoCd
) -> None:
    argo_cd.sync(in_git("cors"))
    attach(stack)
    argo_cd.sync(in_git("cors", revision="2"), respect_ignored_pointers=[IGNORED])

    assert plugins(cluster) == "cors,oidc"
    assert live(cluster)["metadata"]["labels"]["revision"] == "2"
    found = reappliers(live(cluster))
    assert [writer.manager for writer in found] == [ARGO_CD_MANAGER] and found[0].keeps("oidc")
    assert doctor(cluster).startswith("PASS"), doctor(cluster)
