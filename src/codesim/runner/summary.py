"""summary.json of a run, and the human summary printed at its end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

from codesim.metrics import pass_at_ks
from codesim.runner.config import RunConfig
from codesim.runner.records import STATUS_ERROR
from codesim.solution_perf import perf_summary

K_VALUES = (1, 2, 5, 10, 20, 50, 100)
_TOTALS = (
    "llm_calls",
    "cached_calls",
    "prompt_tokens",
    "completion_tokens",
    "new_prompt_tokens",
    "new_completion_tokens",
    "parse_fallbacks",
)


def _scores(records: Iterable[dict[str, Any]], samples_per_task: int) -> dict[str, float | None]:
    """pass@k on the hidden-test verdicts, for each k up to the samples asked per task (None
    while some task has fewer than k finished samples)."""
    counts: dict[str, tuple[int, int]] = {}
    for record in records:
        n, c = counts.get(str(record["task_id"]), (0, 0))
        counts[str(record["task_id"])] = (n + 1, c + bool(record["passed"]))
    return pass_at_ks(counts, [k for k in K_VALUES if k <= samples_per_task])


def build_summary(
    config: RunConfig, records: list[dict[str, Any]], n_selected: int, stopped: str, wall_seconds: float = 0.0
) -> dict[str, Any]:
    """The summary of the selected task samples finished so far (`records`); `wall_seconds` is
    the wall time of every invocation of the run so far."""
    totals = {name: sum(int(r.get(name, 0)) for r in records) for name in _TOTALS}
    totals["cached_prompt_tokens"] = totals["prompt_tokens"] - totals["new_prompt_tokens"]
    totals["cached_completion_tokens"] = totals["completion_tokens"] - totals["new_completion_tokens"]
    n_tasks = len({str(r["task_id"]) for r in records})
    return {
        "dataset": config.dataset,
        "strategy": config.strategy,
        "model": config.model_name,
        "provider": config.provider,
        "language": config.language,
        "n_tasks": n_tasks,
        "n_tasks_selected": n_selected,
        "samples_per_task": config.samples,
        "n_samples": len(records),
        "complete": len(records) == n_selected * config.samples,
        "stopped": stopped,
        **_scores(records, config.samples),
        "passed": sum(1 for r in records if r["passed"]),
        "visible_pass_rate": sum(1 for r in records if r["visible_passed"]) / len(records) if records else None,
        "errors": sum(1 for r in records if r["status"] == STATUS_ERROR),
        **totals,
        "seconds": round(sum(float(r.get("seconds", 0.0)) for r in records), 3),
        "wall_seconds": round(wall_seconds, 3),
        "hidden_seconds": round(sum(float(r.get("hidden_seconds", 0.0)) for r in records), 3),
        "outcomes": dict(Counter(str(r.get("outcome", "")) for r in records).most_common()),
        "statuses": dict(Counter(str(r["status"]) for r in records).most_common()),
        "solution_perf": perf_summary(records),
    }


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def print_summary(summary: dict[str, Any], out_dir: str, console: Console) -> None:
    """A short table of the summary's main numbers."""
    table = Table(title=f"{summary['dataset']} · {summary['strategy']} · {summary['model']}", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    done = f"{summary['n_samples']} of {summary['n_tasks_selected'] * summary['samples_per_task']}"
    table.add_row("samples", f"{done} ({summary['n_tasks']} tasks)")
    for key, value in summary.items():
        if key.startswith("pass@"):
            table.add_row(key, _percent(value))
    table.add_row("visible tests passed", _percent(summary["visible_pass_rate"]))
    table.add_row("LLM calls", f"{summary['llm_calls']} ({summary['cached_calls']} from cache)")
    new = summary["new_prompt_tokens"] + summary["new_completion_tokens"]
    cached = summary["cached_prompt_tokens"] + summary["cached_completion_tokens"]
    table.add_row(
        "tokens",
        f"{summary['prompt_tokens']} prompt + {summary['completion_tokens']} completion; {new} new, {cached} cached",
    )
    table.add_row("seconds (sum over samples)", f"{summary['seconds']:.1f}")
    table.add_row("wall time (all invocations)", f"{summary.get('wall_seconds', 0.0):.1f} s")
    table.add_row("parse fallbacks", str(summary["parse_fallbacks"]))
    table.add_row("outcomes", ", ".join(f"{k or '-'}: {v}" for k, v in summary["outcomes"].items()) or "-")
    if summary["errors"]:
        table.add_row("provider errors", str(summary["errors"]))
    table.add_row("written to", out_dir)
    console.print(table)
