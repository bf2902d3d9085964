"""The pre token generation trigger: a federated user's provider groups join `cognito:groups`, nothing else does."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.cognito.federated_groups_trigger import handler
from components.settings.model import GROUPS_ATTRIBUTE

PROVIDER = "Entra"


@pytest.fixture(autouse=True)
def trigger_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # What components/cognito/federated_groups.py sets on the function.
    monkeypatch.setenv(handler.GROUPS_ATTRIBUTE_ENV, GROUPS_ATTRIBUTE)
    monkeypatch.setenv(handler.PROVIDERS_ENV, json.dumps([PROVIDER, "Okta"]))


def event(attributes: dict[str, Any], cognito_groups: list[str] | None = None) -> dict[str, Any]:
    """A V1_0 event as Cognito sends it for a hosted-UI sign-in."""
    return {
        "version": "1",
        "triggerSource": "TokenGeneration_HostedAuth",
        "userPoolId": "us-west-2_AbCdEf123",
        "userName": f"{PROVIDER}_alice",
        "request": {
            "userAttributes": {"sub": "1f2e", "email": "alice@example.com", **attributes},
            "groupConfiguration": {
                "groupsToOverride": cognito_groups or [],
                "iamRolesToOverride": [],
                "preferredRole": None,
            },
        },
        "response": {"claimsOverrideDetails": None},
    }


def federated(provider: str = PROVIDER, **attributes: Any) -> dict[str, Any]:
    identities = [{"providerName": provider, "providerType": "SAML", "userId": "alice", "primary": "true"}]
    return {"identities": json.dumps(identities), **attributes}


def groups_in_token(result: dict[str, Any]) -> list[str]:
    groups: list[str] = result["response"]["claimsOverrideDetails"]["groupOverrideDetails"]["groupsToOverride"]
    return groups


def test_a_federated_member_of_staff_gets_staff_in_cognito_groups() -> None:
    result = handler.handler(event(federated(**{GROUPS_ATTRIBUTE: "staff"})))
    assert groups_in_token(result) == ["staff"]


@pytest.mark.parametrize(
    "value",
    [
        "[staff, admins]",  # a multi-valued SAML attribute as Cognito writes it
        '["staff", "admins"]',  # a JSON array (an OIDC groups claim)
        ["staff", "admins"],
        " [ staff ,admins ] ",
    ],
)
def test_every_form_of_a_multi_valued_attribute_gives_each_group(value: Any) -> None:
    assert groups_in_token(handler.handler(event(federated(**{GROUPS_ATTRIBUTE: value})))) == ["staff", "admins"]


def test_a_federated_user_without_the_attribute_keeps_only_their_cognito_groups() -> None:
    assert groups_in_token(handler.handler(event(federated(), cognito_groups=["admins"]))) == ["admins"]
    assert groups_in_token(handler.handler(event(federated(**{GROUPS_ATTRIBUTE: ""})))) == []


def test_a_federated_user_outside_staff_does_not_get_staff() -> None:
    result = handler.handler(event(federated(**{GROUPS_ATTRIBUTE: "[sales, support]"})))
    assert "staff" not in groups_in_token(result)
    assert groups_in_token(result) == ["sales", "support"]


def test_cognito_groups_are_kept_and_not_repeated() -> None:
    result = handler.handler(event(federated(**{GROUPS_ATTRIBUTE: "[staff, admins]"}), cognito_groups=["staff"]))
    assert groups_in_token(result) == ["staff", "admins"]


def test_a_local_user_who_wrote_the_attribute_gets_no_group_from_it() -> None:
    # The app client may write the attribute (Cognito maps it through the client), so a local user
    # could have set it: only Cognito writes `identities`, which a local user does not have.
    result = handler.handler(event({GROUPS_ATTRIBUTE: "staff"}))
    assert groups_in_token(result) == []


def test_a_user_of_a_provider_without_groups_attribute_gets_no_group_from_it() -> None:
    result = handler.handler(event(federated("Google", **{GROUPS_ATTRIBUTE: "staff"})))
    assert groups_in_token(result) == []


def test_unreadable_identities_count_as_a_local_user() -> None:
    assert groups_in_token(handler.handler(event({"identities": "not json", GROUPS_ATTRIBUTE: "staff"}))) == []


def test_the_roles_cognito_would_have_issued_are_passed_on() -> None:
    # Cognito replaces the whole group configuration with the response's.
    incoming = event(federated(**{GROUPS_ATTRIBUTE: "staff"}))
    incoming["request"]["groupConfiguration"].update(
        {"iamRolesToOverride": ["arn:aws:iam::123456789012:role/reader"], "preferredRole": "arn:aws:iam::1:role/r"}
    )
    details = handler.handler(incoming)["response"]["claimsOverrideDetails"]["groupOverrideDetails"]
    assert details["iamRolesToOverride"] == ["arn:aws:iam::123456789012:role/reader"]
    assert details["preferredRole"] == "arn:aws:iam::1:role/r"
    assert set(handler.handler(incoming)["response"]["claimsOverrideDetails"]) == {"groupOverrideDetails"}
