"""What the stand-in providers share (tests/support/standin_provider.py): the engine's address, a quick start."""

from __future__ import annotations

import subprocess
import sys

import pytest
import standin_provider


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


def test_a_stand_in_starts_without_importing_the_pulumi_package() -> None:
    # Half a second per provider start, which the engine pays at every preview.
    probe = "import sys, aws_provider_standin; print('pulumi' in sys.modules, 'boto3' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=standin_provider.__file__.rsplit("/", 1)[0],
    )
    assert found.stdout.split() == ["False", "False"]
