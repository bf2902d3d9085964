"""What the program-level tests share."""

import pytest
from program_harness import ProgramRun, dev_stack_config, shared_run


@pytest.fixture(name="dev_stack")
def dev_stack_fixture() -> ProgramRun:
    """The dev stack (Pulumi.dev.yaml), run once for every test that only reads what it declares."""
    return shared_run(dev_stack_config())
