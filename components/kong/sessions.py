"""The openid-connect plugin's session storage fields, by the Kong version the stack writes for (no Pulumi here).

With cookie storage (the default) nothing is written: Kong's default is the cookie, and the config
of every stack from before this setting stays exactly as it was. With Redis, the fields are the
ones Kong's schema has at that version (docs/sessions.md has the table and the sources):
`session_redis_*` before 3.8.0.0, the shared `redis` record from then on. `ssl_verify` is always
written, since its default changed in 3.14. The password is never in the config: Kong Ingress
Controller patches it in from the stack's Secret (`configPatches`), at `password_patch_path`.
"""

from __future__ import annotations

from typing import Any

from components.kong.versions import KongVersion, uses_redis_record
from components.settings.model import Sessions

REDIS_PASSWORD_KEY = "redis_password"
"""The key of the password in the stack's Secret (a Secret key cannot hold the path's `/`)."""


def session_config(sessions: Sessions, version: KongVersion) -> dict[str, Any]:
    """The plugin's non-secret session fields; empty for cookie storage."""
    redis = sessions.redis
    if sessions.storage != "redis" or redis is None:
        return {}
    fields: dict[str, Any] = {"host": redis.host, "port": redis.port, "ssl": redis.tls, "ssl_verify": redis.tls_verify}
    optional: dict[str, Any] = {"server_name": redis.server_name, "username": redis.username, "prefix": redis.prefix}
    if uses_redis_record(version):
        optional["database"] = redis.database
    fields |= {name: value for name, value in optional.items() if value is not None}
    if uses_redis_record(version):
        return {"session_storage": "redis", "redis": fields}
    return {"session_storage": "redis", **{f"session_redis_{name}": value for name, value in fields.items()}}


def password_patch_path(sessions: Sessions, version: KongVersion) -> str | None:
    """Where in the config the Redis password goes (a JSON Pointer), None without one."""
    if sessions.redis is None or sessions.redis.password is None:
        return None
    return "/redis/password" if uses_redis_record(version) else "/session_redis_password"
