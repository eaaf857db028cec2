"""Runtime and peak memory of passing samples on the hidden tests, over repeated runs, side by
side with the dataset's reference solution (where it has one) on the same tests."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codesim.benchmarks.evaluation import SampleVerdict, tests_for
from codesim.problems import Problem
from codesim.solution_perf import Spread, megabytes

DEFAULT_REPEATS = 5


def reference_program(problem: Problem) -> str | None:
    """The dataset's own solution of `problem` as a program: HumanEval's `canonical_solution`
    (appended to the starter code, like a completion) or MBPP's `code`; None when it has none."""
    canonical = problem.metadata.get("canonical_solution")
    if canonical:
        return problem.public.starter_code + canonical
    return problem.metadata.get("reference_code") or None


@dataclass(frozen=True)
class Measurement:
    """One program's CPU seconds and peak resident memory (MB) on the hidden tests, over repeated runs."""

    cpu_s: Spread
    peak_mb: Spread

    def to_json(self) -> dict[str, Any]:
        """`{"cpu_s": {...}, "peak_mb": {...}}`, each a median with its min and max."""
        return {"cpu_s": self.cpu_s.to_json(6), "peak_mb": self.peak_mb.to_json(1)}


@dataclass(frozen=True)
class SamplePerf:
    """A passing sample's measurement and its reference's (None: no reference, or it failed)."""

    task_id: str
    solution: Measurement
    reference: Measurement | None

    @property
    def cpu_ratio(self) -> float | None:
        """The sample's median CPU seconds over the reference's."""
        return self.solution.cpu_s.ratio_to(self.reference.cpu_s) if self.reference else None

    @property
    def peak_ratio(self) -> float | None:
        """The sample's median peak memory over the reference's."""
        return self.solution.peak_mb.ratio_to(self.reference.peak_mb) if self.reference else None

    def to_json(self) -> dict[str, Any]:
        """The `perf` field of the sample's output line."""
        return {
            **self.solution.to_json(),
            "reference": self.reference.to_json() if self.reference else None,
            "cpu_ratio": _rounded(self.cpu_ratio),
            "peak_ratio": _rounded(self.peak_ratio),
        }


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


async def _measure(
    sandbox: Any, problem: Problem, programs: Sequence[tuple[str, str | None]], repeats: int
) -> list[Measurement | None]:
    """Each of `programs` (code, language or None for the problem's) run `repeats` times on the
    hidden tests, interleaved (so that load changes hit all alike); None for a program that
    failed a run or could not be measured."""
    cpus: list[list[float]] = [[] for _ in programs]
    peaks: list[list[float]] = [[] for _ in programs]
    failed = [False for _ in programs]
    for _ in range(repeats):
        for index, (code, language) in enumerate(programs):
            if failed[index]:
                continue
            report = await sandbox.run_problem_tests(
                problem.public, code, tests_for(problem, "hidden"), language=language, stop_at_first_failure=True
            )
            cpu_s, peak_mb = report.cpu_s, megabytes(report.peak_kb)
            if not report.passed or cpu_s is None or peak_mb is None:
                failed[index] = True
                continue
            cpus[index].append(cpu_s)
            peaks[index].append(peak_mb)
    return [None if failed[i] else Measurement(Spread.of(cpus[i]), Spread.of(peaks[i])) for i in range(len(programs))]


async def measure_samples(
    problems: Mapping[str, Problem],
    verdicts: Sequence[SampleVerdict],
    sandbox: Any,
    *,
    repeats: int = DEFAULT_REPEATS,
    concurrency: int = 4,
    on_done: Callable[[], None] | None = None,
) -> list[SamplePerf | None]:
    """One entry per verdict (in order): the measurement of each sample that passed the hidden
    tests (None for the others, and for one that fails a repeated run)."""
    gate = asyncio.Semaphore(concurrency)

    async def measure(verdict: SampleVerdict) -> SamplePerf | None:
        problem = problems.get(verdict.sample.task_id)
        if not verdict.passed or problem is None:
            return None
        language = verdict.sample.fields.get("language") or None
        programs = [(verdict.sample.program(problem.public), language)]
        reference = reference_program(problem)
        if reference is not None and language in (None, problem.public.language):
            programs.append((reference, None))
        async with gate:
            measured = await _measure(sandbox, problem, programs, repeats)
        if on_done:
            on_done()
        if measured[0] is None:
            return None
        return SamplePerf(problem.task_id, measured[0], measured[1] if len(measured) > 1 else None)

    return list(await asyncio.gather(*(measure(verdict) for verdict in verdicts)))


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def perf_summary(perfs: Sequence[SamplePerf | None], repeats: int) -> dict[str, Any]:
    """The summary's `perf` object: medians over measured samples of their median figures and
    of their ratios to the reference (with the ratios' min and max)."""
    measured = [perf for perf in perfs if perf is not None]
    cpu_ratios = [perf.cpu_ratio for perf in measured if perf.cpu_ratio is not None]
    peak_ratios = [perf.peak_ratio for perf in measured if perf.peak_ratio is not None]
    return {
        "repeats": repeats,
        "n_measured": len(measured),
        "median_cpu_s": _rounded(_median([perf.solution.cpu_s.median for perf in measured]), 6),
        "median_peak_mb": _rounded(_median([perf.solution.peak_mb.median for perf in measured]), 1),
        "n_with_reference": len(cpu_ratios),
        "cpu_ratio": Spread.of(cpu_ratios).to_json(3) if cpu_ratios else None,
        "peak_ratio": Spread.of(peak_ratios).to_json(3) if peak_ratios else None,
    }
