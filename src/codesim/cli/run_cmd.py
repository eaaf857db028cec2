"""`codesim run`: a strategy over a benchmark.

Writes config.json, results.jsonl (one line per finished task sample; it is also a samples
file for `codesim evaluate`) and summary.json into --out. Running the same command again
resumes: finished samples are kept, the others are done. A sample whose provider failed for
good is written as an error line (`status: "error"`, not a pass) and redone on the next run.

Exit status: 0 every selected sample is done; 1 stopped after repeated provider errors;
3 stopped by --budget-tokens; 130 interrupted (Ctrl-C); 2 usage error. Every stop is resumable.
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from codesim import api
from codesim.benchmarks import DATASET_NAMES
from codesim.cli.model_options import add_model_options, model_config_from_args
from codesim.cli.parser import csv_list, positive_int
from codesim.cli.strategy_options import add_strategy_options, strategy_options_from_args
from codesim.runner.backends import BACKEND_NAMES
from codesim.runner.concurrency import DEFAULT_TASK_CONCURRENCY, SAMPLES_PER_CALL_SLOT
from codesim.runner.config import RunConfig
from codesim.runner.engine import StopReason
from codesim.runner.session import RunOutcome
from codesim.runner.summary import print_summary
from codesim.strategies.registry import get_spec, strategy_names

EXIT_CODES = {
    StopReason.COMPLETE: 0,
    StopReason.PROVIDER_ERRORS: 1,
    StopReason.BUDGET: 3,
    StopReason.INTERRUPTED: 130,
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `run` subcommand."""
    parser = subparsers.add_parser(
        "run",
        help="run a strategy over a benchmark",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", required=True, help=f"one of: {', '.join(DATASET_NAMES)}")
    parser.add_argument("--strategy", required=True, help=f"one of: {', '.join(strategy_names())}")
    parser.add_argument("--data-file", default=None, help="dataset file (default: the dataset's usual sources)")
    parser.add_argument(
        "--format", dest="data_format", default=None, help="row format of the data file (default: detected)"
    )
    parser.add_argument("--start-date", default=None, help="livecodebench: first contest day (YYYY-MM-DD)")
    parser.add_argument("--end-date", default=None, help="livecodebench: last contest day (YYYY-MM-DD)")
    parser.add_argument("--limit", type=positive_int, default=None, help="only the first N selected tasks")
    parser.add_argument("--task-ids", type=csv_list, default=None, help="only these tasks (comma-separated)")
    parser.add_argument("--samples", type=positive_int, default=1, help="independent samples per task (pass@k)")
    parser.add_argument(
        "--concurrency",
        type=positive_int,
        default=None,
        help=f"task samples in progress (default: {SAMPLES_PER_CALL_SLOT} x --llm-concurrency when that is given, "
        f"else {DEFAULT_TASK_CONCURRENCY})",
    )
    parser.add_argument("--language", default="python", help="solution language (stdin/stdout datasets only)")
    parser.add_argument(
        "--budget-tokens", type=positive_int, default=None, help="stop once this many new tokens are spent"
    )
    parser.add_argument(
        "--stop-after-errors", type=positive_int, default=3, help="stop after N samples in a row fail at the provider"
    )
    parser.add_argument("--out", default=None, help="run directory (default: runs/<dataset>-<strategy>-<model>)")
    parser.add_argument(
        "--backend",
        default="local",
        choices=BACKEND_NAMES,
        help="where samples are solved: this process (local, default) or a Ray cluster (ray; needs codesim[ray])",
    )
    parser.add_argument(
        "--ray-address",
        default=None,
        help="--backend ray: the cluster to join (e.g. auto, HOST:6379, ray://HOST:10001); default: "
        "$RAY_ADDRESS, else a new local Ray instance",
    )
    parser.add_argument(
        "--ray-workers",
        type=positive_int,
        default=None,
        help="--backend ray: sample workers (Ray actors) to start (default: one per node)",
    )
    add_strategy_options(parser)
    add_model_options(parser)
    parser.set_defaults(handler=handle)


def _closing_message(outcome: RunOutcome, config: RunConfig) -> str | None:
    wanted = outcome.summary["n_tasks_selected"] * config.samples
    done = f"{outcome.summary['n_samples']} of {wanted} samples are saved in {outcome.out_dir}"
    again = "run the same command again to"
    messages = {
        StopReason.INTERRUPTED: f"interrupted: {done}; {again} resume",
        StopReason.BUDGET: (
            f"stopped: the budget of {config.budget_tokens} new tokens is spent; {done}; {again} continue"
        ),
        StopReason.PROVIDER_ERRORS: (
            f"stopped: samples kept failing at the provider (last: {outcome.last_error}); {done}; "
            f"{again} retry the failed samples and continue"
        ),
    }
    if outcome.reason is StopReason.COMPLETE and outcome.summary.get("errors"):
        errors, last = outcome.summary["errors"], f" (last: {outcome.last_error})" if outcome.last_error else ""
        samples, them = ("samples", "them") if errors != 1 else ("sample", "it")
        return f"{errors} {samples} failed at the provider{last}; {again} retry {them}"
    return messages.get(outcome.reason)


def handle(args: argparse.Namespace) -> int:
    """Run (or resume) the benchmark run described by the flags."""
    spec = get_spec(args.strategy)
    model_config = model_config_from_args(args)
    if args.samples > 1 and model_config.temperature == 0:
        print(
            "codesim: note: --samples > 1 at temperature 0 draws near-identical samples; consider --temperature 0.8",
            file=sys.stderr,
        )
    result = api.run(
        args.dataset,
        spec.name,
        model_config,
        out=args.out,
        data_file=args.data_file,
        data_format=args.data_format,
        start_date=args.start_date,
        end_date=args.end_date,
        task_ids=args.task_ids,
        limit=args.limit,
        samples=args.samples,
        language=args.language,
        concurrency=args.concurrency,
        budget_tokens=args.budget_tokens,
        stop_after_errors=args.stop_after_errors,
        backend=args.backend,
        ray_address=args.ray_address,
        ray_workers=args.ray_workers,
        progress=True,
        **strategy_options_from_args(args, spec),
    )
    outcome, out_dir = result.outcome, result.out_dir
    if outcome.dropped_torn_line:
        print(
            f"codesim: note: dropped a torn last line of {out_dir}/results.jsonl (a killed run); redone",
            file=sys.stderr,
        )
    print_summary(outcome.summary, str(out_dir), Console())
    message = _closing_message(outcome, result.config)
    if message:
        print(f"codesim: {message}", file=sys.stderr)
    return EXIT_CODES[outcome.reason]
