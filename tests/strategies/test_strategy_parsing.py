"""Reading verdicts, sections, confidences and generated tests from model answers."""

from __future__ import annotations

import pytest

from codesim.strategies.base import TraceStep
from codesim.strategies.generated_tests import agreed_tests
from codesim.strategies.parsing import (
    algorithm_section,
    assert_tests,
    confidence,
    count_fallbacks,
    error_source,
    exemplars,
    io_tests,
    plan_section,
    plan_verdict,
)


@pytest.mark.parametrize(
    ("text", "needs_changes"),
    [
        ("trace...\nVERDICT: PLAN IS CORRECT", False),
        ("trace...\nVERDICT: PLAN NEEDS CHANGES", True),
        ("**Verdict: plan needs changes**", True),
        ("- VERDICT: PLAN IS CORRECT.", False),
        ("VERDICT: PLAN NEEDS CHANGES\nafter a second look:\nVERDICT: PLAN IS CORRECT", False),
        ("<think>VERDICT: PLAN NEEDS CHANGES</think>\nVERDICT: PLAN IS CORRECT", False),
    ],
)
def test_verdict_line(text: str, needs_changes: bool) -> None:
    assert plan_verdict(text) == (needs_changes, "")


def test_verdict_phrase_inside_a_sentence_is_not_the_verdict_line() -> None:
    needs, note = plan_verdict("I am not sure whether VERDICT: PLAN IS CORRECT applies; the output is incorrect.")
    assert needs is True and note.startswith("fallback:")


@pytest.mark.parametrize(
    ("text", "needs_changes"),
    [
        ("The result 3 does not match the expected 5.", True),
        ("There is a mismatch in step 2.", True),
        ("So the plan needs to be modified.", True),
        ("We get 5, as expected. Looks good.", False),
        ("The plan was correct.", False),
        ("At first the output does not match, but after fixing step 2 the plan is correct.", False),
        ("The plan is correct for the first sample, but the second result does not match.", True),
    ],
)
def test_verdict_fallback(text: str, needs_changes: bool) -> None:
    needs, note = plan_verdict(text)
    assert needs is needs_changes and note.startswith("fallback: no VERDICT line")


def test_error_source() -> None:
    assert error_source("...\nERROR SOURCE: PLAN\n```python\n```") == ("plan", "")
    assert error_source("**Error source: code**") == ("code", "")
    assert error_source("The code has a bug in the plan. The plan is trying...") == (
        "plan",
        "fallback: no ERROR SOURCE line; 'bug in the plan' read as 'plan'",
    )
    assert error_source("So the code is wrong at step 3.")[0] == "code"
    echoed = "with PLAN instead of CODE on the ERROR SOURCE line if the plan itself is wrong"
    assert error_source(echoed) == ("unknown", "fallback: no ERROR SOURCE line")
    assert error_source("Tracing [1, 2] gives 3.") == ("unknown", "fallback: no ERROR SOURCE line")


def test_confidence() -> None:
    assert confidence("plan\nCONFIDENCE: 85") == (85, "")
    assert confidence("plan\nConfidence: 250") == (100, "")
    value, note = confidence("I am fairly confident, maybe 60%.")
    assert value == 60 and note.startswith("fallback:")
    assert confidence("no number") == (0, "fallback: no confidence given; used 0")


def test_plan_section_takes_the_last_plan_heading() -> None:
    text = "## Related problem\nPlan:\n1. old\n\n## Algorithm\nDP\n\n## Plan\n1. new step\n2. done\nCONFIDENCE: 50"
    assert plan_section(text) == ("1. new step\n2. done", "")
    assert plan_section("**Step-by-step plan:**\n1. a")[0] == "1. a"
    plan, note = plan_section("1. just steps")
    assert plan == "1. just steps" and note.startswith("fallback:")


def test_plan_section_stops_at_an_echo_of_the_prompt() -> None:
    echo = (
        "## Plan\n1. sort\n2. compare neighbours\n\n### Attempts that already failed\n"
        "## Failed attempt 1\nPlan:\n1. old idea\nWhat happened:\nfailed"
    )
    assert plan_section(echo) == ("1. sort\n2. compare neighbours", "")


def test_plan_section_keeps_sub_headings_and_bare_lines() -> None:
    text = "## Plan\n### Step 1\nRead the input\n### Step 2\nPrint it\n## Code\n```python\nprint(1)\n```"
    assert plan_section(text) == ("### Step 1\nRead the input\n### Step 2\nPrint it", "")
    assert plan_section("**Plan:**\n1. a\nThen return\n**Notes**\nx") == ("1. a\nThen return", "")


def test_exemplars_and_algorithm() -> None:
    text = "intro\n## Example 1\nA\n### Example 2\nB\n## Algorithm\nTwo pointers."
    assert exemplars(text, 3) == (["## Example 1\nA", "### Example 2\nB"], "fallback: found 2 of 3 examples")
    assert exemplars(text, 2)[1] == ""
    assert algorithm_section(text) == ("Two pointers.", "")
    assert algorithm_section("nothing")[1].startswith("fallback:")


def test_generated_tests_agree_on_normalised_calls() -> None:
    first = assert_tests("```python\nassert f([1,2]) == 3\nassert f([]) == 0\nassert f([5]) == 5\nassert x\n```")
    second = assert_tests("assert f([1, 2]) == 3\nassert f([]) == 1\nassert f([5]) == (5)\nassert f([5]) == 6")
    assert [t.source for t in agreed_tests(first, second)] == ["assert f([1, 2]) == 3", "assert f([5]) == 5"]


def test_io_tests_parse_and_agree() -> None:
    first = io_tests("Input:\n1 2\nOutput:\n3\n\nInput:\n```\n5 5\n```\nOutput:\n```\n10\n```\n")
    second = io_tests("**Input:**\n1  2\n**Output:**\n3\nInput:\n5 5\nExpected output:\n11\n")
    assert [(t.source, t.expected_output) for t in first] == [("1 2\n", "3\n"), ("5 5\n", "10\n")]
    assert [t.source for t in agreed_tests(first, second)] == ["1 2\n"]


def test_count_fallbacks_over_notes() -> None:
    steps = [
        TraceStep("planning", note="fallback: a; fallback: b"),
        TraceStep("coding", note="code #1"),
        TraceStep("x"),
    ]
    assert count_fallbacks(steps) == 2
