"""Fixtures shared by several test files, registered once instead of imported into each."""

import pytest

FIXTURE_MODULES = ("aws_standin", "verify_stack", "verify_sign_in_stack", "cluster_backends")


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist's controller runs no test, and starts its workers only once configured: importing
    # these (moto, boto3, trustme, verify.py: ~0.7 s) there would only delay every worker.
    is_xdist_controller = getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput")
    if not is_xdist_controller:
        for name in FIXTURE_MODULES:
            config.pluginmanager.import_plugin(name)


# The slowest files, slowest first (measured with `pytest --durations=0`): collected first, so that
# `make test` (--dist loadfile --no-loadscope-reorder) starts them first and the two workers finish
# together, rather than one running a slow file alone at the end. The rest keep their order.
SLOWEST_FIRST = (
    "test_sign_in.py",
    "test_doctor_checks.py",
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
