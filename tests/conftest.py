"""What every level shares: the API server fixtures (the fake, or the session's real one in `make e2e`, which
local_servers/ and e2e/ must share), and the order files start in. Each level's own stand-ins are registered
in its conftest.py (local_servers/conftest.py: moto, the HTTPS stand-ins, the sign-in stack)."""

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    "local_servers/test_standin_provider.py",
    "local_servers/test_aws_provider_standin.py",
    "local_servers/test_aws_provider_standin_sign_in_domain.py",
    "local_servers/verification/test_sign_in.py",
    "local_servers/verification/test_sign_in_failures.py",
    "local_servers/doctor/test_kic_events.py",
    "local_servers/doctor/test_sign_in_domain.py",
    "repository/test_project_files.py",
    "local_servers/verification/test_cli.py",
    "local_servers/verification/test_cognito_users.py",
    "program/test_check.py",
    "local_servers/doctor/test_cli.py",
)
"""Paths under tests/."""
TESTS = Path(__file__).parent


def pytest_runtest_setup(item: pytest.Item) -> None:
    """At each test file's first test, what is alive (the SDKs and botocore's models imported so far, session
    fixtures) is frozen out of the garbage collector's reach, after one collection of what is garbage.

    Otherwise every full collection walks those half million objects again: about 5 s of a one-process run
    (15 collections), a sixth of its CPU, and pytest collects twice more when it ends. Objects die as before;
    only a cycle among objects that were alive when their file started stays in memory.
    """
    if item.path != _last_file[0]:
        _last_file[0] = item.path
        gc.collect()
        gc.freeze()


_last_file: list[Path | None] = [None]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.relative_to(TESTS).as_posix()
        return SLOWEST_FIRST.index(name) if name in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)


@pytest.fixture(scope="session", autouse=True)
def no_stack_traces_for_mocks() -> Iterator[None]:
    """Pulumi's SDK walks and formats the Python stack for each resource it registers (`_get_stack_trace`),
    for the engine to show where a resource was declared: about a tenth of the suite's CPU. Pulumi's mock
    monitor (and stack_check.mocks' RecordingMonitor) drops it, so under mocks it is skipped; a real
    engine's monitor still gets it."""
    from pulumi.runtime import resource, settings
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.proto import source_pb2

    get_stack_trace = resource._get_stack_trace

    def stack_trace_unless_mocked() -> Any:
        if isinstance(settings.get_monitor(), MockMonitor):
            return source_pb2.StackTrace()
        return get_stack_trace()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(resource, "_get_stack_trace", stack_trace_unless_mocked)
        yield
