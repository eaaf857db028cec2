"""One budget mechanism for every strategy: the `BudgetedChatModel` the strategy calls, which
counts a call when it starts, so calls started side by side cannot overshoot."""

from __future__ import annotations

import asyncio

import pytest
from strategies_support import (
    BAD_FUNCTIONS,
    FUNCTION_PROBLEM,
    GOOD_FUNCTION,
    PLAN,
    SIMULATION_OK,
    debug_answer,
    fenced,
    solve_with,
)

from codesim.llm.base import Message
from codesim.strategies.base import StrategyResult, Trace, traced_chat
from codesim.strategies.budget import BudgetedChatModel, BudgetExhausted, TaskBudget, solve_within_budget
from codesim.strategies.options import StrategyOptions
from codesim.testing.fake_llm import FakeLLMServer

PUBLIC = FUNCTION_PROBLEM.public


class SideBySideStrategy:
    """A plugin-style strategy: no TaskSession, five model calls started at once."""

    name = "side-by-side"

    def __init__(self, options: StrategyOptions) -> None:
        self.options = options

    async def solve(self, problem, model, run_visible, *, sample_index: int = 0, trace: Trace | None = None):
        trace = trace if trace is not None else Trace()
        asks = [
            traced_chat(model, trace, "chat", [Message("user", f"{problem.prompt}\nask {n}")], sample_index=n)
            for n in range(5)
        ]
        await asyncio.gather(*asks, return_exceptions=True)
        return StrategyResult("", False, trace, "unsolved")


async def test_calls_started_together_by_a_plugin_strategy_stay_within_the_call_budget(
    server: FakeLLMServer, model, runner_for
) -> None:
    server.responder = lambda request: PLAN
    strategy = SideBySideStrategy(StrategyOptions(task_max_calls=3))
    result = await solve_within_budget(strategy, PUBLIC, model, runner_for(PUBLIC))
    assert len(server.requests) == 3 and result.trace.llm_calls == 3


async def test_a_batch_is_cut_to_the_calls_left(server: FakeLLMServer, model) -> None:
    server.responder = lambda request: PLAN
    held = BudgetedChatModel(model, TaskBudget(max_calls=3))
    await held.chat([Message("user", "first")])
    assert len(await held.chat_many([Message("user", "then four")], 4)) == 2
    with pytest.raises(BudgetExhausted, match="3 LLM calls reached task_max_calls=3"):
        await held.chat([Message("user", "one more")])
    assert sum(int(request.body.get("n") or 1) for request in server.requests) == 3


async def test_a_session_strategy_keeps_its_own_budget_inside_another(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(BAD_FUNCTIONS[0]), debug_answer(GOOD_FUNCTION))
    loose = BudgetedChatModel(model, TaskBudget(max_calls=100))
    result = await solve_with("codesim", loose, runner_for, task_max_calls=3)
    assert len(server.requests) == result.trace.llm_calls == 3
    assert "task_max_calls=3" in result.trace.steps[-1].note
