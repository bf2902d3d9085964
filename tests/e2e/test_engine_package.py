"""The component package through the real engine: a Python and a YAML program each protect an Ingress of their own.

Each program creates an Ingress (which already lists another team's plugin) and protects it with
`KongCognitoSignIn`, taking the Ingress's name, namespace and (the Python program) host from its
outputs: preview (the plan, with values unknown until the Ingress exists), up, a preview with no
changes, destroy. The Ingress is kept on destroy (retainOnDelete) so what destroy leaves on it can be
read: its annotation as it was. The package is this checkout (copied with its virtualenv linked),
added as Pulumi's docs say: `pulumi package add <path>/provider` for Python, a `packages:` entry in
YAML. The AWS side is the moto stand-in; secrets are never in either program's state in plain text.
A program with bad settings gets the settings' messages, as the engine shows a component's input
problems, and declares nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_state import client_secrets, kong_plugins, secret_values, secrets, user_pools
from engine import ROOT, Engine, copy_project
from kube_apiserver import ADMIN, KubeApiServer
from package_consumers import Consumer, as_package_consumer, get_schema, python_consumer, yaml_consumer

pytestmark = pytest.mark.e2e

PACKAGE = "kong-cognito-oidc"
COMPONENT = f"{PACKAGE}:index:KongCognitoSignIn"
ATTACHMENT = f"{PACKAGE}:index:PluginAttachment"
OTHERS_PLUGIN = "rate-limit"
"""Another team's plugin, listed on the Ingress before the component lists its own."""
# pulumi-kubernetes waits for an Ingress's load balancer, which no controller here sets.
SKIP_AWAIT = "pulumi.com/skipAwait"


def ingress_spec(host: Any) -> dict[str, Any]:
    backend = {"service": {"name": "app", "port": {"number": 80}}}
    rule = {"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}
    return {"ingressClassName": "kong", "rules": [rule]}


# The Ingress's host is generated (a random suffix), so unknown until `up`: the preview shows the plan with it unknown.
PYTHON_PROGRAM = f"""\
import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random
import pulumi_kong_cognito_oidc as kco

kubeconfig = pulumi.Config().require_secret("kubeconfig")
cluster = k8s.Provider("cluster", kubeconfig=kubeconfig)
suffix = random.RandomId("suffix", byte_length=3)
host = pulumi.Output.concat("app-", suffix.hex, ".example.com")
backend = {{"service": {{"name": "app", "port": {{"number": 80}}}}}}
app = k8s.networking.v1.Ingress(
    "app",
    metadata={{
        "namespace": "default",
        "annotations": {{"konghq.com/plugins": "{OTHERS_PLUGIN}", "{SKIP_AWAIT}": "true"}},
    }},
    spec={{
        "ingress_class_name": "kong",
        "rules": [{{"host": host, "http": {{"paths": [{{"path": "/", "path_type": "Prefix", "backend": backend}}]}}}}],
    }},
    opts=pulumi.ResourceOptions(provider=cluster, retain_on_delete=True),
)
sign_in = kco.KongCognitoSignIn(
    "sign-in",
    aws_region="us-west-2",
    routes=[
        kco.RouteArgs(
            name="app",
            ingress=app.metadata.name,
            namespace=app.metadata.namespace,
            host=app.spec.rules[0].host,
            path="/app",
        )
    ],
    kubeconfig=kubeconfig,
    opts=pulumi.ResourceOptions(providers={{"kubernetes": cluster}}),
)
pulumi.export("ingressName", app.metadata.name)
pulumi.export("namespace", app.metadata.namespace)
pulumi.export("host", host)
pulumi.export("routes", sign_in.routes)
pulumi.export("protectedUrl", sign_in.protected_url)
pulumi.export("clientSecret", sign_in.client_secret)
"""

YAML_PROGRAM: dict[str, Any] = {
    # As Pulumi's docs write it ("Build a component", YAML): a path, relative to the program.
    "packages": {PACKAGE: f"../{PACKAGE}/provider"},
    "resources": {
        "shop": {
            "type": "kubernetes:networking.k8s.io/v1:Ingress",
            "properties": {
                "metadata": {
                    "namespace": "shop",
                    "annotations": {"konghq.com/plugins": OTHERS_PLUGIN, SKIP_AWAIT: "true"},
                },
                "spec": ingress_spec("shop.example.org"),
            },
            "options": {"retainOnDelete": True},
        },
        "signIn": {
            "type": f"{PACKAGE}:KongCognitoSignIn",
            "properties": {
                "awsRegion": "us-west-2",
                "routes": [
                    {
                        "name": "shop",
                        "ingress": "${shop.metadata.name}",
                        "namespace": "${shop.metadata.namespace}",
                        "host": "shop.example.org",
                        "path": "/",
                    }
                ],
                "allowedGroups": ["staff"],
            },
        },
    },
    "outputs": {
        "ingressName": "${shop.metadata.name}",
        "namespace": "${shop.metadata.namespace}",
        "routes": "${signIn.routes}",
        "protectedUrl": "${signIn.protectedUrl}",
        "clientSecret": "${signIn.clientSecret}",
    },
}

BAD_YAML_PROGRAM: dict[str, Any] = {
    "packages": {PACKAGE: f"../{PACKAGE}/provider"},
    "resources": {
        "signIn": {
            "type": f"{PACKAGE}:KongCognitoSignIn",
            "properties": {
                "awsRegion": "us-west-2",
                "routes": [{"ingress": "demo", "host": "https://apps.example.com", "mode": "fast"}],
                "cacheTtl": 0,
            },
        },
    },
}


@pytest.fixture
def package_engine(engine: Engine, engine_cluster: KubeApiServer) -> Engine:
    """The engine, the plugins the package's virtualenv names installed, and the admin's kubeconfig in KUBECONFIG."""
    return as_package_consumer(engine, engine_cluster)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """This checkout as a consumer would clone it: its tracked files, its virtualenv linked; the plugin's folder."""
    return copy_project(ROOT, tmp_path / PACKAGE) / "provider"


@pytest.fixture
def core(engine_cluster: KubeApiServer) -> Any:
    from kubernetes import client

    return client.CoreV1Api(engine_cluster.client(ADMIN))


@pytest.fixture
def networking(engine_cluster: KubeApiServer) -> Iterator[Any]:
    """The Networking API; the Ingresses the programs keep on destroy are deleted after the test."""
    from kubernetes import client

    api = client.NetworkingV1Api(engine_cluster.client(ADMIN))
    yield api
    for namespace in ("default", "shop"):
        for found in api.list_namespaced_ingress(namespace).items:
            if found.metadata.name.startswith(("app-", "shop-")):
                api.delete_namespaced_ingress(found.metadata.name, namespace)


def test_get_schema_lists_the_component_with_every_property_described(
    package_engine: Engine, package: Path, tmp_path: Path
) -> None:
    schema = get_schema(package_engine, package, cwd=tmp_path)

    component = schema["resources"][COMPONENT]
    assert component["isComponent"] is True
    assert {"routes", "awsRegion", "identityProviders", "kubeconfig"} <= set(component["inputProperties"])
    assert {"protectedUrl", "loginUrl", "clientSecret", "userPoolId"} <= set(component["properties"])
    assert component["properties"]["clientSecret"]["secret"] is True
    described = [
        *[p for r in schema["resources"].values() for p in (*r["inputProperties"].values(), *r["properties"].values())],
        *[p for t in schema["types"].values() for p in t["properties"].values()],
    ]
    assert all(p.get("description") for p in described)


def test_a_python_program_protects_its_ingress_with_its_outputs(
    package_engine: Engine,
    package: Path,
    engine_cluster: KubeApiServer,
    moto_url: str,
    core: Any,
    networking: Any,
    tmp_path: Path,
) -> None:
    consumer = python_consumer(
        package_engine, tmp_path / "consumer-python", PYTHON_PROGRAM, ("pulumi-kubernetes", "pulumi-random")
    )
    added = consumer.pulumi("package", "add", f"../{PACKAGE}/provider")
    assert added.returncode == 0, added
    assert "import pulumi_kong_cognito_oidc" in added.output
    assert (done := consumer.init_stack()).returncode == 0, done
    admin = Path(package_engine.extra_env["KUBECONFIG"]).read_text()
    assert (done := consumer.on_stack("config", "set", "--secret", "kubeconfig", admin)).returncode == 0, done

    outputs = _scenario(consumer, engine_cluster, moto_url, networking, component="sign-in", route="app")

    assert outputs["protectedUrl"] == f"https://{outputs['host']}/app"
    exported = json.dumps(consumer.export())
    token = yaml.safe_load(admin)["users"][0]["user"]["token"]
    assert token not in exported, "the kubeconfig in plain text"


def test_a_yaml_program_protects_its_ingress_with_its_outputs(
    package_engine: Engine,
    package: Path,
    engine_cluster: KubeApiServer,
    moto_url: str,
    networking: Any,
    yaml_language_host: Path,
    tmp_path: Path,
) -> None:
    consumer = yaml_consumer(package_engine, tmp_path / "consumer-yaml", YAML_PROGRAM)
    assert (done := consumer.init_stack()).returncode == 0, done

    outputs = _scenario(consumer, engine_cluster, moto_url, networking, component="signIn", route="shop")

    assert outputs["protectedUrl"] == "https://shop.example.org/"
    assert outputs["routes"][0]["plugin"] == f"oidc-{outputs['ingressName']}"


def test_bad_settings_stop_the_yaml_program_with_the_settings_messages_and_nothing_declared(
    package_engine: Engine, package: Path, yaml_language_host: Path, moto_url: str, tmp_path: Path
) -> None:
    consumer = yaml_consumer(package_engine, tmp_path / "consumer-bad", BAD_YAML_PROGRAM)
    assert (done := consumer.init_stack()).returncode == 0, done

    up = consumer.up()

    assert up.returncode != 0, up
    # The engine shows each as `property <path> with value <value> has a problem: <reason>`.
    for path, reason in (
        ("routes[0].host", "expected the Kong proxy's public host name, optionally with ':port', without a scheme"),
        ("routes[0].mode", "expected one of browser, api, both"),
        ("cacheTtl", "expected a whole number of seconds greater than 0"),
    ):
        assert re.search(rf"property {re.escape(path)} .*has a problem: {re.escape(reason)}", up.output), up
    assert "Traceback" not in up.output, up
    declared = [r["type"] for r in consumer.export()["deployment"].get("resources") or []]
    assert [t for t in declared if t != "pulumi:pulumi:Stack" and not t.startswith("pulumi:providers:")] == []
    assert user_pools(moto_url) == []


def _scenario(
    consumer: Consumer, cluster: KubeApiServer, moto_url: str, networking: Any, component: str, route: str
) -> dict[str, Any]:
    """Preview, up, a preview with no changes, destroy; returns the stack's outputs after up."""
    preview = consumer.preview()
    assert preview.returncode == 0, preview
    # The plan: the component, and its children under it, named after it and the route.
    for planned in (
        f"{COMPONENT}::{component}",
        f"KongCognitoSignIn$kong-cognito-oidc:index:CognitoSignIn::{component}-cognito",
        f"CognitoSignIn$aws:cognito/userPool:UserPool::{component}-cognito-users",
        f"KongOidcPlugin$kubernetes:configuration.konghq.com/v1:KongPlugin::{component}-kong-oidc-plugin-{route}",
        f"KongCognitoSignIn${ATTACHMENT}::{component}-ingress-{route}",
    ):
        assert f"{planned}]" in preview.output, preview
    assert user_pools(moto_url) == [], "preview created something"

    up = consumer.up()
    assert up.returncode == 0, up
    outputs = consumer.outputs()
    namespace, name = outputs["namespace"], outputs["ingressName"]
    (entry,) = outputs["routes"]
    assert (entry["ingress"], entry["namespace"]) == (name, namespace)
    plugin = entry["plugin"]
    annotations = networking.read_namespaced_ingress(name, namespace).metadata.annotations
    assert annotations["konghq.com/plugins"] == f"{OTHERS_PLUGIN},{plugin}"
    (kong_plugin,) = [p for p in kong_plugins(cluster, namespace) if p["metadata"]["name"] == plugin]
    assert kong_plugin["config"]["redirect_uri"] == [outputs["protectedUrl"]]

    # Secrets: the state holds them encrypted only, and the output stays a secret.
    (client_secret,) = client_secrets(moto_url)
    (stack_secret,) = [
        s for s in secrets(cluster, namespace) if s["metadata"]["name"].startswith(f"{component.lower()}-")
    ]
    session_secret = json.loads(secret_values(stack_secret)["session_secret"])
    exported = json.dumps(consumer.export())
    assert client_secret not in exported and session_secret not in exported
    assert '"ciphertext"' in exported
    assert outputs["clientSecret"] == "[secret]"

    unchanged = consumer.preview("--expect-no-changes")
    assert unchanged.returncode == 0, unchanged

    destroyed = consumer.destroy()
    assert destroyed.returncode == 0, destroyed
    left = networking.read_namespaced_ingress(name, namespace)
    assert left.metadata.annotations["konghq.com/plugins"] == OTHERS_PLUGIN
    assert [p for p in kong_plugins(cluster, namespace) if p["metadata"]["name"] == plugin] == []
    assert [s for s in secrets(cluster, namespace) if s["metadata"]["name"].startswith(f"{component.lower()}-")] == []
    assert user_pools(moto_url) == []
    return outputs
