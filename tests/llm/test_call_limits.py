"""Call slots: fewest-calls-first order among waiting calls, and cancellation never leaks a slot."""

from __future__ import annotations

import asyncio

import pytest

from codesim.llm.limits import CallLimits, PrioritySlots, task_scope


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_waiters_are_served_lowest_priority_first_then_in_arrival_order() -> None:
    slots = PrioritySlots(1)
    await slots.acquire(0)
    served: list[str] = []

    async def wait(name: str, priority: int) -> None:
        await slots.acquire(priority)
        served.append(name)
        slots.release()

    waiters = [asyncio.create_task(wait(name, priority)) for name, priority in [("a", 3), ("b", 1), ("c", 2), ("d", 1)]]
    await _settle()
    assert served == []
    slots.release()
    await asyncio.gather(*waiters)

    assert served == ["b", "d", "c", "a"]


async def test_a_cancelled_waiter_takes_no_slot_and_a_granted_one_passes_it_on() -> None:
    slots = PrioritySlots(1)
    await slots.acquire(0)
    gone = asyncio.create_task(slots.acquire(0))
    await _settle()
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone

    granted_then_cancelled = asyncio.create_task(slots.acquire(0))
    later = asyncio.create_task(slots.acquire(5))
    await _settle()
    slots.release()  # goes to granted_then_cancelled, which is cancelled before it resumes
    granted_then_cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await granted_then_cancelled
    await asyncio.wait_for(later, timeout=5)  # the slot was passed on
    slots.release()

    await asyncio.wait_for(slots.acquire(0), timeout=5)  # and nothing leaked: one slot, free again


async def test_a_task_with_fewer_calls_goes_before_one_that_already_made_calls() -> None:
    limits = CallLimits(max_concurrency=1)
    order: list[str] = []
    gate = asyncio.Event()

    async def task(name: str, calls: int) -> None:
        with task_scope():
            for call in range(calls):
                async with limits.slot():
                    order.append(f"{name}{call}")
                    await gate.wait()

    deep = asyncio.create_task(task("deep", 3))
    await _settle()  # deep holds the slot with its first call
    fresh = [asyncio.create_task(task(name, 1)) for name in ("x", "y")]
    await _settle()
    gate.set()
    await asyncio.gather(deep, *fresh)

    # deep's second call (1 call made) waits behind the fresh tasks' first calls (0 made).
    assert order == ["deep0", "x0", "y0", "deep1", "deep2"]
