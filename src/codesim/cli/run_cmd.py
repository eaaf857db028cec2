"""`codesim run`: a strategy over a benchmark.

Writes config.json, results.jsonl (one line per finished task sample; it is also a samples
file for `codesim evaluate`) and summary.json into --out. Running the same command again
resumes: finished samples are kept, the others are done. A sample whose provider failed for
good is written as an error line (`status: "error"`, not a pass) and redone on the next run.

Exit status (every stop is resumable):
  0    every selected sample is done and judged
  1    samples failed at the provider (pass@k is null until they are redone), or a file of
       the run could not be written
  2    usage error, provider unreachable, or a request the provider refused as invalid
  3    stopped by --budget-tokens
  130  interrupted (Ctrl-C)
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from codesim import api
from codesim.benchmarks import DATASET_NAMES
from codesim.cli.flags import error_line
from codesim.cli.model_options import add_model_options, model_config_from_args
from codesim.cli.parser import csv_list, positive_int
from codesim.cli.run_file import argv_with_config
from codesim.cli.run_messages import closing_message, print_estimate
from codesim.cli.strategy_options import add_strategy_options, strategy_options_from_args
from codesim.errors import UsageError
from codesim.llm.factory import ModelConfig, chat_params, resolve_model_name
from codesim.runner.backends import BACKEND_NAMES
from codesim.runner.concurrency import DEFAULT_TASK_CONCURRENCY, SAMPLES_PER_CALL_SLOT
from codesim.runner.config import default_out_dir
from codesim.runner.dry_run import estimate
from codesim.runner.engine import StopReason
from codesim.runner.progress import ProgressBoard
from codesim.runner.session import RunOutcome
from codesim.runner.summary import print_comparison, print_summary
from codesim.strategies.registry import get_spec, strategy_names

EXIT_CODES = {
    StopReason.COMPLETE: 0,
    StopReason.PROVIDER_ERRORS: 1,
    StopReason.PROVIDER_UNREACHABLE: 2,
    StopReason.PROVIDER_REJECTED: 2,
    StopReason.BUDGET: 3,
    StopReason.INTERRUPTED: 130,
}
FAILED_SAMPLES_EXIT = 1  # a run that ended with samples that failed at the provider


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `run` subcommand."""
    parser = subparsers.add_parser(
        "run",
        help="run a strategy over a benchmark",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", help=f"one of: {', '.join(DATASET_NAMES)} (required, here or in --config)")
    parser.add_argument(
        "--strategy",
        help=f"one of: {', '.join(strategy_names())}; several, comma-separated, run one after the other "
        "(with several --model names too: every strategy x model), with one progress display and a comparison "
        "table at the end (required, here or in --config)",
    )
    parser.add_argument(
        "--config",
        default=None,
        metavar="FILE.toml",
        help="a TOML file of this command's flags (dataset, strategy, model, ...; lists for several); "
        "flags given here win over the file's",
    )
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
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the tasks, model calls and tokens the run would need (best and worst case) and their cost at "
        "list prices, without calling a model or writing anything",
    )
    add_strategy_options(parser)
    add_model_options(parser)
    parser.set_defaults(handler=handle, expand_argv=functools.partial(argv_with_config, parser))


def exit_status(outcome: RunOutcome) -> int:
    """The exit status of a finished invocation (see the module docstring)."""
    if outcome.reason is StopReason.COMPLETE and outcome.summary.get("errors"):
        return FAILED_SAMPLES_EXIT
    return EXIT_CODES[outcome.reason]


@dataclass(frozen=True)
class RunPlan:
    """One run of a (possibly multi-model, multi-strategy) command: which strategy, model and directory."""

    strategy: str
    model_config: ModelConfig
    out: Path | None


def _plans(args: argparse.Namespace) -> list[RunPlan]:
    """One plan per strategy x model named by `--strategy a,b` and `--model m,n` (every name is
    checked before any run starts). Several runs go to `--out DIR/<dataset>-<strategy>-<model>`."""
    base = model_config_from_args(args)
    models: list[str | None] = [*csv_list(args.model)] if args.model else [None]
    names = [get_spec(name).name for name in csv_list(args.strategy)]
    if not names:
        raise UsageError(f"--strategy {args.strategy!r} names no strategy")
    several = len(names) * len(models) > 1
    plans = []
    for name in names:
        for model in models:
            model_config = dataclasses.replace(base, model=model)
            out = Path(args.out) if args.out else None
            if several and out is not None:
                out = out / default_out_dir(args.dataset, name, resolve_model_name(model_config)).name
            plans.append(RunPlan(name, model_config, out))
    return plans


def _problem_selection(args: argparse.Namespace) -> dict[str, Any]:
    """The flags that choose the problems of `args.dataset`, as the keywords of `api.run` and
    `api.load_problems` (one list: a dry run estimates the problems the run would load)."""
    return {
        "data_file": args.data_file,
        "data_format": args.data_format,
        "start_date": args.start_date,
        "end_date": args.end_date,
        "task_ids": args.task_ids,
        "limit": args.limit,
        "language": args.language,
    }


def _dry_run(plan: RunPlan, args: argparse.Namespace) -> None:
    """Print the estimate of one plan; no model is built, nothing is written."""
    spec = get_spec(plan.strategy)
    strategy = spec.create(**strategy_options_from_args(args, spec))
    problems = api.load_problems(args.dataset, **_problem_selection(args))
    found = estimate(strategy, [p.public for p in problems], chat_params(plan.model_config), args.samples)
    print_estimate(found, args.dataset, strategy.name, plan.model_config.provider)


def _run_plan(plan: RunPlan, args: argparse.Namespace, board: ProgressBoard | None = None) -> api.RunSummary:
    """Run one plan and print its closing line, and its summary unless it is a row of `board`
    (one of several runs: their comparison table follows)."""
    spec = get_spec(plan.strategy)
    result = api.run(
        args.dataset,
        spec.name,
        plan.model_config,
        out=plan.out,
        samples=args.samples,
        concurrency=args.concurrency,
        budget_tokens=args.budget_tokens,
        stop_after_errors=args.stop_after_errors,
        backend=args.backend,
        ray_address=args.ray_address,
        ray_workers=args.ray_workers,
        progress=board or True,
        **_problem_selection(args),
        **strategy_options_from_args(args, spec),
    )
    outcome, out_dir = result.outcome, result.out_dir
    if outcome.dropped_torn_line:
        print(
            f"codesim: note: dropped a torn last line of {out_dir}/results.jsonl (a killed run); redone",
            file=sys.stderr,
        )
    if board is None:
        print_summary(outcome.summary, str(out_dir), Console())
    message = closing_message(outcome, result.config)
    if message:
        print(f"codesim: {message}", file=sys.stderr)
    return result


def handle(args: argparse.Namespace) -> int:
    """Run (or resume) the benchmark run(s) described by the flags: one per strategy x model."""
    for setting in ("dataset", "strategy"):
        if not getattr(args, setting):
            raise UsageError(f"--{setting} is required (on the command line or in the --config file)")
    plans = _plans(args)
    if args.dry_run:
        for plan in plans:
            _dry_run(plan, args)
        return 0
    if args.samples > 1 and plans[0].model_config.temperature == 0:
        print(
            "codesim: note: --samples > 1 at temperature 0 draws near-identical samples; consider --temperature 0.8",
            file=sys.stderr,
        )
    if len(plans) == 1:
        return exit_status(_run_plan(plans[0], args).outcome)
    rows, statuses = [], []
    with ProgressBoard() as board:
        for number, plan in enumerate(plans, start=1):
            model = resolve_model_name(plan.model_config)
            print(f"codesim: run {number} of {len(plans)}: {plan.strategy} on {model}", file=sys.stderr)
            try:
                result = _run_plan(plan, args, board)
            except UsageError as err:  # e.g. one provider's key or client missing: the other runs still go
                print(error_line(err), file=sys.stderr)
                statuses.append(UsageError.exit_code)
                continue
            statuses.append(exit_status(result.outcome))
            rows.append((result.config, str(result.out_dir), result.summary))
            if result.outcome.reason is StopReason.INTERRUPTED:
                break
    print_comparison(rows, Console())
    return next((status for status in statuses if status), 0)  # the first failure's status
