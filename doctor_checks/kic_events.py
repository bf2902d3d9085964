"""What the Kong Ingress Controller said about the stack's objects: its Warning events.

The Kong Ingress Controller (KIC) records a Warning event on each Kubernetes object it could not turn
into Kong configuration (reason KongConfigurationTranslationFailed: e.g. a KongPlugin whose
configPatches read a Secret or a key that does not exist), or whose configuration Kong refused
(KongConfigurationApplyFailed), as the component `kong-client` (KIC's internal/dataplane/kong_client.go,
recordResourceFailureEvents; internal/manager/consts.go). It leaves that object out of what it sends
to Kong: a route whose plugin failed is served without sign-in, or not at all.

This check lists the Warning events of each route's namespace (core/v1 Events; those written through
events.k8s.io/v1 are the same objects) and keeps KIC's about the stack's objects: each route's
KongPlugin, the Secrets its configPatches read, and the route's Ingress or HTTPRoute.

KIC records a failure again at every sync while it lasts; client-go's event recorder then updates
the event's count and last time, at least once every five minutes (its spam filter's rate). So a
Warning counts while it is fresh (seen in the last FRESH_MINUTES) and last seen after the last change
of its KongPlugin, Ingress or HTTPRoute (their managedFields' times, status writes left out) has
settled: after a fix, by `make up` or by hand, the old Warning is mentioned, not failed, and one KIC
raises anew counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from components.kubernetes.route_objects import KONG_PLUGIN, ROUTE_OBJECTS, ObjectKind, status_message
from components.settings.model import Route
from doctor_checks.cluster import Cluster
from doctor_checks.world import TIMEOUT
from verification.results import CheckLine, failed, passed, skipped

NAME = "kic-events"
# The component KIC's event recorder reports as, and the reasons of its object failures.
KIC_COMPONENT = "kong-client"
KIC_REASONS = (
    "KongConfigurationTranslationFailed",
    "KongConfigurationApplyFailed",
    "FallbackKongConfigurationTranslationFailed",
    "FallbackKongConfigurationApplyFailed",
)
FRESH_MINUTES = 10
# Both times are whole seconds, and KIC translates what its informers' cache holds, which sees a write a
# moment after it is made: a Warning last seen this soon after the object's change may be about the version
# before it. A failure that outlasts the change is raised again at KIC's next sync (every 3 s by default).
CHANGE_SETTLE_SECONDS = 5
# KIC's messages for configPatches that cannot be read (internal/dataplane/kongstate/plugin.go, store).
_MISSING_SECRET = re.compile(r"Secret (\S+) not found|no key '[^']*' in secret '([^']*)'")


@dataclass(frozen=True)
class KicWarning:
    kind: str
    namespace: str
    name: str
    reason: str
    message: str
    count: int
    minutes_ago: float | None
    before_change: bool
    """Last seen before the object's last change (by the stack or anyone but a controller's status write) had
    settled (CHANGE_SETTLE_SECONDS)."""

    def text(self) -> str:
        seen = f"{self.count} times, last {_ago(self.minutes_ago)}" if self.count > 1 else _ago(self.minutes_ago)
        return f"{self.kind} {self.namespace}/{self.name}: {self.reason}: {self.message} ({seen})"

    @property
    def current(self) -> bool:
        fresh = self.minutes_ago is None or self.minutes_ago <= FRESH_MINUTES
        return fresh and not self.before_change


def check_kic_events(cluster: Cluster, routes: Sequence[Route], stack: str, now: datetime | None = None) -> CheckLine:
    """FAIL when KIC has raised a Warning about one of the stack's objects that still holds, quoting it."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    now = now or datetime.now(UTC)
    core = client.CoreV1Api(cluster.api)
    namespaces = list(dict.fromkeys(route.namespace for route in routes))
    found: list[KicWarning] = []
    for namespace in namespaces:
        objects = _stack_objects(cluster, [route for route in routes if route.namespace == namespace])
        try:
            response = core.list_namespaced_event(
                namespace, field_selector="type=Warning", _preload_content=False, _request_timeout=TIMEOUT
            )
        except ApiException as error:
            if error.status == 403:
                return skipped(
                    NAME,
                    f"these credentials may not list events in {namespace} ({status_message(error)}), so what the "
                    "Kong Ingress Controller said about the stack's objects is not checked here.",
                )
            return failed(NAME, f"listing the events of {namespace} failed: {status_message(error)}", "see the answer.")
        for event in json.loads(response.data).get("items", []):
            warning = _kic_warning(event, namespace, objects, now)
            if warning is not None:
                found.append(warning)
    where = ", ".join(namespaces)
    current = [w for w in found if w.current]
    if not current:
        older = [w for w in found if not w.current]
        note = (
            f"; {len(older)} older one(s), from before the object last changed or not repeated in the last "
            f"{FRESH_MINUTES} minutes: " + "; ".join(w.text() for w in older)
            if older
            else ""
        )
        return passed(NAME, f"no Warning from the Kong Ingress Controller about the stack's objects in {where}{note}")
    return failed(
        NAME,
        "the Kong Ingress Controller could not configure Kong from the stack's objects, and left them out of "
        f"Kong's configuration: {'; '.join(w.text() for w in current)}.",
        _fix(current, stack),
    )


@dataclass(frozen=True)
class _Written:
    """When an object was made, and last written (status writes, a controller's, left out)."""

    created: datetime | None
    changed: datetime | None

    def before_change(self, seen: datetime | None) -> bool:
        """Whether a Warning last seen at `seen` is about a version of the object before this one."""
        if seen is None or self.changed is None:
            return False
        if self.created is not None and self.changed <= self.created:
            # Not written since it was made: only a Warning from before then is about another (deleted) object.
            return seen < self.created
        return seen <= self.changed + timedelta(seconds=CHANGE_SETTLE_SECONDS)


def _stack_objects(cluster: Cluster, routes: Sequence[Route]) -> dict[tuple[str, str], _Written | None]:
    """(kind, name) of the routes' KongPlugins, the Secrets their configPatches read, and their Ingresses or
    HTTPRoutes; each with when it was made and last changed, if the doctor may read it (it reads no Secret)."""
    objects: dict[tuple[str, str], _Written | None] = {}
    for route in routes:
        plugin = _read(cluster, KONG_PLUGIN, route.namespace, route.plugin)
        objects[("KongPlugin", route.plugin)] = _written(plugin)
        protected = _read(cluster, ROUTE_OBJECTS[route.kind], route.namespace, route.object_name)
        objects[(route.kind, route.object_name)] = _written(protected)
        for patch in (plugin or {}).get("configPatches") or []:
            secret = ((patch.get("valueFrom") or {}).get("secretKeyRef") or {}).get("name")
            if secret:
                objects[("Secret", secret)] = None
    return objects


def _read(cluster: Cluster, kind: ObjectKind, namespace: str, name: str) -> dict[str, Any] | None:
    """The object, or None: not there yet, or not readable (the route checks say which)."""
    try:
        return cluster.objects.get(kind, namespace, name)
    except Exception:
        return None


def _written(found: dict[str, Any] | None) -> _Written | None:
    """Its creationTimestamp, and the latest of its managedFields' times but for status writes."""
    if found is None:
        return None
    metadata = found.get("metadata") or {}
    times = [
        _parse_time(entry.get("time"))
        for entry in metadata.get("managedFields") or []
        if entry.get("subresource") != "status"
    ]
    known = [time for time in times if time is not None]
    return _Written(_parse_time(metadata.get("creationTimestamp")), max(known) if known else None)


def _kic_warning(
    event: dict[str, Any], namespace: str, objects: dict[tuple[str, str], _Written | None], now: datetime
) -> KicWarning | None:
    involved = event.get("involvedObject") or {}
    key = (involved.get("kind"), involved.get("name"))
    if key not in objects:
        return None
    component = (event.get("source") or {}).get("component") or event.get("reportingComponent")
    if component != KIC_COMPONENT and event.get("reason") not in KIC_REASONS:
        return None
    seen = _parse_time(_last_seen(event))
    written = objects[key]
    return KicWarning(
        kind=involved["kind"],
        namespace=involved.get("namespace") or namespace,
        name=involved["name"],
        reason=event.get("reason", "?"),
        message=" ".join(str(event.get("message", "")).split()),
        count=int(event.get("count") or (event.get("series") or {}).get("count") or 1),
        minutes_ago=None if seen is None else max(0.0, (now - seen).total_seconds() / 60),
        before_change=written is not None and written.before_change(seen),
    )


def _last_seen(event: dict[str, Any]) -> str | None:
    series = event.get("series") or {}
    metadata = event.get("metadata") or {}
    for value in (
        series.get("lastObservedTime"),
        event.get("lastTimestamp"),
        event.get("eventTime"),
        event.get("firstTimestamp"),
        metadata.get("creationTimestamp"),
    ):
        if value:
            return str(value)
    return None


def _parse_time(timestamp: str | None) -> datetime | None:
    if not timestamp:
        return None
    try:
        return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None


def _ago(minutes: float | None) -> str:
    if minutes is None:
        return "time unknown"
    if minutes < 1:
        return "less than a minute ago"
    return f"{minutes:.0f} min ago"


def _fix(warnings: Sequence[KicWarning], stack: str) -> str:
    hints = []
    if any(_MISSING_SECRET.search(w.message) for w in warnings):
        hints.append(
            "a Secret (or key) the plugin's configPatches read is gone, deleted or edited outside the stack: "
            f"`pulumi refresh --stack {stack}`, then `make up`, write it again."
        )
    first = warnings[0]
    hints.append(
        f"{'Otherwise, c' if hints else 'C'}hange what KIC's message names, then run `make up`. "
        f"`kubectl describe {first.kind.lower()} {first.name} -n {first.namespace}` shows the events, and the "
        "Kong Ingress Controller's log says more. Until then Kong serves the route without its sign-in, or not at all."
    )
    return " ".join(hints)
