"""The `routes` setting and the access settings: defaults, and every bad value refused naming where it is."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.settings.load import parse_settings
from components.settings.model import SettingsError

MINIMAL = {"aws:region": "us-west-2", "dataPlaneHost": "lb.example.com"}


def routes(*entries: Any) -> dict[str, str]:
    return {**MINIMAL, "routes": json.dumps(list(entries))}


def problems_for(values: dict[str, str | None]) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        parse_settings(values)
    return raised.value.problems


def test_a_route_takes_its_defaults_from_the_single_route_keys() -> None:
    settings = parse_settings(
        {**routes({"ingress": "shop"}), "ingressNamespace": "store", "callbackPath": "/cart", "pluginName": "login"}
    )
    (route,) = settings.routes
    assert (route.object_name, route.namespace, route.host, route.path) == ("shop", "store", "lb.example.com", "/cart")
    assert route.plugin == "login-shop"
    assert route.url == "https://lb.example.com/cart"
    assert route.original is False


def test_the_route_on_ingress_name_is_the_original_and_its_plugin_keeps_plugin_name() -> None:
    settings = parse_settings(routes({"ingress": "shop"}, {"ingress": "demo", "host": "apps.example.com"}))
    assert [(route.object_name, route.plugin, route.original) for route in settings.routes] == [
        ("shop", "oidc-shop", False),
        ("demo", "oidc", True),
    ]
    assert [route.resource_name("ingress") for route in settings.routes] == ["ingress-default.shop", "ingress"]


def test_an_explicit_plugin_name_wins() -> None:
    (route,) = parse_settings(routes({"ingress": "shop", "plugin": "shop-login"})).routes
    assert route.plugin == "shop-login"


def test_data_plane_host_is_needed_only_by_a_route_without_a_host() -> None:
    values = {"aws:region": "us-west-2", "routes": json.dumps([{"ingress": "a", "host": "a.example.com"}])}
    assert parse_settings(values).data_plane_host is None
    (problem,) = problems_for({**values, "routes": json.dumps([{"ingress": "a"}])})
    assert problem == "kong-cognito-oidc:routes[0].host: not set, and dataPlaneHost, its default, is not set either"
    (problem,) = problems_for({"aws:region": "us-west-2"})
    assert problem == "kong-cognito-oidc:dataPlaneHost = (not set): this setting is required"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # As the stack file writes it, not as the JSON string the program is handed.
        ('{"ingress": "demo"}', "kong-cognito-oidc:routes = {ingress: demo}: expected a list of 1"),
        ("[]", "kong-cognito-oidc:routes = []: expected a list of 1 to 100 routes"),
        ("demo", 'kong-cognito-oidc:routes = "demo": expected a list of 1 to 100 routes'),
    ],
)
def test_routes_must_be_a_non_empty_list(value: str, expected: str) -> None:
    (problem,) = problems_for({**MINIMAL, "routes": value})
    assert problem.startswith(expected)


def test_more_routes_than_a_client_holds_callback_urls_are_refused() -> None:
    (problem,) = problems_for(routes(*({"ingress": f"app-{n}"} for n in range(101))))
    assert "expected a list of 1 to 100 routes (a Cognito app client holds at most 100 callback URLs)" in problem
    hundred = ({"ingress": f"app-{n}", "path": f"/app-{n}"} for n in range(100))
    assert len(parse_settings(routes(*hundred)).routes) == 100


def test_each_bad_entry_is_named_by_index_and_field_and_all_are_reported_at_once() -> None:
    problems = problems_for(routes("demo", {"namespace": "shop"}, {"ingress": "shop", "namepace": "shop"}))
    assert problems == [
        'kong-cognito-oidc:routes[0]: expected an object such as {"ingress": "demo", "namespace": "default"}',
        "kong-cognito-oidc:routes[1].ingress: this field is required",
        "kong-cognito-oidc:routes[2].namepace: unknown field (expected one of ingress, namespace, host, path, plugin, "
        "signInWith, mode, kind, annotationOwner, scopes)",
    ]


@pytest.mark.parametrize(
    ("entry", "field", "expected"),
    [
        ({"ingress": "Demo"}, "ingress", "expected a Kubernetes object name"),
        ({"ingress": "demo", "namespace": "my.shop"}, "namespace", "expected a Kubernetes namespace name"),
        ({"ingress": "demo", "host": "https://apps.example.com"}, "host", "without a scheme"),
        ({"ingress": "demo", "host": "apps.example.com/bar"}, "host", "no path"),
        ({"ingress": "demo", "path": "bar"}, "path", "starting with '/'"),
        ({"ingress": "demo", "plugin": "oidc,cors"}, "plugin", "expected a Kubernetes object name"),
        ({"ingress": "demo", "path": 3}, "path", "expected a string"),
    ],
)
def test_route_fields_follow_the_rules_of_the_single_route_keys(
    entry: dict[str, Any], field: str, expected: str
) -> None:
    (problem,) = problems_for(routes(entry))
    assert problem.startswith(f"kong-cognito-oidc:routes[0].{field}")
    assert expected in problem


def test_a_default_plugin_name_too_long_for_kubernetes_asks_for_plugin() -> None:
    (problem,) = problems_for({**routes({"ingress": "a" * 250}), "pluginName": "oidc"})
    assert problem.startswith("kong-cognito-oidc:routes[0].plugin: the default name oidc-<ingress> is longer than 253")


def test_a_default_plugin_name_of_exactly_253_characters_is_accepted() -> None:
    (route,) = parse_settings({**routes({"ingress": "a" * 248}), "pluginName": "oidc"}).routes
    assert route.plugin == "oidc-" + "a" * 248
    assert len(route.plugin) == 253


def test_the_same_ingress_url_or_plugin_twice_is_refused() -> None:
    problems = problems_for(
        routes(
            {"ingress": "demo", "host": "a.example.com"},
            {"ingress": "demo", "host": "b.example.com"},
            {"ingress": "shop", "host": "a.example.com", "path": "/bar"},
            {"ingress": "admin", "host": "c.example.com", "plugin": "oidc"},
        )
    )
    assert problems == [
        "kong-cognito-oidc:routes[1]: the Ingress default/demo is already routes[0]'s",
        "kong-cognito-oidc:routes[1]: the KongPlugin default/oidc is already routes[0]'s",
        "kong-cognito-oidc:routes[2]: the URL https://a.example.com/bar is already routes[0]'s",
        "kong-cognito-oidc:routes[2]: the sign-out URL https://a.example.com/bar/logout is already routes[0]'s",
        "kong-cognito-oidc:routes[3]: the KongPlugin default/oidc is already routes[0]'s",
    ]


@pytest.mark.parametrize(
    ("second", "what"),
    [
        ({"host": "A.Example.com"}, "the URL https://A.Example.com/bar"),  # host names ignore case
        ({"host": "a.example.com:443"}, "the URL https://a.example.com:443/bar"),  # https's own port
        ({"path": "/bar/"}, "the sign-out URL https://a.example.com/bar/logout"),  # /bar and /bar/ sign out alike
    ],
)
def test_urls_that_name_the_same_place_are_the_same(second: dict[str, str], what: str) -> None:
    problems = problems_for(
        routes({"ingress": "a", "host": "a.example.com"}, {"ingress": "b", "host": "a.example.com", **second})
    )
    assert f"kong-cognito-oidc:routes[1]: {what} is already routes[0]'s" in problems


def test_every_problem_is_listed_even_when_an_entry_or_a_default_is_broken() -> None:
    problems = problems_for(
        {
            **routes({"namespace": "x"}, {"ingress": "b", "host": "https://x"}, {"ingress": "c", "path": "c"}),
            "callbackPath": "bar",
        }
    )
    assert [problem.split(" = ")[0].split(":", 1)[1] for problem in problems] == [
        "callbackPath",
        "routes[0].ingress: this field is required",
        "routes[1].host",
        "routes[2].path",
    ]


@pytest.mark.parametrize(
    "entry",
    [{"ingress": "demo\n"}, {"ingress": "demo", "path": "/bar\n"}, {"ingress": "demo", "plugin": "oidc\n"}],
)
def test_a_trailing_newline_is_not_part_of_a_name_or_path(entry: dict[str, str]) -> None:
    (problem,) = problems_for(routes(entry))
    assert problem.startswith("kong-cognito-oidc:routes[0].")


@pytest.mark.parametrize(
    "entries",
    [
        [{"ingress": "demo", "namespace": "shop", "host": "shop.example.com"}],
        [{"ingress": "demo", "namespace": "shop", "host": "shop.example.com"}, {"ingress": "demo"}],
    ],
    ids=["alone", "with the original"],
)
def test_an_ingress_named_ingress_name_in_another_namespace_is_not_the_original_route(
    entries: list[dict[str, str]],
) -> None:
    # Only ingressNamespace/ingressName keeps pluginName and the names from before `routes`.
    other = parse_settings(routes(*entries)).routes[0]
    assert (other.namespace, other.object_name, other.plugin, other.original) == ("shop", "demo", "oidc-demo", False)
    assert other.resource_name("kong-oidc-plugin") == "kong-oidc-plugin-shop.demo"
    assert other.resource_name("ingress") == "ingress-shop.demo"


def test_the_same_ingress_name_in_two_namespaces_is_two_routes() -> None:
    settings = parse_settings(routes({"ingress": "web", "host": "a.example.com"}, {"ingress": "web", "namespace": "b"}))
    assert [(route.namespace, route.plugin) for route in settings.routes] == [
        ("default", "oidc-web"),
        ("b", "oidc-web"),
    ]


# --- access settings ------------------------------------------------------------------------------


def test_access_settings_are_read() -> None:
    settings = parse_settings(
        {
            **MINIMAL,
            "selfSignUp": "false",
            "allowedGroups": '["staff", "ops-team"]',
            "signedOutUrl": "https://apps.example.com/goodbye",
            "upstreamHeaders": '{"sub": "X-User-Id", "email": "X-User-Email"}',
        }
    )
    assert settings.self_sign_up is False
    assert settings.allowed_groups == ("staff", "ops-team")
    assert settings.signed_out_url == "https://apps.example.com/goodbye"
    assert settings.upstream_headers == (("sub", "X-User-Id"), ("email", "X-User-Email"))


def test_empty_signed_out_url_means_each_routes_own_url() -> None:
    settings = parse_settings({**MINIMAL, "signedOutUrl": ""})
    assert settings.routes[0].signed_out_url == "https://lb.example.com/bar"


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("selfSignUp", "no", "expected true or false"),
        ("allowedGroups", "staff", "expected a JSON list of Cognito group names"),
        ("allowedGroups", '[""]', '[0] "" must be 1 to 128 characters'),
        ("allowedGroups", '["our staff"]', "must not contain spaces"),
        ("allowedGroups", '["tab\\tstaff"]', "must not contain spaces"),
        ("allowedGroups", json.dumps(["g" * 129]), "must be 1 to 128 characters"),
        ("allowedGroups", '["staff", "ops", "staff"]', '[2] "staff" is listed twice'),
        ("signedOutUrl", "http://apps.example.com/", "expected an absolute https:// URL"),
        ("signedOutUrl", "/goodbye", "expected an absolute https:// URL"),
        ("signedOutUrl", "https://apps.example.com/#bye", "without a fragment"),
        ("signedOutUrl", "https://apps.example.com/good bye", "expected an absolute https:// URL"),
        ("signedOutUrl", "https://apps.example.com/ ", "expected an absolute https:// URL"),
        ("signedOutUrl", "https:///goodbye", "expected an absolute https:// URL"),
        ("signedOutUrl", "https://:443/goodbye", "expected an absolute https:// URL"),
        ("upstreamHeaders", '["X-User-Id"]', "expected a JSON map from token claim to header name"),
        ("upstreamHeaders", '{"sub": 3}', "expected a JSON map from token claim to header name"),
        ("upstreamHeaders", '{"": "X-User-Id"}', "an empty claim name"),
        ("upstreamHeaders", '{"sub": "X User"}', '"X User" is not a valid HTTP header name'),
        ("upstreamHeaders", '{"sub": ""}', '"" is not a valid HTTP header name'),
        ("upstreamHeaders", '{"sub": "host"}', '"host" is refused'),
        ("upstreamHeaders", '{"sub": "Cookie"}', '"Cookie" is refused'),
        ("upstreamHeaders", '{"sub": "Authorization"}', '"Authorization" is refused'),
        ("upstreamHeaders", '{"sub": "X-Forwarded-For"}', '"X-Forwarded-For" is refused'),
        ("upstreamHeaders", '{"sub": "x-forwarded-prefix"}', '"x-forwarded-prefix" is refused'),
        ("upstreamHeaders", '{"sub": "X-User", "email": "x-user"}', '"x-user" is named twice'),
        ("upstreamHeaders", '{" ": "X-User-Id"}', "an empty claim name"),
        ("upstreamHeaders", '{"sub": "X-User-Id\\n"}', "is not a valid HTTP header name"),
        ("upstreamHeaders", '{"sub": "Content-Length"}', "frames the request"),
        ("upstreamHeaders", '{"sub": "Transfer-Encoding"}', "frames the request"),
        ("upstreamHeaders", '{"sub": "TE"}', "frames the request or belongs to the connection"),
        ("upstreamHeaders", '{"sub": "Connection"}', "frames the request or belongs to the connection"),
    ],
)
def test_bad_access_settings_are_refused_naming_the_key(key: str, value: str, expected: str) -> None:
    (problem,) = problems_for({**MINIMAL, key: value})
    assert problem.startswith(f"kong-cognito-oidc:{key} = ")
    assert expected in problem


def test_group_names_may_use_cognitos_whole_alphabet() -> None:
    groups = ["staff", "Ops_Team-1", "équipe", "a+b@c.d", "g" * 128]
    assert parse_settings({**MINIMAL, "allowedGroups": json.dumps(groups)}).allowed_groups == tuple(groups)


def test_an_email_header_needs_the_email_scope() -> None:
    values = {**MINIMAL, "upstreamHeaders": '{"sub": "X-User-Id", "email": "X-User-Email"}', "scopes": '["openid"]'}
    (problem,) = problems_for(values)
    assert problem == (
        "kong-cognito-oidc:upstreamHeaders: the claim 'email' is in Cognito's tokens only with the scope 'email', "
        "which scopes lacks: add it to scopes, or drop the header"
    )
    assert parse_settings({**values, "scopes": '["openid", "email"]'}).upstream_headers[1] == ("email", "X-User-Email")


@pytest.mark.parametrize("claim", ["phone_number", "phone_number_verified"])
def test_a_phone_header_needs_the_phone_scope(claim: str) -> None:
    values = {**MINIMAL, "upstreamHeaders": json.dumps({claim: "X-User-Phone"})}  # default scopes: no phone
    (problem,) = problems_for(values)
    assert problem.startswith(
        f"kong-cognito-oidc:upstreamHeaders: the claim {claim!r} is in Cognito's tokens only with the scope 'phone'"
    )
    headers = parse_settings({**values, "scopes": '["openid", "phone"]'}).upstream_headers
    assert headers == ((claim, "X-User-Phone"),)
