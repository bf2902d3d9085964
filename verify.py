"""Check a deployed stack: Cognito's discovery, Kong's redirect to sign-in, the hosted UI and sign-out.

Usage: pulumi stack output --json | python verify.py --outputs - [--insecure] [--timeout SECONDS] [--sign-in]

The checks live in the `verification` package; this file stays the entry point that
`make verify` and the deploy workflow run.
"""

from __future__ import annotations

import sys

from verification.cli import main

if __name__ == "__main__":
    sys.exit(main())
