"""Repeat guard, the paper-faithful switch, distinct-code accounting and per-task budgets."""

from __future__ import annotations

from strategies_support import (
    BAD_FUNCTIONS,
    FUNCTION_PROBLEM,
    GOOD_FUNCTION,
    OTHER_PLAN,
    PLAN,
    SIMULATION_OK,
    debug_answer,
    fenced,
    solve_with,
    stages,
)

from codesim.llm.base import ChatParams
from codesim.llm.cache import ResponseCache
from codesim.llm.chat import ChatModel
from codesim.llm.openai_provider import OpenAIProvider
from codesim.strategies import create_strategy
from codesim.testing.fake_llm import FakeLLMServer

PUBLIC = FUNCTION_PROBLEM.public


async def test_repeated_debug_answer_ends_the_loop_without_a_test_run(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(BAD_FUNCTIONS[0]), debug_answer(BAD_FUNCTIONS[0] + "\n\n"))
    server.push(OTHER_PLAN, SIMULATION_OK, fenced(GOOD_FUNCTION))
    result = await solve_with("codesim", model, runner_for, max_plan_tries=2, max_debug_tries=5)
    assert stages(result) == [
        "planning",
        "simulation",
        "coding",
        "visible_tests",
        "debugging",
        "planning",
        "simulation",
        "coding",
        "visible_tests",
    ]
    assert "same as code #1, already tried: failed round, debugging stopped" in result.trace.steps[4].note
    assert (result.outcome, result.distinct_codes, result.trace.llm_calls) == ("plan_2", 2, 7)


async def test_repeated_code_from_a_new_plan_reuses_the_old_report(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(BAD_FUNCTIONS[0]), OTHER_PLAN, SIMULATION_OK, fenced(BAD_FUNCTIONS[0]))
    result = await solve_with("codesim-no-debug", model, runner_for, max_plan_tries=2)
    assert stages(result) == ["planning", "simulation", "coding", "visible_tests", "planning", "simulation", "coding"]
    assert "same as code #1, already tested" in result.trace.steps[-1].note
    assert (result.outcome, result.distinct_codes) == ("unsolved", 1)


async def test_faithful_mode_retests_repeats_and_repeats_the_plan_prompt(
    server: FakeLLMServer, model, runner_for
) -> None:
    same = fenced(BAD_FUNCTIONS[0])
    server.push(PLAN, SIMULATION_OK, same, debug_answer(BAD_FUNCTIONS[0]), debug_answer(BAD_FUNCTIONS[0]))
    server.push(PLAN, SIMULATION_OK, same, debug_answer(BAD_FUNCTIONS[0]), debug_answer(BAD_FUNCTIONS[0]))
    result = await solve_with("codesim", model, runner_for, max_plan_tries=2, max_debug_tries=2, faithful=True)
    one_plan = ["planning", "simulation", "coding"] + ["visible_tests", "debugging"] * 2 + ["visible_tests"]
    assert stages(result) == one_plan * 2
    assert (result.outcome, result.distinct_codes, result.trace.llm_calls) == ("unsolved", 1, 10)
    first_plan, second_plan = server.requests[0], server.requests[5]
    assert first_plan.messages == second_plan.messages
    assert first_plan.body["temperature"] == second_plan.body["temperature"] == 0.0


async def test_call_budget_stops_the_task(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(BAD_FUNCTIONS[0]), debug_answer(GOOD_FUNCTION))
    result = await solve_with("codesim", model, runner_for, task_max_calls=3)
    assert stages(result) == ["planning", "simulation", "coding", "visible_tests"]
    assert (result.outcome, result.code, result.trace.llm_calls) == ("unsolved", BAD_FUNCTIONS[0], 3)
    assert "task_max_calls=3" in result.trace.steps[-1].note
    assert len(server.requests) == 3


async def test_token_budget_stops_before_the_next_call(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(GOOD_FUNCTION))
    result = await solve_with("codesim", model, runner_for, task_max_tokens=10)
    assert stages(result) == ["planning"]
    assert (result.outcome, result.code) == ("no_code", "")
    assert "task_max_tokens=10" in result.trace.steps[0].note


async def test_seconds_budget_stops_a_slow_task(runner_for) -> None:
    slow = FakeLLMServer(responder=lambda request: PLAN, latency_s=1.2)
    with slow:
        slow_model = ChatModel(OpenAIProvider("k", slow.openai_base_url, 60), ChatParams(model="fake"), cache=None)
        result = await create_strategy("codesim", task_max_seconds=1.0).solve(
            PUBLIC, slow_model, runner_for(PUBLIC), sample_index=0
        )
        await slow_model.aclose()
    assert stages(result) == ["planning"]
    assert "task_max_seconds=1.0" in result.trace.steps[0].note


async def test_sample_index_separates_cached_answers(server: FakeLLMServer, runner_for, tmp_path) -> None:
    cached_model = ChatModel(
        OpenAIProvider("k", server.openai_base_url, 60),
        ChatParams(model="fake"),
        cache=ResponseCache(tmp_path / "c.db"),
    )
    server.push(PLAN, SIMULATION_OK, fenced(GOOD_FUNCTION), PLAN, SIMULATION_OK, fenced(GOOD_FUNCTION))
    strategy = create_strategy("codesim")
    first = await strategy.solve(PUBLIC, cached_model, runner_for(PUBLIC), sample_index=0)
    again = await strategy.solve(PUBLIC, cached_model, runner_for(PUBLIC), sample_index=0)
    other = await strategy.solve(PUBLIC, cached_model, runner_for(PUBLIC), sample_index=1)
    await cached_model.aclose()
    assert len(server.requests) == 6  # the rerun of sample 0 came from the cache, sample 1 did not
    assert [s.cached for s in again.trace.steps if s.tests is None] == [True] * 3
    assert not any(s.cached for s in other.trace.steps) and first.outcome == other.outcome == "first_code"
