"""The results.jsonl line of one task sample."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codesim.strategies.base import StrategyResult
from codesim.strategies.parsing import count_fallbacks

if TYPE_CHECKING:
    from codesim.execution import TestReport

STATUS_ERROR = "error"


def _hidden_summary(report: TestReport, n_tests: int) -> dict[str, Any]:
    passed = sum(1 for result in report.results if result.verdict.value == "passed")
    failing = next((r for r in report.results if r.verdict.value != "passed"), None)
    summary: dict[str, Any] = {"n_tests": n_tests, "n_run": len(report.results), "n_passed": passed}
    if failing is not None:
        summary["first_failure"] = {"verdict": failing.verdict.value, "error": failing.error[-500:]}
    return summary


def solved_record(
    task_id: str,
    sample_index: int,
    result: StrategyResult,
    hidden: TestReport,
    n_hidden: int,
    seconds: float,
    hidden_seconds: float,
    n_visible: int,
) -> dict[str, Any]:
    """The line of a sample the strategy finished; `passed` is the verdict of the HIDDEN tests.
    `visible_passed` is null for a task without visible tests (`visible_tests: 0`): there was
    nothing to pass."""
    steps = result.trace.steps
    return {
        "task_id": task_id,
        "sample_index": sample_index,
        "status": hidden.verdict.value,
        "passed": hidden.passed,
        "visible_tests": n_visible,
        "visible_passed": result.visible_passed if n_visible else None,
        "solution": result.code,
        "outcome": result.outcome,
        "distinct_codes": result.distinct_codes,
        "llm_calls": result.trace.llm_calls,
        "prompt_tokens": result.trace.prompt_tokens,
        "completion_tokens": result.trace.completion_tokens,
        "reasoning_tokens": sum(s.reasoning_tokens for s in steps),
        "cached_calls": sum(1 for s in steps if s.tests is None and s.cached),
        "new_prompt_tokens": sum(s.prompt_tokens for s in steps if not s.cached),
        "new_completion_tokens": sum(s.completion_tokens for s in steps if not s.cached),
        "parse_fallbacks": count_fallbacks(steps),
        "seconds": round(seconds, 3),
        "hidden_seconds": round(hidden_seconds, 3),
        "hidden_tests": _hidden_summary(hidden, n_hidden),
        "trace": result.trace.to_list(),
    }


def error_record(
    task_id: str, sample_index: int, message: str, seconds: float, kind: str = "failed"
) -> dict[str, Any]:
    """The line of a sample whose model provider failed for good: not a pass, retried on resume.
    `kind` is the `ProviderError.kind` (`unreachable`, `rejected`, `failed`). Usage fields are
    absent (the strategy returned no trace); readers default them to 0."""
    return {
        "task_id": task_id,
        "sample_index": sample_index,
        "status": STATUS_ERROR,
        "error": message,
        "error_kind": kind,
        "passed": False,
        "visible_passed": None,
        "solution": "",
        "outcome": STATUS_ERROR,
        "seconds": round(seconds, 3),
        "trace": [],
    }
