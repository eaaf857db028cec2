"""Where a run's tasks spent their calls: parse fallbacks, runaway answers, outcomes, budgets.

Reads a run directory's `results.jsonl` (and `config.json` for `max_tokens`) and prints, per
stage, how many answers fell back in parsing (and why), ran on until `max_tokens`, gave no code
or repeated a program already tried; the outcomes against the hidden verdict; and a replay of
the traces under per-task call budgets: which solved tasks a budget of N calls would have kept
and what share of the run's time it would have taken (calls answered from the cache cost their
recorded seconds, near zero).

Usage: python benchmarks/trace_report.py RUN_DIR [--budgets 3,6,9,12,15,20]
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

# the sibling script's reader: finished samples, a torn last line skipped, the file left as it is
from local_quality import read_results

from codesim.errors import UsageError
from codesim.results_schema import read_json_object
from codesim.strategies.parsing import FALLBACK_TAG

TEST_STAGE = "visible_tests"
WORDING_READ = re.compile(r"'[^']*' read as '")  # "no VERDICT line; 'looks right' read as 'plan is correct'"


def fallback_kind(note: str) -> str | None:
    """The first clause of a step note's parse fallback ('no VERDICT line'), or None."""
    if FALLBACK_TAG not in note:
        return None
    return note.split(FALLBACK_TAG, 1)[1].split(";", 1)[0].strip()


def stage_counts(rows: list[dict], max_tokens: int) -> dict[str, collections.Counter]:
    """Per LLM stage: calls, fallbacks by kind, answers at `max_tokens`, no-code retries, repeats."""
    stages: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for row in rows:
        for step in row["trace"]:
            if step["stage"] == TEST_STAGE:
                continue
            counts, note = stages[step["stage"]], step.get("note") or ""
            counts["calls"] += 1
            counts["at max_tokens"] += step["completion_tokens"] >= max_tokens
            counts["no code, asked again"] += "no code in the answer" in note
            counts["program already tried"] += "already tried" in note
            kind = fallback_kind(note)
            if kind:
                counts[f"fallback: {kind}"] += 1
                counts["fallbacks with a wording read"] += bool(WORDING_READ.search(note))
    return stages


def replay_budget(rows: list[dict], max_calls: int) -> tuple[int, float]:
    """Tasks still solved (hidden tests) and seconds spent had each task stopped after
    `max_calls` LLM calls."""
    solved, seconds = 0, 0.0
    for row in rows:
        calls = 0
        for step in row["trace"]:
            if step["stage"] != TEST_STAGE:
                calls += 1
                if calls > max_calls:
                    break
            seconds += step["seconds"]
        solved += bool(row.get("passed")) and row["llm_calls"] <= max_calls
    return solved, seconds


def print_report(rows: list[dict], max_tokens: int, budgets: list[int]) -> None:
    """The whole report, section by section."""
    for stage, counts in stage_counts(rows, max_tokens).items():
        print(f"{stage}: " + ", ".join(f"{name} {n}" for name, n in counts.items() if n))
    outcomes = collections.Counter((row["outcome"], bool(row.get("passed"))) for row in rows)
    print("\noutcome (visible tests) -> hidden tests passed / tasks")
    for outcome in sorted({name for name, _ in outcomes}):
        print(f"  {outcome}: {outcomes[outcome, True]} / {outcomes[outcome, True] + outcomes[outcome, False]}")
    misled = [row["task_id"] for row in rows if row.get("visible_passed") and not row.get("passed")]
    print(f"visible tests passed, hidden failed: {len(misled)} {' '.join(misled)}")
    total = sum(row["seconds"] for row in rows) or 1.0
    print(f"\ncall budget replay ({sum(bool(r.get('passed')) for r in rows)} solved, {total:.0f} s in all)")
    for budget in budgets:
        solved, seconds = replay_budget(rows, budget)
        print(f"  {budget:>3} calls: {solved} solved, {seconds:.0f} s ({seconds / total:.0%} of the time)")


def main() -> int:
    """Print the report of one run directory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--budgets", default="3,6,9,12,15,20")
    args = parser.parse_args()
    if not (args.run_dir / "results.jsonl").is_file():
        print(f"trace_report: no results.jsonl in {args.run_dir}", file=sys.stderr)
        return 2
    try:
        config = read_json_object(args.run_dir / "config.json")
        rows = read_results(args.run_dir)
    except (OSError, UsageError) as err:
        print(f"trace_report: {err}", file=sys.stderr)
        return 2
    budgets = [int(b) for b in args.budgets.split(",") if b.strip()]
    print_report(rows, config["model"]["max_tokens"], budgets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
