"""`make bench`: how long the program, the test suite and a fresh install take on this machine.

Reports the median of several runs with min and max, writes the table to
bench/results.md and prints it. Programs of interest and their floor run
interleaved, so a noisy machine slows both alike. Timings are reported, never
asserted: CI does not run this.

Environment: BENCH_RUNS (default 7), BENCH_SUITE_RUNS (3), BENCH_INSTALL_RUNS (2,
0 skips the installs, which download everything each time).
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.md"
PYTHON = sys.executable
FLOOR_IMPORTS = "import pulumi, pulumi_aws, pulumi_kubernetes"


@dataclass(frozen=True)
class Sample:
    wall_s: float
    peak_mib: float


def measure(command: Sequence[str], env: dict[str, str] | None = None) -> Sample:
    """Wall time and peak resident memory of one process, which must succeed."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        # wait4 gives this child's own peak memory (getrusage would mix in earlier children).
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            sys.exit(f"{' '.join(command)} failed:\n{output.read().decode(errors='replace')}")
    return Sample(wall_s=wall, peak_mib=usage.ru_maxrss / 1024)


@dataclass(frozen=True)
class Row:
    what: str
    samples: list[Sample]
    with_memory: bool = True

    def wall(self) -> str:
        walls = [sample.wall_s for sample in self.samples]
        return f"{statistics.median(walls):.2f} s ({min(walls):.2f}-{max(walls):.2f})"

    def memory(self) -> str:
        if not self.with_memory:
            return "-"
        peaks = [sample.peak_mib for sample in self.samples]
        return f"{statistics.median(peaks):.0f} MiB ({min(peaks):.0f}-{max(peaks):.0f})"

    def median_wall(self) -> float:
        return statistics.median(sample.wall_s for sample in self.samples)


MANY_ROUTES = 50


def program_and_floor(runs: int) -> tuple[Row, Row, Row]:
    program = [PYTHON, "bench/program_under_mocks.py"]
    many_routes = [*program, "--routes", str(MANY_ROUTES)]
    floor = [PYTHON, "-c", FLOOR_IMPORTS]
    commands = (program, many_routes, floor)
    # One unrecorded run each, so all start from cached bytecode as every later run does.
    for command in commands:
        measure(command)
    samples: tuple[list[Sample], ...] = ([], [], [])
    for _ in range(runs):
        for command, taken in zip(commands, samples, strict=True):
            taken.append(measure(command))
    return (
        Row("dev stack program under mocks (whole process)", samples[0]),
        Row(f"the same with {MANY_ROUTES} routes across 5 namespaces", samples[1]),
        Row(f"floor: `python -c '{FLOOR_IMPORTS}'`", samples[2]),
    )


def test_suite(runs: int) -> Row:
    # The README's test command, dependencies already installed.
    command = ["make", "--no-print-directory", "test"]
    samples = [measure(command) for _ in range(runs)]
    return Row("offline test suite (`make test`, installed)", samples, with_memory=False)


def cold_installs(runs: int) -> list[Row]:
    """The runtime dependencies into an empty virtualenv with nothing cached, both ways."""
    uv = shutil.which("uv")
    project_path, plain_pip = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            if uv:
                env = {**os.environ, "UV_CACHE_DIR": f"{scratch}/uv-cache", "UV_PROJECT_ENVIRONMENT": f"{scratch}/uv"}
                subprocess.run([uv, "venv", "--quiet", f"{scratch}/uv"], check=True, env=env)
                project_path.append(measure([uv, "sync", "--quiet", "--locked", "--no-dev"], env))
            subprocess.run([sys.executable, "-m", "venv", f"{scratch}/pip"], check=True)
            pip = [f"{scratch}/pip/bin/python", "-m", "pip", "install", "--quiet", "--no-cache-dir"]
            plain_pip.append(measure([*pip, "-r", "requirements.txt"]))
    rows = [Row("cold install, plain `pip install -r requirements.txt`", plain_pip, with_memory=False)]
    if project_path:
        rows.insert(0, Row("cold install, project path (`uv sync --locked --no-dev`)", project_path, with_memory=False))
    return rows


def cpu_model() -> str:
    """The processor, as Linux names it: timings belong to the machine that measured them."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "an unnamed processor"


def table(rows: list[Row], notes: list[str]) -> str:
    lines = [
        f"# `make bench` on {date.today()}",
        "",
        f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}.",
        "Median of the runs (min-max).",
        "",
        "| what | wall | peak memory | runs |",
        "|---|---|---|---|",
    ]
    lines += [f"| {row.what} | {row.wall()} | {row.memory()} | {len(row.samples)} |" for row in rows]
    return "\n".join([*lines, "", *notes, ""])


def main() -> None:
    # As in the Makefile: every process after the first runs from cached bytecode.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = int(os.environ.get("BENCH_RUNS", "7"))
    suite_runs = int(os.environ.get("BENCH_SUITE_RUNS", "3"))
    install_runs = int(os.environ.get("BENCH_INSTALL_RUNS", "2"))

    program, many_routes, floor = program_and_floor(runs)
    rows = [program, many_routes, floor, test_suite(suite_runs)]
    notes = [
        f"- program / floor (medians, interleaved runs): {program.median_wall() / floor.median_wall():.1f}x",
        f"- {MANY_ROUTES} routes / 1 route: {many_routes.median_wall() / program.median_wall():.2f}x (target: <= 2.5x)",
    ]
    if install_runs:
        installs = cold_installs(install_runs)
        rows += installs
        if len(installs) == 2:
            ratio = installs[1].median_wall() / installs[0].median_wall()
            notes.append(f"- cold install, pip / project path: {ratio:.1f}x (pip compiles bytecode as it installs;")
            notes.append("  uv leaves it to the first import, which writes it for just the modules used)")
        else:
            notes.append("- uv is not on PATH: the project path's install was not measured")
    report = table(rows, notes)
    RESULTS.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
