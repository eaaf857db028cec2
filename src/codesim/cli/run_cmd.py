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
import asyncio
import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from codesim.benchmarks import DATASET_NAMES, data_directories, load_problems
from codesim.cli.model_options import add_model_options, model_config_from_args
from codesim.cli.parser import csv_list, positive_int
from codesim.errors import UsageError
from codesim.execution import normalize_language
from codesim.llm.factory import DEFAULT_CONCURRENCY, DEFAULT_REMOTE_CONCURRENCY, ModelConfig, chat_params
from codesim.cli.run_messages import closing_message, print_estimate
from codesim.problems import Problem
from codesim.runner.backends import BACKEND_NAMES, BackendOptions, open_backend
from codesim.runner.config import RunConfig, default_out_dir, model_section
from codesim.runner.dry_run import estimate
from codesim.runner.engine import StopReason
from codesim.runner.selection import in_language, select_problems
from codesim.runner.session import RunOutcome, execute_backend_run, open_run_directory
from codesim.runner.strategy_flags import add_strategy_options, strategy_options_from_args
from codesim.runner.summary import print_comparison, print_summary
from codesim.strategies.base import Strategy
from codesim.strategies.registry import get_spec, strategy_names

# Task samples in progress without --concurrency: the default, or this many per call slot when
# --llm-concurrency is given (3 per slot: 1.14x the ideal wall time with zero overhead on
# benchmarks/orchestration.py's mix, against 1.32x with 1; more gains nothing there).
DEFAULT_TASK_CONCURRENCY = 4
SAMPLES_PER_CALL_SLOT = 3

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
    parser.add_argument("--dataset", required=True, help=f"one of: {', '.join(DATASET_NAMES)}")
    parser.add_argument(
        "--strategy",
        required=True,
        help=f"one of: {', '.join(strategy_names())}; several, comma-separated, run one after the other "
        "(with several --model names too: every strategy x model), with a comparison table at the end",
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
    parser.set_defaults(handler=handle)


def _run_config(
    args: argparse.Namespace, strategy: Strategy, model_config: ModelConfig, language: str, concurrency: int
) -> RunConfig:
    return RunConfig(
        dataset=args.dataset,
        strategy=strategy.name,
        strategy_options=strategy.options.as_dict(),  # type: ignore[attr-defined]
        model=model_section(model_config),
        data_file=str(Path(args.data_file).expanduser().resolve()) if args.data_file else None,
        data_format=args.data_format,
        start_date=args.start_date,
        end_date=args.end_date,
        language=language,
        limit=args.limit,
        task_ids=args.task_ids,
        samples=args.samples,
        concurrency=concurrency,
        budget_tokens=args.budget_tokens,
    )


def task_concurrency(concurrency: int | None, llm_concurrency: int | None) -> int:
    """Task samples in progress: --concurrency; else, given --llm-concurrency C, enough samples
    that C call slots never wait for a sample's sandbox work (the slots go to the samples with
    the fewest calls so far, see `codesim.llm.limits`); else the default."""
    if concurrency is not None:
        return concurrency
    if llm_concurrency is not None:
        return SAMPLES_PER_CALL_SLOT * llm_concurrency
    return DEFAULT_TASK_CONCURRENCY


def _with_llm_concurrency(model_config: ModelConfig, concurrency: int) -> ModelConfig:
    """Without --llm-concurrency, a remote provider gets at least --concurrency calls in flight
    (its default cap would otherwise throttle a wider run); a provider with its own fixed
    default (local: one call at a time) keeps it."""
    if model_config.max_concurrency is not None or model_config.provider in DEFAULT_CONCURRENCY:
        return model_config
    return dataclasses.replace(model_config, max_concurrency=max(DEFAULT_REMOTE_CONCURRENCY, concurrency))


async def _execute(
    out_dir: Path,
    config: RunConfig,
    problems: list[Problem],
    strategy: Strategy,
    model_config: ModelConfig,
    args: argparse.Namespace,
) -> RunOutcome:
    options = BackendOptions(
        config.concurrency, args.ray_address, args.ray_workers, hide_paths=tuple(data_directories(problems))
    )
    # The backend (its model: provider, key, client) first, so that a missing key or client is
    # reported before the run directory is created or changed.
    async with open_backend(args.backend, strategy, model_config, options) as backend:
        with open_run_directory(out_dir, config) as run_dir:
            return await execute_backend_run(
                run_dir, config, problems, backend, stop_after_errors=args.stop_after_errors
            )


def exit_status(outcome: RunOutcome) -> int:
    """The exit status of a finished invocation (see the module docstring)."""
    if outcome.reason is StopReason.COMPLETE and outcome.summary.get("errors"):
        return FAILED_SAMPLES_EXIT
    return EXIT_CODES[outcome.reason]


@dataclass(frozen=True)
class RunPlan:
    """One run of a (possibly multi-model, multi-strategy) command: what and where."""

    strategy: Strategy
    model_config: ModelConfig
    config: RunConfig
    out_dir: Path


def _plans(args: argparse.Namespace, language: str, concurrency: int) -> list[RunPlan]:
    """One plan per strategy x model named by `--strategy a,b` and `--model m,n` (every name is
    checked before any run starts). Several runs go to `--out DIR/<dataset>-<strategy>-<model>`."""
    base = _with_llm_concurrency(model_config_from_args(args), concurrency)
    models: list[str | None] = csv_list(args.model) if args.model else [None]
    specs = [get_spec(name) for name in csv_list(args.strategy)]
    if not specs:
        raise UsageError(f"--strategy {args.strategy!r} names no strategy")
    several = len(specs) * len(models) > 1
    plans = []
    for spec in specs:
        strategy = spec.create(**strategy_options_from_args(args, spec))
        for model in models:
            model_config = dataclasses.replace(base, model=model)
            config = _run_config(args, strategy, model_config, language, concurrency)
            default = default_out_dir(config.dataset, config.strategy, config.model_name)
            out_dir = (Path(args.out) / default.name if several else Path(args.out)) if args.out else default
            plans.append(RunPlan(strategy, model_config, config, out_dir))
    return plans


def _run_plan(plan: RunPlan, problems: list[Problem], args: argparse.Namespace) -> RunOutcome:
    """Run one plan and print its summary and closing line."""
    outcome = asyncio.run(_execute(plan.out_dir, plan.config, problems, plan.strategy, plan.model_config, args))
    if outcome.dropped_torn_line:
        print(
            f"codesim: note: dropped a torn last line of {plan.out_dir}/results.jsonl (a killed run); redone",
            file=sys.stderr,
        )
    print_summary(outcome.summary, str(plan.out_dir), Console())
    message = closing_message(outcome, plan.config)
    if message:
        print(f"codesim: {message}", file=sys.stderr)
    return outcome


def handle(args: argparse.Namespace) -> int:
    """Run (or resume) the benchmark run(s) described by the flags: one per strategy x model."""
    language = normalize_language(args.language)
    concurrency = task_concurrency(args.concurrency, args.llm_concurrency)
    plans = _plans(args, language, concurrency)
    several = len(plans) > 1
    problems = load_problems(
        args.dataset, args.data_file, fmt=args.data_format, start_date=args.start_date, end_date=args.end_date
    )
    problems = in_language(select_problems(problems, args.task_ids, args.limit), language)
    if args.dry_run:
        for plan in plans:
            public = [p.public for p in problems]
            print_estimate(estimate(plan.strategy, public, chat_params(plan.model_config), plan.config.samples), plan.config)
        return 0
    if args.samples > 1 and plans[0].model_config.temperature == 0:
        print(
            "codesim: note: --samples > 1 at temperature 0 draws near-identical samples; consider --temperature 0.8",
            file=sys.stderr,
        )
    if not several:
        return exit_status(_run_plan(plans[0], problems, args))
    rows, statuses = [], []
    for number, plan in enumerate(plans, start=1):
        print(f"codesim: run {number} of {len(plans)}: {plan.config.strategy} on {plan.config.model_name}", file=sys.stderr)
        try:
            outcome = _run_plan(plan, problems, args)
        except UsageError as err:  # e.g. one provider's key or client missing: the other runs still go
            print(f"codesim: error: {err}", file=sys.stderr)
            statuses.append(UsageError.exit_code)
            continue
        statuses.append(exit_status(outcome))
        rows.append((plan.config, str(plan.out_dir), outcome.summary))
        if outcome.reason is StopReason.INTERRUPTED:
            break
    print_comparison(rows, Console())
    return next((status for status in statuses if status), 0)  # the first failure's status
