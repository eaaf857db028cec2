"""`codesim evaluate`: score existing samples on a benchmark's tests."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from codesim.atomic import write_jsonl_atomically
from codesim.benchmarks import DATASET_NAMES, data_directories, load_problems
from codesim.benchmarks.evaluation import SampleVerdict, evaluate_samples, summarize
from codesim.benchmarks.perf import DEFAULT_REPEATS, SamplePerf, measure_samples, perf_summary
from codesim.cli.parser import csv_list, positive_int
from codesim.cli.perf_table import print_perf_table
from codesim.errors import UsageError
from codesim.samples import read_samples


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
    parser.add_argument("--out", default=None, help="per-sample verdicts JSONL (default: next to the samples)")
    parser.add_argument("--perf", action="store_true",
                        help="also measure each passing sample's CPU time and peak memory on the hidden tests, "
                        "and the dataset's reference solution's where it has one")
    parser.add_argument("--repeats", type=positive_int, default=DEFAULT_REPEATS,
                        help=f"--perf: runs per program; medians with min-max (default: {DEFAULT_REPEATS})")
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
    """`dir/samples.jsonl` -> `dir/samples_results.jsonl` (`_visible_results` for visible tests)."""
    stem = samples.name[: -len(".jsonl")] if samples.name.endswith(".jsonl") else samples.stem
    suffix = "_results.jsonl" if which == "hidden" else "_visible_results.jsonl"
    return samples.with_name(stem + suffix)


async def _run(
    problems, samples, which: str, workers: int | None, perf_repeats: int | None = None
) -> tuple[list[SampleVerdict], list[SamplePerf | None] | None]:
    """The samples' verdicts and, when `perf_repeats` is given, the measurements of those that pass."""
    from codesim.execution import Sandbox  # the sandbox starts worker processes; import only when evaluating

    sandbox = Sandbox(workers=workers, hide_paths=data_directories(list(problems.values())))
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if sys.stderr.isatty():
            print(f"\revaluated {done}/{len(samples)}", end="", file=sys.stderr, flush=True)

    try:
        concurrency = 2 * (workers or os.cpu_count() or 1)
        verdicts = await evaluate_samples(problems, samples, sandbox, which=which, concurrency=concurrency, on_done=tick)
        if perf_repeats is None:
            return verdicts, None
        done = 0
        return verdicts, await measure_samples(
            problems, verdicts, sandbox, repeats=perf_repeats, concurrency=concurrency, on_done=tick
        )
    finally:
        await sandbox.aclose()
        if sys.stderr.isatty():
            print(file=sys.stderr)


def handle(args: argparse.Namespace) -> int:
    """Evaluate the samples, write per-sample verdicts, print notes on stderr and the summary JSON last."""
    ks = parse_ks(args.k)
    if args.perf and args.tests != "hidden":
        raise UsageError("--perf measures runs on the hidden tests; it cannot be combined with --tests visible")
    samples_path = Path(args.samples)
    samples = read_samples(samples_path)
    problems = {
        p.task_id: p
        for p in load_problems(
            args.dataset, args.data_file, fmt=args.fmt, start_date=args.start_date, end_date=args.end_date
        )
    }
    verdicts, perfs = asyncio.run(
        _run(problems, samples, args.tests, args.workers, args.repeats if args.perf else None)
    )
    out_path = Path(args.out) if args.out else default_out_path(samples_path, args.tests)
    rows = [v.output_row() for v in verdicts]
    for row, perf in zip(rows, perfs or ()):
        row["perf"] = perf.to_json() if perf else None
    write_jsonl_atomically(out_path, rows)
    summary = summarize(args.dataset, problems, verdicts, ks, args.tests)
    summary["out"] = str(out_path)
    if perfs is not None:
        summary["perf"] = perf_summary(perfs, args.repeats)
        print_perf_table(perfs, summary["perf"])
    _print_notes(summary)
    print(json.dumps(summary))
    return 0


def _print_notes(summary: dict[str, Any]) -> None:
    """Human-readable notes on stderr: unknown ids, tasks without samples, k values that cannot be computed."""
    unknown = summary["unknown_task_ids"]
    if unknown:
        print(f"codesim: {len(unknown)} task id(s) not in {summary['dataset']}: {_first(unknown)}", file=sys.stderr)
    missing = summary["tasks_without_samples"]
    if missing:
        print(f"codesim: {len(missing)} task(s) have no samples and are not scored: {_first(missing)}", file=sys.stderr)
    for key, tasks in summary.get("tasks_short_of_k", {}).items():
        print(f"codesim: {key} not computed: {len(tasks)} task(s) have fewer samples: {_first(tasks)}", file=sys.stderr)


def _first(items: list[str], shown: int = 10) -> str:
    head = ", ".join(items[:shown])
    return head + (f", ... ({len(items) - shown} more)" if len(items) > shown else "")
