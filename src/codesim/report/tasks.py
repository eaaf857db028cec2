"""Per-task views: each task's statement, and per run and sample its final code, verdict and trace."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from codesim.report.aggregates import natural_key, task_verdict
from codesim.report.highlight import highlight_code
from codesim.report.loading import RunData


def as_text(value: Any) -> str:
    """A test field (text or plain data) as display text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


@dataclass
class StepView:
    """One trace step: an LLM call (prompt, response) or a visible-test run (tests)."""

    number: int
    stage: str
    attempt: str
    prompt: str
    response: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    cached: bool
    note: str
    tests: list[dict[str, str]] | None
    offset_pct: float
    width_pct: float
    tests_final_code: bool = False  # a test step whose code is the sample's final code (shown once, above)


@dataclass
class SampleView:
    """One task sample of one run."""

    run: str
    sample_index: int
    passed: bool
    status: str
    visible_passed: bool | None  # None: the task has no visible tests
    outcome: str
    code: Markup
    llm_calls: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    hidden: dict[str, Any]
    error: str
    steps: list[StepView]


@dataclass
class TaskView:
    """One task (of one dataset) across every run that has it."""

    dom_id: str
    dataset: str
    task_id: str
    statement: str
    verdicts: dict[str, str | None]  # run label -> task verdict (None: the run lacks the task)
    stages: list[str]
    samples: list[SampleView] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        """Whether the runs that have this task disagree on it."""
        return len({v for v in self.verdicts.values() if v is not None}) > 1


_TEST_FIELDS = ("input", "expected", "actual", "verdict", "error")


def _tests(value: Any) -> list[dict[str, str]] | None:
    """A test step's per-test verdicts as display text; None for an LLM step."""
    if not isinstance(value, list):
        return None
    return [{name: as_text(test.get(name)) for name in _TEST_FIELDS} for test in value if isinstance(test, dict)]


def _steps(trace: list[dict[str, Any]], final_code: str) -> list[StepView]:
    total = sum(float(step.get("seconds") or 0.0) for step in trace) or 1.0
    views, elapsed = [], 0.0
    for number, step in enumerate(trace, start=1):
        seconds = float(step.get("seconds") or 0.0)
        attempt = step.get("attempt") or {}
        views.append(
            StepView(
                number=number,
                stage=str(step.get("stage") or "?"),
                attempt=", ".join(f"{k} {v}" for k, v in attempt.items())
                if isinstance(attempt, dict)
                else str(attempt),
                prompt=str(step.get("prompt") or ""),
                response=str(step.get("response") or ""),
                prompt_tokens=int(step.get("prompt_tokens") or 0),
                completion_tokens=int(step.get("completion_tokens") or 0),
                seconds=seconds,
                cached=bool(step.get("cached")),
                note=str(step.get("note") or ""),
                tests=_tests(step.get("tests")),
                offset_pct=100 * elapsed / total,
                width_pct=100 * seconds / total,
                tests_final_code=step.get("tests") is not None
                and final_code != ""
                and step.get("prompt") == final_code,
            )
        )
        elapsed += seconds
    return views


def _sample(run: RunData, record: dict[str, Any], language: str) -> SampleView:
    hidden = record.get("hidden_tests")
    return SampleView(
        run=f"{run.key} {run.label}",
        sample_index=record["sample_index"],
        passed=record["passed"],
        status=str(record.get("status") or ""),
        visible_passed=record["visible_passed"],
        outcome=str(record.get("outcome") or ""),
        code=highlight_code(str(record.get("solution") or ""), language),
        llm_calls=int(record["llm_calls"]),
        prompt_tokens=int(record["prompt_tokens"]),
        completion_tokens=int(record["completion_tokens"]),
        seconds=float(record["seconds"]),
        hidden=hidden if isinstance(hidden, dict) else {},
        error=str(record.get("error") or ""),
        steps=_steps(record["trace"], str(record.get("solution") or "")),
    )


def task_views(runs: list[RunData], statements: dict[str, dict[str, str]]) -> list[TaskView]:
    """Every (dataset, task) of `runs`, in dataset then natural task-id order.
    `statements` maps dataset -> task_id -> statement."""
    grouped: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    for run in runs:
        for record in run.records:
            grouped[(run.dataset, record["task_id"])].setdefault(run.label, []).append(record)
    views = []
    ordered = sorted(grouped, key=lambda key: (key[0], natural_key(key[1])))
    for number, (dataset, task_id) in enumerate(ordered):
        by_run = grouped[(dataset, task_id)]
        samples = [
            _sample(run, record, str(run.config.get("language") or "python"))
            for run in runs
            for record in sorted(by_run.get(run.label, []), key=lambda r: r["sample_index"])
        ]
        views.append(
            TaskView(
                dom_id=f"task-{number}",
                dataset=dataset,
                task_id=task_id,
                statement=statements.get(dataset, {}).get(task_id, ""),
                verdicts={
                    run.label: task_verdict(by_run[run.label]) if run.label in by_run else None
                    for run in runs
                    if run.dataset == dataset
                },
                stages=sorted({step.stage for sample in samples for step in sample.steps}),
                samples=samples,
            )
        )
    return views
