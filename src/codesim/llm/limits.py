"""Limits shared by every call of a run: requests in flight and requests per minute.

When more calls wait than there are slots, the next free slot goes to the call whose task
sample has made the FEWEST calls so far (ties: first come, first served). A run keeps more
task samples in progress than the model has slots, so this spreads the slots over them: tasks
that turn out long (many debugging rounds) are all under way early instead of starting last
and leaving slots idle at the end of the run. A task sample marks itself with `task_scope()`;
calls outside any scope count as a task's first call."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar

from aiolimiter import AsyncLimiter

_task_calls: ContextVar[list[int] | None] = ContextVar("codesim_task_calls", default=None)


@contextmanager
def task_scope() -> Iterator[None]:
    """Count the model calls made inside this block (by this task and the tasks it starts) as
    one task sample's, for the fewest-calls-first order of `CallLimits`."""
    token = _task_calls.set([0])
    try:
        yield
    finally:
        _task_calls.reset(token)


class PrioritySlots:
    """A semaphore whose waiters are served lowest priority value first, then in arrival order."""

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    async def acquire(self, priority: int) -> None:
        """Wait for a slot."""
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._arrivals), granted))
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self.release()  # the slot came with the cancellation: pass it on
            raise

    def release(self) -> None:
        """Give the slot to the first live waiter, or free it."""
        while self._waiters:
            _, _, granted = heapq.heappop(self._waiters)
            if not granted.done():
                granted.set_result(None)
                return
        self._free += 1


class CallLimits:
    """A concurrency cap and an optional requests-per-minute rate, used as one context."""

    def __init__(self, max_concurrency: int = 8, requests_per_minute: float | None = None) -> None:
        self.max_concurrency = max_concurrency
        self._slots = PrioritySlots(max_concurrency)
        # Capacity 1 per 60/rpm seconds: requests are spaced evenly, with no initial burst.
        self._rate = AsyncLimiter(1, 60.0 / requests_per_minute) if requests_per_minute else None

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one in-flight slot (after waiting for the rate limit, if any)."""
        calls = _task_calls.get()
        await self._slots.acquire(calls[0] if calls else 0)
        try:
            if calls:
                calls[0] += 1
            if self._rate is not None:
                await self._rate.acquire()
            yield
        finally:
            self._slots.release()
