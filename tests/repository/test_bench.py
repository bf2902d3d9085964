"""`make bench`: figures go to an untracked file unless asked, and a failed step costs only its own figures.

The steps are fakes run in-process (the real ones take minutes); the failing one runs a real
command through bench's measure().
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from program_harness import ROOT

from bench import bench

HAND_WRITTEN = "## Measured elsewhere\n\nWritten by hand; `make bench SAVE=1` keeps it.\n"


def figures(what: str, *walls: float) -> bench.Figures:
    return bench.Figures([bench.Row(what, [bench.Sample(wall, 50.0) for wall in walls])], [f"- note on {what}"])


FAILS = "import sys; print('## not a heading'); print('stack not found'); sys.exit(3)"


def failing_command() -> bench.Figures:
    bench.measure([sys.executable, "-c", FAILS])
    raise AssertionError("measure() returned for a command that failed")


STEPS = [
    bench.Step("program", lambda: figures("the program", 1.0, 3.0, 2.0)),
    bench.Step("broken", failing_command),
    bench.Step("suite", lambda: figures("the suite", 9.0)),
]


def test_a_failed_step_shows_its_error_and_every_other_figure_is_printed_and_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latest = tmp_path / "latest.md"
    code = bench.main([], STEPS, latest=latest, results=tmp_path / "results.md")
    assert code == 1
    written = latest.read_text()
    assert written in capsys.readouterr().out
    assert "| the program | 2.00 s (1.00-3.00) | 50 MiB (50-50) | 3 |" in written
    assert "| the suite | 9.00 s (9.00-9.00) | 50 MiB (50-50) | 1 |" in written
    assert "- note on the program" in written
    assert "- note on the suite" in written
    failure = written[written.index("FAILED: broken") :]
    assert f"`{sys.executable} -c " in failure
    assert "exited with 3" in failure
    assert "    stack not found" in failure
    assert not (tmp_path / "results.md").exists()


def test_all_steps_passing_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = bench.main([], [STEPS[0], STEPS[2]], latest=tmp_path / "latest.md", results=tmp_path / "results.md")
    assert code == 0
    assert "FAILED" not in capsys.readouterr().out


def test_figures_go_to_the_untracked_file_and_only_save_rewrites_results_keeping_hand_written_sections(
    tmp_path: Path,
) -> None:
    latest, results = tmp_path / "latest.md", tmp_path / "results.md"
    results.write_text("# `make bench` on 2026-01-01\n\n| old | table |\n\n" + HAND_WRITTEN)
    before = results.read_text()
    bench.main([], STEPS, latest=latest, results=results)
    assert results.read_text() == before

    latest.write_text("unchanged")
    bench.main(["--save"], STEPS, latest=latest, results=results)
    assert latest.read_text() == "unchanged"
    saved = results.read_text()
    assert "| old | table |" not in saved
    assert "| the program | 2.00 s (1.00-3.00)" in saved
    assert saved.endswith("\n\n" + HAND_WRITTEN)
    # A failure's output is indented, so its lines never end the measured part early.
    assert "\n    ## not a heading\n" in saved

    bench.main(["--save"], STEPS, latest=latest, results=results)
    assert results.read_text().count(HAND_WRITTEN) == 1


def test_the_suite_runs_next_to_its_yardstick(monkeypatch: pytest.MonkeyPatch) -> None:
    measured: list[tuple[str, ...]] = []
    walls = iter([1.0, 10.0, 2.0, 16.0, 1.5, 12.0])

    def fake_measure(*commands: list[str], env: dict[str, str] | None = None) -> bench.Sample:
        measured.append(tuple(" ".join(command) for command in commands))
        return bench.Sample(next(walls), 0.0)

    monkeypatch.setattr(bench, "measure", fake_measure)
    result = bench.suite_and_yardstick(3)
    yardstick = f"{sys.executable} -c {bench.YARDSTICK_WORK}"
    assert measured == [(yardstick, yardstick), ("make --no-print-directory test",)] * 3
    suite, stick = result.rows
    assert (suite.median_wall(), stick.median_wall()) == (12.0, 1.5)
    assert result.notes == ["- test suite / yardstick (medians, interleaved runs): 8.0x"]


def test_make_bench_saves_to_the_tracked_file_only_with_save_1() -> None:
    # Not what the make that runs this suite passes down (MAKEFLAGS, MAKELEVEL), nor a SAVE of the shell's.
    env = {name: value for name, value in os.environ.items() if name not in {"MAKEFLAGS", "MAKELEVEL", "SAVE"}}

    def dry_run(*arguments: str) -> str:
        command = ["make", "--no-print-directory", "-n", "bench", *arguments]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout

    assert dry_run().splitlines()[-1].split() == [".venv/bin/python", "bench/bench.py"]
    assert dry_run("SAVE=1").splitlines()[-1].split() == [".venv/bin/python", "bench/bench.py", "--save"]
    assert dry_run("SAVE=0").splitlines()[-1].split() == [".venv/bin/python", "bench/bench.py"]


@pytest.mark.skipif(not (ROOT / ".git").exists() or not shutil.which("git"), reason="not a git checkout")
def test_the_default_output_is_ignored_by_git() -> None:
    relative = bench.LATEST.relative_to(ROOT)
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", str(relative)], cwd=ROOT, check=False)
    assert ignored.returncode == 0, f"{relative} is not in .gitignore"
