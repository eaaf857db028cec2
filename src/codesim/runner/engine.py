"""Running task samples through a strategy with a bounded number in flight.

Each sample is produced by a backend (`codesim.runner.backends`: the strategy solves the
PUBLIC problem, then the final code runs on the HIDDEN tests), then its line is appended to
results.jsonl by this process. A provider failure ends that sample as an error line;
`stop_after_errors` such lines in a row stop the run (the provider is probably down). A spent token budget stops
the run at the next model call; an interrupt cancels the samples in flight. Finished samples
are on disk as soon as they finish, so every stop is resumable."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from codesim.problems import Problem
from codesim.runner.meter import RunBudgetSpent
from codesim.runner.records import STATUS_ERROR
from codesim.runner.store import ResultsFile


class StopReason(str, Enum):
    """Why a run ended."""

    COMPLETE = "complete"
    INTERRUPTED = "interrupted"
    BUDGET = "budget"
    PROVIDER_ERRORS = "provider_errors"
    FAILED = "failed"


@dataclass(frozen=True)
class WorkItem:
    """One task sample to produce."""

    problem: Problem
    sample_index: int


class SampleProducer(Protocol):
    """Where a backend solves one task sample (see `codesim.runner.backends`)."""

    async def produce(self, item: WorkItem) -> dict[str, Any]:
        """The results line of `item` (an error line when its provider failed for good)."""
        ...


class SampleRunner:
    """Produces the results line of one task sample and appends it to results.jsonl."""

    def __init__(self, producer: SampleProducer, results: ResultsFile, invocation_started: float = 0.0) -> None:
        self.producer = producer
        self.results = results
        self.invocation_started = invocation_started

    async def run(self, item: WorkItem) -> dict[str, Any]:
        """Produce, stamp (this invocation's start, the finish time: the wall time of a killed
        invocation is read back from them), append; RunBudgetSpent and cancellation propagate
        (the sample is then not recorded and will be redone on resume)."""
        record = await self.producer.produce(item)
        record = {**record, "invocation_started": self.invocation_started, "finished_at": round(time.time(), 3)}
        write = asyncio.ensure_future(asyncio.to_thread(self.results.append, record))
        try:
            await asyncio.shield(write)
        except asyncio.CancelledError:
            await write  # a line being written is finished, never torn by our own cancel
            raise
        return record


class RunLoop:
    """Feeds work items to `concurrency` workers until done or stopped."""

    def __init__(
        self,
        runner: SampleRunner,
        concurrency: int,
        on_record: Callable[[dict[str, Any]], None],
        stop_after_errors: int = 3,
    ) -> None:
        self.runner = runner
        self.concurrency = concurrency
        self.on_record = on_record
        self.stop_after_errors = stop_after_errors
        self.reason = StopReason.COMPLETE
        self.last_error = ""
        self._consecutive_errors = 0
        self._workers: list[asyncio.Task[None]] = []

    def interrupt(self) -> None:
        """Stop now: cancel the samples in flight (called from a signal handler)."""
        self._stop(StopReason.INTERRUPTED, cancel=True)

    def _stop(self, reason: StopReason, cancel: bool) -> None:
        if self.reason is StopReason.COMPLETE:
            self.reason = reason
        if cancel:
            current = asyncio.current_task()
            for worker in self._workers:
                if worker is not current:
                    worker.cancel()

    async def run(self, items: Iterable[WorkItem]) -> StopReason:
        """Process `items` (shared by the workers, in order) and return why the loop ended."""
        pending = iter(items)
        self._workers = [asyncio.create_task(self._worker(pending)) for _ in range(self.concurrency)]
        results = await asyncio.gather(*self._workers, return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError)]
        if failures:
            raise failures[0]
        return self.reason

    async def _worker(self, pending: Iterable[WorkItem]) -> None:
        for item in pending:
            if self.reason is not StopReason.COMPLETE:
                return
            try:
                record = await self.runner.run(item)
            except RunBudgetSpent:
                self._stop(StopReason.BUDGET, cancel=False)
                return
            except Exception:
                self._stop(StopReason.FAILED, cancel=True)  # a bug: stop, keep what is on disk
                raise
            self.on_record(record)
            self._count_error(record)

    def _count_error(self, record: dict[str, Any]) -> None:
        if record["status"] != STATUS_ERROR:
            self._consecutive_errors = 0
            return
        self._consecutive_errors += 1
        self.last_error = str(record.get("error", ""))
        if self._consecutive_errors >= self.stop_after_errors:
            self._stop(StopReason.PROVIDER_ERRORS, cancel=True)
