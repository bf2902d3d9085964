"""Company identity providers as a stack sets them (`identityProviders` entries), for the engine scenarios.

Entra ID over SAML with its groups claim, and Okta over OIDC; the Okta client secret is set apart by each
scenario (`pulumi config set --secret --path`), so it is not here.
"""

from __future__ import annotations

from typing import Any

ENTRA: dict[str, Any] = {
    "name": "Entra",
    "type": "SAML",
    "metadataUrl": "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
    "attributes": {"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"},
    "groupsAttribute": "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    "identifiers": ["example.com"],
}
OKTA: dict[str, Any] = {
    "name": "Okta",
    "type": "OIDC",
    "issuer": "https://example.okta.com",
    "clientId": "0oa1example",
    "attributes": {"email": "email"},
    "groupsAttribute": "groups",
}
