"""verify.py with the `routes` output: discovery once, then each route's checks on lines that name it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from oidc_servers import TlsServer, html_reply, redirect, tls_server
from verify_stack import (
    DISCOVERY_PATH,
    JWKS_PATH,
    Certificates,
    Stack,
    failures,
)


@pytest.fixture(scope="module")
def shop_kong(certificates: Certificates) -> Iterator[TlsServer]:
    """A second host behind the same Kong (another origin, same self-signed CA)."""
    with tls_server(certificates.kong) as server:
        yield server


def route(ingress: str, namespace: str, url: str) -> dict[str, Any]:
    return {"ingress": ingress, "namespace": namespace, "url": url, "plugin": f"{ingress}-oidc"}


@pytest.fixture
def routes_stack(stack: Stack, shop_kong: TlsServer) -> Stack:
    """Three routes on two hosts in two namespaces, as the program exports them."""
    shop_kong.routes.clear()
    shop_kong.requests.clear()
    urls = [stack.kong.url("/bar"), stack.kong.url("/admin"), shop_kong.url("/")]
    stack.outputs["routes"] = [
        route("demo", "default", urls[0]),
        route("admin", "default", urls[1]),
        route("shop", "shop", urls[2]),
    ]
    stack.callbacks.update(urls)
    stack.kong.routes["/bar"] = redirect(stack.authorize_url(redirect_uri=urls[0]))
    stack.kong.routes["/admin"] = redirect(stack.authorize_url(redirect_uri=urls[1]))
    shop_kong.routes["/"] = redirect(stack.authorize_url(redirect_uri=urls[2]))
    return stack


def names(lines: list[str]) -> list[str]:
    return [line.split(":")[0] for line in lines]


def test_every_route_is_checked_on_its_own_named_lines(routes_stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = routes_stack.run(capsys)
    assert code == 0, lines
    assert names(lines) == [
        "PASS discovery",
        "PASS protected route demo (default)",
        "PASS hosted UI demo (default)",
        "PASS protected route admin (default)",
        "PASS hosted UI admin (default)",
        "PASS protected route shop (shop)",
        "PASS hosted UI shop (shop)",
    ]
    assert lines[1].startswith(
        f"PASS protected route demo (default): 302 to {routes_stack.hosted_ui.url('/oauth2/authorize')}"
    )
    assert err == ""
    # Discovery once, however many routes.
    assert routes_stack.idp.requests == [DISCOVERY_PATH, JWKS_PATH]


def test_a_route_whose_plugin_sends_another_routes_redirect_uri_fails_alone(
    routes_stack: Stack, shop_kong: TlsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shop's Ingress uses the demo's plugin: Kong sends the first route's redirect_uri.
    demo_url = routes_stack.kong.url("/bar")
    shop_kong.routes["/"] = redirect(routes_stack.authorize_url(redirect_uri=demo_url))
    code, lines, _ = routes_stack.run(capsys)
    assert code == 1
    assert failures(lines) == [
        f"FAIL protected route shop (shop): redirect to the authorization endpoint with redirect_uri={demo_url!r}, "
        f"expected redirectUri {shop_kong.url('/')!r}"
    ]
    assert lines[1].startswith("PASS protected route demo (default)")


def test_a_route_served_without_a_session_is_named(routes_stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    routes_stack.kong.routes["/admin"] = html_reply(200, "admin area")
    code, lines, _ = routes_stack.run(capsys)
    assert code == 1
    assert failures(lines) == [
        f"FAIL protected route admin (default): expected a redirect to sign-in, got 200 OK from "
        f"{routes_stack.kong.url('/admin')} (no session)",
        "FAIL hosted UI admin (default): skipped: needs Kong's redirect to the authorization endpoint",
    ]


def test_a_git_owned_route_served_without_a_session_says_what_git_must_list(
    routes_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = routes_stack.outputs["routes"][1]
    admin.update(annotationOwner="git", annotation={"konghq.com/plugins": admin["plugin"]})
    routes_stack.kong.routes["/admin"] = html_reply(200, "admin area")
    code, lines, _ = routes_stack.run(capsys)
    assert code == 1
    assert failures(lines)[0] == (
        f"FAIL protected route admin (default): expected a redirect to sign-in, got 200 OK from "
        f"{routes_stack.kong.url('/admin')} (no session); annotationOwner is git: until Git lists {admin['plugin']} in "
        "konghq.com/plugins of the route's Ingress, Kong serves it without sign-in (`make doctor` prints the value "
        "to commit)"
    )


def test_without_discovery_every_route_is_skipped(routes_stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    del routes_stack.idp.routes[DISCOVERY_PATH]
    code, lines, _ = routes_stack.run(capsys)
    assert code == 1
    skipped = "skipped: needs the discovery document's authorization_endpoint"
    assert [line for line in lines if line.startswith("FAIL protected route")] == [
        f"FAIL protected route demo (default): {skipped}",
        f"FAIL protected route admin (default): {skipped}",
        f"FAIL protected route shop (shop): {skipped}",
    ]
    assert routes_stack.kong.requests == []


def test_insecure_covers_every_routes_host_and_not_cognito(
    routes_stack: Stack,
    shop_kong: TlsServer,
    certificates: Certificates,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates.cognito_ca_file))
    code, lines, err = routes_stack.run(capsys, "--insecure")
    assert code == 0, lines
    hosts = sorted(server.origin.removeprefix("https://") for server in (routes_stack.kong, shop_kong))
    assert err == f"verify.py: --insecure: the TLS certificates of {hosts[0]}, {hosts[1]} are not checked\n"


def test_one_route_in_routes_is_named_too(routes_stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    routes_stack.outputs["routes"] = routes_stack.outputs["routes"][:1]
    code, lines, _ = routes_stack.run(capsys)
    assert code == 0, lines
    assert names(lines) == ["PASS discovery", "PASS protected route demo (default)", "PASS hosted UI demo (default)"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"routes": {"demo": "https://a.example.com/"}}, "routes in the outputs must be a non-empty list of routes"),
        ({"routes": []}, "routes in the outputs must be a non-empty list of routes, got []"),
        ({"routes": ["https://a.example.com/"]}, 'routes[0] in the outputs must be an object, got "https://a.example'),
        ({"routes": [{"ingress": "demo", "namespace": "default"}]}, "routes[0] in the outputs lacks url"),
        (
            {"routes": [route("a", "b", "https://a.example.com/"), route("c", "d", "http://c.example.com/")]},
            'routes[1].url in the outputs must be an https:// URL, got "http://c.example.com/"',
        ),
        (
            {"routes": [route("a", "b", "https://a.example.com/") | {"signOutUrl": "/a/logout"}]},
            'routes[0].signOutUrl in the outputs must be an https:// URL, got "/a/logout"',
        ),
        ({"routes": [route("a", "", "https://a.example.com/")]}, "routes[0].namespace in the outputs must be a"),
        ({"signOutUrl": "http://a.example.com/bar/logout"}, "signOutUrl in the outputs must be an https:// URL"),
        ({"allowedGroups": "staff"}, 'allowedGroups in the outputs must be a list of group names, got "staff"'),
        ({"allowedGroups": ["staff", ""]}, "allowedGroups in the outputs must be a list of group names"),
        ({"awsRegion": 7}, "awsRegion in the outputs must be a non-empty string, got 7"),
        ({"hostedUiDomain": "https://d.auth.example.com"}, "hostedUiDomain in the outputs must be a host name"),
    ],
)
def test_malformed_new_outputs_are_named(
    stack: Stack, capsys: pytest.CaptureFixture[str], change: dict[str, Any], message: str
) -> None:
    stack.outputs.update(change)
    code, lines, err = stack.run(capsys)
    assert (code, lines) == (2, [])
    assert err.startswith("verify.py: ")
    assert message in err


def test_a_sign_out_url_needs_the_hosted_ui_domain(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    del stack.outputs["hostedUiDomain"]
    stack.outputs["signOutUrl"] = stack.kong.url("/bar/logout")
    code, lines, err = stack.run(capsys)
    assert (code, lines) == (2, [])
    assert err == "verify.py: the outputs name a signOutUrl but lack hostedUiDomain, which the sign-out check needs\n"
