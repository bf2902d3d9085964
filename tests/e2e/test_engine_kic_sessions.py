"""Through the real engine and the Kong Ingress Controller: Redis sessions, Kong 3.10.0.7's sign-out, GitOps.

One stack on Kong 3.10.0.7 (`kongVersion`) with Redis sessions, its password set as the docs say
(`pulumi config set --secret --path 'sessions.redis.password'`), and two routes: `demo`, on an Ingress
that Flux applies with its own `konghq.com/plugins` (tests/support/gitops_tools.py), and `partners`,
whose annotation Git owns (`annotationOwner: git`). What KIC posts to Kong is what Kong would get.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from cluster_state import client_secrets, kong_plugins
from engine import Engine
from gitops_tools import FluxKustomizeController
from kong_ingress_controller import KicCluster
from kube_apiserver import ADMIN, KubeApiServer

from components.kubernetes.field_owners import FieldOwner, annotation_owners
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION
from components.kubernetes.route_objects import FIELD_MANAGER
from tests.e2e.test_engine_kic import (
    CORS,
    apps,  # noqa: F401 -- the fixture
    kic_warnings,
    oidc_plugins_on,
    ok,
    served_with_plugin,
    stack_outputs,
    stack_secret,
)

pytestmark = pytest.mark.e2e

STACK = "kic-sessions"
PLUGINS = {"demo": "oidc", "partners": "oidc-partners"}
PASSWORD = "r3dis-e2e-pw-5c1f0b9a7d"
HOST = "apps.example.com"
REDIS = {"host": "redis.sessions.svc.cluster.local", "port": 6379, "tls": True, "prefix": "apps"}
CONFIG = {
    "aws:region": "us-west-2",
    "kong-cognito-oidc:kongVersion": "3.10.0.7",
    "kong-cognito-oidc:sessions": {"storage": "redis", "redis": REDIS},
    "kong-cognito-oidc:routes": [
        {"ingress": "demo", "host": HOST, "path": "/bar"},
        {"ingress": "partners", "host": HOST, "path": "/partners", "annotationOwner": "git"},
    ],
}


def in_git(name: str, path: str, plugins: str | None, revision: str = "1") -> dict[str, Any]:
    """An Ingress as Flux applies it from Git, with `plugins` as its konghq.com/plugins if any."""
    rule = {"path": path, "pathType": "Prefix", "backend": {"service": {"name": "demo", "port": {"number": 80}}}}
    annotations = {PLUGINS_ANNOTATION: plugins} if plugins is not None else {}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": name,
            "namespace": "default",
            "labels": {"revision": revision},
            "annotations": annotations,
        },
        "spec": {"ingressClassName": "kong", "rules": [{"host": HOST, "http": {"paths": [rule]}}]},
    }


def ingress(server: KubeApiServer, name: str) -> dict[str, Any]:
    from kubernetes import client

    api = client.NetworkingV1Api(server.client(ADMIN))
    found: dict[str, Any] = api.api_client.sanitize_for_serialization(api.read_namespaced_ingress(name, "default"))
    return found


def doctor_lines(engine: Engine, project: Path, prefix: str) -> list[str]:
    doctor = engine.make("doctor", project, STACK)
    return [line for line in doctor.output.splitlines() if line.split(" ", 1)[-1].startswith(prefix)]


def test_redis_sessions_reach_kong_with_the_password_from_the_secret_alone_and_git_owns_a_routes_annotation(
    kic_engine: Engine,
    project: Path,
    kic_cluster: KicCluster,
    moto_url: str,
    apps: KubeApiServer,  # noqa: F811
) -> None:

    from kubernetes import client

    server, kic = kic_cluster.server, kic_cluster.kic
    since = datetime.now(UTC)
    client.CustomObjectsApi(server.client(ADMIN)).create_namespaced_custom_object(
        "configuration.konghq.com", "v1", "default", "kongplugins", CORS
    )
    flux = FluxKustomizeController(server.client(ADMIN))
    flux.apply(in_git("demo", "/bar", "cors"))
    flux.apply(in_git("partners", "/partners", None))

    (project / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump({"config": CONFIG}))
    ok(kic_engine.pulumi(project, STACK, "stack", "init"))
    secret = kic_engine.pulumi(
        project, STACK, "config", "set", "--secret", "--path", "sessions.redis.password", PASSWORD
    )
    ok(secret)

    # make doctor, before make up: Flux applies demo's list without the stack's plugin; partners waits for Git.
    as_yourself = replace(kic_engine, extra_env={"KUBECONFIG": str(kic_cluster.admin_kubeconfig)})
    [demo] = doctor_lines(as_yourself, project, "annotation-owner default/demo")
    assert demo.startswith("FAIL annotation-owner default/demo: another tool sets konghq.com/plugins without oidc")
    assert "Flux (labels kustomize.toolkit.fluxcd.io/name" in demo and "spec.ignore" in demo, demo
    [partners] = doctor_lines(as_yourself, project, "annotation-owner default/partners")
    assert partners.startswith("FAIL annotation-owner default/partners: annotationOwner is git"), partners
    assert "commit `konghq.com/plugins: oidc-partners`" in partners, partners

    up = ok(kic_engine.make("up", project, STACK))

    # The attachment wrote as kong-cognito-oidc, and told the user that Flux will put its own list back.
    assert ingress(server, "demo")["metadata"]["annotations"][PLUGINS_ANNOTATION] == "cors,oidc"
    assert FieldOwner(FIELD_MANAGER, "Update") in annotation_owners(ingress(server, "demo"))
    assert "warning: Ingress default/demo: another tool writes konghq.com/plugins without oidc" in up.output, up
    assert "kustomize-controller (server-side apply) puts back 'cors'" in up.output, up
    # The git-owned route's object was left alone: nothing lists its plugin yet.
    assert PLUGINS_ANNOTATION not in (ingress(server, "partners")["metadata"].get("annotations") or {})

    # Kong gets the Redis record of 3.8 and later, the password patched in from the Secret, and the sign-out
    # endpoint without client_id (Kong 3.10.0.7 adds it).
    config = kic.settled(served_with_plugin("Ingress", "default", "demo", "oidc"), "demo has its plugin")
    (plugin,) = oidc_plugins_on(config, "Ingress", "default", "demo")
    outputs = stack_outputs(kic_engine, project, STACK)
    (client_secret,) = client_secrets(moto_url)
    _, values = stack_secret(server, "default")
    logout = f"https://{outputs['hostedUiDomain']}/logout?" + urlencode({"logout_uri": f"https://{HOST}/bar"})
    assert plugin["config"] == {
        "issuer": f"https://cognito-idp.us-west-2.amazonaws.com/{outputs['userPoolId']}/.well-known/openid-configuration",
        "client_id": [outputs["clientId"]],
        "client_secret": [client_secret],
        "session_secret": values["session_secret"],
        "redirect_uri": [f"https://{HOST}/bar"],
        "scopes": ["openid", "email", "profile"],
        "auth_methods": ["authorization_code", "session"],
        "cache_ttl": 10,
        "logout_uri_suffix": "/logout",
        "logout_methods": ["GET", "POST"],
        "end_session_endpoint": logout,
        "session_storage": "redis",
        "redis": {
            **{k: v for k, v in REDIS.items() if k != "tls"},
            "ssl": True,
            "ssl_verify": True,
            "password": PASSWORD,
        },
    }
    assert oidc_plugins_on(config, "Ingress", "default", "partners") == []

    # The password is in the Secret (JSON, as KIC splices it) and in Kong's config, and nowhere else.
    assert values["redis_password"] == PASSWORD
    stored_plugins = json.dumps(kong_plugins(server, "default"))
    assert PASSWORD not in stored_plugins
    assert PASSWORD not in json.dumps(outputs)
    assert PASSWORD not in json.dumps(kic_engine.export(project, STACK))
    assert PASSWORD not in up.output and PASSWORD not in secret.output

    # Right after make up the stack's write owns the list: the doctor cannot see Flux's manifest until it syncs.
    [demo] = doctor_lines(as_yourself, project, "annotation-owner default/demo")
    assert "shows only after the tool's next sync (`make up` warned if it did" in demo, demo

    # Flux's next sync puts Git's list back on demo: the route loses its plugin, as make up and the doctor said.
    flux.apply(in_git("demo", "/bar", "cors", revision="2"))
    kic.settled(lambda c: oidc_plugins_on(c, "Ingress", "default", "demo") == [], "Flux took oidc off demo")
    [demo] = doctor_lines(as_yourself, project, "annotation-owner default/demo")
    assert demo.startswith("FAIL annotation-owner default/demo: another tool sets konghq.com/plugins without oidc")
    # Git lists the plugins: demo's list with the stack's entry, and partners' (annotationOwner git).
    flux.apply(in_git("demo", "/bar", "cors,oidc", revision="3"))
    flux.apply(in_git("partners", "/partners", "oidc-partners", revision="3"))
    kic.settled(
        lambda c: all(served_with_plugin("Ingress", "default", name, plugin)(c) for name, plugin in PLUGINS.items()),
        "both routes have their plugin",
    )
    assert [line.split(":")[0] for line in doctor_lines(as_yourself, project, "annotation-owner default/")] == [
        "PASS annotation-owner default/demo",
        "PASS annotation-owner default/partners",
    ]
    assert kic_warnings(server, "default", since) == []

    # destroy: the KongPlugins go, and the git-owned route's list is left as Git has it.
    ok(kic_engine.make("destroy", project, STACK))
    assert ingress(server, "partners")["metadata"]["annotations"][PLUGINS_ANNOTATION] == "oidc-partners"
    assert not [p for p in kong_plugins(server, "default") if p["metadata"]["name"] in PLUGINS.values()]
