"""The AWS stand-in's plan (tests/support/tf_plan.py): Terraform's rules for a prior state against new inputs."""

from __future__ import annotations

from typing import Any

import pytest
from tf_plan import Field, changed, parse_path

INPUTS = frozenset({"computed", "plain", "defaulted", "tags", "block", "details", "items"})
SCHEMA = {
    "computed": Field(computed=True),
    "defaulted": Field(default="OFF"),
    "tags": Field(unordered=True),
    "block": Field(keeps_missing_block=True, fields={"inner": Field(computed=True)}),
    "details": Field(suppress_key=lambda key, prior, configured, config: key == "owned_by_the_cloud"),
    "items": Field(unordered=True, element_key="name", fields={"size": Field(computed=True)}),
}


def diff(prior: dict[str, Any], config: dict[str, Any], ignore: list[str] | None = None) -> list[str]:
    # As Terraform's Create stores it, the prior state holds the default of an attribute left out.
    return changed(SCHEMA, INPUTS, {"defaulted": "OFF", **prior}, config, ignore or [])


def test_an_attribute_the_cloud_filled_in_is_a_change_unless_computed() -> None:
    assert diff({"computed": "cloud's", "plain": ""}, {}) == []
    assert diff({"plain": "cloud's"}, {}) == ["plain"]


def test_an_unset_attribute_equals_its_zero_value_or_its_default() -> None:
    assert diff({"plain": 0, "defaulted": "OFF", "tags": []}, {}) == []
    assert diff({"defaulted": "ON"}, {}) == ["defaulted"]


def test_a_set_ignores_order_a_list_does_not() -> None:
    assert diff({"tags": ["b", "a"]}, {"tags": ["a", "b"]}) == []
    assert diff({"plain": ["b", "a"]}, {"plain": ["a", "b"]}) == ["plain"]


def test_a_block_left_out_keeps_its_prior_value_with_suppress_missing_optional_configuration_block() -> None:
    assert diff({"block": {"inner": "x"}}, {}) == []
    assert diff({"block": {"inner": "x", "other": 1}}, {"block": {"other": 1}}) == []
    assert diff({"block": {"inner": "x", "other": 1}}, {"block": {"other": 2}}) == ["block"]


def test_a_map_keeps_the_keys_its_diff_suppress_func_hides_and_no_other() -> None:
    prior = {"details": {"mine": "1", "owned_by_the_cloud": "2"}}
    assert diff(prior, {"details": {"mine": "1"}}) == []
    assert diff({"details": {"mine": "1", "added": "2"}}, {"details": {"mine": "1"}}) == ["details"]


def test_elements_of_a_set_of_blocks_pair_by_their_key() -> None:
    prior = {"items": [{"name": "b", "size": 2}, {"name": "a", "size": 1}]}
    assert diff(prior, {"items": [{"name": "a"}, {"name": "b"}]}) == []
    assert diff(prior, {"items": [{"name": "a"}]}) == ["items"]


def test_an_ignored_path_keeps_its_prior_value_even_where_no_input_ever_named_it() -> None:
    prior = {"plain": {"mine": "1", "added": "2"}}
    assert diff(prior, {"plain": {"mine": "1"}}) == ["plain"]
    assert diff(prior, {"plain": {"mine": "1"}}, ["plain.added"]) == []
    # The user's own key still shows.
    assert diff(prior, {"plain": {"mine": "9"}}, ["plain.added"]) == ["plain"]
    assert diff({"plain": "x"}, {"plain": "y"}, ["plain"]) == []


def test_an_ignored_index_that_the_prior_state_lacks_is_dropped() -> None:
    # pulumi-terraform-bridge#3560: Terraform drops such an ignore_changes entry.
    assert diff({"plain": [{"a": 1}]}, {"plain": [{"a": 1}, {"a": 2}]}, ["plain[1].a"]) == ["plain"]
    assert diff({"plain": [{"a": 1}]}, {"plain": [{"a": 2}]}, ["plain[0].a"]) == []


def test_a_state_func_plans_the_value_as_the_state_holds_it() -> None:
    schema = {"name": Field(state_func=str.lower), "aliases": Field(fields={"name": Field(state_func=str.lower)})}
    inputs = frozenset(schema)
    assert changed(schema, inputs, {"name": "a.example"}, {"name": "A.Example"}, []) == []
    assert changed(schema, inputs, {"aliases": [{"name": "d1"}]}, {"aliases": [{"name": "D1"}]}, []) == []
    assert changed(schema, inputs, {"name": "a.example"}, {"name": "b.example"}, []) == ["name"]


def test_a_semantically_equal_value_keeps_the_prior_one() -> None:
    schema = {"doc": Field(semantically_equal=lambda prior, new: prior.replace(" ", "") == new.replace(" ", ""))}
    assert changed(schema, frozenset(schema), {"doc": '{"a":1}'}, {"doc": '{"a": 1}'}, []) == []
    assert changed(schema, frozenset(schema), {"doc": '{"a":1}'}, {"doc": '{"a": 2}'}, []) == ["doc"]


@pytest.mark.parametrize(
    ("path", "steps"),
    [
        ("providerDetails.authorize_url", ["providerDetails", "authorize_url"]),
        ("schemas[0].name", ["schemas", 0, "name"]),
        ('tags["a.b"]', ["tags", "a.b"]),
    ],
)
def test_property_paths(path: str, steps: list[str | int]) -> None:
    assert parse_path(path) == steps


def test_a_malformed_path_is_refused() -> None:
    with pytest.raises(ValueError, match="not a property path"):
        parse_path("a..b")
