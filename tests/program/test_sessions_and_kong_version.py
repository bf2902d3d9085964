"""kongVersion, sessions and a route's annotationOwner, through the whole program under Pulumi's mocks.

An existing stack (neither setting, or their defaults) declares exactly what it declared before;
Redis sessions write the plugin's Redis fields of the Kong version, with the password only in the
Secret; from Kong 3.10.0.7 the sign-out endpoint leaves client_id to Kong; a git-owned route's
attachment leaves the object alone; every bad value stops the program before anything is declared.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from program_harness import PROJECT, CloudMocks, ProgramRun, RecordingMonitor, dev_stack_config, is_secret, run_program

from components.settings.load import config_string
from components.settings.model import SettingsError

KONG_PLUGIN = "kubernetes:configuration.konghq.com/v1:KongPlugin"
SECRET = "kubernetes:core/v1:Secret"
ATTACHMENT = "pulumi-python:dynamic/kong:IngressPluginAnnotation"
PASSWORD = "r3dis-pw-Zq9-never-shown"
REDIS = {"host": "redis.sessions.svc.cluster.local", "port": 6380, "tls": True, "prefix": "shop", "username": "kong"}


def run(monkeypatch: pytest.MonkeyPatch, secret: bool = False, **settings: Any) -> ProgramRun:
    if secret:
        monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps([f"{PROJECT}:sessions"]))
    else:
        monkeypatch.delenv("PULUMI_CONFIG_SECRET_KEYS", raising=False)
    config = {**dev_stack_config(), **{f"{PROJECT}:{key}": config_string(value) for key, value in settings.items()}}
    return run_program(monkeypatch, config)


def redis_sessions(password: bool = True, **fields: Any) -> dict[str, Any]:
    return {"storage": "redis", "redis": {**REDIS, **({"password": PASSWORD} if password else {}), **fields}}


def plain(value: Any) -> Any:
    """Inputs without Pulumi's secret wrappers, for comparing what is declared."""
    if is_secret(value):
        return plain(value["value"])
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def declared(run: ProgramRun) -> list[tuple[str, str, str]]:
    """Every resource's URN and inputs, as JSON with its secrets' wrappers (secret-ness counts too)."""
    return sorted(
        (resource.urn, resource.type, json.dumps(resource.inputs, sort_keys=True)) for resource in run.declared
    )


# --- an existing stack ---


@pytest.mark.parametrize(
    "settings",
    [{"kongVersion": ""}, {"kongVersion": "3.4"}, {"sessions": {"storage": "cookie"}}, {"sessions": {}}],
    ids=["kongVersion-empty", "kongVersion-3.4", "cookie", "empty-sessions"],
)
def test_an_existing_stack_declares_exactly_what_it_did(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    before = run(monkeypatch)
    after = run(monkeypatch, **settings)
    assert declared(after) == declared(before)
    # A kongVersion set (even to the default) is exported, for make verify's hints; nothing else is new.
    assert {key: export.value for key, export in after.exports.items() if key != "kongVersion"} == {
        key: export.value for key, export in before.exports.items()
    }


def test_the_dev_stacks_plugin_config_has_no_session_or_version_field(monkeypatch: pytest.MonkeyPatch) -> None:
    config = plain(run(monkeypatch).one(KONG_PLUGIN).inputs["config"])
    assert not {key for key in config if key.startswith(("session", "redis"))}
    assert "client_id=" in config["end_session_endpoint"]


# --- Redis sessions, by Kong version ---


@pytest.mark.parametrize("version", ["3.4", "3.7.1.2"])
def test_before_kong_3_8_redis_sessions_use_the_session_redis_fields(
    monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    program = run(monkeypatch, secret=True, kongVersion=version, sessions=redis_sessions())
    plugin = plain(program.one(KONG_PLUGIN).inputs)
    config = plugin["config"]
    assert {key: value for key, value in config.items() if key.startswith("session")} == {
        "session_storage": "redis",
        "session_redis_host": REDIS["host"],
        "session_redis_port": 6380,
        "session_redis_ssl": True,
        "session_redis_ssl_verify": True,
        "session_redis_username": "kong",
        "session_redis_prefix": "shop",
    }
    assert "redis" not in config
    patches = {patch["path"]: patch["valueFrom"]["secretKeyRef"]["key"] for patch in plugin["configPatches"]}
    assert patches["/session_redis_password"] == "redis_password"


@pytest.mark.parametrize("version", ["3.8", "3.10.0.7", "3.15"])
def test_from_kong_3_8_redis_sessions_use_the_shared_redis_record(
    monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    program = run(monkeypatch, secret=True, kongVersion=version, sessions=redis_sessions(tlsVerify=False))
    plugin = plain(program.one(KONG_PLUGIN).inputs)
    config = plugin["config"]
    assert config["session_storage"] == "redis"
    assert config["redis"] == {
        "host": REDIS["host"],
        "port": 6380,
        "ssl": True,
        "ssl_verify": False,
        "username": "kong",
        "prefix": "shop",
    }
    assert not [key for key in config if key.startswith("session_redis")]
    patches = {patch["path"]: patch["valueFrom"]["secretKeyRef"]["key"] for patch in plugin["configPatches"]}
    assert patches == {
        "/client_secret": "client_secret",
        "/session_secret": "session_secret",
        "/redis/password": "redis_password",
    }
    attachment = plain(program.one(ATTACHMENT).inputs)
    assert attachment["config_patch_paths"] == ["/client_secret", "/session_secret", "/redis/password"]


def test_a_database_is_written_from_kong_3_9(monkeypatch: pytest.MonkeyPatch) -> None:
    program = run(monkeypatch, kongVersion="3.9.1", sessions=redis_sessions(password=False, database=2))
    config = plain(program.one(KONG_PLUGIN).inputs)["config"]
    assert config["redis"]["database"] == 2
    # Without a password nothing is patched in for Redis.
    assert [patch["path"] for patch in program.one(KONG_PLUGIN).inputs["configPatches"]] == [
        "/client_secret",
        "/session_secret",
    ]


def test_the_redis_password_is_in_the_secret_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    program = run(monkeypatch, secret=True, kongVersion="3.10.0.7", sessions=redis_sessions())
    secret = program.one(SECRET)
    assert is_secret(secret.inputs["stringData"])
    assert json.loads(plain(secret.inputs["stringData"])["redis_password"]) == PASSWORD  # JSON, as KIC splices it
    elsewhere = [resource for resource in program.declared if resource.type != SECRET]
    assert [resource.name for resource in elsewhere if PASSWORD in json.dumps(plain(resource.inputs))] == []
    exports = json.dumps({key: export.value for key, export in program.exports.items()}, default=str)
    assert PASSWORD not in exports
    assert program.exports["sessions"].value == {"storage": "redis"}
    assert program.exports["kongVersion"].value == "3.10.0.7"


def test_an_api_route_keeps_no_session_and_gets_no_redis_field(monkeypatch: pytest.MonkeyPatch) -> None:
    routes = [{"ingress": "demo"}, {"ingress": "orders", "path": "/api", "mode": "api", "scopes": ["orders.read"]}]
    program = run(
        monkeypatch,
        secret=True,
        kongVersion="3.10.0.7",
        sessions=redis_sessions(),
        routes=routes,
        apiClients=[{"name": "billing", "scopes": ["orders.read"]}],
    )
    plugins = {plugin.inputs["metadata"]["name"]: plain(plugin.inputs) for plugin in program.of_type(KONG_PLUGIN)}
    assert "redis" not in plugins["oidc-orders"]["config"] and "session_storage" not in plugins["oidc-orders"]["config"]
    assert [patch["path"] for patch in plugins["oidc-orders"]["configPatches"]] == ["/client_secret", "/session_secret"]
    assert plugins["oidc"]["config"]["session_storage"] == "redis"


# --- sign-out by Kong version ---


@pytest.mark.parametrize(
    ("version", "with_client_id"), [("3.10.0.6", True), ("3.9.1.2", True), ("3.10.0.7", False), ("3.11", False)]
)
def test_from_kong_3_10_0_7_the_logout_endpoint_leaves_client_id_to_kong(
    monkeypatch: pytest.MonkeyPatch, version: str, with_client_id: bool
) -> None:
    program = run(monkeypatch, kongVersion=version)
    endpoint = plain(program.one(KONG_PLUGIN).inputs)["config"]["end_session_endpoint"]
    assert ("client_id=" in endpoint) is with_client_id
    assert "logout_uri=" in endpoint  # Cognito refuses a logout without it


# --- annotationOwner ---


def test_a_git_owned_route_declares_its_plugin_and_an_attachment_that_leaves_the_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    program = run(monkeypatch, routes=[{"ingress": "demo", "annotationOwner": "git"}])
    assert plain(program.one(ATTACHMENT).inputs)["annotation_owner"] == "git"
    assert len(program.of_type(KONG_PLUGIN)) == 1 and len(program.of_type(SECRET)) == 1
    (route,) = program.exports["routes"].value
    assert route["annotationOwner"] == "git"
    assert route["annotation"] == {"konghq.com/plugins": "oidc"}
    stack_owned = run(monkeypatch, routes=[{"ingress": "demo"}])
    assert "annotation_owner" not in stack_owned.one(ATTACHMENT).inputs
    assert "annotationOwner" not in stack_owned.exports["routes"].value[0]


# --- refusals ---

BAD_SETTINGS: list[tuple[dict[str, Any], str]] = [
    ({"kongVersion": "latest"}, "kongVersion"),
    ({"kongVersion": "3.3.1.0"}, "kongVersion"),
    ({"kongVersion": "4.0"}, "kongVersion"),
    ({"sessions": {"storage": "memcache"}}, "sessions.storage"),
    ({"sessions": "redis"}, "sessions"),
    ({"sessions": {"storage": "redis"}, "kongVersion": "3.10"}, "sessions.redis.host"),
    ({"sessions": {"storage": "cookie", "redis": {"host": "redis"}}}, "sessions.redis"),
    ({"sessions": redis_sessions(password=False)}, "sessions"),  # no kongVersion
    ({"sessions": redis_sessions(password=False, port=70000), "kongVersion": "3.10"}, "sessions.redis.port"),
    ({"sessions": redis_sessions(password=False, host="redis:6379"), "kongVersion": "3.10"}, "sessions.redis.host"),
    (
        {"sessions": redis_sessions(password=False, tls=False, tlsVerify=True), "kongVersion": "3.10"},
        "sessions.redis.tlsVerify",
    ),
    (
        {"sessions": redis_sessions(password=False, tls=False, serverName="r"), "kongVersion": "3.10"},
        "sessions.redis.serverName",
    ),
    ({"sessions": redis_sessions(password=False, database=1), "kongVersion": "3.8.1"}, "sessions.redis.database"),
    ({"sessions": redis_sessions(password=False, database=1), "kongVersion": "3.7"}, "sessions.redis.database"),
    ({"sessions": redis_sessions(password=False, prefix="a b"), "kongVersion": "3.10"}, "sessions.redis.prefix"),
    ({"sessions": redis_sessions(password=False, colour="red"), "kongVersion": "3.10"}, "sessions.redis.colour"),
    ({"routes": [{"ingress": "demo", "annotationOwner": "flux"}]}, "routes[0].annotationOwner"),
]


@pytest.mark.parametrize(("settings", "key"), BAD_SETTINGS, ids=[key for _, key in BAD_SETTINGS])
def test_each_bad_value_stops_the_program_before_anything_is_declared(
    monkeypatch: pytest.MonkeyPatch, settings: dict[str, Any], key: str
) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_SECRET_KEYS", raising=False)
    config = {**dev_stack_config(), **{f"{PROJECT}:{name}": config_string(value) for name, value in settings.items()}}
    monitor = RecordingMonitor(CloudMocks())
    with pytest.raises(SettingsError) as raised:
        run_program(monkeypatch, config, monitor=monitor)
    assert monitor.declared == []
    assert f"{PROJECT}:{key}" in str(raised.value) and "(1 problem)" in str(raised.value), str(raised.value)


def test_a_plain_text_redis_password_is_refused_with_the_command_and_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_SECRET_KEYS", raising=False)
    settings = {"sessions": redis_sessions(), "kongVersion": "3.10.0.7"}
    config = {**dev_stack_config(), **{f"{PROJECT}:{name}": config_string(value) for name, value in settings.items()}}
    monitor = RecordingMonitor(CloudMocks())
    with pytest.raises(SettingsError) as raised:
        run_program(monkeypatch, config, monitor=monitor)
    assert monitor.declared == []
    assert "pulumi config set --secret --path 'sessions.redis.password' <password>" in str(raised.value)
    assert PASSWORD not in str(raised.value)


def test_a_secret_sessions_key_shows_no_value_in_its_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps([f"{PROJECT}:sessions"]))
    settings = {"sessions": redis_sessions(port="6379x"), "kongVersion": "3.10.0.7"}
    config = {**dev_stack_config(), **{f"{PROJECT}:{name}": config_string(value) for name, value in settings.items()}}
    with pytest.raises(SettingsError) as raised:
        run_program(monkeypatch, config)
    assert f"{PROJECT}:sessions.redis.port: expected a port number" in str(raised.value)
    assert PASSWORD not in str(raised.value) and REDIS["host"] not in str(raised.value)
