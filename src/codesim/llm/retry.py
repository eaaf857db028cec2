"""Exponential backoff with jitter that honours a server's Retry-After."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from codesim.llm.base import CannotConnect, TransientError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry transient failures. A server that was never
    reached is given up on after `first_contact_s` (it is most likely not running)."""

    max_retries: int = 6
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    first_contact_s: float = 5.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay_s)
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


@dataclass
class ServerContact:
    """Whether a provider's server has answered at all yet (any HTTP answer, an error too),
    shared by every ChatModel on one provider."""

    answered: bool = False

    @contextmanager
    def watch(self) -> Iterator[None]:
        """Mark the server as answered when the wrapped request got any answer from it."""
        try:
            yield
        except CannotConnect:
            raise
        except Exception:
            self.answered = True
            raise
        self.answered = True


class RetriesExhausted(Exception):
    """Every attempt failed transiently; `__cause__` is the last failure."""

    def __init__(self, attempts: int, last: TransientError) -> None:
        super().__init__(f"gave up after {attempts} attempts: {last}")
        self.attempts = attempts


class NeverReached(RetriesExhausted):
    """Every attempt failed to connect and the server never answered before."""


async def with_retries(
    call: Callable[[], Awaitable[T]], policy: RetryPolicy, reached: Callable[[], bool] = lambda: True
) -> tuple[T, int]:
    """Run `call`, retrying on `TransientError`; return its result and the retry count.
    While `reached()` is false (the server never answered), connection failures are retried
    only within `policy.first_contact_s`."""
    attempt = 0
    started = time.monotonic()
    while True:
        try:
            return await call(), attempt
        except TransientError as err:
            attempt += 1
            wait = policy.delay(attempt, err.retry_after)
            never_reached = isinstance(err, CannotConnect) and not reached()
            if never_reached and (
                attempt > policy.max_retries or time.monotonic() - started + wait > policy.first_contact_s
            ):
                raise NeverReached(attempt, err) from err
            if attempt > policy.max_retries:
                raise RetriesExhausted(attempt, err) from err
            await asyncio.sleep(wait)
