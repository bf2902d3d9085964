"""Editing `konghq.com/plugins`: our name in and out, everyone else's entries untouched."""

import pytest

from components.kubernetes.plugin_annotation import plugin_names, with_plugin, without_plugin


@pytest.mark.parametrize(
    ("value", "names"),
    [(None, []), ("", []), ("oidc", ["oidc"]), (" cors , acl,,oidc ", ["cors", "acl", "oidc"])],
)
def test_plugin_names_are_read_as_kong_reads_them(value: str | None, names: list[str]) -> None:
    assert plugin_names(value) == names


@pytest.mark.parametrize(
    ("value", "added"),
    [
        (None, "oidc"),
        ("", "oidc"),
        ("  ", "oidc"),
        ("cors", "cors,oidc"),
        ("cors, acl", "cors, acl,oidc"),
        ("cors,", "cors,oidc"),
        ("cors, oidc", "cors, oidc"),
    ],
)
def test_with_plugin_appends_once(value: str | None, added: str) -> None:
    assert with_plugin(value, "oidc") == added


@pytest.mark.parametrize("value", ["cors", "cors, acl", "a,b , c", "rate-limit"])
def test_add_then_remove_restores_the_value(value: str) -> None:
    assert without_plugin(with_plugin(value, "oidc"), "oidc") == value


@pytest.mark.parametrize(
    ("value", "removed"),
    [
        (None, None),
        ("oidc", None),
        (" oidc ", None),
        ("oidc,cors", "cors"),
        ("cors, oidc, acl", "cors, acl"),
        ("cors,oidc,oidc", "cors"),
        ("cors", "cors"),
        ("oidc-v2,oidc", "oidc-v2"),
    ],
)
def test_without_plugin_removes_only_that_name(value: str | None, removed: str | None) -> None:
    assert without_plugin(value, "oidc") == removed
