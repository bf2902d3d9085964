"""The `identityProviders` setting: the company identity providers Cognito federates.

First the structure (jsonschema), then Cognito's rules for each field (identity_provider_rules.py),
then the rules across entries (each name and identifier once).

No message shows a field's value, only where it is (names of fields and attributes): `pulumi
config set --secret --path 'identityProviders[0].clientSecret'` makes the whole key a secret, and
Pulumi masks only exact copies of a secret in what the program prints, not a part or an escaped copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from components.naming import PROJECT
from components.settings.field_rules import schema_problems
from components.settings.identity_provider_rules import (
    MAX_IDENTIFIERS,
    attribute_problems,
    https_url_problem,
    identifier_problems,
    name_problems,
    read_saml_metadata,
    scopes_problem,
)
from components.settings.model import IdentityProvider, Parsed, RawSetting, parse_json
from components.vocabulary import PROVIDER_TYPES, ProviderType

KEY = f"{PROJECT}:identityProviders"

DEFAULT_OIDC_SCOPES = ("openid", "email", "profile")
GOOGLE_SCOPES = ("openid", "email", "profile")
DEFAULT_ATTRIBUTES_REQUEST_METHOD = "GET"

COMMON_FIELDS = ("name", "type", "attributes", "groupsAttribute", "identifiers")
FIELDS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "SAML": ("metadataUrl", "metadataFile"),
    "OIDC": ("issuer", "clientId", "clientSecret", "scopes", "attributesRequestMethod"),
    "Google": ("clientId", "clientSecret"),
}
REQUIRED_BY_TYPE: dict[str, tuple[str, ...]] = {
    "SAML": ("attributes",),  # and metadataUrl or metadataFile
    "OIDC": ("issuer", "clientId", "clientSecret"),
    "Google": ("clientId", "clientSecret"),
}

_STRING = {"type": "string", "description": "expected a string"}
_STRINGS = {"type": "array", "items": _STRING, "description": "expected a list of strings"}
# Every node has a description: jsonschema's own messages quote the value, which may be a secret.
_SCHEMA = {
    "type": "array",
    "description": "expected a list of identity providers, such as [{name: Okta, type: OIDC, issuer: ...}]",
    "items": {
        "type": "object",
        "required": ["name", "type"],
        "additionalProperties": False,
        "description": "expected an object such as {name: Okta, type: OIDC, issuer: ...}",
        "properties": {
            "name": _STRING,
            "type": {"enum": list(PROVIDER_TYPES), "description": f"expected one of {', '.join(PROVIDER_TYPES)}"},
            "metadataUrl": _STRING,
            "metadataFile": _STRING,
            "issuer": _STRING,
            "clientId": _STRING,
            "clientSecret": _STRING,
            "scopes": _STRINGS,
            "attributesRequestMethod": {"enum": ["GET", "POST"], "description": "expected GET or POST"},
            "attributes": {
                "type": "object",
                "additionalProperties": _STRING,
                "description": "expected a map from the pool's attribute to the provider's, such as {email: email}",
            },
            "groupsAttribute": _STRING,
            "identifiers": {
                **_STRINGS,
                "maxItems": MAX_IDENTIFIERS,
                "description": f"expected a list of at most {MAX_IDENTIFIERS} identifiers, such as [example.com]",
            },
        },
    },
}


def parse_identity_providers(setting: RawSetting, project_dir: Path) -> Parsed[tuple[IdentityProvider, ...]]:
    """The providers, or None and what is wrong with them.

    A client secret must be encrypted, and so the whole key (`setting.secret`). A SAML metadata
    file is read relative to `project_dir`.
    """
    if setting.raw is None:
        return (), []
    entries, is_json = parse_json(setting.raw)
    if not is_json:
        return None, [f"{KEY}: {_SCHEMA['description']}"]
    structure = schema_problems(entries, _SCHEMA)
    found = [f"{KEY}{where}: {what}" for where, what in structure]
    if any(not where for where, _ in structure):  # not a list
        return None, found
    # Entries that are not objects of known, well-typed fields with a name and type are not read further.
    malformed = {int(where[1:].split("]")[0]) for where, _ in structure}
    providers: list[IdentityProvider] = []
    for index, entry in enumerate(entries):
        if index not in malformed:
            provider, problems = _provider(entry, f"{KEY}[{index}]", setting.secret, project_dir)
            found += problems
            if provider is not None:
                providers.append(provider)
    found += _repeated(entries, malformed)
    return (None, found) if found else (tuple(providers), [])


def _provider(entry: Mapping[str, Any], where: str, secret: bool, project_dir: Path) -> Parsed[IdentityProvider]:
    """One entry's provider, or None and its problems."""
    found: list[str] = []
    type_: ProviderType = entry["type"]
    found += [f"{where}.name: {problem}" for problem in name_problems(entry["name"], type_)]
    allowed = (*COMMON_FIELDS, *FIELDS_BY_TYPE[type_])
    found += [
        f"{where}.{field}: not a field of {type_} providers (theirs: {', '.join(allowed)})"
        for field in entry
        if field not in allowed
    ]
    found += [
        f"{where}.{field}: required for {type_} providers" for field in REQUIRED_BY_TYPE[type_] if field not in entry
    ]

    details, problems = (
        _saml_details(entry, where, project_dir) if type_ == "SAML" else _oauth_details(entry, type_, where, secret)
    )
    found += problems
    attributes = entry.get("attributes", {"email": "email"})
    found += [f"{where}.attributes{problem}" for problem in attribute_problems(attributes)]
    groups_attribute = entry.get("groupsAttribute")
    if groups_attribute is not None and not groups_attribute.strip():
        found.append(f"{where}.groupsAttribute: expected the name of the provider's attribute that lists the groups")
    identifiers = entry.get("identifiers", [])
    found += [f"{where}.identifiers{problem}" for problem in identifier_problems(identifiers)]

    if found:
        return None, found
    provider = IdentityProvider(
        name=entry["name"],
        type=type_,
        provider_details=tuple(details.items()),
        attribute_mapping=tuple(attributes.items()),
        groups_attribute=groups_attribute,
        identifiers=tuple(identifiers),
        metadata_url=entry.get("metadataUrl"),
        issuer=entry.get("issuer"),
        client_secret=entry.get("clientSecret"),
    )
    return provider, []


def _saml_details(entry: Mapping[str, Any], where: str, project_dir: Path) -> tuple[dict[str, str], list[str]]:
    """MetadataURL or MetadataFile (the document itself, read now, so a preview shows what `up` sends)."""
    if "metadataUrl" in entry and "metadataFile" in entry:
        return {}, [f"{where}.metadataFile: set metadataUrl or metadataFile, not both"]
    if "metadataUrl" in entry:
        problem = https_url_problem(entry["metadataUrl"])
        return {"MetadataURL": entry["metadataUrl"]}, [f"{where}.metadataUrl: {problem}"] if problem else []
    if "metadataFile" in entry:
        document, problem = read_saml_metadata(entry["metadataFile"], project_dir)
        return {"MetadataFile": document}, [f"{where}.metadataFile: {problem}"] if problem else []
    return {}, [f"{where}.metadataUrl: required for SAML providers (or metadataFile)"]


def _oauth_details(
    entry: Mapping[str, Any], type_: ProviderType, where: str, secret: bool
) -> tuple[dict[str, str], list[str]]:
    """ProviderDetails of an OIDC or Google provider, without the client secret (kept apart, out of reprs)."""
    problems = []
    if "clientId" in entry and not entry["clientId"].strip():
        problems.append(f"{where}.clientId: must not be empty")
    if "clientSecret" in entry:
        path = f"{where.removeprefix(f'{PROJECT}:')}.clientSecret"
        if not secret:
            problems.append(
                f"{where}.clientSecret: set in plain text, where anyone who reads the stack file reads it; "
                f"set it encrypted: pulumi config set --secret --path '{path}' <secret>"
            )
        elif not entry["clientSecret"]:
            problems.append(f"{where}.clientSecret: must not be empty")
    if type_ == "Google":
        return {"client_id": entry.get("clientId", ""), "authorize_scopes": " ".join(GOOGLE_SCOPES)}, problems
    if "issuer" in entry:
        problem = https_url_problem(entry["issuer"])
        if problem:
            problems.append(f"{where}.issuer: {problem}")
    scopes = entry.get("scopes", list(DEFAULT_OIDC_SCOPES))
    problem = scopes_problem(scopes)
    if problem:
        problems.append(f"{where}.scopes: {problem}")
    details = {
        "client_id": entry.get("clientId", ""),
        "attributes_request_method": entry.get("attributesRequestMethod", DEFAULT_ATTRIBUTES_REQUEST_METHOD),
        "oidc_issuer": entry.get("issuer", ""),
        "authorize_scopes": " ".join(scopes),
    }
    return details, problems


def _repeated(entries: list[Any], malformed: set[int]) -> list[str]:
    """Names and identifiers Cognito holds once per pool; compared ignoring case, as a user would read them."""
    problems = []
    names: dict[str, int] = {}
    identifiers: dict[str, str] = {}
    for index, entry in enumerate(entries):
        if index in malformed:
            continue
        name = entry["name"].casefold()
        if name in names:
            problems.append(f"{KEY}[{index}].name: the same name as identityProviders[{names[name]}]'s")
        names.setdefault(name, index)
        for position, identifier in enumerate(entry.get("identifiers", [])):
            where = f"identityProviders[{index}].identifiers[{position}]"
            first = identifiers.setdefault(identifier.casefold(), where)
            if first != where:
                problems.append(f"{PROJECT}:{where}: the same identifier as {first}")
    return problems
