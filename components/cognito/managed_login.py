"""Managed login: the branding style Cognito's newer sign-in pages need for each app client people use.

"A ManagedLoginVersion value of 2 does not activate managed login pages for your app client. ...
When you use the API or an SDK, you must create a branding style yourself" (botocore's cognito-idp
model, CreateUserPoolDomainRequest.ManagedLoginVersion). Without images the style is Cognito's
own (UseCognitoProvidedValues); with them, the settings turn on the form's logo and the page's
background image (the branding designer's settings document, as terraform-provider-aws's
acceptance tests write it) and the files are the style's assets.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pulumi
from pulumi_aws import cognito

from components import naming
from components.settings.model import BrandingImage, ManagedLoginBranding
from components.vocabulary import ManagedLogin

MANAGED_LOGIN_VERSION: dict[ManagedLogin, int] = {"classic": 1, "managed": 2}
"""UserPoolDomain's managedLoginVersion: 1 is the hosted UI (classic), 2 managed login."""
# The browser's default colour scheme of managed login: each image is given for it.
COLOR_MODE = "LIGHT"
LOGO_CATEGORY = "FORM_LOGO"
BACKGROUND_CATEGORY = "PAGE_BACKGROUND"


def branding_settings(branding: ManagedLoginBranding) -> dict[str, Any]:
    """The settings document that shows the images given."""
    components: dict[str, Any] = {}
    if branding.logo is not None:
        components["form"] = {"logo": {"enabled": True, "formInclusion": "IN", "location": "CENTER", "position": "TOP"}}
    if branding.background is not None:
        components["pageBackground"] = {"image": {"enabled": True}}
    return {"components": components}


def _asset(category: str, image: BrandingImage) -> dict[str, str]:
    return {
        "category": category,
        "color_mode": COLOR_MODE,
        "extension": image.extension,
        "bytes": base64.b64encode(image.content).decode("ascii"),
    }


def branding_assets(branding: ManagedLoginBranding | None) -> list[dict[str, str]]:
    if branding is None:
        return []
    images = ((LOGO_CATEGORY, branding.logo), (BACKGROUND_CATEGORY, branding.background))
    return [_asset(category, image) for category, image in images if image is not None]


def declare_branding(
    name: str,
    region: str,
    user_pool_id: pulumi.Input[str],
    client_id: pulumi.Input[str],
    branding: ManagedLoginBranding | None,
    parent: pulumi.Resource,
) -> cognito.ManagedLoginBranding:
    """The app client's style: Cognito's own, or the settings and images of `managedLoginBranding`."""
    assets = branding_assets(branding)
    style: dict[str, Any] = (
        {"settings": json.dumps(branding_settings(branding), sort_keys=True), "assets": assets}
        if branding is not None and assets
        else {"use_cognito_provided_values": True}
    )
    return cognito.ManagedLoginBranding(
        naming.child(name, "branding"),
        region=region,
        user_pool_id=user_pool_id,
        client_id=client_id,
        **style,
        # New images replace the style, and a client has at most one (ManagedLoginBrandingExistsException).
        opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=True),
    )
