"""Cognito's rules for each field of an identity provider (the `identityProviders` setting, identity_providers.py).

Every limit is CreateIdentityProvider's, as botocore's Cognito model states it
(tests/unit/settings/test_identity_providers.py reads the model). Each rule returns what is wrong,
naming only where it is, never the value (a provider's fields may be secret).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

from components.settings.field_rules import NO_SUCH_FILE, project_file_problem

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


def read_saml_metadata(path: str, project_dir: Path) -> tuple[str, str | None]:
    """(the document, None), or ("", what is wrong): an identity provider's SAML 2.0 metadata."""
    not_in_project = project_file_problem(path)
    if not_in_project:
        return "", not_in_project
    file = project_dir / path
    try:
        document = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return "", NO_SUCH_FILE
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
