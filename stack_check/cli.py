"""`make check`: read the stack file as the Pulumi CLI would, validate it, run the program under mocks, summarize.

Offline: no credentials, cluster or Pulumi CLI. Exit status 0 and a summary (what would be
declared, who can get in, each route) when the stack is valid; 1 and the collected problems
otherwise. An encrypted value (`secure:`) is never read: the program gets a placeholder in its
place, and messages say "(a secret)".
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pulumi

from components.settings import config_keys
from components.settings.load import parse_settings
from components.settings.model import Settings, SettingsError, qualified_key
from components.settings.registry import CONFIG_KEYS, SETTING_NAMES
from doctor_checks.access import access
from doctor_checks.stack_files import StackFile, StackFileError, read_stack_file, short_stack_name, stack_file_name
from stack_check.mocks import ROOT, ProgramRun, run_under_mocks

DESCRIPTION = "`make check`: a stack's settings checked offline, and what the program would declare."
SECRET_PLACEHOLDER = "encrypted-value-not-read-by-make-check"
"""What the program gets for each encrypted value: a non-empty string, as a client secret must be."""


class CheckFailedError(Exception):
    """The stack is not valid; the message says why, in full."""


@dataclass(frozen=True)
class Checked:
    """A valid stack: what it sets and what the program declares with it."""

    stack: str
    stack_file: Path
    read: StackFile
    settings: Settings
    run: ProgramRun


def stack_name_of(stack_file: Path) -> str | None:
    """`prod` of `Pulumi.prod.yaml`, None for a file not named that way."""
    name = stack_file.name
    if name.startswith("Pulumi.") and name.endswith((".yaml", ".yml")) and name.count(".") == 2:
        return name.split(".")[1]
    return None


def check_stack(stack: str, stack_file: Path, project_dir: Path = ROOT) -> Checked:
    """Validate `stack_file` (the config of `stack`) over `project_dir`'s Pulumi.yaml and run the program on it.

    `stack` may name its organization (`acme/prod`); the program is given its own name (`prod`), as Pulumi gives it.
    """
    shown = _shown(stack_file, project_dir)
    if not stack_file.is_file():
        raise CheckFailedError(
            f"make check: no stack file {shown}: create it with pulumi stack init {stack}, then set its keys (pulumi "
            f"config set <key> <value> --stack {stack}), or name another with STACK=<stack> or STACK_FILE=<path>."
        )
    try:
        read = read_stack_file(project_dir, stack_file, SECRET_PLACEHOLDER)
    except StackFileError as error:
        where = _shown(error.path, project_dir)
        raise CheckFailedError(f"make check: {error}" + ("" if where == error.path.name else f" ({where})")) from None
    own, others = config_keys.by_namespace(sorted(read.values), read.project)
    raw = {key: read.values.get(qualified_key(key, read.project)) for key in (*own, *CONFIG_KEYS)}
    secret_keys = [key for key in raw if qualified_key(key, read.project) in read.secure]
    # A setting encrypted whole holds only the placeholder: its own problems would be about that.
    unreadable = [key for key in secret_keys if raw[key] == SECRET_PLACEHOLDER]
    settings: Settings | None = None
    try:
        settings = parse_settings(raw, secret_keys, project_dir, others)
        problems = []
    except SettingsError as error:
        problems = [problem for problem in error.problems if not _about(problem, unreadable)]
    problems += [_unreadable_problem(key) for key in unreadable]
    if problems or settings is None:
        raise CheckFailedError(f"make check: {shown} (stack {stack}) is not valid.\n{SettingsError(problems)}")
    try:
        # The program validates the same config again, as `pulumi up` would hand it over.
        run = run_under_mocks(read.values, short_stack_name(stack), secret_keys=read.secure)
    except SettingsError as error:
        raise CheckFailedError(f"make check: {shown} (stack {stack}) is not valid.\n{error}") from None
    except pulumi.RunError as error:
        raise CheckFailedError(f"make check: the program refused {shown} (stack {stack}): {error}") from None
    return Checked(stack, stack_file, read, settings, run)


def _about(problem: str, keys: Sequence[str]) -> bool:
    """Whether `problem` is one of these settings' own (`kong-cognito-oidc:mfa = …`, `…:routes[0].host: …`)."""
    return any(re.match(rf"{re.escape(qualified_key(key))}[\s=:\[.]", problem) for key in keys)


def _unreadable_problem(key: str) -> str:
    return (
        f"{qualified_key(key)}: encrypted as a whole, so make check cannot read it to check it. Only a value that "
        "must stay secret needs encrypting, an identity provider's client secret (pulumi config set --secret --path "
        "'identityProviders[0].clientSecret' <secret>): set this setting in plain text, or check the stack with "
        "make doctor, which reads it through the Pulumi CLI"
    )


def summary(checked: Checked, project_dir: Path = ROOT) -> str:
    """What a reviewer wants to know of a valid stack, in a few lines; no value of a secret."""
    settings, declared = checked.settings, checked.run.declared
    lines = [
        f"make check: {_shown(checked.stack_file, project_dir)} (stack {checked.stack}) is valid; "
        "checked offline: nothing was asked of AWS, the cluster or the Pulumi CLI.",
        f"Would declare {len(declared)} resources:",
    ]
    counts = Counter(resource.type for resource in declared)
    width = max(len(str(count)) for count in counts.values())
    lines += [f"  {count:>{width}} {type_}" for type_, count in sorted(counts.items())]
    lines.append(f"Who can get in: {access(settings)}.")
    lines.append(f"Sign-in at: {sign_in_place(settings)}.")
    lines.append(f"Sessions: {session_place(settings)}.")
    lines.append(f"Routes ({len(settings.routes)}):")
    for route in settings.routes:
        scopes = f", scopes {' '.join(route.required_scopes)}" if route.required_scopes else ""
        sign_in_with = f", signs in with {route.sign_in_with}" if route.sign_in_with else ""
        by_git = ", listed by Git (annotationOwner git)" if route.annotation_owner == "git" else ""
        lines.append(
            f"  {route.url}: mode {route.mode}, {route.kind} {route.namespace}/{route.object_name}, "
            f"KongPlugin {route.plugin}{scopes}{sign_in_with}{by_git}"
        )
    if checked.read.secure:
        lines.append(f"Encrypted, so not read (checked as set): {', '.join(sorted(checked.read.secure))}.")
    others = config_keys.keys_for_other_tools(checked.read.values, SETTING_NAMES, checked.read.project)
    if others:
        note = config_keys.other_tools_note(others)
        lines.append(f"{note[0].upper()}{note[1:]}.")
    return "\n".join(lines)


def sign_in_place(settings: Settings) -> str:
    """Where people sign in: the own domain (and how its certificate comes), else Cognito's prefix domain."""
    pages = "managed login" if settings.managed_login == "managed" else "the classic hosted UI"
    domain = settings.sign_in_domain
    if domain is None:
        return f"Cognito's prefix domain, {pages}"
    how = (
        f"certificate {domain.certificate_arn}, DNS record yours to create"
        if domain.certificate_arn
        else f"certificate and DNS in Route 53 zone {domain.hosted_zone_id}"
    )
    return f"{domain.name} ({how}), {pages}; Cognito's prefix domain still answers"


def session_place(settings: Settings) -> str:
    """Where Kong keeps sessions, and which Kong the plugin config is written for."""
    kong = f"plugin config for Kong {settings.kong_version or '3.4 (kongVersion not set)'}"
    redis = settings.sessions.redis
    if redis is None:
        return f"in the browser's cookie; {kong}"
    return f"in Redis at {redis.host}:{redis.port}{' over TLS' if redis.tls else ''}; {kong}"


def _shown(path: Path, project_dir: Path) -> str:
    """A path as the user named it: relative to the project when it is inside it."""
    try:
        return str(path.resolve().relative_to(project_dir.resolve()))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None, project_dir: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument(
        "--stack",
        help="the stack (default: $STACK; with --stack-file, the name in Pulumi.<stack>.yaml; else dev)",
    )
    parser.add_argument(
        "--stack-file",
        type=Path,
        help="the stack file to check (default: $STACK_FILE, else Pulumi.<stack>.yaml in the project)",
    )
    args = parser.parse_args(argv)
    named_file = args.stack_file or os.environ.get("STACK_FILE")
    stack_file = Path(named_file) if named_file else None
    stack: str = args.stack or os.environ.get("STACK") or (stack_file and stack_name_of(stack_file)) or "dev"
    try:
        checked = check_stack(stack, stack_file or project_dir / stack_file_name(stack), project_dir)
    except CheckFailedError as error:
        print(error, file=sys.stderr)
        return 1
    print(summary(checked, project_dir))
    return 0
