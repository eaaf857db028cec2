"""Per-task budgets, so one failing task cannot eat a run.

One mechanism holds the budget for every strategy, built-in or not: the strategy's model is a
`BudgetedChatModel`, which counts each call when it starts (so calls started side by side
cannot overshoot) and refuses a call the budget no longer allows. `solve_within_budget` hands
it to any strategy; a `SessionStrategy` called directly wraps its model itself (`held_to`).
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from codesim.llm.base import ChatResult, Message
from codesim.llm.chat import ChatModel
from codesim.strategies.base import StrategyResult, Trace
from codesim.strategies.outcomes import NO_CODE

if TYPE_CHECKING:
    from codesim.problems import PublicProblem
    from codesim.strategies.base import Strategy, VisibleTestRunner


class BudgetExhausted(Exception):
    """Raised before an LLM call that a task's budget no longer allows."""


@dataclass
class TaskBudget:
    """Limits on LLM calls, tokens (prompt + completion, cache hits included) and wall-clock
    seconds for one task sample. None means unlimited."""

    max_calls: int | None = None
    max_tokens: int | None = None
    max_seconds: float | None = None
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def from_options(cls, options: Any) -> TaskBudget:
        """The budget an options object asks for (`task_max_calls/_tokens/_seconds`; missing
        fields are unlimited), starting now."""
        return cls(
            getattr(options, "task_max_calls", None),
            getattr(options, "task_max_tokens", None),
            getattr(options, "task_max_seconds", None),
        )

    @property
    def limits(self) -> tuple[int | None, int | None, float | None]:
        """(max_calls, max_tokens, max_seconds)."""
        return self.max_calls, self.max_tokens, self.max_seconds

    @property
    def unlimited(self) -> bool:
        """True when no limit is set."""
        return self.limits == (None, None, None)

    def check_usage(self, calls: int, tokens: int) -> None:
        """Raise `BudgetExhausted` if another LLM call after `calls` calls (started or done)
        and `tokens` tokens would go over a budget."""
        if self.max_calls is not None and calls >= self.max_calls:
            raise BudgetExhausted(f"budget: {calls} LLM calls reached task_max_calls={self.max_calls}")
        if self.max_tokens is not None and tokens >= self.max_tokens:
            raise BudgetExhausted(f"budget: {tokens} tokens reached task_max_tokens={self.max_tokens}")
        elapsed = time.monotonic() - self.started
        if self.max_seconds is not None and elapsed >= self.max_seconds:
            raise BudgetExhausted(f"budget: {elapsed:.1f}s reached task_max_seconds={self.max_seconds}")


class BudgetedChatModel(ChatModel):
    """`inner` (sharing its provider, cache, limits and retry policy) for one task sample:
    counts the calls (started or done) and tokens made through it and raises `BudgetExhausted`
    before a call that `budget` no longer allows. Closing it leaves `inner` open."""

    def __init__(self, inner: ChatModel, budget: TaskBudget) -> None:
        super().__init__(inner.provider, inner.params, cache=inner.cache, limits=inner.limits, retry=inner.retry)
        self.inner = inner
        self.budget = budget
        self.calls = 0  # started, answered or not
        self.tokens = 0

    def _start(self, n: int) -> int:
        """Check the budget and count `n` calls as started; fewer when the call budget has less room."""
        self.budget.check_usage(self.calls, self.tokens)
        if self.budget.max_calls is not None:
            n = min(n, self.budget.max_calls - self.calls)
        self.calls += n
        return n

    def _count_tokens(self, results: list[ChatResult]) -> None:
        self.tokens += sum(r.usage.prompt_tokens + r.usage.completion_tokens for r in results)

    async def chat(self, messages: list[Message], **overrides: Any) -> ChatResult:
        """`inner.chat`, if the budget allows another call."""
        self._start(1)
        result = await self.inner.chat(messages, **overrides)
        self._count_tokens([result])
        return result

    async def chat_many(self, messages: list[Message], n: int, **overrides: Any) -> list[ChatResult]:
        """`inner.chat_many` (n calls), if the budget allows another call; fewer than `n`
        answers when the call budget has less room left."""
        results = await self.inner.chat_many(messages, self._start(n), **overrides)
        self._count_tokens(results)
        return results

    async def aclose(self) -> None:
        """Nothing to release: `inner` belongs to the caller."""


def held_to(model: ChatModel, budget: TaskBudget) -> ChatModel:
    """`model` held to `budget`: as it is when the budget is unlimited or `model` already holds
    these limits (`solve_within_budget` applied the strategy's budget), else wrapped (inside
    another budget, whichever is spent first stops the calls)."""
    if budget.unlimited or (isinstance(model, BudgetedChatModel) and model.budget.limits == budget.limits):
        return model
    return BudgetedChatModel(model, budget)


def _takes_trace(strategy: Strategy) -> bool:
    try:
        return "trace" in inspect.signature(strategy.solve).parameters
    except (TypeError, ValueError):
        return False


async def solve_within_budget(
    strategy: Strategy,
    problem: PublicProblem,
    model: ChatModel,
    run_visible: VisibleTestRunner,
    *,
    sample_index: int = 0,
    trace: Trace | None = None,
) -> StrategyResult:
    """`strategy.solve` held to the strategy's per-task budget (its options' `task_max_*`),
    whatever the strategy does. A strategy that lets `BudgetExhausted` escape ends with no
    code (outcome `no_code`) and the trace it recorded into `trace`, the reason in `note`."""
    guarded = held_to(model, TaskBudget.from_options(getattr(strategy, "options", None)))
    trace = trace if trace is not None else Trace()
    extra: dict[str, Any] = {"trace": trace} if _takes_trace(strategy) else {}
    try:
        return await strategy.solve(problem, guarded, run_visible, sample_index=sample_index, **extra)
    except BudgetExhausted as stop:
        if trace.steps:
            last = trace.steps[-1]
            last.note = f"{last.note}; {stop}" if last.note else str(stop)
        return StrategyResult(code="", visible_passed=False, trace=trace, outcome=NO_CODE)
