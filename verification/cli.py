"""verify.py's command line: read the outputs, run the checks, print one line per check.

Exit status: 0 when every check passes, 1 when any fails, 2 when the outputs are unusable,
130 after Ctrl-C (or, with --sign-in, SIGTERM) once the test users are deleted.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import signal
import sys
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import replace
from types import FrameType

from urllib3.exceptions import InsecureRequestWarning

from components import urls
from verification.api_route import check_api_route, run_api_token_checks, token_routes
from verification.discovery import check_discovery
from verification.http_client import DEFAULT_TIMEOUT, Client
from verification.identity_providers import check_identity_provider, check_sign_in_with
from verification.outputs import Outputs, OutputsError, read_outputs
from verification.protected_route import check_hosted_ui, check_protected_route
from verification.results import CheckLine
from verification.sign_in_domain import check_certificate
from verification.sign_out import check_sign_out
from verification.url_parts import host

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_OUTPUTS = 2
EXIT_INTERRUPTED = 130


def kong_urls(outputs: Outputs) -> list[str]:
    """The URLs on Kong's proxy: the only ones --insecure applies to."""
    urls = []
    for route in outputs.routes:
        urls.append(route.url)
        if route.sign_out_url:
            urls.append(route.sign_out_url)
    return urls


def run_checks(client: Client, outputs: Outputs) -> Iterator[CheckLine]:
    """Discovery once, the own sign-in domain's certificate, each identity provider once, then each route's checks,
    each yielded as soon as it is done."""
    discovery, authorization_endpoint = check_discovery(client, outputs)
    yield discovery
    if outputs.own_sign_in_domain and outputs.hosted_ui_domain:
        yield check_certificate(outputs.hosted_ui_domain, client.timeout)
        # Kong names the own domain's endpoint itself: the routes must redirect there, whatever discovery says.
        authorization_endpoint = urls.authorization_endpoint(outputs.hosted_ui_domain)
    # Any registered callback URL will do: the provider is asked for nothing, the browser stops at its address.
    callback = outputs.routes[0].redirect_uri
    for provider in outputs.identity_providers:
        yield check_identity_provider(client, provider, outputs.client_id, callback, authorization_endpoint)
    providers = {provider.name: provider for provider in outputs.identity_providers}
    for route in outputs.routes:
        if route.mode == "api":
            yield check_api_route(client, route)
            continue
        protected, authorize_url = check_protected_route(client, route, outputs.client_id, authorization_endpoint)
        yield protected
        if route.sign_in_with is None:
            yield check_hosted_ui(client, route, authorize_url)
        else:
            yield check_sign_in_with(client, route, providers[route.sign_in_with], authorize_url)
        if route.sign_out_url and outputs.hosted_ui_origin:
            yield check_sign_out(client.get, route, outputs.client_id, outputs.hosted_ui_origin, outputs.kong_version)


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
        description="Check that Cognito sign-in guards the protected routes (see `make verify`).",
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
        help="skip the TLS certificate check of the routes' hosts (a load balancer with a self-signed "
        "certificate); Cognito's certificates are still checked",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for each answer (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--sign-in",
        action="store_true",
        help="also sign a throwaway user in through the hosted UI on every browser route, check the session, "
        "sign-out and the group gate, then delete the user (needs AWS credentials for Cognito's admin API); on "
        "api routes, call with machine tokens (needs apiClientSecrets: the outputs read with --show-secrets)",
    )
    return parser.parse_args(argv)


def browser_routes(outputs: Outputs) -> Outputs:
    """The outputs with only the routes a browser signs in on: `browser` and `both`."""
    return replace(outputs, routes=tuple(route for route in outputs.routes if route.mode != "api"))


def check_sign_in_outputs(outputs: Outputs) -> None:
    """What --sign-in needs beyond the other checks."""
    if token_routes(outputs):
        check_api_client_outputs(outputs)
    if not browser_routes(outputs).routes:
        return
    if outputs.user_pool_id is None:
        raise OutputsError("--sign-in needs userPoolId in the outputs")
    if outputs.hosted_ui_domain is None:
        # The password is posted only to this host, never to wherever Kong's redirect points.
        raise OutputsError("--sign-in needs hostedUiDomain in the outputs: the password goes to that host only")
    if outputs.region() is None:
        raise OutputsError(
            f"--sign-in needs awsRegion in the outputs, or a userPoolId that starts with its region "
            f"(like us-west-2_AbC123), got {outputs.user_pool_id!r}"
        )


def check_api_client_outputs(outputs: Outputs) -> None:
    """What --sign-in needs for the routes that take bearer tokens."""
    if outputs.token_url is None or not outputs.api_clients:
        raise OutputsError("--sign-in on api routes needs tokenUrl and apiClients in the outputs")
    if outputs.api_client_secrets is None:
        raise OutputsError(
            "--sign-in on api routes needs apiClientSecrets, a secret output: run it as `make verify "
            "VERIFY_ARGS=--sign-in`, which reads the outputs with `pulumi stack output --json --show-secrets`"
        )


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_ctrl_c(*, enabled: bool) -> Iterator[None]:
    """While enabled, SIGTERM raises KeyboardInterrupt, as Ctrl-C does; the previous handler after.

    Only the main thread may set signal handlers; elsewhere, and for a handler not set from
    Python (getsignal: None, which could not be restored), nothing changes.
    """
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if enabled and on_main_thread else None
    if previous is None:
        yield
        return
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        outputs = read_outputs(args.outputs)
        if args.sign_in:
            check_sign_in_outputs(outputs)
    except OutputsError as error:
        print(f"verify.py: {error}", file=sys.stderr)
        return EXIT_BAD_OUTPUTS
    insecure_urls = kong_urls(outputs) if args.insecure else []
    client = Client(insecure_urls=insecure_urls, timeout=args.timeout)
    all_passed = True

    def report(result: CheckLine) -> None:
        nonlocal all_passed
        print(result.line(), flush=True)
        all_passed = all_passed and result.status != "FAIL"  # a SKIP says why, and fails nothing

    try:
        # Only --sign-in has users to delete: then a CI cancel or `timeout` (SIGTERM) cleans up like Ctrl-C.
        with sigterm_as_ctrl_c(enabled=args.sign_in), warnings.catch_warnings():
            if args.insecure:
                hosts = sorted({host(url) for url in insecure_urls})
                if len(hosts) == 1:
                    print(f"verify.py: --insecure: the TLS certificate of {hosts[0]} is not checked", file=sys.stderr)
                else:
                    joined = ", ".join(hosts)
                    print(f"verify.py: --insecure: the TLS certificates of {joined} are not checked", file=sys.stderr)
                warnings.simplefilter("ignore", InsecureRequestWarning)
            for result in run_checks(client, outputs):
                report(result)
            if args.sign_in:
                run_api_token_checks(client, outputs, report)
            if args.sign_in and browser_routes(outputs).routes:
                # Only --sign-in needs boto3 and Beautiful Soup: plain checks start faster without them.
                from verification.sign_in import run_sign_in

                run_sign_in(client, browser_routes(outputs), report)
    except KeyboardInterrupt:
        # The test users are deleted by then (run_sign_in's cleanup line says so).
        print("verify.py: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        client.close()
    return EXIT_OK if all_passed else EXIT_CHECK_FAILED
