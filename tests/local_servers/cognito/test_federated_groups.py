"""A federated user's provider groups pass Kong's group gate, through the stack's own pieces.

Kong's stand-in gates on the access token's `cognito:groups`, as the plugin does with `groups_claim:
[cognito:groups]` (groups_required reads the access token). Cognito's stand-in runs the stack's pre
token generation trigger (the handler deployed to Lambda) on a V1_0 event and writes its
`groupsToOverride` into that claim of both tokens, as AWS's developer guide says V1_0 does. The route
signs in with its provider (`signInWith`) through the plugin config the program declares.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from sign_in_standins import jwt_claims
from verify_sign_in_stack import GROUP, SignInStack
from verify_stack import CLIENT_ID

from components.cognito.federated_groups_trigger import handler
from components.kong.oidc_plugin import sign_in_with_config
from components.settings.model import GROUPS_ATTRIBUTE, Route

PROVIDER = "Entra"


def federated_user(email: str, groups: str) -> dict[str, str]:
    """A user's pool attributes after a sign-in at PROVIDER: its mapping writes the groups attribute."""
    identities = [{"providerName": PROVIDER, "providerType": "SAML", "userId": email, "primary": "true"}]
    return {"email": email, "identities": json.dumps(identities), GROUPS_ATTRIBUTE: groups}


def install_trigger(stack: SignInStack, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool runs the stack's trigger, configured as components/cognito/federated_groups.py deploys it."""
    monkeypatch.setenv(handler.GROUPS_ATTRIBUTE_ENV, GROUPS_ATTRIBUTE)
    monkeypatch.setenv(handler.PROVIDERS_ENV, json.dumps([PROVIDER]))
    stack.cognito.pre_token_generation = handler.handler


@pytest.fixture(name="federated_stack")
def federated_stack_fixture(sign_in_stack: SignInStack, monkeypatch: pytest.MonkeyPatch) -> SignInStack:
    install_trigger(sign_in_stack, monkeypatch)
    sign_in_stack.use_groups(GROUP)
    route = Route("demo", "default", "apps.example.com", "/bar", "oidc", True, "https://x/", sign_in_with=PROVIDER)
    config = sign_in_with_config(route)
    sign_in_stack.kong.authorization_query_args = dict(
        zip(config["authorization_query_args_names"], config["authorization_query_args_values"], strict=True)
    )
    return sign_in_stack


def browse(stack: SignInStack) -> requests.Response:
    """A browser opening the protected route, following every redirect (Kong, Cognito, back to Kong)."""
    with requests.Session() as browser:
        return browser.get(stack.stack.kong.url("/bar"), timeout=5)


def test_a_federated_member_of_staff_passes_the_gate(federated_stack: SignInStack) -> None:
    federated_stack.cognito.federated_users[PROVIDER] = federated_user("alice@example.com", "[staff, sales]")
    answer = browse(federated_stack)
    assert answer.status_code == 200
    assert federated_stack.kong.upstream_calls == ["alice@example.com"]


def test_the_providers_groups_reach_the_access_token_kong_gates_on(federated_stack: SignInStack) -> None:
    federated_stack.cognito.federated_users[PROVIDER] = federated_user("alice@example.com", "[staff, sales]")
    assert browse(federated_stack).status_code == 200
    (tokens,) = federated_stack.kong.token_responses
    access, identity = jwt_claims(tokens["access_token"]), jwt_claims(tokens["id_token"])
    # Cognito's two tokens: the access token names the client and its scopes, the ID token its audience.
    assert (access["token_use"], access["client_id"], "aud" in access) == ("access", CLIENT_ID, False)
    assert "openid" in access["scope"].split()
    assert (identity["token_use"], identity["aud"]) == ("id", CLIENT_ID)
    assert access["cognito:groups"] == identity["cognito:groups"] == ["staff", "sales"]


def test_groups_written_to_the_id_token_alone_do_not_pass_the_gate(federated_stack: SignInStack) -> None:
    # Why the trigger answers with groupOverrideDetails: a V1_0 trigger's other claims change the ID
    # token only, and Kong's groups_required reads the access token.
    def id_token_only(event: dict[str, Any]) -> dict[str, Any]:
        result = handler.handler(event)
        details = result["response"]["claimsOverrideDetails"]
        groups = details.pop("groupOverrideDetails")["groupsToOverride"]
        details["claimsToAddOrOverride"] = {"cognito:groups": groups}
        return result

    federated_stack.cognito.pre_token_generation = id_token_only
    federated_stack.cognito.federated_users[PROVIDER] = federated_user("alice@example.com", "staff")
    assert browse(federated_stack).status_code == 403
    (tokens,) = federated_stack.kong.token_responses
    assert jwt_claims(tokens["id_token"])["cognito:groups"] == ["staff"]
    assert federated_stack.kong.upstream_calls == []


def test_a_federated_user_outside_staff_gets_403(federated_stack: SignInStack) -> None:
    federated_stack.cognito.federated_users[PROVIDER] = federated_user("bob@example.com", "sales")
    answer = browse(federated_stack)
    assert answer.status_code == 403
    assert federated_stack.kong.upstream_calls == []


def test_without_the_trigger_the_same_member_of_staff_is_locked_out(federated_stack: SignInStack) -> None:
    # Why the stack declares the trigger: a federated user has no Cognito groups of their own.
    federated_stack.cognito.pre_token_generation = None
    federated_stack.cognito.federated_users[PROVIDER] = federated_user("alice@example.com", "staff")
    assert browse(federated_stack).status_code == 403


def test_the_route_goes_straight_to_its_provider(federated_stack: SignInStack) -> None:
    federated_stack.cognito.federated_users[PROVIDER] = federated_user("alice@example.com", "staff")
    browse(federated_stack)
    assert federated_stack.cognito.federated_sign_ins == [PROVIDER]
    assert "/login" not in federated_stack.stack.hosted_ui.requests, "Cognito's own sign-in page was shown"


def test_with_the_trigger_local_members_keep_their_cognito_groups(
    sign_in_stack: SignInStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The trigger runs for every sign-in: verify --sign-in's local member of staff must still pass
    # (and its outsider get 403), so the trigger keeps the user's own Cognito groups.
    install_trigger(sign_in_stack, monkeypatch)
    sign_in_stack.use_groups(GROUP)
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 0, lines
    assert any(line.startswith("PASS group gate demo (default)") for line in lines)
