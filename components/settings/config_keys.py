"""Which config keys a stack may set, and what becomes of the others.

A stack's config holds this project's settings (`kong-cognito-oidc:`), its providers' keys (`aws:`,
`kubernetes:`, `random:`) and the engine's (`pulumi:`). Any other key is one of two things:
- a near miss, refused: its namespace is close to one of those (`kong-congito-oidc:`, `asw:`), or
  its name is (nearly) one of this project's settings (`myteam:allowedGroups`). Ignored, it would
  leave its setting at the default without a word (an app meant for one group open to every account);
- a key the team keeps for another tool (`datadog:apiKey`): allowed, and listed by `make doctor` and
  `make check` as not read by this stack.
docs/settings.md documents the rule. Messages name keys, never values: a key may hold a secret.

The registry of settings is registry.py; this module is given their names. What the Pulumi
runtime says is set for the stack is read in pulumi_config.py.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from components.naming import PROJECT
from components.settings.model import qualified_key

PROVIDER_NAMESPACES = ("aws", "kubernetes", "random", "pulumi")
"""The namespaces of the stack's providers and of the engine itself (`pulumi:tags`)."""
NAMESPACE_CUTOFF = 0.6
"""How close (difflib's ratio, ignoring case) a namespace must be to a known one to be taken for a typo of it;
as close as the unknown-key hint's suggestions."""
SETTING_CUTOFF = 0.8
"""How close a key's name must be to a setting's to look like ours in any namespace: `allowedGroup` is,
`groups` and `domain` are not."""


def known_namespaces(project: str = PROJECT) -> tuple[str, ...]:
    return (project, *PROVIDER_NAMESPACES)


def split_key(key: str) -> tuple[str, str]:
    """`kong-cognito-oidc:allowedGroups` -> (`kong-cognito-oidc`, `allowedGroups`)."""
    namespace, _, name = key.partition(":")
    return namespace, name


def by_namespace(keys: Iterable[str], project: str = PROJECT) -> tuple[list[str], list[str]]:
    """`keys` (fully qualified) split: this project's, unqualified, and every other one, as it is."""
    prefix = f"{project}:"
    own = [key.removeprefix(prefix) for key in keys if key.startswith(prefix)]
    return own, [key for key in keys if not key.startswith(prefix)]


def _closest(word: str, choices: Iterable[str], cutoff: float) -> str | None:
    by_folded = {choice.casefold(): choice for choice in choices}
    found = difflib.get_close_matches(word.casefold(), by_folded, n=1, cutoff=cutoff)
    return by_folded[found[0]] if found else None


def unknown_key_problems(keys: Iterable[str], settings: Collection[str]) -> list[str]:
    """A problem for each key of this project's namespace that is not one of `settings`, naming the closest.

    `keys` are unqualified (`allowedGroup`), `settings` every key the program reads (`aws:region` too).
    """
    problems = []
    for key in keys:
        if key in settings:
            continue
        closest = _closest(key, settings, NAMESPACE_CUTOFF)
        hint = f"did you mean {closest}?" if closest else f"the settings are {', '.join(settings)} (docs/settings.md)"
        problems.append(f"{qualified_key(key)}: not a setting of this project; {hint}")
    return problems


def meant_key(key: str, settings: Collection[str], project: str = PROJECT) -> str | None:
    """The key a near miss in an unknown namespace was meant to be; None for a key of a known namespace or another tool.

    `settings` are the project's setting names, unqualified (not `aws:region`).
    """
    namespace, name = split_key(key)
    known = known_namespaces(project)
    if namespace in known:
        return None
    setting = _closest(name, settings, SETTING_CUTOFF)
    if setting is not None:
        return f"{project}:{setting}"
    close = _closest(namespace, known, NAMESPACE_CUTOFF)
    if close is None:
        return None
    if close == project:
        return f"{project}:{_closest(name, settings, NAMESPACE_CUTOFF) or name}"
    return f"{close}:{name}"


def namespace_problems(keys: Iterable[str], settings: Collection[str], project: str = PROJECT) -> list[str]:
    """A problem for each fully qualified key of `keys` that is a near miss of a known namespace or a setting."""
    return [
        f"{key}: unknown namespace; did you mean {meant}?"
        for key in keys
        if (meant := meant_key(key, settings, project)) is not None
    ]


def keys_for_other_tools(keys: Iterable[str], settings: Collection[str], project: str = PROJECT) -> list[str]:
    """The keys of `keys` this stack does not read and allows: far from every known namespace and setting."""
    return sorted(
        key
        for key in keys
        if split_key(key)[0] not in known_namespaces(project) and meant_key(key, settings, project) is None
    )


def other_tools_note(keys: Iterable[str]) -> str:
    """What `make doctor` and `make check` say of keys of other tools (keys_for_other_tools)."""
    return f"note: not read by this stack (kept for other tools): {', '.join(keys)}"
