"""The CodeSIM ablations: which stages each one runs."""

from __future__ import annotations

import itertools

import pytest
from strategies_support import (
    BAD_FUNCTIONS,
    FUNCTION_PROBLEM,
    GOOD_FUNCTION,
    HIDDEN_MARKER,
    PLAN,
    SIMULATION_OK,
    STDIO_PROBLEM,
    debug_answer,
    fenced,
    solve_with,
    stages,
)

from codesim.strategies import create_strategy
from codesim.testing.fake_llm import FakeLLMServer, FakeRequest

PUBLIC = FUNCTION_PROBLEM.public


def always_wrong_model():
    """A responder that plans fine but only ever writes new wrong code."""
    counter = itertools.count(100)

    def respond(request: FakeRequest) -> str:
        text = request.last_user_text
        if "# Your task: plan" in text:
            return PLAN
        if "# Your task: check the plan" in text:
            return SIMULATION_OK
        return debug_answer(f"def sum_squares(xs):\n    return {next(counter)}\n")

    return respond


async def test_no_debug_goes_from_a_failing_code_to_a_new_plan(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(BAD_FUNCTIONS[0]), PLAN, SIMULATION_OK, fenced(GOOD_FUNCTION))
    result = await solve_with("CodeSIMWD", model, runner_for, max_debug_tries=5)
    assert stages(result) == ["planning", "simulation", "coding", "visible_tests"] * 2
    assert result.outcome == "plan_2"


async def test_no_verify_skips_simulation_and_refinement(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, fenced(BAD_FUNCTIONS[0]), debug_answer(GOOD_FUNCTION))
    result = await solve_with("codesim-no-verify", model, runner_for)
    assert stages(result) == ["planning", "coding", "visible_tests", "debugging", "visible_tests"]
    assert result.outcome == "debug_round_1"


async def test_plan_code_only_plans_and_codes(server: FakeLLMServer, model, runner_for) -> None:
    server.responder = always_wrong_model()
    result = await solve_with("CodeSIMWPVD", model, runner_for, max_plan_tries=3)
    assert stages(result) == ["planning", "coding", "visible_tests"] * 3
    assert (result.outcome, result.distinct_codes) == ("unsolved", 3)


async def test_contest_variant_has_three_plans_and_checks_syntax_and_io(
    server: FakeLLMServer, model, runner_for
) -> None:
    server.responder = always_wrong_model()
    result = await solve_with("CodeSIMC", model, runner_for, max_debug_tries=1)
    one_plan = ["planning", "simulation", "coding", "visible_tests", "debugging", "visible_tests"]
    assert stages(result) == one_plan * 3
    debugging = [r.last_user_text for r in server.requests if "find the bug by simulation" in r.last_user_text]
    assert len(debugging) == 3 and all("check the code for syntax errors" in text for text in debugging)
    assert (result.outcome, result.distinct_codes) == ("unsolved", 6)


async def test_plain_codesim_debugging_prompt_has_no_contest_checks(server: FakeLLMServer, model, runner_for) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(BAD_FUNCTIONS[0]), debug_answer(GOOD_FUNCTION))
    await solve_with("codesim", model, runner_for)
    assert "syntax errors" not in server.requests[3].last_user_text
    assert (
        "ERROR SOURCE: CODE" in server.requests[3].last_user_text
        and "PLAN instead of CODE" in server.requests[3].last_user_text
    )


GENERATION_1 = (
    "```python\nassert sum_squares([3]) == 9\nassert sum_squares([1, 1]) == 2\nassert sum_squares([2]) == 5\n"
    "assert sum_squares([1, 2]) == 5\n```"
)
GENERATION_2 = "assert sum_squares([3]) == 9\nassert sum_squares([1,1]) == 2\nassert sum_squares([2]) == 4\n"
PASSES_ONLY_VISIBLE = "def sum_squares(xs):\n    return 5 if xs else 0\n"


async def test_gen_tests_adds_agreed_tests_to_the_visible_ones(server: FakeLLMServer, model, runner_for) -> None:
    server.push(
        GENERATION_1, GENERATION_2, PLAN, SIMULATION_OK, fenced(PASSES_ONLY_VISIBLE), debug_answer(GOOD_FUNCTION)
    )
    result = await solve_with("codesim-gen-tests", model, runner_for, generated_tests=3)
    assert stages(result) == [
        "test_generation",
        "test_generation",
        "planning",
        "simulation",
        "coding",
        "visible_tests",
        "debugging",
        "visible_tests",
    ]
    assert result.outcome == "debug_round_1"
    assert server.requests[0].body["temperature"] == server.requests[1].body["temperature"] == 0.8
    assert server.requests[0].messages == server.requests[1].messages
    assert "2 agreed tests added" in result.trace.steps[1].note
    run_tests = [t["input"] for t in result.trace.steps[5].tests]
    assert run_tests == [
        "assert sum_squares([1, 2]) == 5",
        "assert sum_squares([]) == 0",
        "assert sum_squares([3]) == 9",
        "assert sum_squares([1, 1]) == 2",
    ]
    verdicts = [t["verdict"] for t in result.trace.steps[5].tests]
    assert verdicts[:2] == ["passed", "passed"] and verdicts[2] != "passed"  # caught by a generated test
    assert "assert sum_squares([3]) == 9" in server.requests[2].last_user_text  # shown as a sample test


async def test_gen_tests_without_agreement_adds_nothing(server: FakeLLMServer, model, runner_for) -> None:
    server.push("no tests here", GENERATION_2, PLAN, SIMULATION_OK, fenced(GOOD_FUNCTION))
    result = await solve_with("codesim-gen-tests", model, runner_for)
    assert result.trace.steps[0].note.startswith("fallback: no test")
    assert "0 agreed tests added" in result.trace.steps[1].note
    assert len(result.trace.steps[-1].tests) == 2


@pytest.mark.parametrize("problem", [FUNCTION_PROBLEM, STDIO_PROBLEM], ids=["function", "stdio"])
@pytest.mark.parametrize("name", ["codesim", "codesim-gen-tests", "mapcoder", "self-planning"])
async def test_no_prompt_ever_contains_a_hidden_test(server: FakeLLMServer, model, runner_for, name, problem) -> None:
    server.responder = always_wrong_model()
    strategy = create_strategy(name, max_debug_tries=1) if name != "self-planning" else create_strategy(name)
    result = await strategy.solve(problem.public, model, runner_for(problem.public), sample_index=0)
    assert result.outcome in {"unsolved", "no_code"} and len(server.requests) >= 2
    hidden = [str(test.input) for test in problem.hidden_tests] + [str(test.expected) for test in problem.hidden_tests]
    for request in server.requests:
        assert HIDDEN_MARKER not in request.all_text
        assert not any(text.strip() and text.strip() in request.all_text for text in hidden)


async def test_gen_tests_with_a_runner_that_takes_no_extra_tests(server: FakeLLMServer, model, runner_for) -> None:
    inner = runner_for(PUBLIC)

    async def visible_only(code: str):
        return await inner(code)

    server.push(GENERATION_1, GENERATION_2, PLAN, SIMULATION_OK, fenced(PASSES_ONLY_VISIBLE))
    result = await create_strategy("codesim-gen-tests").solve(PUBLIC, model, visible_only, sample_index=0)
    assert "generated tests not used" in result.trace.steps[1].note
    assert result.outcome == "first_code" and len(result.trace.steps[-1].tests) == 2
    assert "sum_squares([3]) == 9" not in server.requests[2].last_user_text
