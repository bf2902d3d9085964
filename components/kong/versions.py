"""Kong Gateway versions: the `kongVersion` setting's form, and where the plugin config changes (pure).

Kong Gateway Enterprise numbers its releases with four parts (3.10.0.7); `kongVersion` may give two
to four (a missing part is 0) and the `-enterprise-edition` suffix Kong's Admin API and `Server`
header carry. Each boundary below is from Kong's openid-connect changelog and published schemas
(developer.konghq.com, app/_kong_plugins/openid-connect/changelog.json and
app/_schemas/gateway/plugins/<minor>/OpenidConnect.json), as docs/sessions.md quotes them.
"""

from __future__ import annotations

import re

KongVersion = tuple[int, int, int, int]

MINIMUM: KongVersion = (3, 4, 0, 0)
"""The oldest Kong Gateway the stack supports (docs/design.md#minimum-versions)."""
DEFAULT = "3.4"
"""`kongVersion` when unset: the minimum, for which the plugin config is what it always was."""
REDIS_RECORD: KongVersion = (3, 8, 0, 0)
"""3.8.0.0: "Standardized Redis configuration across plugins": `config.redis.*` replaces `session_redis_*`."""
REDIS_DATABASE: KongVersion = (3, 9, 0, 0)
"""3.9.0.0: "Fixed an issue where the configured Redis database was ignored"."""
LOGOUT_CLIENT_ID: KongVersion = (3, 10, 0, 7)
"""3.10.0.7 and 3.11.0.0 (so every later release): "Added the `client_id` to the logout URL"."""

_FORM = re.compile(r"(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,4}))?(?:-enterprise-edition)?")


def parse_kong_version(text: str) -> KongVersion | None:
    """`3.10`, `3.10.0.7` or `3.10.0.7-enterprise-edition` as four numbers; None if it is not one."""
    found = _FORM.fullmatch(text.strip())
    if found is None:
        return None
    major, minor, patch, build = (int(part) if part else 0 for part in found.groups())
    return major, minor, patch, build


def shown(version: KongVersion) -> str:
    return ".".join(str(part) for part in version)


def kong_version_problem(text: str) -> str | None:
    """What is wrong with a `kongVersion` value, or None."""
    version = parse_kong_version(text)
    if version is None:
        return "not a Kong Gateway version: expected two to four numbers, such as 3.10.0.7 or 3.11"
    if version < MINIMUM:
        return "older than Kong Gateway 3.4, the oldest this stack supports"
    if version[0] != 3:
        return (
            f"this stack knows Kong Gateway 3.x (3.4 and later); what Kong {version[0]} changed in the "
            "openid-connect plugin is not known here"
        )
    return None


def uses_redis_record(version: KongVersion) -> bool:
    return version >= REDIS_RECORD


def adds_logout_client_id(version: KongVersion) -> bool:
    """Whether Kong itself adds `client_id` to the logout redirect."""
    return version >= LOGOUT_CLIENT_ID


def behaviour_boundaries(
    declared: KongVersion,
    running: KongVersion,
    *,
    redis: bool = True,
    redis_database: bool = True,
    sign_out: bool = True,
) -> list[str]:
    """The boundaries between two versions that change what the stack declares: why a mismatch matters. Only those
    of what the stack uses count: Redis sessions (`redis`), their database, a browser route's sign-out."""
    found = []
    if redis and uses_redis_record(declared) != uses_redis_record(running):
        found.append("the plugin's Redis fields (config.redis from 3.8.0.0, session_redis_* before)")
    if redis_database and (declared >= REDIS_DATABASE) != (running >= REDIS_DATABASE):
        found.append("whether Kong honours redis.database (from 3.9.0.0)")
    if sign_out and adds_logout_client_id(declared) != adds_logout_client_id(running):
        found.append("whether Kong adds client_id to the sign-out redirect itself (from 3.10.0.7)")
    return found
