"""`make check`: a stack's settings checked offline, and what the program would declare with them.

Reads `Pulumi.<stack>.yaml` (and Pulumi.yaml's defaults) as the Pulumi CLI would, validates every
setting, runs the program under Pulumi's mocks in this process and prints a short summary; exit
status 1 with every problem otherwise. Needs no credentials, cluster or Pulumi CLI.

    python check.py --stack dev
    python check.py --stack-file docs/examples/Pulumi.prod.yaml

The work is in the `stack_check` package; this file stays the entry point `make check` runs.
"""

from __future__ import annotations

import sys

from stack_check.cli import main

if __name__ == "__main__":
    sys.exit(main())
