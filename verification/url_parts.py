"""Taking URLs apart and comparing them, for the checks (components/urls.py builds the product's URLs)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit, urlunsplit

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

Origin = tuple[str, str, int | None]


def is_https_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises on a malformed port
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname)


def origin(url: str) -> Origin:
    """Scheme, host and port with the scheme's default port filled in; ValueError if malformed."""
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or ""), parts.port or default


def host(url: str) -> str:
    return urlsplit(url).netloc


def without_query(url: str) -> str:
    """The URL as it may be printed: queries can carry codes and tokens."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def cut_at_query(url: str) -> str:
    """A URL that may not parse, as it may be printed: cut at its query and fragment by hand (they can carry
    codes and state; without_query would parse it)."""
    return url.split("?", 1)[0].split("#", 1)[0]


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


def query_values(url: str, name: str) -> list[str]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True).get(name, [])


def first_query_value(url: str, name: str) -> str | None:
    values = query_values(url, name)
    return values[0] if values else None


def path(url: str) -> str:
    return urlsplit(url).path or "/"
