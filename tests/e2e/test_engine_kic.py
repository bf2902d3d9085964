"""Scenarios through the real engine, read by the Kong Ingress Controller: what Kong itself would be told.

KIC 3.3.1 (tests/support/kong_ingress_controller.py) watches the cluster the stack deploys to and
posts Kong's declarative configuration to the stand-in Admin API, which records it. The scenarios
assert on that configuration: which Kong routes carry an openid-connect plugin, and its config key by
key, as written down here. That is the regression guard of every change to the plugin's config: a
key renamed in the program, or a secret no longer patched in from the Secret, fails here through KIC.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from cluster_state import app_clients, client_secrets, kong_plugins, secret_values, secrets
from engine import Engine, Run
from kong_ingress_controller import (
    KicCluster,
    KubernetesObject,
    add_backend,
    from_kong_plugin,
    plugins_named,
    plugins_on,
    routes_of,
)
from kube_apiserver import ADMIN, KubeApiServer

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION

pytestmark = pytest.mark.e2e

OPENID_CONNECT = "openid-connect"
GATEWAY = {"name": "kong", "namespace": "kong"}
# Another team's plugin, listed on the protected Ingress before the stack.
CORS = {
    "apiVersion": "configuration.konghq.com/v1",
    "kind": "KongPlugin",
    "metadata": {"name": "cors", "namespace": "default"},
    "plugin": "cors",
    "config": {"origins": ["https://apps.example.com"]},
}
# The backends of the apps, one address each.
BACKENDS = {("default", "demo"): "10.244.0.10", ("default", "orders"): "10.244.0.11", ("shop", "shop"): "10.244.0.12"}
DEV_URL = "https://kong-proxy-0123456789.us-west-2.elb.amazonaws.com/bar"  # Pulumi.dev.yaml's route

# The stack of every mode and kind: browser on Ingresses (one with signInWith), api on an HTTPRoute,
# allowedGroups and upstreamHeaders; then, without allowedGroups (which refuses a both route), both on an
# Ingress of another namespace.
ROUTES_STACK = "kic-routes"
IDENTIFIER = "https://apps.example.com"
ENTRA = {
    "name": "Entra",
    "type": "SAML",
    "metadataUrl": "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
    "attributes": {"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"},
}
ROUTES = [
    {"ingress": "demo", "host": "apps.example.com", "path": "/bar"},
    {"ingress": "partners", "host": "apps.example.com", "path": "/partners", "signInWith": "Entra"},
    {
        "ingress": "orders-api",
        "kind": "HTTPRoute",
        "host": "apps.example.com",
        "path": "/api",
        "mode": "api",
        "scopes": ["orders.write"],
    },
]
SHOP = {"ingress": "shop", "namespace": "shop", "host": "shop.example.org", "path": "/", "mode": "both"}
ROUTES_CONFIG = {
    "aws:region": "us-west-2",
    "kong-cognito-oidc:routes": ROUTES,
    "kong-cognito-oidc:identityProviders": [ENTRA],
    "kong-cognito-oidc:allowedGroups": ["staff"],
    "kong-cognito-oidc:upstreamHeaders": {"sub": "X-User-Id"},
    "kong-cognito-oidc:apiClients": [{"name": "billing-job", "scopes": ["orders.write"]}],
    "kong-cognito-oidc:apiIdentifier": IDENTIFIER,
}


# --- the apps, as their owners made them ---


@pytest.fixture
def apps(kic_cluster: KicCluster) -> Iterator[KubeApiServer]:
    """The backends, and no Ingress, HTTPRoute, KongPlugin or stack Secret of an earlier scenario."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    server = kic_cluster.server
    api = server.client(ADMIN)
    core, networking, custom = client.CoreV1Api(api), client.NetworkingV1Api(api), client.CustomObjectsApi(api)
    for namespace in ("default", "shop"):
        networking.delete_collection_namespaced_ingress(namespace)
        custom.delete_collection_namespaced_custom_object("gateway.networking.k8s.io", "v1", namespace, "httproutes")
        custom.delete_collection_namespaced_custom_object("configuration.konghq.com", "v1", namespace, "kongplugins")
        for secret in core.list_namespaced_secret(namespace).items:
            if secret.metadata.name.startswith("kong-oidc-secrets"):
                core.delete_namespaced_secret(secret.metadata.name, namespace)
    for (namespace, name), address in BACKENDS.items():
        try:
            add_backend(server, namespace, name, address)
        except ApiException as error:
            if error.status != 409:  # made by an earlier scenario
                raise
    yield server


def add_ingress(
    server: KubeApiServer,
    namespace: str,
    name: str,
    path: str,
    backend: str,
    host: str | None = None,
    plugins: str = "",
) -> None:
    from kubernetes import client

    rule: dict[str, Any] = {
        "http": {
            "paths": [
                {
                    "path": path,
                    "pathType": "Prefix",
                    "backend": {"service": {"name": backend, "port": {"number": 80}}},
                }
            ]
        }
    }
    if host:
        rule["host"] = host
    annotations = {PLUGINS_ANNOTATION: plugins} if plugins else {}
    client.NetworkingV1Api(server.client(ADMIN)).create_namespaced_ingress(
        namespace,
        {
            "metadata": {"name": name, "annotations": annotations},
            "spec": {"ingressClassName": "kong", "rules": [rule]},
        },
    )


def add_http_route(server: KubeApiServer, namespace: str, name: str, host: str, path: str, backend: str) -> None:
    from kubernetes import client

    client.CustomObjectsApi(server.client(ADMIN)).create_namespaced_custom_object(
        "gateway.networking.k8s.io",
        "v1",
        namespace,
        "httproutes",
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": {"name": name},
            "spec": {
                "parentRefs": [GATEWAY],
                "hostnames": [host],
                "rules": [
                    {
                        "matches": [{"path": {"type": "PathPrefix", "value": path}}],
                        "backendRefs": [{"name": backend, "port": 80}],
                    }
                ],
            },
        },
    )


# --- what the scenarios read ---


def stack_outputs(engine: Engine, project: Path, stack: str) -> dict[str, Any]:
    done = engine.pulumi(project, stack, "stack", "output", "--json")
    assert done.returncode == 0, done
    found: dict[str, Any] = json.loads(done.output)
    return found


def stack_secret(server: KubeApiServer, namespace: str) -> tuple[str, dict[str, Any]]:
    """The name of the stack's Secret in `namespace`, and its values (JSON-decoded, as KIC patches them in)."""
    (secret,) = [s for s in secrets(server, namespace) if s["metadata"]["name"].startswith("kong-oidc-secrets")]
    return secret["metadata"]["name"], {key: json.loads(value) for key, value in secret_values(secret).items()}


def oidc_plugins_on(config: dict[str, Any], kind: str, namespace: str, name: str) -> list[dict[str, Any]]:
    """The openid-connect plugins on the Kong routes KIC made of one Ingress or HTTPRoute (one list per route)."""
    return [
        plugin
        for route in routes_of(config, kind, namespace, name)
        for plugin in plugins_on(config, route)
        if plugin["name"] == OPENID_CONNECT
    ]


def served_with_plugin(kind: str, namespace: str, name: str, plugin: str) -> Any:
    """A condition on KIC's configuration: every Kong route of the object carries KongPlugin `plugin`."""

    def holds(config: dict[str, Any]) -> bool:
        found = routes_of(config, kind, namespace, name)
        return bool(found) and all(
            any(from_kong_plugin(p, namespace, plugin) for p in plugins_on(config, route)) for route in found
        )

    return holds


def with_patches(kong_plugin: dict[str, Any], secret_values: dict[str, Any]) -> dict[str, Any]:
    """The KongPlugin's config with its configPatches applied from the Secret's values, as KIC's docs say."""
    config = dict(kong_plugin["config"])
    for patch in kong_plugin["configPatches"]:
        config[patch["path"].lstrip("/")] = secret_values[patch["valueFrom"]["secretKeyRef"]["key"]]
    return config


def kic_warnings(server: KubeApiServer, namespace: str, since: datetime) -> list[str]:
    """KIC's Warning events in `namespace` seen since `since`, as `kind/name: reason: message`."""
    from kubernetes import client

    events = client.CoreV1Api(server.client(ADMIN)).list_namespaced_event(namespace, field_selector="type=Warning")
    return [
        f"{event.involved_object.kind}/{event.involved_object.name}: {event.reason}: {event.message}"
        for event in events.items
        if (event.last_timestamp or event.event_time or since) >= since.replace(microsecond=0)
    ]


def ok(run: Run) -> Run:
    assert run.returncode == 0, run
    return run


# --- expectations, written down ---


def logout_endpoint(outputs: dict[str, Any], url: str) -> str:
    """Cognito's /logout with its own parameters (client_id, logout_uri), as the plugin's end_session_endpoint."""
    query = urlencode({"client_id": outputs["clientId"], "logout_uri": url})
    return f"https://{outputs['hostedUiDomain']}/logout?{query}"


def browser_config(outputs: dict[str, Any], url: str, client_secret: str, session_secret: str) -> dict[str, Any]:
    """A browser route's openid-connect config, as Kong gets it (secrets included)."""
    return {
        "issuer": f"https://cognito-idp.us-west-2.amazonaws.com/{outputs['userPoolId']}/.well-known/openid-configuration",
        "client_id": [outputs["clientId"]],
        "client_secret": [client_secret],
        "session_secret": session_secret,
        "redirect_uri": [url],
        "scopes": ["openid", "email", "profile"],
        "auth_methods": ["authorization_code", "session"],
        "cache_ttl": 10,
        "logout_uri_suffix": "/logout",
        "logout_methods": ["GET", "POST"],
        "end_session_endpoint": logout_endpoint(outputs, url),
    }


# --- the scenarios ---


def test_kic_puts_the_dev_stacks_plugin_on_the_protected_route_only_and_the_doctor_reports_kics_warning(
    kic_engine: Engine, project: Path, kic_cluster: KicCluster, moto_url: str, apps: KubeApiServer
) -> None:
    server, kic = kic_cluster.server, kic_cluster.kic
    since = datetime.now(UTC)
    from kubernetes import client

    client.CustomObjectsApi(server.client(ADMIN)).create_namespaced_custom_object(
        "configuration.konghq.com", "v1", "default", "kongplugins", CORS
    )
    add_ingress(server, "default", "demo", "/bar", "demo", plugins="cors")  # what the dev stack protects
    add_ingress(server, "default", "public", "/public", "demo")  # on the same host, not protected

    ok(kic_engine.make("up", project, "dev"))
    protected = served_with_plugin("Ingress", "default", "demo", "oidc")
    config = kic.settled(protected, "Ingress demo's routes have oidc")

    # Kong: the protected Ingress's route carries the stack's openid-connect and the other team's cors;
    # the unprotected Ingress on the same host has no plugin at all; no other openid-connect anywhere.
    demo_routes = routes_of(config, "Ingress", "default", "demo")
    public_routes = routes_of(config, "Ingress", "default", "public")
    assert demo_routes and public_routes, config
    for route in demo_routes:
        assert sorted(p["name"] for p in plugins_on(config, route)) == ["cors", OPENID_CONNECT], config
    for route in public_routes:
        assert plugins_on(config, route) == [], config
    (plugin,) = plugins_named(config, OPENID_CONNECT)
    assert from_kong_plugin(plugin, "default", "oidc"), plugin

    # Its config: the KongPlugin's, with client_secret and session_secret patched in from the Secret
    # (client_secret is Cognito's, session_secret the stack's random one), and exactly this.
    (kong_plugin,) = [p for p in kong_plugins(server) if p["metadata"]["name"] == "oidc"]
    secret_name, values = stack_secret(server, "default")
    (client_secret,) = client_secrets(moto_url)
    assert values["client_secret"] == [client_secret]
    outputs = stack_outputs(kic_engine, project, "dev")
    expected = browser_config(outputs, DEV_URL, client_secret, values["session_secret"])
    assert plugin["config"] == with_patches(kong_plugin, values)
    assert plugin["config"] == expected

    # KIC had nothing to say against any of the stack's objects.
    assert kic_warnings(server, "default", since) == []
    dev_objects = [
        ("KongPlugin", "default", "oidc"),
        ("Secret", "default", secret_name),
        ("Ingress", "default", "demo"),
    ]
    assert kic.errors_about(since, *dev_objects) == []
    assert kic.admin.state.unexpected == []

    # The doctor reads KIC's verdict: with the Secret deleted behind the stack's back, KIC cannot patch
    # the plugin's secrets, drops the plugin and says so in a Warning event; `make doctor` FAILs with it.
    as_yourself = replace(kic_engine, extra_env={"KUBECONFIG": str(kic_cluster.admin_kubeconfig)})
    assert doctor_line(as_yourself, project, "dev").startswith("PASS kic-events: ")
    client.CoreV1Api(server.client(ADMIN)).delete_namespaced_secret(secret_name, "default")
    config = kic.settled(lambda c: oidc_plugins_on(c, "Ingress", "default", "demo") == [], "the plugin is dropped")
    message = f"could not parse KongPlugin default/oidc config: Secret default/{secret_name} not found"
    assert f"KongPlugin/oidc: KongConfigurationTranslationFailed: {message}" in kic_warnings(server, "default", since)
    line = doctor_line(as_yourself, project, "dev")
    assert line.startswith(
        "FAIL kic-events: the Kong Ingress Controller could not configure Kong from the stack's objects, and left "
        f"them out of Kong's configuration: KongPlugin default/oidc: KongConfigurationTranslationFailed: {message} ("
    ), line
    assert "`pulumi refresh --stack dev`, then `make up`" in line, line

    # The fix it gives works: the Secret is written again, KIC serves the plugin again, the doctor passes.
    ok(kic_engine.pulumi(project, "dev", "refresh", "--yes"))
    ok(kic_engine.make("up", project, "dev"))
    config = kic.settled(protected, "the plugin is back")
    (plugin,) = plugins_named(config, OPENID_CONNECT)
    assert plugin["config"] == expected
    line = doctor_line(as_yourself, project, "dev")
    assert line.startswith("PASS kic-events: no Warning from the Kong Ingress Controller"), line
    assert "older one(s), from before the object last changed" in line, line

    # Destroy takes the stack's plugin off the route; the other team's stays.
    ok(kic_engine.make("destroy", project, "dev"))
    config = kic.settled(lambda c: not plugins_named(c, OPENID_CONNECT), "no openid-connect plugin is left")
    for route in routes_of(config, "Ingress", "default", "demo"):
        assert [p["name"] for p in plugins_on(config, route)] == ["cors"], config


def test_kic_gives_each_route_of_every_mode_and_kind_its_plugin_as_declared(
    kic_engine: Engine, project: Path, kic_cluster: KicCluster, moto_url: str, apps: KubeApiServer
) -> None:
    server, kic = kic_cluster.server, kic_cluster.kic
    since = datetime.now(UTC)
    add_ingress(server, "default", "demo", "/bar", "demo", host="apps.example.com")
    add_ingress(server, "default", "partners", "/partners", "demo", host="apps.example.com")
    add_http_route(server, "default", "orders-api", "apps.example.com", "/api", "orders")
    add_ingress(server, "shop", "shop", "/", "shop", host="shop.example.org")

    # 1. browser routes (one with signInWith) and an api route, allowedGroups and upstreamHeaders.
    write_stack(project, ROUTES_CONFIG)
    ok(kic_engine.make("up", project, ROUTES_STACK))
    plugins = {
        ("Ingress", "default", "demo"): "oidc",
        ("Ingress", "default", "partners"): "oidc-partners",
        ("HTTPRoute", "default", "orders-api"): "oidc-orders-api",
        ("Ingress", "shop", "shop"): "oidc-shop",
    }
    served = {key: served_with_plugin(*key, plugin) for key, plugin in plugins.items()}
    first = [key for key in served if key[2] != "shop"]
    config = kic.settled(lambda c: all(served[key](c) for key in first), "every route has its plugin")

    outputs = stack_outputs(kic_engine, project, ROUTES_STACK)
    clients = app_clients(moto_url)
    billing = clients["billing-job"]["ClientId"]
    (client_secret,) = [found["ClientSecret"] for name, found in clients.items() if name != "billing-job"]
    default_secret, default_values = stack_secret(server, "default")
    issuer = f"https://cognito-idp.us-west-2.amazonaws.com/{outputs['userPoolId']}"
    gate = {"groups_claim": ["cognito:groups"], "groups_required": ["staff"]}
    headers = {"upstream_headers_claims": ["sub"], "upstream_headers_names": ["X-User-Id"]}
    bearer = {"bearer_token_param_type": ["header"], "issuers_allowed": [issuer], "audience_claim": ["client_id"]}
    session = default_values["session_secret"]

    def browser(url: str, session_secret: str = session) -> dict[str, Any]:
        return browser_config(outputs, url, client_secret, session_secret) | headers

    expected = {
        ("Ingress", "default", "demo"): browser("https://apps.example.com/bar") | gate,
        ("Ingress", "default", "partners"): browser("https://apps.example.com/partners")
        | gate
        | {"authorization_query_args_names": ["identity_provider"], "authorization_query_args_values": ["Entra"]},
        ("HTTPRoute", "default", "orders-api"): {
            "issuer": f"{issuer}/.well-known/openid-configuration",
            "client_id": [outputs["clientId"]],
            "client_secret": [client_secret],
            "session_secret": session,
            "auth_methods": ["bearer"],
            "cache_ttl": 10,
            **headers,
            **bearer,
            "audience_required": [billing],
            "scopes_claim": ["scope"],
            "scopes_required": [f"{IDENTIFIER}/orders.write"],
        },
    }
    assert_plugins_as_declared(server, config, outputs, expected)
    assert kic_warnings(server, "default", since) == []
    secret_objects = [("Secret", "default", default_secret)]
    assert kic.errors_about(since, *with_kong_plugins(first, plugins), *secret_objects) == []

    # 2. allowedGroups dropped (a both route takes machine tokens, which carry no groups) and a both route
    # added in another namespace: the change reaches Kong, and the new route gets its plugin.
    write_stack(
        project, {**ROUTES_CONFIG, "kong-cognito-oidc:allowedGroups": [], "kong-cognito-oidc:routes": [*ROUTES, SHOP]}
    )
    ok(kic_engine.make("up", project, ROUTES_STACK))
    ungated = {key: {k: v for k, v in wanted.items() if k not in gate} for key, wanted in expected.items()}
    shop_secret, shop_values = stack_secret(server, "shop")
    ungated[("Ingress", "shop", "shop")] = (
        browser("https://shop.example.org/", shop_values["session_secret"])
        | bearer
        | {
            "auth_methods": ["authorization_code", "session", "bearer"],
            "audience_required": [outputs["clientId"], billing],
        }
    )
    config = kic.settled(
        lambda c: (
            all(holds(c) for holds in served.values())
            and all("groups_required" not in p["config"] for p in plugins_named(c, OPENID_CONNECT))
        ),
        "every route has its plugin, none with groups",
    )
    assert_plugins_as_declared(server, config, stack_outputs(kic_engine, project, ROUTES_STACK), ungated)
    for namespace in ("default", "shop"):
        assert kic_warnings(server, namespace, since) == []
    secret_objects.append(("Secret", "shop", shop_secret))
    assert kic.errors_about(since, *with_kong_plugins(list(plugins), plugins), *secret_objects) == []

    ok(kic_engine.make("destroy", project, ROUTES_STACK))
    kic.settled(lambda c: not plugins_named(c, OPENID_CONNECT), "no openid-connect plugin is left")


def with_kong_plugins(keys: list[KubernetesObject], plugins: dict[KubernetesObject, str]) -> list[KubernetesObject]:
    """The route objects `keys` and their KongPlugins."""
    return [*keys, *(("KongPlugin", namespace, plugins[(kind, namespace, name)]) for kind, namespace, name in keys)]


def write_stack(project: Path, config: dict[str, Any]) -> None:
    (project / f"Pulumi.{ROUTES_STACK}.yaml").write_text(yaml.safe_dump({"config": config}))


def assert_plugins_as_declared(
    server: KubeApiServer,
    config: dict[str, Any],
    outputs: dict[str, Any],
    expected: dict[tuple[str, str, str], dict[str, Any]],
) -> None:
    """Each object's Kong routes carry one openid-connect plugin, from its route's KongPlugin, with the config
    written down in `expected` and equal to the KongPlugin's with its patches; no other openid-connect plugin."""
    plugin_names = {(route["namespace"], route["ingress"]): route["plugin"] for route in outputs["routes"]}
    for (kind, namespace, name), wanted in expected.items():
        kong_plugin_name = plugin_names[(namespace, name)]
        (kong_plugin,) = [p for p in kong_plugins(server, namespace) if p["metadata"]["name"] == kong_plugin_name]
        _, values = stack_secret(server, namespace)
        found = oidc_plugins_on(config, kind, namespace, name)
        assert len(found) == len(routes_of(config, kind, namespace, name)), (kind, name, config)
        for plugin in found:
            assert from_kong_plugin(plugin, namespace, kong_plugin_name), plugin
            assert plugin["config"] == with_patches(kong_plugin, values), (kind, name)
            assert plugin["config"] == wanted, (kind, name)
    routes = sum(len(routes_of(config, *key)) for key in expected)
    assert len(plugins_named(config, OPENID_CONNECT)) == routes, "an openid-connect plugin on a route no setting names"


def doctor_line(engine: Engine, project: Path, stack: str) -> str:
    """The kic-events line of `make doctor` (other checks may fail here: the dev stack's host does not resolve)."""
    doctor = engine.make("doctor", project, stack)
    lines = [line for line in doctor.output.splitlines() if line.startswith(("PASS kic-events", "FAIL kic-events"))]
    assert len(lines) == 1, doctor
    return lines[0]
