"""The policy pack in policy/: each policy passes and fails where it should, offline.

Each policy's validate runs on hand-made ResourceValidationArgs whose props are wrapped the way
the SDK wraps them for the engine's Analyze call; PolicyPack is never built (it starts a server).
"""

from __future__ import annotations

import importlib.util
import json
import runpy
import sys
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import pulumi_policy
import pytest
import yaml
from google.protobuf import json_format
from program_harness import PROJECT, ROOT, CloudMocks, RecordingMonitor, dev_stack_config, run_program
from pulumi.runtime import MockResourceArgs
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION

POLICY_DIR = ROOT / "policy"


def _load_policy_module() -> ModuleType:
    # Loaded by path under the name __main__.py imports it by, so both see the same objects.
    spec = importlib.util.spec_from_file_location("kong_cognito_policies", POLICY_DIR / "kong_cognito_policies.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


policies = _load_policy_module()

USER_POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
KONG_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin"
KONG_CLUSTER_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongClusterPlugin"
INGRESS_PATCH = "kubernetes:networking.k8s.io/v1:IngressPatch"
ANNOTATION = "pulumi-python:dynamic/kong:IngressPluginAnnotation"
UNKNOWN = UNKNOWN_STRING_VALUE  # how the engine sends a value not known during preview

GOOD_CLIENT = {
    "callbackUrls": ["https://app.example.com/bar"],
    "logoutUrls": ["https://app.example.com/"],
    "allowedOauthFlows": ["code"],
    "allowedOauthFlowsUserPoolClient": True,
    "supportedIdentityProviders": ["COGNITO"],
}
GOOD_POOL = {"passwordPolicy": {"minimumLength": 12.0}, "deletionProtection": "ACTIVE"}
GOOD_PLUGIN = {
    "plugin": "openid-connect",
    "config": {"issuer": "https://issuer.example.com", "client_id": ["abc"]},
    "configPatches": [{"path": "/client_secret", "valueFrom": {"secretKeyRef": {"name": "s", "key": "client_secret"}}}],
}


def urn(type_: str, stack: str = "dev", name: str = "res") -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"


def validation_args(
    type_: str, props: Mapping[str, Any], stack: str = "dev", config: Mapping[str, Any] | None = None
) -> ResourceValidationArgs:
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    wrapped = unknown_checking_proxy(dict(props))  # as the SDK's Analyze hands props to policies
    return ResourceValidationArgs(type_, wrapped, urn(type_, stack), "res", options, None, config)


def violations(
    policy_name: str,
    type_: str,
    props: Mapping[str, Any],
    stack: str = "dev",
    config: Mapping[str, Any] | None = None,
) -> list[str]:
    (policy,) = [policy for policy in policies.POLICIES if policy.name == policy_name]
    found: list[str] = []
    policy.validate(validation_args(type_, props, stack, config), lambda message, urn=None: found.append(message))
    return found


# --- cognito-redirect-urls-https ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://app.example.com/bar",
        "https://kong-proxy-0123456789.us-west-2.elb.amazonaws.com:8443/bar?x=1",
        "http://localhost/callback",
        "http://localhost:3000/",
    ],
)
def test_https_and_localhost_redirect_urls_pass(url: str) -> None:
    props = {**GOOD_CLIENT, "callbackUrls": [url], "logoutUrls": [url], "defaultRedirectUri": url}
    assert violations("cognito-redirect-urls-https", CLIENT, props) == []


@pytest.mark.parametrize(
    ("url", "phrase"),
    [
        ("http://app.example.com/bar", "plain http only for http://localhost"),
        ("http://127.0.0.1:3000/", "plain http only for http://localhost"),
        ("http://localhost.example.com/", "plain http only for http://localhost"),
        ("myapp://callback", 'the "myapp" scheme is for native apps'),
        ("javascript:alert(1)", 'the "javascript" scheme'),
        ("/bar", "not an absolute URL"),
        ("https:///bar", "has no host"),
        ("http://[::1/", "not a valid URL"),
    ],
)
def test_other_redirect_urls_fail_with_the_reason(url: str, phrase: str) -> None:
    props = {**GOOD_CLIENT, "callbackUrls": ["https://ok.example", url]}
    found = violations("cognito-redirect-urls-https", CLIENT, props)
    assert len(found) == 1
    assert found[0].startswith(f'callbackUrls[1] is "{url}"')
    assert phrase in found[0]
    assert "callback_urls" in found[0]


def test_every_url_property_is_checked_and_each_bad_url_reported() -> None:
    props = {
        **GOOD_CLIENT,
        "callbackUrls": ["http://a.example/cb", "http://b.example/cb"],
        "logoutUrls": ["http://a.example/"],
        "defaultRedirectUri": "http://a.example/cb",
    }
    found = violations("cognito-redirect-urls-https", CLIENT, props)
    assert [message.split(" is ")[0] for message in found] == [
        "callbackUrls[0]",
        "callbackUrls[1]",
        "logoutUrls[0]",
        "defaultRedirectUri",
    ]


def test_unknown_urls_are_not_violations() -> None:
    props = {**GOOD_CLIENT, "callbackUrls": [UNKNOWN, "http://a.example/cb"], "logoutUrls": UNKNOWN}
    found = violations("cognito-redirect-urls-https", CLIENT, props)
    assert len(found) == 1
    assert found[0].startswith("callbackUrls[1]")


# --- cognito-hosted-ui-client-flags ---------------------------------------------------------------


def test_hosted_ui_client_with_both_flags_passes() -> None:
    assert violations("cognito-hosted-ui-client-flags", CLIENT, GOOD_CLIENT) == []


def test_client_without_oauth_flows_is_not_a_hosted_ui_client() -> None:
    assert violations("cognito-hosted-ui-client-flags", CLIENT, {"explicitAuthFlows": ["ALLOW_USER_SRP_AUTH"]}) == []


def test_oauth_flows_without_the_user_pool_client_flag_fail() -> None:
    props = {**GOOD_CLIENT, "allowedOauthFlowsUserPoolClient": False}
    found = violations("cognito-hosted-ui-client-flags", CLIENT, props)
    assert len(found) == 1
    assert "allowedOauthFlowsUserPoolClient is False" in found[0]
    assert "allowed_oauth_flows_user_pool_client=True" in found[0]

    del props["allowedOauthFlowsUserPoolClient"]
    (missing,) = violations("cognito-hosted-ui-client-flags", CLIENT, props)
    assert "allowedOauthFlowsUserPoolClient is not set" in missing


@pytest.mark.parametrize("providers", [[], None])
def test_oauth_flows_without_any_identity_provider_fail(providers: list[str] | None) -> None:
    props = {**GOOD_CLIENT, "supportedIdentityProviders": providers}
    found = violations("cognito-hosted-ui-client-flags", CLIENT, props)
    assert len(found) == 1
    assert 'List "COGNITO"' in found[0] and "supported_identity_providers" in found[0]


def test_a_client_of_company_identity_providers_only_passes() -> None:
    # localAccounts: false — the hosted UI offers only the company's sign-in, on purpose.
    props = {**GOOD_CLIENT, "supportedIdentityProviders": ["Google", "Entra"]}
    assert violations("cognito-hosted-ui-client-flags", CLIENT, props) == []


def test_unknown_flags_are_not_violations() -> None:
    props = {**GOOD_CLIENT, "allowedOauthFlowsUserPoolClient": UNKNOWN, "supportedIdentityProviders": [UNKNOWN]}
    assert violations("cognito-hosted-ui-client-flags", CLIENT, props) == []


# --- cognito-no-implicit-flow ---------------------------------------------------------------------


def test_code_flow_passes() -> None:
    assert violations("cognito-no-implicit-flow", CLIENT, GOOD_CLIENT) == []


def test_implicit_flow_fails() -> None:
    found = violations("cognito-no-implicit-flow", CLIENT, {**GOOD_CLIENT, "allowedOauthFlows": ["code", "implicit"]})
    assert len(found) == 1
    assert "URL fragment" in found[0]
    assert 'allowed_oauth_flows=["code"]' in found[0]


# --- cognito-password-min-length ------------------------------------------------------------------


@pytest.mark.parametrize("length", [12.0, 16.0, UNKNOWN])
def test_password_length_of_twelve_or_more_passes(length: Any) -> None:
    assert violations("cognito-password-min-length", USER_POOL, {"passwordPolicy": {"minimumLength": length}}) == []


def test_short_password_length_fails() -> None:
    found = violations("cognito-password-min-length", USER_POOL, {"passwordPolicy": {"minimumLength": 8.0}})
    assert found == [
        'passwordPolicy.minimumLength is 8, below 12: set password_policy={"minimum_length": 12, ...} on the UserPool.'
    ]


@pytest.mark.parametrize("props", [{}, {"passwordPolicy": {"requireSymbols": True}}])
def test_missing_password_length_fails_as_cognitos_default_of_eight(props: dict[str, Any]) -> None:
    found = violations("cognito-password-min-length", USER_POOL, props)
    assert len(found) == 1
    assert "not set, so Cognito requires only 8 characters" in found[0]


# --- cognito-prod-deletion-protection -------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "word"),
    [
        ("prod", "prod"),
        ("production", "production"),
        ("prod-eu", "prod"),
        ("eu-prod", "prod"),
        ("EU_PRD.2", "prd"),
        ("dev", None),
        ("product-demo", None),
        ("reproduction", None),
        ("preprod", None),
    ],
)
def test_production_is_a_whole_segment_of_the_stack_name(stack: str, word: str | None) -> None:
    assert policies.production_word(stack, policies.DEFAULT_PRODUCTION_WORDS) == word


@pytest.mark.parametrize(
    ("resource_urn", "stack"),
    [
        (f"urn:pulumi:prod-eu::{PROJECT}::{USER_POOL}::users", "prod-eu"),
        (f"urn:pulumi:prod::{PROJECT}::kong-cognito-oidc:index:CognitoSignIn${USER_POOL}::a::b", "prod"),
        ("not-a-urn", ""),
    ],
)
def test_stack_name_comes_from_the_urn(resource_urn: str, stack: str) -> None:
    assert policies.stack_name(resource_urn) == stack


def test_production_pool_with_deletion_protection_passes() -> None:
    assert violations("cognito-prod-deletion-protection", USER_POOL, GOOD_POOL, stack="prod-eu") == []


@pytest.mark.parametrize("protection", ["INACTIVE", None])
def test_production_pool_without_deletion_protection_fails(protection: str | None) -> None:
    props = {**GOOD_POOL, "deletionProtection": protection}
    found = violations("cognito-prod-deletion-protection", USER_POOL, props, stack="eu-prod")
    assert len(found) == 1
    assert 'stack "eu-prod" counts as production (its name has the word "prod")' in found[0]
    assert "pulumi config set deletionProtection true" in found[0]


def test_other_stacks_and_unknown_protection_pass() -> None:
    unprotected = {**GOOD_POOL, "deletionProtection": "INACTIVE"}
    assert violations("cognito-prod-deletion-protection", USER_POOL, unprotected, stack="product-demo") == []
    unknown = {**GOOD_POOL, "deletionProtection": UNKNOWN}
    assert violations("cognito-prod-deletion-protection", USER_POOL, unknown, stack="prod") == []


def test_production_words_are_configurable() -> None:
    unprotected = {**GOOD_POOL, "deletionProtection": "INACTIVE"}
    config = {"productionStackWords": ["live"]}
    assert len(violations("cognito-prod-deletion-protection", USER_POOL, unprotected, "live-eu", config)) == 1
    assert violations("cognito-prod-deletion-protection", USER_POOL, unprotected, "prod", config) == []


def test_the_committed_policy_config_fits_the_policies_and_is_what_ci_and_make_apply() -> None:
    from jsonschema import Draft7Validator

    config = json.loads((POLICY_DIR / "config.json").read_text())
    by_name = {policy.name: policy for policy in policies.POLICIES}
    assert set(config) <= set(by_name)
    levels = {"enum": ["advisory", "mandatory", "remediate", "disabled"]}
    for name, settings in config.items():
        # A policy's entry is its enforcement level, or an object of its settings (and level).
        schema = by_name[name].config_schema
        properties = {**(schema.properties if schema else {}), "enforcementLevel": levels}
        validator = Draft7Validator(
            {"anyOf": [levels, {"type": "object", "properties": properties, "additionalProperties": False}]}
        )
        assert list(validator.iter_errors(settings)) == [], name
    # The workflows pass the same file (tests/repository/test_workflows.py checks their pulumi/actions inputs).
    assert "POLICY_FLAGS := --policy-pack policy --policy-pack-config policy/config.json" in (
        (ROOT / "Makefile").read_text()
    )


def test_config_schema_default_is_the_code_default() -> None:
    (policy,) = [policy for policy in policies.POLICIES if policy.name == "cognito-prod-deletion-protection"]
    schema = policy.config_schema.properties["productionStackWords"]
    assert schema["default"] == ["prod", "production", "prd"] == list(policies.DEFAULT_PRODUCTION_WORDS)


# --- cognito-prod-self-sign-up-needs-groups ---------------------------------------------------------


def policy_resource(type_: str, props: Mapping[str, Any], urn_: str) -> PolicyResource:
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    return PolicyResource(type_, props, urn_, "res", options, None, None, [], {})


def stack_violations(stack: str, pool: Mapping[str, Any], *plugins: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    (policy,) = [policy for policy in policies.POLICIES if policy.name == "cognito-prod-self-sign-up-needs-groups"]
    resources = [policy_resource(USER_POOL, unknown_checking_proxy(dict(pool)), urn(USER_POOL, stack, "pool"))]
    resources += [
        policy_resource(KONG_PLUGIN, unknown_checking_proxy(dict(props)), urn(KONG_PLUGIN, stack)) for props in plugins
    ]
    found: list[tuple[str, str | None]] = []
    policy.validate(StackValidationArgs(resources), lambda message, urn=None: found.append((message, urn)))
    return found


OPEN_POOL = {**GOOD_POOL, "adminCreateUserConfig": {"allowAdminCreateUserOnly": False}}
ADMIN_ONLY_POOL = {**GOOD_POOL, "adminCreateUserConfig": {"allowAdminCreateUserOnly": True}}
GATED_PLUGIN = {**GOOD_PLUGIN, "config": {**GOOD_PLUGIN["config"], "groups_required": ["staff"]}}  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("pool", "plugins"),
    [
        (ADMIN_ONLY_POOL, [GOOD_PLUGIN]),  # invite only
        (OPEN_POOL, [GATED_PLUGIN, GATED_PLUGIN]),  # open sign-up, every route needs a group
        ({**GOOD_POOL, "adminCreateUserConfig": {"allowAdminCreateUserOnly": UNKNOWN}}, [GOOD_PLUGIN]),  # preview
    ],
)
def test_production_pool_with_invites_or_groups_passes(pool: dict[str, Any], plugins: list[dict[str, Any]]) -> None:
    assert stack_violations("prod", pool, *plugins) == []


@pytest.mark.parametrize("pool", [OPEN_POOL, GOOD_POOL], ids=["open", "Cognito's default: open"])
def test_production_pool_with_open_sign_up_and_an_ungated_plugin_gets_advice(pool: dict[str, Any]) -> None:
    ((message, where),) = stack_violations("prod", pool, GATED_PLUGIN, GOOD_PLUGIN)
    assert where == urn(USER_POOL, "prod", "pool")
    assert "1 of its 2 openid-connect plugins require no group" in message


def test_production_pool_with_open_sign_up_and_no_openid_connect_plugin_gets_advice() -> None:
    # No plugin at all gates nothing: whoever signs up holds a valid account of the pool.
    ((message, where),) = stack_violations("prod", OPEN_POOL)
    assert where == urn(USER_POOL, "prod", "pool")
    assert "lets anyone sign up, while no plugin requires a group" in message


def test_only_openid_connect_plugins_count() -> None:
    cors = {"plugin": "cors", "config": {"origins": ["https://app.example.com"]}}
    assert stack_violations("prod", OPEN_POOL, GATED_PLUGIN, cors) == []
    ((message, _),) = stack_violations("prod", OPEN_POOL, GOOD_PLUGIN, cors)
    assert "1 of its 1 openid-connect plugins require no group" in message


def test_an_empty_groups_required_is_ungated() -> None:
    empty = {**GOOD_PLUGIN, "config": {**GOOD_PLUGIN["config"], "groups_required": []}}  # type: ignore[dict-item]
    ((message, _),) = stack_violations("prod", OPEN_POOL, GATED_PLUGIN, empty)
    assert "1 of its 2 openid-connect plugins require no group" in message


def test_open_sign_up_is_fine_outside_production() -> None:
    assert stack_violations("dev", OPEN_POOL, GOOD_PLUGIN) == []


# --- kong-oidc-secrets-not-inline -----------------------------------------------------------------


@pytest.mark.parametrize("type_", [KONG_PLUGIN, KONG_CLUSTER_PLUGIN])
def test_plugin_with_secrets_from_a_secret_passes(type_: str) -> None:
    assert violations("kong-oidc-secrets-not-inline", type_, GOOD_PLUGIN) == []


@pytest.mark.parametrize("type_", [KONG_PLUGIN, KONG_CLUSTER_PLUGIN])
def test_inline_secrets_fail_without_showing_them(type_: str) -> None:
    config = {**GOOD_PLUGIN["config"], "client_secret": ["s3cr3t-value"], "session_secret": "an0ther-value"}
    found = violations("kong-oidc-secrets-not-inline", type_, {**GOOD_PLUGIN, "config": config})
    assert len(found) == 2
    assert found[0].startswith("config.client_secret is set")
    assert found[1].startswith("config.session_secret is set")
    assert all("configPatches" in message for message in found)
    assert not any("s3cr3t" in message or "an0ther" in message for message in found)


@pytest.mark.parametrize(
    ("redis", "path"),
    [
        ({"session_redis_password": "r3dis-value"}, "session_redis_password"),
        ({"redis": {"host": "redis", "password": "r3dis-value"}}, "redis.password"),
    ],
)
def test_an_inline_redis_password_fails_in_either_form(redis: dict[str, Any], path: str) -> None:
    config = {**GOOD_PLUGIN["config"], "session_storage": "redis", **redis}
    found = violations("kong-oidc-secrets-not-inline", KONG_PLUGIN, {**GOOD_PLUGIN, "config": config})
    assert len(found) == 1 and found[0].startswith(f"config.{path} is set"), found
    assert f'path "/{path.replace(".", "/")}"' in found[0] and "r3dis" not in found[0]
    without = {**GOOD_PLUGIN["config"], "session_storage": "redis", "redis": {"host": "redis", "port": 6379}}
    assert violations("kong-oidc-secrets-not-inline", KONG_PLUGIN, {**GOOD_PLUGIN, "config": without}) == []


def test_inline_secret_counts_even_when_its_value_is_unknown() -> None:
    config = {**GOOD_PLUGIN["config"], "client_secret": UNKNOWN}
    assert len(violations("kong-oidc-secrets-not-inline", KONG_PLUGIN, {**GOOD_PLUGIN, "config": config})) == 1


def test_other_plugins_and_unknown_config_are_not_checked() -> None:
    rate_limit = {"plugin": "rate-limiting", "config": {"client_secret": "not-oidc"}}
    assert violations("kong-oidc-secrets-not-inline", KONG_PLUGIN, rate_limit) == []
    assert violations("kong-oidc-secrets-not-inline", KONG_PLUGIN, {**GOOD_PLUGIN, "config": UNKNOWN}) == []


# --- ingress-plugins-annotation-not-forced / -patch -----------------------------------------------


def ingress_patch(annotations: dict[str, str]) -> dict[str, Any]:
    return {"metadata": {"name": "demo", "namespace": "default", "annotations": annotations}}


FORCED = ingress_patch({PLUGINS_ANNOTATION: "oidc", "pulumi.com/patchForce": "true"})
UNFORCED = ingress_patch({PLUGINS_ANNOTATION: "oidc"})
OTHER_ANNOTATION = ingress_patch({"konghq.com/strip-path": "true", "pulumi.com/patchForce": "true"})


def test_the_policy_packs_copies_of_the_projects_names_agree_with_the_project() -> None:
    # The pack runs in its own virtualenv without the project's code, so it keeps copies.
    from components import naming
    from components.kong import kong_plugin
    from components.kong import oidc_plugin as kong_oidc_plugin

    assert policies.PACK_NAME == naming.PROJECT
    assert policies.PLUGINS_ANNOTATION == PLUGINS_ANNOTATION
    assert policies.OPENID_CONNECT == kong_oidc_plugin.OPENID_CONNECT
    assert policies.INLINE_SECRET_KEYS == (kong_oidc_plugin.CLIENT_SECRET_KEY, kong_oidc_plugin.SESSION_SECRET_KEY)
    assert f"kubernetes:{kong_plugin.API_VERSION}:{kong_plugin.KIND}" in policies.KONG_PLUGINS
    assert "components/ingress_plugin_attachment.py" in policies.ATTACHMENT_HINT


@pytest.mark.parametrize(
    "type_",
    [INGRESS_PATCH, "kubernetes:networking.k8s.io/v1beta1:IngressPatch", "kubernetes:extensions/v1beta1:IngressPatch"],
)
def test_forced_patch_of_the_plugins_annotation_fails(type_: str) -> None:
    found = violations("ingress-plugins-annotation-not-forced", type_, FORCED)
    assert len(found) == 1
    assert "takes over the whole list" in found[0]
    assert "IngressPluginAttachment" in found[0]
    assert violations("ingress-plugins-annotation-patch", type_, FORCED) == []


def test_unforced_patch_of_the_plugins_annotation_gets_only_the_advisory() -> None:
    assert violations("ingress-plugins-annotation-not-forced", INGRESS_PATCH, UNFORCED) == []
    found = violations("ingress-plugins-annotation-patch", INGRESS_PATCH, UNFORCED)
    assert len(found) == 1
    assert "replaces the whole list" in found[0]
    assert "IngressPluginAttachment" in found[0]


@pytest.mark.parametrize(
    "props",
    [
        OTHER_ANNOTATION,
        ingress_patch({PLUGINS_ANNOTATION: "oidc", "pulumi.com/patchForce": UNKNOWN}),
        {"metadata": UNKNOWN},
    ],
)
def test_other_annotations_and_unknown_force_are_not_flagged(props: dict[str, Any]) -> None:
    assert violations("ingress-plugins-annotation-not-forced", INGRESS_PATCH, props) == []
    assert violations("ingress-plugins-annotation-patch", INGRESS_PATCH, props) == []


# --- the pack -------------------------------------------------------------------------------------


def test_policies_and_their_enforcement_levels() -> None:
    assert {policy.name: policy.enforcement_level for policy in policies.POLICIES} == {
        "cognito-redirect-urls-https": EnforcementLevel.MANDATORY,
        "cognito-hosted-ui-client-flags": EnforcementLevel.MANDATORY,
        "cognito-no-implicit-flow": EnforcementLevel.MANDATORY,
        "cognito-password-min-length": EnforcementLevel.ADVISORY,
        "cognito-prod-deletion-protection": EnforcementLevel.MANDATORY,
        "cognito-prod-self-sign-up-needs-groups": EnforcementLevel.ADVISORY,
        "kong-oidc-secrets-not-inline": EnforcementLevel.MANDATORY,
        "ingress-plugins-annotation-not-forced": EnforcementLevel.MANDATORY,
        "ingress-plugins-annotation-patch": EnforcementLevel.ADVISORY,
    }


def test_main_packs_exactly_the_modules_policies(monkeypatch: pytest.MonkeyPatch) -> None:
    packed: dict[str, Any] = {}
    # A stand-in for PolicyPack, whose constructor would start a gRPC server and never return.
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda **kwargs: packed.update(kwargs))
    # As the analyzer runs it: the folder, so the folder is on sys.path for the import.
    runpy.run_path(str(POLICY_DIR), run_name="__main__")
    assert packed == {"name": "kong-cognito-oidc", "policies": policies.POLICIES}


def test_policy_project_file_runs_python_in_its_own_virtualenv() -> None:
    project = yaml.safe_load((POLICY_DIR / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"]["virtualenv"] == ".venv"  # policy/.venv, which .gitignore covers
    assert ".venv/" in (ROOT / ".gitignore").read_text().splitlines()


# --- the real program through every policy --------------------------------------------------------


class AnalyzedMonitor(RecordingMonitor):
    """Also keeps each registration as the engine sends it to a policy pack's Analyze."""

    def __init__(self, mocks: Any) -> None:
        super().__init__(mocks)
        self.analyzed: list[ResourceValidationArgs] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        props = unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(request.object)))
        options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
        self.analyzed.append(ResourceValidationArgs(request.type, props, response.urn, request.name, options, None))
        return response


class PreviewMocks(CloudMocks):
    """A preview: no IDs and no cloud-computed values yet, so whatever depends on them is unknown."""

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        return "", dict(args.inputs)


def all_violations(run: AnalyzedMonitor) -> list[tuple[str, EnforcementLevel, str]]:
    found: list[tuple[str, EnforcementLevel, str]] = []
    stack = StackValidationArgs([policy_resource(args.resource_type, args.props, args.urn) for args in run.analyzed])
    for policy in policies.POLICIES:
        level = policy.enforcement_level

        def report(message: str, urn: str | None = None, p: str = policy.name, lv: Any = level) -> None:
            found.append((p, lv, message))

        if isinstance(policy, StackValidationPolicy):
            policy.validate(stack, report)
        else:
            for args in run.analyzed:
                policy.validate(args, report)
    return found


def test_dev_stack_passes_every_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monitor = AnalyzedMonitor(CloudMocks())
    run_program(monkeypatch, dev_stack_config(), monitor=monitor)
    assert {args.resource_type for args in monitor.analyzed} >= {USER_POOL, CLIENT, KONG_PLUGIN, ANNOTATION}
    assert all_violations(monitor) == []


def test_a_stack_with_machine_clients_passes_every_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monitor = AnalyzedMonitor(CloudMocks())
    routes = [
        {"ingress": "demo", "host": "apps.example.com", "path": "/bar"},
        {"ingress": "orders", "host": "apps.example.com", "path": "/api", "mode": "api", "scopes": ["orders.read"]},
    ]
    config = {
        **dev_stack_config(),
        f"{PROJECT}:routes": json.dumps(routes),
        f"{PROJECT}:apiClients": json.dumps([{"name": "billing-job", "scopes": ["orders.read"]}]),
    }
    run_program(monkeypatch, config, monitor=monitor)
    clients = [args for args in monitor.analyzed if args.resource_type == CLIENT]
    assert len(clients) == 2
    assert all_violations(monitor) == []


def test_a_stack_with_company_accounts_only_passes_every_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monitor = AnalyzedMonitor(CloudMocks())
    okta = {
        "name": "Okta",
        "type": "OIDC",
        "issuer": "https://example.okta.com",
        "clientId": "0oa1example",
        "clientSecret": "not-a-real-secret",
        "attributes": {"email": "email"},
    }
    config = {
        **dev_stack_config(),
        f"{PROJECT}:identityProviders": json.dumps([okta]),
        f"{PROJECT}:localAccounts": "false",
    }
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps([f"{PROJECT}:identityProviders"]))
    run_program(monkeypatch, config, monitor=monitor)
    (client,) = [args for args in monitor.analyzed if args.resource_type == CLIENT]
    assert policies.plain(client.props)["supportedIdentityProviders"] == ["Okta"]
    assert all_violations(monitor) == []


def test_production_stack_passes_with_deletion_protection_and_fails_without(monkeypatch: pytest.MonkeyPatch) -> None:
    protected = AnalyzedMonitor(CloudMocks())
    config = {**dev_stack_config(), f"{PROJECT}:deletionProtection": "true", f"{PROJECT}:allowedGroups": '["staff"]'}
    run_program(monkeypatch, config, stack="prod-eu", monitor=protected)
    assert all_violations(protected) == []

    unprotected = AnalyzedMonitor(CloudMocks())
    run_program(monkeypatch, {**config, f"{PROJECT}:deletionProtection": "false"}, stack="prod-eu", monitor=unprotected)
    ((name, level, _),) = all_violations(unprotected)
    assert (name, level) == ("cognito-prod-deletion-protection", EnforcementLevel.MANDATORY)


def test_production_stack_with_open_sign_up_and_no_group_gets_advice(monkeypatch: pytest.MonkeyPatch) -> None:
    monitor = AnalyzedMonitor(CloudMocks())
    config = {**dev_stack_config(), f"{PROJECT}:deletionProtection": "true", f"{PROJECT}:allowedGroups": "[]"}
    run_program(monkeypatch, config, stack="prod-eu", monitor=monitor)
    ((name, level, message),) = all_violations(monitor)
    assert (name, level) == ("cognito-prod-self-sign-up-needs-groups", EnforcementLevel.ADVISORY)
    assert "anyone" in message and "selfSignUp false" in message and "allowedGroups" in message


def test_preview_with_unknown_values_passes_every_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monitor = AnalyzedMonitor(PreviewMocks())
    run_program(monkeypatch, dev_stack_config(), monitor=monitor, preview=True)
    (plugin,) = [args for args in monitor.analyzed if args.resource_type == KONG_PLUGIN]
    assert policies.plain(plugin.props)["config"]["client_id"] == [policies.UNKNOWN]  # the preview has unknowns
    assert all_violations(monitor) == []


# --- stacks with identity providers and machine clients ------------------------------------------

FEDERATED_ONLY = {
    f"{PROJECT}:localAccounts": "false",
    f"{PROJECT}:identityProviders": json.dumps(
        [
            {
                "name": "Entra",
                "type": "SAML",
                "metadataUrl": "https://login.microsoftonline.com/tenant/federationmetadata.xml",
                "attributes": {"email": "emailaddress"},
                "groupsAttribute": "groups",
            }
        ]
    ),
}
MACHINE_CLIENTS = {
    f"{PROJECT}:routes": json.dumps(
        [
            {"ingress": "demo", "host": "apps.example.com", "path": "/bar"},
            {"ingress": "orders", "host": "apps.example.com", "path": "/api", "mode": "api", "scopes": ["read"]},
        ]
    ),
    f"{PROJECT}:apiClients": json.dumps([{"name": "billing", "scopes": ["read"]}]),
}


@pytest.mark.parametrize("extra", [FEDERATED_ONLY, MACHINE_CLIENTS], ids=["federated only", "machine clients"])
def test_production_stacks_with_company_providers_or_machine_clients_pass_every_policy(
    monkeypatch: pytest.MonkeyPatch, extra: dict[str, str]
) -> None:
    # Invite-only with groups: the production advice has nothing to say about these stacks either.
    config = {
        **dev_stack_config(),
        f"{PROJECT}:deletionProtection": "true",
        f"{PROJECT}:allowedGroups": '["staff"]',
        **extra,
    }
    monitor = AnalyzedMonitor(CloudMocks())
    run_program(monkeypatch, config, stack="prod-eu", monitor=monitor)
    assert all_violations(monitor) == []


def test_a_client_that_lists_no_identity_provider_still_fails() -> None:
    (message,) = violations("cognito-hosted-ui-client-flags", CLIENT, {**GOOD_CLIENT, "supportedIdentityProviders": []})
    assert "no identity provider" in message


def test_a_client_credentials_client_is_no_hosted_ui_client() -> None:
    machine = {"allowedOauthFlows": ["client_credentials"], "allowedOauthFlowsUserPoolClient": True}
    assert violations("cognito-hosted-ui-client-flags", CLIENT, machine) == []
    unflagged = {**machine, "allowedOauthFlowsUserPoolClient": False}
    assert violations("cognito-hosted-ui-client-flags", CLIENT, unflagged) != []


def test_a_bearer_only_plugin_for_machine_clients_admits_no_signed_up_user() -> None:
    machines_only = {
        **GOOD_PLUGIN,
        "config": {
            **GOOD_PLUGIN["config"],  # type: ignore[dict-item]
            "auth_methods": ["bearer"],
            "audience_claim": ["client_id"],
            "audience_required": [UNKNOWN],  # the machine clients' ids, unknown in a preview
        },
    }
    assert stack_violations("prod", OPEN_POOL, GATED_PLUGIN, machines_only) == []
    anyone_with_a_token = {**machines_only, "config": {**machines_only["config"], "audience_required": []}}
    ((message, _),) = stack_violations("prod", OPEN_POOL, GATED_PLUGIN, anyone_with_a_token)
    assert "1 of its 2 openid-connect plugins require no group" in message


def test_a_both_plugin_without_groups_admits_signed_up_users() -> None:
    # `both` takes machine tokens and still signs browsers in: whoever signs up passes, so it is ungated.
    both = {
        **GOOD_PLUGIN,
        "config": {
            **GOOD_PLUGIN["config"],  # type: ignore[dict-item]
            "auth_methods": ["authorization_code", "session", "bearer"],
            "audience_claim": ["client_id"],
            "audience_required": [UNKNOWN, UNKNOWN],  # the browser client's id and the machine clients'
        },
    }
    ((message, _),) = stack_violations("prod", OPEN_POOL, GATED_PLUGIN, both)
    assert "1 of its 2 openid-connect plugins require no group" in message
