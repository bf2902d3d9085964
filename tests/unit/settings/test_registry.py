"""Settings: defaults, and every bad value refused with the key, the value and what is expected."""

from __future__ import annotations

import json

import pytest
from pulumi.runtime import set_all_config

from components.settings.load import parse_settings
from components.settings.model import GENERIC_FIX, Route, Settings, SettingsError
from components.settings.pulumi_config import stack_config_keys

MINIMAL = {"aws:region": "us-west-2", "dataPlaneHost": "lb-123.us-west-2.elb.amazonaws.com"}


def problems_for(**overrides: str | None) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        parse_settings({**MINIMAL, **overrides})
    return raised.value.problems


def test_defaults_are_the_workshops() -> None:
    assert parse_settings(MINIMAL) == Settings(
        aws_region="us-west-2",
        data_plane_host="lb-123.us-west-2.elb.amazonaws.com",
        callback_path="/bar",
        ingress_name="demo",
        ingress_namespace="default",
        plugin_name="oidc",
        cache_ttl=10,
        scopes=("openid", "email", "profile"),
        deletion_protection=False,
        domain_prefix=None,
        self_sign_up=True,
        allowed_groups=(),
        signed_out_url=None,
        upstream_headers=(),
        routes=(
            Route(
                object_name="demo",
                namespace="default",
                host="lb-123.us-west-2.elb.amazonaws.com",
                path="/bar",
                plugin="oidc",
                original=True,
                signed_out_url="https://lb-123.us-west-2.elb.amazonaws.com/bar",
            ),
        ),
    )


def test_every_setting_is_read() -> None:
    settings = parse_settings(
        {
            **MINIMAL,
            "dataPlaneHost": "kong.example.com:8443",
            "callbackPath": "/app/callback",
            "ingressName": "shop.web",
            "ingressNamespace": "shop",
            "pluginName": "shop-oidc",
            "cacheTtl": "300",
            "scopes": '["openid"]',
            "deletionProtection": "true",
            "domainPrefix": "shop-login",
        }
    )
    assert settings.data_plane_host == "kong.example.com:8443"
    assert settings.callback_path == "/app/callback"
    assert (settings.ingress_name, settings.ingress_namespace, settings.plugin_name) == (
        "shop.web",
        "shop",
        "shop-oidc",
    )
    assert settings.cache_ttl == 300
    assert settings.scopes == ("openid",)
    assert settings.deletion_protection is True
    assert settings.domain_prefix == "shop-login"


def test_settings_are_frozen() -> None:
    settings = parse_settings(MINIMAL)
    with pytest.raises(AttributeError):
        settings.cache_ttl = 1  # type: ignore[misc]


def test_empty_domain_prefix_means_derive_one() -> None:
    assert parse_settings({**MINIMAL, "domainPrefix": ""}).domain_prefix is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        (None, "required"),
        ("https://lb.example.com", "without a scheme (drop 'https://')"),
        ("lb.example.com/bar", "no path"),
        ("lb.example.com?x=1", "no path, query"),
        ("lb example.com", "must not contain spaces"),
        ("lb.example.com:http", "port must be a number"),
        ("lb.example.com:70000", "port must be a number"),
        ("lb.example.com:0", "port must be a number"),
        ("lb.example.com:", "port must be a number"),
        ("-lb.example.com", "not a valid DNS name"),
        ("lb_1.example.com", "not a valid DNS name"),
        ("[2001:db8::1", "not a valid [IPv6]:port"),
    ],
)
def test_bad_data_plane_host(host: str | None, expected: str) -> None:
    (problem,) = problems_for(dataPlaneHost=host)
    assert problem.startswith("kong-cognito-oidc:dataPlaneHost = ")
    assert expected in problem
    if host is not None:
        assert f'"{host}"' in problem  # names the value


@pytest.mark.parametrize("host", ["kong.example.com", "kong.example.com:8443", "203.0.113.10", "[2001:db8::1]:443"])
def test_good_data_plane_host(host: str) -> None:
    assert parse_settings({**MINIMAL, "dataPlaneHost": host}).data_plane_host == host


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("bar", "starting with '/'"),
        ("/bar#top", "without query ('?') or fragment ('#')"),
        ("/bar?next=1", "without query"),
        ("/my bar", "no spaces"),
    ],
)
def test_bad_callback_path(path: str, expected: str) -> None:
    (problem,) = problems_for(callbackPath=path)
    assert problem.startswith(f'kong-cognito-oidc:callbackPath = "{path}": ')
    assert expected in problem


@pytest.mark.parametrize("ttl", ["0", "-5", "ten", "1.5", ""])
def test_bad_cache_ttl(ttl: str) -> None:
    (problem,) = problems_for(cacheTtl=ttl)
    assert problem == f'kong-cognito-oidc:cacheTtl = "{ttl}": expected a whole number of seconds greater than 0'


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("My-Login", "lower-case letters"),
        ("-login", "not starting or ending with '-'"),
        ("login-", "not starting or ending with '-'"),
        ("a" * 64, "1 to 63"),
        ("my-aws-login", "must not contain 'aws'"),
        ("amazonlogin", "must not contain 'amazon'"),
        ("kong-cognito-oidc", "must not contain 'cognito'"),
    ],
)
def test_bad_domain_prefix(prefix: str, expected: str) -> None:
    (problem,) = problems_for(domainPrefix=prefix)
    assert problem.startswith(f'kong-cognito-oidc:domainPrefix = "{prefix}": ')
    assert expected in problem


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ingressName", "Demo"),
        ("ingressName", "demo_app"),
        ("ingressNamespace", "my.namespace"),
        ("ingressNamespace", "n" * 64),
        ("pluginName", "oidc,cors"),
        ("pluginName", ""),
    ],
)
def test_bad_kubernetes_names(key: str, value: str) -> None:
    (problem,) = problems_for(**{key: value})
    assert problem.startswith(f'kong-cognito-oidc:{key} = "{value}": expected a Kubernetes')


@pytest.mark.parametrize(("key", "field"), [("ingressName", "object_name"), ("pluginName", "plugin")])
def test_object_names_of_up_to_253_characters_are_accepted(key: str, field: str) -> None:
    # Kubernetes' limit for object names; one more is refused.
    (route,) = parse_settings({**MINIMAL, key: "p" * 253}).routes
    assert getattr(route, field) == "p" * 253
    (problem,) = problems_for(**{key: "p" * 254})
    assert problem.startswith(f'kong-cognito-oidc:{key} = "ppp')
    assert "at most 253" in problem


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        ('["email","profile"]', "needs 'openid'"),
        ("openid email", "expected a JSON list"),
        ('"openid"', "expected a JSON list"),
        ('["openid", 3]', "expected a JSON list"),
        ('["openid","orders/read"]', "unsupported scope(s) ['orders/read']"),
        ('["openid","openid"]', "each scope once"),
    ],
)
def test_bad_scopes(scopes: str, expected: str) -> None:
    (problem,) = problems_for(scopes=scopes)
    assert problem.startswith("kong-cognito-oidc:scopes = ")
    assert expected in problem


@pytest.mark.parametrize(("region", "expected"), [(None, "required"), ("US-West-2", "AWS region code")])
def test_bad_region(region: str | None, expected: str) -> None:
    (problem,) = problems_for(**{"aws:region": region})
    assert problem.startswith("aws:region = ")
    assert expected in problem


def test_bad_deletion_protection() -> None:
    (problem,) = problems_for(deletionProtection="yes")
    assert problem == 'kong-cognito-oidc:deletionProtection = "yes": expected true or false'


@pytest.mark.parametrize(
    ("key", "closest"),
    [
        ("allowedGroup", "allowedGroups"),
        ("selfsignup", "selfSignUp"),
        ("dataplanehost", "dataPlaneHost"),
        ("CACHETTL", "cacheTtl"),
        ("route", "routes"),
        ("region", "aws:region"),
    ],
)
def test_an_unknown_key_is_refused_naming_the_closest_known_one(key: str, closest: str) -> None:
    # A misspelt allowedGroups would otherwise leave the plugins without a group gate.
    assert problems_for(**{key: '["staff"]'}) == [
        f"kong-cognito-oidc:{key}: not a setting of this project; did you mean {closest}?"
    ]


def test_an_unknown_key_like_none_lists_the_settings_and_never_shows_its_value() -> None:
    (problem,) = problems_for(webhookToken="s3cret-token-value")
    assert problem.startswith("kong-cognito-oidc:webhookToken: not a setting of this project; the settings are ")
    assert "allowedGroups" in problem and "routes" in problem
    assert "s3cret" not in problem, "an unknown key may hold a secret"


def test_unknown_keys_are_listed_with_every_other_problem() -> None:
    problems = problems_for(allowedGroup='["staff"]', cacheTtl="0")
    assert len(problems) == 2
    assert "did you mean allowedGroups?" in problems[0] and "kong-cognito-oidc:cacheTtl" in problems[1]


def test_the_program_sees_every_key_set_for_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    # `pulumi up`: the language host passes the whole config as JSON in PULUMI_CONFIG;
    # an Automation API inline program: set_all_config. Other namespaces are their providers'.
    config = {"kong-cognito-oidc:allowedGroup": "[]", "aws:profile": "x", "kubernetes:context": "k"}
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))
    set_all_config({"kong-cognito-oidc:selfSignup": "false"})
    try:
        assert stack_config_keys("kong-cognito-oidc") == ["allowedGroup", "selfSignup"]
    finally:
        set_all_config({})


BOOLEAN_FIELDS = {"deletionProtection": "deletion_protection", "selfSignUp": "self_sign_up"}


@pytest.mark.parametrize("key", BOOLEAN_FIELDS)
@pytest.mark.parametrize(
    ("raw", "value"),
    [("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False), ("FALSE", False)],
)
def test_booleans_are_read_whatever_their_case(key: str, raw: str, value: bool) -> None:
    assert getattr(parse_settings({**MINIMAL, key: raw}), BOOLEAN_FIELDS[key]) is value


@pytest.mark.parametrize("key", BOOLEAN_FIELDS)
@pytest.mark.parametrize("raw", ["yes", "no", "1", "0", "on", "", "truee", "t"])
def test_anything_but_a_boolean_is_refused(key: str, raw: str) -> None:
    (problem,) = problems_for(**{key: raw})
    assert problem == f'kong-cognito-oidc:{key} = "{raw}": expected true or false'


def test_all_problems_are_reported_at_once_in_one_readable_message() -> None:
    with pytest.raises(SettingsError) as raised:
        parse_settings(
            {
                "aws:region": "us-west-2",
                "dataPlaneHost": "https://lb.example.com/bar",
                "callbackPath": "bar",
                "cacheTtl": "0",
                "scopes": '["email"]',
            }
        )
    message = str(raised.value)
    assert message.startswith("Invalid stack configuration (4 problems):\n")
    for key in ("dataPlaneHost", "callbackPath", "cacheTtl", "scopes"):
        assert f"  - kong-cognito-oidc:{key} = " in message
    assert "pulumi config set" in message


def test_values_are_shown_as_the_stack_file_writes_them_not_as_escaped_json() -> None:
    # `allowedGroups: [staff, night shift]` reaches the program as the JSON string '["staff", "night shift"]'.
    (problem,) = problems_for(allowedGroups='["staff", "night shift"]', upstreamHeaders='{"sub": "Host"}')[:1]
    assert problem.startswith('kong-cognito-oidc:allowedGroups = [staff, night shift]: [1] "night shift" must not')
    (problem,) = problems_for(upstreamHeaders='{"sub": "Host"}')
    assert problem.startswith('kong-cognito-oidc:upstreamHeaders = {sub: Host}: "Host" is refused')


def test_the_generic_fix_is_given_only_when_a_problem_has_no_fix_of_its_own() -> None:
    okta = {"name": "Okta", "type": "OIDC", "issuer": "https://acme.okta.com", "clientId": "0", "clientSecret": "s"}
    plain_secret = {**MINIMAL, "identityProviders": json.dumps([okta])}
    with pytest.raises(SettingsError) as raised:
        parse_settings(plain_secret)  # its problem names `pulumi config set --secret --path ...`
    assert "pulumi config set --secret --path" in str(raised.value)
    assert GENERIC_FIX not in str(raised.value)
    with pytest.raises(SettingsError) as raised:
        parse_settings({**plain_secret, "cacheTtl": "0"})
    assert str(raised.value).endswith(GENERIC_FIX)
