"""Rules for single values that several settings share: hosts, URL paths, Kubernetes names,
HTTP header names, AWS regions and Cognito domain prefixes; and what is wrong with a list or map
setting's JSON value, by its JSON Schema, in words for the person who set it.

Each rule returns what is wrong with the value (what is expected), or None when nothing is; the
parser that calls it names the key.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
# RFC 3986 path characters; '?' and '#' would start a query or fragment.
_URL_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")
_AWS_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
# RFC 9110 field names are tokens: these characters, at least one.
_HTTP_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
MAX_OBJECT_NAME = 253
_OBJECT_NAME = "expected a Kubernetes object name: at most 253 lower-case letters, digits, dots and '-'"
_NAMESPACE_NAME = "expected a Kubernetes namespace name: at most 63 lower-case letters, digits and '-'"
# Cognito refuses prefix domains that contain these words.
DOMAIN_PREFIX_FORBIDDEN_WORDS = ("aws", "amazon", "cognito")
_DOMAIN_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def aws_region_problem(region: str) -> str | None:
    return None if _AWS_REGION.fullmatch(region) else "expected an AWS region code such as 'us-west-2'"


def host_problem(host: str) -> str | None:
    expected = "expected the Kong proxy's public host name, optionally with ':port'"
    if "://" in host:
        return f"{expected}, without a scheme (drop '{host.split('://')[0]}://')"
    if any(ch.isspace() for ch in host):
        return f"{expected}; it must not contain spaces"
    if any(ch in host for ch in "/?#@"):
        return f"{expected}; no path, query, fragment or user info"
    bad_port = f"{expected}; the port must be a number from 1 to 65535"
    try:
        parts = urlsplit(f"//{host}")
        port = parts.port
    except ValueError:  # a bad port, or an unbalanced '[' of an IPv6 address
        return bad_port if "[" not in host else f"{expected}; {host!r} is not a valid [IPv6]:port"
    # urlsplit reads 'host:' (empty port) as no port at all.
    has_port_separator = ":" in host.rsplit("]", 1)[-1]
    if port == 0 or (has_port_separator and port is None):
        return bad_port
    hostname = parts.hostname or ""
    if not _is_ip_address(hostname) and not _is_dns_name(hostname):
        return f"{expected}; {hostname!r} is not a valid DNS name"
    return None


def server_name_problem(name: str) -> str | None:
    """A server's host name or IP address alone (a Redis host): no scheme, port or path (fields of their own)."""
    if _is_ip_address(name) or (name and _is_dns_name(name)):
        return None
    return "expected a host name or IP address alone, without a scheme, port or path (port is a field of its own)"


def _is_ip_address(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def _is_dns_name(hostname: str) -> bool:
    labels = hostname.split(".")
    return len(hostname) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


def url_path_problem(path: str) -> str | None:
    if not path.startswith("/"):
        return "expected a URL path starting with '/', such as '/bar'"
    if "#" in path or "?" in path:
        return "expected a URL path without query ('?') or fragment ('#')"
    if not _URL_PATH.fullmatch(path):
        return "expected a URL path of RFC 3986 characters (no spaces)"
    return None


def object_name_problem(name: str) -> str | None:
    """A Kubernetes object name (a DNS subdomain), such as an Ingress's or a KongPlugin's."""
    if len(name) > MAX_OBJECT_NAME or not _DNS_SUBDOMAIN.fullmatch(name):
        return f"{_OBJECT_NAME}, starting and ending with a letter or digit"
    return None


def namespace_name_problem(name: str) -> str | None:
    """A Kubernetes namespace name (a DNS label)."""
    if len(name) > 63 or not _DNS_LABEL.fullmatch(name):
        return f"{_NAMESPACE_NAME}, starting and ending with a letter or digit"
    return None


def is_http_token(value: str) -> bool:
    """Whether `value` can be an HTTP header name."""
    return bool(_HTTP_TOKEN.fullmatch(value))


def domain_prefix_problem(prefix: str) -> str | None:
    """What keeps Cognito from accepting `prefix` as a hosted-UI domain prefix, or None."""
    if not _DOMAIN_PREFIX.fullmatch(prefix):
        return (
            "expected a Cognito domain prefix: 1 to 63 lower-case letters, digits and '-', "
            "not starting or ending with '-'"
        )
    forbidden = [word for word in DOMAIN_PREFIX_FORBIDDEN_WORDS if word in prefix]
    if forbidden:
        return f"Cognito domain prefixes must not contain {' or '.join(map(repr, forbidden))}"
    return None


NO_SUCH_FILE = "no such file (a path relative to the project's folder, where Pulumi.yaml is)"


def project_file_problem(path: str) -> str | None:
    """A file a setting names must be in the repository: a path relative to the project's folder."""
    if PurePosixPath(path).is_absolute() or Path(path).is_absolute():
        return "expected a path relative to the project's folder (where Pulumi.yaml is), so every checkout finds it"
    return None


def schema_problems(value: Any, schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, what) for each way `value` breaks `schema`; `where` is like "[1].namepace" ("" for the whole)."""
    from jsonschema import Draft202012Validator  # only stacks that set a list or map setting pay for it

    problems = []
    for error in sorted(Draft202012Validator(schema).iter_errors(value), key=lambda error: list(error.path)):
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.path)
        if error.validator == "additionalProperties" and "properties" in error.schema:
            known = error.schema["properties"]
            for field in sorted(set(error.instance) - set(known)):
                problems.append((f"{where}.{field}", f"unknown field (expected one of {', '.join(known)})"))
        elif error.validator == "required":
            missing = [field for field in error.validator_value if field not in error.instance]
            problems += [(f"{where}.{field}", "this field is required") for field in missing]
        else:
            # Each schema node describes what it expects; the validator's own wording is for developers.
            problems.append((where, str(error.schema.get("description", error.message))))
    return problems
