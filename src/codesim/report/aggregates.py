"""Per-run numbers for the overview: pass@k with its interval, usage, outcomes, run-vs-run differences."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from codesim.pricing import cost_usd
from codesim.report.loading import RunData
from codesim.solution_perf import task_figures

Z_95 = 1.959963984540054
_PASS_KEY = re.compile(r"^pass@(\d+)$")


def wilson_interval(successes: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion `successes / n` (95% by default)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def task_pass_counts(records: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """task_id -> (samples, passed samples)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record in records:
        entry = counts[record["task_id"]]
        entry[0] += 1
        entry[1] += record["passed"]
    return {task: (n, c) for task, (n, c) in counts.items()}


def task_verdict(records: list[dict[str, Any]]) -> str:
    """`passed` (every sample), `partial`, `error` (none passed, a provider error) or `failed`."""
    passed = sum(r["passed"] for r in records)
    if records and passed == len(records):
        return "passed"
    if passed:
        return "partial"
    return "error" if any(r.get("status") == "error" for r in records) else "failed"


def outcome_bucket(record: dict[str, Any]) -> tuple[tuple[int, int], str]:
    """(sort key, label) grouping a results line's outcome fields (`outcome_kind`, `plan`,
    `debug_round`) for the chart."""
    kind, plan, debug = record.get("outcome_kind"), record.get("plan") or 0, record.get("debug_round") or 0
    if kind == "solved" and plan == 1:
        return ((1, debug), f"debug round {debug}") if debug else ((0, 0), "first code")
    if kind == "solved" and plan > 1:
        return (2, plan), f"re-plan: plan {plan}"
    fixed = {"unsolved": (3, "unsolved"), "no_code": (4, "no code"), "error": (5, "provider error")}
    if kind in fixed:
        rank, label = fixed[kind]
        return (rank, 0), label
    return (6, 0), str(record.get("outcome") or "") or "(not recorded)"


@dataclass
class RunStats:
    """What the overview shows of one run."""

    run: RunData
    n_tasks: int
    n_samples: int
    pass_at: dict[str, float | None]
    pass1_interval: tuple[float, float] | None  # None when pass@1 is
    llm_calls: int
    prompt_tokens: int
    completion_tokens: int
    estimated_calls: int  # LLM calls whose token counts were estimated (the provider reported none)
    seconds: float
    wall_seconds: float | None  # from summary.json; None for runs written before it was recorded
    errors: int
    calls_per_sample: list[int]
    outcomes: dict[str, tuple[int, int]] = field(default_factory=dict)  # label -> (samples, hidden-passed)
    # Per solved task: the final code's CPU seconds and peak MB on the hidden tests (none for old runs).
    solution_figures: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def solved(self) -> float:
        """Expected number of tasks solved by one sample (pass@1 x tasks)."""
        return (self.pass_at.get("pass@1") or 0.0) * self.n_tasks

    @property
    def tokens_per_solved(self) -> float | None:
        """All tokens of the run divided by the tasks it solved; None when it solved none."""
        return (self.prompt_tokens + self.completion_tokens) / self.solved if self.solved else None

    @property
    def cost(self) -> float | None:
        """Estimated USD at list prices of all tokens, None when the model's price is unknown."""
        return cost_usd(self.run.model, self.prompt_tokens, self.completion_tokens)

    @property
    def codesim_family(self) -> bool:
        """Whether the run plans/debugs (its outcomes go beyond first code / unsolved)."""
        multi_step = any(label.startswith(("debug round", "re-plan")) for label in self.outcomes)
        return multi_step or self.run.strategy.startswith("codesim")


def _pass_at(run: RunData, counts: dict[str, tuple[int, int]]) -> dict[str, float | None]:
    """pass@1 from the results lines (mean over tasks of the passing fraction; None while a
    sample failed at the provider), other k from summary.json."""
    scores: dict[str, float | None] = {
        key: value for key, value in run.summary.items() if _PASS_KEY.match(key) and key != "pass@1"
    }
    unjudged = any(r.get("status") == "error" for r in run.records)  # as summary.json: not scored
    scores["pass@1"] = sum(c / n for n, c in counts.values()) / len(counts) if counts and not unjudged else None
    return dict(sorted(scores.items(), key=lambda item: int(item[0].split("@")[1])))


def _outcomes(records: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    buckets: dict[str, list[int]] = {}
    keys: dict[str, tuple[int, int]] = {}
    for record in records:
        key, label = outcome_bucket(record)
        keys[label] = key
        entry = buckets.setdefault(label, [0, 0])
        entry[0] += 1
        entry[1] += record["passed"]
    return {label: (buckets[label][0], buckets[label][1]) for label in sorted(buckets, key=keys.__getitem__)}


def _number_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def run_stats(run: RunData) -> RunStats:
    """The overview numbers of `run`, computed from its results lines."""
    records = run.records
    counts = task_pass_counts(records)
    pass_at = _pass_at(run, counts)
    return RunStats(
        run=run,
        n_tasks=len(counts),
        n_samples=len(records),
        pass_at=pass_at,
        pass1_interval=None
        if pass_at["pass@1"] is None
        else wilson_interval(pass_at["pass@1"] * len(counts), len(counts)),
        llm_calls=sum(int(r["llm_calls"]) for r in records),
        prompt_tokens=sum(int(r["prompt_tokens"]) for r in records),
        completion_tokens=sum(int(r["completion_tokens"]) for r in records),
        estimated_calls=sum(int(r["estimated_tokens"]) for r in records),
        seconds=sum(float(r["seconds"]) for r in records),
        wall_seconds=_number_or_none(run.summary.get("wall_seconds")),
        errors=sum(1 for r in records if r.get("status") == "error"),
        calls_per_sample=[int(r["llm_calls"]) for r in records],
        outcomes=_outcomes(records),
        solution_figures=task_figures(records),
    )


@dataclass
class Comparison:
    """Which tasks two runs of one dataset solved (a task is solved when any of its samples passed)."""

    dataset: str
    a: RunData
    b: RunData
    both: list[str]
    only_a: list[str]
    only_b: list[str]
    neither: list[str]


def _solved_tasks(run: RunData) -> dict[str, bool]:
    return {task: c > 0 for task, (_, c) in task_pass_counts(run.records).items()}


def comparisons(runs: list[RunData]) -> list[Comparison]:
    """For every pair of runs on the same dataset: tasks solved by both, by one only, by neither
    (over the tasks both runs have)."""
    result = []
    for a, b in combinations(runs, 2):
        if a.dataset != b.dataset:
            continue
        solved_a, solved_b = _solved_tasks(a), _solved_tasks(b)
        common = sorted(set(solved_a) & set(solved_b), key=natural_key)
        result.append(
            Comparison(
                dataset=a.dataset,
                a=a,
                b=b,
                both=[t for t in common if solved_a[t] and solved_b[t]],
                only_a=[t for t in common if solved_a[t] and not solved_b[t]],
                only_b=[t for t in common if solved_b[t] and not solved_a[t]],
                neither=[t for t in common if not solved_a[t] and not solved_b[t]],
            )
        )
    return result


def natural_key(text: str) -> list[Any]:
    """Sort key putting `HumanEval/2` before `HumanEval/10`."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)]
