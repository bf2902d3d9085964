"""verify.py on `api` routes: 401 without a token, never a redirect; with --sign-in, machine tokens.

Kong's route and Cognito's token endpoint are stand-ins (tests/support/api_standins.py) on the
same local HTTPS servers as the other verify tests; client secrets and tokens are never printed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from api_standins import BearerRouteStandIn, MachineClient, TokenEndpointStandIn
from oidc_servers import Reply, redirect
from verify_stack import Stack, failures

from verification.api_route import run_api_token_checks
from verification.http_client import Client
from verification.outputs import OutputsError, parse_outputs
from verification.results import CheckLine

IDENTIFIER = "https://api.example.test"
READ, WRITE = f"{IDENTIFIER}/orders.read", f"{IDENTIFIER}/orders.write"
REPORTER = MachineClient("reporter", "reporter-client-id", "reporter-s3cret-never-printed", (READ,))
BILLING = MachineClient("billing", "billing-client-id", "billing-s3cret-never-printed", (READ, WRITE))


def api_entry(url: str, scopes: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"ingress": "orders", "namespace": "shop", "url": url, "plugin": "orders-oidc"}
    entry.update(mode="api", kind="HTTPRoute", scopes=scopes)
    return entry


@pytest.fixture
def api_stack(stack: Stack) -> tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn]:
    """A browser route (the stack's) and an api HTTPRoute requiring orders.read, two machine clients."""
    clients = [REPORTER, BILLING]
    tokens = TokenEndpointStandIn(clients)
    orders = BearerRouteStandIn(tokens, {c.client_id for c in clients}, required_scopes=(READ,))
    stack.hosted_ui.routes["/oauth2/token"] = tokens
    stack.kong.routes["/orders"] = orders
    browser = {"ingress": "demo", "namespace": "default", "url": stack.callback, "plugin": "oidc"}
    stack.outputs.update(
        routes=[browser, api_entry(stack.kong.url("/orders"), [READ])],
        tokenUrl=stack.hosted_ui.url("/oauth2/token"),
        apiClients=[{"name": c.name, "clientId": c.client_id, "scopes": list(c.scopes)} for c in clients],
        apiClientSecrets={c.name: c.secret for c in clients},
    )
    return stack, tokens, orders


def names(lines: list[str]) -> list[str]:
    return [line.split(":")[0] for line in lines]


def assert_no_secret(lines: list[str], err: str, tokens: TokenEndpointStandIn) -> None:
    printed = "\n".join(lines) + err
    for secret in [REPORTER.secret, BILLING.secret, *tokens.issued]:
        assert secret not in printed


def test_an_api_route_answering_401_with_a_bearer_challenge_passes(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, tokens, _ = api_stack
    code, lines, _ = stack.run(capsys)
    assert code == 0, lines
    assert names(lines) == [
        "PASS discovery",
        "PASS protected route demo (default)",
        "PASS hosted UI demo (default)",
        "PASS api route orders (shop)",
    ]
    assert lines[-1].endswith('401 with WWW-Authenticate: Bearer realm="kong" (no token)')
    assert tokens.requests == []  # without --sign-in, no token is asked for


def test_an_api_route_that_redirects_to_sign_in_fails(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, _, _ = api_stack
    stack.kong.routes["/orders"] = redirect(stack.authorize_url(redirect_uri=stack.kong.url("/orders")))
    code, lines, _ = stack.run(capsys)
    assert code == 1
    (failure,) = failures(lines)
    assert failure.startswith(
        f"FAIL api route orders (shop): 302 Found to {stack.hosted_ui.url('/oauth2/authorize')} without a token, "
        "instead of 401"
    )
    assert "never send it to sign-in" in failure
    assert "state=" not in failure  # the redirect's query is not printed


@pytest.mark.parametrize(
    ("reply", "detail"),
    [
        (Reply(401), "401 without a WWW-Authenticate header"),
        (Reply(401, {"WWW-Authenticate": 'Basic realm="kong"'}), "WWW-Authenticate 'Basic', expected a Bearer"),
        (Reply(200, body=b"open"), "expected 401 without a token, got 200 OK from https://"),
        (Reply(403), "expected 401 without a token, got 403 Forbidden"),
    ],
)
def test_an_api_route_must_answer_401_with_a_bearer_challenge(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn],
    capsys: pytest.CaptureFixture[str],
    reply: Reply,
    detail: str,
) -> None:
    stack, _, _ = api_stack
    stack.kong.routes["/orders"] = reply
    code, lines, _ = stack.run(capsys)
    assert code == 1
    (failure,) = failures(lines)
    assert failure.startswith("FAIL api route orders (shop): ") and detail in failure, failure


def test_sign_in_gets_a_token_through_and_a_token_without_the_scope_refused(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, tokens, _ = api_stack
    stack.outputs["routes"] = stack.outputs["routes"][1:]  # the api route only: no test users needed
    code, lines, err = stack.run(capsys, "--sign-in")
    assert code == 0, lines
    assert lines[-3:] == [
        'PASS api route orders (shop): 401 with WWW-Authenticate: Bearer realm="kong" (no token)',
        f"PASS api token orders (shop): a token of client reporter (scopes {READ}) got through: 200 OK",
        f"PASS api scope orders (shop): a token of client billing with only {WRITE}, without {READ}: 403 Forbidden",
    ]
    # Client credentials by HTTP Basic; the second token asked for only the scope the route does not take.
    first, second = tokens.requests
    assert first.headers["authorization"].startswith("Basic ") and "scope" not in first.form
    assert second.form["scope"] == [WRITE]
    assert_no_secret(lines, err, tokens)


def test_sign_in_fails_when_the_route_does_not_check_scopes(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, tokens, orders = api_stack
    stack.outputs["routes"] = stack.outputs["routes"][1:]
    orders.check_scopes = False
    code, lines, err = stack.run(capsys, "--sign-in")
    assert code == 1
    (failure,) = failures(lines)
    assert failure.startswith("FAIL api scope orders (shop): a token of client billing with only")
    assert failure.endswith("200 OK, expected 403: the route does not check the token's scopes")
    assert_no_secret(lines, err, tokens)


def test_sign_in_fails_when_a_token_without_the_scope_gets_401_instead_of_403(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn], capsys: pytest.CaptureFixture[str]
) -> None:
    # 401 says the token itself is not accepted: the scope check is not what refused it.
    stack, tokens, orders = api_stack
    stack.outputs["routes"] = stack.outputs["routes"][1:]
    orders.missing_scope_status = 401
    code, lines, err = stack.run(capsys, "--sign-in")
    assert code == 1
    (failure,) = failures(lines)
    assert failure.startswith("FAIL api scope orders (shop): a token of client billing with only")
    assert failure.endswith(": 401, expected 403 (the token is valid; only its scope is missing)")
    assert_no_secret(lines, err, tokens)


def test_sign_in_sends_machine_tokens_to_a_both_route_too(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn],
) -> None:
    # A `both` route takes bearer tokens as an api route does (and signs browsers in besides).
    stack, tokens, _ = api_stack
    both = {**api_entry(stack.kong.url("/orders"), [READ]), "mode": "both"}
    outputs = parse_outputs(json.dumps({**stack.outputs, "routes": [both]}), "test")
    lines: list[CheckLine] = []
    run_api_token_checks(Client(), outputs, lines.append)
    assert [line.line() for line in lines] == [
        f"PASS api token orders (shop): a token of client reporter (scopes {READ}) got through: 200 OK",
        f"PASS api scope orders (shop): a token of client billing with only {WRITE}, without {READ}: 403 Forbidden",
    ]
    assert len(tokens.requests) == 2


def test_sign_in_fails_when_a_valid_token_is_refused(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, tokens, orders = api_stack
    stack.outputs["routes"] = stack.outputs["routes"][1:]
    orders.allowed_client_ids = set()  # e.g. the audience check names other clients
    code, lines, err = stack.run(capsys, "--sign-in")
    assert code == 1
    assert [line.split(":")[0] for line in failures(lines)] == ["FAIL api token orders (shop)"]
    assert f"a token of client reporter (scopes {READ}) was refused: 403 Forbidden" in failures(lines)[0]
    assert_no_secret(lines, err, tokens)


def test_a_secret_the_token_endpoint_refuses_is_named_without_printing_it(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, tokens, _ = api_stack
    stack.outputs["routes"] = stack.outputs["routes"][1:]
    stack.outputs["apiClientSecrets"] = {REPORTER.name: "wrong-secret-never-printed", BILLING.name: BILLING.secret}
    code, lines, err = stack.run(capsys, "--sign-in")
    assert code == 1
    failure = failures(lines)[0]
    assert failure.startswith("FAIL api token orders (shop): the token endpoint https://")
    assert failure.endswith("refused client reporter: 400 Bad Request (error=invalid_client)")
    assert "wrong-secret-never-printed" not in "\n".join(lines) + err
    assert_no_secret(lines, err, tokens)


def test_without_a_client_holding_another_scope_the_scope_check_is_skipped_with_the_reason(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, _, _ = api_stack
    stack.outputs["routes"] = stack.outputs["routes"][1:]
    stack.outputs["apiClients"] = stack.outputs["apiClients"][:1]  # reporter: orders.read only
    code, lines, _ = stack.run(capsys, "--sign-in")
    assert code == 0, lines
    assert lines[-1].startswith("SKIP api scope orders (shop): no machine client holds a scope besides the route's")


def test_sign_in_without_the_secret_outputs_says_how_to_read_them(
    api_stack: tuple[Stack, TokenEndpointStandIn, BearerRouteStandIn], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, tokens, _ = api_stack
    stack.outputs["apiClientSecrets"] = "[secret]"  # `pulumi stack output --json` without --show-secrets
    code, lines, err = stack.run(capsys, "--sign-in")
    assert code == 2 and lines == []
    assert "needs apiClientSecrets" in err and "--show-secrets" in err
    assert tokens.requests == []
    # Without --sign-in, the hidden secrets are no obstacle.
    assert stack.run(capsys)[0] == 0


def test_route_modes_and_kinds_are_read_and_old_entries_mean_a_browser_ingress(stack: Stack) -> None:
    url = stack.kong.url("/orders")
    outputs = {**stack.outputs, "routes": [{"ingress": "demo", "url": url}, api_entry(url, [READ])]}
    old, api = parse_outputs(json.dumps(outputs), "test").routes
    assert (old.mode, old.kind, old.scopes) == ("browser", "Ingress", ())
    assert (api.mode, api.kind, api.scopes) == ("api", "HTTPRoute", (READ,))
    for bad in ({"mode": "API"}, {"kind": "Gateway"}, {"scopes": "orders.read"}):
        with pytest.raises(OutputsError, match=r"routes\[0\]"):
            parse_outputs(json.dumps({**outputs, "routes": [{"url": url, **bad}]}), "test")


def test_malformed_client_secrets_are_refused_without_showing_them(stack: Stack) -> None:
    with pytest.raises(OutputsError) as refused:
        parse_outputs(json.dumps({**stack.outputs, "apiClientSecrets": {"reporter": 12345678}}), "test")
    assert "12345678" not in str(refused.value)
