"""What the program declares, checked against what the vendors publish.

- Cognito: botocore's service model (installed with boto3) sets the limits the settings enforce.
- Kong: the openid-connect fields the plugins use, with the types of Kong's published plugin
  schemas. The table below was read from developer.konghq.com's
  app/_schemas/gateway/plugins/{3.4,3.10,3.15}/OpenidConnect.json, where these fields have the
  same types in all three; Kong's files are not vendored here.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from jsonschema import Draft202012Validator
from program_harness import PROJECT, ProgramRun, dev_stack_config, run_program

from components.cognito.federated_groups import TRIGGER_VERSION
from components.settings import api_clients as api_clients_setting
from components.settings.load import parse_settings
from components.settings.model import CUSTOM_ATTRIBUTE, GROUPS_ATTRIBUTE
from components.settings.registry import MAX_GROUP_NAME_LENGTH
from components.settings.routes import MAX_ROUTES

KONG_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin"
STRINGS = {"type": "array", "items": {"type": "string"}}
KONG_OPENID_CONNECT_FIELDS: dict[str, Any] = {
    "issuer": {"type": "string"},
    "client_id": STRINGS,
    "client_secret": STRINGS,
    "redirect_uri": STRINGS,
    "scopes": STRINGS,
    "auth_methods": {
        "type": "array",
        "items": {
            "enum": [
                "authorization_code",
                "bearer",
                "client_credentials",
                "introspection",
                "kong_oauth2",
                "password",
                "refresh_token",
                "session",
                "userinfo",
            ]
        },
    },
    "cache_ttl": {"type": "number"},
    "session_secret": {"type": "string"},
    "logout_uri_suffix": {"type": "string"},
    "logout_methods": {"type": "array", "items": {"enum": ["DELETE", "GET", "POST"]}},
    "end_session_endpoint": {"type": "string"},
    # With an own sign-in domain (issue 28); strings in 3.4 to 3.15 alike.
    "authorization_endpoint": {"type": "string"},
    "token_endpoint": {"type": "string"},
    "groups_claim": STRINGS,
    "groups_required": STRINGS,
    "upstream_headers_claims": STRINGS,
    "upstream_headers_names": STRINGS,
    # api and both routes
    "bearer_token_param_type": {"type": "array", "items": {"enum": ["body", "cookie", "header", "query"]}},
    "issuers_allowed": STRINGS,
    "audience_claim": STRINGS,
    "audience_required": STRINGS,
    "scopes_claim": STRINGS,
    "scopes_required": STRINGS,
    "authorization_query_args_names": STRINGS,
    "authorization_query_args_values": STRINGS,
}
KONG_CONFIG_SCHEMA = {"type": "object", "properties": KONG_OPENID_CONNECT_FIELDS, "additionalProperties": False}

# The session storage fields, by the Kong version whose schema has them: read from
# app/_schemas/gateway/plugins/<minor>/OpenidConnect.json of developer.konghq.com for 3.4, 3.7 and 3.8 to 3.15
# (no schema is published for 3.5 and 3.6). `session_storage`'s enum is the same in all; before 3.8 Redis is
# configured by top-level session_redis_* fields (no database), from 3.8 by the shared `redis` record.
PORT = {"type": "integer", "minimum": 0, "maximum": 65535}
STRING, BOOLEAN = {"type": "string"}, {"type": "boolean"}
SESSION_STORAGE = {"session_storage": {"type": "string", "enum": ["cookie", "memcache", "memcached", "redis"]}}
SESSION_REDIS_FIELDS = {
    "session_redis_host": STRING,
    "session_redis_port": PORT,
    "session_redis_ssl": BOOLEAN,
    "session_redis_ssl_verify": BOOLEAN,
    "session_redis_server_name": STRING,
    "session_redis_username": STRING,
    "session_redis_password": STRING,
    "session_redis_prefix": STRING,
}
REDIS_RECORD = {
    "redis": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "host": STRING,
            "port": PORT,
            "ssl": BOOLEAN,
            "ssl_verify": BOOLEAN,
            "server_name": STRING,
            "username": STRING,
            "password": STRING,
            "database": {"type": "integer"},
            "prefix": STRING,
        },
    }
}
SESSION_FIELDS_BY_KONG = {
    "3.4": SESSION_REDIS_FIELDS,
    "3.7": SESSION_REDIS_FIELDS,
    **{f"3.{minor}": REDIS_RECORD for minor in range(8, 16)},
}


@pytest.fixture(scope="module")
def everything() -> ProgramRun:
    """A stack using every setting, so every field the program can write is declared."""
    config = dev_stack_config() | {
        f"{PROJECT}:routes": json.dumps(
            [{"ingress": "demo"}, {"ingress": "shop", "namespace": "shop", "path": "/shop", "signInWith": "Entra"}]
        ),
        f"{PROJECT}:identityProviders": json.dumps(
            [
                {
                    "name": "Entra",
                    "type": "SAML",
                    "metadataUrl": "https://login.microsoftonline.com/tenant/federationmetadata.xml",
                    "attributes": {"email": "emailaddress"},
                }
            ]
        ),
        f"{PROJECT}:allowedGroups": '["staff"]',
        f"{PROJECT}:upstreamHeaders": '{"sub": "X-User-Id", "email": "X-User-Email"}',
        f"{PROJECT}:signedOutUrl": "https://apps.example.com/",
        f"{PROJECT}:signInDomain": json.dumps({"name": "auth.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}),
    }
    with pytest.MonkeyPatch.context() as monkeypatch:
        return run_program(monkeypatch, config)


@pytest.fixture(scope="module")
def every_mode() -> ProgramRun:
    """A route of each mode, with machine clients: every field an api or both route can write."""
    routes = [
        {"ingress": "demo"},
        {"ingress": "orders", "path": "/api", "mode": "api", "scopes": ["orders.read", "orders.write"]},
        {"ingress": "portal", "path": "/portal", "mode": "both", "scopes": ["orders.read"]},
    ]
    config = dev_stack_config() | {
        f"{PROJECT}:routes": json.dumps(routes),
        f"{PROJECT}:apiClients": json.dumps([{"name": "billing", "scopes": ["orders.read", "orders.write"]}]),
        f"{PROJECT}:upstreamHeaders": '{"sub": "X-User-Id"}',
    }
    with pytest.MonkeyPatch.context() as monkeypatch:
        return run_program(monkeypatch, config)


@pytest.mark.parametrize("stack", ["everything", "every_mode"])
def test_every_plugin_config_is_valid_for_kongs_openid_connect_schema(
    stack: str, request: pytest.FixtureRequest
) -> None:
    plugins = request.getfixturevalue(stack).of_type(KONG_PLUGIN)
    assert len(plugins) in (2, 3)
    for plugin in plugins:
        config = dict(plugin.inputs["config"])
        # What Kong Ingress Controller patches in from the Secret, in the Secret's JSON types.
        config |= {"client_secret": ["x"], "session_secret": "x"}
        assert {patch["path"] for patch in plugin.inputs["configPatches"]} == {"/client_secret", "/session_secret"}
        errors = [error.message for error in Draft202012Validator(KONG_CONFIG_SCHEMA).iter_errors(config)]
        assert errors == []


def test_the_modes_write_the_audience_and_scope_checks(every_mode: ProgramRun) -> None:
    configs = {plugin.inputs["metadata"]["name"]: plugin.inputs["config"] for plugin in every_mode.of_type(KONG_PLUGIN)}
    assert not {"audience_required", "scopes_required"} & configs["oidc"].keys()
    for name in ("oidc-orders", "oidc-portal"):
        assert configs[name]["audience_claim"] == ["client_id"]
        assert configs[name]["audience_required"]
        assert configs[name]["scopes_claim"] == ["scope"]
        assert configs[name]["scopes_required"]


def test_an_auth_method_kong_does_not_know_would_be_caught() -> None:
    errors = list(Draft202012Validator(KONG_CONFIG_SCHEMA).iter_errors({"auth_methods": ["bearer_token"]}))
    assert errors, "the check above must be able to fail"


def test_a_field_kong_does_not_know_would_be_caught() -> None:
    errors = list(Draft202012Validator(KONG_CONFIG_SCHEMA).iter_errors({"logout_method": ["GET"]}))
    assert errors, "the check above must be able to fail"


def test_the_settings_limits_are_cognitos() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    assert model.shape_for("CallbackURLsListType").metadata["max"] == MAX_ROUTES
    assert model.shape_for("LogoutURLsListType").metadata["max"] == MAX_ROUTES
    group_name = model.shape_for("GroupNameType").metadata
    assert (group_name["min"], group_name["max"]) == (1, MAX_GROUP_NAME_LENGTH)
    # Letters, marks, symbols, numbers and punctuation: what parse_allowed_groups checks, category by category.
    assert group_name["pattern"] == "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
    symbols = {"aws:region": "us-west-2", "dataPlaneHost": "a.example.com", "allowedGroups": '["a€_1", "é-ü"]'}
    assert parse_settings(symbols).allowed_groups == ("a€_1", "é-ü")


def test_the_api_clients_rules_are_cognitos() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    shapes = {
        "ResourceServerScopeNameType": (api_clients_setting.SCOPE_NAME_PATTERN, api_clients_setting.MAX_SCOPE_NAME),
        "ResourceServerIdentifierType": (api_clients_setting.IDENTIFIER_PATTERN, api_clients_setting.MAX_IDENTIFIER),
        "ClientNameType": (api_clients_setting.CLIENT_NAME_PATTERN, api_clients_setting.MAX_CLIENT_NAME),
        # A client's allowed scope, `<identifier>/<scope>`, as a whole.
        "ScopeType": ("[\\x21\\x23-\\x5B\\x5D-\\x7E]+", api_clients_setting.MAX_FULL_SCOPE),
    }
    for shape, (pattern, longest) in shapes.items():
        metadata = model.shape_for(shape).metadata
        assert (metadata["pattern"], metadata["min"], metadata["max"]) == (pattern, 1, longest), shape
    scope_lists = {
        "ResourceServerScopeListType": api_clients_setting.MAX_SCOPES_PER_RESOURCE_SERVER,
        "ScopeListType": api_clients_setting.MAX_SCOPES_PER_CLIENT,
    }
    for shape, most in scope_lists.items():
        assert model.shape_for(shape).metadata["max"] == most, shape
    create_client = model.operation_model("CreateUserPoolClient").input_shape.members
    assert create_client["AllowedOAuthScopes"].name == "ScopeListType"
    assert create_client["ClientName"].name == "ClientNameType"
    assert "client_credentials" in create_client["AllowedOAuthFlows"].member.enum


def test_what_the_groups_mechanism_and_the_feature_plan_rely_on_is_in_cognitos_api() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    # The custom attribute's name (without "custom:") and the mapping key that names it.
    name = model.shape_for("CustomAttributeNameType").metadata
    assert name["min"] <= len(CUSTOM_ATTRIBUTE) <= name["max"]
    assert len(GROUPS_ATTRIBUTE) <= model.shape_for("AttributeMappingKeyType").metadata["max"]
    assert TRIGGER_VERSION in model.shape_for("PreTokenGenerationLambdaVersionType").enum
    # An existing pool changes its feature plan and grows its schema in place, with these two calls.
    assert "UserPoolTier" in model.operation_model("UpdateUserPool").input_shape.members
    assert model.shape_for("UserPoolTierType").enum == ["LITE", "ESSENTIALS", "PLUS"]
    assert "CustomAttributes" in model.operation_model("AddCustomAttributes").input_shape.members


@pytest.mark.parametrize("version", list(SESSION_FIELDS_BY_KONG))
def test_redis_sessions_are_declared_with_the_fields_of_the_kong_version_given(version: str) -> None:
    """Every field the plugin gets, once KIC has patched the password in, is one that Kong version's schema has."""
    redis = {"host": "redis.sessions.svc.cluster.local", "port": 6379, "serverName": "redis", "username": "kong"}
    redis |= {"prefix": "shop", "password": "pw"} | ({"database": 1} if version not in ("3.4", "3.7", "3.8") else {})
    config = dev_stack_config() | {
        f"{PROJECT}:kongVersion": version,
        f"{PROJECT}:sessions": json.dumps({"storage": "redis", "redis": redis}),
    }
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps([f"{PROJECT}:sessions"]))
        run = run_program(monkeypatch, config)
    (plugin,) = run.of_type(KONG_PLUGIN)
    declared = json.loads(json.dumps(plugin.inputs["config"], default=str))
    for patch in plugin.inputs["configPatches"]:  # as KIC applies them (RFC 6902 add, the path's parents made)
        *parents, last = patch["path"].strip("/").split("/")
        target = declared
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = ["x"] if last == "client_secret" else "x"
    schema = {
        "type": "object",
        "properties": KONG_OPENID_CONNECT_FIELDS | SESSION_STORAGE | SESSION_FIELDS_BY_KONG[version],
        "additionalProperties": False,
    }
    assert [error.message for error in Draft202012Validator(schema).iter_errors(declared)] == []
    assert declared["session_storage"] == "redis"


def test_a_redis_field_of_the_wrong_kong_version_would_be_caught() -> None:
    before_3_8 = {
        "type": "object",
        "properties": SESSION_STORAGE | SESSION_FIELDS_BY_KONG["3.4"],
        "additionalProperties": False,
    }
    assert list(Draft202012Validator(before_3_8).iter_errors({"redis": {"host": "redis"}}))
    from_3_8 = {
        "type": "object",
        "properties": SESSION_STORAGE | SESSION_FIELDS_BY_KONG["3.10"],
        "additionalProperties": False,
    }
    assert list(Draft202012Validator(from_3_8).iter_errors({"session_redis_host": "redis"}))
    assert list(Draft202012Validator(from_3_8).iter_errors({"redis": {"db": 1}}))
