"""`make doctor`: read-only checks of what the stack needs from the world, before the first `make up`.

One line per check, `PASS|FAIL|SKIP <name>: <detail>`, a fix on FAIL and the reason on SKIP;
exit status 1 when any check fails. It reads only the stack's settings (`pulumi config` when
the CLI is there, else `Pulumi.<stack>.yaml` and `Pulumi.yaml`'s defaults), the kubeconfig
the stack will use (resolved by the same code as the Ingress attachment), the AWS credentials
and, with identityProviders, each provider's metadata or discovery document and the stack's
outputs (`pulumi stack output --json`, for the values to register); it writes nothing, anywhere.

    python doctor.py --stack dev

The checks live in the `doctor_checks` package; this file stays the entry point `make doctor` runs.
"""

from __future__ import annotations

import sys

from doctor_checks.cli import main

if __name__ == "__main__":
    sys.exit(main())
