"""Cognito's pre token generation trigger (event version V1_0): a federated user's groups into `cognito:groups`.

Each identity provider with a `groupsAttribute` maps that attribute to the pool's custom attribute
(components/federated_groups.py). This function adds its groups to the user's Cognito groups in
`cognito:groups` (groupOverrideDetails, which Cognito applies to the ID and the access token; Kong's
group gate reads the access token's), so Kong stays unchanged.

It runs in AWS Lambda with the standard library only, and is deployed as this one file.
"""

from __future__ import annotations

import json
import os
from typing import Any

GROUPS_ATTRIBUTE_ENV = "GROUPS_ATTRIBUTE"
"""The pool attribute holding the provider's groups, e.g. `custom:idp_groups`."""
PROVIDERS_ENV = "PROVIDERS"
"""JSON list of the providers whose groups count: only those map the attribute."""


def provider_groups(value: Any) -> list[str]:
    """The groups in a mapped attribute's value.

    A provider may send one value (a SAML attribute with one value arrives as a plain string),
    a JSON array, or Cognito's rendering of a multi-valued SAML attribute, `[a, b]`.
    """
    if isinstance(value, list):
        groups = [str(item) for item in value]
    elif not isinstance(value, str):
        return []
    else:
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError:
                parsed = text[1:-1].split(",")
            groups = [str(item) for item in parsed] if isinstance(parsed, list) else []
        else:
            groups = [text]
    return [group.strip() for group in groups if group.strip()]


def federated_provider(attributes: dict[str, Any]) -> str | None:
    """The provider a user signed in with, from `identities`, which only Cognito writes; None for a local user."""
    try:
        identities = json.loads(attributes.get("identities") or "[]")
    except (TypeError, json.JSONDecodeError):
        return None
    if isinstance(identities, list) and identities and isinstance(identities[0], dict):
        name = identities[0].get("providerName")
        return name if isinstance(name, str) else None
    return None


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = event.get("request") or {}
    attributes: dict[str, Any] = request.get("userAttributes") or {}
    current: dict[str, Any] = request.get("groupConfiguration") or {}
    groups = list(current.get("groupsToOverride") or [])

    # A local user could write the custom attribute (the app client may write it, for the mapping):
    # only a user who signed in through a provider that maps it gets groups from it.
    providers = json.loads(os.environ.get(PROVIDERS_ENV, "[]"))
    if federated_provider(attributes) in providers:
        for group in provider_groups(attributes.get(os.environ.get(GROUPS_ATTRIBUTE_ENV, ""))):
            if group not in groups:
                groups.append(group)

    # Cognito replaces the whole group configuration with this one: the roles are passed on unchanged.
    event.setdefault("response", {})["claimsOverrideDetails"] = {
        "groupOverrideDetails": {
            "groupsToOverride": groups,
            "iamRolesToOverride": list(current.get("iamRolesToOverride") or []),
            "preferredRole": current.get("preferredRole"),
        }
    }
    return event
