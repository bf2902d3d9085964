"""The own sign-in domain and managed login: `signInDomain`, `managedLogin` and `managedLoginBranding`.

Cognito's rules (botocore's cognito-idp model and Cognito's developer guide, docs/sign-in-domain.md):
a custom domain is a DNS name of yours, not under amazoncognito.com, whose parent domain has an A
record (so not a top-level domain); its certificate is an ACM certificate in us-east-1; a
branding style's images are ICO, JPEG, PNG, SVG or WEBP files of at most 1,000,000 bytes each
(AssetBytesType), sent base64-encoded in one request of at most 2 MB (CreateManagedLoginBranding).
Whether managed login fits the feature plan (not on LITE) is a rule across keys (cross_key_rules.py).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from components.naming import PROJECT
from components.settings.field_rules import NO_SUCH_FILE, project_file_problem, schema_problems
from components.settings.model import (
    BrandingImage,
    ManagedLoginBranding,
    Parsed,
    RawSetting,
    SignInDomain,
    parse_json,
    show_value,
)
from components.vocabulary import AssetExtension

DOMAIN_KEY = f"{PROJECT}:signInDomain"
BRANDING_KEY = f"{PROJECT}:managedLoginBranding"
CERTIFICATE_REGION = "us-east-1"
COGNITO_DOMAIN = "amazoncognito.com"
MAX_DOMAIN_NAME = 253
MAX_ASSET_BYTES = 1_000_000
MAX_BRANDING_FILES_BYTES = 1_500_000
"""Both images together: base64 makes them a third larger, within CreateManagedLoginBranding's 2 MB request."""
FILE_EXTENSIONS: dict[str, AssetExtension] = {
    ".ico": "ICO",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".svg": "SVG",
    ".webp": "WEBP",
}

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$")
_HOSTED_ZONE_ID = re.compile(r"^[A-Z0-9]{1,32}$")
_EXAMPLE_ARN = f"arn:aws:acm:{CERTIFICATE_REGION}:123456789012:certificate/<id>"
_STRING = {"type": "string", "description": "expected a string"}
_DOMAIN_SCHEMA = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "description": "expected an object such as {name: auth.example.com, hostedZoneId: Z0123456789ABCDEFGHIJ}",
    "properties": {"name": _STRING, "certificateArn": _STRING, "hostedZoneId": _STRING},
}
_BRANDING_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "description": "expected an object such as {logo: branding/logo.png, background: branding/background.jpg}",
    "properties": {"logo": _STRING, "background": _STRING},
}


def domain_name_problem(name: str) -> str | None:
    """What keeps Cognito from taking `name` as a custom domain, or None."""
    expected = "expected a DNS name of yours such as auth.example.com (lower-case letters, digits, '-' and dots)"
    labels = name.split(".")
    if len(name) > MAX_DOMAIN_NAME or not all(_LABEL.fullmatch(label) for label in labels):
        return expected
    if name == COGNITO_DOMAIN or name.endswith(f".{COGNITO_DOMAIN}"):
        return f"{expected}; a name under {COGNITO_DOMAIN} is Cognito's prefix domain: set domainPrefix instead"
    if len(labels) < 3:
        return (
            f"{expected}, under a domain of yours: Cognito requires the parent domain "
            f"({'.'.join(labels[1:]) or name}) to have an A record, and a top-level domain has none"
        )
    return None


def certificate_arn_problem(arn: str) -> str | None:
    found = _ACM_ARN.fullmatch(arn)
    if found is None:
        return f"expected the ARN of an ACM certificate in {CERTIFICATE_REGION}, such as {_EXAMPLE_ARN}"
    if found.group(1) != CERTIFICATE_REGION:
        return (
            f"the certificate is in {found.group(1)}: Cognito's custom domains take ACM certificates in "
            f"{CERTIFICATE_REGION} only (request one there for the name)"
        )
    return None


def parse_sign_in_domain(setting: RawSetting) -> Parsed[SignInDomain]:
    """None when unset: the prefix domain alone, as every stack had before."""
    if setting.raw is None or setting.raw.strip() in ("", "{}"):
        return None, []
    entry, is_json = parse_json(setting.raw)
    if not is_json:
        return None, [setting.problem(str(_DOMAIN_SCHEMA["description"]))]
    structure = list(dict.fromkeys(schema_problems(entry, _DOMAIN_SCHEMA)))
    if structure:
        return None, [f"{DOMAIN_KEY}{where}: {what}" if where else setting.problem(what) for where, what in structure]
    problems = []
    name, arn, zone = entry["name"], entry.get("certificateArn"), entry.get("hostedZoneId")
    name_problem = domain_name_problem(name)
    if name_problem:
        problems.append(f"{DOMAIN_KEY}.name = {show_value(name)}: {name_problem}")
    if (arn is None) == (zone is None):
        which = "both" if arn is not None else "neither"
        problems.append(
            f"{DOMAIN_KEY}: {which} of certificateArn and hostedZoneId set; expected exactly one: certificateArn, "
            "an ISSUED ACM certificate of yours for the name (you write the DNS record), or hostedZoneId, the "
            "public Route 53 zone where the stack validates its own certificate and writes the record"
        )
    elif arn is not None and (arn_problem := certificate_arn_problem(arn)):
        problems.append(f"{DOMAIN_KEY}.certificateArn = {show_value(arn)}: {arn_problem}")
    elif zone is not None and not _HOSTED_ZONE_ID.fullmatch(zone):
        problems.append(
            f"{DOMAIN_KEY}.hostedZoneId = {show_value(zone)}: expected a Route 53 hosted zone id such as "
            "Z0123456789ABCDEFGHIJ (`aws route53 list-hosted-zones`)"
        )
    return (None, problems) if problems else (SignInDomain(name, arn, zone), [])


def read_branding_image(path: str, project_dir: Path) -> tuple[BrandingImage | None, str | None]:
    """(the image, None), or (None, what is wrong): one file of managedLoginBranding."""
    not_in_project = project_file_problem(path)
    if not_in_project:
        return None, not_in_project
    extension = FILE_EXTENSIONS.get(PurePosixPath(path).suffix.lower())
    if extension is None:
        return None, f"expected an image Cognito takes: a file ending in {', '.join(FILE_EXTENSIONS)}"
    try:
        content = (project_dir / path).read_bytes()
    except FileNotFoundError:
        return None, NO_SUCH_FILE
    except OSError:
        return None, "not a readable file"
    if not content:
        return None, "the file is empty"
    if len(content) > MAX_ASSET_BYTES:
        return None, f"{len(content):,} bytes; Cognito takes images of at most {MAX_ASSET_BYTES:,} bytes"
    return BrandingImage(path, extension, content), None


def parse_managed_login_branding(setting: RawSetting, project_dir: Path) -> Parsed[ManagedLoginBranding]:
    """None when unset: Cognito's own style. Files are read now, so a preview shows what `up` sends."""
    if setting.raw is None or setting.raw.strip() == "":
        return None, []
    entry, is_json = parse_json(setting.raw)
    if not is_json:
        return None, [setting.problem(str(_BRANDING_SCHEMA["description"]))]
    structure = list(dict.fromkeys(schema_problems(entry, _BRANDING_SCHEMA)))
    if structure:
        return None, [f"{BRANDING_KEY}{where}: {what}" if where else setting.problem(what) for where, what in structure]
    images: dict[str, BrandingImage | None] = {}
    problems = []
    for field in ("logo", "background"):
        if field in entry:
            image, problem = read_branding_image(entry[field], project_dir)
            if problem:
                problems.append(f"{BRANDING_KEY}.{field} = {show_value(entry[field])}: {problem}")
            images[field] = image
    total = sum(len(image.content) for image in images.values() if image is not None)
    if not problems and total > MAX_BRANDING_FILES_BYTES:
        problems.append(
            f"{BRANDING_KEY}: the images have {total:,} bytes together; at most {MAX_BRANDING_FILES_BYTES:,} fit, "
            "base64-encoded, in Cognito's 2 MB request"
        )
    if problems:
        return None, problems
    return ManagedLoginBranding(images.get("logo"), images.get("background")), []
