"""`codesim report` as a real subprocess: writes the page, one-line errors for non-runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def codesim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codesim", *args], capture_output=True, text=True, timeout=180, cwd=cwd
    )


def test_report_of_two_runs(two_runs: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "site" / "compare.html"
    result = codesim("report", *map(str, two_runs), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    page = out.read_text(encoding="utf-8")
    assert "humaneval-codesim-gpt-4o-mini" in page and "humaneval-direct-local" in page


def test_default_output_is_report_html(two_runs: list[Path], tmp_path: Path) -> None:
    result = codesim("report", str(two_runs[0]), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_missing_run_dir_is_one_line(two_runs: list[Path], tmp_path: Path) -> None:
    result = codesim("report", str(two_runs[0]), str(tmp_path / "nope"), "-o", "r.html", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"codesim: error: {tmp_path / 'nope'}: no such run directory"
    assert not (tmp_path / "r.html").exists()


def test_malformed_run_dir_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "config.json").write_text('{"dataset": "humaneval"}')
    (bad / "results.jsonl").write_text('{"task_id": "a"\n{"task_id": "b"}\n')
    result = codesim("report", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "results.jsonl:1: not valid JSON" in lines[0]
    assert "Traceback" not in result.stderr


def test_unwritable_output_is_one_line(two_runs: list[Path], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = codesim("report", str(two_runs[0]), "-o", str(blocker / "r.html"), cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot write" in result.stderr
