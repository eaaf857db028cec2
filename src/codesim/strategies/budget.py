"""Per-task budgets, so one failing task cannot eat a run."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from codesim.strategies.base import Trace
from codesim.strategies.options import StrategyOptions


class BudgetExhausted(Exception):
    """Raised before an LLM call that a task's budget no longer allows."""


@dataclass
class TaskBudget:
    """Limits on LLM calls, tokens (prompt + completion, as recorded in the trace) and
    wall-clock seconds for one task sample. None means unlimited."""

    max_calls: int | None = None
    max_tokens: int | None = None
    max_seconds: float | None = None
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def from_options(cls, options: StrategyOptions) -> TaskBudget:
        """The budget an options object asks for, starting now."""
        return cls(options.task_max_calls, options.task_max_tokens, options.task_max_seconds)

    def calls_left(self, trace: Trace, in_flight: int = 0) -> int | None:
        """How many more LLM calls the call budget allows (None: unlimited), counting the
        `in_flight` calls already started but not yet in the trace."""
        return None if self.max_calls is None else max(0, self.max_calls - trace.llm_calls - in_flight)

    def check(self, trace: Trace, in_flight: int = 0) -> None:
        """Raise `BudgetExhausted` if another LLM call would go over a budget (`in_flight`:
        calls of this task started side by side and not yet recorded)."""
        calls = trace.llm_calls + in_flight
        if self.max_calls is not None and calls >= self.max_calls:
            raise BudgetExhausted(f"budget: {calls} LLM calls reached task_max_calls={self.max_calls}")
        tokens = trace.prompt_tokens + trace.completion_tokens
        if self.max_tokens is not None and tokens >= self.max_tokens:
            raise BudgetExhausted(f"budget: {tokens} tokens reached task_max_tokens={self.max_tokens}")
        elapsed = time.monotonic() - self.started
        if self.max_seconds is not None and elapsed >= self.max_seconds:
            raise BudgetExhausted(f"budget: {elapsed:.1f}s reached task_max_seconds={self.max_seconds}")
