"""The component's inputs, checked by the stack's settings code with the stack's messages, before anything exists.

What the plugin checks before it constructs the component (components/package/inputs.py): every
value known then (during `up`, every value is), outputs only where a consumer may pass them, a name
for each route whose Ingress is known only later, and secrets given as secrets.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

import pulumi
import pytest
from event_loops import run_coroutine
from pulumi.errors import InputPropertyErrorDetails

from components.naming import PROJECT
from components.package.inputs import input_problems, property_error
from components.settings.load import config_string, parse_settings
from components.settings.model import SettingsError
from components.settings.registry import CONFIG_KEYS

ROUTE = {"ingress": "demo", "namespace": "default", "host": "apps.example.com", "path": "/bar"}


def problems(make_inputs: Callable[[], dict[str, Any]], region: str | None = "us-west-2") -> dict[str, str]:
    """input_problems of the inputs `make_inputs` builds (in the event loop, where Outputs are made): path -> reason."""

    async def check() -> dict[str, str]:
        found = await input_problems(make_inputs(), region)
        return {problem["property_path"]: problem["reason"] for problem in found}

    return run_coroutine(check())


def unknown() -> pulumi.Output[str]:
    """An output not known yet, as a preview hands over a value of a resource to be created."""
    loop = asyncio.get_running_loop()
    value, known = loop.create_future(), loop.create_future()
    value.set_result(None)
    known.set_result(False)
    return pulumi.Output(set(), value, known)


def run(coroutine: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return run_coroutine(coroutine())


def test_good_inputs_have_no_problem() -> None:
    assert problems(lambda: {"routes": [ROUTE], "allowedGroups": ["staff"], "cacheTtl": 30.0}) == {}


def test_the_messages_are_the_stacks_for_the_same_values() -> None:
    """Each of a stack's problems, for the same values, is the component's, by its input's name."""
    bad: dict[str, Any] = {
        "routes": [{**ROUTE, "host": "https://apps.example.com", "mode": "fast"}, {**ROUTE, "path": "/bar"}],
        "cacheTtl": 0,
        "scopes": ["email"],
        "upstreamHeaders": {"sub": "Cookie"},
        "apiIdentifier": "https://api.example.com",
    }
    raw = {key: config_string(bad[key]) for key in CONFIG_KEYS if key in bad}
    with pytest.raises(SettingsError) as stack:
        parse_settings({**raw, "aws:region": "nowhere"})

    found = problems(lambda: {**bad, "awsRegion": "nowhere"})

    values = {**bad, "awsRegion": "nowhere"}
    assert found == {
        error["property_path"]: error["reason"]
        for error in map(lambda p: property_error(p, values), stack.value.problems)
    }
    assert len(found) == len(stack.value.problems) == 7
    assert found["routes[0].host"].startswith("expected the Kong proxy's public host name")
    assert found["awsRegion"] == "expected an AWS region code such as 'us-west-2'"
    assert not any(PROJECT in reason for reason in found.values())


def test_the_region_defaults_to_the_stacks_aws_region() -> None:
    assert problems(lambda: {"routes": [ROUTE]}, region="eu-west-1") == {}
    assert problems(lambda: {"routes": [ROUTE]}, region=None) == {"awsRegion": "this setting is required"}


def test_a_value_from_an_output_is_checked_when_known_and_waits_when_not() -> None:
    def host(value: Callable[[], pulumi.Output[str]]) -> Callable[[], dict[str, Any]]:
        return lambda: {"routes": [{**ROUTE, "host": value()}]}

    assert problems(host(lambda: pulumi.Output.from_input("apps.example.com"))) == {}
    assert list(problems(host(lambda: pulumi.Output.from_input("not a host")))) == ["routes[0].host"]
    assert problems(host(unknown)) == {}  # a preview: checked when the update runs


def test_a_secret_value_is_never_shown_in_a_message() -> None:
    found = problems(lambda: {"routes": [{**ROUTE, "host": pulumi.Output.secret("bad host 1234")}]})
    assert "1234" not in json.dumps(found)
    assert list(found) == ["routes[0].host"]
    # The default apiIdentifier is made of the host, and its message shows it.
    long_scope = {"name": "billing", "scopes": ["a" * 240]}
    found = problems(lambda: {"routes": [{**ROUTE, "host": pulumi.Output.secret("s3cret.example.com")}],
                              "apiClients": [long_scope]})  # fmt: skip
    assert list(found) == ["apiIdentifier"]
    assert "s3cret" not in found["apiIdentifier"] and "(a secret)" in found["apiIdentifier"]


def test_outputs_only_where_a_consumer_gets_them_from_other_resources() -> None:
    found = problems(
        lambda: {
            "routes": [{**ROUTE, "path": pulumi.Output.from_input("/bar")}],
            "allowedGroups": pulumi.Output.from_input(["staff"]),
            "awsRegion": pulumi.Output.from_input("us-west-2"),
        }
    )
    assert sorted(found) == ["allowedGroups", "awsRegion", "routes[0].path"]
    assert all("must be a plain value, not another resource's output" in reason for reason in found.values())


def test_a_route_whose_ingress_comes_from_an_output_needs_a_name() -> None:
    def route(**fields: Any) -> Callable[[], dict[str, Any]]:
        return lambda: {"routes": [{**ROUTE, **{k: v() if callable(v) else v for k, v in fields.items()}}]}

    found = problems(route(ingress=lambda: pulumi.Output.from_input("web")))
    assert found["routes[0].name"].startswith("required, since ingress comes from another resource's output")
    assert problems(route(ingress=lambda: pulumi.Output.from_input("web"), name="web")) == {}
    assert problems(route(namespace=unknown, ingress=unknown, name="web")) == {}
    assert "expected at most 63 lower-case letters" in problems(route(name="Web App"))["routes[0].name"]


def test_two_routes_of_one_name_are_refused() -> None:
    second = {**ROUTE, "ingress": "admin", "path": "/admin", "name": "app"}
    found = problems(lambda: {"routes": [{**ROUTE, "name": "app"}, second]})
    assert found == {"routes[1].name": "already routes[0]'s"}


def test_secrets_must_come_as_secrets() -> None:
    def provider(secret: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
        entry = {"name": "Okta", "type": "OIDC", "issuer": "https://acme.okta.com", "clientId": "0oa1"}
        return lambda: {"routes": [ROUTE], "identityProviders": [{**entry, "clientSecret": secret()}]}

    assert problems(provider(lambda: pulumi.Output.secret("s3cret"))) == {}
    assert problems(provider(unknown)) == {}
    for plain in (lambda: "s3cret", lambda: pulumi.Output.from_input("s3cret")):
        # No property named: the engine would print a property's value, and this one is not a secret.
        assert problems(provider(plain)).keys() == {""}
        reason = problems(provider(plain))[""]
        assert reason.startswith("identityProviders[0].clientSecret: ")
        assert "pass it as a secret" in reason and "s3cret" not in reason

    document = "apiVersion: v1\nkind: Config\n"
    assert problems(lambda: {"routes": [ROUTE], "kubeconfig": document})[""].startswith("kubeconfig: ")
    assert problems(lambda: {"routes": [ROUTE], "kubeconfig": pulumi.Output.secret(document)}) == {}
    assert problems(lambda: {"routes": [ROUTE], "kubeconfig": "/home/me/.kube/config"}) == {}


def test_the_redis_password_must_come_as_a_secret_and_may_be_an_output() -> None:
    def sessions(password: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
        def make() -> dict[str, Any]:
            redis = {"host": "redis.sessions.svc.cluster.local", "password": password()}
            return {"routes": [ROUTE], "kongVersion": "3.10.0.7", "sessions": {"storage": "redis", "redis": redis}}

        return make

    assert problems(sessions(lambda: pulumi.Output.secret("r3dis"))) == {}
    assert problems(sessions(unknown)) == {}
    for plain in (lambda: "r3dis", lambda: pulumi.Output.from_input("r3dis")):
        found = problems(sessions(plain))
        assert list(found) == [""]  # no property named: the engine would print its value
        assert found[""].startswith("sessions.redis.password: ") and "pass it as a secret" in found[""]
        assert "r3dis" not in json.dumps(found)


def test_a_problem_of_a_value_holding_a_secret_names_no_property() -> None:
    """The engine prints the value of the property a problem names: `sessions` would show a plain password whole."""
    redis = {"host": "redis.sessions.svc.cluster.local", "password": "r3dis"}

    def reported(sessions: dict[str, Any]) -> list[InputPropertyErrorDetails]:
        return run_coroutine(input_problems({"routes": [ROUTE], "sessions": sessions}, "us-west-2"))

    found = reported({"storage": "redis", "redis": redis})
    reasons = sorted(problem["reason"].split(":")[0] for problem in found)
    assert reasons == ["sessions", "sessions.redis.password"]  # kongVersion missing for Redis; the password plain
    assert all(problem["property_path"] == "" for problem in found)
    assert "r3dis" not in json.dumps(found)
    cookie = reported({"storage": "cookie", "redis": redis})
    assert [problem["property_path"] for problem in cookie] == ["", ""] and "r3dis" not in json.dumps(cookie)
