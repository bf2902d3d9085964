"""Check a deployed stack: Cognito's discovery, Kong's redirect to sign-in, and the hosted UI.

Usage: pulumi stack output --json | python verify.py --outputs - [--insecure] [--timeout SECONDS]

--insecure skips the certificate check for the Kong proxy only (the workshop's load balancer
has a self-signed certificate); Cognito's endpoints are always checked.

Prints one PASS or FAIL line per check. Exit status: 0 when every check passes, 1 when any
fails, 2 when the outputs are unusable.
"""

from __future__ import annotations

import argparse
import json
import math
import ssl
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

import requests
from urllib3.exceptions import InsecureRequestWarning

WELL_KNOWN_OPENID_CONFIGURATION = "/.well-known/openid-configuration"
URL_KEYS = ("protectedUrl", "redirectUri", "discoveryUrl")
REQUIRED_KEYS = (*URL_KEYS, "clientId")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Cognito's authorize endpoint redirects once to /login; a few more hops leave room, a loop does not.
MAX_HOSTED_UI_HOPS = 5
SIGN_IN_PATHS = frozenset({"/login", "/oauth2/authorize"})
DEFAULT_TIMEOUT = 10.0
# Some gateways answer scripts with 401 and only browsers with a redirect.
BROWSER_HEADERS = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_OUTPUTS = 2


class OutputsError(Exception):
    """The stack outputs cannot be used (exit 2)."""


class FetchError(Exception):
    """A request got no HTTP answer: connection, timeout or TLS failure."""


@dataclass(frozen=True)
class Outputs:
    protected_url: str
    redirect_uri: str
    discovery_url: str
    client_id: str


@dataclass(frozen=True)
class Result:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.name}: {self.detail}"


@dataclass(frozen=True)
class Step:
    """What one hosted-UI answer means: follow `url`, or stop with a verdict."""

    passed: bool | None  # None: follow `url`
    detail: str = ""
    url: str = ""


# --- Outputs --------------------------------------------------------------------------------------


def parse_outputs(text: str, source: str) -> Outputs:
    """The four values this script needs from `pulumi stack output --json`."""
    if not text.strip():
        raise OutputsError(f"the outputs from {source} are empty (expected `pulumi stack output --json`)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise OutputsError(f"the outputs from {source} are not JSON: {error}") from error
    if not isinstance(data, dict):
        raise OutputsError(f"the outputs from {source} are a JSON {json_kind(data)}, not an object of stack outputs")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise OutputsError(f"the outputs from {source} lack {', '.join(missing)}")
    for key in REQUIRED_KEYS:
        value = data[key]
        if not isinstance(value, str) or not value:
            raise OutputsError(f"{key} in the outputs must be a non-empty string, got {json.dumps(value)}")
    for key in URL_KEYS:
        if not is_https_url(data[key]):
            raise OutputsError(f"{key} in the outputs must be an https:// URL, got {json.dumps(data[key])}")
    if not data["discoveryUrl"].endswith(WELL_KNOWN_OPENID_CONFIGURATION):
        raise OutputsError(f"discoveryUrl in the outputs must end with {WELL_KNOWN_OPENID_CONFIGURATION}")
    return Outputs(data["protectedUrl"], data["redirectUri"], data["discoveryUrl"], data["clientId"])


def json_kind(value: Any) -> str:
    kinds = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}
    return kinds.get(type(value), "object")


def read_outputs(path: str) -> Outputs:
    source = "standard input" if path == "-" else path
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as file:
                text = file.read()
    except OSError as error:
        raise OutputsError(f"cannot read the outputs file {path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise OutputsError(f"the outputs from {source} are not UTF-8 text") from error
    return parse_outputs(text, source)


# --- URLs -----------------------------------------------------------------------------------------


def is_https_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises on a malformed port
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname)


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port with the scheme's default port filled in; ValueError if malformed."""
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or ""), parts.port or default


def without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def endpoint_differences(actual: str, expected: str) -> list[str]:
    """How `actual` differs from `expected` in scheme, host, port or path (the query is ignored)."""
    got, want = urlsplit(actual), urlsplit(expected)
    (got_scheme, got_host, got_port), (want_scheme, want_host, want_port) = origin(actual), origin(expected)
    differences = []
    if got_scheme != want_scheme:
        differences.append(f"scheme {got_scheme or '(none)'} instead of {want_scheme}")
    if got_host != want_host:
        differences.append(f"host {got_host or '(none)'} instead of {want_host}")
    if got_port != want_port:
        differences.append(f"port {got_port} instead of {want_port}")
    if (got.path or "/") != (want.path or "/"):
        differences.append(f"path {got.path or '/'} instead of {want.path or '/'}")
    return differences


def authorization_request_problems(location: str, client_id: str, redirect_uri: str) -> list[str]:
    """What is wrong with the query Kong put on its redirect to the authorization endpoint."""
    query = parse_qs(urlsplit(location).query, keep_blank_values=True)
    problems = []

    def single(name: str) -> str | None:
        values = query.get(name, [])
        if not values:
            problems.append(f"no {name}")
            return None
        if len(values) > 1:
            problems.append(f"{name} given {len(values)} times")
            return None
        return values[0]

    response_type = single("response_type")
    if response_type is not None and response_type != "code":
        problems.append(f"response_type={response_type!r}, expected 'code'")
    got_client_id = single("client_id")
    if got_client_id is not None and got_client_id != client_id:
        problems.append(f"client_id={got_client_id!r}, expected clientId {client_id!r}")
    got_redirect_uri = single("redirect_uri")
    if got_redirect_uri is not None and got_redirect_uri != redirect_uri:
        problems.append(f"redirect_uri={got_redirect_uri!r}, expected redirectUri {redirect_uri!r}")
    scope = single("scope")
    if scope is not None and "openid" not in scope.split():
        problems.append(f"scope={scope!r} lacks openid")
    return problems


def hosted_ui_step(status: int, url: str, location: str | None, authorize_url: str, redirect_uri: str) -> Step:
    """Judge one answer from the hosted UI at `url`: pass, fail, or follow a redirect on Cognito's host."""
    if status in REDIRECT_STATUSES:
        if not location:
            return Step(False, f"{status} without a Location header at {without_query(url)}")
        target = urljoin(url, location)
        try:
            same_host = origin(target) == origin(authorize_url)
            back_to_app = not endpoint_differences(target, redirect_uri)
        except ValueError:
            return Step(False, f"redirect to a malformed URL {location!r}")
        if back_to_app:
            error = first_query_value(target, "error")
            if error is not None:
                description = first_query_value(target, "error_description")
                suffix = f" ({description})" if description else ""
                return Step(False, f"Cognito sent the browser back to redirectUri with error={error}{suffix}")
            return Step(False, "Cognito sent the browser back to redirectUri without showing the sign-in page")
        if not same_host:
            return Step(False, f"redirect leaves Cognito's host for {without_query(target)}")
        return Step(None, url=target)
    path = urlsplit(url).path
    if path == "/error":
        return Step(False, error_page_detail(url))
    if status == 200 and path in SIGN_IN_PATHS:
        return Step(True, f"sign-in page at {without_query(url)}")
    if status == 200:
        return Step(False, f"200 at {without_query(url)}, not the sign-in page (/login)")
    return Step(False, f"{status} at {without_query(url)}")


def error_page_detail(url: str) -> str:
    error = first_query_value(url, "error")
    reason = f"error={error}" if error is not None else "no error code given"
    return f"Cognito's error page {without_query(url)} ({reason})"


def first_query_value(url: str, name: str) -> str | None:
    values = parse_qs(urlsplit(url).query, keep_blank_values=True).get(name)
    return values[0] if values else None


# --- HTTP -----------------------------------------------------------------------------------------


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it wraps: requests and urllib3 nest the real reason several levels deep."""
    seen: list[BaseException] = []
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if any(current is known for known in seen):
            continue
        seen.append(current)
        nested = [getattr(current, "reason", None), current.__cause__, current.__context__, *current.args]
        pending.extend(item for item in nested if isinstance(item, BaseException))
    return seen


def describe_request_error(error: requests.RequestException, url: str, timeout: float) -> str:
    host = urlsplit(url).netloc
    causes = _causes(error)
    if isinstance(error, requests.Timeout) or any(isinstance(cause, TimeoutError) for cause in causes):
        return f"no answer from {host} within {timeout:g} s"
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = str(cause.verify_message or cause.reason or cause).rstrip(".")
            return f"TLS certificate not trusted for {host}: {reason}; use --insecure for a self-signed certificate"
    if isinstance(error, requests.exceptions.SSLError):
        reasons = [cause for cause in causes if isinstance(cause, ssl.SSLError)]
        reason = (reasons[-1].reason or str(reasons[-1])) if reasons else str(error)
        return f"TLS handshake with {host} failed: {reason}"
    if isinstance(error, requests.ConnectionError):
        system_errors = [cause for cause in causes if isinstance(cause, OSError) and cause.strerror]
        reason = str(system_errors[-1].strerror) if system_errors else str(error)
        return f"cannot connect to {host}: {reason}"
    return f"request to {host} failed: {error}"


class Client:
    """GETs that never follow redirects and turn network failures into FetchError.

    `insecure_url`: certificates of that URL's origin (Kong's proxy) are not checked;
    Cognito's always are.
    """

    def __init__(self, *, insecure_url: str | None, timeout: float) -> None:
        self.session = requests.Session()
        self.session.headers.update(BROWSER_HEADERS)
        self.insecure_origin = origin(insecure_url) if insecure_url else None
        self.timeout = timeout

    def get(self, url: str) -> requests.Response:
        verify = origin(url) != self.insecure_origin
        try:
            return self.session.get(url, allow_redirects=False, timeout=self.timeout, verify=verify)
        except requests.RequestException as error:
            raise FetchError(describe_request_error(error, url, self.timeout)) from error

    def close(self) -> None:
        self.session.close()


def status_text(response: requests.Response) -> str:
    return f"{response.status_code} {response.reason}".strip()


def load_json(client: Client, url: str, what: str) -> Any:
    """Fetch `url` and decode JSON; FetchError with the evidence otherwise."""
    response = client.get(url)
    if response.status_code != 200:
        raise FetchError(f"{what} at {url} answered {status_text(response)}")
    try:
        return response.json()
    except ValueError as error:
        start = " ".join(response.text[:60].split())
        content_type = response.headers.get("Content-Type", "no Content-Type")
        raise FetchError(f"{what} at {url} is not JSON ({content_type}; starts {start!r})") from error


def count_keys(jwks: Any) -> int:
    """Keys in a JWK Set: objects with a key type (RFC 7517 requires `kty`)."""
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        return 0
    return sum(1 for key in keys if isinstance(key, dict) and "kty" in key)


# --- Checks ---------------------------------------------------------------------------------------


def check_discovery(client: Client, outputs: Outputs) -> tuple[Result, str | None]:
    """Check 1; also returns the authorization endpoint when the document names a usable one."""
    name = "discovery"
    try:
        document = load_json(client, outputs.discovery_url, "the discovery document")
    except FetchError as error:
        return Result(name, False, str(error)), None
    if not isinstance(document, dict):
        return Result(name, False, f"the discovery document at {outputs.discovery_url} is not a JSON object"), None

    problems = []
    expected_issuer = outputs.discovery_url.removesuffix(WELL_KNOWN_OPENID_CONFIGURATION)
    issuer = document.get("issuer")
    if issuer != expected_issuer:
        problems.append(f"issuer is {json.dumps(issuer)}, expected {expected_issuer!r}")
    endpoints: dict[str, str | None] = {}
    for key in ("authorization_endpoint", "jwks_uri"):
        value = document.get(key)
        endpoints[key] = value if isinstance(value, str) and is_https_url(value) else None
        if key not in document:
            problems.append(f"no {key}")
        elif endpoints[key] is None:
            problems.append(f"{key} is {json.dumps(value)}, not an https:// URL")

    jwks_uri = endpoints["jwks_uri"]
    key_count = 0
    if jwks_uri is not None:
        try:
            jwks = load_json(client, jwks_uri, "the JWKS")
        except FetchError as error:
            problems.append(str(error))
        else:
            key_count = count_keys(jwks)
            if key_count == 0:
                problems.append(f"the JWKS at {jwks_uri} has no keys")

    authorization_endpoint = endpoints["authorization_endpoint"]
    if problems:
        return Result(name, False, "; ".join(problems)), authorization_endpoint
    plural = "" if key_count == 1 else "s"
    detail = f"issuer {issuer}, authorization endpoint {authorization_endpoint}, {key_count} signing key{plural}"
    return Result(name, True, detail), authorization_endpoint


def check_protected_route(
    client: Client, outputs: Outputs, authorization_endpoint: str | None
) -> tuple[Result, str | None]:
    """Check 2; also returns Kong's redirect target when it is the authorization endpoint."""
    name = "protected route"
    if authorization_endpoint is None:
        return Result(name, False, "skipped: needs the discovery document's authorization_endpoint"), None
    try:
        response = client.get(outputs.protected_url)
    except FetchError as error:
        return Result(name, False, str(error)), None
    if response.status_code not in REDIRECT_STATUSES:
        return Result(
            name,
            False,
            f"expected a redirect to sign-in, got {status_text(response)} from {outputs.protected_url} (no session)",
        ), None
    location = response.headers.get("Location")
    if not location:
        return Result(name, False, f"{status_text(response)} without a Location header"), None
    target = urljoin(outputs.protected_url, location)
    try:
        differences = endpoint_differences(target, authorization_endpoint)
    except ValueError:
        return Result(name, False, f"redirect to a malformed URL {location!r}"), None
    if differences:
        return Result(
            name,
            False,
            f"redirect to {without_query(target)}, not the authorization endpoint {authorization_endpoint}: "
            + ", ".join(differences),
        ), None
    problems = authorization_request_problems(target, outputs.client_id, outputs.redirect_uri)
    if problems:
        return Result(name, False, f"redirect to the authorization endpoint with {'; '.join(problems)}"), target
    scope = first_query_value(target, "scope")
    return Result(
        name,
        True,
        f"{response.status_code} to {authorization_endpoint} with response_type=code, "
        f"clientId, redirectUri and scope {scope!r}",
    ), target


def check_hosted_ui(client: Client, outputs: Outputs, authorize_url: str | None) -> Result:
    """Check 3: follow Kong's redirect on Cognito's host only, up to the sign-in page."""
    name = "hosted UI"
    if authorize_url is None:
        return Result(name, False, "skipped: needs Kong's redirect to the authorization endpoint")
    url = authorize_url
    for _ in range(MAX_HOSTED_UI_HOPS):
        try:
            response = client.get(url)
        except FetchError as error:
            return Result(name, False, str(error))
        step = hosted_ui_step(
            response.status_code, url, response.headers.get("Location"), authorize_url, outputs.redirect_uri
        )
        if step.passed is not None:
            return Result(name, step.passed, step.detail)
        url = step.url
    return Result(name, False, f"more than {MAX_HOSTED_UI_HOPS} redirects on {urlsplit(authorize_url).netloc}")


def run_checks(outputs: Outputs, *, insecure: bool, timeout: float) -> Iterator[Result]:
    """The three checks in order, each yielded as soon as it is done."""
    client = Client(insecure_url=outputs.protected_url if insecure else None, timeout=timeout)
    try:
        discovery, authorization_endpoint = check_discovery(client, outputs)
        yield discovery
        protected, authorize_url = check_protected_route(client, outputs, authorization_endpoint)
        yield protected
        yield check_hosted_ui(client, outputs, authorize_url)
    finally:
        client.close()


# --- Command line ---------------------------------------------------------------------------------


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="verify.py",
        description="Check that Cognito sign-in guards the protected route (see `make verify`).",
    )
    parser.add_argument(
        "--outputs",
        required=True,
        metavar="FILE",
        help="JSON from `pulumi stack output --json`; - reads standard input",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="skip the TLS certificate check of protectedUrl's host (a load balancer with a self-signed "
        "certificate); Cognito's certificates are still checked",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for each answer (default {DEFAULT_TIMEOUT:g})",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        outputs = read_outputs(args.outputs)
    except OutputsError as error:
        print(f"verify.py: {error}", file=sys.stderr)
        return EXIT_BAD_OUTPUTS
    with warnings.catch_warnings():
        if args.insecure:
            host = urlsplit(outputs.protected_url).netloc
            print(f"verify.py: --insecure: the TLS certificate of {host} is not checked", file=sys.stderr)
            warnings.simplefilter("ignore", InsecureRequestWarning)
        all_passed = True
        for result in run_checks(outputs, insecure=args.insecure, timeout=args.timeout):
            print(result.line(), flush=True)
            all_passed = all_passed and result.passed
    return EXIT_OK if all_passed else EXIT_CHECK_FAILED


if __name__ == "__main__":
    sys.exit(main())
