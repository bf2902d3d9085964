"""The stand-in providers as the engine starts them: quickly, and gone when the engine is.

A CLI killed outright cannot stop its plugins; each stand-in watches the engine's address, which
the engine passes last, after `--logtostderr` and `-v=<n>` when run with `--logflow`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import standin_provider

SUPPORT = Path(__file__).resolve().parents[1] / "support"


@pytest.mark.parametrize("flags", [[], ["--logtostderr", "-v=9"]], ids=["plain", "logflow"])
def test_a_stand_in_exits_once_the_engine_is_gone(flags: list[str]) -> None:
    engine = socket.create_server(("127.0.0.1", 0))
    address = f"127.0.0.1:{engine.getsockname()[1]}"
    plugin = subprocess.Popen(
        [sys.executable, str(SUPPORT / "random_provider_standin.py"), *flags, address],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # It looks for the engine every 0.1 s here (1 s in the scenarios), so this test takes one second, not four.
        env={**os.environ, "STANDIN_ENGINE_WATCH_SECONDS": "0.1"},
    )
    try:
        assert plugin.stdout is not None
        assert plugin.stdout.readline().strip().isdigit()  # the port it serves on
        time.sleep(0.5)  # five looks
        assert plugin.poll() is None, "it stopped while the engine was there"
        engine.close()
        assert plugin.wait(timeout=10) == 0
    finally:
        engine.close()
        if plugin.poll() is None:
            plugin.kill()
            plugin.wait()


def test_a_stand_in_starts_without_importing_the_pulumi_package_or_boto3() -> None:
    # Half a second each, which the engine would pay at every preview for every stand-in it starts.
    probe = "import sys, aws_provider_standin; print('pulumi' in sys.modules, 'boto3' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=SUPPORT)
    assert found.stdout.split() == ["False", "False"]


@pytest.mark.parametrize(
    ("argv", "address"),
    [
        (["plugin", "127.0.0.1:4000"], "127.0.0.1:4000"),
        # `pulumi --logflow -v=9`: the flags come first (sdk/go/common/resource/plugin/plugin.go).
        (["plugin", "--logtostderr", "-v=9", "127.0.0.1:4000"], "127.0.0.1:4000"),
        (["plugin", "--tracing", "127.0.0.1:9411", "127.0.0.1:4000"], "127.0.0.1:4000"),
        (["plugin"], None),
        (["plugin", "--logtostderr"], None),
    ],
)
def test_the_engine_s_address_is_the_last_argument(argv: list[str], address: str | None) -> None:
    assert standin_provider.engine_address(argv) == address
