"""Fixtures shared by several test files, registered once instead of imported into each."""

import pytest

FIXTURE_MODULES = ("aws_standin", "verify_stack", "verify_sign_in_stack")


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist's controller runs no test, and starts its workers only once configured: importing
    # these (moto, boto3, trustme, verify.py: ~0.7 s) there would only delay every worker.
    is_xdist_controller = getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput")
    if not is_xdist_controller:
        for name in FIXTURE_MODULES:
            config.pluginmanager.import_plugin(name)
