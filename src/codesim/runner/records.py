"""The results.jsonl line of one task sample.

The final program is stored once per line, in `solution`: a trace step whose prompt or response
holds it (the coding answer it was extracted from, the visible-test step that ran it, a debugging
prompt) stores that text with each copy cut out and `<field>_solution_at`, the list of offsets
where they were. `with_solution_restored` gives readers the texts back exactly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codesim.results_schema import SCHEMA_VERSION, Outcome
from codesim.solution_perf import record_figures
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
        "schema_version": SCHEMA_VERSION,
        "task_id": task_id,
        "sample_index": sample_index,
        "status": hidden.verdict.value,
        "passed": hidden.passed,
        "visible_tests": n_visible,
        "visible_passed": result.visible_passed if n_visible else None,
        "solution": result.code,
        "outcome": result.outcome,
        **Outcome.of(result.outcome).to_json(),
        "distinct_codes": result.distinct_codes,
        "llm_calls": result.trace.llm_calls,
        "prompt_tokens": result.trace.prompt_tokens,
        "completion_tokens": result.trace.completion_tokens,
        "reasoning_tokens": sum(s.reasoning_tokens for s in steps),
        "cached_calls": sum(1 for s in steps if s.tests is None and s.cached),
        "new_prompt_tokens": sum(s.prompt_tokens for s in steps if not s.cached),
        "new_completion_tokens": sum(s.completion_tokens for s in steps if not s.cached),
        "estimated_tokens": sum(1 for s in steps if s.estimated_tokens),
        "parse_fallbacks": count_fallbacks(steps),
        "seconds": round(seconds, 3),
        "hidden_seconds": round(hidden_seconds, 3),
        "hidden_tests": _hidden_summary(hidden, n_hidden),
        **record_figures(hidden),
        "trace": [_solution_cut_out(step, result.code) for step in result.trace.to_list()],
    }


SOLUTION_FIELDS = ("prompt", "response")


def _solution_cut_out(step: dict[str, Any], solution: str) -> dict[str, Any]:
    """`step` with every copy of `solution` cut out of its prompt and response."""
    for name in SOLUTION_FIELDS:
        parts = step[name].split(solution) if solution else []
        if len(parts) > 1:
            step[name] = "".join(parts)
            offsets, at = [], 0
            for part in parts[:-1]:
                at += len(part)
                offsets.append(at)
            step[f"{name}_solution_at"] = offsets
    return step


def with_solution_restored(record: dict[str, Any]) -> dict[str, Any]:
    """A results line (read from disk) with the solution put back where its trace steps cut it out."""
    solution = record.get("solution") or ""
    trace = record.get("trace")
    if not isinstance(trace, list) or not isinstance(solution, str):
        return record
    steps = []
    for step in trace:
        if isinstance(step, dict):
            step = dict(step)
            for name in SOLUTION_FIELDS:
                offsets = step.pop(f"{name}_solution_at", None)
                text = step.get(name)
                if isinstance(offsets, list) and isinstance(text, str):
                    bounds = [0, *offsets, len(text)]
                    step[name] = solution.join(text[start:end] for start, end in zip(bounds, bounds[1:], strict=False))
        steps.append(step)
    return {**record, "trace": steps}


def error_record(task_id: str, sample_index: int, message: str, seconds: float, kind: str = "failed") -> dict[str, Any]:
    """The line of a sample whose model provider failed for good: not a pass, retried on resume.
    `kind` is the `ProviderError.kind` (`unreachable`, `rejected`, `failed`). Usage fields are
    absent (the strategy returned no trace); readers default them to 0."""
    return {
        "schema_version": SCHEMA_VERSION,
        "task_id": task_id,
        "sample_index": sample_index,
        "status": STATUS_ERROR,
        "error": message,
        "error_kind": kind,
        "passed": False,
        "visible_passed": None,
        "solution": "",
        "outcome": STATUS_ERROR,
        **Outcome.of(STATUS_ERROR).to_json(),
        "seconds": round(seconds, 3),
        "trace": [],
    }
