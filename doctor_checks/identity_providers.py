"""Company identity providers: each SAML metadata URL and OIDC issuer answers, and what to register at each.

Registering Cognito at the provider is the step everyone gets wrong, so the doctor prints the
values: for SAML the ACS URL https://<domain>/saml2/idpresponse and the entity id (audience)
urn:amazon:cognito:sp:<pool id>; for OIDC and Google the redirect URI
https://<domain>/oauth2/idpresponse. The domain is the `hostedUiDomain` output (else the one
`domainPrefix` names; with `signInDomain`, its name), the pool id the `userPoolId` output: before
the first `make up` there is no pool, and the lines say which values appear after it. No client
secret is ever printed.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from components import urls
from components.settings.model import IdentityProvider, Settings
from doctor_checks.stack_config import pulumi_command
from doctor_checks.world import TIMEOUT, World
from verification.http_client import Client, FetchError, load_json, status_text
from verification.results import CheckLine, failed, passed, skipped

SAML_METADATA = "urn:oasis:names:tc:SAML:2.0:metadata"
SAML_ROOTS = (f"{{{SAML_METADATA}}}EntityDescriptor", f"{{{SAML_METADATA}}}EntitiesDescriptor")
ENTITY_ID_PREFIX = "urn:amazon:cognito:sp:"
FIRST_UP = "after the first `make up`"


@dataclass(frozen=True)
class Pool:
    """What the provider must know of the pool; None where it does not exist yet."""

    domain: str | None
    pool_id: str | None


def read_pool(settings: Settings, outputs: dict[str, Any]) -> Pool:
    """The hosted UI domain and pool id from the stack outputs, else the domain `domainPrefix` fixes.

    With `signInDomain` the domain is that name, before and after `up`: a provider must know it
    before the stack moves sign-in there.
    """
    domain = settings.sign_in_domain.name if settings.sign_in_domain else outputs.get("hostedUiDomain")
    pool_id = outputs.get("userPoolId")
    if not isinstance(domain, str) or not domain:
        domain = urls.hosted_ui_domain(settings.domain_prefix, settings.aws_region) if settings.domain_prefix else None
    return Pool(domain, pool_id if isinstance(pool_id, str) and pool_id else None)


def read_stack_outputs(project_dir: Path, stack: str, world: World) -> dict[str, Any]:
    """`pulumi stack output --json` (secrets stay masked), or {} when the stack has none or the CLI cannot say."""
    if not world.which("pulumi"):
        return {}
    try:
        answer = pulumi_command(project_dir, stack, world, "stack", "output", "--json")
        outputs = json.loads(answer.stdout) if answer.returncode == 0 else {}
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return {}
    return outputs if isinstance(outputs, dict) else {}


def _set(index: int, field: str, stack: str) -> str:
    return f"`pulumi config set --path 'identityProviders[{index}].{field}' <{field}> --stack {stack}`"


def check_saml_metadata(client: Client, provider: IdentityProvider, url: str, index: int, stack: str) -> CheckLine:
    name = f"idp {provider.name}"
    fix = (
        f"copy the metadata URL again from the provider's app for Cognito, {_set(index, 'metadataUrl', stack)}, "
        "or save the document in the repository and use metadataFile; Cognito reads the URL too."
    )
    try:
        response = client.get(url)
    except FetchError as error:
        return failed(name, f"SAML metadata: {error}", fix)
    if response.status_code != 200:
        return failed(name, f"SAML metadata at {url} answered {status_text(response)}", fix)
    try:
        root = ElementTree.fromstring(response.content)
    except ElementTree.ParseError as error:
        return failed(name, f"SAML metadata at {url} is not XML ({error})", fix)
    if root.tag not in SAML_ROOTS:
        return failed(name, f"{url} is not SAML 2.0 metadata: its root element is {root.tag}", fix)
    descriptor = root.find(f".//{{{SAML_METADATA}}}IDPSSODescriptor")
    sso = None if descriptor is None else descriptor.find(f"{{{SAML_METADATA}}}SingleSignOnService")
    if sso is None or not sso.get("Location"):
        return failed(name, f"the SAML metadata at {url} describes no identity provider's sign-on service", fix)
    entity = root.get("entityID") or "(no entityID)"
    return passed(name, f"SAML metadata at {url}: entity {entity}, sign-on at {sso.get('Location')}")


def check_oidc_issuer(client: Client, provider: IdentityProvider, issuer: str, index: int, stack: str) -> CheckLine:
    name = f"idp {provider.name}"
    discovery = issuer.rstrip("/") + urls.WELL_KNOWN_OPENID_CONFIGURATION
    fix = (
        f"set the issuer exactly as the provider's discovery document states it, {_set(index, 'issuer', stack)}: "
        "Cognito fetches the same document."
    )
    try:
        document = load_json(client, discovery, "the discovery document")
    except FetchError as error:
        return failed(name, str(error), fix)
    if not isinstance(document, dict):
        return failed(name, f"the discovery document at {discovery} is not a JSON object", fix)
    if document.get("issuer") != issuer:
        stated = json.dumps(document.get("issuer"))
        return failed(name, f"the discovery document at {discovery} names issuer {stated}, not {issuer}", fix)
    authorize = document.get("authorization_endpoint")
    if not isinstance(authorize, str) or not authorize:
        return failed(name, f"the discovery document at {discovery} names no authorization_endpoint", fix)
    return passed(name, f"issuer {issuer} answers; sign-in at {authorize}")


def registration(provider: IdentityProvider, pool: Pool) -> CheckLine:
    """What to register at the provider, or which values appear after the first `make up`."""
    name = f"register {provider.name}"
    domain = pool.domain
    if provider.type == "SAML":
        acs = f"ACS (reply) URL https://{domain}{urls.SAML_IDP_RESPONSE_PATH}" if domain else None
        entity = f"entity id (audience) {ENTITY_ID_PREFIX}{pool.pool_id}" if pool.pool_id else None
        if acs and entity:
            return passed(name, f"at the SAML provider, register {acs} and {entity}")
        later = [
            what
            for what, value in (
                (f"the ACS URL (https://<hosted UI domain>{urls.SAML_IDP_RESPONSE_PATH})", acs),
                (f"the entity id ({ENTITY_ID_PREFIX}<user pool id>)", entity),
            )
            if value is None
        ]
        now = f"; register {acs} now" if acs else ""
        verb = "appear" if len(later) > 1 else "appears"
        return skipped(name, f"the user pool does not exist yet: {' and '.join(later)} {verb} {FIRST_UP}{now}")
    if domain is None:
        return skipped(
            name,
            "the user pool does not exist yet: the redirect URI "
            f"(https://<hosted UI domain>{urls.OIDC_IDP_RESPONSE_PATH}) appears {FIRST_UP} "
            "(or set domainPrefix to know it now)",
        )
    redirect_uri = f"https://{domain}{urls.OIDC_IDP_RESPONSE_PATH}"
    if provider.type == "Google":
        return passed(
            name,
            f"at Google's OAuth client, register the authorized redirect URI {redirect_uri} and the authorized "
            f"JavaScript origin https://{domain}",
        )
    return passed(name, f"at the OpenID Connect provider, register the redirect URI {redirect_uri}")


def check_identity_providers(settings: Settings, pool: Pool, stack: str) -> Iterator[CheckLine]:
    """For each provider: its metadata or issuer answers (nothing to fetch for Google), then what to register."""
    client = Client(timeout=TIMEOUT)
    try:
        for index, provider in enumerate(settings.identity_providers):
            if provider.type == "SAML" and provider.metadata_url:
                yield check_saml_metadata(client, provider, provider.metadata_url, index, stack)
            elif provider.type == "OIDC" and provider.issuer:
                yield check_oidc_issuer(client, provider, provider.issuer, index, stack)
            yield registration(provider, pool)
    finally:
        client.close()
