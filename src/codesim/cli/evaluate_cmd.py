"""`codesim evaluate`: score existing samples on a benchmark's tests."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from codesim import api
from codesim.benchmarks import DATASET_NAMES
from codesim.benchmarks.perf import DEFAULT_REPEATS
from codesim.cli.parser import csv_list, memory_mb, positive_float, positive_int
from codesim.cli.perf_table import print_perf_table
from codesim.errors import UsageError

SUITES = ("base", "plus")  # the summary's scores on the original tests and on base + plus tests


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `evaluate` subcommand."""
    parser = subparsers.add_parser("evaluate", help="evaluate a samples file", description=__doc__)
    parser.add_argument("--dataset", required=True, help=f"one of: {', '.join(DATASET_NAMES)}")
    parser.add_argument("--samples", required=True, help="samples JSONL (solution or completion per line)")
    parser.add_argument("--data-file", default=None, help="dataset file (JSONL/JSON, optionally .gz)")
    parser.add_argument("--format", dest="fmt", default=None, help="row format of --data-file (default: detected)")
    parser.add_argument("--start-date", default=None, help="livecodebench: keep contests on or after YYYY-MM-DD")
    parser.add_argument("--end-date", default=None, help="livecodebench: keep contests on or before YYYY-MM-DD")
    parser.add_argument("--k", default="1", help="comma-separated k values for pass@k")
    parser.add_argument("--tests", choices=("hidden", "visible"), default="hidden")
    parser.add_argument("--workers", type=positive_int, default=None, help="parallel sandbox workers (default: CPUs)")
    parser.add_argument(
        "--timeout",
        type=positive_float,
        default=None,
        metavar="S",
        help="seconds per test run (default: the dataset's)",
    )
    parser.add_argument(
        "--memory-mb",
        type=memory_mb,
        default=None,
        metavar="M",
        help="memory per test run in MB (default: the dataset's)",
    )
    parser.add_argument(
        "--out", default=None, help="per-sample verdicts JSONL (default: <samples>.eval.jsonl next to the samples)"
    )
    parser.add_argument(
        "--perf",
        action="store_true",
        help="also measure each passing sample's CPU time and peak memory on the hidden tests, "
        "and the dataset's reference solution's where it has one",
    )
    parser.add_argument(
        "--repeats",
        type=positive_int,
        default=DEFAULT_REPEATS,
        help=f"--perf: runs per program; medians with min-max (default: {DEFAULT_REPEATS})",
    )
    parser.set_defaults(handler=handle)


def parse_ks(text: str) -> list[int]:
    """`"1,10"` -> [1, 10]; UsageError on anything but positive whole numbers."""
    try:
        ks = sorted({int(item) for item in csv_list(text)})
    except ValueError:
        raise UsageError(f"--k expects comma-separated whole numbers, got {text!r}") from None
    if not ks or ks[0] < 1:
        raise UsageError(f"--k expects numbers >= 1, got {text!r}")
    return ks


def default_out_path(samples: Path, which: str) -> Path:
    """`dir/samples.jsonl` -> `dir/samples.eval.jsonl` (`samples.visible.eval.jsonl` for visible tests)."""
    stem = samples.name[: -len(".jsonl")] if samples.name.endswith(".jsonl") else samples.stem
    suffix = ".eval.jsonl" if which == "hidden" else ".visible.eval.jsonl"
    return samples.with_name(stem + suffix)


def rounded_scores(summary: dict[str, Any], digits: int = 4) -> dict[str, Any]:
    """`summary` with its pass@k values rounded (no `0.19999999999999996`), also those of its
    `base` and `plus` scores."""
    rounded = {}
    for key, value in summary.items():
        if key.startswith("pass@") and isinstance(value, float):
            value = round(value, digits)
        elif key in SUITES and isinstance(value, dict):
            value = rounded_scores(value, digits)
        rounded[key] = value
    return rounded


class _Ticker:
    """`evaluated N/M` on a terminal's stderr, updated after each sample."""

    def __init__(self) -> None:
        self.done = 0
        self.shown = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        self.done = done
        if self.shown:
            print(f"\revaluated {done}/{total}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.shown and self.done:
            print(file=sys.stderr)


def handle(args: argparse.Namespace) -> int:
    """Evaluate the samples, write per-sample verdicts, print notes on stderr and the summary JSON last."""
    ks = parse_ks(args.k)
    if args.perf and args.tests != "hidden":
        raise UsageError("--perf measures runs on the hidden tests; it cannot be combined with --tests visible")
    samples_path = Path(args.samples)
    out_path = Path(args.out) if args.out else default_out_path(samples_path, args.tests)
    ticker = _Ticker()
    try:
        evaluation = api.evaluate(
            samples_path,
            dataset=args.dataset,
            data_file=args.data_file,
            data_format=args.fmt,
            start_date=args.start_date,
            end_date=args.end_date,
            k=ks,
            tests=args.tests,
            workers=args.workers,
            timeout_s=args.timeout,
            memory_mb=args.memory_mb,
            out=out_path,
            on_done=ticker,
            perf_repeats=args.repeats if args.perf else None,
        )
    finally:
        ticker.close()
    if evaluation.perfs is not None:
        print_perf_table(evaluation.perfs, evaluation.summary["perf"])
    _print_notes(evaluation.summary)
    print(json.dumps(rounded_scores(evaluation.summary)))
    return 0


def _print_notes(summary: dict[str, Any]) -> None:
    """Human-readable notes on stderr: unknown ids, tasks without samples, k values that cannot be computed."""
    unknown = summary["unknown_task_ids"]
    if unknown:
        print(f"codesim: {len(unknown)} task id(s) not in {summary['dataset']}: {_first(unknown)}", file=sys.stderr)
    missing = summary["n_tasks_without_samples"]
    if missing:
        print(
            f"codesim: {missing} of {summary['n_dataset_tasks']} tasks have no samples; pass@k is the mean over "
            f"the {summary['n_tasks']} tasks with samples",
            file=sys.stderr,
        )
    for key, tasks in summary.get("tasks_short_of_k", {}).items():
        print(f"codesim: {key} not computed: {len(tasks)} task(s) have fewer samples: {_first(tasks)}", file=sys.stderr)
    if "base" in summary:
        scores = rounded_scores(summary)
        shown = "; ".join(
            f"{suite} tests: " + ", ".join(f"{key} {value}" for key, value in scores[suite].items() if "@" in key)
            for suite in SUITES
        )
        print(f"codesim: {summary['dataset']}: {shown} (plus = base and extra tests)", file=sys.stderr)


def _first(items: list[str], shown: int = 10) -> str:
    head = ", ".join(items[:shown])
    return head + (f", ... ({len(items) - shown} more)" if len(items) > shown else "")
