"""summary.json of a run, and the human summary printed at its end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

from codesim.metrics import pass_at_ks
from codesim.pricing import PRICES_AS_OF, cost_usd
from codesim.results_schema import SCHEMA_VERSION, USAGE_COUNTS
from codesim.runner.config import RunConfig
from codesim.runner.records import STATUS_ERROR
from codesim.solution_perf import perf_summary

K_VALUES = (1, 2, 5, 10, 20, 50, 100)


def _scores(records: list[dict[str, Any]], samples_per_task: int) -> dict[str, float | None]:
    """pass@k on the hidden-test verdicts, for each k up to the samples asked per task (None
    while some task has fewer than k finished samples, and while any sample failed at the
    provider: such a sample was never judged, so counting it as a failure would understate)."""
    ks = [k for k in K_VALUES if k <= samples_per_task]
    if any(r["status"] == STATUS_ERROR for r in records):
        return {f"pass@{k}": None for k in ks}
    counts: dict[str, tuple[int, int]] = {}
    for record in records:
        n, c = counts.get(str(record["task_id"]), (0, 0))
        counts[str(record["task_id"])] = (n + 1, c + bool(record["passed"]))
    return pass_at_ks(counts, ks)


def _visible_pass_rate(records: Iterable[dict[str, Any]]) -> float | None:
    """The share of samples passing their visible tests, over the samples that had some
    (`visible_passed` is null for a task without visible tests)."""
    verdicts = [r["visible_passed"] for r in records if r.get("visible_passed") is not None]
    return sum(1 for v in verdicts if v) / len(verdicts) if verdicts else None


def build_summary(
    config: RunConfig, records: list[dict[str, Any]], n_selected: int, stopped: str, wall_seconds: float = 0.0
) -> dict[str, Any]:
    """The summary of the selected task samples finished so far (`records`); `wall_seconds` is
    the wall time of every invocation of the run so far."""
    totals = {name: sum(int(r.get(name, 0)) for r in records) for name in USAGE_COUNTS}
    totals["cached_prompt_tokens"] = totals["prompt_tokens"] - totals["new_prompt_tokens"]
    totals["cached_completion_tokens"] = totals["completion_tokens"] - totals["new_completion_tokens"]
    n_tasks = len({str(r["task_id"]) for r in records})
    errors = sum(1 for r in records if r["status"] == STATUS_ERROR)
    return {
        "schema_version": SCHEMA_VERSION,
        "dataset": config.dataset,
        "strategy": config.strategy,
        "model": config.model_name,
        "provider": config.provider,
        "language": config.language,
        "n_tasks": n_tasks,
        "n_tasks_selected": n_selected,
        "samples_per_task": config.samples,
        "n_samples": len(records),
        "complete": len(records) == n_selected * config.samples and not errors,
        "stopped": stopped,
        **_scores(records, config.samples),
        "passed": sum(1 for r in records if r["passed"]),
        "visible_pass_rate": _visible_pass_rate(records),
        "without_visible_tests": sum(1 for r in records if r.get("visible_tests") == 0),
        "errors": errors,
        **totals,
        **_costs(config.model_name, totals),
        "seconds": round(sum(float(r.get("seconds", 0.0)) for r in records), 3),
        "wall_seconds": round(wall_seconds, 3),
        "hidden_seconds": round(sum(float(r.get("hidden_seconds", 0.0)) for r in records), 3),
        "outcomes": dict(Counter(str(r.get("outcome", "")) for r in records).most_common()),
        "statuses": dict(Counter(str(r["status"]) for r in records).most_common()),
        "solution_perf": perf_summary(records),
    }


def _costs(model: str, totals: dict[str, int]) -> dict[str, Any]:
    """Estimated USD at list prices: `cost_usd` of every token (what the samples cost without the
    cache), `new_cost_usd` of this run's new calls; None for a model without a list price."""
    every = cost_usd(model, totals["prompt_tokens"], totals["completion_tokens"])
    new = cost_usd(model, totals["new_prompt_tokens"], totals["new_completion_tokens"])
    return {
        "cost_usd": None if every is None else round(every, 6),
        "new_cost_usd": None if new is None else round(new, 6),
        "prices_as_of": PRICES_AS_OF if every is not None else None,
    }


def _dollars(value: float | None) -> str:
    return "unknown (no list price for this model)" if value is None else f"${value:.4f}"


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
    if summary.get("estimated_tokens"):
        table.add_row(
            "estimated tokens",
            f"{summary['estimated_tokens']} LLM calls counted by estimate (the provider reported none)",
        )
    if summary.get("reasoning_tokens"):
        table.add_row("reasoning tokens", f"{summary['reasoning_tokens']} (part of the completion tokens)")
    cost = summary.get("cost_usd")
    table.add_row(
        "cost at list prices",
        _dollars(cost)
        + (
            f"; new calls {_dollars(summary['new_cost_usd'])} (prices of {summary['prices_as_of']})"
            if cost is not None
            else ""
        ),
    )
    table.add_row("seconds (sum over samples)", f"{summary['seconds']:.1f}")
    table.add_row("wall time (all invocations)", f"{summary.get('wall_seconds', 0.0):.1f} s")
    table.add_row("parse fallbacks", str(summary["parse_fallbacks"]))
    table.add_row("outcomes", ", ".join(f"{k or '-'}: {v}" for k, v in summary["outcomes"].items()) or "-")
    if summary["errors"]:
        table.add_row("provider errors", str(summary["errors"]))
    table.add_row("written to", out_dir)
    console.print(table)


def print_comparison(rows: list[tuple[RunConfig, str, dict[str, Any]]], console: Console) -> None:
    """One line per run of a multi-model/multi-strategy command, and the report command for all."""
    table = Table(title="comparison")
    for name in ("strategy", "model", "pass@1", "samples", "LLM calls", "tokens", "cost", "stopped", "run directory"):
        table.add_column(
            name, justify="right" if name in ("pass@1", "samples", "LLM calls", "tokens", "cost") else "left"
        )
    for config, out_dir, summary in rows:
        cost = summary.get("cost_usd")
        table.add_row(
            config.strategy,
            config.model_name,
            _percent(summary.get("pass@1")),
            f"{summary['n_samples'] - summary['errors']} of "
            f"{summary['n_tasks_selected'] * summary['samples_per_task']}",
            str(summary["llm_calls"]),
            str(summary["prompt_tokens"] + summary["completion_tokens"]),
            "-" if cost is None else f"${cost:.4f}",
            summary["stopped"],
            out_dir,
        )
    console.print(table)
    if rows:
        console.print(
            "all runs in one report: codesim report " + " ".join(out_dir for _, out_dir, _ in rows) + " -o report.html"
        )
