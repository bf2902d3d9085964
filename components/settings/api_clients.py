"""The `apiClients` and `apiIdentifier` settings (how they bound the routes' `mode` and `scopes`: cross_key_rules.py).

Cognito's rules below are those of botocore's cognito-idp model (tests/program/test_vendor_schemas.py
checks them against it): a machine client gets a token for scopes `<apiIdentifier>/<scope>` of one
resource server, and Kong lets a token through an `api` route only if it carries the route's scopes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from components.settings.field_rules import schema_problems
from components.settings.model import ApiClient, Parsed, RawSetting, Route, parse_json, show_value

# botocore's patterns, in Java's syntax: `\w` and `\s` are ASCII there, hence re.ASCII.
SCOPE_NAME_PATTERN = "[\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+"  # ResourceServerScopeNameType
IDENTIFIER_PATTERN = "[\\x21\\x23-\\x5B\\x5D-\\x7E]+"  # ResourceServerIdentifierType
CLIENT_NAME_PATTERN = "[\\w\\s+=,.@-]+"  # ClientNameType
MAX_SCOPE_NAME = 256
MAX_IDENTIFIER = 256
MAX_CLIENT_NAME = 128
MAX_FULL_SCOPE = 256
"""ScopeType: a client's allowed scope `<identifier>/<scope>` as a whole."""
MAX_SCOPES_PER_RESOURCE_SERVER = 100  # ResourceServerScopeListType
MAX_SCOPES_PER_CLIENT = 50  # ScopeListType (AllowedOAuthScopes)

_SCOPE_NAME = re.compile(SCOPE_NAME_PATTERN, re.ASCII)
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN, re.ASCII)
_CLIENT_NAME = re.compile(CLIENT_NAME_PATTERN, re.ASCII)

_API_CLIENTS_SCHEMA = {
    "type": "array",
    "description": 'expected a list of machine clients, such as [{"name": "billing-job", "scopes": ["orders.read"]}]',
    "items": {
        "type": "object",
        "required": ["name", "scopes"],
        "additionalProperties": False,
        "description": 'expected an object such as {"name": "billing-job", "scopes": ["orders.read"]}',
        "properties": {
            "name": {"type": "string", "description": "expected a string"},
            "scopes": {
                "type": "array",
                "items": {"type": "string"},
                "description": 'expected a list of scope names, such as ["orders.read"]',
            },
        },
    },
}


def parse_api_clients(setting: RawSetting) -> Parsed[tuple[ApiClient, ...]]:
    raw = setting.raw
    if raw is None or raw.strip() in ("", "[]"):
        return (), []
    entries, is_json = parse_json(raw)
    if not is_json:
        return None, [setting.problem(str(_API_CLIENTS_SCHEMA["description"]))]
    # dict.fromkeys: jsonschema reports each missing field of an entry once per missing field.
    structure = list(dict.fromkeys(schema_problems(entries, _API_CLIENTS_SCHEMA)))
    if structure:
        return None, [setting.problem("; ".join(f"{where}: {what}" if where else what for where, what in structure))]
    problems: list[str] = []
    clients: list[ApiClient] = []
    for index, entry in enumerate(entries):
        name, scopes = entry["name"], entry["scopes"]
        if not (1 <= len(name) <= MAX_CLIENT_NAME and _CLIENT_NAME.fullmatch(name)):
            problems.append(
                f"[{index}].name {show_value(name)}: expected 1 to {MAX_CLIENT_NAME} letters, digits, spaces "
                "or + = , . @ _ - (Cognito's app client names)"
            )
        elif name in (client.name for client in clients):
            problems.append(f"[{index}].name {show_value(name)}: another client has this name")
        problems += [f"[{index}].scopes: {problem}" for problem in _scope_problems(scopes)]
        clients.append(ApiClient(name=name, scopes=tuple(scopes)))
    every_scope = {scope for client in clients for scope in client.scopes}
    if len(every_scope) > MAX_SCOPES_PER_RESOURCE_SERVER:
        problems.append(
            f"{len(every_scope)} different scopes: a Cognito resource server holds at most "
            f"{MAX_SCOPES_PER_RESOURCE_SERVER}"
        )
    if problems:
        return None, [setting.problem("; ".join(problems))]
    return tuple(clients), []


def _scope_problems(scopes: Sequence[str]) -> list[str]:
    problems = []
    if not scopes:
        # Cognito issues a machine token only for scopes the client holds: without one it is useless.
        problems.append("a machine client needs at least one scope")
    if len(scopes) > MAX_SCOPES_PER_CLIENT:
        problems.append(f"a Cognito app client holds at most {MAX_SCOPES_PER_CLIENT} scopes")
    for scope in scopes:
        if not (1 <= len(scope) <= MAX_SCOPE_NAME and _SCOPE_NAME.fullmatch(scope)):
            problems.append(
                f"{show_value(scope)} is not a Cognito scope name: 1 to {MAX_SCOPE_NAME} printable ASCII "
                "characters without spaces, '\"', '/' or '\\'"
            )
    if len(set(scopes)) != len(scopes):
        problems.append("each scope once")
    return problems


def parse_api_identifier(setting: RawSetting) -> Parsed[str]:
    """None: `https://<first route's host>` once there are api clients (load.py)."""
    identifier = setting.raw
    if identifier is None or identifier == "":
        return None, []
    if not (1 <= len(identifier) <= MAX_IDENTIFIER and _IDENTIFIER.fullmatch(identifier)):
        return None, [
            setting.problem(
                f"expected a Cognito resource server identifier such as 'https://api.example.com': 1 to "
                f"{MAX_IDENTIFIER} printable ASCII characters without spaces, '\"' or '\\'"
            )
        ]
    return identifier, []


def default_api_identifier(routes: Sequence[Route]) -> str:
    return f"https://{routes[0].host}"
