"""`make doctor` and the company identity providers: their metadata and issuers answer, and what to register.

The providers are local HTTPS stand-ins answering as SAML IdPs (metadata) and OpenID Connect
providers (discovery) do; the stack outputs come from a stand-in `pulumi stack output --json`.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from oidc_servers import Reply, TlsServer, json_reply, tls_server
from program_harness import ROOT
from verify_stack import Certificates

from components.settings.load import parse_settings
from components.settings.model import IdentityProvider, Settings, SignInDomain
from doctor_checks import cli
from doctor_checks.identity_providers import Pool, check_identity_providers, read_pool
from doctor_checks.world import World
from verification.results import CheckLine

POOL_ID = "us-west-2_AbC123"
DOMAIN = "kong-oidc-dev-1a2b3c4d.auth.us-west-2.amazoncognito.com"
SECRET = "0idc-client-s3cret"
METADATA_PATH = "/federationmetadata/2007-06/federationmetadata.xml"
ISSUER_PATH = "/oauth2/default"


def saml_metadata(sso: str, root: str = "md:EntityDescriptor") -> Reply:
    document = (
        f'<{root} xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sts.example.test/tenant">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f'<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso}"/>'
        f"</md:IDPSSODescriptor></{root}>"
    )
    return Reply(200, {"Content-Type": "application/samlmetadata+xml"}, document.encode())


@pytest.fixture(scope="module", name="company_idp")
def company_idp_fixture(certificates: Certificates) -> Iterator[TlsServer]:
    with tls_server(certificates.cognito) as server:
        yield server


@pytest.fixture(name="idp")
def idp_fixture(company_idp: TlsServer, certificates: Certificates, monkeypatch: pytest.MonkeyPatch) -> TlsServer:
    """A provider that serves SAML metadata and an OpenID Connect discovery document, both right."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates.cognito_ca_file))
    company_idp.routes.clear()
    company_idp.requests.clear()
    company_idp.routes[METADATA_PATH] = saml_metadata(company_idp.url("/saml2/sso"))
    company_idp.routes[ISSUER_PATH + "/.well-known/openid-configuration"] = json_reply(
        {"issuer": company_idp.url(ISSUER_PATH), "authorization_endpoint": company_idp.url("/oauth2/v1/authorize")}
    )
    return company_idp


def providers(idp: TlsServer) -> tuple[IdentityProvider, ...]:
    common: dict[str, Any] = {"attribute_mapping": (("email", "email"),), "groups_attribute": None, "identifiers": ()}
    return (
        IdentityProvider(
            "Entra", "SAML", (("MetadataURL", idp.url(METADATA_PATH)),), metadata_url=idp.url(METADATA_PATH), **common
        ),
        IdentityProvider("Okta", "OIDC", (), issuer=idp.url(ISSUER_PATH), client_secret=SECRET, **common),
        IdentityProvider("Google", "Google", (), client_secret=SECRET, **common),
    )


def settings(idp: TlsServer, **changes: Any) -> Settings:
    base = parse_settings({"aws:region": "us-west-2", "dataPlaneHost": "kong.example.test"})
    return dataclasses.replace(base, identity_providers=providers(idp), **changes)


def lines(checks: Iterator[CheckLine]) -> list[str]:
    return [check.line() for check in checks]


# --- What to register ------------------------------------------------------------------------------------


def test_a_deployed_pool_prints_every_value_to_register_and_no_secret(idp: TlsServer) -> None:
    printed = lines(check_identity_providers(settings(idp), Pool(DOMAIN, POOL_ID), "dev"))
    assert printed == [
        f"PASS idp Entra: SAML metadata at {idp.url(METADATA_PATH)}: entity https://sts.example.test/tenant, "
        f"sign-on at {idp.url('/saml2/sso')}",
        f"PASS register Entra: at the SAML provider, register ACS (reply) URL https://{DOMAIN}/saml2/idpresponse "
        f"and entity id (audience) urn:amazon:cognito:sp:{POOL_ID}",
        f"PASS idp Okta: issuer {idp.url(ISSUER_PATH)} answers; sign-in at {idp.url('/oauth2/v1/authorize')}",
        f"PASS register Okta: at the OpenID Connect provider, register the redirect URI "
        f"https://{DOMAIN}/oauth2/idpresponse",
        f"PASS register Google: at Google's OAuth client, register the authorized redirect URI "
        f"https://{DOMAIN}/oauth2/idpresponse and the authorized JavaScript origin https://{DOMAIN}",
    ]
    assert SECRET not in "\n".join(printed)


def test_before_the_first_up_it_says_which_values_appear_after_it(idp: TlsServer) -> None:
    printed = lines(check_identity_providers(settings(idp), Pool(None, None), "dev"))
    registers = [line for line in printed if " register " in line]
    assert registers == [
        "SKIP register Entra: the user pool does not exist yet: the ACS URL (https://<hosted UI domain>"
        "/saml2/idpresponse) and the entity id (urn:amazon:cognito:sp:<user pool id>) appear after the first "
        "`make up`",
        "SKIP register Okta: the user pool does not exist yet: the redirect URI (https://<hosted UI domain>"
        "/oauth2/idpresponse) appears after the first `make up` (or set domainPrefix to know it now)",
        "SKIP register Google: the user pool does not exist yet: the redirect URI (https://<hosted UI domain>"
        "/oauth2/idpresponse) appears after the first `make up` (or set domainPrefix to know it now)",
    ]


def test_a_domain_prefix_gives_the_urls_before_the_pool_exists(idp: TlsServer) -> None:
    chosen = settings(idp, domain_prefix="acme-sign-in")
    pool = read_pool(chosen, {})
    assert pool == Pool("acme-sign-in.auth.us-west-2.amazoncognito.com", None)
    printed = lines(check_identity_providers(chosen, pool, "dev"))
    assert printed[1] == (
        "SKIP register Entra: the user pool does not exist yet: the entity id (urn:amazon:cognito:sp:<user pool id>) "
        "appears after the first `make up`; register ACS (reply) URL "
        "https://acme-sign-in.auth.us-west-2.amazoncognito.com/saml2/idpresponse now"
    )
    assert printed[3].startswith(
        "PASS register Okta: at the OpenID Connect provider, register the redirect URI "
        "https://acme-sign-in.auth.us-west-2.amazoncognito.com/oauth2/idpresponse"
    )


def test_the_outputs_name_the_pool_over_the_domain_prefix(idp: TlsServer) -> None:
    chosen = settings(idp, domain_prefix="acme-sign-in")
    assert read_pool(chosen, {"hostedUiDomain": DOMAIN, "userPoolId": POOL_ID, "clientSecret": "[secret]"}) == Pool(
        DOMAIN, POOL_ID
    )


def test_with_an_own_sign_in_domain_providers_register_it_before_and_after_up(idp: TlsServer) -> None:
    own = SignInDomain("auth.example.com", None, "Z0123456789ABCDEFGHIJ")
    chosen = settings(idp, domain_prefix="acme-sign-in", sign_in_domain=own)
    assert read_pool(chosen, {}) == Pool("auth.example.com", None)
    # Before the `up` that moves sign-in there, the outputs still name the prefix domain.
    assert read_pool(chosen, {"hostedUiDomain": DOMAIN, "userPoolId": POOL_ID}) == Pool("auth.example.com", POOL_ID)


# --- Metadata and issuers that do not answer as they must -------------------------------------------------


def only(idp: TlsServer, name: str, **changes: Any) -> CheckLine:
    chosen = settings(idp, **changes)
    checks = {check.name: check for check in check_identity_providers(chosen, Pool(DOMAIN, POOL_ID), "dev")}
    return checks[name]


def test_a_metadata_url_that_answers_404_fails_with_the_key_to_set(idp: TlsServer) -> None:
    del idp.routes[METADATA_PATH]
    check = only(idp, "idp Entra")
    assert check.line() == (
        f"FAIL idp Entra: SAML metadata at {idp.url(METADATA_PATH)} answered 404 Not Found Fix: copy the metadata "
        "URL again from the provider's app for Cognito, `pulumi config set --path 'identityProviders[0].metadataUrl' "
        "<metadataUrl> --stack dev`, or save the document in the repository and use metadataFile; Cognito reads the "
        "URL too."
    )


@pytest.mark.parametrize(
    ("reply", "detail"),
    [
        (Reply(200, {"Content-Type": "text/html"}, b"<html><body>Sign in</body></html"), "is not XML"),
        (Reply(200, {}, b"<html><body>Sign in</body></html>"), "is not SAML 2.0 metadata: its root element is html"),
        (
            Reply(200, {}, b'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>'),
            "describes no identity provider's sign-on service",
        ),
    ],
    ids=["not XML", "a sign-in page", "no IdP descriptor"],
)
def test_a_metadata_url_that_does_not_answer_with_saml_metadata_fails(
    idp: TlsServer, reply: Reply, detail: str
) -> None:
    idp.routes[METADATA_PATH] = reply
    check = only(idp, "idp Entra")
    assert check.status == "FAIL", check.line()
    assert detail in check.detail


def test_an_entities_descriptor_is_saml_metadata_too(idp: TlsServer) -> None:
    idp.routes[METADATA_PATH] = saml_metadata(idp.url("/sso"), root="md:EntitiesDescriptor")
    assert only(idp, "idp Entra").status == "PASS"


def test_an_issuer_whose_discovery_names_another_issuer_fails(idp: TlsServer) -> None:
    idp.routes[ISSUER_PATH + "/.well-known/openid-configuration"] = json_reply(
        {"issuer": idp.url(ISSUER_PATH) + "/", "authorization_endpoint": idp.url("/authorize")}
    )
    check = only(idp, "idp Okta")
    assert check.line().startswith(
        f"FAIL idp Okta: the discovery document at {idp.url(ISSUER_PATH)}/.well-known/openid-configuration names "
        f'issuer "{idp.url(ISSUER_PATH)}/", not {idp.url(ISSUER_PATH)} Fix: set the issuer exactly as the '
        "provider's discovery document states it, `pulumi config set --path 'identityProviders[1].issuer' <issuer> "
        "--stack dev`"
    )


def test_an_issuer_without_a_discovery_document_fails(idp: TlsServer) -> None:
    idp.routes.clear()
    check = only(idp, "idp Okta")
    assert check.status == "FAIL"
    assert check.detail == (
        f"the discovery document at {idp.url(ISSUER_PATH)}/.well-known/openid-configuration answered 404 Not Found"
    )


def test_an_issuer_that_does_not_answer_fails(idp: TlsServer, certificates: Certificates) -> None:
    with tls_server(certificates.cognito) as gone:
        issuer = gone.url(ISSUER_PATH)
    okta = dataclasses.replace(providers(idp)[1], issuer=issuer)
    chosen = dataclasses.replace(settings(idp), identity_providers=(okta,))
    check = next(check_identity_providers(chosen, Pool(DOMAIN, POOL_ID), "dev"))
    assert check.status == "FAIL"
    assert check.detail.startswith(f"cannot connect to {issuer.removeprefix('https://').split('/')[0]}")


# --- Through `make doctor` -------------------------------------------------------------------------------


class FakePulumi:
    """`pulumi config --json`, `config get` and `stack output --json` through scripts/pulumi-stack.sh.

    `identityProviders` holds client secrets (`--secret --path`): the CLI lists it as secret, without a value.
    """

    def __init__(
        self, config: Mapping[str, str], secrets: Mapping[str, str], outputs: Mapping[str, Any] | None
    ) -> None:
        self.config, self.secrets, self.outputs = config, secrets, outputs
        self.commands: list[list[str]] = []

    def __call__(self, command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        args = list(command[1:])
        self.commands.append(args)
        if args == ["config", "--json"]:
            listed: dict[str, Any] = {key: {"value": value, "secret": False} for key, value in self.config.items()}
            listed |= {key: {"secret": True} for key in self.secrets}
            return subprocess.CompletedProcess(command, 0, json.dumps(listed), "")
        if args[:2] == ["config", "get"] and args[2] in self.secrets:
            return subprocess.CompletedProcess(command, 0, self.secrets[args[2]] + "\n", "")
        if args == ["stack", "output", "--json"] and self.outputs is not None:
            return subprocess.CompletedProcess(command, 0, json.dumps(self.outputs), "")
        return subprocess.CompletedProcess(command, 255, "", "error: no stack named 'dev' found\n")


def doctor(
    tmp_path: Path, idp: TlsServer, monkeypatch: pytest.MonkeyPatch, outputs: Mapping[str, Any] | None
) -> tuple[list[str], FakePulumi]:
    """`make doctor` on a stack whose identityProviders name the stand-ins; nothing reaches AWS or a cluster."""
    for name, value in {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "HOME": str(tmp_path),
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "KUBECONFIG"):
        monkeypatch.delenv(name, raising=False)
    email = {"email": "email"}
    configured = [
        {"name": "Entra", "type": "SAML", "metadataUrl": idp.url(METADATA_PATH), "attributes": email},
        {"name": "Okta", "type": "OIDC", "issuer": idp.url(ISSUER_PATH), "clientId": "0oa1", "clientSecret": SECRET},
        {"name": "Google", "type": "Google", "clientId": "1.apps.googleusercontent.com", "clientSecret": SECRET},
    ]
    config = {"aws:region": "us-west-2", "kong-cognito-oidc:dataPlaneHost": "kong.example.test"}
    pulumi = FakePulumi(config, {"kong-cognito-oidc:identityProviders": json.dumps(configured)}, outputs)
    world = World(
        which={"pulumi": "/usr/local/bin/pulumi", "uv": "/usr/local/bin/uv"}.get,
        python_version=(3, 11, 7),
        resolve=lambda host: ["192.0.2.10"],
        run=pulumi,
        environ={"PATH": "/usr/bin"},
    )
    return [check.line() for check in cli.run_checks("dev", ROOT, world)], pulumi


def test_doctor_checks_the_configured_providers_and_reads_the_pool_from_the_outputs(
    tmp_path: Path, idp: TlsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed, pulumi = doctor(tmp_path, idp, monkeypatch, {"hostedUiDomain": DOMAIN, "userPoolId": POOL_ID})
    assert printed[3].startswith("PASS settings: "), printed[3]
    assert ["stack", "output", "--json"] in pulumi.commands
    names = [line.split(":")[0] for line in printed]
    assert names[-5:] == [
        "PASS idp Entra",
        "PASS register Entra",
        "PASS idp Okta",
        "PASS register Okta",
        "PASS register Google",
    ]
    assert f"urn:amazon:cognito:sp:{POOL_ID}" in printed[-4]
    assert idp.requests == [METADATA_PATH, ISSUER_PATH + "/.well-known/openid-configuration"]
    assert SECRET not in "\n".join(printed)


def test_doctor_before_the_first_up_says_what_comes_after_it(
    tmp_path: Path, idp: TlsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed, _ = doctor(tmp_path, idp, monkeypatch, None)
    registers = [line for line in printed if line.startswith("SKIP register")]
    assert [line.split(":")[0] for line in registers] == [
        "SKIP register Entra",
        "SKIP register Okta",
        "SKIP register Google",
    ]
    assert all("after the first `make up`" in line for line in registers)
