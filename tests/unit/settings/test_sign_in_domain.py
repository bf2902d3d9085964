"""signInDomain, managedLogin and managedLoginBranding: what the program gets, and every value Cognito, ACM or
the feature plan would refuse, refused first with the key, the value and what is expected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from components.settings.load import parse_settings
from components.settings.model import BrandingImage, ManagedLoginBranding, SettingsError, SignInDomain
from components.settings.sign_in_domain import (
    FILE_EXTENSIONS,
    MAX_ASSET_BYTES,
    MAX_BRANDING_FILES_BYTES,
)
from components.vocabulary import ASSET_EXTENSIONS

MINIMAL = {"aws:region": "us-west-2", "dataPlaneHost": "apps.example.com"}
DOMAIN = "kong-cognito-oidc:signInDomain"
BRANDING = "kong-cognito-oidc:managedLoginBranding"
ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-4222-8333-444455556666"
ZONE = "Z0123456789ABCDEFGHIJ"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
MANAGED = {"managedLogin": "managed", "userPoolTier": "ESSENTIALS"}


def settings(project: Path | None = None, **values: Any) -> Any:
    raw = {key: value if isinstance(value, str) else json.dumps(value) for key, value in values.items()}
    return parse_settings({**MINIMAL, **raw}, project_dir=project)


def problems(project: Path | None = None, **values: Any) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        settings(project, **values)
    return raised.value.problems


def test_without_the_settings_the_stack_is_as_it_was() -> None:
    found = settings()
    assert (found.sign_in_domain, found.managed_login, found.managed_login_branding) == (None, "classic", None)


def test_a_zone_or_a_certificate() -> None:
    zone = settings(signInDomain={"name": "auth.example.com", "hostedZoneId": ZONE}).sign_in_domain
    assert zone == SignInDomain("auth.example.com", None, ZONE)
    arn = settings(signInDomain={"name": "login.eu.example.com", "certificateArn": ARN}).sign_in_domain
    assert arn == SignInDomain("login.eu.example.com", ARN, None)


# (value, the problem's start, what it says): each refused alone.
REFUSED_DOMAINS = [
    ({"name": "Auth.Example.com", "hostedZoneId": ZONE}, '.name = "Auth.Example.com": ', "expected a DNS name"),
    ({"name": "auth_1.example.com", "hostedZoneId": ZONE}, '.name = "auth_1.example.com": ', "expected a DNS name"),
    ({"name": "auth..example.com", "hostedZoneId": ZONE}, '.name = "auth..example.com": ', "expected a DNS name"),
    ({"name": "auth.example.com.", "hostedZoneId": ZONE}, '.name = "auth.example.com.": ', "expected a DNS name"),
    ({"name": "auth", "hostedZoneId": ZONE}, '.name = "auth": ', "a top-level domain has none"),
    ({"name": "example.com", "hostedZoneId": ZONE}, '.name = "example.com": ', "parent domain (com)"),
    (
        {"name": "login.auth.us-west-2.amazoncognito.com", "hostedZoneId": ZONE},
        '.name = "login.auth.us-west-2.amazoncognito.com": ',
        "a name under amazoncognito.com is Cognito's prefix domain: set domainPrefix instead",
    ),
    (
        {"name": "auth.example.com", "certificateArn": "arn:aws:iam::123456789012:server-certificate/x"},
        '.certificateArn = "arn:aws:iam::123456789012:server-certificate/x": ',
        "expected the ARN of an ACM certificate in us-east-1",
    ),
    (
        {"name": "auth.example.com", "certificateArn": ARN.replace("us-east-1", "eu-west-1")},
        f'.certificateArn = "{ARN.replace("us-east-1", "eu-west-1")}": ',
        "the certificate is in eu-west-1: Cognito's custom domains take ACM certificates in us-east-1 only",
    ),
    ({"name": "auth.example.com", "certificateArn": ARN, "hostedZoneId": ZONE}, ": both of", "expected exactly one"),
    ({"name": "auth.example.com"}, ": neither of", "expected exactly one"),
    ({"name": "auth.example.com", "hostedZoneId": "/hostedzone/Z01"}, '.hostedZoneId = "/hostedzone/Z01": ', "zone id"),
    ({"name": "auth.example.com", "zone": ZONE}, ".zone: ", "unknown field (expected one of name"),
    ({"hostedZoneId": ZONE}, ".name: ", "this field is required"),
    ("auth.example.com", ' = "auth.example.com": ', "expected an object such as {name: auth.example.com"),
]


@pytest.mark.parametrize(
    ("value", "where", "what"), REFUSED_DOMAINS, ids=[str(case[0])[:60] for case in REFUSED_DOMAINS]
)
def test_what_cognito_or_acm_would_refuse_is_refused_naming_the_key_and_value(
    value: Any, where: str, what: str
) -> None:
    (problem,) = problems(signInDomain=value)
    assert problem.startswith(DOMAIN + where), problem
    assert what in problem


def test_managed_login_is_refused_on_lite_naming_user_pool_tier() -> None:
    (problem,) = problems(managedLogin="managed")
    assert problem.startswith('kong-cognito-oidc:managedLogin = "managed": managed login is not part of the LITE')
    assert 'userPoolTier = "LITE"' in problem and "set userPoolTier to ESSENTIALS or PLUS" in problem
    assert settings(**MANAGED).managed_login == "managed"
    assert settings(managedLogin="Managed", userPoolTier="plus").managed_login == "managed"
    (unknown,) = problems(managedLogin="new")
    assert unknown == 'kong-cognito-oidc:managedLogin = "new": expected one of classic, managed'


@pytest.fixture(name="project")
def project_fixture(tmp_path: Path) -> Path:
    (tmp_path / "branding").mkdir()
    (tmp_path / "branding" / "logo.png").write_bytes(PNG)
    (tmp_path / "branding" / "background.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 32)
    return tmp_path


def test_branding_images_are_read_with_cognito_s_extension(project: Path) -> None:
    branding = {"logo": "branding/logo.png", "background": "branding/background.jpg"}
    found = settings(project, managedLoginBranding=branding, **MANAGED).managed_login_branding
    assert found.logo == BrandingImage("branding/logo.png", "PNG", PNG)
    assert (found.background.path, found.background.extension) == ("branding/background.jpg", "JPEG")
    assert "content" not in repr(found.logo)
    # Neither image: Cognito's own style.
    assert settings(project, managedLoginBranding={}, **MANAGED).managed_login_branding == ManagedLoginBranding()


def test_branding_on_lite_names_user_pool_tier_and_without_managed_login_is_refused(project: Path) -> None:
    branding = {"logo": "branding/logo.png"}
    lite = problems(project, managedLoginBranding=branding, managedLogin="managed")
    assert len(lite) == 2 and all('userPoolTier = "LITE"' in problem for problem in lite)
    assert lite[1].startswith(f"{BRANDING} = {{logo: branding/logo.png}}: managed login is not part of the LITE")
    (classic,) = problems(project, managedLoginBranding=branding, userPoolTier="ESSENTIALS")
    assert classic == (
        f"{BRANDING} = {{logo: branding/logo.png}}: styles managed login only, and managedLogin is classic; "
        "set managedLogin to managed, or remove managedLoginBranding"
    )


@pytest.mark.parametrize(
    ("file", "content", "what"),
    [
        ("branding/missing.png", None, "no such file (a path relative to the project's folder"),
        ("/etc/logo.png", None, "expected a path relative to the project's folder"),
        ("branding/logo.gif", PNG, "expected an image Cognito takes: a file ending in .ico, .jpg, .jpeg, .png"),
        ("branding/empty.png", b"", "the file is empty"),
        ("branding/big.png", b"\0" * (MAX_ASSET_BYTES + 1), "1,000,001 bytes; Cognito takes images of at most"),
    ],
    ids=["missing", "absolute", "extension", "empty", "too-large"],
)
def test_a_branding_file_cognito_would_refuse(project: Path, file: str, content: bytes | None, what: str) -> None:
    if content is not None:
        (project / file).write_bytes(content)
    (problem,) = problems(project, managedLoginBranding={"logo": file}, **MANAGED)
    assert problem.startswith(f'{BRANDING}.logo = "{file}": {what}'), problem


def test_both_images_must_fit_cognito_s_request(project: Path) -> None:
    half = b"\0" * (MAX_BRANDING_FILES_BYTES // 2 + 1)
    (project / "branding" / "a.png").write_bytes(half)
    (project / "branding" / "b.png").write_bytes(half)
    (problem,) = problems(
        project, managedLoginBranding={"logo": "branding/a.png", "background": "branding/b.png"}, **MANAGED
    )
    assert problem == (
        f"{BRANDING}: the images have 1,500,002 bytes together; at most 1,500,000 fit, base64-encoded, in "
        "Cognito's 2 MB request"
    )
    (unknown,) = problems(project, managedLoginBranding={"icon": "branding/a.png"}, **MANAGED)
    assert unknown.startswith(f"{BRANDING}.icon: unknown field (expected one of logo, background)")


def test_the_limits_and_extensions_are_cognitos() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    assert set(model.shape_for("AssetExtensionType").enum) == set(ASSET_EXTENSIONS) == set(FILE_EXTENSIONS.values())
    assert model.shape_for("AssetBytesType").metadata["max"] == MAX_ASSET_BYTES
    # Two images in base64 (4 bytes for every 3) within the operation's 2 MB request.
    assert MAX_BRANDING_FILES_BYTES * 4 // 3 <= 2_000_000
    assert "2-megabyte request-size limit" in model.operation_model("CreateManagedLoginBranding").documentation
    categories = model.shape_for("AssetCategoryType").enum
    assert {"FORM_LOGO", "PAGE_BACKGROUND"} <= set(categories)
