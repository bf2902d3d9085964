"""`make doctor` reads the Kong Ingress Controller's verdict: its Warning events about the stack's objects.

The events are written as KIC's event recorder writes them (reason, message, `source.component:
kong-client`, count and times), on the fake API server and, in `make e2e`, on the real one
(tests/support/cluster_backends.py). tests/e2e/test_engine_kic.py proves the FAIL against a real
event that KIC itself raised.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cluster_backends import ApiServerFactory
from fake_kubernetes import FakeApiServer

from components.kong.crds import KONG_CONTROLLER
from components.settings.model import Route
from doctor_checks.cluster import check_cluster
from doctor_checks.kic_events import CHANGE_SETTLE_SECONDS, FRESH_MINUTES, check_kic_events
from verification.results import CheckLine

HOST = "kong.example.test"
ROUTE = Route("demo", "default", HOST, "/bar", "oidc", True, f"https://{HOST}/bar")
API_ROUTE = Route(
    "orders-api", "default", HOST, "/api", "oidc-orders-api", False, f"https://{HOST}/api", mode="api", kind="HTTPRoute"
)
SECRET_GONE = "could not parse KongPlugin default/oidc config: Secret default/oidc-secrets not found"


@pytest.fixture
def cluster(api_server: ApiServerFactory, tmp_path: Path) -> Iterator[FakeApiServer]:
    """Kong's CRDs, Ingress default/demo of class kong, and the stack's KongPlugin oidc (configPatches from
    Secret oidc-secrets)."""
    with api_server(tmp_path, context="kong") as server:
        server.store.install_kong_crds()
        server.store.ingress_classes.update({"kong": KONG_CONTROLLER})
        server.store.add("default", "demo", ingress_class="kong")
        server.store.add_plugin("default", "oidc")
        yield server


def kic_events(server: FakeApiServer, *routes: Route) -> CheckLine:
    line, cluster = check_cluster(str(server.kubeconfig), "kong", None, "dev")
    assert cluster is not None, line.line()
    return check_kic_events(cluster, routes or (ROUTE,), "dev")


def test_no_warning_from_kic_passes(cluster: FakeApiServer) -> None:
    check = kic_events(cluster)
    assert check.status == "PASS", check.line()
    assert check.detail == "no Warning from the Kong Ingress Controller about the stack's objects in default"
    assert {method for method, *_ in cluster.requests} == {"GET"}


def test_a_kic_warning_on_the_stacks_kongplugin_fails_with_kics_message_and_how_to_write_the_secret_again(
    cluster: FakeApiServer,
) -> None:
    cluster.store.add_event("default", "KongPlugin", "oidc", "KongConfigurationTranslationFailed", SECRET_GONE, count=7)
    check = kic_events(cluster)
    assert check.status == "FAIL", check.line()
    assert check.detail == (
        "the Kong Ingress Controller could not configure Kong from the stack's objects, and left them out of "
        f"Kong's configuration: KongPlugin default/oidc: KongConfigurationTranslationFailed: {SECRET_GONE} "
        "(7 times, last less than a minute ago)."
    )
    assert check.fix.startswith(
        "a Secret (or key) the plugin's configPatches read is gone, deleted or edited outside the stack: "
        "`pulumi refresh --stack dev`, then `make up`, write it again."
    )
    assert "`kubectl describe kongplugin oidc -n default` shows the events" in check.fix


def test_the_secrets_the_plugin_reads_and_the_protected_objects_count_too(cluster: FakeApiServer) -> None:
    # The Secret is found through the KongPlugin's configPatches (tests/support/fake_kubernetes.py names it).
    cluster.store.add_event("default", "Secret", "oidc-secrets", "KongConfigurationApplyFailed", "refused by Kong")
    cluster.store.add_event("default", "Ingress", "demo", "KongConfigurationTranslationFailed", "no Service demo")
    check = kic_events(cluster)
    assert check.status == "FAIL", check.line()
    assert "Secret default/oidc-secrets: KongConfigurationApplyFailed: refused by Kong" in check.detail
    assert "Ingress default/demo: KongConfigurationTranslationFailed: no Service demo" in check.detail
    assert check.fix.startswith("Change what KIC's message names, then run `make up`.")


def test_an_httproute_routes_warning_counts(cluster: FakeApiServer) -> None:
    cluster.store.add_event("default", "HTTPRoute", "orders-api", "KongConfigurationTranslationFailed", "no backend")
    check = kic_events(cluster, ROUTE, API_ROUTE)
    assert check.status == "FAIL", check.line()
    assert "HTTPRoute default/orders-api: KongConfigurationTranslationFailed: no backend" in check.detail


def test_warnings_about_other_objects_normal_events_and_other_controllers_are_not_kics_verdict_on_the_stack(
    cluster: FakeApiServer,
) -> None:
    cluster.store.add_event("default", "Ingress", "someone-else", "KongConfigurationTranslationFailed", "not ours")
    cluster.store.add_event(
        "default", "KongPlugin", "oidc", "KongConfigurationSucceeded", "applied", event_type="Normal"
    )
    cluster.store.add_event("default", "Ingress", "demo", "Sync", "another controller", component="other-controller")
    assert kic_events(cluster).status == "PASS"


def test_a_warning_kic_stopped_repeating_is_mentioned_not_failed(cluster: FakeApiServer) -> None:
    long_ago = datetime.now(UTC) - timedelta(minutes=FRESH_MINUTES + 20)
    cluster.store.add_event(
        "default", "KongPlugin", "oidc", "KongConfigurationTranslationFailed", SECRET_GONE, last_seen=long_ago
    )
    check = kic_events(cluster)
    assert check.status == "PASS", check.line()
    assert check.detail.endswith(
        f"; 1 older one(s), from before the object last changed or not repeated in the last {FRESH_MINUTES} "
        f"minutes: KongPlugin default/oidc: KongConfigurationTranslationFailed: {SECRET_GONE} (30 min ago)"
    )


def test_a_warning_from_before_the_plugin_last_changed_is_mentioned_not_failed(cluster: FakeApiServer) -> None:
    # A fix (`make up`, or an edit by hand) changes the KongPlugin; KIC raises a new Warning if it still fails.
    cluster.store.add_event("default", "KongPlugin", "oidc", "KongConfigurationTranslationFailed", SECRET_GONE)
    assert kic_events(cluster).status == "FAIL"
    time.sleep(1.1)  # both times are in whole seconds
    cluster.store.edit_plugin("default", "oidc", "example.com/fixed")
    check = kic_events(cluster)
    assert check.status == "PASS", check.line()
    assert "1 older one(s), from before the object last changed" in check.detail
    # KIC's last failing sync may fall in the second of the change, or just after it while its cache still
    # holds the KongPlugin before it: that Warning is not raised again, and must not fail the doctor for minutes.
    changed = datetime.now(UTC).replace(microsecond=0)
    for seen in (changed, changed + timedelta(seconds=2)):
        cluster.store.add_event(
            "default", "KongPlugin", "oidc", "KongConfigurationTranslationFailed", SECRET_GONE, last_seen=seen
        )
    check = kic_events(cluster)
    assert check.status == "PASS", check.line()
    assert "3 older one(s), from before the object last changed" in check.detail


def test_a_warning_kic_raises_again_once_the_change_has_settled_fails(cluster: FakeApiServer) -> None:
    cluster.store.edit_plugin("default", "oidc", "example.com/not-a-fix")
    again = datetime.now(UTC) + timedelta(seconds=CHANGE_SETTLE_SECONDS + 2)
    cluster.store.add_event(
        "default", "KongPlugin", "oidc", "KongConfigurationTranslationFailed", SECRET_GONE, last_seen=again
    )
    assert kic_events(cluster).status == "FAIL"


def test_events_it_may_not_list_are_skipped_with_the_reason(cluster: FakeApiServer) -> None:
    cluster.store.forbidden.add(("list", "events"))
    check = kic_events(cluster)
    assert check.status == "SKIP", check.line()
    assert 'cannot list resource "events"' in check.detail


def test_every_routes_namespace_is_read(cluster: FakeApiServer) -> None:
    shop = replace(ROUTE, object_name="shop", namespace="shop", plugin="oidc-shop", original=False)
    cluster.store.add("shop", "shop", ingress_class="kong")
    message = "could not parse KongPlugin shop/oidc-shop config: Secret shop/kong-oidc-secrets-shop not found"
    cluster.store.add_event("shop", "KongPlugin", "oidc-shop", "KongConfigurationTranslationFailed", message)
    check = kic_events(cluster, ROUTE, shop)
    assert check.status == "FAIL", check.line()
    assert f"KongPlugin shop/oidc-shop: KongConfigurationTranslationFailed: {message}" in check.detail
