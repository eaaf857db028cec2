"""Scoring existing samples on a benchmark's tests in the sandbox, and the summary with pass@k.

Where a dataset extends an original benchmark's tests (`Problem.n_base_tests`: EvalPlus, -ET),
one run of the hidden tests, base tests first, gives both verdicts: base and base + plus."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codesim.benchmarks.samples import Sample
from codesim.execution.verdicts import TestReport, Verdict
from codesim.metrics import pass_at_ks, tasks_short_of
from codesim.problems import Problem, TestCase

UNKNOWN_TASK = "unknown_task"
NO_TESTS = "no_tests"


@dataclass(frozen=True)
class SampleVerdict:
    """The outcome of one sample: pass/fail and the sandbox verdict (or `unknown_task` / `no_tests`);
    `base_passed` and `base_status` on the original benchmark's tests where the task has them."""

    sample: Sample
    passed: bool
    status: str
    base_passed: bool | None = None
    base_status: str | None = None

    def output_row(self) -> dict[str, Any]:
        """The sample line's own fields plus `passed` and `status` (and `base_passed`, `base_status`)."""
        row = {**self.sample.fields, "passed": self.passed, "status": self.status}
        if self.base_status is not None:
            row.update(base_passed=self.base_passed, base_status=self.base_status)
        return row

    @property
    def passed_base(self) -> bool:
        """The verdict on the base tests: `passed` where the task's hidden tests are one suite."""
        return self.passed if self.base_passed is None else self.base_passed


def judged(sample: Sample, report: TestReport, n_base_tests: int | None) -> SampleVerdict:
    """The verdict of a run of the hidden tests stopped at its first failure, with the verdict
    on the first `n_base_tests` of them when given."""
    if n_base_tests is None:
        return SampleVerdict(sample, report.passed, report.verdict.value)
    ran = report.results[:n_base_tests]
    base = TestReport.from_results(ran).verdict if ran else report.verdict
    return SampleVerdict(sample, report.passed, report.verdict.value, base is Verdict.PASSED, base.value)


def with_limits(problem: Problem, timeout_s: float | None, memory_mb: int | None) -> Problem:
    """`problem` with the limits of each of its test runs replaced where given."""
    changes: dict[str, Any] = {}
    if timeout_s is not None:
        changes["time_limit_s"] = timeout_s
    if memory_mb is not None:
        changes["memory_mb"] = memory_mb
    return dataclasses.replace(problem, public=dataclasses.replace(problem.public, **changes)) if changes else problem


def tests_for(problem: Problem, which: str) -> Sequence[TestCase]:
    """The hidden tests, or the visible ones when `which == "visible"`."""
    return problem.public.visible_tests if which == "visible" else problem.hidden_tests


async def evaluate_samples(
    problems: Mapping[str, Problem],
    samples: Sequence[Sample],
    sandbox: Any,
    *,
    which: str = "hidden",
    concurrency: int = 4,
    on_done: Callable[[], None] | None = None,
) -> list[SampleVerdict]:
    """Run every sample on its task's tests (at most `concurrency` at once); verdicts in input order."""
    gate = asyncio.Semaphore(concurrency)

    async def judge(sample: Sample) -> SampleVerdict:
        problem = problems.get(sample.task_id)
        if problem is None:
            verdict = SampleVerdict(sample, False, UNKNOWN_TASK)
        elif not tests_for(problem, which):
            verdict = SampleVerdict(sample, False, NO_TESTS)
        else:
            async with gate:
                report = await sandbox.run_problem_tests(
                    problem.public,
                    sample.program(problem.public),
                    tests_for(problem, which),
                    language=sample.fields.get("language") or None,
                    stop_at_first_failure=True,
                )
            verdict = judged(sample, report, problem.n_base_tests if which == "hidden" else None)
        if on_done:
            on_done()
        return verdict

    return list(await asyncio.gather(*(judge(sample) for sample in samples)))


def summarize(
    dataset: str,
    problems: Mapping[str, Problem],
    verdicts: Sequence[SampleVerdict],
    ks: Sequence[int],
    which: str,
) -> dict[str, Any]:
    """The summary object: counts, pass@k for each k (None, with the reason, where some task lacks
    samples), averaged over the tasks that have samples; tasks without any are counted."""
    counts = _task_counts(verdicts, lambda verdict: verdict.passed)
    summary: dict[str, Any] = {
        "dataset": dataset,
        "tests": which,
        "n_tasks": len(counts),
        "n_samples": sum(n for n, _ in counts.values()),
        "n_passed": sum(c for _, c in counts.values()),
        **pass_at_ks(counts, ks),
    }
    short = {f"pass@{k}": tasks_short_of(counts, k) for k in ks if tasks_short_of(counts, k)}
    if short:
        summary["tasks_short_of_k"] = short
    summary["statuses"] = dict(Counter(v.status for v in verdicts))
    unknown = sorted({v.sample.task_id for v in verdicts if v.status == UNKNOWN_TASK})
    summary["unknown_task_ids"] = unknown
    summary["n_dataset_tasks"] = len(problems)
    summary["n_tasks_without_samples"] = sum(1 for task in problems if task not in counts)
    summary["scored_over"] = "tasks with samples"  # pass@k is the mean over n_tasks, not n_dataset_tasks
    if which == "hidden" and any(problem.n_base_tests is not None for problem in problems.values()):
        summary["base"] = _suite_scores(verdicts, ks, lambda verdict: verdict.passed_base)
        summary["plus"] = _suite_scores(verdicts, ks, lambda verdict: verdict.passed)
    return summary


def _suite_scores(
    verdicts: Sequence[SampleVerdict], ks: Sequence[int], passed: Callable[[SampleVerdict], bool]
) -> dict[str, Any]:
    """`n_passed` and pass@k of the samples of known tasks, by the verdict `passed` picks."""
    counts = _task_counts(verdicts, passed)
    return {"n_passed": sum(c for _, c in counts.values()), **pass_at_ks(counts, ks)}


def _task_counts(
    verdicts: Sequence[SampleVerdict], passed: Callable[[SampleVerdict], bool]
) -> dict[str, tuple[int, int]]:
    """Task id -> (samples, samples `passed` accepts), over the samples of known tasks."""
    counts: dict[str, tuple[int, int]] = {}
    for verdict in verdicts:
        if verdict.status != UNKNOWN_TASK:
            n, c = counts.get(verdict.sample.task_id, (0, 0))
            counts[verdict.sample.task_id] = (n + 1, c + int(passed(verdict)))
    return counts
