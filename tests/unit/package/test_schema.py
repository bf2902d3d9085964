"""The package's schema, which every consumer's SDK is generated from: the stack's settings in, its outputs out.

Every property is described (consumers read these descriptions in their SDK and editor). The inputs
are the stack's settings, key for key, so a setting added to the stack without the component fails
here; only what a consumer gets from other resources may be an output (not `plain`).
"""

from __future__ import annotations

from typing import Any

import pytest

from components.package.inputs import KUBECONFIG, OUTPUT_FIELDS, REDIS_PASSWORD, REGION_INPUT, REGION_KEY, ROUTE_KEY
from components.package.plugin import schema
from components.package.plugin_attachment import TYPE as ATTACHMENT
from components.package.version import VERSION
from components.settings.identity_providers import COMMON_FIELDS, FIELDS_BY_TYPE
from components.settings.registry import CONFIG_KEYS
from components.settings.routes import _ROUTES_SCHEMA

COMPONENT = "kong-cognito-oidc:index:KongCognitoSignIn"
SCHEMA = schema()
TYPES = SCHEMA["types"]
INPUTS = SCHEMA["resources"][COMPONENT]["inputProperties"]
OUTPUTS = SCHEMA["resources"][COMPONENT]["properties"]


def every_property() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for token, resource in SCHEMA["resources"].items():
        for kind in ("inputProperties", "properties"):
            found += [(f"{token} {kind}.{name}", spec) for name, spec in resource[kind].items()]
    for token, type_ in TYPES.items():
        found += [(f"{token}.{name}", spec) for name, spec in type_["properties"].items()]
    return found


def test_the_package_names_its_component_and_version() -> None:
    assert (SCHEMA["name"], SCHEMA["version"]) == ("kong-cognito-oidc", VERSION)
    assert SCHEMA["resources"][COMPONENT]["isComponent"] is True
    assert set(SCHEMA["resources"]) == {COMPONENT, ATTACHMENT}
    assert SCHEMA["resources"][COMPONENT]["description"].startswith("Amazon Cognito sign-in")


@pytest.mark.parametrize(("where", "spec"), every_property(), ids=[where for where, _ in every_property()])
def test_every_property_is_described_on_one_line(where: str, spec: dict[str, Any]) -> None:
    assert spec.get("description"), where
    assert "\n" not in spec["description"] and "  " not in spec["description"]


def test_the_inputs_are_the_stacks_settings_and_the_kubeconfig() -> None:
    settings = {REGION_INPUT if key == REGION_KEY else key for key in CONFIG_KEYS}
    assert set(INPUTS) == settings | {KUBECONFIG}
    assert SCHEMA["resources"][COMPONENT].get("requiredInputs", []) == []


def test_a_routes_fields_are_the_settings_and_its_name() -> None:
    route = TYPES["kong-cognito-oidc:index:Route"]
    assert set(route["properties"]) == set(_ROUTES_SCHEMA["items"]["properties"]) | {ROUTE_KEY}  # type: ignore[index]
    assert route["required"] == ["ingress"]
    provider = TYPES["kong-cognito-oidc:index:IdentityProvider"]
    assert set(provider["properties"]) == {*COMMON_FIELDS, *(f for fields in FIELDS_BY_TYPE.values() for f in fields)}


def test_only_what_comes_from_other_resources_may_be_an_output() -> None:
    not_plain = {name for name, spec in INPUTS.items() if "plain" not in spec}
    for key, type_name in (
        ("routes[]", "Route"),
        ("identityProviders[]", "IdentityProvider"),
        ("apiClients[]", "ApiClient"),
        ("sessions", "Sessions"),
        ("sessions.redis", "RedisSessions"),
        ("signInDomain", "SignInDomain"),
        ("managedLoginBranding", "ManagedLoginBranding"),
    ):
        fields = TYPES[f"kong-cognito-oidc:index:{type_name}"]["properties"]
        not_plain |= {f"{key}.{name}" for name, spec in fields.items() if "plain" not in spec}
    from_lists = {f"{key}[].{field}" for key, fields in OUTPUT_FIELDS.items() for field in fields}
    expected = {KUBECONFIG, REDIS_PASSWORD} | from_lists
    assert not_plain == expected


def test_secrets_are_marked_for_the_generated_sdks() -> None:
    assert INPUTS[KUBECONFIG]["secret"] is True
    assert TYPES["kong-cognito-oidc:index:IdentityProvider"]["properties"]["clientSecret"]["secret"] is True
    assert TYPES["kong-cognito-oidc:index:RedisSessions"]["properties"]["password"]["secret"] is True
    assert {name for name, spec in OUTPUTS.items() if spec.get("secret")} == {"clientSecret", "apiClientSecrets"}
