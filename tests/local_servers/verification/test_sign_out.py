"""verify.py's sign-out check: Kong's sign-out URL → Cognito's /logout → the signed-out page."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from oidc_servers import html_reply, redirect
from verify_stack import (
    CLIENT_ID,
    Stack,
    failures,
)

ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.id-token-never-printed.c2ln"


@pytest.fixture
def sign_out_stack(stack: Stack) -> Stack:
    """One route with sign-out wired as the program wires it."""
    url = stack.kong.url("/bar")
    signed_out = stack.kong.url("/signed-out")
    stack.outputs["routes"] = [
        {
            "ingress": "demo",
            "namespace": "default",
            "url": url,
            "plugin": "demo-oidc",
            "signOutUrl": url + "/logout",
            "signedOutUrl": signed_out,
        }
    ]
    stack.outputs["signOutUrl"] = url + "/logout"
    stack.logout_urls.add(signed_out)
    stack.kong.routes["/bar/logout"] = redirect(cognito_logout(stack))
    return stack


def cognito_logout(stack: Stack, **changes: str | None) -> str:
    """Kong's redirect after it destroyed its session: Cognito's parameters plus the OpenID ones it adds."""
    query: dict[str, str | None] = {
        "client_id": CLIENT_ID,
        "logout_uri": stack.kong.url("/signed-out"),
        "id_token_hint": ID_TOKEN,
        "post_logout_redirect_uri": stack.kong.url("/signed-out"),
        **changes,
    }
    return stack.hosted_ui.url("/logout") + "?" + urlencode({k: v for k, v in query.items() if v is not None})


def sign_out_line(lines: list[str]) -> str:
    (line,) = [line for line in lines if line.split(":")[0].endswith("sign-out demo (default)")]
    return line


def test_a_good_chain_passes(sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 0, lines
    assert lines[-1] == (
        f"PASS sign-out demo (default): redirect to {sign_out_stack.hosted_ui.url('/logout')} with clientId and "
        f"logout_uri {sign_out_stack.kong.url('/signed-out')!r}; Cognito sends the browser on to it"
    )
    assert ID_TOKEN not in "\n".join(lines)
    # The signed-out page itself is the app's business: not requested.
    assert sign_out_stack.kong.requests[-1] == "/bar/logout"
    assert sign_out_stack.hosted_ui.requests[-1] == "/logout"


def test_a_chain_with_more_hops_on_kongs_host_passes(sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    sign_out_stack.kong.routes["/bar/logout"] = redirect("/bar/logout/next", 303)
    sign_out_stack.kong.routes["/bar/logout/next"] = redirect(cognito_logout(sign_out_stack))
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 0, lines
    assert sign_out_stack.kong.requests[-2:] == ["/bar/logout", "/bar/logout/next"]


def test_outputs_from_before_routes_with_a_sign_out_url_get_an_unnamed_line(
    sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    del sign_out_stack.outputs["routes"]
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 0, lines
    assert [line.split(":")[0] for line in lines] == [
        "PASS discovery",
        "PASS protected route",
        "PASS hosted UI",
        "PASS sign-out",
    ]


def test_no_sign_out_url_no_sign_out_check(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = stack.run(capsys)
    assert code == 0
    assert not [line for line in lines if "sign-out" in line]
    assert "/bar/logout" not in stack.kong.requests


@pytest.mark.parametrize(
    ("kong_answer", "detail"),
    [
        (html_reply(404, "no Route matched"), "expected a redirect to Cognito's /logout, got 404 Not Found from {url}"),
        (html_reply(200, "the upstream's own page"), "expected a redirect to Cognito's /logout, got 200 OK from {url}"),
    ],
    ids=["404", "served by the upstream"],
)
def test_kong_not_configured_for_sign_out_fails(
    sign_out_stack: Stack, capsys: pytest.CaptureFixture[str], kong_answer: object, detail: str
) -> None:
    sign_out_stack.kong.routes["/bar/logout"] = kong_answer  # type: ignore[assignment]
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 1
    url = sign_out_stack.kong.url("/bar/logout")
    expected = detail.format(url=url) + " (is sign-out configured on Kong's plugin?)"
    assert sign_out_line(lines) == f"FAIL sign-out demo (default): {expected}"


def test_kong_sending_sign_out_to_sign_in_fails(sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    # Without logout_uri_suffix, /bar/logout is just another protected path: Kong asks for sign-in.
    sign_out_stack.kong.routes["/bar/logout"] = redirect(sign_out_stack.authorize_url())
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 1
    url, authorize = sign_out_stack.kong.url("/bar/logout"), sign_out_stack.hosted_ui.url("/oauth2/authorize")
    assert sign_out_line(lines) == (
        f"FAIL sign-out demo (default): {url} redirects to sign-in ({authorize}),"
        " not to Cognito's /logout: Kong does not treat it as its sign-out URL"
    )
    assert sign_out_stack.hosted_ui.requests.count("/oauth2/authorize") == 1  # the hosted-UI check's, not followed


def test_cognito_rejecting_the_logout_uri_fails(sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    sign_out_stack.logout_urls.clear()  # not registered on the app client
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 1
    assert sign_out_line(lines) == (
        f"FAIL sign-out demo (default): Cognito refused logout_uri {sign_out_stack.kong.url('/signed-out')!r}: "
        f"Cognito's error page {sign_out_stack.hosted_ui.url('/error')} (error=redirect_mismatch)"
    )


def test_openid_style_logout_without_cognitos_parameters_fails(
    sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Kong using the discovery document's end_session_endpoint as is.
    location = cognito_logout(sign_out_stack, client_id=None, logout_uri=None)
    sign_out_stack.kong.routes["/bar/logout"] = redirect(location)
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 1
    assert sign_out_line(lines) == (
        f"FAIL sign-out demo (default): redirect to {sign_out_stack.hosted_ui.url('/logout')} with no client_id; "
        "no logout_uri (Cognito ignores post_logout_redirect_uri)"
    )
    assert ID_TOKEN not in "\n".join(lines)
    assert sign_out_stack.hosted_ui.requests.count("/logout") == 0


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"client_id": "other-client"}, f"client_id='other-client', expected clientId {CLIENT_ID!r}"),
        ({"logout_uri": "https://elsewhere.example.com/"}, "logout_uri='https://elsewhere.example.com/', expected"),
    ],
)
def test_logout_parameters_must_match_the_stack(
    sign_out_stack: Stack, capsys: pytest.CaptureFixture[str], change: dict[str, str], problem: str
) -> None:
    sign_out_stack.kong.routes["/bar/logout"] = redirect(cognito_logout(sign_out_stack, **change))
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 1
    assert sign_out_line(lines).startswith(
        f"FAIL sign-out demo (default): redirect to {sign_out_stack.hosted_ui.url('/logout')} with {problem}"
    )


def test_a_redirect_off_kongs_and_cognitos_hosts_is_not_followed(
    sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_out_stack.kong.routes["/bar/logout"] = redirect(sign_out_stack.idp.url("/logout"))
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 1
    elsewhere = sign_out_stack.idp.url("/logout")
    assert (
        sign_out_line(lines)
        == f"FAIL sign-out demo (default): redirect leaves Kong's and Cognito's hosts for {elsewhere}"
    )
    assert "/logout" not in sign_out_stack.idp.requests


def test_cognito_answering_logout_with_a_page_fails(sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    sign_out_stack.hosted_ui.routes["/logout"] = html_reply(400, "Bad Request")
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 1
    assert sign_out_line(lines) == (
        f"FAIL sign-out demo (default): Cognito's {sign_out_stack.hosted_ui.url('/logout')} answered 400 Bad Request, "
        f"not a redirect to {sign_out_stack.kong.url('/signed-out')}"
    )
    assert failures(lines) == [sign_out_line(lines)]


def test_a_malformed_redirect_fails_without_printing_its_query(
    sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_port = sign_out_stack.hosted_ui.origin.rsplit(":", 1)[0] + ":99999/logout"
    sign_out_stack.kong.routes["/bar/logout"] = redirect(f"{bad_port}?id_token_hint={ID_TOKEN}")
    code, lines, err = sign_out_stack.run(capsys)
    assert code == 1
    assert sign_out_line(lines) == (
        f"FAIL sign-out demo (default): redirect to a malformed URL {bad_port!r} from "
        f"{sign_out_stack.kong.url('/bar/logout')}"
    )
    assert ID_TOKEN not in "\n".join(lines) + err


# --- Kong 3.10.0.7 and later add client_id to the logout redirect themselves ---


def test_a_kong_that_adds_client_id_to_an_endpoint_that_has_it_repeats_it_and_the_fix_is_kong_version(
    sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    # kongVersion unset (3.4): the endpoint carries client_id; a Kong of 3.10.0.7 or later appends it again.
    sign_out_stack.kong.routes["/bar/logout"] = redirect(cognito_logout(sign_out_stack) + f"&client_id={CLIENT_ID}")
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 1
    assert sign_out_line(lines) == (
        f"FAIL sign-out demo (default): redirect to {sign_out_stack.hosted_ui.url('/logout')} with client_id=2 values, "
        f"expected clientId {CLIENT_ID!r} (this Kong adds client_id itself, as Kong 3.10.0.7 and later do, and "
        "kongVersion 3.4 made the stack add it too: set kongVersion to the version Kong runs, which `make doctor` "
        "reads, then `make up`)"
    )


def test_with_kong_version_from_3_10_0_7_the_client_id_kong_adds_is_the_only_one(
    sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_out_stack.outputs["kongVersion"] = "3.10.0.7"
    # The stack's endpoint without client_id; Kong appends it.
    endpoint = cognito_logout(sign_out_stack, client_id=None)
    sign_out_stack.kong.routes["/bar/logout"] = redirect(endpoint + f"&client_id={CLIENT_ID}")
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 0, lines
    assert sign_out_line(lines).startswith("PASS sign-out demo (default)")


def test_with_kong_version_from_3_10_0_7_a_kong_that_adds_none_leaves_cognito_without_client_id(
    sign_out_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_out_stack.outputs["kongVersion"] = "3.11"
    sign_out_stack.kong.routes["/bar/logout"] = redirect(cognito_logout(sign_out_stack, client_id=None))
    code, lines, _ = sign_out_stack.run(capsys)
    assert code == 1
    assert sign_out_line(lines) == (
        f"FAIL sign-out demo (default): redirect to {sign_out_stack.hosted_ui.url('/logout')} with no client_id "
        "(kongVersion 3.11 says Kong adds client_id itself, and this Kong did not: set kongVersion to the version "
        "Kong runs, which `make doctor` reads, then `make up`)"
    )
