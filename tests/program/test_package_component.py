"""The package's component declares what the stack declares, under itself, from inputs that may be outputs.

The same builder serves both (components/builder.py): for the same settings, the component's resources
are the stack's, with the same inputs, named after the component (`sign-in-cognito-users`) and
parented under it, and its outputs are the stack's exports. Then what only the package does: two
components in one program, route values from other resources (unknown during a preview, secret), and
bad inputs refused before anything is declared.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from component_harness import run_components, unknown
from program_harness import PROJECT, Declared, dev_stack_config, is_secret, run_program
from pulumi.errors import InputPropertiesError

from components.package.component import TYPE, KongCognitoSignIn
from components.package.plugin_attachment import TYPE as PLUGIN_ATTACHMENT

DYNAMIC_ATTACHMENT = "pulumi-python:dynamic/kong:IngressPluginAnnotation"
SECRET = "kubernetes:core/v1:Secret"
OKTA_SECRET = "okta-secret-do-not-leak-7f3a"
REDIS_PASSWORD = "redis-password-do-not-leak-91c2"
OKTA = {
    "name": "Okta",
    "type": "OIDC",
    "issuer": "https://acme.okta.com",
    "clientId": "0oa1",
    "clientSecret": OKTA_SECRET,
}
DEMO = {"ingress": "demo", "namespace": "default", "host": "apps.example.com", "path": "/bar"}
SETTINGS: dict[str, Any] = {
    "routes": [
        DEMO,
        {**DEMO, "ingress": "admin", "path": "/admin", "signInWith": "Okta", "annotationOwner": "git"},
        {
            "ingress": "orders",
            "namespace": "shop",
            "host": "shop.example.org",
            "mode": "api",
            "scopes": ["orders.read"],
        },
    ],
    "allowedGroups": ["staff"],
    "upstreamHeaders": {"sub": "X-User-Id"},
    "apiClients": [{"name": "billing", "scopes": ["orders.read"]}],
    "identityProviders": [OKTA],
    "kongVersion": "3.10.0.7",
    "sessions": {"storage": "redis", "redis": {"host": "redis.sessions.svc.cluster.local", "password": REDIS_PASSWORD}},
    "signInDomain": {"name": "auth.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"},
    "userPoolTier": "ESSENTIALS",
    "managedLogin": "managed",
}


def sign_in(name: str, **args: Any) -> KongCognitoSignIn:
    return KongCognitoSignIn(name, {"awsRegion": "us-west-2", **args})


def component_args() -> dict[str, Any]:
    """SETTINGS as the component takes them: the client secret and Redis password secrets, the region its own input."""
    (provider,) = SETTINGS["identityProviders"]
    secret = pulumi.Output.secret(provider["clientSecret"])
    redis = {**SETTINGS["sessions"]["redis"], "password": pulumi.Output.secret(REDIS_PASSWORD)}
    return {
        **SETTINGS,
        "awsRegion": "us-west-2",
        "identityProviders": [{**provider, "clientSecret": secret}],
        "sessions": {**SETTINGS["sessions"], "redis": redis},
    }


def as_config(value: Any) -> str:
    """A setting as the CLI passes it: a string as is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


@pytest.fixture(scope="module")
def stack() -> Any:
    config = {**dev_stack_config(), **{f"{PROJECT}:{key}": as_config(value) for key, value in SETTINGS.items()}}
    with pytest.MonkeyPatch.context() as patch:
        secret_keys = [f"{PROJECT}:identityProviders", f"{PROJECT}:sessions"]
        patch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(secret_keys))
        return run_program(None, config)


@pytest.fixture(scope="module")
def component() -> Any:
    # The stack's project name: the KongPlugins' owner annotation (`<project>/<stack>`) is then the same.
    return run_components(lambda: [KongCognitoSignIn("sign-in", component_args())], project=PROJECT)


def comparable(resource: Declared) -> tuple[str, dict[str, Any]]:
    """A resource's type and inputs, the attachments' in one vocabulary, a Secret without its object name."""
    inputs = json.loads(json.dumps(resource.inputs, default=str))
    if resource.type == DYNAMIC_ATTACHMENT:
        names = ("namespace", "ingress_name", "plugin_name", "annotation_owner")
        return "attachment", dict(zip(("namespace", "name", "plugin", "owner"), map(inputs.get, names), strict=True))
    if resource.type == PLUGIN_ATTACHMENT:
        return "attachment", dict(
            zip(
                ("namespace", "name", "plugin", "owner"),
                map(inputs.get, ("namespace", "name", "plugin", "annotationOwner")),
                strict=True,
            )
        )
    if resource.type == SECRET:
        (inputs["metadata"]["value"] if is_secret(inputs["metadata"]) else inputs["metadata"]).pop("name", None)
    return resource.type, inputs


def test_the_component_declares_what_the_stack_declares_under_itself(stack: Any, component: Any) -> None:
    ours = {r.name: r for r in component.declared if r.type != TYPE}
    theirs = {r.name: r for r in stack.declared}
    # The stack's attachment components hold the dynamic resources; the component's attachments are resources.
    theirs = {name: r for name, r in theirs.items() if r.type != f"{PROJECT}:index:IngressPluginAttachment"}
    theirs = {
        name.removesuffix("-annotation") if r.type == DYNAMIC_ATTACHMENT else name: r for name, r in theirs.items()
    }
    assert sorted(ours) == sorted(f"sign-in-{name}" for name in theirs)
    for name, resource in theirs.items():
        assert comparable(ours[f"sign-in-{name}"]) == comparable(resource), name
    (sign_in,) = component.of_type(TYPE)
    assert sign_in.urn.endswith(f"::pulumi:pulumi:Stack${TYPE}::sign-in")
    # Under it, what the stack declares at its root: Cognito, the machine clients, Kong's plugins, the attachments.
    at_the_root = [name for name, r in theirs.items() if "::pulumi:pulumi:Stack$" in r.urn]
    attachments = [name for name, r in theirs.items() if r.type == DYNAMIC_ATTACHMENT]
    under_it = sorted(r.name for r in ours.values() if f"::{TYPE}$" in r.urn)
    assert under_it == sorted(f"sign-in-{name}" for name in at_the_root + attachments)


def test_its_outputs_are_the_stacks_exports_the_secret_ones_secret(stack: Any, component: Any) -> None:
    outputs = component.outputs["sign-in"]
    assert outputs.keys() == stack.exports.keys()
    for name, export in stack.exports.items():
        assert (outputs[name].value, outputs[name].secret) == (export.value, export.secret), name
    assert outputs["clientSecret"].secret and outputs["apiClientSecrets"].secret
    assert OKTA_SECRET not in json.dumps({name: o.value for name, o in outputs.items()})
    assert REDIS_PASSWORD not in json.dumps({name: o.value for name, o in outputs.items()})
    assert {"kongVersion", "sessions", "signInDomainTarget", "prefixDomain"} <= outputs.keys()


def test_the_redis_password_reaches_kong_only_through_the_secret(component: Any) -> None:
    for plugin in component.of_type("kubernetes:configuration.konghq.com/v1:KongPlugin"):
        assert REDIS_PASSWORD not in json.dumps(plugin.inputs, default=str)
    secrets = component.of_type(SECRET)
    assert secrets and all(is_secret(secret.inputs["stringData"]) for secret in secrets)
    assert any(REDIS_PASSWORD in json.dumps(secret.inputs["stringData"]["value"]) for secret in secrets)


def test_a_git_owned_route_gets_its_plugin_but_its_object_is_left_to_git(component: Any) -> None:
    owners = {r.inputs["name"]: r.inputs.get("annotationOwner") for r in component.of_type(PLUGIN_ATTACHMENT)}
    assert owners == {"demo": None, "admin": "git", "orders": None}
    (admin,) = [e for e in component.outputs["sign-in"]["routes"].value if e["ingress"] == "admin"]
    assert admin["annotation"] == {"konghq.com/plugins": admin["plugin"]}


def test_the_okta_secret_reaches_cognito_only_as_a_secret(component: Any) -> None:
    (provider,) = component.of_type("aws:cognito/identityProvider:IdentityProvider")
    assert is_secret(provider.inputs["providerDetails"])
    assert provider.inputs["providerDetails"]["value"]["client_secret"] == OKTA_SECRET


def test_two_components_live_in_one_program_each_with_its_own_pool() -> None:
    def two() -> list[KongCognitoSignIn]:
        return [
            sign_in("shop", routes=[{"ingress": "web", "host": "shop.example"}]),
            sign_in("blog", routes=[{"ingress": "web", "host": "blog.example", "namespace": "blog"}]),
        ]

    run = run_components(two)

    urns = [r.urn for r in run.declared]
    assert len(urns) == len(set(urns))
    pools = sorted(r.name for r in run.of_type("aws:cognito/userPool:UserPool"))
    assert pools == ["blog-cognito-users", "shop-cognito-users"]
    secrets = {r.inputs["metadata"]["name"] for r in run.of_type(SECRET)}
    assert secrets == {"shop-kong-oidc-secrets", "blog-kong-oidc-secrets-blog"}


def routed(**route: Any) -> list[KongCognitoSignIn]:
    """A literal route, and a route named `app` with `route`'s fields."""
    demo = {"ingress": "demo", "host": "apps.example.com", "path": "/bar"}
    return [sign_in("sign-in", routes=[demo, {"name": "app", "path": "/app", **route}])]


def known(**values: str) -> dict[str, pulumi.Output[str]]:
    return {field: pulumi.Output.from_input(value) for field, value in values.items()}


WEB = {"ingress": "web-1a2b", "namespace": "shop", "host": "web.example.org"}


def test_a_route_from_other_resources_is_named_by_its_name_and_gets_their_values() -> None:
    run = run_components(lambda: routed(**known(**WEB)))

    attachments = {r.name: r.inputs for r in run.of_type(PLUGIN_ATTACHMENT)}
    app = attachments["sign-in-ingress-app"]
    assert (app["namespace"], app["name"], app["plugin"]) == ("shop", "web-1a2b", "oidc-web-1a2b")
    plugins = {r.name: r.inputs for r in run.of_type("kubernetes:configuration.konghq.com/v1:KongPlugin")}
    assert plugins["sign-in-kong-oidc-plugin-app"]["config"]["redirect_uri"] == ["https://web.example.org/app"]
    # Its own Secret, in its namespace: the namespace was unknown when the Secrets were named.
    secrets = {r.name: r.inputs["metadata"]["namespace"] for r in run.of_type(SECRET)}
    assert secrets == {"sign-in-kong-oidc-secrets": "default", "sign-in-kong-oidc-secrets-route.app": "shop"}
    (client,) = run.of_type("aws:cognito/userPoolClient:UserPoolClient")
    assert client.inputs["callbackUrls"] == ["https://apps.example.com/bar", "https://web.example.org/app"]


def test_a_preview_plans_every_resource_though_the_routes_values_are_unknown() -> None:
    def values() -> dict[str, Any]:
        return {**known(ingress=WEB["ingress"]), "namespace": unknown(), "host": unknown()}

    planned = run_components(lambda: routed(**values()), preview=True)
    done = run_components(lambda: routed(**known(**WEB)))

    assert sorted(r.urn for r in planned.declared) == sorted(r.urn for r in done.declared)
    attachment = next(r for r in planned.of_type(PLUGIN_ATTACHMENT) if r.name == "sign-in-ingress-app")
    # Unknown until the update: the route's values are read from the settings checked with all of them.
    assert not isinstance(attachment.inputs["namespace"], str) and not isinstance(attachment.inputs["name"], str)
    demo = next(r for r in planned.of_type(PLUGIN_ATTACHMENT) if r.name == "sign-in-ingress")
    assert (demo.inputs["namespace"], demo.inputs["name"]) == ("default", "demo")


def test_a_secret_route_value_keeps_its_own_route_secret_only() -> None:
    run = run_components(lambda: routed(ingress=pulumi.Output.secret("web"), namespace="shop", host="web.example.org"))

    attachments = {r.name: r.inputs for r in run.of_type(PLUGIN_ATTACHMENT)}
    assert is_secret(attachments["sign-in-ingress-app"]["name"])
    assert attachments["sign-in-ingress"]["name"] == "demo"


def test_bad_inputs_are_refused_with_every_problem() -> None:
    route = {"ingress": pulumi.Output.from_input("web"), "host": "a b"}
    with pytest.raises(InputPropertiesError) as refused:
        run_components(lambda: [KongCognitoSignIn("sign-in", {"routes": [route], "cacheTtl": 0})])

    paths = {error["property_path"] for error in refused.value.errors}
    assert paths == {"routes[0].name", "routes[0].host", "cacheTtl", "awsRegion"}


def test_the_region_defaults_to_the_stacks_aws_region() -> None:
    routes = [{"ingress": "demo", "host": "a.example"}]
    run = run_components(lambda: [KongCognitoSignIn("sign-in", {"routes": routes})], config={"aws:region": "eu-west-1"})
    assert run.outputs["sign-in"]["awsRegion"].value == "eu-west-1"
