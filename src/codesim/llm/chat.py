"""`ChatModel`: what strategies call. Adds caching, retries, limits and usage to a Provider."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from codesim.errors import ProviderError, ProviderRejected, ProviderUnreachable
from codesim.llm.base import ChatParams, ChatResult, Message, PermanentError, Provider, Usage
from codesim.llm.cache import ResponseCache, cache_key
from codesim.llm.limits import CallLimits
from codesim.llm.retry import NeverReached, RetriesExhausted, RetryPolicy, ServerContact, with_retries
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
        contact: ServerContact | None = None,
    ) -> None:
        self.provider = provider
        self.params = params
        self.cache = cache
        self.limits = limits or CallLimits()
        self.retry = retry or RetryPolicy()
        self.contact = contact or ServerContact()

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

    async def chat_many(self, messages: list[Message], n: int, **overrides: Any) -> list[ChatResult]:
        """`n` answers to `messages`: samples `sample_index`, `sample_index + 1`, ... (each
        cached under its own index, exactly as `chat` would cache it), asked of the provider in
        one request where it can answer several samples at once."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        base = dataclasses.replace(self.params, **overrides) if overrides else self.params
        samples = [dataclasses.replace(base, sample_index=base.sample_index + i) for i in range(n)]
        keys = [cache_key(self.provider.name, self.provider.base_url, messages, params) for params in samples]
        results: list[ChatResult | None] = [self.cache.get(key) if self.cache is not None else None for key in keys]
        missing = [i for i, result in enumerate(results) if result is None]
        if missing:
            fresh = await self._call_many(messages, [samples[i] for i in missing])
            for i, result in zip(missing, fresh, strict=True):
                results[i] = result
                if self.cache is not None:
                    self.cache.put(keys[i], result)
        return [result for result in results if result is not None]

    async def _call(self, messages: list[Message], params: ChatParams) -> ChatResult:
        return (await self._call_many(messages, [params]))[0]

    async def _call_many(self, messages: list[Message], samples: list[ChatParams]) -> list[ChatResult]:
        # Seeded samples must differ: each sample index gets its own seed.
        samples = [
            dataclasses.replace(p, seed=p.seed + p.sample_index) if p.seed is not None and p.sample_index else p
            for p in samples
        ]

        async def attempt() -> list[tuple[str, Usage | None]]:
            async with self.limits.slot():
                with self.contact.watch():
                    if len(samples) == 1:
                        return [await self.provider.complete(messages, samples[0])]
                    return await self.provider.complete_many(messages, samples)

        started = time.monotonic()
        try:
            answers, retries = await with_retries(attempt, self.retry, lambda: self.contact.answered)
        except NeverReached as err:
            raise self._failure(f"{err.__cause__} (after {err.attempts} attempts)", ProviderUnreachable) from err
        except RetriesExhausted as err:
            raise self._failure(f"{err.__cause__} (after {err.attempts} attempts)") from err
        except PermanentError as err:
            rejected = err.status is not None and 400 <= err.status < 500
            raise self._failure(str(err), ProviderRejected if rejected else ProviderError) from err
        if len(answers) != len(samples):
            raise self._failure(f"asked for {len(samples)} answers, got {len(answers)}")
        latency = time.monotonic() - started
        return [self._result(messages, text, usage, latency, retries) for text, usage in answers]

    @staticmethod
    def _result(messages: list[Message], text: str, usage: Usage | None, latency: float, retries: int) -> ChatResult:
        if usage is None:
            usage = Usage(
                prompt_tokens=sum(estimate_tokens(m.content) for m in messages),
                completion_tokens=estimate_tokens(text),
                estimated=True,
            )
        usage.latency_s = latency
        usage.retries = retries
        return ChatResult(text=text, usage=usage)

    def _failure(self, cause: str, kind: type[ProviderError] = ProviderError) -> ProviderError:
        return kind(f"{self.provider.name} (model {self.params.model}): {cause}")

    async def aclose(self) -> None:
        """Close the provider's connections."""
        await self.provider.aclose()
