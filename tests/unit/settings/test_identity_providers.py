"""identityProviders, localAccounts, mfa, userPoolTier and a route's signInWith: what Cognito gets,
every input Cognito (or the sign-in page) would refuse refused first, and no secret ever shown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from pulumi.runtime import set_all_config

from components.settings.identity_provider_rules import (
    MAX_DETAIL_VALUE,
    MAX_IDENTIFIER,
    MAX_IDENTIFIERS,
    MAX_PROVIDER_NAME,
    POOL_ATTRIBUTES,
    PROVIDER_NAME_PATTERN,
    is_provider_name,
)
from components.settings.identity_providers import DEFAULT_OIDC_SCOPES
from components.settings.load import parse_settings
from components.settings.model import IdentityProvider, Settings, SettingsError
from components.settings.pulumi_config import stack_secret_keys
from components.settings.registry import CONFIG_KEYS
from components.vocabulary import PROVIDER_TYPES, USER_POOL_TIERS

MINIMAL = {"aws:region": "us-west-2", "dataPlaneHost": "apps.example.com"}
KEY = "kong-cognito-oidc:identityProviders"
SECRET = "s3cr3t-Zq9-never-shown"
ENTRA_EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
ENTRA_GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
IDP_METADATA = f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="{MD}" entityID="https://sts.example.com/tenant/">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
      Location="https://sts.example.com/tenant/saml2"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""

SAML = {
    "name": "Entra",
    "type": "SAML",
    "metadataUrl": "https://sts.example.com/metadata.xml",
    "attributes": {"email": ENTRA_EMAIL},
}
OIDC = {"name": "Okta", "type": "OIDC", "issuer": "https://acme.okta.com", "clientId": "0oa1", "clientSecret": SECRET}
GOOGLE = {"name": "Google", "type": "Google", "clientId": "1.apps.googleusercontent.com", "clientSecret": SECRET}


def parse(providers: list[Any] | None = None, project_dir: Path | None = None, **others: str) -> Settings:
    values = {**MINIMAL, **others}
    if providers is not None:
        values["identityProviders"] = json.dumps(providers)
    return parse_settings(values, secret_keys={"identityProviders"}, project_dir=project_dir)


def problems(providers: list[Any] | None = None, project_dir: Path | None = None, **others: str) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        parse(providers, project_dir, **others)
    message = str(raised.value)
    assert SECRET not in message and SECRET[::-1] not in message
    return raised.value.problems


# --- what the settings give the components ----------------------------------------------------------------


def test_without_the_new_keys_nothing_changes() -> None:
    settings = parse()
    assert settings.identity_providers == ()
    assert (settings.local_accounts, settings.mfa, settings.user_pool_tier) == (True, "off", "LITE")
    assert settings.routes[0].sign_in_with is None


def test_each_type_becomes_cognitos_provider_details_with_the_secret_kept_apart(tmp_path: Path) -> None:
    (tmp_path / "idp").mkdir()
    (tmp_path / "idp" / "adfs.xml").write_text(IDP_METADATA)
    adfs = {"name": "ADFS", "type": "SAML", "metadataFile": "idp/adfs.xml", "attributes": {"email": "mail"}}
    entra = {**SAML, "groupsAttribute": ENTRA_GROUPS, "identifiers": ["example.com", "example.org"]}
    okta = {
        **OIDC,
        "scopes": ["openid", "email"],
        "attributesRequestMethod": "POST",
        "attributes": {"email": "email", "name": "name"},
    }
    settings = parse([entra, adfs, okta, GOOGLE], tmp_path)
    assert settings.identity_providers == (
        IdentityProvider(
            name="Entra",
            type="SAML",
            provider_details=(("MetadataURL", "https://sts.example.com/metadata.xml"),),
            attribute_mapping=(("email", ENTRA_EMAIL),),
            groups_attribute=ENTRA_GROUPS,
            identifiers=("example.com", "example.org"),
            metadata_url="https://sts.example.com/metadata.xml",
        ),
        IdentityProvider(
            name="ADFS",
            type="SAML",
            provider_details=(("MetadataFile", IDP_METADATA),),
            attribute_mapping=(("email", "mail"),),
            groups_attribute=None,
            identifiers=(),
        ),
        IdentityProvider(
            name="Okta",
            type="OIDC",
            provider_details=(
                ("client_id", "0oa1"),
                ("attributes_request_method", "POST"),
                ("oidc_issuer", "https://acme.okta.com"),
                ("authorize_scopes", "openid email"),
            ),
            attribute_mapping=(("email", "email"), ("name", "name")),
            groups_attribute=None,
            identifiers=(),
            issuer="https://acme.okta.com",
            client_secret=SECRET,
        ),
        IdentityProvider(
            name="Google",
            type="Google",
            provider_details=(
                ("client_id", "1.apps.googleusercontent.com"),
                ("authorize_scopes", "openid email profile"),
            ),
            attribute_mapping=(("email", "email"),),
            groups_attribute=None,
            identifiers=(),
            client_secret=SECRET,
        ),
    )
    assert SECRET not in repr(settings)


def test_oidc_defaults_ask_for_openid_email_profile_with_get_and_map_email() -> None:
    (okta,) = parse([OIDC]).identity_providers
    details = dict(okta.provider_details)
    assert details["authorize_scopes"] == " ".join(DEFAULT_OIDC_SCOPES) == "openid email profile"
    assert details["attributes_request_method"] == "GET"
    assert "client_secret" not in details
    assert okta.attribute_mapping == (("email", "email"),)


def _file_saml(path: str = "idp.xml") -> dict[str, Any]:
    return {"name": "ADFS", "type": "SAML", "metadataFile": path, "attributes": {"email": "mail"}}


def test_a_metadata_file_with_a_byte_order_mark_is_sent_without_it(tmp_path: Path) -> None:
    (tmp_path / "idp.xml").write_text("\ufeff" + IDP_METADATA, encoding="utf-8")
    (provider,) = parse([_file_saml()], tmp_path).identity_providers
    assert provider.provider_details == (("MetadataFile", IDP_METADATA),)


def test_route_sign_in_with_names_a_provider() -> None:
    routes = json.dumps([{"ingress": "demo", "signInWith": "Okta"}, {"ingress": "admin", "path": "/admin"}])
    settings = parse([OIDC], routes=routes)
    assert [route.sign_in_with for route in settings.routes] == ["Okta", None]


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [
        ("mfa", "optional", "optional"),
        ("mfa", "Required", "required"),
        ("mfa", "OFF", "off"),
        ("userPoolTier", "essentials", "ESSENTIALS"),
        ("userPoolTier", "PLUS", "PLUS"),
        ("localAccounts", "False", False),
    ],
)
def test_mfa_tier_and_local_accounts_are_read_whatever_their_case(key: str, raw: str, value: object) -> None:
    field = {"mfa": "mfa", "userPoolTier": "user_pool_tier", "localAccounts": "local_accounts"}[key]
    assert getattr(parse([OIDC], **{key: raw}), field) == value


@pytest.mark.parametrize("tier", USER_POOL_TIERS)
def test_every_tier_serves_everything_the_stack_uses(tier: str) -> None:
    # Federation, groups, TOTP MFA and the V1_0 pre-token-generation trigger are all in LITE (AWS's
    # feature-plan pages): no tier is refused for a feature.
    providers = [{**SAML, "groupsAttribute": ENTRA_GROUPS}, OIDC, GOOGLE]
    settings = parse(
        providers,
        userPoolTier=tier,
        mfa="required",
        localAccounts="false",
        allowedGroups='["staff"]',
        routes=json.dumps([{"ingress": "demo", "signInWith": "Entra"}]),
    )
    assert settings.user_pool_tier == tier


# --- refusals ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        # structure
        ({"name": "Okta"}, f"{KEY}: expected a list of identity providers"),
        ([{**OIDC, "type": "LDAP"}], f"{KEY}[0].type: expected one of SAML, OIDC, Google"),
        ([{**OIDC, "clientSecert": SECRET}], f"{KEY}[0].clientSecert: unknown field (expected one of name, type,"),
        ([{"type": "OIDC"}], f"{KEY}[0].name: this field is required"),
        ([{**OIDC, "clientSecret": [SECRET]}], f"{KEY}[0].clientSecret: expected a string"),
        ([{**OIDC, "scopes": "openid email"}], f"{KEY}[0].scopes: expected a list of strings"),
        ([{**OIDC, "attributes": {"email": 1}}], f"{KEY}[0].attributes.email: expected a string"),
        ([{**OIDC, "attributesRequestMethod": "PUT"}], f"{KEY}[0].attributesRequestMethod: expected GET or POST"),
        (
            [{**SAML, "identifiers": [f"d{n}.example.com" for n in range(51)]}],
            f"{KEY}[0].identifiers: expected a list of at most 50",
        ),
        # fields of another type, and missing fields
        ([{**SAML, "issuer": "https://acme.okta.com"}], f"{KEY}[0].issuer: not a field of SAML providers"),
        ([{**GOOGLE, "scopes": ["openid"]}], f"{KEY}[0].scopes: not a field of Google providers"),
        ([{k: v for k, v in OIDC.items() if k != "clientId"}], f"{KEY}[0].clientId: required for OIDC providers"),
        ([{k: v for k, v in OIDC.items() if k != "issuer"}], f"{KEY}[0].issuer: required for OIDC providers"),
        (
            [{k: v for k, v in OIDC.items() if k != "clientSecret"}],
            f"{KEY}[0].clientSecret: required for OIDC providers",
        ),
        (
            [{k: v for k, v in GOOGLE.items() if k != "clientSecret"}],
            f"{KEY}[0].clientSecret: required for Google providers",
        ),
        (
            [{k: v for k, v in SAML.items() if k != "metadataUrl"}],
            f"{KEY}[0].metadataUrl: required for SAML providers (or metadataFile)",
        ),
        ([{k: v for k, v in SAML.items() if k != "attributes"}], f"{KEY}[0].attributes: required for SAML providers"),
        ([{**SAML, "metadataFile": "idp.xml"}], f"{KEY}[0].metadataFile: set metadataUrl or metadataFile, not both"),
        ([{**OIDC, "clientId": " "}], f"{KEY}[0].clientId: must not be empty"),
        ([{**OIDC, "clientSecret": ""}], f"{KEY}[0].clientSecret: must not be empty"),
        # names
        ([OIDC, {**SAML, "name": "okta"}], f"{KEY}[1].name: the same name as identityProviders[0]'s"),
        ([{**OIDC, "name": "COGNITO"}], f"{KEY}[0].name: COGNITO is a name Cognito keeps"),
        ([{**OIDC, "name": "Cognito"}], f"{KEY}[0].name: COGNITO is a name Cognito keeps"),
        ([{**SAML, "name": "Google"}], f"{KEY}[0].name: Google is a name Cognito keeps"),
        ([{**OIDC, "name": "signinwithapple"}], f"{KEY}[0].name: SignInWithApple is a name Cognito keeps"),
        ([{**GOOGLE, "name": "Workspace"}], f"{KEY}[0].name: a Google provider must be named Google"),
        # Cognito names a social provider exactly after its type: case matters.
        ([{**GOOGLE, "name": "google"}], f"{KEY}[0].name: a Google provider must be named Google"),
        ([{**GOOGLE, "name": "GOOGLE"}], f"{KEY}[0].name: a Google provider must be named Google"),
        ([{**OIDC, "name": "x" * (MAX_PROVIDER_NAME + 1)}], f"{KEY}[0].name: expected 3 to 32 characters"),
        ([{**OIDC, "name": "ok"}], f"{KEY}[0].name: expected 3 to 32 characters"),
        ([{**OIDC, "name": "Acme IdP"}], f"{KEY}[0].name: expected letters, digits, symbols or punctuation; no spaces"),
        ([{**OIDC, "name": "acme_idp"}], f"{KEY}[0].name: expected letters, digits, symbols or punctuation; no spaces"),
        ([{**OIDC, "name": "_acme"}], f"{KEY}[0].name: expected letters, digits, symbols or punctuation; no spaces"),
        # URLs
        (
            [{**SAML, "metadataUrl": "http://sts.example.com/metadata.xml"}],
            f"{KEY}[0].metadataUrl: expected an https:// URL",
        ),
        ([{**SAML, "metadataUrl": "sts.example.com/metadata.xml"}], f"{KEY}[0].metadataUrl: expected an https:// URL"),
        ([{**OIDC, "issuer": "http://acme.okta.com"}], f"{KEY}[0].issuer: expected an https:// URL"),
        ([{**OIDC, "issuer": "https://acme.okta.com:99999"}], f"{KEY}[0].issuer: expected an https:// URL"),
        (
            [{**OIDC, "issuer": "https://acme.okta.com/#x"}],
            f"{KEY}[0].issuer: expected an https:// URL without a fragment",
        ),
        # scopes, attributes, identifiers
        ([{**OIDC, "scopes": ["email", "profile"]}], f"{KEY}[0].scopes: expected a list of scopes including openid"),
        (
            [{**OIDC, "scopes": ["openid", "openid"]}],
            f"{KEY}[0].scopes: expected a list of scopes including openid, each once",
        ),
        (
            [{**OIDC, "scopes": ["openid", "email profile"]}],
            f"{KEY}[0].scopes: expected a list of scopes including openid, each once, such as "
            "[openid, email, profile]; a scope has no spaces",
        ),
        (
            [{**SAML, "attributes": {"name": "displayName"}}],
            f"{KEY}[0].attributes: must map email (users sign in to the pool by email)",
        ),
        (
            [{**OIDC, "attributes": {"email": "email", "mail": "mail"}}],
            f"{KEY}[0].attributes.mail: not an attribute of the pool",
        ),
        (
            [{**OIDC, "attributes": {"email": "email", "custom:team": "team"}}],
            f"{KEY}[0].attributes.custom:team: not an attribute of the pool",
        ),
        (
            [{**OIDC, "attributes": {"email": " "}}],
            f"{KEY}[0].attributes.email: expected the name of the provider's attribute",
        ),
        ([{**OIDC, "groupsAttribute": ""}], f"{KEY}[0].groupsAttribute: expected the name of the provider's attribute"),
        ([{**SAML, "identifiers": ["x" * (MAX_IDENTIFIER + 1)]}], f"{KEY}[0].identifiers[0]: expected 1 to 40 letters"),
        ([{**SAML, "identifiers": [""]}], f"{KEY}[0].identifiers[0]: expected 1 to 40 letters"),
        ([{**SAML, "identifiers": ["example.com/x"]}], f"{KEY}[0].identifiers[0]: expected 1 to 40 letters"),
        ([{**SAML, "identifiers": ["exämple.com"]}], f"{KEY}[0].identifiers[0]: expected 1 to 40 letters"),
        (
            [{**SAML, "identifiers": ["example.com"]}, {**OIDC, "identifiers": ["a.example.com", "EXAMPLE.COM"]}],
            f"{KEY}[1].identifiers[1]: the same identifier as identityProviders[0].identifiers[0]",
        ),
    ],
)
def test_bad_providers_are_refused_naming_index_and_field(entries: Any, expected: str) -> None:
    found = problems(entries)
    assert any(problem.startswith(expected) for problem in found), found


def test_a_value_that_is_not_json_is_refused_without_being_shown() -> None:
    with pytest.raises(SettingsError) as raised:
        parse_settings(
            {**MINIMAL, "identityProviders": f"[{{clientSecret: {SECRET}"}, secret_keys={"identityProviders"}
        )
    assert raised.value.problems == [
        f"{KEY}: expected a list of identity providers, such as [{{name: Okta, type: OIDC, issuer: ...}}]"
    ]
    assert SECRET not in str(raised.value)


def test_a_client_secret_in_plain_text_is_refused_with_the_command_that_encrypts_it() -> None:
    with pytest.raises(SettingsError) as raised:
        parse_settings({**MINIMAL, "identityProviders": json.dumps([SAML, OIDC])})
    assert raised.value.problems == [
        f"{KEY}[1].clientSecret: set in plain text, where anyone who reads the stack file reads it; set it "
        "encrypted: pulumi config set --secret --path 'identityProviders[1].clientSecret' <secret>"
    ]
    assert SECRET not in str(raised.value)


def test_without_a_client_secret_the_key_need_not_be_secret() -> None:
    settings = parse_settings({**MINIMAL, "identityProviders": json.dumps([SAML])})
    assert [provider.name for provider in settings.identity_providers] == ["Entra"]


@pytest.mark.parametrize(
    "entry",
    [
        {**OIDC, "clientSecret": [SECRET]},
        {**OIDC, "clientSecret": {"value": SECRET}},
        {**OIDC, "clientSecert": SECRET},
        {**OIDC, "clientId": SECRET, "issuer": f"http://{SECRET}.example.com"},
        {**OIDC, "name": f"{SECRET} {SECRET}"},
        {**OIDC, "scopes": [SECRET]},
        {**OIDC, "attributes": {"email": SECRET, "mail": SECRET}},
        {**OIDC, "identifiers": [SECRET * 3]},
        {**OIDC, "type": SECRET},
        {**SAML, "metadataFile": SECRET},
        SECRET,
    ],
)
def test_no_refusal_shows_a_value_of_the_key(entry: Any) -> None:
    # Field and attribute names are shown: they say where the problem is.
    problems([entry])  # asserts the secret is not in the message


def test_a_secret_setting_of_another_key_is_not_shown_either() -> None:
    with pytest.raises(SettingsError) as raised:
        parse_settings({**MINIMAL, "domainPrefix": SECRET.upper()}, secret_keys={"domainPrefix"})
    assert raised.value.problems[0].startswith(
        "kong-cognito-oidc:domainPrefix = (a secret): expected a Cognito domain prefix"
    )
    assert SECRET.upper() not in str(raised.value)


# --- SAML metadata files -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (None, "no such file (a path relative to the project's folder, where Pulumi.yaml is)"),
        ("<html><body>Sign in</body></html>", "not SAML 2.0 metadata: expected an md:EntityDescriptor"),
        (IDP_METADATA.replace(MD, "urn:example:not-saml"), "not SAML 2.0 metadata: expected an md:EntityDescriptor"),
        ("not xml at all", "not an XML document: expected the identity provider's SAML 2.0 metadata"),
        (
            IDP_METADATA.replace("IDPSSODescriptor", "SPSSODescriptor"),
            "not an identity provider's metadata (no md:IDPSSODescriptor)",
        ),
        (IDP_METADATA + " " * MAX_DETAIL_VALUE, f"longer than the {MAX_DETAIL_VALUE} characters Cognito takes"),
        (
            # Entity amplification ("billion laughs"): expat refuses it instead of expanding it.
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lolololololololololol">'
            + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 9))
            + f']><md:EntityDescriptor xmlns:md="{MD}">&lol8;</md:EntityDescriptor>',
            "not an XML document",
        ),
    ],
)
def test_a_metadata_file_that_is_not_an_identity_providers_saml_metadata_is_refused(
    tmp_path: Path, document: str | None, expected: str
) -> None:
    if document is not None:
        (tmp_path / "idp.xml").write_text(document)
    assert problems([_file_saml()], tmp_path) == [f"{KEY}[0].metadataFile: {expected}" + _rest(expected)]


def _rest(expected: str) -> str:
    """The end of each metadata message, after the part the cases name."""
    endings = {
        "not SAML 2.0 metadata: expected an md:EntityDescriptor": " (or md:EntitiesDescriptor) root element",
        "not an identity provider's metadata (no md:IDPSSODescriptor)": ": is it Cognito's own (SP) metadata?",
        f"longer than the {MAX_DETAIL_VALUE} characters Cognito takes": ": use metadataUrl",
        "not an XML document": ": expected the identity provider's SAML 2.0 metadata",
    }
    return endings.get(expected, "")


def test_an_absolute_metadata_path_is_refused_as_other_checkouts_would_not_find_it(tmp_path: Path) -> None:
    (tmp_path / "idp.xml").write_text(IDP_METADATA)
    assert problems([_file_saml(str(tmp_path / "idp.xml"))], tmp_path) == [
        f"{KEY}[0].metadataFile: expected a path relative to the project's folder (where Pulumi.yaml is), "
        "so every checkout finds it"
    ]


def test_an_entities_descriptor_with_an_identity_provider_is_metadata(tmp_path: Path) -> None:
    entities = f'<md:EntitiesDescriptor xmlns:md="{MD}">{IDP_METADATA.split("?>", 1)[1]}</md:EntitiesDescriptor>'
    (tmp_path / "idp.xml").write_text(entities)
    assert parse([_file_saml()], tmp_path).identity_providers[0].provider_details == (("MetadataFile", entities),)


# --- the keys around the providers -------------------------------------------------------------------------


def test_no_local_accounts_and_no_provider_would_leave_nothing_to_sign_in_with() -> None:
    assert problems(localAccounts="false") == [
        "kong-cognito-oidc:localAccounts = false: the sign-in page would offer no way to sign in; "
        "add a provider to identityProviders, or set localAccounts to true"
    ]
    assert parse([OIDC], localAccounts="false").local_accounts is False


def test_the_user_admin_scope_is_refused_where_users_could_grant_themselves_groups() -> None:
    # With it, a federated user's access token may write custom:idp_groups, which the trigger trusts.
    scopes = '["openid","email","aws.cognito.signin.user.admin"]'
    grouped = {**SAML, "groupsAttribute": ENTRA_GROUPS}
    assert problems([grouped, OIDC], scopes=scopes, allowedGroups='["staff"]') == [
        "kong-cognito-oidc:scopes = [openid, email, aws.cognito.signin.user.admin]: "
        "aws.cognito.signin.user.admin lets a signed-in user change their own attributes, custom:idp_groups "
        "included, and so give themselves any group of "
        "allowedGroups (a provider with groupsAttribute maps its groups there); drop it from scopes"
    ]
    # Without the groups mechanism the attribute grants nothing.
    assert "aws.cognito.signin.user.admin" in parse([grouped], scopes=scopes).scopes
    assert "aws.cognito.signin.user.admin" in parse([SAML], scopes=scopes, allowedGroups='["staff"]').scopes


def test_sign_in_with_an_unknown_provider_is_refused_listing_the_known_ones() -> None:
    routes = json.dumps([{"ingress": "demo"}, {"ingress": "admin", "path": "/admin", "signInWith": "okta"}])
    assert problems([OIDC, SAML], routes=routes) == [
        'kong-cognito-oidc:routes[1].signInWith = "okta": not an identity provider of the stack; '
        "expected one of Okta, Entra"
    ]
    assert problems(routes=routes) == [
        'kong-cognito-oidc:routes[1].signInWith = "okta": not an identity provider of the stack; '
        "expected an identityProviders name, and none is set"
    ]


def test_sign_in_with_on_an_api_route_is_refused_as_it_never_signs_in() -> None:
    clients = json.dumps([{"name": "cron", "scopes": ["orders.read"]}])
    api = json.dumps([{"ingress": "demo", "mode": "api", "signInWith": "Okta"}])
    assert problems([OIDC], routes=api, apiClients=clients) == [
        "kong-cognito-oidc:routes[0].signInWith: an api route never signs users in; drop it, or use mode both"
    ]
    both = json.dumps([{"ingress": "demo", "mode": "both", "signInWith": "Okta"}])
    assert parse([OIDC], routes=both, apiClients=clients).routes[0].sign_in_with == "Okta"


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("mfa", "on", 'kong-cognito-oidc:mfa = "on": expected one of off, optional, required'),
        ("mfa", "totp", 'kong-cognito-oidc:mfa = "totp": expected one of off, optional, required'),
        ("userPoolTier", "FREE", 'kong-cognito-oidc:userPoolTier = "FREE": expected one of LITE, ESSENTIALS, PLUS'),
        ("localAccounts", "no", 'kong-cognito-oidc:localAccounts = "no": expected true or false'),
    ],
)
def test_mfa_tier_and_local_accounts_outside_their_values_are_refused(key: str, raw: str, expected: str) -> None:
    assert problems(**{key: raw}) == [expected]


def test_the_new_keys_are_known_to_the_misspelling_hint() -> None:
    assert problems(identityProvider="[]") == [
        "kong-cognito-oidc:identityProvider: not a setting of this project; did you mean identityProviders?"
    ]
    assert problems(userpooltier="LITE") == [
        "kong-cognito-oidc:userpooltier: not a setting of this project; did you mean userPoolTier?"
    ]
    assert problems(localAccount="false")[0].endswith("did you mean localAccounts?")


def test_every_problem_is_reported_at_once() -> None:
    found = problems([{**OIDC, "issuer": "http://x"}, {**SAML, "name": "COGNITO"}], mfa="on", userPoolTier="lite2")
    assert len(found) == 4


# --- the secret keys the program is handed -----------------------------------------------------------------


def test_secret_keys_come_from_the_language_host_and_from_the_automation_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "PULUMI_CONFIG_SECRET_KEYS", json.dumps(["kong-cognito-oidc:identityProviders", "aws:secretKey", "other:x"])
    )
    set_all_config({}, [])
    assert stack_secret_keys("kong-cognito-oidc", CONFIG_KEYS) == {"identityProviders"}
    monkeypatch.delenv("PULUMI_CONFIG_SECRET_KEYS")
    set_all_config({"kong-cognito-oidc:mfa": "off"}, ["kong-cognito-oidc:mfa"])
    try:
        assert stack_secret_keys("kong-cognito-oidc", CONFIG_KEYS) == {"mfa"}
    finally:
        set_all_config({}, [])


# --- Cognito's limits, as botocore's model states them ---------------------------------------------------


@pytest.fixture(scope="module")
def cognito() -> Any:
    return botocore.session.get_session().get_service_model("cognito-idp")


def test_the_limits_are_cognitos(cognito: Any) -> None:
    request = cognito.operation_model("CreateIdentityProvider").input_shape.members
    name = request["ProviderName"].metadata
    assert (name["max"], name["pattern"]) == (MAX_PROVIDER_NAME, PROVIDER_NAME_PATTERN)
    assert request["IdpIdentifiers"].metadata["max"] == MAX_IDENTIFIERS
    identifier = request["IdpIdentifiers"].member.metadata
    assert (identifier["max"], identifier["pattern"]) == (MAX_IDENTIFIER, r"[\w\s+=.@-]+")
    attribute = request["AttributeMapping"].key.metadata
    assert all(len(name) <= attribute["max"] for name in POOL_ATTRIBUTES)
    assert request["ProviderDetails"].value.metadata["max"] == MAX_DETAIL_VALUE
    assert set(PROVIDER_TYPES) <= set(request["ProviderType"].enum)
    assert cognito.shape_for("UserPoolTierType").enum == list(USER_POOL_TIERS)


def test_the_provider_details_keys_are_those_cognito_documents(cognito: Any) -> None:
    documented = cognito.operation_model("CreateIdentityProvider").input_shape.members["ProviderDetails"].documentation
    for key in (
        "MetadataURL",
        "MetadataFile",
        "client_id",
        "client_secret",
        "attributes_request_method",
        "oidc_issuer",
        "authorize_scopes",
    ):
        assert f'"{key}"' in documented, key


@pytest.mark.parametrize(
    "name",
    [
        "Okta",
        "Entra-ID",
        "a_b",
        "ADFS.corp",
        "Ünïcode",
        "x" * 32,
        "ab",
        "a b",
        "_ab",
        "ab_c",
        "a\tbc",
        "Okta IdP",
        "ok",
    ],
)
def test_the_name_rule_agrees_with_cognitos_pattern(name: str) -> None:
    regex = pytest.importorskip("regex")  # \p{...} classes; installed with the test tools
    assert is_provider_name(name) == bool(regex.fullmatch(PROVIDER_NAME_PATTERN, name))
