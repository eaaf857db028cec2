"""Small run directories true to the runner's formats (config.json, results.jsonl, summary.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
HUMANEVAL_FILE = SHARED_DATA / "humaneval" / "HumanEval.jsonl"
HOSTILE = "<script>alert('x')</script> & </pre>"  # must be shown as text, never run


def llm_step(stage: str, response: str, *, plan: int = 1, debug: int = 0, seconds: float = 1.5) -> dict[str, Any]:
    """A TraceStep dict of an LLM call."""
    return {
        "stage": stage,
        "prompt": f"[system]\nYou are a {stage} agent.\n\n[user]\nSolve it. {HOSTILE}",
        "response": response,
        "prompt_tokens": 400,
        "completion_tokens": 120,
        "seconds": seconds,
        "cached": False,
        "attempt": {"plan": plan, **({"debug": debug} if debug else {})},
        "tests": None,
        "note": "",
    }


def visible_tests_step(code: str, passed: bool, *, plan: int = 1, debug: int = 0) -> dict[str, Any]:
    """A TraceStep dict of a visible-test run, with expected vs actual."""
    verdict = "passed" if passed else "failed"
    return {
        "stage": "visible_tests",
        "prompt": code,
        "response": f"test 1: {verdict}",
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "seconds": 0.25,
        "cached": False,
        "attempt": {"plan": plan, "debug": debug},
        "tests": [
            {
                "input": "assert add(1, 2) == 3",
                "expected": 3,
                "actual": "3" if passed else "-1",
                "verdict": verdict,
                "error": "" if passed else "AssertionError: add(1, 2) returned -1, expected 3",
            }
        ],
        "note": f"code #1: {verdict} ({int(passed)}/1 tests passed)",
    }


GOOD = "def add(a, b):\n    return a + b\n"
BAD = "def add(a, b):\n    return a - b\n"


def codesim_records() -> list[dict[str, Any]]:
    """Five CodeSIM samples with the outcome vocabulary, plus one provider-error line."""
    plan = llm_step("planning", "1. add the numbers")
    sim = llm_step("simulation", "Simulation: plan works")
    code_good, code_bad = llm_step("coding", f"```python\n{GOOD}```"), llm_step("coding", f"```python\n{BAD}```")
    debug = llm_step("debugging", f"```python\n{GOOD}```", debug=1)
    specs = [
        ("HumanEval/0", "first_code", True, [plan, sim, code_good, visible_tests_step(GOOD, True)]),
        (
            "HumanEval/1",
            "debug_round_1",
            True,
            [plan, sim, code_bad, visible_tests_step(BAD, False), debug, visible_tests_step(GOOD, True, debug=1)],
        ),
        (
            "HumanEval/2",
            "plan_2_debug_1",
            False,
            [
                plan,
                code_bad,
                visible_tests_step(BAD, False),
                llm_step("planning", "plan 2", plan=2),
                debug,
                visible_tests_step(GOOD, True, plan=2, debug=1),
            ],
        ),
        ("HumanEval/10", "unsolved", False, [plan, code_bad, visible_tests_step(BAD, False)]),
        ("HumanEval/3", "no_code", False, [plan, llm_step("coding", "I cannot write code.")]),
    ]
    records = [result_line(task, outcome, passed, trace) for task, outcome, passed, trace in specs]
    records.append(
        {
            "task_id": "HumanEval/4",
            "sample_index": 0,
            "status": "error",
            "error": "provider failed: HTTP 503",
            "passed": False,
            "visible_passed": False,
            "solution": "",
            "outcome": "error",
            "seconds": 2.0,
            "trace": [],
        }
    )
    return records


def direct_records() -> list[dict[str, Any]]:
    """A single-shot baseline on the same tasks (solves HumanEval/0 and /2, not /1)."""
    lines = []
    for task, passed in (("HumanEval/0", True), ("HumanEval/1", False), ("HumanEval/2", True), ("HumanEval/10", False)):
        trace = [llm_step("coding", f"```python\n{GOOD if passed else BAD}```")]
        lines.append(result_line(task, "first_code" if passed else "unsolved", passed, trace))
    return lines


def result_line(task_id: str, outcome: str, passed: bool, trace: list[dict[str, Any]]) -> dict[str, Any]:
    """A results.jsonl line as the runner writes it."""
    llm = [s for s in trace if s["tests"] is None]
    code = GOOD if outcome.startswith(("first", "debug", "plan")) else BAD
    return {
        "task_id": task_id,
        "sample_index": 0,
        "status": "passed" if passed else "failed",
        "passed": passed,
        "visible_passed": outcome not in ("unsolved", "no_code"),
        "solution": code,
        "outcome": outcome,
        "distinct_codes": 1,
        "llm_calls": len(llm),
        "prompt_tokens": sum(s["prompt_tokens"] for s in llm),
        "completion_tokens": sum(s["completion_tokens"] for s in llm),
        "cached_calls": 0,
        "seconds": sum(s["seconds"] for s in trace),
        "hidden_seconds": 0.3,
        "hidden_cpu_s": 0.002 * (1 + len(trace)),
        "hidden_peak_mb": 14.0 + len(trace),
        "hidden_tests": {
            "n_tests": 1,
            "n_run": 1,
            "n_passed": int(passed),
            **({} if passed else {"first_failure": {"verdict": "failed", "error": "AssertionError"}}),
        },
        "trace": trace,
    }


def write_run(
    directory: Path, strategy: str, model: str, records: list[dict[str, Any]], *, summary: bool = True
) -> Path:
    """A run directory with config.json, results.jsonl and (optionally) summary.json."""
    directory.mkdir(parents=True)
    config = {
        "dataset": "humaneval",
        "strategy": strategy,
        "strategy_options": {},
        "language": "python",
        "model": {"provider": "openai", "model": model, "base_url": "http://127.0.0.1:1/v1"},
        "data_file": str(HUMANEVAL_FILE),
        "samples": 1,
    }
    (directory / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with open(directory / "results.jsonl", "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    if summary:
        data = {
            "dataset": "humaneval",
            "strategy": strategy,
            "model": model,
            "provider": "openai",
            "n_tasks": len(records),
            "n_samples": len(records),
            "pass@1": 0.123,
            "wall_seconds": 42.5,
        }
        (directory / "summary.json").write_text(json.dumps(data), encoding="utf-8")
    return directory
