"""Runtime and peak memory of solutions on the hidden tests: a results line's figures, per-task
medians over a run, and medians of repeated runs with their spread.

Only samples that pass the hidden tests count in per-task figures: a failing sample stops at its
first failing test, so its figures cover an arbitrary part of the tests.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codesim.execution import TestReport

CPU_FIELD = "hidden_cpu_s"
PEAK_FIELD = "hidden_peak_mb"


def megabytes(kilobytes: int | None) -> float | None:
    """kB -> MB (one decimal), None kept."""
    return None if kilobytes is None else round(kilobytes / 1024, 1)


def record_figures(report: TestReport) -> dict[str, float | None]:
    """The results-line fields of a hidden-test report: CPU seconds of the tests run and their
    highest peak resident memory in MB (None where the sandbox could not tell)."""
    cpu_s = report.cpu_s
    return {CPU_FIELD: None if cpu_s is None else round(cpu_s, 4), PEAK_FIELD: megabytes(report.peak_kb)}


@dataclass(frozen=True)
class Spread:
    """The median of some measurements with their minimum and maximum."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        """The spread of `values` (at least one)."""
        return cls(statistics.median(values), min(values), max(values))

    def ratio_to(self, reference: Spread) -> float | None:
        """median / the reference's median (None when the reference's is 0)."""
        return self.median / reference.median if reference.median > 0 else None

    def to_json(self, digits: int = 4) -> dict[str, float]:
        """`{"median", "min", "max"}`, rounded."""
        return {"median": round(self.median, digits), "min": round(self.low, digits), "max": round(self.high, digits)}


def task_figures(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """task_id -> `{"cpu_s", "peak_mb"}`: medians over the task's passing, measured samples
    (tasks without one are left out). Lines written before these fields existed have none."""
    cpus: dict[str, list[float]] = defaultdict(list)
    peaks: dict[str, list[float]] = defaultdict(list)
    for record in records:
        cpu_s, peak_mb = record.get(CPU_FIELD), record.get(PEAK_FIELD)
        if record.get("passed") and isinstance(cpu_s, (int, float)) and isinstance(peak_mb, (int, float)):
            cpus[str(record["task_id"])].append(float(cpu_s))
            peaks[str(record["task_id"])].append(float(peak_mb))
    return {
        task: {"cpu_s": round(statistics.median(cpus[task]), 4), "peak_mb": round(statistics.median(peaks[task]), 1)}
        for task in cpus
    }


def perf_summary(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """summary.json's `solution_perf`: per-task figures and their medians over tasks."""
    tasks = task_figures(records)
    cpu = [figures["cpu_s"] for figures in tasks.values()]
    peak = [figures["peak_mb"] for figures in tasks.values()]
    return {
        "n_tasks": len(tasks),
        "median_cpu_s": round(statistics.median(cpu), 4) if cpu else None,
        "median_peak_mb": round(statistics.median(peak), 1) if peak else None,
        "tasks": tasks,
    }
