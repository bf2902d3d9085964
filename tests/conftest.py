"""What every level shares: the API server fixtures (the fake, or the session's real one in `make e2e`, which
local_servers/ and e2e/ must share), and the order files start in. Each level's own stand-ins are registered
in its conftest.py (local_servers/conftest.py: moto, the HTTPS stand-ins, the sign-in stack)."""

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
    "test_sign_in.py",
    "test_cli.py",
    "test_sign_in_failures.py",
    "test_access.py",
    "test_routes.py",
    "test_cognito_users.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return SLOWEST_FIRST.index(name) if name in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)
