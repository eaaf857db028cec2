"""The Python API: `solve`, `run`, `evaluate` and `load_problems`, each with an async twin.

Every function `f` has a coroutine twin `af` (`asolve`, `arun`, `aevaluate`,
`aload_problems`) taking the same arguments: call `f` from ordinary code, `await af(...)`
from async code (a notebook's cell, an async web handler), where `f` would need a loop of
its own. The command line calls these same functions. See docs/api.md.

A model is given as `"<provider>/<model>"` (`"openai/gpt-4o"`, `"local/qwen2.5-coder-0.5b"`), a
`ModelConfig`, a `ChatModel` or a `Provider` (`codesim.llm.model_ref`). A strategy is given
by name (its options as keyword arguments) or as an object.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import os
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from codesim.benchmarks import data_directories
from codesim.benchmarks import load_problems as load_dataset
from codesim.benchmarks.samples import Sample, read_samples, sample_from_fields
from codesim.errors import UsageError
from codesim.problems import Problem, PublicProblem

if TYPE_CHECKING:
    from codesim.benchmarks.evaluation import SampleVerdict
    from codesim.benchmarks.perf import SamplePerf
    from codesim.llm.model_ref import ModelLike
    from codesim.runner.config import RunConfig
    from codesim.runner.progress import ProgressBoard
    from codesim.runner.session import RunOutcome
    from codesim.strategies.base import Strategy, Trace, TraceStep

P = ParamSpec("P")
R = TypeVar("R")


def _sync_twin(coroutine_function: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, R]:
    """The blocking version of `coroutine_function` (same arguments), refusing to run inside
    an event loop, where the coroutine must be awaited instead."""
    name = coroutine_function.__name__.removeprefix("a")

    @functools.wraps(coroutine_function)
    def blocking(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop: the usual case (run outside the handler, which would chain its errors)
            pass
        else:
            raise RuntimeError(
                f"codesim.{name}() was called inside a running event loop (a notebook, an async app): "
                f"use `await codesim.{coroutine_function.__name__}(...)` there"
            )
        return asyncio.run(coroutine_function(*args, **kwargs))

    blocking.__name__ = blocking.__qualname__ = name
    blocking.__doc__ = f"Blocking twin of `{coroutine_function.__name__}`: the same arguments and result.\n\n" + (
        coroutine_function.__doc__ or ""
    )
    return blocking


@contextmanager
def _prompts(directory: str | os.PathLike[str] | None) -> Iterator[None]:
    if directory is None:
        yield
        return
    from codesim.strategies.prompts import prompt_directories

    with prompt_directories([directory]):
        yield


def _strategy(strategy: str | Strategy, options: dict[str, Any]) -> Strategy:
    """A ready strategy: by name with validated options, or the object given (then without options)."""
    if isinstance(strategy, str):
        from codesim.strategies.registry import create_strategy

        return create_strategy(strategy, **options)
    if options:
        raise UsageError(
            f"options ({', '.join(sorted(options))}) apply to a strategy given by name, not to a strategy object"
        )
    return strategy


def _check_counts(**counts: int | None) -> None:
    """UsageError naming the first count (a whole number, when given) below 1."""
    for name, value in counts.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise UsageError(f"{{{name}}} must be a whole number >= 1, got {value!r}", settings=(name,))


def _options_of(strategy: Strategy) -> dict[str, Any]:
    """A strategy's options as JSON data (config.json): `as_dict()`, a dataclass's fields, or none."""
    options = getattr(strategy, "options", None)
    as_dict = getattr(options, "as_dict", None)
    if as_dict is not None:
        return dict(as_dict())
    if dataclasses.is_dataclass(options) and not isinstance(options, type):
        return dataclasses.asdict(options)
    return {}


# --- load_problems ---------------------------------------------------------------------------


async def aload_problems(
    dataset: str,
    data_file: str | os.PathLike[str] | None = None,
    *,
    data_format: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    task_ids: Sequence[str] | None = None,
    limit: int | None = None,
    language: str | None = None,
) -> list[Problem]:
    """The problems of `dataset` (a built-in name or a registered plugin's), read from
    `data_file` or the dataset's usual sources, optionally only `task_ids`, the first `limit`
    of them, and those that can be solved in `language`."""
    return await asyncio.to_thread(
        _load_problems, dataset, data_file, data_format, start_date, end_date, task_ids, limit, language
    )


def _load_problems(
    dataset: str,
    data_file: str | os.PathLike[str] | None,
    fmt: str | None,
    start_date: str | None,
    end_date: str | None,
    task_ids: Sequence[str] | None,
    limit: int | None,
    language: str | None,
) -> list[Problem]:
    from codesim.execution import normalize_language
    from codesim.runner.selection import in_language, select_problems

    problems = load_dataset(
        dataset, str(data_file) if data_file is not None else None, fmt=fmt, start_date=start_date, end_date=end_date
    )
    if task_ids is not None or limit is not None:
        problems = select_problems(problems, list(task_ids) if task_ids is not None else None, limit)
    if language is not None:
        problems = in_language(problems, normalize_language(language))
    return problems


load_problems = _sync_twin(aload_problems)


# --- solve -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SolveUsage:
    """What a solve cost: model calls, tokens (cache hits included) and wall-clock seconds."""

    llm_calls: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float


@dataclass(frozen=True)
class Solution:
    """The final code of a solve and how it was reached. `visible_passed` says whether the
    code passes every visible test (the statement's examples; with `visible_tests == 0` the
    code was not verified at all); `outcome` names how the strategy ended
    (`codesim.strategies.outcomes`); `trace` holds every prompt, answer and test run, in order."""

    code: str
    visible_passed: bool
    visible_tests: int
    outcome: str
    trace: Trace
    usage: SolveUsage
    problem: PublicProblem
    strategy: str
    model: str  # "<provider>/<model>"

    def __str__(self) -> str:
        return self.code


def _public_problem(problem: str | Problem | PublicProblem, language: str, kind: str) -> PublicProblem:
    if isinstance(problem, Problem):
        return problem.public
    if isinstance(problem, PublicProblem):
        return problem
    if not isinstance(problem, str):
        raise TypeError(f"expected a statement (str) or a Problem, not {type(problem).__name__}")
    from codesim.execution import normalize_language
    from codesim.solve.statement import KindChoice, parse_statement

    try:
        choice = KindChoice(kind)
    except ValueError:
        raise UsageError(f"unknown kind {kind!r}; choose one of: {', '.join(c.value for c in KindChoice)}") from None
    return parse_statement(problem, language=normalize_language(language), task_id="statement", kind=choice)


async def asolve(
    problem: str | Problem | PublicProblem,
    *,
    model: ModelLike = None,
    strategy: str | Strategy = "codesim-adaptive",
    language: str = "python",
    kind: str = "auto",
    prompts: str | os.PathLike[str] | None = None,
    on_step: Callable[[TraceStep], None] | None = None,
    **strategy_options: Any,
) -> Solution:
    """Solve one problem: a statement with its examples (Markdown or text; a `def` signature
    with `>>>` doctests for a Python function, `Input:`/`Output:` examples for a stdin/stdout
    program; `kind` forces one: "function" or "stdio") or a `Problem`. The strategy writes and
    debugs code against the visible tests only; `language` applies to a statement. `prompts`
    is a directory of templates overriding the built-in ones by name; `on_step` is called with
    each trace step as it happens. Raises `ProviderError` when the model fails for good."""
    from codesim.llm.factory import resolve_model_name
    from codesim.llm.model_ref import model_config_of, model_source
    from codesim.solve.session import SolveSession

    public = _public_problem(problem, language, kind)
    chosen = _strategy(strategy, strategy_options)
    source = model_source(model)
    config = model_config_of(source)
    session = SolveSession(public, chosen, source, on_step)
    with _prompts(prompts):
        result = await session.solve()
    trace = session.trace
    return Solution(
        code=result.code,
        visible_passed=result.visible_passed,
        visible_tests=len(public.visible_tests),
        outcome=result.outcome,
        trace=trace,
        usage=SolveUsage(trace.llm_calls, trace.prompt_tokens, trace.completion_tokens, round(session.seconds, 3)),
        problem=public,
        strategy=chosen.name,
        model=f"{config.provider}/{resolve_model_name(config)}",
    )


solve = _sync_twin(asolve)


# --- run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """How a run ended and what its directory holds: `summary` is summary.json (`pass@1`,
    counts, calls, tokens, seconds), `config` is config.json, `stop_reason` is `complete`,
    `interrupted`, `budget`, `provider_errors`, `provider_unreachable`, `provider_rejected` or
    `failed`."""

    out_dir: Path
    summary: dict[str, Any]
    config: RunConfig
    outcome: RunOutcome

    @property
    def stop_reason(self) -> str:
        """Why the run ended."""
        return self.outcome.reason.value

    @property
    def complete(self) -> bool:
        """Whether every selected sample is done and judged (none failed at the provider)."""
        return bool(self.summary.get("complete"))

    def __getitem__(self, key: str) -> Any:
        return self.summary[key]


async def arun(
    dataset: str,
    strategy: str | Strategy,
    model: ModelLike = None,
    *,
    out: str | os.PathLike[str] | None = None,
    data_file: str | os.PathLike[str] | None = None,
    data_format: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    task_ids: Sequence[str] | None = None,
    limit: int | None = None,
    samples: int = 1,
    language: str = "python",
    concurrency: int | None = None,
    budget_tokens: int | None = None,
    stop_after_errors: int = 3,
    backend: str = "local",
    ray_address: str | None = None,
    ray_workers: int | None = None,
    prompts: str | os.PathLike[str] | None = None,
    progress: bool | ProgressBoard = False,
    **strategy_options: Any,
) -> RunSummary:
    """Run `strategy` over `dataset` (or resume the run already in `out`, default
    `runs/<dataset>-<strategy>-<model>`): config.json, results.jsonl and summary.json, exactly
    as `codesim run` writes them. `strategy_options` are the strategy's knobs
    (`max_plan_tries=2`, `task_max_calls=20`, ...). `concurrency` task samples are in progress at
    once (default: 3 per model call slot when the model's `max_concurrency` is set, else 4).
    `progress` shows the progress bar on stderr (a `ProgressBoard`: as a row of that display,
    which several runs share). Stops early (see `RunSummary.stop_reason`)
    on `budget_tokens`, on `stop_after_errors` provider failures in a row, or on Ctrl-C;
    running it again resumes."""
    from codesim.execution import normalize_language
    from codesim.llm.factory import ModelConfig
    from codesim.llm.model_ref import model_config_of, model_source
    from codesim.runner.concurrency import task_concurrency, with_llm_concurrency
    from codesim.runner.config import RunConfig, default_out_dir, model_section

    _check_counts(
        samples=samples,
        limit=limit,
        concurrency=concurrency,
        budget_tokens=budget_tokens,
        stop_after_errors=stop_after_errors,
        ray_workers=ray_workers,
    )
    if prompts is not None and backend != "local":
        raise UsageError(
            f"prompts= applies in this process only; "
            f"with the {backend} backend set $CODESIM_PROMPTS where its workers run"
        )
    chosen = _strategy(strategy, strategy_options)
    language = normalize_language(language)
    source = model_source(model)
    concurrency = task_concurrency(concurrency, model_config_of(source).max_concurrency)
    if isinstance(source, ModelConfig):
        source = with_llm_concurrency(source, concurrency)
    problems = await aload_problems(
        dataset,
        data_file,
        data_format=data_format,
        start_date=start_date,
        end_date=end_date,
        task_ids=task_ids,
        limit=limit,
        language=language,
    )
    config = RunConfig(
        dataset=dataset,
        strategy=chosen.name,
        strategy_options=_options_of(chosen),
        model=model_section(model_config_of(source)),
        data_file=str(Path(data_file).expanduser().resolve()) if data_file else None,
        data_format=data_format,
        start_date=start_date,
        end_date=end_date,
        language=language,
        limit=limit,
        task_ids=list(task_ids) if task_ids is not None else None,
        samples=samples,
        concurrency=concurrency,
        budget_tokens=budget_tokens,
    )
    out_dir = Path(out) if out else default_out_dir(config.dataset, config.strategy, config.model_name)
    with _prompts(prompts):
        outcome = await _execute_run(
            out_dir, config, problems, chosen, source, backend, ray_address, ray_workers, stop_after_errors, progress
        )
    return RunSummary(out_dir, outcome.summary, config, outcome)


async def _execute_run(
    out_dir: Path,
    config: RunConfig,
    problems: list[Problem],
    strategy: Strategy,
    model: Any,
    backend: str,
    ray_address: str | None,
    ray_workers: int | None,
    stop_after_errors: int,
    progress: bool | ProgressBoard,
) -> RunOutcome:
    from rich.console import Console

    from codesim.runner.backends import BackendOptions, open_backend
    from codesim.runner.progress import ProgressBoard
    from codesim.runner.session import execute_backend_run, open_run_directory

    options = BackendOptions(config.concurrency, ray_address, ray_workers, hide_paths=tuple(data_directories(problems)))
    board = progress if isinstance(progress, ProgressBoard) else None
    console = None if progress else Console(stderr=True, quiet=True)
    # The backend (its model: provider, key, client) first, so that a missing key or client is
    # reported before the run directory is created or changed.
    async with open_backend(backend, strategy, model, options) as opened:
        with open_run_directory(out_dir, config) as run_dir:
            return await execute_backend_run(
                run_dir, config, problems, opened, stop_after_errors=stop_after_errors, console=console, board=board
            )


run = _sync_twin(arun)


# --- evaluate --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """Verdicts of a samples file: `summary` is the object `codesim evaluate` prints last
    (`pass@k`, counts, statuses, unknown task ids), `verdicts` one per sample, in input order."""

    summary: dict[str, Any]
    verdicts: list[SampleVerdict]
    perfs: list[SamplePerf | None] | None = None  # with `perf_repeats`: one per verdict, None where not measured

    def __getitem__(self, key: str) -> Any:
        return self.summary[key]


def _samples_of(samples: str | os.PathLike[str] | Iterable[dict[str, Any] | Sample]) -> list[Sample]:
    if isinstance(samples, (str, os.PathLike)):
        return read_samples(os.fspath(samples))
    items = [
        item if isinstance(item, Sample) else sample_from_fields(item, index, "samples")
        for index, item in enumerate(samples, start=1)
    ]
    if not items:
        raise UsageError("no samples to evaluate")
    return items


async def aevaluate(
    samples: str | os.PathLike[str] | Iterable[dict[str, Any] | Sample],
    *,
    dataset: str,
    data_file: str | os.PathLike[str] | None = None,
    data_format: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    k: Sequence[int] = (1,),
    tests: str = "hidden",
    workers: int | None = None,
    timeout_s: float | None = None,
    memory_mb: int | None = None,
    out: str | os.PathLike[str] | None = None,
    on_done: Callable[[int, int], None] | None = None,
    perf_repeats: int | None = None,
) -> Evaluation:
    """Score samples (a JSONL file, or dicts `{"task_id", "solution"}` / `{"task_id",
    "completion"}`) on `dataset`'s hidden tests (`tests="visible"`: the visible ones) in the
    sandbox, with pass@k for each k. `timeout_s` and `memory_mb` replace the dataset's limits of
    each test run. `out` gets one line per sample: its own fields plus `passed` and `status`.
    `on_done(done, total)` is called after each sample.

    With `perf_repeats` (hidden tests only), each passing sample is then run that many times,
    interleaved with the dataset's reference solution where it has one: `perfs`, each line's
    `perf` and the summary's `perf` hold CPU seconds and peak memory (median, min, max) and the
    ratios to the reference."""
    from codesim.atomic import write_jsonl_atomically
    from codesim.benchmarks.evaluation import evaluate_samples, summarize, with_limits
    from codesim.benchmarks.perf import measure_samples, perf_summary
    from codesim.execution import Sandbox

    _check_counts(workers=workers)
    if tests not in ("hidden", "visible"):
        raise UsageError(f"tests must be 'hidden' or 'visible', got {tests!r}")
    if perf_repeats is not None and (tests != "hidden" or perf_repeats < 1):
        raise UsageError("perf_repeats needs the hidden tests and a count >= 1")
    ks = sorted(set(k))
    if not ks or ks[0] < 1:
        raise UsageError(f"k must be whole numbers >= 1, got {list(k)}")
    chosen = _samples_of(samples)
    problems = {
        p.task_id: with_limits(p, timeout_s, memory_mb)
        for p in await aload_problems(
            dataset, data_file, data_format=data_format, start_date=start_date, end_date=end_date
        )
    }
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if on_done is not None:
            on_done(done, len(chosen))

    sandbox = Sandbox(workers=workers, hide_paths=data_directories(list(problems.values())))
    try:
        concurrency = 2 * (workers or os.cpu_count() or 1)
        verdicts = await evaluate_samples(problems, chosen, sandbox, which=tests, concurrency=concurrency, on_done=tick)
        perfs = None
        if perf_repeats is not None:
            perfs = await measure_samples(problems, verdicts, sandbox, repeats=perf_repeats, concurrency=concurrency)
    finally:
        await sandbox.aclose()
    summary = summarize(dataset, problems, verdicts, ks, tests)
    rows = [v.output_row() for v in verdicts]
    if perfs is not None:
        summary["perf"] = perf_summary(perfs, perf_repeats or 0)
        for row, perf in zip(rows, perfs, strict=True):
            row["perf"] = perf.to_json() if perf else None
    if out is not None:
        write_jsonl_atomically(Path(out), rows)
        summary["out"] = str(out)
    return Evaluation(summary, verdicts, perfs)


evaluate = _sync_twin(aevaluate)

__all__ = [
    "Evaluation",
    "RunSummary",
    "Solution",
    "SolveUsage",
    "aevaluate",
    "aload_problems",
    "arun",
    "asolve",
    "evaluate",
    "load_problems",
    "run",
    "solve",
]
