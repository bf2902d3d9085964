"""`make check`: a stack file read as the Pulumi CLI reads it, every setting validated, the program run under mocks.

Valid stacks get a summary (what would be declared, who can get in, each route); every bad stack of
the program's bad-input tests is refused with its collected message, exit status 1 and no traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from program_harness import ROOT

from components.settings.model import GENERIC_FIX, qualified_key
from stack_check.cli import SECRET_PLACEHOLDER, main
from tests.program.test_api_clients import BAD_INPUTS, CLIENTS
from tests.program.test_identity_providers_refused import BAD_IDENTITY_SETTINGS
from tests.program.test_routes import BAD_ROUTES
from tests.program.test_sessions_and_kong_version import BAD_SETTINGS as BAD_SESSION_SETTINGS

DEV = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
ENCRYPTED = {"secure": "v1:c2VjcmV0IG5ldmVyIHNob3du"}


def stack_file(folder: Path, settings: Mapping[str, Any], name: str = "dev", drop: tuple[str, ...] = ()) -> Path:
    """Pulumi.<name>.yaml: the dev stack's keys (but `drop`), with `settings` (unqualified keys: this project's)."""
    config = {key: value for key, value in DEV.items() if key not in drop}
    config.update({qualified_key(key): value for key, value in settings.items()})
    path = folder / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    return path


def check(capsys: pytest.CaptureFixture[str], *args: str, project_dir: Path = ROOT) -> tuple[int, str, str]:
    code = main(list(args), project_dir=project_dir)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def no_stack_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STACK", raising=False)
    monkeypatch.delenv("STACK_FILE", raising=False)


# --- valid stacks --------------------------------------------------------------------------------------


def test_the_dev_stack_is_valid_and_summarized(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("make check: Pulumi.dev.yaml (stack dev) is valid; checked offline")
    assert "Would declare 11 resources:" in lines
    assert "  1 aws:cognito/userPool:UserPool" in lines
    assert "  1 kubernetes:configuration.konghq.com/v1:KongPlugin" in lines
    assert "Who can get in: anyone who can sign up (self sign-up is on, no allowedGroups)." in lines
    assert "Sign-in at: Cognito's prefix domain, the classic hosted UI." in lines
    assert "Sessions: in the browser's cookie; plugin config for Kong 3.4 (kongVersion not set)." in lines
    assert lines[-2:] == [
        "Routes (1):",
        "  https://kong-proxy-0123456789.us-west-2.elb.amazonaws.com/bar: mode browser, Ingress default/demo, "
        "KongPlugin oidc",
    ]


def test_the_documented_production_example_is_valid_as_stack_prod(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, "--stack-file", str(ROOT / "docs" / "examples" / "Pulumi.prod.yaml"))
    assert code == 0, out
    assert out.startswith("make check: docs/examples/Pulumi.prod.yaml (stack prod) is valid")
    assert "  2 kubernetes:configuration.konghq.com/v1:KongPlugin" in out
    assert "Who can get in: members of staff (self sign-up is off" in out
    assert "  https://reports.example.com/: mode browser, Ingress reports/reports, KongPlugin reports-login" in out


def test_each_route_shows_its_mode_and_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    routes = [
        {"ingress": "demo", "host": "apps.example.com", "path": "/bar"},
        {"ingress": "orders", "host": "apps.example.com", "path": "/api", "mode": "api", "kind": "HTTPRoute"},
    ]
    code, out, _ = check(capsys, "--stack-file", str(stack_file(tmp_path, {"routes": routes, "apiClients": CLIENTS})))
    assert code == 0, out
    assert "  https://apps.example.com/api: mode api, HTTPRoute default/orders, KongPlugin oidc-orders" in out
    assert "  3 aws:cognito/userPoolClient:UserPoolClient" in out.splitlines()  # the browser's and two machines'


def test_the_own_domain_sessions_and_git_owned_routes_are_summarized(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = {
        "routes": [{"ingress": "demo", "host": "apps.example.com", "path": "/bar", "annotationOwner": "git"}],
        "signInDomain": {"name": "auth.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"},
        "userPoolTier": "ESSENTIALS",
        "managedLogin": "managed",
        "kongVersion": "3.10.0.7",
        "sessions": {"storage": "redis", "redis": {"host": "redis.sessions.svc.cluster.local"}},
    }
    code, out, _ = check(capsys, "--stack-file", str(stack_file(tmp_path, settings)))
    assert code == 0, out
    lines = out.splitlines()
    assert (
        "Sign-in at: auth.example.com (certificate and DNS in Route 53 zone Z0123456789ABCDEFGHIJ), managed login; "
        "Cognito's prefix domain still answers." in lines
    )
    assert (
        "Sessions: in Redis at redis.sessions.svc.cluster.local:6379 over TLS; plugin config for Kong 3.10.0.7."
        in lines
    )
    assert lines[-1].endswith("KongPlugin oidc, listed by Git (annotationOwner git)")


def test_an_encrypted_client_secret_is_checked_as_set_and_never_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As `pulumi config set --secret --path 'identityProviders[0].clientSecret'` writes it.
    okta = {"name": "Okta", "type": "OIDC", "issuer": "https://acme.okta.com", "clientId": "0oa1"}
    path = stack_file(tmp_path, {"identityProviders": [{**okta, "clientSecret": ENCRYPTED}]})
    code, out, err = check(capsys, "--stack-file", str(path))
    assert code == 0, err
    assert "  1 aws:cognito/identityProvider:IdentityProvider" in out
    assert "Encrypted, so not read (checked as set): kong-cognito-oidc:identityProviders." in out
    assert ENCRYPTED["secure"] not in out + err and SECRET_PLACEHOLDER not in out + err
    # In plain text it is refused, as the program refuses it.
    code, _, err = check(
        capsys, "--stack-file", str(stack_file(tmp_path, {"identityProviders": [{**okta, "clientSecret": "s"}]}))
    )
    assert code == 1 and "identityProviders[0].clientSecret: set in plain text" in err


def test_a_setting_encrypted_whole_cannot_be_checked_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Its value is unknown here: not "(a secret): expected one of off, optional, required", but why and what to do.
    path = stack_file(tmp_path, {"mfa": ENCRYPTED, "cacheTtl": 0, "kubernetes:kubeconfig": ENCRYPTED})
    code, _, err = check(capsys, "--stack-file", str(path))
    assert code == 1
    assert "Invalid stack configuration (2 problems)" in err
    assert 'kong-cognito-oidc:cacheTtl = "0"' in err
    assert "kong-cognito-oidc:mfa: encrypted as a whole, so make check cannot read it to check it." in err
    assert "expected one of off" not in err and ENCRYPTED["secure"] not in err


def test_keys_of_other_tools_pass_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = stack_file(tmp_path, {"datadog:apiKey": ENCRYPTED, "myteam:owner": "platform", "aws:profile": "deploy"})
    code, out, _ = check(capsys, "--stack-file", str(path))
    assert code == 0, out
    assert out.splitlines()[-1] == "Note: not read by this stack (kept for other tools): datadog:apiKey, myteam:owner."
    assert ENCRYPTED["secure"] not in out


def test_an_organization_qualified_stack_reads_its_own_stack_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    stack_file(tmp_path, {"allowedGroups": ["staff"]})
    monkeypatch.setenv("STACK", "acme/dev")
    code, out, _ = check(capsys, project_dir=tmp_path)
    assert code == 0, out
    assert out.startswith("make check: Pulumi.dev.yaml (stack acme/dev) is valid")
    assert "Who can get in: members of staff" in out


# --- refused stacks ------------------------------------------------------------------------------------


def _from_json(value: str) -> Any:
    """A config string as a stack file would write it: a list or map as YAML, anything else as it is."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _secret_client_secrets(settings: Mapping[str, object]) -> dict[str, object]:
    """The settings with each client secret encrypted, as the documentation says to set it."""
    providers = settings.get("identityProviders")
    if not isinstance(providers, list):
        return dict(settings)
    encrypted = [
        {**provider, "clientSecret": ENCRYPTED} if "clientSecret" in provider else provider for provider in providers
    ]
    return {**settings, "identityProviders": encrypted}


BAD_SETTINGS = [
    *[pytest.param({"routes": _from_json(routes)}, "routes", id=f"routes-{n}") for n, routes in enumerate(BAD_ROUTES)],
    *[
        pytest.param(
            {"routes": routes, "apiClients": CLIENTS, **{key: _from_json(value) for key, value in more.items()}},
            where,
            id=f"api-{n}-{where}",
        )
        for n, (routes, more, where) in enumerate(BAD_INPUTS)
    ],
    *[
        pytest.param(_secret_client_secrets(settings), where, id=f"identity-{n}-{where}")
        for n, (settings, where) in enumerate(BAD_IDENTITY_SETTINGS)
    ],
    *[
        pytest.param(settings, where, id=f"sessions-{n}-{where}")
        for n, (settings, where) in enumerate(BAD_SESSION_SETTINGS)
    ],
    pytest.param({"dataPlaneHost": "https://lb.example.com", "cacheTtl": 0, "scopes": ["email"]}, "dataPlaneHost"),
    pytest.param({"allowedGroup": ["staff"]}, "allowedGroup: not a setting of this project; did you mean"),
    pytest.param({"kong-congito-oidc:allowedGroups": ["staff"]}, "kong-congito-oidc:allowedGroups: unknown namespace"),
    pytest.param({"myteam:allowedGroups": ["staff"]}, "myteam:allowedGroups: unknown namespace"),
]


@pytest.mark.parametrize(("settings", "where"), BAD_SETTINGS)
def test_every_bad_stack_of_the_programs_tests_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: dict[str, Any], where: str
) -> None:
    code, out, err = check(capsys, "--stack-file", str(stack_file(tmp_path, settings)))
    assert (code, out) == (1, "")
    assert err.startswith("make check: ") and "Invalid stack configuration (" in err
    assert where in err, err
    assert "Traceback" not in err and ENCRYPTED["secure"] not in err


def test_a_missing_region_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(capsys, "--stack-file", str(stack_file(tmp_path, {}, drop=("aws:region",))))
    assert code == 1 and "aws:region = (not set): this setting is required" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # yaml.v3's words, as the Pulumi CLI prints them (tests/e2e/test_engine_stack_file_keys.py).
        (
            "config:\n  aws:region: us-west-2\n  kong-cognito-oidc:allowedGroups: [staff]\n"
            "  kong-cognito-oidc:allowedGroups: [admins]\n",
            'Pulumi.dev.yaml is not valid YAML: line 4: mapping key "kong-cognito-oidc:allowedGroups" already '
            "defined at line 3",
        ),
        (
            "config:\n  aws:region: us-west-2\n  allowedGroups: [staff]\n  kong-cognito-oidc:allowedGroups: [admins]\n",
            "Pulumi.dev.yaml is not valid: lines 3 and 4 both set kong-cognito-oidc:allowedGroups (as allowedGroups "
            "and kong-cognito-oidc:allowedGroups): the Pulumi CLI keeps either value",
        ),
        ("config:\n  aws:region: [us-west-2\n", "Pulumi.dev.yaml is not valid YAML: line 3, column 1"),
        ("- aws:region\n", "Pulumi.dev.yaml is not a YAML mapping of keys to values (it holds a list)"),
    ],
    ids=["key-twice", "key-written-two-ways", "not-yaml", "not-a-mapping"],
)
def test_a_stack_file_the_cli_would_not_read_is_refused_naming_the_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    (tmp_path / "Pulumi.dev.yaml").write_text(text)
    code, out, err = check(capsys, "--stack-file", str(tmp_path / "Pulumi.dev.yaml"))
    assert (code, out) == (1, "")
    assert message in err and "Traceback" not in err


def test_a_missing_stack_file_says_how_to_make_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(capsys, "--stack", "qa", project_dir=tmp_path)
    assert code == 1
    assert err.startswith("make check: no stack file Pulumi.qa.yaml: create it with pulumi stack init qa, then")


def test_problems_with_their_own_fix_get_no_generic_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = [{"name": "Okta", "type": "OIDC", "issuer": "https://acme.okta.com", "clientId": "0", "clientSecret": "s"}]
    _, _, err = check(capsys, "--stack-file", str(stack_file(tmp_path, {"identityProviders": plain})))
    assert "pulumi config set --secret --path 'identityProviders[0].clientSecret'" in err
    assert GENERIC_FIX not in err


def test_make_check_exits_1_on_a_bad_stack_file_without_a_traceback(tmp_path: Path) -> None:
    # The real entry point, as CI's pull-request workflow runs it: a process of its own.
    path = stack_file(tmp_path, {"kong-congito-oidc:allowedGroups": ["staff"]}, name="qa")
    done = subprocess.run(
        ["make", "--no-print-directory", "check", f"STACK_FILE={path}"],
        cwd=ROOT,
        env={key: value for key, value in os.environ.items() if key != "STACK"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert f"make check: {path} (stack qa) is not valid." in done.stderr
    assert "kong-congito-oidc:allowedGroups: unknown namespace; did you mean kong-cognito-oidc:allowedGroups?" in (
        done.stderr
    )
    assert "Traceback" not in done.stdout + done.stderr
