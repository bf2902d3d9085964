"""Scenario: company identity providers, the groups of federated users, MFA and signInWith, through the engine.

The reference stack: one SAML and one OIDC provider, allowedGroups [staff], the OIDC
client secret set as the docs say (`pulumi config set --secret --path`). Cognito, IAM and Lambda
are moto's, through the AWS provider stand-in: the pool gets both providers (the secret where
Cognito needs it), the app client lists them, the groups trigger is declared and wired to the
pool, and the secret is nowhere in plain text, neither in the engine's state nor in what the
CLI prints. Whether the trigger lets a `staff` user through is its own tests' and the sign-in
stand-ins' (moto runs no Lambda without docker).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_state import (
    POLICY_PACK_RAN,
    app_clients,
    changes,
    cognito_client,
    iam_client,
    identity_providers,
    kong_plugins,
    lambda_client,
    plugins_listed,
    user_pools,
)
from engine import Engine
from identity_provider_examples import ENTRA, OKTA
from kube_apiserver import KubeApiServer

pytestmark = pytest.mark.e2e

STACK = "idps"
OKTA_SECRET = "okta-client-secret-e2e-9b74c9897bac770f"
ROUTES = [{"ingress": "demo", "host": "apps.example.com", "path": "/bar", "signInWith": "Okta"}]


def test_two_identity_providers_with_groups_and_mfa_up_preview_destroy_with_the_secret_never_in_plain_text(
    engine: Engine,
    project: Path,
    engine_cluster: KubeApiServer,
    moto_url: str,
    demo_ingress: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # moto's IAM knows AWS's managed policies (the trigger's role gets AWSLambdaBasicExecutionRole) only when asked.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    config = {
        "aws:region": "us-west-2",
        "kong-cognito-oidc:routes": ROUTES,
        "kong-cognito-oidc:identityProviders": [ENTRA, OKTA],
        "kong-cognito-oidc:mfa": "optional",
        "kong-cognito-oidc:allowedGroups": ["staff"],
    }
    (project / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": config}))
    init = engine.pulumi(project, STACK, "stack", "init")
    assert init.returncode == 0, init
    secret = engine.pulumi(
        project, STACK, "config", "set", "--secret", "--path", "identityProviders[1].clientSecret", OKTA_SECRET
    )
    assert secret.returncode == 0, secret
    assert OKTA_SECRET not in (project / f"Pulumi.{STACK}.yaml").read_text()

    up = engine.make("up", project, STACK)
    assert up.returncode == 0, up
    assert OKTA_SECRET not in up.output

    # Cognito: both providers, the secret where Cognito needs it; the client offers them with local accounts.
    (pool,) = user_pools(moto_url)
    providers = identity_providers(moto_url, pool["Id"])
    assert {name: found["ProviderType"] for name, found in providers.items()} == {"Entra": "SAML", "Okta": "OIDC"}
    assert providers["Okta"]["ProviderDetails"]["client_secret"] == OKTA_SECRET
    assert providers["Entra"]["IdpIdentifiers"] == ["example.com"]
    ((_, client),) = app_clients(moto_url).items()
    assert client["SupportedIdentityProviders"] == ["COGNITO", "Entra", "Okta"]
    described = cognito_client(moto_url).describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described["UserPoolTier"] == "LITE"

    # Groups: each provider's groups go to the custom attribute, which the client may write and the trigger reads.
    assert providers["Entra"]["AttributeMapping"]["custom:idp_groups"] == ENTRA["groupsAttribute"]
    assert providers["Okta"]["AttributeMapping"]["custom:idp_groups"] == "groups"
    assert "custom:idp_groups" in {attribute["Name"] for attribute in described["SchemaAttributes"]}
    assert "custom:idp_groups" in client["WriteAttributes"]
    (function,) = lambda_client(moto_url).list_functions()["Functions"]
    assert described["LambdaConfig"]["PreTokenGenerationConfig"] == {
        "LambdaArn": function["FunctionArn"],
        "LambdaVersion": "V1_0",
    }
    assert function["Handler"] == "handler.handler"
    (statement,) = json.loads(lambda_client(moto_url).get_policy(FunctionName=function["FunctionName"])["Policy"])[
        "Statement"
    ]
    assert statement["Principal"] == {"Service": "cognito-idp.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == described["Arn"]
    role = function["Role"].rsplit("/", 1)[-1]
    attached = iam_client(moto_url).list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert [policy["PolicyName"] for policy in attached] == ["AWSLambdaBasicExecutionRole"]
    mfa = cognito_client(moto_url).get_user_pool_mfa_config(UserPoolId=pool["Id"])
    assert (mfa["MfaConfiguration"], mfa["SoftwareTokenMfaConfiguration"]) == ("OPTIONAL", {"Enabled": True})

    # Kong: the signInWith route goes straight to Okta.
    (plugin,) = kong_plugins(engine_cluster)
    assert plugin["config"]["authorization_query_args_names"] == ["identity_provider"]
    assert plugin["config"]["authorization_query_args_values"] == ["Okta"]
    assert plugins_listed(engine_cluster) == [plugin["metadata"]["name"]]

    # The secret: encrypted in the state (inputs and what Cognito read back), absent from the outputs.
    exported = json.dumps(engine.export(project, STACK))
    assert OKTA_SECRET not in exported
    assert '"ciphertext"' in exported
    shown = engine.pulumi(project, STACK, "stack", "output", "--json")
    assert shown.returncode == 0, shown
    assert json.loads(shown.output)["identityProviders"] == [
        {"name": "Entra", "type": "SAML"},
        {"name": "Okta", "type": "OIDC"},
    ]
    assert OKTA_SECRET not in shown.output

    preview = engine.pulumi(project, STACK, "preview", "--diff", "--expect-no-changes")
    assert preview.returncode == 0, preview
    assert set(changes(preview.output)) == {"unchanged"}, preview
    assert OKTA_SECRET not in preview.output

    destroy = engine.make("destroy", project, STACK)
    assert destroy.returncode == 0, destroy
    assert kong_plugins(engine_cluster) == []
    assert user_pools(moto_url) == []
    assert lambda_client(moto_url).list_functions()["Functions"] == []
    assert iam_client(moto_url).list_roles()["Roles"] == []


def test_a_stack_with_company_accounts_only_passes_the_policy_pack_of_make_preview(
    engine: Engine, project: Path, engine_cluster: KubeApiServer, moto_url: str, demo_ingress: dict[str, Any]
) -> None:
    config = {
        "aws:region": "us-west-2",
        "kong-cognito-oidc:routes": [{"ingress": "demo", "host": "apps.example.com", "path": "/bar"}],
        "kong-cognito-oidc:identityProviders": [ENTRA],
        "kong-cognito-oidc:localAccounts": False,
    }
    (project / "Pulumi.company.yaml").write_text(yaml.safe_dump({"config": config}))
    preview = engine.make("preview", project, "company")
    assert preview.returncode == 0, preview
    assert POLICY_PACK_RAN.search(preview.output), preview
    assert re.search(r'supportedIdentityProviders\s*: \[\s*\[0\]: "Entra"\s*\]', preview.output), preview
    assert user_pools(moto_url) == []
