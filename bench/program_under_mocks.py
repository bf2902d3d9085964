"""Evaluates the dev stack's program under Pulumi's mocks in one process: what `make bench` times.

The same harness as the tests (tests/program_harness.py): interpreter start, imports,
every resource registered and every output resolved, no CLI, cloud or cluster.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from program_harness import dev_stack_config, run_program  # noqa: E402 (needs the path above)

run = run_program(None, dev_stack_config())
print(f"{len(run.declared)} resources declared, {len(run.exports)} outputs")
