"""Coroutines run to completion in a test, leaving the process's event loop policy as it was."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` without its last step, `asyncio.set_event_loop(None)`: after that the main thread has no
    current loop, and Pulumi's mocks (`pulumi.runtime.test`, which calls `asyncio.get_event_loop()`) fail in
    every later test of the same process, so a test's outcome would depend on which file its worker ran before."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
