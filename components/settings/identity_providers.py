"""The `identityProviders` setting: the company identity providers Cognito federates.

First the structure (jsonschema), then Cognito's rules for each field, then the rules across
entries (each name and identifier once). Every limit is CreateIdentityProvider's, as botocore's
Cognito model states it (tests/unit/test_identity_providers_setting.py reads the model).

No message shows a field's value, only where it is (names of fields and attributes): `pulumi
config set --secret --path 'identityProviders[0].clientSecret'` makes the whole key a secret, and
Pulumi masks only exact copies of a secret in what the program prints, not a part or an escaped copy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from components.naming import PROJECT
from components.settings.field_rules import schema_problems
from components.settings.model import IdentityProvider, Parsed, RawSetting, parse_json
from components.vocabulary import PROVIDER_TYPES, ProviderType

KEY = f"{PROJECT}:identityProviders"

# CreateIdentityProvider's limits (botocore's cognito-idp model).
MAX_PROVIDER_NAME = 32  # ProviderNameTypeV2
PROVIDER_NAME_PATTERN = r"[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+"  # ProviderNameTypeV2, checked below
MAX_IDENTIFIERS = 50  # IdpIdentifiersListType
MAX_IDENTIFIER = 40  # IdpIdentifierType
# IdpIdentifierType's [\w\s+=.@-]+, in Java's meaning of \w and \s (ASCII), as Cognito reads it.
_IDENTIFIER = re.compile(r"[A-Za-z0-9_ \t\n\x0b\f\r+=.@-]+")
MAX_DETAIL_VALUE = 131072  # StringType: a ProviderDetails value, such as MetadataFile's document

# Names Cognito keeps: COGNITO is the pool's own accounts in an app client's provider list, and a
# social provider's name must be its type ("Provider X cannot be of type Google").
RESERVED_NAMES = ("COGNITO", "Facebook", "Google", "LoginWithAmazon", "SignInWithApple")
# The pool's standard attributes a provider's attribute can be mapped to ("username" sets the
# user's name in the pool); `sub` is Cognito's own. The pool declares no custom attribute for users.
POOL_ATTRIBUTES = (
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "username",
    "website",
    "zoneinfo",
)
SAML_METADATA_NAMESPACE = "urn:oasis:names:tc:SAML:2.0:metadata"
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


def name_problems(name: str, type_: str) -> list[str]:
    """What Cognito would refuse in a provider's name (ProviderNameTypeV2, and the reserved names)."""
    if type_ == "Google":
        return [] if name == "Google" else ["a Google provider must be named Google (Cognito names it after its type)"]
    reserved = [word for word in RESERVED_NAMES if word.casefold() == name.casefold()]
    if reserved:
        return [f"{reserved[0]} is a name Cognito keeps for its own provider; choose another"]
    if not 3 <= len(name) <= MAX_PROVIDER_NAME:
        return [f"expected 3 to {MAX_PROVIDER_NAME} characters"]
    if not is_provider_name(name):
        return ["expected letters, digits, symbols or punctuation; no spaces, and '_' only as the second character"]
    return []


def is_provider_name(name: str) -> bool:
    """Whether `name` matches PROVIDER_NAME_PATTERN (Python's `re` lacks its \\p{...} classes)."""

    def is_space_or_underscore(char: str) -> bool:
        return char == "_" or unicodedata.category(char).startswith("Z")

    return (
        len(name) >= 3
        and not is_space_or_underscore(name[0])
        and unicodedata.category(name[1])[0] in "LMSNP"
        and not any(is_space_or_underscore(char) for char in name[2:])
    )


def https_url_problem(url: str) -> str | None:
    """What keeps `url` from being an absolute https URL Cognito can fetch, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a malformed port
    except ValueError:
        return "expected an https:// URL"
    if parts.scheme != "https" or not parts.hostname or any(char.isspace() for char in url):
        return "expected an https:// URL (Cognito reaches providers over https only)"
    if parts.fragment or "#" in url:
        return "expected an https:// URL without a fragment ('#')"
    return None


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


def read_saml_metadata(path: str, project_dir: Path) -> tuple[str, str | None]:
    """(the document, None), or ("", what is wrong): an identity provider's SAML 2.0 metadata."""
    if PurePosixPath(path).is_absolute() or Path(path).is_absolute():
        return "", "expected a path relative to the project's folder (where Pulumi.yaml is), so every checkout finds it"
    file = project_dir / path
    try:
        document = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return "", "no such file (a path relative to the project's folder, where Pulumi.yaml is)"
    except (OSError, UnicodeDecodeError):
        return "", "not a readable UTF-8 file"
    if len(document) > MAX_DETAIL_VALUE:
        return "", f"longer than the {MAX_DETAIL_VALUE} characters Cognito takes: use metadataUrl"
    # The file is the user's own, and expat (2.4.1 or later, as Python ships it) refuses entity
    # amplification while ElementTree never fetches external entities: the standard parser is safe here.
    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError:
        return "", "not an XML document: expected the identity provider's SAML 2.0 metadata"
    descriptors = {f"{{{SAML_METADATA_NAMESPACE}}}EntityDescriptor", f"{{{SAML_METADATA_NAMESPACE}}}EntitiesDescriptor"}
    if root.tag not in descriptors:
        return "", "not SAML 2.0 metadata: expected an md:EntityDescriptor (or md:EntitiesDescriptor) root element"
    if root.find(f".//{{{SAML_METADATA_NAMESPACE}}}IDPSSODescriptor") is None:
        return "", "not an identity provider's metadata (no md:IDPSSODescriptor): is it Cognito's own (SP) metadata?"
    return document, None


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


def scopes_problem(scopes: list[str]) -> str | None:
    expected = "expected a list of scopes including openid, each once, such as [openid, email, profile]"
    if "openid" not in scopes or len(set(scopes)) != len(scopes):
        return expected
    if any(not scope or any(char.isspace() for char in scope) for scope in scopes):
        return f"{expected}; a scope has no spaces"
    return None


def attribute_problems(attributes: Mapping[str, str]) -> list[str]:
    """('.key: what', or ': what') for what Cognito would refuse in an attribute mapping."""
    problems = []
    for attribute, claim in attributes.items():
        if attribute not in POOL_ATTRIBUTES:
            problems.append(
                f".{attribute}: not an attribute of the pool (expected one of {', '.join(POOL_ATTRIBUTES)})"
            )
        elif not claim.strip() or len(claim) > MAX_DETAIL_VALUE:
            problems.append(f".{attribute}: expected the name of the provider's attribute")
    if "email" not in attributes:
        problems.append(": must map email (users sign in to the pool by email), such as {email: email}")
    return problems


def identifier_problems(identifiers: list[str]) -> list[str]:
    """('[i]: what') for each identifier Cognito would refuse (IdpIdentifierType)."""
    expected = f"expected 1 to {MAX_IDENTIFIER} letters, digits, spaces and _+=.@- (such as an email domain)"
    return [
        f"[{index}]: {expected}"
        for index, identifier in enumerate(identifiers)
        if len(identifier) > MAX_IDENTIFIER or not _IDENTIFIER.fullmatch(identifier)
    ]


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
