"""`ChatModel`: what strategies call. Adds caching, retries, limits and usage to a Provider."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from codesim.errors import ProviderError
from codesim.llm.base import ChatParams, ChatResult, Message, PermanentError, Provider, Usage
from codesim.llm.cache import ResponseCache, cache_key
from codesim.llm.limits import CallLimits
from codesim.llm.retry import RetriesExhausted, RetryPolicy, with_retries
from codesim.llm.tokens import estimate_tokens


class ChatModel:
    """A provider plus default parameters, a shared response cache, shared call limits and
    a retry policy. `chat()` is safe to call from many tasks at once."""

    def __init__(
        self,
        provider: Provider,
        params: ChatParams,
        *,
        cache: ResponseCache | None = None,
        limits: CallLimits | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.provider = provider
        self.params = params
        self.cache = cache
        self.limits = limits or CallLimits()
        self.retry = retry or RetryPolicy()

    @property
    def model(self) -> str:
        """The model name."""
        return self.params.model

    async def chat(self, messages: list[Message], **overrides: Any) -> ChatResult:
        """Answer `messages`; `overrides` replace default parameters (e.g. temperature,
        sample_index). Raises `ProviderError` with provider, model and cause on failure."""
        params = dataclasses.replace(self.params, **overrides) if overrides else self.params
        key = cache_key(self.provider.name, self.provider.base_url, messages, params)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return hit
        result = await self._call(messages, params)
        if self.cache is not None:
            self.cache.put(key, result)
        return result

    async def _call(self, messages: list[Message], params: ChatParams) -> ChatResult:
        if params.seed is not None and params.sample_index:
            # Seeded samples must differ: each sample index gets its own seed.
            params = dataclasses.replace(params, seed=params.seed + params.sample_index)

        async def attempt() -> tuple[str, Usage | None]:
            async with self.limits.slot():
                return await self.provider.complete(messages, params)

        started = time.monotonic()
        try:
            (text, usage), retries = await with_retries(attempt, self.retry)
        except RetriesExhausted as err:
            raise self._failure(f"{err.__cause__} (after {err.attempts} attempts)") from err
        except PermanentError as err:
            raise self._failure(str(err)) from err
        if usage is None:
            usage = Usage(
                prompt_tokens=sum(estimate_tokens(m.content) for m in messages),
                completion_tokens=estimate_tokens(text),
                estimated=True,
            )
        usage.latency_s = time.monotonic() - started
        usage.retries = retries
        return ChatResult(text=text, usage=usage)

    def _failure(self, cause: str) -> ProviderError:
        return ProviderError(f"{self.provider.name} (model {self.params.model}): {cause}")

    async def aclose(self) -> None:
        """Close the provider's connections."""
        await self.provider.aclose()
