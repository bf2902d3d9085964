"""The Kong Gateway that serves the routes, against the stack's `kongVersion`.

Where the version is read, best first (docs/troubleshooting.md#kong-version):

1. The response headers of the first route's URL: Kong adds `Server: kong/<version>` to what it
   answers itself (the sign-in redirect) and `Via: ... kong/<version>` to what it proxies (kong.conf's
   `headers`, on by default). That is the Kong that serves the route, read without credentials.
2. The image tag of the Kong Gateway containers in the cluster (`kong/kong-gateway:3.10.0.7`), when
   the headers are off: a tag can float (`3.10`) or be a digest, so only a whole version counts.

The Admin API would say it exactly (`GET /` → `version`), but its address is not in the stack's
settings and it is often unreachable from outside the cluster; the doctor does not look for it.
A difference FAILs only where it changes what the stack declares (components/kong_versions.py);
otherwise the line notes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from components.kong.versions import (
    KongVersion,
    behaviour_boundaries,
    parse_kong_version,
    shown,
)
from components.settings.model import Settings
from doctor_checks.cluster import Cluster
from doctor_checks.world import TIMEOUT, World
from verification.results import CheckLine, failed, passed, skipped

NAME = "kong-version"
_IN_HEADER = re.compile(r"(?:^|[\s,])kong/(\d+(?:\.\d+){1,3})(?:-enterprise-edition)?\b", re.IGNORECASE)
_IMAGE = re.compile(r"(?:^|/)kong(?:-gateway)?:(\d+\.\d+\.\d+\.\d+)(?:-[a-z0-9.]+)?$")


@dataclass(frozen=True)
class RunningKong:
    version: KongVersion
    source: str
    """Where it was read, for the line: `Server header of https://…` or `image kong/kong-gateway:3.10.0.7 (pod …)`."""


def find_running_kong(url: str, world: World, cluster: Cluster | None) -> tuple[RunningKong | None, str]:
    """The running Kong's version, from the route's answer, else from the cluster's Kong images; else why not."""
    try:
        headers = world.response_headers(url)
    except Exception as error:  # requests' connection and TLS errors: no answer to read
        said = f"{url} did not answer ({type(error).__name__})"
    else:
        in_header = _header_version(headers)
        if in_header is not None:
            header, version = in_header
            return RunningKong(version, f"{header} header of {url}"), ""
        said = f"no kong/<version> in the Server or Via header of {url} (Kong's `headers` setting may hide it)"
    if cluster is None:
        return None, f"{said}; no cluster to read Kong's image from"
    images, why = _kong_images(cluster)
    from_image = version_from_images(images)
    if from_image is not None:
        return from_image, ""
    return None, f"{said}; {why or 'no Kong Gateway image with a whole version (such as 3.10.0.7) in the cluster'}"


def _kong_images(cluster: Cluster) -> tuple[list[tuple[str, str]], str]:
    """(image, `pod <namespace>/<name>`) of every container in the cluster's first 500 pods, or why none."""
    import json

    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    try:
        response = client.CoreV1Api(cluster.api).list_pod_for_all_namespaces(
            limit=500, _preload_content=False, _request_timeout=TIMEOUT
        )
    except ApiException as error:
        return [], f"listing pods failed ({error.status} {error.reason}), so Kong's image could not be read"
    except Exception as error:  # connection errors: the cluster line says more
        return [], f"listing pods failed ({type(error).__name__})"
    images = []
    for pod in json.loads(response.data).get("items", []):
        metadata = pod.get("metadata", {})
        where = f"pod {metadata.get('namespace')}/{metadata.get('name')}"
        images += [(container.get("image", ""), where) for container in pod.get("spec", {}).get("containers", [])]
    return images, ""


def version_from_headers(headers: Mapping[str, str]) -> KongVersion | None:
    """The Kong version in a `Server` or `Via` header (`kong/3.10.0.7-enterprise-edition`), if any."""
    found = _header_version(headers)
    return found[1] if found else None


def _header_version(headers: Mapping[str, str]) -> tuple[str, KongVersion] | None:
    lowered = {key.lower(): value for key, value in headers.items()}
    for header in ("Server", "Via"):
        found = _IN_HEADER.search(lowered.get(header.lower(), ""))
        version = parse_kong_version(found.group(1)) if found else None
        if version is not None:
            return header, version
    return None


def version_from_images(images: Iterable[tuple[str, str]]) -> RunningKong | None:
    """The first Kong Gateway image with a whole four-part version tag, from (image, where) pairs."""
    for image, where in images:
        found = _IMAGE.search(image)
        if found:
            version = parse_kong_version(found.group(1))
            if version is not None:
                return RunningKong(version, f"image {image} ({where})")
    return None


def check_kong_version(
    declared_text: str,
    declared_set: bool,
    running: RunningKong | None,
    why_not: str,
    settings: Settings | None = None,
) -> CheckLine:
    """Compare `kongVersion` (the setting's text; `declared_set` False when it is the default) with the running Kong,
    by what `settings` use (None: everything that depends on the version)."""
    declared = parse_kong_version(declared_text)
    assert declared is not None  # the settings checked it
    which = f"kongVersion {declared_text}" + ("" if declared_set else " (the default)")
    if running is None:
        return skipped(NAME, f"{which}; the running Kong's version was not found: {why_not}")
    redis = settings.sessions.redis if settings is not None else None
    boundaries = behaviour_boundaries(
        declared,
        running.version,
        redis=settings is None or redis is not None,
        redis_database=settings is None or (redis is not None and redis.database is not None),
        sign_out=settings is None or any(route.mode != "api" for route in settings.routes),
    )
    if not boundaries and _same_release(declared_text, running.version):
        return passed(NAME, f"{which}; Kong runs {shown(running.version)} ({running.source})")
    if boundaries:
        return failed(
            NAME,
            f"{which}, but Kong runs {shown(running.version)} ({running.source}); the two differ in "
            + "; ".join(boundaries)
            + ".",
            f"set kongVersion to the version Kong runs: `pulumi config set kongVersion {shown(running.version)}`, "
            "then `make up`.",
        )
    return passed(
        NAME,
        f"{which}; Kong runs {shown(running.version)} ({running.source}): a different release, but the stack "
        "declares the same for both",
    )


def _same_release(declared_text: str, running: KongVersion) -> bool:
    """Whether the running version is one `kongVersion` names: `3.10` names every 3.10.x.y."""
    given = declared_text.split("-")[0].strip().split(".")
    return all(int(part) == running[index] for index, part in enumerate(given))
