"""Report size: one page of inline SVG charts and lazily shown traces, no chart library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from codesim.report import write_report

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"


def run_of(tmp_path: Path, name: str, tasks: int) -> Path:
    """A run directory with the first `tasks` tasks of a committed run, cycled when it has fewer
    (task ids made unique)."""
    source = RESULTS / name
    lines = source.joinpath("results.jsonl").read_text(encoding="utf-8").splitlines()
    out = tmp_path / f"{name}-{tasks}"
    out.mkdir()
    shutil.copy(source / "config.json", out / "config.json")
    rows = []
    for number in range(tasks):
        row = json.loads(lines[number % len(lines)])
        rows.append({**row, "task_id": f"HumanEval/{number}"} if number >= len(lines) else row)
    (out / "results.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("runs", "limit_mb"),
    [
        ((("humaneval-codesim-qwen2.5-coder-0.5b", 10),), 1.0),  # CodeSIM's full traces of 10 tasks
        ((("humaneval-direct-qwen2.5-coder-0.5b", 10), ("humaneval-codesim-qwen2.5-coder-0.5b", 10)), 1.0),
        ((("humaneval-direct-qwen2.5-coder-0.5b", 500),), 5.0),
    ],
)
def test_report_size(tmp_path: Path, runs: tuple[tuple[str, int], ...], limit_mb: float) -> None:
    report = write_report([run_of(tmp_path, name, tasks) for name, tasks in runs], tmp_path / "report.html")
    size_mb = report.stat().st_size / 1e6
    print(f"{runs}: {size_mb:.2f} MB")
    assert size_mb <= limit_mb
