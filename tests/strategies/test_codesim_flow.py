"""CodeSIM's main paths, end to end: fake LLM over HTTP, real subprocess test runs."""

from __future__ import annotations

import dataclasses

from strategies_support import (
    BAD_FUNCTIONS,
    FUNCTION_PROBLEM,
    GOOD_FUNCTION,
    GOOD_STDIO,
    OTHER_PLAN,
    PLAN,
    REFINED_PLAN,
    SIMULATION_BAD,
    SIMULATION_OK,
    STDIO_PROBLEM,
    debug_answer,
    fenced,
    solve_with,
    stages,
    user_texts,
)

from codesim.strategies import count_fallbacks
from codesim.testing.fake_llm import FakeLLMServer

PUBLIC = FUNCTION_PROBLEM.public


async def test_plan_ok_then_code_passes(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(GOOD_FUNCTION))
    result = await solve_with("codesim", model, runner_for)
    assert stages(result) == ["planning", "simulation", "coding", "visible_tests"]
    assert (result.outcome, result.visible_passed, result.code) == ("first_code", True, GOOD_FUNCTION)
    assert (result.trace.llm_calls, result.distinct_codes, len(server.requests)) == (3, 1, 3)
    test_step = result.trace.steps[-1]
    assert [t["verdict"] for t in test_step.tests] == ["passed", "passed"]
    assert test_step.tests[0]["input"] == "assert sum_squares([1, 2]) == 5"
    simulation_prompt, coding_prompt = user_texts(server)[1:]
    assert "1. Square each number.\n2. Add the squares up." in simulation_prompt
    assert "Related problem" not in coding_prompt  # only the plan section is handed on
    assert "1. Square each number." in coding_prompt
    assert result.trace.steps[1].note == "verdict: plan is correct"


async def test_simulation_asks_change_then_refine_then_debug_passes(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_BAD, REFINED_PLAN, fenced(BAD_FUNCTIONS[0]), debug_answer(GOOD_FUNCTION))
    result = await solve_with("codesim", model, runner_for)
    assert stages(result) == [
        "planning",
        "simulation",
        "plan_refinement",
        "coding",
        "visible_tests",
        "debugging",
        "visible_tests",
    ]
    assert (result.outcome, result.visible_passed, result.distinct_codes) == ("debug_round_1", True, 2)
    assert result.code == GOOD_FUNCTION
    _, _, refinement, coding, debugging = user_texts(server)
    assert "the plan adds 1 + 2 = 3, but 5 is expected" in refinement
    assert "Square every element first." in coding and "Square every element first." in debugging
    assert "return sum(xs)" in debugging and "sum_squares([1, 2]) == 5" in debugging
    first_test = result.trace.steps[4]
    assert first_test.tests[0]["verdict"] != "passed" and first_test.attempt == {"plan": 1}
    assert result.trace.steps[5].attempt == {"plan": 1, "debug": 1}
    assert result.trace.steps[5].note == "error source: code"
    assert count_fallbacks(result.trace.steps) == 0


async def test_failed_debugging_leads_to_a_different_new_plan(server: FakeLLMServer, model, runner_for) -> None:
    server.push(
        PLAN,
        SIMULATION_OK,
        fenced(BAD_FUNCTIONS[0]),
        debug_answer(BAD_FUNCTIONS[1]),
        debug_answer(BAD_FUNCTIONS[2]),
        OTHER_PLAN,
        SIMULATION_OK,
        fenced(GOOD_FUNCTION),
    )
    result = await solve_with("codesim", model, runner_for, max_plan_tries=2, max_debug_tries=2)
    assert stages(result) == [
        "planning",
        "simulation",
        "coding",
        "visible_tests",
        "debugging",
        "visible_tests",
        "debugging",
        "visible_tests",
        "planning",
        "simulation",
        "coding",
        "visible_tests",
    ]
    assert (result.outcome, result.distinct_codes, result.trace.llm_calls) == ("plan_2", 4, 8)
    first_plan, second_plan = server.requests[0], server.requests[5]
    assert first_plan.body["temperature"] == 0.0 and second_plan.body["temperature"] == 0.7
    assert "already failed" not in first_plan.last_user_text
    assert "Failed attempt 1" in second_plan.last_user_text
    assert "1. Square each number." in second_plan.last_user_text
    assert "return len(xs)" not in second_plan.last_user_text  # the failure shows test results, not code
    assert "sum_squares([1, 2]) == 5" in second_plan.last_user_text


async def test_unsolved_returns_the_last_code(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(BAD_FUNCTIONS[0]), debug_answer(BAD_FUNCTIONS[1]))
    server.push(OTHER_PLAN, SIMULATION_OK, fenced(BAD_FUNCTIONS[2]), debug_answer(BAD_FUNCTIONS[3]))
    result = await solve_with("codesim", model, runner_for, max_plan_tries=2, max_debug_tries=1)
    assert (result.outcome, result.visible_passed, result.code) == ("unsolved", False, BAD_FUNCTIONS[3])
    assert result.distinct_codes == 4 and result.trace.llm_calls == 8


async def test_answer_without_code_is_retried_once_then_recorded(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, "I would square the numbers.", "Sorry, I cannot.")
    result = await solve_with("codesim", model, runner_for, max_plan_tries=1)
    assert stages(result) == ["planning", "simulation", "coding", "coding"]
    assert (result.outcome, result.code, result.visible_passed, result.distinct_codes) == ("no_code", "", False, 0)
    assert "no code in the answer" in result.trace.steps[2].note
    assert result.trace.steps[3].note == "retry gave no code either"
    retry = server.requests[3]
    assert [role for role, _ in retry.messages] == ["system", "user", "assistant", "user"]
    assert retry.messages[2][1] == "I would square the numbers."
    assert "contains no code" in retry.last_user_text


async def test_retry_that_gives_code_is_used(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, "Let me think.", fenced(GOOD_FUNCTION))
    result = await solve_with("codesim", model, runner_for)
    assert stages(result) == ["planning", "simulation", "coding", "coding", "visible_tests"]
    assert result.outcome == "first_code" and result.code == GOOD_FUNCTION


async def test_stdio_problem_prompts_insist_on_stdin_and_stdout(server: FakeLLMServer, model, runner_for) -> None:
    chatty = "a, b = map(int, input().split())\nprint('The sum is', a + b)\n"
    server.push(PLAN, SIMULATION_OK, fenced(chatty), debug_answer(GOOD_STDIO))
    result = await solve_with("codesim", model, runner_for, problem=STDIO_PROBLEM.public)
    assert (result.outcome, result.code) == ("debug_round_1", GOOD_STDIO)
    coding, debugging = user_texts(server)[2:]
    for prompt in (coding, debugging):
        assert "read its input from standard input" in prompt and "Print nothing else" in prompt
    assert "Input:\n2 3\n\nExpected output:\n5" in debugging
    assert result.trace.steps[3].tests[0]["input"] == "2 3\n"


async def test_every_prompt_starts_with_the_problem(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_BAD, REFINED_PLAN, fenced(BAD_FUNCTIONS[0]), debug_answer(GOOD_FUNCTION))
    await solve_with("codesim", model, runner_for)
    systems = {request.messages[0] for request in server.requests}
    assert len(systems) == 1 and next(iter(systems))[0] == "system"
    block = "# Problem\n" + PUBLIC.prompt.strip() + "\n\n# Sample tests\n## Sample 1\nassert sum_squares([1, 2]) == 5"
    assert all(text.startswith(block) for text in user_texts(server))


async def test_missing_verdict_line_falls_back_and_is_counted(server: FakeLLMServer, model, runner_for) -> None:
    server.push("1. square\n2. sum", "Squares 1, 4; total 5, as expected.", fenced(GOOD_FUNCTION))
    result = await solve_with("codesim", model, runner_for)
    assert stages(result) == ["planning", "simulation", "coding", "visible_tests"]
    assert result.trace.steps[0].note.startswith("fallback: no 'Plan' heading")
    assert "fallback: no VERDICT line" in result.trace.steps[1].note
    assert count_fallbacks(result.trace.steps) == 2


async def test_mismatch_wording_without_verdict_line_triggers_refinement(
    server: FakeLLMServer, model, runner_for
) -> None:
    server.push(PLAN, "I get 3 but expected 5, so the output does not match.", REFINED_PLAN, fenced(GOOD_FUNCTION))
    result = await solve_with("codesim", model, runner_for)
    assert stages(result)[:4] == ["planning", "simulation", "plan_refinement", "coding"]
    assert count_fallbacks(result.trace.steps) == 1


async def test_no_visible_tests_is_said_in_the_trace_not_claimed_as_a_pass(
    server: FakeLLMServer, model, runner_for
) -> None:
    untested = dataclasses.replace(PUBLIC, visible_tests=())
    server.push(PLAN, SIMULATION_OK, fenced(BAD_FUNCTIONS[0]))
    result = await solve_with("codesim", model, runner_for, untested)
    assert stages(result) == ["planning", "simulation", "coding", "visible_tests"]  # nothing to debug against
    note = result.trace.steps[-1].note
    assert (
        note == "code #1: no visible tests to run; the code is kept unchecked (no test feedback, so no debugging round)"
    )
    assert result.trace.steps[-1].tests == []
