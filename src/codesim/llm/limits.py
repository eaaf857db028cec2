"""Limits shared by every call of a run: requests in flight and requests per minute."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from collections.abc import AsyncIterator

from aiolimiter import AsyncLimiter


class CallLimits:
    """A concurrency cap and an optional requests-per-minute rate, used as one context."""

    def __init__(self, max_concurrency: int = 8, requests_per_minute: float | None = None) -> None:
        self.max_concurrency = max_concurrency
        self._slots = asyncio.Semaphore(max_concurrency)
        # Capacity 1 per 60/rpm seconds: requests are spaced evenly, with no initial burst.
        self._rate = AsyncLimiter(1, 60.0 / requests_per_minute) if requests_per_minute else None

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one in-flight slot (after waiting for the rate limit, if any)."""
        async with self._slots:
            if self._rate is not None:
                await self._rate.acquire()
            yield
