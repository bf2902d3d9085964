"""What the AWS stand-in keeps of Cognito and ACM that moto does not: its own small store.

moto 5.2.5 has no managed login branding API at all, forgets a domain's ManagedLoginVersion and
CustomDomainConfig (DescribeUserPoolDomain returns neither), and issues every ACM certificate
after 60 seconds whether or not its validation record exists. The stand-in keeps those facts here,
next to moto's own state.

The engine starts a new plugin process for every command (`up`, `preview`, `refresh`), so what one
process stores the next must read: with AWS_STANDIN_STORE set (the engine scenarios set it to a file
in their Pulumi home) the store is that JSON file, read and written under a lock; without it, this
process's memory (the tests that drive the provider in-process, against their one moto server).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

STORE_VARIABLE = "AWS_STANDIN_STORE"
Tables = dict[str, dict[str, Any]]

_lock = threading.Lock()
_memory: Tables = {}


@contextlib.contextmanager
def changing() -> Iterator[Tables]:
    """The store's tables (name -> key -> record), written back when the block ends without an error."""
    path = os.environ.get(STORE_VARIABLE)
    with _lock:
        if not path:
            yield _memory
            return
        store = Path(path)
        store.parent.mkdir(parents=True, exist_ok=True)
        with store.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            text = handle.read()
            tables: Tables = json.loads(text) if text else {}
            yield tables
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(tables, indent=1, sort_keys=True))


def table(name: str) -> dict[str, Any]:
    """A copy of one table, to read."""
    with changing() as tables:
        return json.loads(json.dumps(tables.get(name, {})))
