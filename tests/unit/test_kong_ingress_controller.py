"""Which of KIC's log lines the KIC scenarios count against the stack (tests/support/kong_ingress_controller.py).

The lines are shaped as KIC 3.3.1 logs them (`--log-format=json`): its translation failures and the
events it records name the object in fields, and controller-runtime's "Reconciler error" names it by
the controller's kind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kong_ingress_controller import WRITE_CONFLICT, is_error_about

SINCE = datetime(2026, 12, 6, 19, 18, 10, 500_000, tzinfo=UTC)
PLUGIN = ("KongPlugin", "default", "oidc")
SECRET = ("Secret", "default", "kong-oidc-secrets-e6853f5e")
ROUTE = ("HTTPRoute", "default", "orders-api")
TRANSLATION_FAILED = {
    "level": "error",
    "time": "2026-12-06T19:18:11Z",
    "msg": "could not parse KongPlugin default/oidc config: Secret default/kong-oidc-secrets-e6853f5e not found",
    "name": "oidc",
    "namespace": "default",
    "GVK": "configuration.konghq.com/v1, Kind=KongPlugin",
    "error": "resource processing failed",
}


def reconciler_error(kind: str, namespace: str, name: str, error: str) -> dict[str, Any]:
    return {
        "level": "error",
        "time": "2026-12-06T19:18:12Z",
        "msg": "Reconciler error",
        "controller": kind.lower(),
        "controllerGroup": "gateway.networking.k8s.io",
        "controllerKind": kind,
        kind: {"name": name, "namespace": namespace},
        "namespace": namespace,
        "name": name,
        "reconcileID": "0b0e4b5c-5f0a-4ad4-9f0b-3c5f0c1b2d3e",
        "error": error,
    }


def test_a_failure_naming_the_stacks_kongplugin_or_its_secret_counts() -> None:
    assert is_error_about(TRANSLATION_FAILED, SINCE, [PLUGIN])
    assert is_error_about(TRANSLATION_FAILED, SINCE, [SECRET])  # named in the message only


def test_a_kongplugin_kic_could_not_find_for_a_route_counts() -> None:
    not_found = {
        "level": "error",
        "time": "2026-12-06T19:18:11Z",
        "msg": "Failed to fetch KongPlugin resource",
        "kongplugin_name": "oidc",
        "kongplugin_namespace": "default",
        "error": "no KongPlugin or KongClusterPlugin was found for default/oidc",
    }
    assert is_error_about(not_found, SINCE, [PLUGIN])
    assert not is_error_about(not_found, SINCE, [("KongPlugin", "shop", "oidc")])


def test_a_line_naming_the_object_in_its_text_only_counts() -> None:
    pruned = reconciler_error(*ROUTE, "failed to prune stale Gateway parent statuses from default/orders-api status")
    refused = reconciler_error(*ROUTE, 'HTTPRoute.gateway.networking.k8s.io "orders-api" is invalid')
    for line in (pruned, refused):
        assert is_error_about({**line, "namespace": None, "name": None, "controllerKind": None}, SINCE, [ROUTE])
    api_error = {**refused, "error": 'httproutes.gateway.networking.k8s.io "orders-api" not found'}
    assert is_error_about({**api_error, "namespace": None, "name": None}, SINCE, [ROUTE])
    # Another object whose name starts the same is not this one.
    assert not is_error_about(
        {**pruned, "namespace": None, "name": None, "error": "from default/orders-api-v2 status"}, SINCE, [ROUTE]
    )


def test_a_line_about_another_kind_or_object_of_the_same_name_does_not_count() -> None:
    # The backend Service of the Ingress demo is also called demo.
    service = {**TRANSLATION_FAILED, "GVK": "/v1, Kind=Service", "name": "demo", "msg": "no endpoints for demo"}
    assert not is_error_about(service, SINCE, [("Ingress", "default", "demo")])
    assert not is_error_about(TRANSLATION_FAILED, SINCE, [("KongPlugin", "shop", "oidc")])
    assert not is_error_about(TRANSLATION_FAILED, SINCE, [("KongPlugin", "default", "oidc-shop")])


def test_a_reconciler_error_counts_unless_it_is_a_write_conflict_controller_runtime_retries() -> None:
    refused = reconciler_error(*ROUTE, 'HTTPRoute.gateway.networking.k8s.io "orders-api" is invalid')
    assert is_error_about(refused, SINCE, [ROUTE])
    conflict = reconciler_error(
        *ROUTE, f'Operation cannot be fulfilled on httproutes.gateway.networking.k8s.io "orders-api": {WRITE_CONFLICT}'
    )
    assert not is_error_about(conflict, SINCE, [ROUTE])


def test_only_error_lines_logged_since_count() -> None:
    assert not is_error_about({**TRANSLATION_FAILED, "level": "info"}, SINCE, [PLUGIN])
    # KIC logs whole seconds: a line of the second `since` falls in counts.
    assert is_error_about({**TRANSLATION_FAILED, "time": "2026-12-06T19:18:10Z"}, SINCE, [PLUGIN])
    assert not is_error_about({**TRANSLATION_FAILED, "time": "2026-12-06T19:18:09Z"}, SINCE, [PLUGIN])
