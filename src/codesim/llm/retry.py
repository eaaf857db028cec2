"""Exponential backoff with jitter that honours a server's Retry-After."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from codesim.llm.base import TransientError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry transient failures."""

    max_retries: int = 6
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay_s)
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


class RetriesExhausted(Exception):
    """Every attempt failed transiently; `__cause__` is the last failure."""

    def __init__(self, attempts: int, last: TransientError) -> None:
        super().__init__(f"gave up after {attempts} attempts: {last}")
        self.attempts = attempts


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy) -> tuple[T, int]:
    """Run `call`, retrying on `TransientError`; return its result and the retry count."""
    attempt = 0
    while True:
        try:
            return await call(), attempt
        except TransientError as err:
            attempt += 1
            if attempt > policy.max_retries:
                raise RetriesExhausted(attempt, err) from err
            await asyncio.sleep(policy.delay(attempt, err.retry_after))
