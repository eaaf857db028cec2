"""Live usage of a run (calls, new and cached tokens) and the token budget that stops it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codesim.errors import CodesimError
from codesim.llm.base import ChatResult, Message
from codesim.llm.chat import ChatModel


class RunBudgetSpent(CodesimError):
    """The run's --budget-tokens is spent; no further model call is made."""


@dataclass
class UsageMeter:
    """Counts every model call of this invocation. `budget_tokens` bounds NEW tokens (prompt +
    completion of calls that were not cache hits)."""

    budget_tokens: int | None = None
    calls: int = 0
    cached_calls: int = 0
    new_tokens: int = 0
    cached_tokens: int = 0

    @property
    def exhausted(self) -> bool:
        """True once the new tokens reach the budget."""
        return self.budget_tokens is not None and self.new_tokens >= self.budget_tokens

    def record(self, result: ChatResult) -> None:
        """Account one answered call."""
        tokens = result.usage.prompt_tokens + result.usage.completion_tokens
        self.calls += 1
        if result.cached:
            self.cached_calls += 1
            self.cached_tokens += tokens
        else:
            self.new_tokens += tokens

    def record_sample(self, record: dict[str, Any]) -> None:
        """Account the calls of a sample solved elsewhere (another process), from its results line."""
        new = int(record.get("new_prompt_tokens", 0)) + int(record.get("new_completion_tokens", 0))
        self.calls += int(record.get("llm_calls", 0))
        self.cached_calls += int(record.get("cached_calls", 0))
        self.new_tokens += new
        self.cached_tokens += int(record.get("prompt_tokens", 0)) + int(record.get("completion_tokens", 0)) - new


class MeteredChatModel(ChatModel):
    """A ChatModel sharing `inner`'s provider, cache, limits and retry policy, that reports each
    call to a meter and refuses to call once the budget is spent."""

    def __init__(self, inner: ChatModel, meter: UsageMeter, on_call: Callable[[], None] | None = None) -> None:
        super().__init__(
            inner.provider,
            inner.params,
            cache=inner.cache,
            limits=inner.limits,
            retry=inner.retry,
            contact=inner.contact,
        )
        self.meter = meter
        self._on_call = on_call

    async def chat(self, messages: list[Message], **overrides: Any) -> ChatResult:
        """`ChatModel.chat`, metered; raises RunBudgetSpent once the budget is spent."""
        if self.meter.exhausted:
            raise RunBudgetSpent(f"the token budget of {self.meter.budget_tokens} new tokens is spent")
        result = await super().chat(messages, **overrides)
        self.meter.record(result)
        if self._on_call is not None:
            self._on_call()
        return result
