"""Runs every check in order and prints one line per check; exit status 1 when any fails."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from components.naming import stack_owner
from components.settings.config_keys import by_namespace, keys_for_other_tools, other_tools_note
from components.settings.model import Settings, SettingsError, names_its_fix, qualified_key
from doctor_checks.access import access
from doctor_checks.aws import check_aws
from doctor_checks.cluster import check_cluster, check_kong_crd, read_ingress_classes
from doctor_checks.dns import check_dns
from doctor_checks.identity_providers import check_identity_providers, read_pool, read_stack_outputs
from doctor_checks.kic_events import check_kic_events
from doctor_checks.kong_version import check_kong_version, find_running_kong
from doctor_checks.redis import ClusterServices, check_redis
from doctor_checks.routes import check_route
from doctor_checks.sign_in_domain import check_sign_in_domain
from doctor_checks.stack_config import read_secret, read_stack_config
from doctor_checks.stack_files import StackFileError, short_stack_name
from doctor_checks.tools import check_tools
from doctor_checks.world import ROOT, World
from verification.results import CheckLine, failed, passed, skipped

DESCRIPTION = "`make doctor`: read-only checks of what the stack needs from the world, before the first `make up`."


def run_checks(
    stack: str,
    project_dir: Path = ROOT,
    world: World | None = None,
) -> Iterator[CheckLine]:
    """Every check, in order; each one as soon as it is done."""
    from components.settings.load import parse_settings
    from components.settings.registry import CONFIG_KEYS, SETTING_NAMES

    world = world or World()
    yield from check_tools(project_dir, world)

    try:
        config = read_stack_config(project_dir, stack, world)
    except StackFileError as error:
        yield failed("settings", str(error), f"correct the YAML in {error.path.name}, then run make doctor again.")
        return
    project, values = config.project, config.values
    # Every key, readable or not: the program refuses unknown ones of its namespace, and near misses of it.
    set_keys, other_keys = by_namespace(sorted({*values, *config.unreadable}), project)
    raw = {key: values.get(qualified_key(key, project)) for key in (*set_keys, *CONFIG_KEYS)}
    # A setting with one field set by `--secret --path` (a client secret) is a secret as a whole:
    # read it decrypted, as the program gets it; the settings' problems never show a secret's value.
    secret_keys = [key for key in CONFIG_KEYS if qualified_key(key, project) in config.unreadable]
    for key in secret_keys:
        raw[key] = read_secret(project_dir, stack, world, qualified_key(key, project))
    settings: Settings | None = None
    try:
        settings = parse_settings(raw, secret_keys, project_dir, other_keys)
    except SettingsError as error:
        # The generic fix only when some problem has no fix of its own (a plain-text secret names its command).
        generic = not all(names_its_fix(problem) for problem in error.problems)
        problems = "; ".join(error.problems)
        yield failed(
            "settings",
            f"read from {config.source}: {problems}" + ("" if problems.endswith((".", "?")) else "."),
            f"`pulumi config set <key> <value> --stack {stack}` for each (`pulumi config rm <key> --stack {stack}` "
            f"for an unknown one), or edit Pulumi.{short_stack_name(stack)}.yaml."
            if generic
            else "",
        )
    else:
        urls = ", ".join(route.url for route in settings.routes)
        detail = (
            f"read from {config.source}; {len(settings.routes)} route(s): {urls}; who can get in: {access(settings)}"
        )
        if settings.api_clients and not raw.get("apiIdentifier"):  # Pulumi.yaml's default is ""
            detail += f"; {default_api_identifier_note(settings)}"
        others = keys_for_other_tools(other_keys, SETTING_NAMES, project)
        if others:
            detail += f"; {other_tools_note(others)}"
        yield passed("settings", detail)

    yield from check_aws(values, stack)

    unreadable = None
    kubeconfig_value = values.get("kubernetes:kubeconfig")
    if "kubernetes:kubeconfig" in config.unreadable:
        kubeconfig_value = read_secret(project_dir, stack, world, "kubernetes:kubeconfig")
        if kubeconfig_value is None:
            unreadable = "kubernetes:kubeconfig is a secret in the stack config, and the Pulumi CLI could not read it."
    cluster_check, cluster = check_cluster(kubeconfig_value, values.get("kubernetes:context"), unreadable, stack)
    yield cluster_check
    routes = settings.routes if settings is not None else ()
    if cluster is None:
        yield skipped("kong-crd", "no cluster to ask (see cluster)")
        for route in routes:
            yield skipped(f"ingress {route.namespace}/{route.object_name}", "no cluster to ask (see cluster)")
    else:
        yield check_kong_crd(cluster, stack)
        if settings is None:
            yield skipped("routes", "the settings are invalid (see settings)")
        else:
            classes = read_ingress_classes(cluster)
            owner = stack_owner(project, short_stack_name(stack))
            routes_set = raw.get("routes") is not None
            for index, route in enumerate(routes):
                yield from check_route(cluster, route, index if routes_set else None, classes, owner, stack)
            yield check_kic_events(cluster, routes, stack)

    if settings is None:
        yield skipped("dns", "the settings are invalid (see settings)")
    for host in dict.fromkeys(route.host for route in routes):
        yield check_dns(host, world, raw.get("routes") is not None, stack)

    outputs = (
        read_stack_outputs(project_dir, stack, world)
        if settings is not None and (settings.identity_providers or settings.sign_in_domain)
        else {}
    )
    if settings is not None and settings.sign_in_domain is not None:
        yield from check_sign_in_domain(settings.sign_in_domain, outputs, world, values.get("aws:profile"))
    if settings is not None:
        running, why = find_running_kong(settings.routes[0].url, world, cluster)
        yield check_kong_version(
            settings.kong_version or "3.4", settings.kong_version is not None, running, why, settings
        )
        redis = settings.sessions.redis
        if redis is not None:
            reader = ClusterServices(cluster) if cluster is not None else None
            yield check_redis(redis.host, redis.port, reader, world.resolve, stack, "no cluster to ask (see cluster)")
    if settings is not None and settings.identity_providers:
        yield from check_identity_providers(settings, read_pool(settings, outputs), stack)


def default_api_identifier_note(settings: Settings) -> str:
    """A note, not a failure: the default apiIdentifier moves with the first route's host."""
    return (
        f"note: apiIdentifier is not set, so it is {settings.api_identifier}, from the first route's host; "
        "reordering the routes or changing that host would replace the resource server and rename every scope "
        "(scripts asking for the old scopes break): set apiIdentifier to keep it"
    )


def main(argv: Sequence[str] | None = None, project_dir: Path = ROOT, world: World | None = None) -> int:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--stack", default=os.environ.get("STACK", "dev"), help="the stack to check (default: dev)")
    args = parser.parse_args(argv)
    failures = 0
    for check in run_checks(args.stack, project_dir, world):
        print(check.line(), flush=True)
        failures += check.status == "FAIL"
    return 1 if failures else 0
