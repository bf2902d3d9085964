"""What a check reports: one line, `PASS|FAIL|SKIP <name>: <detail>`, with the fix on a FAIL.

verify.py and `make doctor` print through this one type.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckLine:
    status: str
    """PASS, FAIL or SKIP."""
    name: str
    detail: str
    fix: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "PASS"

    def line(self) -> str:
        return f"{self.status} {self.name}: {self.detail}" + (f" Fix: {self.fix}" if self.fix else "")


def passed(name: str, detail: str) -> CheckLine:
    return CheckLine("PASS", name, detail)


def failed(name: str, detail: str, fix: str = "") -> CheckLine:
    return CheckLine("FAIL", name, detail, fix)


def skipped(name: str, reason: str) -> CheckLine:
    return CheckLine("SKIP", name, reason)


class Result(CheckLine):
    """A verify check, which passes or fails (verify has no fixes to print; its one SKIP is a plain CheckLine)."""

    def __init__(self, name: str, passed: bool, detail: str) -> None:
        super().__init__("PASS" if passed else "FAIL", name, detail)


class CheckFailedError(Exception):
    """A check stops here; the message is its FAIL line's detail."""
