"""What every level shares: the API server fixtures (the fake, or the session's real one in `make e2e`, which
local_servers/ and e2e/ must share), and the order files start in. Each level's own stand-ins are registered
in its conftest.py (local_servers/conftest.py: moto, the HTTPS stand-ins, the sign-in stack)."""

from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist's controller runs no test, and starts its workers only once configured: importing
    # the fixtures' modules there would only delay every worker.
    is_xdist_controller = getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput")
    if not is_xdist_controller:
        config.pluginmanager.import_plugin("cluster_backends")


# The slowest files, slowest first (measured with `pytest --durations=0`): collected first, so that
# `make test` (--dist loadfile --no-loadscope-reorder) starts them first and the two workers finish
# together, rather than one running a slow file alone at the end. The rest keep their order.
SLOWEST_FIRST = (
    "local_servers/test_aws_provider_standin.py",
    "local_servers/test_standin_provider.py",
    "local_servers/verification/test_sign_in.py",
    "local_servers/verification/test_sign_in_failures.py",
    "local_servers/doctor/test_kic_events.py",
    "program/test_routes.py",
    "repository/test_project_files.py",
    "local_servers/doctor/test_cli.py",
    "program/test_program.py",
    "program/test_identity_providers.py",
)
"""Paths under tests/."""
TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.relative_to(TESTS).as_posix()
        return SLOWEST_FIRST.index(name) if name in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)
