"""What the doctor looks at outside the cluster and AWS: PATH, Python, DNS, subprocesses; tests replace it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The project directory: Pulumi.yaml, the stack files, scripts/."""
TIMEOUT = 10
"""Seconds for each request to AWS or the cluster."""


def _resolve_host(host: str) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})


def _run(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    # No stdin: a passphrase prompt fails at once (the stack file is read instead) rather than hang.
    return subprocess.run(
        list(command),
        cwd=cwd,
        env={**env, "PULUMI_SKIP_UPDATE_CHECK": "true"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class World:
    """What the doctor looks at outside the cluster and AWS; replaced in tests."""

    which: Callable[[str], str | None] = shutil.which
    python_version: tuple[int, int, int] = (sys.version_info.major, sys.version_info.minor, sys.version_info.micro)
    resolve: Callable[[str], list[str]] = _resolve_host
    """Host name -> addresses; raises OSError (socket.gaierror) when it does not resolve."""
    run: Callable[[Sequence[str], Path, Mapping[str, str]], subprocess.CompletedProcess[str]] = _run
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
