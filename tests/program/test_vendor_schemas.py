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

from components.federated_groups import CUSTOM_ATTRIBUTE, GROUPS_ATTRIBUTE, TRIGGER_VERSION
from components.routes_setting import MAX_ROUTES
from components.settings import MAX_GROUP_NAME_LENGTH, parse_settings

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
    "groups_claim": STRINGS,
    "groups_required": STRINGS,
    "upstream_headers_claims": STRINGS,
    "upstream_headers_names": STRINGS,
    "authorization_query_args_names": STRINGS,
    "authorization_query_args_values": STRINGS,
}
KONG_CONFIG_SCHEMA = {"type": "object", "properties": KONG_OPENID_CONNECT_FIELDS, "additionalProperties": False}


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
    }
    with pytest.MonkeyPatch.context() as monkeypatch:
        return run_program(monkeypatch, config)


def test_every_plugin_config_is_valid_for_kongs_openid_connect_schema(everything: ProgramRun) -> None:
    plugins = everything.of_type(KONG_PLUGIN)
    assert len(plugins) == 2
    for plugin in plugins:
        config = dict(plugin.inputs["config"])
        # What Kong Ingress Controller patches in from the Secret, in the Secret's JSON types.
        config |= {"client_secret": ["x"], "session_secret": "x"}
        assert {patch["path"] for patch in plugin.inputs["configPatches"]} == {"/client_secret", "/session_secret"}
        errors = [error.message for error in Draft202012Validator(KONG_CONFIG_SCHEMA).iter_errors(config)]
        assert errors == []


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
