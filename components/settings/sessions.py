"""The `sessions` setting: where Kong keeps signed-in sessions, in the cookie (the default) or in Redis.

`{storage: redis, redis: {host, port, tls, tlsVerify, serverName, username, password, database, prefix}}`.
The password must be set encrypted (`pulumi config set --secret --path 'sessions.redis.password'`),
which makes the whole key a secret: no message shows a value of such a key, and the password never
appears in one. Whether the stack's Kong reads these fields (`kongVersion`) is a rule across keys
(cross_key_rules.py); docs/sessions.md says what each field becomes in Kong's config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.naming import PROJECT
from components.settings.field_rules import schema_problems, server_name_problem
from components.settings.model import Parsed, RawSetting, RedisSessions, Sessions, parse_json, show_value
from components.vocabulary import SESSION_STORAGES

KEY = f"{PROJECT}:sessions"
PASSWORD_PATH = "sessions.redis.password"
SET_PASSWORD = f"pulumi config set --secret --path '{PASSWORD_PATH}' <password>"

_STRING = {"type": "string", "minLength": 1, "description": "expected a non-empty string"}
_BOOLEAN = {"type": "boolean", "description": "expected true or false"}
_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "description": "expected a map such as {storage: redis, redis: {host: redis.sessions.svc.cluster.local}}",
    "properties": {
        "storage": {"enum": list(SESSION_STORAGES), "description": f"expected one of {', '.join(SESSION_STORAGES)}"},
        "redis": {
            "type": "object",
            "additionalProperties": False,
            "description": "expected a map such as {host: redis.sessions.svc.cluster.local, port: 6379}",
            "properties": {
                "host": _STRING,
                "port": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 65535,
                    "description": "expected a port number from 1 to 65535",
                },
                "tls": _BOOLEAN,
                "tlsVerify": _BOOLEAN,
                "serverName": _STRING,
                "username": _STRING,
                # A password of digits set with --path arrives as a number: it must be quoted.
                "password": {"type": "string", "minLength": 1, "description": "expected a non-empty string (quoted)"},
                "database": {"type": "integer", "minimum": 0, "description": "expected a whole number, 0 or more"},
                "prefix": {
                    "type": "string",
                    "pattern": r"^[^\s]+$",
                    "description": "expected a non-empty prefix without spaces",
                },
            },
        },
    },
}


def parse_sessions(setting: RawSetting) -> Parsed[Sessions]:
    """The sessions setting; cookie storage when unset."""
    if setting.raw is None or setting.raw.strip() in ("", "{}"):
        return Sessions(), []
    value, is_json = parse_json(setting.raw)
    if not is_json or not isinstance(value, dict):
        return None, [setting.problem(str(_SCHEMA["description"]))]
    problems = [_problem(setting, value, where, what) for where, what in schema_problems(value, _SCHEMA)]
    if problems:
        return None, problems
    storage = value.get("storage", "cookie")
    redis: Mapping[str, Any] | None = value.get("redis")
    if storage == "cookie":
        if redis is not None:
            return None, [f"{KEY}.redis: set, but storage is cookie; set storage: redis, or drop redis"]
        return Sessions(), []
    if redis is None or "host" not in redis:
        return None, [f"{KEY}.redis.host: this field is required with storage: redis"]
    return _redis(setting, redis)


def _redis(setting: RawSetting, redis: Mapping[str, Any]) -> Parsed[Sessions]:
    problems = []
    for field in ("host", "serverName"):
        problem = server_name_problem(redis[field]) if field in redis else None
        if problem:
            problems.append(_problem(setting, redis[field], f".redis.{field}", problem))
    tls = redis.get("tls", True)
    if not tls and redis.get("tlsVerify"):
        problems.append(f"{KEY}.redis.tlsVerify: true, but tls is false; drop tlsVerify, or set tls: true")
    if not tls and "serverName" in redis:
        problems.append(f"{KEY}.redis.serverName: the TLS server name, but tls is false; drop it, or set tls: true")
    if "password" in redis and not setting.secret:
        problems.append(
            f"{KEY}.redis.password: set in plain text, where anyone who reads the stack file reads it; "
            f"set it encrypted: {SET_PASSWORD}"
        )
    if problems:
        return None, problems
    return Sessions(
        storage="redis",
        redis=RedisSessions(
            host=redis["host"],
            port=redis.get("port", 6379),
            tls=tls,
            tls_verify=redis.get("tlsVerify", tls),
            server_name=redis.get("serverName"),
            username=redis.get("username"),
            password=redis.get("password"),
            database=redis.get("database"),
            prefix=redis.get("prefix"),
        ),
    ), []


def _problem(setting: RawSetting, value: Any, where: str, what: str) -> str:
    """`<key><where> = <value>: <what>`; without the value when the key is a secret (it may hold the password)."""
    if not where:
        return setting.problem(what)
    if setting.secret or where.endswith(".password"):
        return f"{KEY}{where}: {what}"
    return f"{KEY}{where} = {show_value(_at(value, where))}: {what}"


def _at(value: Any, where: str) -> Any:
    """The part of `value` at `where` (".redis.port"), as schema_problems names it."""
    for part in where.strip(".").split("."):
        if not isinstance(value, dict) or part not in value:
            return value
        value = value[part]
    return value
