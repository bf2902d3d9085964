"""Many routes from one stack: one pool, domain and client; a plugin, Secret and attachment per route."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from program_harness import (
    CLIENT_SECRET,
    PROJECT,
    SESSION_SECRET,
    CloudMocks,
    ProgramRun,
    RecordingMonitor,
    dev_stack_config,
    run_program,
)

from components.settings.model import SettingsError
from components.settings.routes import MAX_ROUTES

CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
SECRET = "kubernetes:core/v1:Secret"
KONG_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin"
ANNOTATION = "pulumi-python:dynamic/kong:IngressPluginAnnotation"
SINGLETONS = ("aws:cognito/userPool:UserPool", "aws:cognito/userPoolDomain:UserPoolDomain", CLIENT)

THREE_ROUTES = [
    {"ingress": "demo", "namespace": "default", "host": "apps.example.com", "path": "/bar"},
    {"ingress": "admin", "namespace": "default", "host": "apps.example.com", "path": "/admin"},
    {"ingress": "shop", "namespace": "shop", "host": "shop.example.org", "path": "/", "plugin": "shop-login"},
]
URLS = ["https://apps.example.com/bar", "https://apps.example.com/admin", "https://shop.example.org/"]


def routes_config(routes: list[dict[str, str]], **overrides: str) -> dict[str, str]:
    config = {**dev_stack_config(), f"{PROJECT}:routes": json.dumps(routes)}
    return config | {f"{PROJECT}:{key}": value for key, value in overrides.items()}


@pytest.fixture(scope="module")
def three() -> Iterator[ProgramRun]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield run_program(monkeypatch, routes_config(THREE_ROUTES))


def plugins_by_name(run: ProgramRun) -> dict[tuple[str, str], dict[str, object]]:
    return {
        (plugin.inputs["metadata"]["namespace"], plugin.inputs["metadata"]["name"]): plugin.inputs
        for plugin in run.of_type(KONG_PLUGIN)
    }


def test_one_pool_domain_and_client_serve_every_route(three: ProgramRun) -> None:
    for type_ in SINGLETONS:
        three.one(type_)  # exactly one
    client = three.one(CLIENT).inputs
    assert client["callbackUrls"] == URLS
    assert client["logoutUrls"] == URLS


def test_each_route_gets_its_own_plugin_with_its_own_redirect_uri(three: ProgramRun) -> None:
    # Kong uses the first redirect_uri whatever the request's host, so one plugin per URL.
    plugins = plugins_by_name(three)
    assert set(plugins) == {("default", "oidc"), ("default", "oidc-admin"), ("shop", "shop-login")}
    assert plugins[("default", "oidc")]["config"]["redirect_uri"] == [URLS[0]]  # type: ignore[index]
    assert plugins[("default", "oidc-admin")]["config"]["redirect_uri"] == [URLS[1]]  # type: ignore[index]
    assert plugins[("shop", "shop-login")]["config"]["redirect_uri"] == [URLS[2]]  # type: ignore[index]
    issuers = {json.dumps(plugin["config"]["issuer"]) for plugin in plugins.values()}  # type: ignore[index]
    assert len(issuers) == 1


def test_secrets_come_from_a_secret_in_each_plugins_own_namespace(three: ProgramRun) -> None:
    secrets = {secret.inputs["metadata"]["namespace"]: secret for secret in three.of_type(SECRET)}
    assert set(secrets) == {"default", "shop"}
    names = {namespace: f"{secret.name}-5f3a2b1c" for namespace, secret in secrets.items()}
    for plugin in three.of_type(KONG_PLUGIN):
        namespace = plugin.inputs["metadata"]["namespace"]
        refs = {patch["valueFrom"]["secretKeyRef"]["name"] for patch in plugin.inputs["configPatches"]}
        assert refs == {names[namespace]}
        assert secrets[namespace].urn in plugin.dependencies
        for secret in (CLIENT_SECRET, SESSION_SECRET):
            assert secret not in json.dumps(plugin.inputs), "no secret in any custom resource"


def test_every_ingress_lists_its_own_plugin_after_the_plugin_exists(three: ProgramRun) -> None:
    plugin_urns = {
        (plugin.inputs["metadata"]["namespace"], plugin.inputs["metadata"]["name"]): plugin.urn
        for plugin in three.of_type(KONG_PLUGIN)
    }
    attachments = {
        (annotation.inputs["namespace"], annotation.inputs["ingress_name"]): annotation
        for annotation in three.of_type(ANNOTATION)
    }
    expected = {("default", "demo"): "oidc", ("default", "admin"): "oidc-admin", ("shop", "shop"): "shop-login"}
    assert {key: annotation.inputs["plugin_name"] for key, annotation in attachments.items()} == expected
    for (namespace, ingress), plugin in expected.items():
        assert plugin_urns[(namespace, plugin)] in attachments[(namespace, ingress)].dependencies


def test_resource_names_follow_the_ingress_and_the_original_route_keeps_its_names(three: ProgramRun) -> None:
    assert sorted(plugin.name for plugin in three.of_type(KONG_PLUGIN)) == [
        "kong-oidc-plugin",
        "kong-oidc-plugin-default.admin",
        "kong-oidc-plugin-shop.shop",
    ]
    assert sorted(secret.name for secret in three.of_type(SECRET)) == ["kong-oidc-secrets", "kong-oidc-secrets-shop"]
    assert sorted(annotation.name for annotation in three.of_type(ANNOTATION)) == [
        "ingress-annotation",
        "ingress-default.admin-annotation",
        "ingress-shop.shop-annotation",
    ]


def test_outputs_list_every_route_and_the_single_url_outputs_mean_the_first(three: ProgramRun) -> None:
    routes = three.exports["routes"].value
    assert [(r["ingress"], r["namespace"], r["url"], r["plugin"]) for r in routes] == [
        ("demo", "default", URLS[0], "oidc"),
        ("admin", "default", URLS[1], "oidc-admin"),
        ("shop", "shop", URLS[2], "shop-login"),
    ]
    assert [r["signOutUrl"] for r in routes] == [f"{URLS[0]}/logout", f"{URLS[1]}/logout", f"{URLS[2]}logout"]
    assert three.exports["protectedUrl"].value == URLS[0]
    assert three.exports["redirectUri"].value == URLS[0]
    assert three.exports["routes"].secret is False


def test_routes_need_no_data_plane_host_when_each_names_its_host(monkeypatch: pytest.MonkeyPatch) -> None:
    config = routes_config(THREE_ROUTES)
    del config[f"{PROJECT}:dataPlaneHost"]
    run = run_program(monkeypatch, config)
    assert len(run.of_type(KONG_PLUGIN)) == 3


def test_route_fields_default_to_the_single_route_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_program(monkeypatch, routes_config([{"ingress": "shop"}], ingressNamespace="store", callbackPath="/cart"))
    plugin = run.one(KONG_PLUGIN).inputs
    assert (plugin["metadata"]["namespace"], plugin["metadata"]["name"]) == ("store", "oidc-shop")
    assert plugin["config"]["redirect_uri"] == ["https://kong-proxy-0123456789.us-west-2.elb.amazonaws.com/cart"]


# Each refused with a problem of kong-cognito-oidc:routes (tests/program/test_check.py: by `make check` too).
BAD_ROUTES = [
    '{"ingress": "demo"}',  # not a list
    "[]",  # empty
    '["demo"]',  # an entry that is not an object
    '[{"namespace": "shop"}]',  # no ingress
    '[{"ingress": "demo", "namepace": "shop"}]',  # unknown field
    '[{"ingress": "demo", "host": "https://apps.example.com"}]',  # a host with a scheme
    '[{"ingress": "demo", "path": "bar"}]',  # a relative path
    '[{"ingress": "Demo"}]',  # not a Kubernetes name
    '[{"ingress": "demo"}, {"ingress": "demo", "host": "b.example.com"}]',  # the same Ingress twice
    '[{"ingress": "a"}, {"ingress": "b"}]',  # the same URL twice
    json.dumps([{"ingress": f"app-{n}", "path": f"/{n}"} for n in range(101)]),  # more than a client holds
]


@pytest.mark.parametrize("routes", BAD_ROUTES)
def test_bad_routes_stop_the_program_before_any_resource_is_declared(
    monkeypatch: pytest.MonkeyPatch, routes: str
) -> None:
    monitor = RecordingMonitor(CloudMocks())
    with pytest.raises(SettingsError, match=r"kong-cognito-oidc:routes"):
        run_program(monkeypatch, {**dev_stack_config(), f"{PROJECT}:routes": routes}, monitor=monitor)
    assert monitor.declared == []


def test_the_most_routes_in_five_namespaces_make_no_provider_call_and_register_every_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # CloudMocks fails the run on any provider function call: none per route, none at all.
    routes = [
        {"ingress": f"app-{n}", "namespace": f"team-{n % 5}", "host": "apps.example.com", "path": f"/app-{n}"}
        for n in range(MAX_ROUTES)
    ]
    run = run_program(monkeypatch, routes_config(routes))
    counts = (len(run.of_type(KONG_PLUGIN)), len(run.of_type(SECRET)), len(run.of_type(ANNOTATION)))
    assert counts == (MAX_ROUTES, 5, MAX_ROUTES)
    urls = [f"https://apps.example.com/app-{n}" for n in range(MAX_ROUTES)]
    client = run.one(CLIENT).inputs
    assert (client["callbackUrls"], client["logoutUrls"]) == (urls, urls)
    # The hosted UI's link returns to the first route.
    assert parse_qs(urlsplit(run.exports["loginUrl"].value).query)["redirect_uri"] == [urls[0]]
