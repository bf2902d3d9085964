"""verify.py against local HTTPS stand-ins for Kong and Cognito (offline, self-signed certificates).

These tests use outputs from before `routes` (one route, unnamed lines); test_protected_route.py
covers lists of routes.
"""

from __future__ import annotations

import io
import json
import runpy
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from oidc_servers import Reply, closed_origin, html_reply, json_reply, redirect, silent_server
from program_harness import ROOT
from verify_stack import (
    CALLBACK_PATH,
    CLIENT_ID,
    CLIENT_SECRET,
    DISCOVERY_PATH,
    JWKS_PATH,
    POOL_PATH,
    RSA_KEY,
    Certificates,
    Stack,
    failures,
)

import verify
from verification import protected_route, url_parts

# --- Passing ----------------------------------------------------------------------------------------


def test_passes_with_insecure_against_kongs_self_signed_certificate(
    stack: Stack, certificates: Certificates, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only Cognito's stand-ins are trusted: --insecure covers Kong's proxy, nothing else.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates.cognito_ca_file))
    code, lines, err = stack.run(capsys, "--insecure")
    assert code == 0, lines
    assert [line.split(":")[0] for line in lines] == ["PASS discovery", "PASS protected route", "PASS hosted UI"]
    assert f"issuer {stack.idp.url(POOL_PATH)}" in lines[0]
    assert "1 signing key" in lines[0]
    assert "scope 'openid email profile'" in lines[1]
    assert lines[2] == f"PASS hosted UI: sign-in page at {stack.hosted_ui.url('/login')}"
    assert f"the TLS certificate of {urlsplit(stack.outputs['protectedUrl']).netloc} is not checked" in err
    assert CLIENT_SECRET not in "\n".join(lines) + err
    # Check 3 followed Cognito's redirect but never went back to Kong.
    assert stack.kong.requests == [CALLBACK_PATH]
    assert stack.hosted_ui.requests == ["/oauth2/authorize", "/login"]


def test_passes_without_insecure_when_the_certificates_are_trusted(
    stack: Stack, certificates: Certificates, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates.both_cas_file))
    code, lines, err = stack.run(capsys)
    assert code == 0, lines
    assert len(lines) == 3
    assert err == ""


def test_reads_outputs_from_standard_input_as_a_script(
    stack: Stack, certificates: Certificates, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The `-` path and the exit status through the script's own entry point, run in-process
    # (a new interpreter would cost more than the rest of these tests together).
    monkeypatch.setattr(sys, "argv", ["verify.py", "--outputs", "-", "--timeout", "5"])
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(stack.outputs)))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates.both_cas_file))
    with pytest.raises(SystemExit) as exited:
        runpy.run_path(str(ROOT / "verify.py"), run_name="__main__")
    output = capsys.readouterr().out
    assert exited.value.code == 0, output
    assert [line.split(":")[0] for line in output.splitlines()] == [
        "PASS discovery",
        "PASS protected route",
        "PASS hosted UI",
    ]


# --- TLS, connections, timeouts ------------------------------------------------------------------


def test_an_untrusted_certificate_fails_and_suggests_insecure(
    stack: Stack, certificates: Certificates, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cognito's certificate is trusted, the load balancer's self-signed one is not.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates.cognito_ca_file))
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[0].startswith("PASS discovery")
    host = stack.kong.origin.removeprefix("https://")
    assert lines[1].startswith(f"FAIL protected route: TLS certificate not trusted for {host}: ")
    assert lines[1].endswith("; use --insecure for a self-signed certificate")
    assert lines[2] == "FAIL hosted UI: skipped: needs Kong's redirect to the authorization endpoint"


@pytest.mark.parametrize("insecure", [(), ("--insecure",)], ids=["checked", "insecure covers only Kong"])
def test_an_untrusted_discovery_certificate_fails_the_discovery_check(
    stack: Stack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, insecure: tuple[str, ...]
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    code, lines, _ = stack.run(capsys, *insecure)
    assert code == 1
    assert lines[0].startswith("FAIL discovery: TLS certificate not trusted for 127.0.0.1:")
    assert "certificate" in lines[0].split(": ", 2)[2]
    assert lines[1] == "FAIL protected route: skipped: needs the discovery document's authorization_endpoint"
    assert len(failures(lines)) == 3


def test_unreachable_kong_is_a_failed_check(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    origin = closed_origin()
    stack.outputs["protectedUrl"] = origin + CALLBACK_PATH
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[1] == f"FAIL protected route: cannot connect to {origin.removeprefix('https://')}: Connection refused"


def test_unreachable_discovery_is_a_failed_check(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.outputs["discoveryUrl"] = closed_origin() + DISCOVERY_PATH
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[0].startswith("FAIL discovery: cannot connect to 127.0.0.1:")


def test_a_host_that_never_answers_times_out(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    with silent_server() as origin:
        stack.outputs["protectedUrl"] = origin + CALLBACK_PATH
        code, lines, _ = stack.run(capsys, "--timeout", "0.1")
    assert code == 1
    assert lines[1] == f"FAIL protected route: no answer from {origin.removeprefix('https://')} within 0.1 s"


# --- Check 1: discovery --------------------------------------------------------------------------


def test_discovery_that_is_not_json_fails(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.idp.routes[DISCOVERY_PATH] = html_reply(200, "Moved")
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[0].startswith(f"FAIL discovery: the discovery document at {stack.outputs['discoveryUrl']} is not JSON")
    assert "text/html" in lines[0]


def test_discovery_that_is_missing_fails(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    del stack.idp.routes[DISCOVERY_PATH]
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[0].endswith("answered 404 Not Found")


def test_issuer_must_be_the_discovery_url_without_the_well_known_suffix(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    document = stack.discovery() | {"issuer": stack.idp.url("/eu-test-1_Other")}
    stack.idp.routes[DISCOVERY_PATH] = json_reply(document)
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[0] == (
        f'FAIL discovery: issuer is "{stack.idp.url("/eu-test-1_Other")}", expected {stack.idp.url(POOL_PATH)!r}'
    )
    # The other checks only need the authorization endpoint, which is still there.
    assert lines[1].startswith("PASS protected route")


@pytest.mark.parametrize("key", ["authorization_endpoint", "jwks_uri"])
def test_discovery_must_name_its_endpoints(stack: Stack, capsys: pytest.CaptureFixture[str], key: str) -> None:
    document = stack.discovery()
    del document[key]
    stack.idp.routes[DISCOVERY_PATH] = json_reply(document)
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[0] == f"FAIL discovery: no {key}"


def test_jwks_without_keys_fails(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.idp.routes[JWKS_PATH] = json_reply({"keys": []})
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[0] == f"FAIL discovery: the JWKS at {stack.idp.url(JWKS_PATH)} has no keys"


@pytest.mark.parametrize(
    ("keys", "line"),
    [
        ([{"kid": "k0", "use": "sig", "n": "sXch", "e": "AQAB"}], "FAIL discovery: the JWKS at {jwks} has no keys"),
        (
            [{"kid": "k0", "n": "sXch"}, RSA_KEY],
            "PASS discovery: issuer {issuer}, authorization endpoint {ep}, 1 signing key",
        ),
    ],
    ids=["only an entry without kty", "one real key and one without kty"],
)
def test_a_jwks_entry_without_kty_is_not_a_key(
    stack: Stack, capsys: pytest.CaptureFixture[str], keys: list[dict[str, str]], line: str
) -> None:
    # RFC 7517: a JWK without its key type is not a key Kong could verify a token with.
    stack.idp.routes[JWKS_PATH] = json_reply({"keys": keys})
    _, lines, _ = stack.run(capsys)
    expected = line.format(
        jwks=stack.idp.url(JWKS_PATH), issuer=stack.idp.url(POOL_PATH), ep=stack.hosted_ui.url("/oauth2/authorize")
    )
    assert lines[0] == expected


def test_jwks_that_does_not_load_fails(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.idp.routes[JWKS_PATH] = Reply(500)
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[0] == f"FAIL discovery: the JWKS at {stack.idp.url(JWKS_PATH)} answered 500 Internal Server Error"


# --- Check 2: the protected route ----------------------------------------------------------------


def test_a_route_served_without_a_session_fails(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.kong.routes[CALLBACK_PATH] = html_reply(200, "the upstream service")
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[1] == (
        f"FAIL protected route: expected a redirect to sign-in, got 200 OK from {stack.outputs['protectedUrl']}"
        " (no session)"
    )
    assert lines[2].startswith("FAIL hosted UI: skipped")


def test_a_redirect_elsewhere_names_what_differs(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.kong.routes[CALLBACK_PATH] = redirect(stack.idp.url("/oauth2/authorize", {"client_id": CLIENT_ID}))
    code, lines, _ = stack.run(capsys)
    assert code == 1
    expected_port = stack.hosted_ui.origin.rsplit(":", 1)[1]
    actual_port = stack.idp.origin.rsplit(":", 1)[1]
    assert lines[1] == (
        f"FAIL protected route: redirect to {stack.idp.url('/oauth2/authorize')}, not the authorization endpoint "
        f"{stack.hosted_ui.url('/oauth2/authorize')}: port {actual_port} instead of {expected_port}"
    )
    assert stack.idp.requests == [DISCOVERY_PATH, JWKS_PATH]  # the wrong target is not followed


def test_a_redirect_to_another_path_fails(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.kong.routes[CALLBACK_PATH] = redirect(stack.hosted_ui.url("/login", {"client_id": CLIENT_ID}))
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[1].endswith(": path /login instead of /oauth2/authorize")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"client_id": "someone-else"}, f"client_id='someone-else', expected clientId '{CLIENT_ID}'"),
        ({"response_type": "token"}, "response_type='token', expected 'code'"),
        ({"response_type": None}, "no response_type"),
        ({"scope": "email profile"}, "scope='email profile' lacks openid"),
        ({"scope": None}, "no scope"),
    ],
)
def test_the_authorization_request_must_match_the_stack(
    stack: Stack, capsys: pytest.CaptureFixture[str], change: dict[str, str | None], problem: str
) -> None:
    stack.kong.routes[CALLBACK_PATH] = redirect(stack.authorize_url(**change))
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[1] == f"FAIL protected route: redirect to the authorization endpoint with {problem}"


def test_a_wrong_redirect_uri_fails_at_kong_and_at_cognito(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = stack.kong.url("/callback")
    stack.kong.routes[CALLBACK_PATH] = redirect(stack.authorize_url(redirect_uri=wrong))
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[1] == (
        f"FAIL protected route: redirect to the authorization endpoint with redirect_uri={wrong!r}, "
        f"expected redirectUri {stack.callback!r}"
    )
    assert lines[2] == f"FAIL hosted UI: Cognito's error page {stack.hosted_ui.url('/error')} (error=redirect_mismatch)"


def malformed_url(origin: str) -> tuple[str, str]:
    """A redirect's Location to a bad port, with a query carrying a state and a code that must never be printed;
    and what verify may print of it."""
    bad_port = origin.rsplit(":", 1)[0] + ":99999/cb"
    return f"{bad_port}?state=st4te&code=c0de", bad_port


def test_a_malformed_redirect_from_kong_is_printed_without_its_query(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    location, printed = malformed_url(stack.kong.origin)
    stack.kong.routes[CALLBACK_PATH] = redirect(location)
    code, lines, err = stack.run(capsys)
    assert code == 1
    assert lines[1] == f"FAIL protected route: redirect to a malformed URL {printed!r}"
    assert "st4te" not in "\n".join(lines) + err
    assert "c0de" not in "\n".join(lines) + err


# --- Check 3: the hosted UI ----------------------------------------------------------------------


def test_cognito_rejecting_the_callback_fails(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    # Kong asks correctly, but the app client does not list the callback URL.
    stack.hosted_ui.routes["/oauth2/authorize"] = redirect(
        stack.hosted_ui.url("/error", {"error": "redirect_mismatch", "client_id": CLIENT_ID})
    )
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[1].startswith("PASS protected route")
    assert lines[2] == f"FAIL hosted UI: Cognito's error page {stack.hosted_ui.url('/error')} (error=redirect_mismatch)"


def test_cognito_answering_400_fails(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.hosted_ui.routes["/oauth2/authorize"] = html_reply(400, "Bad Request")
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[2] == f"FAIL hosted UI: 400 at {stack.hosted_ui.url('/oauth2/authorize')}"


def test_cognito_sending_the_error_back_to_the_callback_fails(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    back = stack.kong.url(CALLBACK_PATH, {"error": "invalid_scope", "error_description": "openid not allowed"})
    stack.hosted_ui.routes["/oauth2/authorize"] = redirect(back)
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[2] == (
        "FAIL hosted UI: Cognito sent the browser back to redirectUri with error=invalid_scope (openid not allowed)"
    )
    assert stack.kong.requests == [CALLBACK_PATH]


def test_a_malformed_redirect_on_the_hosted_ui_is_printed_without_its_query(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    location, printed = malformed_url(stack.hosted_ui.origin)
    stack.hosted_ui.routes["/oauth2/authorize"] = redirect(location)
    code, lines, err = stack.run(capsys)
    assert code == 1
    assert lines[2] == f"FAIL hosted UI: redirect to a malformed URL {printed!r}"
    assert "st4te" not in "\n".join(lines) + err
    assert "c0de" not in "\n".join(lines) + err


def test_a_redirect_off_cognitos_host_is_not_followed(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.hosted_ui.routes["/oauth2/authorize"] = redirect(stack.kong.url("/elsewhere"))
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[2] == f"FAIL hosted UI: redirect leaves Cognito's host for {stack.kong.url('/elsewhere')}"
    assert stack.kong.requests == [CALLBACK_PATH]


def test_a_redirect_loop_on_cognitos_host_stops(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.hosted_ui.routes["/oauth2/authorize"] = redirect("/loop")
    stack.hosted_ui.routes["/loop"] = redirect("/loop")
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[2] == f"FAIL hosted UI: more than 5 redirects on {stack.hosted_ui.origin.removeprefix('https://')}"
    assert stack.hosted_ui.requests == ["/oauth2/authorize"] + ["/loop"] * 4


def test_a_page_other_than_sign_in_fails(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.hosted_ui.routes["/oauth2/authorize"] = redirect("/maintenance")
    stack.hosted_ui.routes["/maintenance"] = html_reply(200, "Down for maintenance")
    code, lines, _ = stack.run(capsys)
    assert code == 1
    assert lines[2] == f"FAIL hosted UI: 200 at {stack.hosted_ui.url('/maintenance')}, not the sign-in page (/login)"


# --- Outputs (exit 2) ----------------------------------------------------------------------------


def run_with_outputs(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, str]:
    code = verify.main(["--outputs", str(path)])
    captured = capsys.readouterr()
    assert captured.out == ""  # no check runs
    return code, captured.err


def test_a_missing_outputs_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_with_outputs(capsys, tmp_path / "absent.json")
    assert code == 2
    assert err == f"verify.py: cannot read the outputs file {tmp_path / 'absent.json'}: No such file or directory\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "are empty (expected `pulumi stack output --json`)"),
        ("error: no stack selected", "are not JSON: Expecting value"),
        ('["protectedUrl"]', "are a JSON array, not an object of stack outputs"),
        ('{"protectedUrl": "https://lb.example.com/bar"}', "lack redirectUri, discoveryUrl, clientId"),
    ],
)
def test_unusable_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(text)
    code, err = run_with_outputs(capsys, path)
    assert code == 2
    assert f"verify.py: the outputs from {path} {message}" in err


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("clientId", 42, "clientId in the outputs must be a non-empty string, got 42"),
        ("clientId", "", 'clientId in the outputs must be a non-empty string, got ""'),
        ("protectedUrl", "http://lb.example.com/bar", "protectedUrl in the outputs must be an https:// URL"),
        ("redirectUri", "/bar", "redirectUri in the outputs must be an https:// URL"),
        ("discoveryUrl", "https://idp.example.com/pool", "must end with /.well-known/openid-configuration"),
    ],
)
def test_unusable_output_values_are_named(
    stack: Stack, capsys: pytest.CaptureFixture[str], key: str, value: object, message: str
) -> None:
    stack.outputs[key] = value
    code, lines, err = stack.run(capsys)
    assert (code, lines) == (2, [])
    assert message in err


def test_outputs_on_standard_input_lacking_a_key(
    stack: Stack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    del stack.outputs["clientId"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(stack.outputs)))
    assert verify.main(["--outputs", "-"]) == 2
    assert capsys.readouterr().err == "verify.py: the outputs from standard input lack clientId\n"


@pytest.mark.parametrize("timeout", ["0", "-1", "soon", "nan"])
def test_timeout_must_be_a_positive_number(timeout: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        verify.main(["--outputs", "-", "--timeout", timeout])
    assert exit_info.value.code == 2
    assert "--timeout" in capsys.readouterr().err


# --- Pure helpers ----------------------------------------------------------------------------------


def test_endpoint_comparison_ignores_the_query_and_default_port() -> None:
    endpoint = "https://d.auth.eu-west-1.amazoncognito.com/oauth2/authorize"
    with_port_and_query = "https://d.auth.eu-west-1.amazoncognito.com:443/oauth2/authorize?a=1"
    assert url_parts.endpoint_differences(with_port_and_query, endpoint) == []
    assert url_parts.endpoint_differences("http://D.auth.eu-west-1.amazoncognito.com/oauth2/authorize", endpoint) == [
        "scheme http instead of https",
        "port 80 instead of 443",
    ]


def test_scope_must_contain_openid_as_a_word() -> None:
    location = "https://x/oauth2/authorize?response_type=code&client_id=c&redirect_uri=https://a/b&scope=openidx+email"
    assert protected_route.authorization_request_problems(location, "c", "https://a/b") == [
        "scope='openidx email' lacks openid"
    ]
    assert (
        protected_route.authorization_request_problems(location.replace("openidx", "openid"), "c", "https://a/b") == []
    )
