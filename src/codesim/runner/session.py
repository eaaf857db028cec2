"""One invocation of a run in its --out directory: resume, run, summarise."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from codesim.llm.chat import ChatModel
from codesim.problems import Problem
from codesim.runner.backends import Backend
from codesim.runner.backends.local import LocalBackend
from codesim.runner.config import RunConfig, check_resumable
from codesim.runner.engine import RunLoop, SampleRunner, StopReason, WorkItem
from codesim.runner.meter import UsageMeter
from codesim.runner.progress import ProgressBoard, RunProgress
from codesim.runner.records import STATUS_ERROR
from codesim.runner.store import RunDirectory, earlier_wall_seconds, sample_key
from codesim.runner.summary import build_summary
from codesim.strategies.base import Strategy

if TYPE_CHECKING:
    from codesim.execution import Sandbox


@dataclass
class RunOutcome:
    """How an invocation ended and what the run directory now holds."""

    reason: StopReason
    summary: dict[str, Any]
    out_dir: Path
    dropped_torn_line: bool = False
    retried_errors: int = 0
    last_error: str = ""
    last_error_kind: str = ""


@contextmanager
def _stop_on_signals(on_signal: Callable[[], None]) -> Iterator[None]:
    """Call `on_signal` on the first SIGINT/SIGTERM; a second SIGINT interrupts at once."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []

    def handle() -> None:
        for signum in installed:
            loop.remove_signal_handler(signum)  # the next Ctrl-C raises KeyboardInterrupt
        installed.clear()
        on_signal()

    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, handle)
            installed.append(signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
            pass
    try:
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)


def _drop_retried_errors(
    run_dir: RunDirectory, records: list[dict[str, Any]], selected: set[tuple[str, int]]
) -> tuple[list[dict[str, Any]], int]:
    """Remove the error lines of selected samples from results.jsonl: they are redone now, so the
    file keeps one line per sample."""
    keep = [r for r in records if not (r.get("status") == STATUS_ERROR and sample_key(r) in selected)]
    if len(keep) < len(records):
        run_dir.results.rewrite(keep)
    return keep, len(records) - len(keep)


def _has_judged_samples(run_dir: RunDirectory) -> bool:
    return run_dir.results.has_lines() and any(r.get("status") != STATUS_ERROR for r in run_dir.results.load())


@contextmanager
def open_run_directory(out_dir: Path, config: RunConfig) -> Iterator[RunDirectory]:
    """Lock `out_dir`, refuse it if it holds judged samples of a run of another configuration,
    write config.json (a directory whose samples all failed at the provider takes the new
    configuration: a refused parameter or a wrong model name is fixed by changing it)."""
    with RunDirectory(out_dir) as run_dir:
        stored = run_dir.stored_config()
        if stored is not None and _has_judged_samples(run_dir):
            check_resumable(stored, config, out_dir)
        run_dir.write_config(config.to_json())
        yield run_dir


async def execute_run(
    run_dir: RunDirectory,
    config: RunConfig,
    problems: list[Problem],
    strategy: Strategy,
    model: ChatModel,
    sandbox: Sandbox,
    *,
    stop_after_errors: int = 3,
    console: Console | None = None,
) -> RunOutcome:
    """`execute_backend_run` on the local backend: `strategy`, `model` and `sandbox` of this process."""
    backend = LocalBackend(strategy, model, sandbox)
    return await execute_backend_run(
        run_dir, config, problems, backend, stop_after_errors=stop_after_errors, console=console
    )


async def execute_backend_run(
    run_dir: RunDirectory,
    config: RunConfig,
    problems: list[Problem],
    backend: Backend,
    *,
    stop_after_errors: int = 3,
    console: Console | None = None,
    board: ProgressBoard | None = None,
) -> RunOutcome:
    """Run the samples of `problems` not yet in the run directory (opened with
    `open_run_directory`) on `backend`, then write summary.json. Progress goes to `console`, or
    to a row of `board` (several runs of one command) when given."""
    started, started_at = time.monotonic(), round(time.time(), 3)
    selected = {(p.task_id, s) for p in problems for s in range(config.samples)}
    loaded = run_dir.results.load()
    earlier_wall, invocations = earlier_wall_seconds(run_dir.path, loaded)
    records, retried = _drop_retried_errors(run_dir, loaded, selected)
    finished = {sample_key(r): r for r in records if sample_key(r) in selected}
    todo = [WorkItem(p, s) for p in problems for s in range(config.samples) if (p.task_id, s) not in finished]

    meter = UsageMeter(config.budget_tokens)
    label = f"{config.strategy} on {config.model_name}"
    progress = RunProgress(len(selected), list(finished.values()), meter, console, board=board, label=label)
    answered = asyncio.Event()  # set by the provider's first answer: the other samples may start

    def usage_changed() -> None:
        answered.set()
        progress.usage_changed()

    runner = SampleRunner(backend.producer(meter, usage_changed), run_dir.results, started_at)
    loop = RunLoop(runner, config.concurrency, progress.sample_finished, stop_after_errors, answered)
    reason = StopReason.FAILED
    try:
        with progress, _stop_on_signals(loop.interrupt):
            reason = await loop.run(todo)
    finally:
        done = [r for r in run_dir.results.load() if sample_key(r) in selected]
        wall = earlier_wall + time.monotonic() - started
        summary = build_summary(config, done, len(problems), reason.value, wall_seconds=wall)
        summary["invocations"] = [*invocations, started_at]
        run_dir.write_summary(summary)
    return RunOutcome(
        reason, summary, run_dir.path, run_dir.results.dropped_torn_line, retried, loop.last_error, loop.last_error_kind
    )
