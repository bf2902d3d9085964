"""Whether a bridged Terraform resource changed: the plan of its prior state against the program's inputs.

pulumi-aws runs terraform-provider-aws through pulumi-terraform-bridge, whose Diff does not compare
old inputs with new ones: it asks Terraform for a plan of the prior *state* (what the provider's
Read stored, Cognito's answer included) against the new config, and reports a change when the
planned state differs from the prior one (pulumi/pulumi-terraform-bridge pkg/tfbridge/provider.go,
Diff; pkg/tfshim/sdk-v2/provider2.go: `eq := unmarkedPrior.Equals(unmarkedPlan)`). The rules kept
here, per attribute (`Field`), are Terraform's:

- a value the config sets is planned as set;
- an attribute the config leaves out keeps its prior value when the schema marks it Computed
  (Optional + Computed), takes its `Default` when it has one, and is otherwise planned empty; an
  empty plan equals a prior zero value ("", 0, false, an empty list or map), as terraform-plugin-sdk
  compares an unset attribute with its type's zero value (helper/schema/schema.go, diffString);
- a configuration block the config leaves out keeps its prior value when its DiffSuppressFunc is
  verify.SuppressMissingOptionalConfigurationBlock (terraform-provider-aws internal/verify);
- a map attribute with a per-key DiffSuppressFunc keeps the prior keys it suppresses (as
  identity_provider.go's provider_details does for Google's defaults and two SAML keys);
- a set (TypeSet, or the framework's SetAttribute) compares without order;
- a value with a StateFunc is planned as the StateFunc makes it (route53/record.go lower-cases a
  record's name and trims its trailing dot), and one whose type has semantic equality keeps its
  prior value while the two are equal (the framework's JSON types: the same document, other spacing).

`ignoreChanges` is applied as the bridge applies it, not only as the engine does: the engine copies
each ignored path of the old *inputs* into the new ones (pulumi/pulumi pkg/resource/deploy/
step_generator.go, processIgnoreChanges: a key the old inputs lack is left out), and the bridge then
drops every Terraform attribute diff at or under an ignored path (pkg/tfbridge/diff.go,
computeIgnoreChanges; pkg/tfshim/sdk-v2/instance_diff.go, processIgnoreChanges). A key Cognito added
to the state is therefore ignored even though no input ever named it. A path through a list index
is dropped when the index does not resolve against the prior state (pulumi-terraform-bridge#3560).
Here: every ignored path takes its prior value in the planned state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Props = dict[str, Any]
# A map attribute's per-key DiffSuppressFunc: (key, prior value, configured map, whole config) -> suppressed.
KeySuppressor = Callable[[str, str, Mapping[str, Any], Props], bool]


@dataclass(frozen=True)
class Field:
    """How Terraform plans one attribute (the Pulumi name is the key it is stored under)."""

    computed: bool = False
    """Optional + Computed: left out of the config, it keeps its prior value."""
    default: Any = None
    """The schema's Default, planned when the config leaves the attribute out."""
    unordered: bool = False
    """A set: compared without order."""
    fields: Mapping[str, Field] = field(default_factory=dict)
    """A configuration block (or a list or set of them): how each nested attribute is planned."""
    element_key: str | None = None
    """A set of blocks: the nested attribute that pairs a configured element with its prior one."""
    keeps_missing_block: bool = False
    """DiffSuppressFunc SuppressMissingOptionalConfigurationBlock: left out, the block keeps its prior value."""
    suppress_key: KeySuppressor | None = None
    """A map's DiffSuppressFunc for a key the config leaves out."""
    state_func: Callable[[Any], Any] | None = None
    """The schema's StateFunc: what the state holds of a configured value."""
    semantically_equal: Callable[[Any, Any], bool] | None = None
    """A framework type's semantic equality (prior, configured): equal, the prior value stays."""


SCALAR = Field()


def is_zero(value: Any) -> bool:
    return value is None or value in ("", 0, False) or (isinstance(value, (list, dict)) and not normal(value))


def normal(value: Any, rule: Field = SCALAR) -> Any:
    """A value as Terraform compares it: zero values dropped from blocks, sets sorted."""
    if isinstance(value, dict):
        kept = {key: normal(item, rule.fields.get(key, SCALAR)) for key, item in value.items()}
        return {key: item for key, item in kept.items() if not is_zero(item)}
    if isinstance(value, list):
        items = [normal(item, rule) for item in value]
        if rule.unordered:
            items.sort(key=lambda item: json.dumps(item, sort_keys=True, default=str))
        return items
    return value


def same(left: Any, right: Any, rule: Field = SCALAR) -> bool:
    if is_zero(left) and is_zero(right):
        return True
    return bool(normal(left, rule) == normal(right, rule))


def planned(rule: Field, prior: Any, configured: bool, config: Any, whole_config: Props) -> Any:
    """The planned value of one attribute."""
    if not configured or config is None:
        if rule.computed or rule.keeps_missing_block:
            return prior
        return rule.default
    if rule.state_func is not None:
        config = rule.state_func(config)
    if rule.semantically_equal is not None and prior is not None and rule.semantically_equal(prior, config):
        return prior
    if rule.fields and isinstance(config, dict):
        return _planned_block(rule, prior if isinstance(prior, dict) else {}, config, whole_config)
    if rule.fields and isinstance(config, list):
        return [_planned_element(rule, prior, element, index, whole_config) for index, element in enumerate(config)]
    if rule.suppress_key is not None and isinstance(config, dict) and isinstance(prior, dict):
        kept = {
            key: value
            for key, value in prior.items()
            if key not in config and rule.suppress_key(key, value, config, whole_config)
        }
        return {**config, **kept}
    return config


def _planned_block(rule: Field, prior: dict[str, Any], config: dict[str, Any], whole_config: Props) -> dict[str, Any]:
    keys = [*rule.fields, *(key for key in {**prior, **config} if key not in rule.fields)]
    return {
        key: planned(rule.fields.get(key, SCALAR), prior.get(key), key in config, config.get(key), whole_config)
        for key in keys
    }


def _planned_element(rule: Field, prior: Any, element: Any, index: int, whole_config: Props) -> Any:
    if not isinstance(element, dict):
        return element
    previous: Any = None
    if isinstance(prior, list):
        if rule.element_key is not None:
            previous = next(
                (
                    item
                    for item in prior
                    if isinstance(item, dict) and item.get(rule.element_key) == element.get(rule.element_key)
                ),
                None,
            )
        elif index < len(prior):
            previous = prior[index]
    return _planned_block(rule, previous if isinstance(previous, dict) else {}, element, whole_config)


_PATH_STEP = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_$]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


def parse_path(path: str) -> list[str | int]:
    """A Pulumi property path (`providerDetails.authorize_url`, `a[0].b`, `a["b.c"]`) as its steps."""
    steps: list[str | int] = []
    position = 0
    while position < len(path):
        match = _PATH_STEP.match(path, position)
        if match is None or match.end() == position:
            raise ValueError(f"not a property path: {path!r}")
        name, index, quoted = match.groups()
        steps.append(int(index) if index is not None else name if name is not None else quoted.replace('\\"', '"'))
        position = match.end()
    return steps


def _resolves(steps: Sequence[str | int], value: Any) -> bool:
    for step in steps:
        in_list = isinstance(step, int) and isinstance(value, list) and step < len(value)
        in_map = isinstance(step, str) and isinstance(value, dict) and step in value
        if not (in_list or in_map):
            return False
        value = value[step]
    return True


def _reset(steps: Sequence[str | int], plan: Any, prior: Any) -> None:
    """Sets the planned value at `steps` to the prior one (drops it where the prior has none)."""
    head, rest = steps[0], steps[1:]
    if isinstance(head, int):
        if not (isinstance(plan, list) and isinstance(prior, list) and head < len(plan) and head < len(prior)):
            return
        if rest:
            _reset(rest, plan[head], prior[head])
        else:
            plan[head] = prior[head]
        return
    if not isinstance(plan, dict):
        return
    prior_map = prior if isinstance(prior, dict) else {}
    if not rest:
        if head in prior_map:
            plan[head] = prior_map[head]
        else:
            plan.pop(head, None)
    elif head in plan and head in prior_map:
        _reset(rest, plan[head], prior_map[head])
    elif head in prior_map:
        plan[head] = prior_map[head]


def plan(
    schema: Mapping[str, Field], inputs: frozenset[str], prior: Props, config: Props, ignore: Sequence[str]
) -> Props:
    """The planned value of every input, ignored paths as the bridge ignores them."""
    result = {
        key: planned(schema.get(key, SCALAR), prior.get(key), key in config, config.get(key), config) for key in inputs
    }
    for path in ignore:
        steps = parse_path(path)
        indexes = [i for i, step in enumerate(steps) if isinstance(step, int)]
        if indexes and not _resolves(steps[: indexes[-1] + 1], prior):
            continue  # pulumi-terraform-bridge#3560: Terraform drops an index that does not resolve
        _reset(steps, result, prior)
    return result


def changed(
    schema: Mapping[str, Field], inputs: frozenset[str], prior: Props, config: Props, ignore: Sequence[str]
) -> list[str]:
    """The inputs whose planned value differs from the prior state: what the bridge reports as a diff."""
    planned_state = plan(schema, inputs, prior, config, ignore)
    return sorted(key for key in inputs if not same(planned_state.get(key), prior.get(key), schema.get(key, SCALAR)))
