"""The baselines: direct, CoT, analogical, self-planning and MapCoder."""

from __future__ import annotations

import pytest
from strategies_support import (
    BAD_FUNCTIONS,
    GOOD_FUNCTION,
    GOOD_STDIO,
    STDIO_PROBLEM,
    debug_answer,
    fenced,
    solve_with,
    stages,
    user_texts,
)

from codesim.testing.fake_llm import FakeLLMServer


@pytest.mark.parametrize(
    ("name", "phrase"),
    [("direct", "Solve the problem above."), ("cot", "reason step by step"), ("analogical", "recall three relevant")],
)
async def test_single_call_baselines(server: FakeLLMServer, model, runner_for, name: str, phrase: str) -> None:
    server.push(fenced(GOOD_FUNCTION))
    result = await solve_with(name, model, runner_for)
    assert stages(result) == ["generation", "visible_tests"]
    assert (result.outcome, result.visible_passed, result.code, result.distinct_codes) == (
        "first_code",
        True,
        GOOD_FUNCTION,
        1,
    )
    assert phrase in server.requests[0].last_user_text


async def test_single_call_failure_is_not_debugged(server: FakeLLMServer, model, runner_for) -> None:
    server.push(fenced(BAD_FUNCTIONS[0]))
    result = await solve_with("Direct", model, runner_for)
    assert stages(result) == ["generation", "visible_tests"]
    assert (result.outcome, result.visible_passed, result.code) == ("unsolved", False, BAD_FUNCTIONS[0])


async def test_single_call_without_code(server: FakeLLMServer, model, runner_for) -> None:
    server.push("no idea", "still none")
    result = await solve_with("cot", model, runner_for)
    assert stages(result) == ["generation", "generation"]
    assert (result.outcome, result.code) == ("no_code", "")


async def test_self_planning_plans_then_codes(server: FakeLLMServer, model, runner_for) -> None:
    server.push("1. Read the line.\n2. Print the sum of the two numbers.", fenced(GOOD_STDIO))
    result = await solve_with("SelfPlanning", model, runner_for, problem=STDIO_PROBLEM.public)
    assert stages(result) == ["planning", "coding", "visible_tests"]
    assert result.outcome == "first_code"
    assert "2. Print the sum of the two numbers." in server.requests[1].last_user_text
    assert "standard input" in server.requests[1].last_user_text


RETRIEVAL = """## Example 1
Problem: sum of a list. Plan: add up. Code: sum(xs)

## Example 2
Problem: largest square. Plan: square and take max.

## Example 3
Problem: count evens. Plan: loop and count.

## Algorithm
Linear scan: visit every element once and keep a running total.
"""


async def test_mapcoder_codes_plans_by_confidence_and_debugs_each(server: FakeLLMServer, model, runner_for) -> None:
    server.push(
        RETRIEVAL,
        "1. Add the items.\nCONFIDENCE: 40",
        "1. Square each item.\n2. Sum the squares.\n**Confidence: 90**",
        "1. Count.\nconfidence is about 10%",
        fenced(BAD_FUNCTIONS[0]),
        debug_answer(BAD_FUNCTIONS[1]),
        fenced(GOOD_FUNCTION),
    )
    result = await solve_with("MapCoder", model, runner_for, max_debug_tries=1)
    assert stages(result) == [
        "retrieval",
        "planning",
        "planning",
        "planning",
        "coding",
        "visible_tests",
        "debugging",
        "visible_tests",
        "coding",
        "visible_tests",
    ]
    assert (result.outcome, result.distinct_codes) == ("plan_2", 3)
    texts = user_texts(server)
    assert "Problem: largest square" in texts[2] and "Problem: sum of a list" not in texts[2]
    assert all("Linear scan: visit every element" in texts[i] for i in (1, 2, 3, 4, 6))
    assert "Square each item" in texts[4] and "CONFIDENCE" not in texts[4].split("# Plan")[1].split("# Your task")[0]
    assert "Add the items" in texts[6]
    notes = [step.note for step in result.trace.steps[1:4]]
    assert notes[0] == "confidence 40" and notes[1] == "confidence 90"
    assert notes[2].startswith("fallback: no CONFIDENCE line; read 10")


async def test_mapcoder_with_unstructured_retrieval_still_plans(server: FakeLLMServer, model, runner_for) -> None:
    server.push(
        "Some related problems are sums and products.", "1. square\n2. sum\nCONFIDENCE: 80", fenced(GOOD_FUNCTION)
    )
    result = await solve_with("mapcoder", model, runner_for)
    assert stages(result) == ["retrieval", "planning", "coding", "visible_tests"]
    assert result.trace.steps[0].note.count("fallback:") == 2  # no examples, no algorithm section
    assert result.outcome == "first_code"
