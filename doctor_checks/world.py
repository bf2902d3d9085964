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


def _response_headers(url: str) -> dict[str, str]:
    """The headers of a GET of `url`, redirects not followed. Only headers are read, so the certificate is not
    checked: a proxy's self-signed certificate still says which Kong answers."""
    import requests
    import urllib3

    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    with requests.get(url, allow_redirects=False, timeout=TIMEOUT, verify=False, stream=True) as response:
        return dict(response.headers)


@dataclass
class World:
    """What the doctor looks at outside the cluster and AWS; replaced in tests."""

    which: Callable[[str], str | None] = shutil.which
    python_version: tuple[int, int, int] = (sys.version_info.major, sys.version_info.minor, sys.version_info.micro)
    resolve: Callable[[str], list[str]] = _resolve_host
    """Host name -> addresses; raises OSError (socket.gaierror) when it does not resolve."""
    run: Callable[[Sequence[str], Path, Mapping[str, str]], subprocess.CompletedProcess[str]] = _run
    response_headers: Callable[[str], Mapping[str, str]] = _response_headers
    """URL -> the headers its answer carries; raises OSError (requests' errors) when nothing answers."""
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
