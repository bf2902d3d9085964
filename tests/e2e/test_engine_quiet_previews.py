"""Scenario: a stack with every feature previews quietly after `up` and after `refresh`; a real change still shows.

Pull-request previews must not show changes nobody made. The AWS stand-in stores what Cognito
answers (an OIDC provider's discovered endpoints, a SAML provider's certificate and redirect URIs,
the pool's and clients' defaults) and plans it against the program's inputs as pulumi-aws does
(tests/support/aws_provider_standin.py): a key Cognito added that the program does not ignore
shows as an update on every preview. Every feature: two routes of each kind (Ingress, HTTPRoute)
and mode (browser, api; `both` is refused with allowedGroups), a SAML and an OIDC provider with
groups, MFA, machine clients and identity headers. tests/local_servers/test_aws_provider_standin.py
proves the same of the stand-in alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_backends import RealClusterStore
from cluster_state import identity_providers, planned_steps, user_pools
from engine import Engine
from identity_provider_examples import ENTRA, OKTA
from kube_apiserver import ADMIN, KubeApiServer

pytestmark = pytest.mark.e2e

STACK = "quiet"
OKTA_SECRET = "okta-client-secret-e2e-quiet-5e0b"
HOST = "apps.example.com"
# (kind, mode) twice each; the Ingress `demo` in default is the conftest's.
ROUTES = [
    {"ingress": "demo", "host": HOST, "path": "/bar"},
    {"ingress": "shop", "namespace": "shop", "host": HOST, "path": "/shop", "signInWith": "Okta"},
    {"ingress": "billing-api", "host": HOST, "path": "/billing", "mode": "api", "scopes": ["orders.read"]},
    {"ingress": "stock-api", "namespace": "shop", "host": HOST, "path": "/stock", "mode": "api"},
    {"ingress": "portal", "kind": "HTTPRoute", "host": HOST, "path": "/portal"},
    {
        "ingress": "admin",
        "namespace": "shop",
        "kind": "HTTPRoute",
        "host": HOST,
        "path": "/admin",
        "signInWith": "Entra",
    },
    {
        "ingress": "orders-api",
        "kind": "HTTPRoute",
        "host": HOST,
        "path": "/api",
        "mode": "api",
        "scopes": ["orders.write"],
    },
    {
        "ingress": "reports-api",
        "namespace": "shop",
        "kind": "HTTPRoute",
        "host": HOST,
        "path": "/reports",
        "mode": "api",
    },
]
CONFIG = {
    "aws:region": "us-west-2",
    "kong-cognito-oidc:routes": ROUTES,
    "kong-cognito-oidc:identityProviders": [ENTRA, OKTA],
    "kong-cognito-oidc:allowedGroups": ["staff"],
    "kong-cognito-oidc:mfa": "optional",
    "kong-cognito-oidc:apiClients": [
        {"name": "billing-job", "scopes": ["orders.read", "orders.write"]},
        {"name": "reports", "scopes": ["orders.read"]},
    ],
    "kong-cognito-oidc:upstreamHeaders": {"email": "X-User-Email", "sub": "X-User-Id"},
}


@pytest.fixture(name="route_objects")
def route_objects_fixture(
    engine_cluster: KubeApiServer, engine_gateway_api: RealClusterStore, demo_ingress: dict[str, Any]
) -> None:
    """The Ingresses and HTTPRoutes the routes protect, as their owners made them, fresh for this test."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    api = engine_cluster.client(ADMIN)
    networking, custom = client.NetworkingV1Api(api), client.CustomObjectsApi(api)
    for route in ROUTES[1:]:
        namespace, name = route.get("namespace", "default"), route["ingress"]
        try:
            if route.get("kind") == "HTTPRoute":
                custom.delete_namespaced_custom_object("gateway.networking.k8s.io", "v1", namespace, "httproutes", name)
            else:
                networking.delete_namespaced_ingress(name, namespace)
        except ApiException as error:
            if error.status != 404:
                raise
        if route.get("kind") == "HTTPRoute":
            engine_gateway_api.add_http_route(namespace, name, {}, [{"name": "kong", "namespace": "kong"}])
        else:
            ingress = yaml.safe_load(yaml.safe_dump(demo_ingress))
            metadata = {"name": name, "namespace": namespace}
            spec = {
                **ingress["spec"],
                "rules": [
                    {"http": {"paths": [{**ingress["spec"]["rules"][0]["http"]["paths"][0], "path": route["path"]}]}}
                ],
            }
            networking.create_namespaced_ingress(
                namespace, {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata, "spec": spec}
            )


def write_stack(project: Path, config: dict[str, Any]) -> None:
    """The stack file with this config; the client secret and its salt as `pulumi config set --secret` wrote them."""
    stack_file = project / f"Pulumi.{STACK}.yaml"
    stack = yaml.safe_load(stack_file.read_text()) if stack_file.exists() else {}
    kept = stack.get("config", {}).get("kong-cognito-oidc:identityProviders", [])
    providers = [dict(entry) for entry in config["kong-cognito-oidc:identityProviders"]]
    for entry, old in zip(providers, kept, strict=False):
        if "clientSecret" in old:
            entry["clientSecret"] = old["clientSecret"]
    stack["config"] = {**config, "kong-cognito-oidc:identityProviders": providers}
    stack_file.write_text(yaml.safe_dump(stack))


def provider_details(engine: Engine, project: Path, name: str) -> dict[str, str]:
    """An identity provider's ProviderDetails as the stack's state holds them (a secret output, so decrypted)."""
    exported = engine.pulumi(project, STACK, "stack", "export", "--show-secrets")
    assert exported.returncode == 0, exported
    (resource,) = [r for r in json.loads(exported.output)["deployment"]["resources"] if r["urn"].endswith(f"::{name}")]
    details = resource["outputs"]["providerDetails"]
    shown: dict[str, str] = json.loads(details["plaintext"]) if "plaintext" in details else details
    return shown


def test_every_feature_previews_quietly_after_up_and_refresh_and_a_real_change_shows_as_exactly_that_update(
    engine: Engine,
    project: Path,
    engine_cluster: KubeApiServer,
    moto_url: str,
    route_objects: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # moto's IAM knows AWS's managed policies (the groups trigger's role gets one) only when asked.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    write_stack(project, CONFIG)
    assert (init := engine.pulumi(project, STACK, "stack", "init")).returncode == 0, init
    secret = engine.pulumi(
        project, STACK, "config", "set", "--secret", "--path", "identityProviders[1].clientSecret", OKTA_SECRET
    )
    assert secret.returncode == 0, secret
    up = engine.make("up", project, STACK)
    assert up.returncode == 0, up
    (pool,) = user_pools(moto_url)

    engine.preview_is_quiet(project, STACK)
    # Not quiet by accident: the state holds what Cognito added and the program never sent.
    assert {"authorize_url", "jwks_uri"} <= set(provider_details(engine, project, "cognito-idp-Okta"))
    assert "SLORedirectBindingURI" in provider_details(engine, project, "cognito-idp-Entra")

    # A new issuer: the provider is updated in place, nothing else.
    moved = {**CONFIG, "kong-cognito-oidc:identityProviders": [ENTRA, {**OKTA, "issuer": "https://login.example.org"}]}
    write_stack(project, moved)
    preview = engine.pulumi(project, STACK, "preview", "--diff")
    assert preview.returncode == 0, preview
    assert planned_steps(preview.output) == {"~": {"IdentityProvider cognito-idp-Okta"}}, preview
    assert re.search(r'~ oidc_issuer\s*: "https://example.okta.com" => "https://login.example.org"', preview.output), (
        preview
    )

    # A route's new path: the browser client's callback and its KongPlugin, nothing else.
    rerouted = [dict(route) for route in ROUTES]
    rerouted[1]["path"] = "/store"
    write_stack(project, {**CONFIG, "kong-cognito-oidc:routes": rerouted})
    preview = engine.pulumi(project, STACK, "preview", "--diff")
    assert preview.returncode == 0, preview
    assert planned_steps(preview.output) == {
        "~": {"UserPoolClient cognito-client", "KongPlugin kong-oidc-plugin-shop.shop"}
    }, preview

    # Taken: the issuer reaches Cognito, and the next preview is quiet again.
    write_stack(project, moved)
    up = engine.make("up", project, STACK)
    assert up.returncode == 0, up
    assert (
        identity_providers(moto_url, pool["Id"])["Okta"]["ProviderDetails"]["oidc_issuer"]
        == "https://login.example.org"
    )
    engine.preview_is_quiet(project, STACK)

    destroy = engine.make("destroy", project, STACK)
    assert destroy.returncode == 0, destroy
    assert user_pools(moto_url) == []
