"""Keys outside the stack's namespaces: a near miss is refused with the key it meant, another tool's key is let be."""

from __future__ import annotations

import pytest

from components.settings.config_keys import keys_for_other_tools, meant_key, namespace_problems
from components.settings.load import parse_settings
from components.settings.model import SettingsError
from components.settings.registry import SETTING_NAMES

MINIMAL = {"aws:region": "us-west-2", "dataPlaneHost": "lb-123.us-west-2.elb.amazonaws.com"}


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        # The project's namespace misspelt: the setting it names is the one meant.
        ("kong-congito-oidc:allowedGroups", "kong-cognito-oidc:allowedGroups"),
        ("Kong-Cognito-OIDC:allowedGroups", "kong-cognito-oidc:allowedGroups"),
        ("kong-cognito:selfSignUp", "kong-cognito-oidc:selfSignUp"),
        # ...and the key too: the closest setting.
        ("kong-congito-oidc:allowedGroup", "kong-cognito-oidc:allowedGroups"),
        ("kong-congito-oidc:webhook", "kong-cognito-oidc:webhook"),
        # A provider's namespace misspelt.
        ("asw:region", "aws:region"),
        ("AWS:profile", "aws:profile"),
        ("kubernets:context", "kubernetes:context"),
        ("pulumi-:tags", "pulumi:tags"),
        # Any namespace, with a name that is (nearly) one of the settings.
        ("myteam:allowedGroups", "kong-cognito-oidc:allowedGroups"),
        ("myteam:ALLOWEDGROUPS", "kong-cognito-oidc:allowedGroups"),
        ("myteam:allowedGroup", "kong-cognito-oidc:allowedGroups"),
        ("ops:signOutUrl", "kong-cognito-oidc:signedOutUrl"),
    ],
)
def test_a_near_miss_is_refused_naming_the_key_it_meant(key: str, meant: str) -> None:
    assert namespace_problems([key], SETTING_NAMES) == [f"{key}: unknown namespace; did you mean {meant}?"]
    assert keys_for_other_tools([key], SETTING_NAMES) == []


@pytest.mark.parametrize(
    "key",
    ["datadog:apiKey", "myteam:owner", "ci:slackChannel", "k8s:clusterName", "myteam:groups", "kong:domain"],
)
def test_another_tools_key_is_allowed_and_listed_as_not_read(key: str) -> None:
    assert meant_key(key, SETTING_NAMES) is None
    assert namespace_problems([key], SETTING_NAMES) == []
    assert keys_for_other_tools([key], SETTING_NAMES) == [key]


@pytest.mark.parametrize("key", ["aws:profile", "kubernetes:context", "random:x", "pulumi:tags", "aws:allowedGroups"])
def test_the_known_namespaces_are_their_owners_business(key: str) -> None:
    assert namespace_problems([key], SETTING_NAMES) == []
    assert keys_for_other_tools([key], SETTING_NAMES) == []


def test_a_near_miss_is_one_of_the_collected_problems_and_never_shows_its_value() -> None:
    with pytest.raises(SettingsError) as raised:
        parse_settings(
            {**MINIMAL, "cacheTtl": "0"},
            other_keys=["kong-congito-oidc:allowedGroups", "datadog:apiKey", "aws:profile"],
        )
    assert raised.value.problems[0] == (
        "kong-congito-oidc:allowedGroups: unknown namespace; did you mean kong-cognito-oidc:allowedGroups?"
    )
    assert raised.value.problems[1].startswith("kong-cognito-oidc:cacheTtl")
    assert len(raised.value.problems) == 2


def test_keys_of_other_tools_do_not_stop_the_settings() -> None:
    assert parse_settings(MINIMAL, other_keys=["datadog:apiKey", "aws:profile", "pulumi:tags"]).aws_region
