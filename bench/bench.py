"""`make bench`: how long the program, the test suite and a fresh install take on this machine.

Reports the median of several runs with min and max, prints the table and writes it to
bench/latest.md (untracked); `--save` (`make bench SAVE=1`) writes it to bench/results.md
instead, keeping the sections written there by hand. A step that fails is reported with its
error, after the figures of the steps that worked; the exit status is then 1. Programs of
interest and their floor or yardstick run interleaved, so a noisy machine slows both alike.
Timings are reported, never asserted: CI does not run this.

Environment: BENCH_RUNS (default 7), BENCH_SUITE_RUNS (3), BENCH_INSTALL_RUNS (2,
0 skips the installs, which download everything each time), BENCH_ENGINE_RUNS (3, 0 skips the
rows measured through the real engine; without `make tools`' binaries they are skipped with a note).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LATEST = ROOT / "bench" / "latest.md"
RESULTS = ROOT / "bench" / "results.md"
PYTHON = sys.executable
FLOOR_IMPORTS = "import pulumi, pulumi_aws, pulumi_kubernetes"
# Fixed pure-Python work, one copy per core the suite uses (two workers): how fast this machine
# is at the moment. The suite's time over this one's says more than either alone.
YARDSTICK_WORK = "sum(i * i for i in range(12_000_000))"
SUITE_WORKERS = 2
# What `make tools` builds into .tools/bin, which the engine rows need; their runs are a pytest file
# of the e2e scenarios (its fixtures start the API server and moto), not collected by `make e2e`.
ENGINE_BIN = ROOT / ".tools" / "bin"
ENGINE_TOOLS = ("pulumi", "pulumi-language-python", "pulumi-resource-kubernetes", "kube-apiserver", "etcd")
ENGINE_TIMINGS = ROOT / "tests" / "e2e" / "bench_engine_timings.py"
PREVIEW_TARGET = 2.0
MANY_ROUTES_UP_TARGET = 3.0
# What --save keeps of bench/results.md: everything from its first second-level heading on.
HAND_WRITTEN = "## "


class CommandFailedError(Exception):
    """A measured command failed; the message holds the command and the end of its output."""


@dataclass(frozen=True)
class Sample:
    wall_s: float
    peak_mib: float


def measure(*commands: Sequence[str], env: dict[str, str] | None = None) -> Sample:
    """Wall time until every process (started together) has ended, and the largest peak resident memory.

    Each must succeed, else CommandFailedError.
    """
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        processes = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
            for command in commands
        ]
        failed = []
        peak_kib = 0
        for command, process in zip(commands, processes, strict=True):
            # wait4 gives this child's own peak memory (getrusage would mix in earlier children).
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            peak_kib = max(peak_kib, usage.ru_maxrss)
            if process.returncode != 0:
                failed.append(f"`{' '.join(command)}` exited with {process.returncode}")
        wall = time.perf_counter() - start
        if failed:
            output.seek(0)
            lines = output.read().decode(errors="replace").splitlines()
            raise CommandFailedError("\n".join(["; ".join(failed), *lines[-20:]]))
    return Sample(wall_s=wall, peak_mib=peak_kib / 1024)


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


@dataclass
class Figures:
    """What a step measured: rows of the table, and notes under it."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[], Figures]


@dataclass(frozen=True)
class Failure:
    step: str
    error: str


MANY_ROUTES = 50


def program_and_floor(runs: int) -> Figures:
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
    rows = [
        Row("dev stack program under mocks (whole process)", samples[0]),
        Row(f"the same with {MANY_ROUTES} routes across 5 namespaces", samples[1]),
        Row(f"floor: `python -c '{FLOOR_IMPORTS}'`", samples[2]),
    ]
    program_row, many_row, floor_row = rows
    notes = [
        f"- program / floor (medians, interleaved runs): {program_row.median_wall() / floor_row.median_wall():.1f}x",
        f"- {MANY_ROUTES} routes / 1 route: {many_row.median_wall() / program_row.median_wall():.2f}x "
        "(target: <= 2.5x)",
    ]
    return Figures(rows, notes)


def suite_and_yardstick(runs: int) -> Figures:
    """The README's test command, dependencies installed, each run after a run of the yardstick."""
    suite = ["make", "--no-print-directory", "test"]
    yardstick = [PYTHON, "-c", YARDSTICK_WORK]
    suite_samples, yardstick_samples = [], []
    for _ in range(runs):
        yardstick_samples.append(measure(*[yardstick] * SUITE_WORKERS))
        suite_samples.append(measure(suite))
    rows = [
        Row("offline test suite (`make test`, installed)", suite_samples, with_memory=False),
        Row(f"yardstick: `python -c '{YARDSTICK_WORK}'`, {SUITE_WORKERS} at once", yardstick_samples, False),
    ]
    ratio = rows[0].median_wall() / rows[1].median_wall()
    notes = [f"- test suite / yardstick (medians, interleaved runs): {ratio:.1f}x"]
    return Figures(rows, notes)


def cold_installs(runs: int) -> Figures:
    """The runtime dependencies into an empty virtualenv with nothing cached, both ways."""
    uv = shutil.which("uv")
    project_path, plain_pip = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            if uv:
                env = {**os.environ, "UV_CACHE_DIR": f"{scratch}/uv-cache", "UV_PROJECT_ENVIRONMENT": f"{scratch}/uv"}
                subprocess.run([uv, "venv", "--quiet", f"{scratch}/uv"], check=True, env=env)
                project_path.append(measure([uv, "sync", "--quiet", "--locked", "--no-dev"], env=env))
            subprocess.run([sys.executable, "-m", "venv", f"{scratch}/pip"], check=True)
            pip = [f"{scratch}/pip/bin/python", "-m", "pip", "install", "--quiet", "--no-cache-dir"]
            plain_pip.append(measure([*pip, "-r", "requirements.txt"]))
    figures = Figures([Row("cold install, plain `pip install -r requirements.txt`", plain_pip, with_memory=False)])
    if not project_path:
        figures.notes.append("- uv is not on PATH: the project path's install was not measured")
        return figures
    uv_row = Row("cold install, project path (`uv sync --locked --no-dev`)", project_path, with_memory=False)
    figures.rows.insert(0, uv_row)
    ratio = figures.rows[1].median_wall() / uv_row.median_wall()
    figures.notes.append(f"- cold install, pip / project path: {ratio:.1f}x (pip compiles bytecode as it installs;")
    figures.notes.append("  uv leaves it to the first import, which writes it for just the modules used)")
    return figures


def engine_previews_and_ups(runs: int) -> Figures:
    """`make preview` against the engine's floor and `make up` of 50 routes against one, through the real engine."""
    missing = [name for name in ENGINE_TOOLS if not os.access(ENGINE_BIN / name, os.X_OK)]
    if missing:
        return Figures(
            notes=[f"- engine rows skipped: {', '.join(missing)} not in .tools/bin (`make tools` builds them)"]
        )
    with tempfile.TemporaryDirectory() as scratch:
        written = Path(scratch) / "timings.json"
        env = {**os.environ, "BENCH_ENGINE_JSON": str(written), "BENCH_ENGINE_RUNS": str(runs)}
        measure([PYTHON, "-m", "pytest", "-m", "e2e", "-q", "-p", "no:cacheprovider", str(ENGINE_TIMINGS)], env=env)
        seconds: dict[str, list[float]] = json.loads(written.read_text())

    def row(what: str, key: str) -> Row:
        return Row(what, [Sample(wall, 0.0) for wall in seconds[key]], with_memory=False)

    floor = row("engine floor: an empty Python program, `scripts/pulumi-stack.sh preview`", "floor")
    preview = row("`make preview` of the dev stack, before its first `make up`", "preview")
    unchanged = row("`make preview` of the dev stack after `make up` (no change)", "unchanged")
    up_one = row("`make up` of the dev stack (1 route)", "up_one")
    up_many = row("`make up` with 50 routes across 2 namespaces", "up_many")
    preview_ratio = preview.median_wall() / floor.median_wall()
    notes = [
        f"- make preview / engine floor (medians, interleaved runs): {preview_ratio:.2f}x "
        f"(target: <= {PREVIEW_TARGET:g}x)",
        f"- make up, 50 routes / 1 route: {up_many.median_wall() / up_one.median_wall():.2f}x "
        f"(target: <= {MANY_ROUTES_UP_TARGET:g}x)",
    ]
    return Figures([floor, preview, unchanged, up_one, up_many], notes)


def run_steps(steps: Sequence[Step]) -> tuple[Figures, list[Failure]]:
    """Every step, whatever an earlier one did: a failure is kept with its error, not raised."""
    figures, failures = Figures(), []
    for step in steps:
        try:
            measured = step.run()
        except (CommandFailedError, OSError, subprocess.SubprocessError) as error:
            failures.append(Failure(step.name, str(error) or type(error).__name__))
            continue
        figures.rows += measured.rows
        figures.notes += measured.notes
    return figures, failures


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


def table(figures: Figures, failures: Sequence[Failure] = ()) -> str:
    lines = [
        f"# `make bench` on {date.today()}",
        "",
        f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}.",
        "Median of the runs (min-max).",
        "",
        "| what | wall | peak memory | runs |",
        "|---|---|---|---|",
    ]
    lines += [f"| {row.what} | {row.wall()} | {row.memory()} | {len(row.samples)} |" for row in figures.rows]
    lines += ["", *figures.notes]
    for failure in failures:
        # Indented: the error is shown as it came, and never reads as a heading of this file.
        lines += ["", f"FAILED: {failure.step} (its figures are missing above):", ""]
        lines += [f"    {line}".rstrip() for line in failure.error.splitlines()]
    return "\n".join([*lines, ""])


def saved(report: str, previous: str) -> str:
    """bench/results.md with `report` in place of its measured part, and its hand-written sections kept."""
    lines = previous.splitlines(keepends=True)
    kept = next((i for i, line in enumerate(lines) if line.startswith(HAND_WRITTEN)), len(lines))
    rest = "".join(lines[kept:])
    return report + ("\n" + rest if rest else "")


def write_report(report: str, save: bool, latest: Path = LATEST, results: Path = RESULTS) -> Path:
    """bench/latest.md (untracked) unless `save`: then bench/results.md, its hand-written sections kept."""
    if not save:
        latest.write_text(report)
        return latest
    previous = results.read_text() if results.exists() else ""
    results.write_text(saved(report, previous))
    return results


def steps_from_environment() -> list[Step]:
    runs = int(os.environ.get("BENCH_RUNS", "7"))
    suite_runs = int(os.environ.get("BENCH_SUITE_RUNS", "3"))
    install_runs = int(os.environ.get("BENCH_INSTALL_RUNS", "2"))
    engine_runs = int(os.environ.get("BENCH_ENGINE_RUNS", "3"))
    steps = [
        Step("the program under mocks and its floor", lambda: program_and_floor(runs)),
        Step("the test suite and its yardstick", lambda: suite_and_yardstick(suite_runs)),
    ]
    if install_runs:
        steps.append(Step("cold installs", lambda: cold_installs(install_runs)))
    if engine_runs:
        steps.append(Step("previews and ups through the engine", lambda: engine_previews_and_ups(engine_runs)))
    return steps


def main(
    argv: Sequence[str] | None = None,
    steps: Sequence[Step] | None = None,
    latest: Path = LATEST,
    results: Path = RESULTS,
) -> int:
    parser = argparse.ArgumentParser(description="How long the program, the test suite and a fresh install take.")
    parser.add_argument("--save", action="store_true", help="write bench/results.md (tracked), not bench/latest.md")
    args = parser.parse_args(argv)
    figures, failures = run_steps(steps if steps is not None else steps_from_environment())
    report = table(figures, failures)
    written = write_report(report, args.save, latest, results)
    print(report)
    print(f"Written to {written}.")
    return 1 if failures else 0


if __name__ == "__main__":
    # As in the Makefile: every process after the first runs from cached bytecode.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.exit(main())
