"""What a check reports: one PASS or FAIL line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.name}: {self.detail}"


class CheckFailedError(Exception):
    """A check stops here; the message is its FAIL line's detail."""
