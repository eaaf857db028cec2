"""benchmarks/trace_report.py on a hand-made run directory: its counts and budget replay."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "trace_report.py"


def step(stage: str, seconds: float, completion_tokens: int = 10, note: str = "") -> dict:
    return {"stage": stage, "seconds": seconds, "completion_tokens": completion_tokens, "note": note}


def write_run(directory: Path) -> Path:
    solved_late = {  # 5 calls, solved by the second plan
        "task_id": "T/0",
        "passed": True,
        "visible_passed": True,
        "outcome": "plan_2",
        "llm_calls": 5,
        "seconds": 50.0,
        "trace": [
            step("planning", 10),
            step("simulation", 10, note="fallback: no VERDICT line; 'fine' read as 'plan is correct'"),
            step("coding", 10),
            step("visible_tests", 1),
            step(
                "debugging",
                10,
                completion_tokens=64,
                note="fallback: no ERROR SOURCE line; same as code #1, already tried: failed round, debugging stopped",
            ),
            step("coding", 8),
            step("visible_tests", 1),
        ],
    }
    misled = {  # 3 calls, visible tests passed, hidden failed
        "task_id": "T/1",
        "passed": False,
        "visible_passed": True,
        "outcome": "first_code",
        "llm_calls": 3,
        "seconds": 20.0,
        "trace": [
            step("planning", 5),
            step(
                "simulation",
                5,
                note="fallback: no VERDICT line and no wording of success or mismatch; read as 'plan is correct'",
            ),
            step("coding", 9),
            step("visible_tests", 1),
        ],
    }
    directory.mkdir()
    (directory / "config.json").write_text(json.dumps({"model": {"max_tokens": 64}}))
    (directory / "results.jsonl").write_text(
        "".join(json.dumps(row) + "\n" for row in (solved_late, misled)) + '{"torn'
    )
    return directory


def run_report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], check=False, capture_output=True, text=True, timeout=60)


def test_counts_outcomes_and_budget_replay(tmp_path: Path) -> None:
    report = run_report(str(write_run(tmp_path / "run")), "--budgets", "3,4,5")
    assert report.returncode == 0, report.stderr
    lines = report.stdout.splitlines()
    assert (
        "simulation: calls 2, fallback: no VERDICT line 1, fallbacks with a wording read 1, "
        "fallback: no VERDICT line and no wording of success or mismatch 1" in lines
    )
    assert "debugging: calls 1, at max_tokens 1, program already tried 1, fallback: no ERROR SOURCE line 1" in lines
    assert "  plan_2: 1 / 1" in lines and "  first_code: 0 / 1" in lines
    assert "visible tests passed, hidden failed: 1 T/1" in lines
    # 3 calls: T/0 stops before its debugging call (31 s), T/1 runs whole (20 s); only 5 calls keep T/0 solved
    assert "    3 calls: 0 solved, 51 s (73% of the time)" in lines
    assert "    5 calls: 1 solved, 70 s (100% of the time)" in lines


def test_missing_results_is_one_line_error(tmp_path: Path) -> None:
    report = run_report(str(tmp_path))
    assert report.returncode == 2
    assert report.stderr.strip() == f"trace_report: no results.jsonl in {tmp_path}"
