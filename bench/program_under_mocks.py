"""Evaluates the program under Pulumi's mocks in one process: what `make bench` times.

The same harness as the tests (tests/support/program_harness.py): interpreter start, imports,
every resource registered and every output resolved, no CLI, cloud or cluster.
Without arguments the dev stack; `--routes N`: the dev stack with N routes across 5 namespaces.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from program_harness import PROJECT, dev_stack_config, run_program  # noqa: E402 (needs the path above)

config = dev_stack_config()
if sys.argv[1:2] == ["--routes"]:
    count = int(sys.argv[2])
    routes = [
        {"ingress": f"app-{n}", "namespace": f"team-{n % 5}", "host": "apps.example.com", "path": f"/app-{n}"}
        for n in range(count)
    ]
    config[f"{PROJECT}:routes"] = json.dumps(routes)
run = run_program(None, config)
print(f"{len(run.declared)} resources declared, {len(run.exports)} outputs")
