"""Kong versions (components/kong_versions.py) and the doctor's check of them (doctor_checks/kong_version.py)."""

from __future__ import annotations

import pytest

from components.kong.versions import (
    adds_logout_client_id,
    behaviour_boundaries,
    kong_version_problem,
    parse_kong_version,
    uses_redis_record,
)
from components.settings.load import config_string, parse_settings
from components.settings.model import Settings
from doctor_checks.kong_version import RunningKong, check_kong_version, version_from_headers, version_from_images


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("3.4", (3, 4, 0, 0)),
        ("3.11", (3, 11, 0, 0)),
        ("3.4.3.12", (3, 4, 3, 12)),
        ("3.10.0.7-enterprise-edition", (3, 10, 0, 7)),
        (" 3.8.1 ", (3, 8, 1, 0)),
    ],
)
def test_kong_versions_read_as_four_numbers(text: str, version: tuple[int, int, int, int]) -> None:
    assert parse_kong_version(text) == version
    assert kong_version_problem(text) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("3", "not a Kong Gateway version: expected two to four numbers"),
        ("latest", "not a Kong Gateway version"),
        ("3.10.0.7.1", "not a Kong Gateway version"),
        ("v3.10", "not a Kong Gateway version"),
        ("3.10-oss", "not a Kong Gateway version"),
        ("3.3.1.0", "older than Kong Gateway 3.4, the oldest this stack supports"),
        ("2.8", "older than Kong Gateway 3.4"),
        ("4.0", "this stack knows Kong Gateway 3.x"),
    ],
)
def test_bad_kong_versions_say_what_is_expected(text: str, problem: str) -> None:
    found = kong_version_problem(text)
    assert found is not None and problem in found


def test_the_boundaries_are_kongs_releases() -> None:
    assert not uses_redis_record((3, 7, 9, 9)) and uses_redis_record((3, 8, 0, 0))
    assert not adds_logout_client_id((3, 10, 0, 6)) and adds_logout_client_id((3, 10, 0, 7))
    assert adds_logout_client_id((3, 11, 0, 0)) and adds_logout_client_id((3, 15, 0, 0))
    assert not adds_logout_client_id((3, 9, 1, 2)) and not adds_logout_client_id((3, 4, 3, 20))
    assert behaviour_boundaries((3, 10, 0, 0), (3, 10, 0, 8)) == [
        "whether Kong adds client_id to the sign-out redirect itself (from 3.10.0.7)"
    ]
    assert len(behaviour_boundaries((3, 4, 0, 0), (3, 12, 0, 0))) == 3
    assert behaviour_boundaries((3, 8, 0, 0), (3, 8, 1, 0)) == []


def test_the_running_version_is_read_from_kongs_headers() -> None:
    assert version_from_headers({"Server": "kong/3.10.0.7-enterprise-edition"}) == (3, 10, 0, 7)
    assert version_from_headers({"via": "1.1 kong/3.4.3.12-enterprise-edition"}) == (3, 4, 3, 12)
    assert version_from_headers({"Server": "nginx", "Via": "1.1 varnish, 1.1 kong/3.9.1.0"}) == (3, 9, 1, 0)
    assert version_from_headers({"Server": "nginx"}) is None
    assert version_from_headers({"Server": "kongfu/3.10"}) is None


def test_only_a_whole_image_tag_counts() -> None:
    images = [
        ("kong/kubernetes-ingress-controller:3.4", "pod kong/kic"),
        ("kong/kong-gateway:3.10", "pod kong/a"),
        ("kong/kong-gateway@sha256:abc", "pod kong/b"),
        ("registry.example.com/mirror/kong-gateway:3.10.0.7-ubuntu", "pod kong/c"),
    ]
    found = version_from_images(images)
    assert found == RunningKong(
        (3, 10, 0, 7), "image registry.example.com/mirror/kong-gateway:3.10.0.7-ubuntu (pod kong/c)"
    )
    assert version_from_images(images[:3]) is None


def test_a_difference_that_changes_what_is_declared_fails_with_the_command() -> None:
    running = RunningKong((3, 10, 0, 9), "Server header of https://apps.example.com/bar")
    check = check_kong_version("3.10", True, running, "")
    assert check.status == "FAIL", check.line()
    assert "kongVersion 3.10, but Kong runs 3.10.0.9 (Server header of https://apps.example.com/bar)" in check.detail
    assert "client_id" in check.detail
    assert "`pulumi config set kongVersion 3.10.0.9`" in check.fix
    default = check_kong_version("3.4", False, RunningKong((3, 11, 0, 0), "x"), "")
    assert default.status == "FAIL" and "kongVersion 3.4 (the default)" in default.detail


def test_a_difference_that_changes_nothing_passes_with_a_note() -> None:
    assert check_kong_version("3.10.0.7", True, RunningKong((3, 10, 0, 7), "x"), "").status == "PASS"
    same = check_kong_version("3.9", True, RunningKong((3, 9, 1, 2), "x"), "")
    assert same.status == "PASS" and "a different release" not in same.detail
    other = check_kong_version("3.8", True, RunningKong((3, 8, 1, 0), "x"), "")
    assert other.status == "PASS", other.line()
    assert check_kong_version("3.11", True, RunningKong((3, 12, 0, 1), "x"), "").detail.endswith(
        "a different release, but the stack declares the same for both"
    )


def test_without_a_running_version_the_check_is_skipped_with_why() -> None:
    check = check_kong_version("3.4", False, None, "no Kong header on https://apps.example.com/bar")
    assert check.status == "SKIP" and "no Kong header" in check.detail


def settings_of(**values: object) -> Settings:
    raw = {key: config_string(value) for key, value in values.items()}
    return parse_settings({"aws:region": "us-west-2", "dataPlaneHost": "apps.example.com", **raw})


def test_only_what_the_stack_uses_makes_a_difference() -> None:
    """A cookie-session stack declares nothing Redis: Kong 3.9 against the default 3.4 differs in nothing it writes."""
    cookie = settings_of(routes=[{"ingress": "demo", "host": "apps.example.com", "path": "/bar"}])
    assert check_kong_version("3.4", False, RunningKong((3, 9, 1, 0), "x"), "", cookie).status == "PASS"
    # Its sign-out still depends on 3.10.0.7.
    assert check_kong_version("3.4", False, RunningKong((3, 10, 0, 7), "x"), "", cookie).status == "FAIL"
    # An api route signs nobody out.
    api_only = settings_of(
        routes=[{"ingress": "demo", "host": "apps.example.com", "path": "/bar", "mode": "api", "scopes": ["read"]}],
        apiClients=[{"name": "billing", "scopes": ["read"]}],
    )
    assert check_kong_version("3.4", False, RunningKong((3, 12, 0, 0), "x"), "", api_only).status == "PASS"
    redis = settings_of(
        kongVersion="3.7",
        sessions={"storage": "redis", "redis": {"host": "redis.sessions.svc.cluster.local"}},
    )
    found = check_kong_version("3.7", True, RunningKong((3, 8, 0, 0), "x"), "", redis)
    assert found.status == "FAIL" and "Redis fields" in found.detail and "redis.database" not in found.detail
