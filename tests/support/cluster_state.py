"""What a scenario reads back from the API server and moto, as an operator would look."""

from __future__ import annotations

import base64
import re
from typing import Any

import boto3
from kube_apiserver import ADMIN, KubeApiServer

from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION


def ingress(server: KubeApiServer, name: str = "demo", namespace: str = "default") -> dict[str, Any]:
    from kubernetes import client

    found: dict[str, Any] = server.client(ADMIN).sanitize_for_serialization(
        client.NetworkingV1Api(server.client(ADMIN)).read_namespaced_ingress(name, namespace)
    )
    return found


def plugins_listed(server: KubeApiServer, name: str = "demo", namespace: str = "default") -> list[str]:
    annotations = ingress(server, name, namespace)["metadata"].get("annotations") or {}
    return [entry.strip() for entry in annotations.get(PLUGINS_ANNOTATION, "").split(",") if entry.strip()]


def http_route(server: KubeApiServer, name: str, namespace: str = "default") -> dict[str, Any]:
    from kubernetes import client

    found: dict[str, Any] = client.CustomObjectsApi(server.client(ADMIN)).get_namespaced_custom_object(
        "gateway.networking.k8s.io", "v1", namespace, "httproutes", name
    )
    return found


def kong_plugins(server: KubeApiServer, namespace: str = "default") -> list[dict[str, Any]]:
    from kubernetes import client

    listed: dict[str, Any] = client.CustomObjectsApi(server.client(ADMIN)).list_namespaced_custom_object(
        "configuration.konghq.com", "v1", namespace, "kongplugins"
    )
    return list(listed["items"])


def secrets(server: KubeApiServer, namespace: str = "default") -> list[dict[str, Any]]:
    from kubernetes import client

    listed = client.CoreV1Api(server.client(ADMIN)).list_namespaced_secret(namespace)
    found: list[dict[str, Any]] = server.client(ADMIN).sanitize_for_serialization(listed)["items"]
    return found


def secret_values(secret: dict[str, Any]) -> dict[str, str]:
    return {key: base64.b64decode(value).decode() for key, value in (secret.get("data") or {}).items()}


def user_pools(moto_url: str) -> list[dict[str, Any]]:
    cognito = cognito_client(moto_url)
    pools: list[dict[str, Any]] = cognito.list_user_pools(MaxResults=60)["UserPools"]
    return pools


def client_secrets(moto_url: str) -> list[str]:
    cognito = cognito_client(moto_url)
    found = []
    for pool in user_pools(moto_url):
        for app in cognito.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)["UserPoolClients"]:
            described = cognito.describe_user_pool_client(UserPoolId=pool["Id"], ClientId=app["ClientId"])
            found.append(described["UserPoolClient"]["ClientSecret"])
    return found


def app_clients(moto_url: str) -> dict[str, dict[str, Any]]:
    """Every app client of every pool, as DescribeUserPoolClient answers, by client name."""
    cognito = cognito_client(moto_url)
    found = {}
    for pool in user_pools(moto_url):
        for app in cognito.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)["UserPoolClients"]:
            described = cognito.describe_user_pool_client(UserPoolId=pool["Id"], ClientId=app["ClientId"])
            found[app["ClientName"]] = described["UserPoolClient"]
    return found


def resource_servers(moto_url: str, pool_id: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = cognito_client(moto_url).list_resource_servers(UserPoolId=pool_id, MaxResults=50)[
        "ResourceServers"
    ]
    return listed


def identity_providers(moto_url: str, pool_id: str) -> dict[str, dict[str, Any]]:
    """The pool's identity providers, as DescribeIdentityProvider answers, by name."""
    cognito = cognito_client(moto_url)
    listed = cognito.list_identity_providers(UserPoolId=pool_id, MaxResults=60)["Providers"]
    return {
        provider["ProviderName"]: cognito.describe_identity_provider(
            UserPoolId=pool_id, ProviderName=provider["ProviderName"]
        )["IdentityProvider"]
        for provider in listed
    }


def cognito_client(moto_url: str) -> Any:
    return _client("cognito-idp", moto_url)


def iam_client(moto_url: str) -> Any:
    return _client("iam", moto_url)


def lambda_client(moto_url: str) -> Any:
    return _client("lambda", moto_url)


def _client(service: str, moto_url: str) -> Any:
    return boto3.client(
        service,
        region_name="us-west-2",
        endpoint_url=moto_url,
        aws_access_key_id="e2e",
        aws_secret_access_key="e2e",
    )


def changes(output: str) -> dict[str, int]:
    """The counts of the summary `pulumi up`/`preview` ends with, e.g. {"created": 3, "unchanged": 2}."""
    counts: dict[str, int] = {}
    summary = (
        r"^\s*[-+~]*\s*(\d+) (to create|created|to update|updated|to delete|deleted|to replace|replaced|unchanged)\b"
    )
    for count, what in re.findall(summary, output, re.MULTILINE):
        counts[what.removeprefix("to ")] = counts.get(what.removeprefix("to "), 0) + int(count)
    return counts


def steps(run_output: str) -> dict[str, set[str]]:
    """What `pulumi up` did, by operation: {"+": {"<type> <name>", ...}, "~": ..., "-": ..., "+-": ...}."""
    done: dict[str, set[str]] = {}
    step = r"^\s+(\+-|-\+|[+~-])\s+(\S+:\S+)\s+(\S+) (?:created|updated|deleted|replaced)\b"
    for sign, resource_type, name in re.findall(step, run_output, re.MULTILINE):
        done.setdefault(sign, set()).add(f"{resource_type.split(':')[-1]} {name}")
    return done


# What `pulumi preview` prints after running the local policy pack.
POLICY_PACK_RAN = re.compile(
    r"^Policy Packs run:\n\s+Name\s+Version\n\s+kong-cognito-oidc\|local\|policy\s+0\.1\.0$", re.M
)


_PLANNED = re.compile(
    r"^\s*(\+-|-\+|\+\+|--|[+~-]) (\S+:\S+): \((create|update|delete|replace|create-replacement|delete-replaced)\)$"
)


def planned_steps(preview_diff_output: str) -> dict[str, set[str]]:
    """What `pulumi preview --diff` plans, by operation: {"~": {"<type> <name>", ...}, ...}.

    Each planned step is a line `<sign> <type token>: (<operation>)` followed, a line or two below,
    by the resource's `[urn=...]`, whose last part is its name.
    """
    planned: dict[str, set[str]] = {}
    lines = preview_diff_output.splitlines()
    for index, line in enumerate(lines):
        found = _PLANNED.match(line)
        if not found:
            continue
        sign, token = found.group(1), found.group(2)
        urn = next((later.strip() for later in lines[index + 1 : index + 4] if later.strip().startswith("[urn=")), "")
        name = urn.rstrip("]").rsplit("::", 1)[-1]
        planned.setdefault(sign, set()).add(f"{token.split(':')[-1]} {name}")
    return planned
