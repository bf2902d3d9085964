"""Requests that never follow redirects by themselves and turn network failures into FetchError."""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urljoin

import requests

from verification.results import CheckFailedError
from verification.url_parts import REDIRECT_STATUSES, Origin, cut_at_query, host, origin, without_query

DEFAULT_TIMEOUT = 10.0
# Some gateways answer scripts with 401 and only browsers with a redirect.
BROWSER_HEADERS = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


class FetchError(Exception):
    """A request got no HTTP answer: connection, timeout or TLS failure."""


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
    where = host(url)
    causes = _causes(error)
    if isinstance(error, requests.Timeout) or any(isinstance(cause, TimeoutError) for cause in causes):
        return f"no answer from {where} within {timeout:g} s"
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = str(cause.verify_message or cause.reason or cause).rstrip(".")
            return f"TLS certificate not trusted for {where}: {reason}; use --insecure for a self-signed certificate"
    if isinstance(error, requests.exceptions.SSLError):
        reasons = [cause for cause in causes if isinstance(cause, ssl.SSLError)]
        reason = (reasons[-1].reason or str(reasons[-1])) if reasons else str(error)
        return f"TLS handshake with {where} failed: {reason}"
    if isinstance(error, requests.ConnectionError):
        system_errors = [cause for cause in causes if isinstance(cause, OSError) and cause.strerror]
        reason = str(system_errors[-1].strerror) if system_errors else str(error)
        return f"cannot connect to {where}: {reason}"
    return f"request to {where} failed: {error}"


class Client:
    """GETs and POSTs that never follow redirects.

    `insecure_urls`: certificates of those URLs' origins (Kong's proxy) are not checked;
    Cognito's always are.
    """

    def __init__(self, *, insecure_urls: Iterable[str] = (), timeout: float = DEFAULT_TIMEOUT) -> None:
        self.session = self.new_session()
        self.insecure_origins = {origin(url) for url in insecure_urls}
        self.timeout = timeout

    @staticmethod
    def new_session() -> requests.Session:
        session = requests.Session()
        session.headers.update(BROWSER_HEADERS)
        return session

    def request(
        self,
        method: str,
        url: str,
        *,
        data: Mapping[str, str] | list[tuple[str, str]] | None = None,
        session: requests.Session | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        try:
            verify = origin(url) not in self.insecure_origins
        except ValueError as error:  # e.g. a redirect to "https://[::1/cb": the URL does not parse
            raise FetchError(f"not a valid URL: {cut_at_query(url)} ({error})") from None
        options: dict[str, Any] = {"allow_redirects": False, "timeout": self.timeout, "verify": verify}
        try:
            return (session or self.session).request(method, url, data=data, headers=headers, **options)
        except requests.RequestException as error:
            raise FetchError(describe_request_error(error, url, self.timeout)) from error

    def get(self, url: str) -> requests.Response:
        return self.request("GET", url)

    def close(self) -> None:
        self.session.close()


class Browser:
    """A user's browser for --sign-in: one cookie jar per origin (scheme, host, port), no scripts.

    Browsers scope cookies by host, not port; per origin is the same for Kong and Cognito on
    their own hosts, and keeps local stand-ins on one address apart.
    """

    def __init__(self, client: Client) -> None:
        self.client = client
        self.sessions: dict[Origin, requests.Session] = {}

    def _session(self, url: str) -> requests.Session:
        key = origin(url)
        if key not in self.sessions:
            self.sessions[key] = Client.new_session()
        return self.sessions[key]

    def get(self, url: str) -> requests.Response:
        return self.client.request("GET", url, session=self._session(url))

    def post(self, url: str, data: list[tuple[str, str]], referer: str) -> requests.Response:
        return self.client.request("POST", url, data=data, session=self._session(url), headers={"Referer": referer})

    def cookie(self, url: str, name: str) -> str | None:
        value = self._session(url).cookies.get(name)
        return value if isinstance(value, str) else None

    def with_cookies_of(self, url: str) -> Browser:
        """A new browser holding only the cookies this one has for `url`'s origin."""
        other = Browser(self.client)
        other._session(url).cookies.update(self._session(url).cookies)
        return other

    def close(self) -> None:
        for session in self.sessions.values():
            session.close()


def status_text(response: requests.Response) -> str:
    return f"{response.status_code} {response.reason}".strip()


def redirect_target(response: requests.Response, url: str) -> str | None:
    """The absolute URL a redirect from `url` points to; None for any other answer.

    CheckFailedError for a redirect without a Location, or to a URL that cannot be parsed
    (e.g. a bad port), so that callers can compare origins safely.
    """
    if response.status_code not in REDIRECT_STATUSES:
        return None
    location = response.headers.get("Location")
    if not location:
        raise CheckFailedError(f"{status_text(response)} without a Location header at {without_query(url)}")
    target = location
    try:
        target = urljoin(url, location)
        origin(target)
    except ValueError:
        raise CheckFailedError(
            f"redirect to a malformed URL {cut_at_query(target)!r} from {without_query(url)}"
        ) from None
    return target


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
