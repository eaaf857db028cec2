"""codesim-adaptive and sample-filter against the fake LLM over real HTTP and the real sandbox:
the stage sequence of each main path, selection by execution, escalation with real execution
traces, budgets, and that no hidden test ever reaches a prompt or a choice."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import pytest
from strategies_support import (
    BAD_FUNCTIONS,
    FUNCTION_PROBLEM,
    GOOD_FUNCTION,
    GOOD_STDIO,
    HIDDEN_MARKER,
    PLAN,
    STDIO_PROBLEM,
    fenced,
    solve_with,
    stages,
)

from codesim.problems import ProblemKind, PublicProblem
from codesim.problems import TestCase as Case
from codesim.strategies.runtime_trace import MAX_TRACE_CHARS
from codesim.testing.fake_llm import FakeLLMServer, FakeRequest

# Passes both visible tests of FUNCTION_PROBLEM ([1, 2] -> 5, [] -> 0) but nothing else.
VISIBLE_ONLY = "def sum_squares(xs):\n    return 5 if xs else 0\n"
# Same behaviour as GOOD_FUNCTION, other text.
GOOD_LOOP = "def sum_squares(xs):\n    total = 0\n    for x in xs:\n        total += x * x\n    return total\n"
PROBE_CALLS = "```python\nsum_squares([3])\nsum_squares([1, 1, 1])\nsum_squares([-2, 5])\n```"


def stage_of(request: FakeRequest) -> str:
    """Which codesim-adaptive stage a request belongs to, from its instructions."""
    text = request.last_user_text
    for marker, stage in (
        ("write test inputs", "probe_inputs"),
        ("plan a solution", "planning"),
        ("write the code", "coding"),
        ("fix the code", "debugging"),
        ("Solve the problem above", "candidate"),
    ):
        if marker in text:
            return stage
    return "other"


def responder(answers: dict[str, Callable[[FakeRequest], str]]) -> Callable[[FakeRequest], str]:
    """A responder that answers each stage with its own function."""

    def respond(request: FakeRequest) -> str:
        return answers[stage_of(request)](request)

    return respond


def sampled(request: FakeRequest) -> bool:
    """Whether the request asked for a sampled (not greedy) answer."""
    return float(request.body.get("temperature") or 0) > 0


def requests_of(server: FakeLLMServer, stage: str) -> list[FakeRequest]:
    """The requests of one stage."""
    return [r for r in server.requests if stage_of(r) == stage]


def answers(requests: list[FakeRequest]) -> int:
    """How many answers `requests` asked for (OpenAI's `n` asks several in one request)."""
    return sum(int(r.body.get("n") or 1) for r in requests)


async def test_a_greedy_candidate_that_passes_ends_the_task_at_stage_one(server, model, runner_for) -> None:
    wrong = itertools.cycle(BAD_FUNCTIONS)
    server.responder = responder({"candidate": lambda r: fenced(next(wrong) if sampled(r) else GOOD_FUNCTION)})
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=4, greedy_first=False)
    assert result.visible_passed and result.outcome == "first_code"
    assert result.code == GOOD_FUNCTION
    assert stages(result)[:4] == ["candidate"] * 4
    assert "planning" not in stages(result) and "debugging" not in stages(result)
    # The greedy call and the sampled batch run side by side: their steps come in either order.
    candidates = sorted((s for s in result.trace.steps if s.stage == "candidate"), key=lambda s: s.attempt["candidate"])
    assert [s.attempt["candidate"] for s in candidates] == [1, 2, 3, 4]
    assert all(s.completion_tokens > 0 for s in candidates)
    # The 3 samples were asked in one request (`n`): its prompt is counted once, on the first.
    assert [int(r.body.get("n") or 1) for r in server.requests if sampled(r)] == [3]
    assert candidates[0].prompt_tokens > 0 and candidates[1].prompt_tokens > 0
    assert candidates[2].prompt_tokens == candidates[3].prompt_tokens == 0
    selection = result.trace.steps[-1]
    assert selection.stage == "selection" and "chose code #1" in selection.note


async def test_agreement_prefers_the_largest_group_over_the_greedy_candidate(server, model, runner_for) -> None:
    samples = iter([GOOD_FUNCTION, GOOD_LOOP, VISIBLE_ONLY])
    server.responder = responder(
        {
            "candidate": lambda r: fenced(next(samples) if sampled(r) else VISIBLE_ONLY),
            "probe_inputs": lambda r: PROBE_CALLS,
        }
    )
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=4, greedy_first=False)
    assert result.visible_passed
    assert result.code in (GOOD_FUNCTION, GOOD_LOOP)
    assert result.outcome == "sample"
    assert len(requests_of(server, "probe_inputs")) == 1
    assert answers(requests_of(server, "candidate")) == 4  # no tie: no more votes
    selection = next(s for s in result.trace.steps if s.stage == "selection")
    assert "largest of 2 groups" in selection.note and "(2 of 3)" in selection.note


def tie_then_votes_responder(server: FakeLLMServer) -> None:
    """Greedy VISIBLE_ONLY; samples GOOD_FUNCTION and a failing code (a tie of two groups of
    one), then GOOD_LOOP and a failing code for any further votes."""
    samples = iter([GOOD_FUNCTION, BAD_FUNCTIONS[0], GOOD_LOOP, BAD_FUNCTIONS[1]])
    server.responder = responder(
        {
            "candidate": lambda r: fenced(next(samples) if sampled(r) else VISIBLE_ONLY),
            "probe_inputs": lambda r: PROBE_CALLS,
        }
    )


async def test_a_tie_between_groups_asks_for_more_votes(server, model, runner_for) -> None:
    tie_then_votes_responder(server)
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=3, greedy_first=False, tie_votes=2)
    assert result.code in (GOOD_FUNCTION, GOOD_LOOP) and result.outcome == "sample"
    votes = [r for r in requests_of(server, "candidate") if int(r.body.get("n") or 1) == 2]
    assert len(votes) == 2 and all(sampled(r) for r in votes)  # the first samples, then the tie's votes
    numbers = sorted(s.attempt["candidate"] for s in result.trace.steps if s.stage == "candidate")
    assert numbers == [1, 2, 3, 4, 5]
    selection = next(s for s in result.trace.steps if s.stage == "selection")
    assert "(2 of 3)" in selection.note and "after a tie, 2 more candidates sampled" in selection.note
    assert len(requests_of(server, "probe_inputs")) == 1  # the voters run on the same probes


async def test_without_tie_votes_a_tie_goes_to_the_earliest_candidate(server, model, runner_for) -> None:
    tie_then_votes_responder(server)
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=3, greedy_first=False, tie_votes=0)
    assert result.code == VISIBLE_ONLY and result.outcome == "first_code"
    assert answers(requests_of(server, "candidate")) == 3
    selection = next(s for s in result.trace.steps if s.stage == "selection")
    assert "tie between groups of 1" in selection.note


async def test_without_agreement_the_first_passing_candidate_is_kept(server, model, runner_for) -> None:
    samples = iter([GOOD_FUNCTION, GOOD_LOOP, VISIBLE_ONLY])
    server.responder = responder({"candidate": lambda r: fenced(next(samples) if sampled(r) else VISIBLE_ONLY)})
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=4, agreement=False)
    assert result.code == VISIBLE_ONLY and result.outcome == "first_code"
    assert not requests_of(server, "probe_inputs")


async def test_sample_filter_keeps_the_first_passing_sample_and_never_escalates(server, model, runner_for) -> None:
    samples = iter([BAD_FUNCTIONS[0], GOOD_FUNCTION, GOOD_LOOP])
    server.responder = responder({"candidate": lambda r: fenced(next(samples) if sampled(r) else BAD_FUNCTIONS[1])})
    result = await solve_with("sample-filter", model, runner_for, candidates=4)
    # Concurrent requests meet the answers in any order: the kept code is the passing answer
    # of the lowest candidate number.
    steps = sorted((s for s in result.trace.steps if s.stage == "candidate"), key=lambda s: s.attempt["candidate"])
    answers = [s.response for s in steps]
    first_passing = next(code for a in answers for code in (GOOD_FUNCTION, GOOD_LOOP) if code.rstrip() in a)
    assert result.visible_passed and result.code == first_passing and result.outcome == "sample"
    assert {stage_of(r) for r in server.requests} == {"candidate"}


async def test_sample_filter_returns_the_greedy_code_when_nothing_passes(server, model, runner_for) -> None:
    wrong = itertools.cycle(BAD_FUNCTIONS[1:])
    server.responder = responder({"candidate": lambda r: fenced(next(wrong) if sampled(r) else BAD_FUNCTIONS[0])})
    result = await solve_with("sample-filter", model, runner_for, candidates=3)
    assert not result.visible_passed and result.outcome == "unsolved"
    assert result.code == BAD_FUNCTIONS[0]
    assert answers(server.requests) == 3 and len(server.requests) == 2


async def test_hidden_tests_never_decide_the_choice(server, model, runner_for) -> None:
    # The hidden test contradicts the visible ones: only VISIBLE_ONLY's behaviour agrees with
    # the visible tests AND the majority, so the choice must be it, whatever the hidden test says.
    contradicting = dataclasses.replace(
        FUNCTION_PROBLEM, hidden_tests=(Case("assert", f"assert sum_squares([1, 2]) == 3, '{HIDDEN_MARKER}'"),)
    )
    samples = iter([VISIBLE_ONLY.replace("5 if", "(5) if"), BAD_FUNCTIONS[0]])
    server.responder = responder(
        {
            "candidate": lambda r: fenced(next(samples) if sampled(r) else VISIBLE_ONLY),
            "probe_inputs": lambda r: PROBE_CALLS,
        }
    )
    result = await solve_with("codesim-adaptive", model, runner_for, contradicting.public, candidates=3)
    assert result.code == VISIBLE_ONLY  # BAD_FUNCTIONS[0] (sum) would pass the hidden test
    for request in server.requests:  # also checked by the `server` fixture for every test
        assert HIDDEN_MARKER not in request.all_text


NO_TESTS_PROBLEM = PublicProblem(
    task_id="toy/no_tests",
    prompt='def sum_squares(xs):\n    """Return the sum of the squares of the integers in xs."""\n',
    kind=ProblemKind.FUNCTION,
    entry_point="sum_squares",
)


async def test_without_visible_tests_agreement_alone_decides_and_the_trace_says_so(server, model, runner_for) -> None:
    samples = iter([GOOD_LOOP, "def sum_squares(xs) return 1\n", GOOD_FUNCTION.replace("x * x", "x ** 2")])
    server.responder = responder(
        {
            "candidate": lambda r: fenced(next(samples) if sampled(r) else BAD_FUNCTIONS[0]),
            "probe_inputs": lambda r: PROBE_CALLS,
        }
    )
    result = await solve_with("codesim-adaptive", model, runner_for, NO_TESTS_PROBLEM, candidates=4)
    assert result.code in (GOOD_LOOP, GOOD_FUNCTION.replace("x * x", "x ** 2"))
    selection = next(s for s in result.trace.steps if s.stage == "selection")
    assert selection.note.startswith("no visible tests: chosen by agreement alone")


LOOPING_WRONG = (
    "def sum_squares(xs):\n    total = 0\n    for i in range(300):\n        total += i % 2\n"
    "    return total * 0 + sum(xs)\n"
)


async def test_more_candidates_are_sampled_only_when_none_of_the_first_passes(server, model, runner_for) -> None:
    wrong = iter(BAD_FUNCTIONS)  # the first 2 candidates fail; the next batch holds a good one
    server.responder = responder(
        {"candidate": lambda r: fenced(next(wrong, GOOD_FUNCTION)), "planning": lambda r: PLAN}
    )
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=2, more_candidates=3)
    assert result.visible_passed and result.code == GOOD_FUNCTION and result.outcome == "sample"
    assert not requests_of(server, "planning")  # passing candidates: no escalation
    later = [r for r in requests_of(server, "candidate") if int(r.body.get("n") or 1) == 3]
    assert len(later) == 1 and sampled(later[0])  # the 3 more asked at once, sampled
    numbers = [s.attempt["candidate"] for s in result.trace.steps if s.stage == "candidate"]
    assert sorted(numbers) == [1, 2, 3, 4, 5]
    assert any("none of the first 2 candidates passed: 3 more" in s.note for s in result.trace.steps)


async def test_no_more_candidates_when_one_of_the_first_passes(server, model, runner_for) -> None:
    server.responder = responder({"candidate": lambda r: fenced(BAD_FUNCTIONS[0] if sampled(r) else GOOD_FUNCTION)})
    result = await solve_with(
        "codesim-adaptive", model, runner_for, candidates=2, more_candidates=3, greedy_first=False
    )
    assert result.visible_passed and answers(requests_of(server, "candidate")) == 2


async def test_greedy_first_asks_nothing_more_when_the_greedy_candidate_passes(server, model, runner_for) -> None:
    server.responder = responder({"candidate": lambda r: fenced(BAD_FUNCTIONS[0] if sampled(r) else GOOD_FUNCTION)})
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=4)  # greedy first by default
    assert result.visible_passed and result.code == GOOD_FUNCTION and result.outcome == "first_code"
    assert answers(requests_of(server, "candidate")) == 1 and not any(sampled(r) for r in server.requests)
    assert not requests_of(server, "probe_inputs")  # one passing code: nothing to agree on


async def test_greedy_first_samples_the_others_after_the_greedy_candidate_fails(server, model, runner_for) -> None:
    samples = iter([BAD_FUNCTIONS[1], GOOD_FUNCTION, GOOD_LOOP])
    server.responder = responder(
        {
            "candidate": lambda r: fenced(next(samples) if sampled(r) else BAD_FUNCTIONS[0]),
            "probe_inputs": lambda r: PROBE_CALLS,
        }
    )
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=4, greedy_first=True)
    assert result.visible_passed and result.code in (GOOD_FUNCTION, GOOD_LOOP) and result.outcome == "sample"
    candidate_requests = requests_of(server, "candidate")
    assert [int(r.body.get("n") or 1) for r in candidate_requests] == [1, 3]  # the greedy one, then 3 at once
    assert not sampled(candidate_requests[0]) and sampled(candidate_requests[1])
    assert any("the first candidate failed: 3 more" in s.note for s in result.trace.steps)
    assert stages(result).index("visible_tests") < stages(result).index("candidate", 1)  # tested before sampling


async def test_greedy_first_still_samples_at_once_without_visible_tests(server, model, runner_for) -> None:
    server.responder = responder(
        {
            "candidate": lambda r: fenced(GOOD_LOOP if sampled(r) else GOOD_FUNCTION),
            "probe_inputs": lambda r: PROBE_CALLS,
        }
    )
    result = await solve_with("codesim-adaptive", model, runner_for, NO_TESTS_PROBLEM, candidates=4, greedy_first=True)
    assert answers(requests_of(server, "candidate")) == 4
    selection = next(s for s in result.trace.steps if s.stage == "selection")
    assert selection.note.startswith("no visible tests: chosen by agreement alone")


async def test_escalation_plans_codes_and_debugs_with_a_real_execution_trace(server, model, runner_for) -> None:
    wrong = itertools.cycle(BAD_FUNCTIONS)
    server.responder = responder(
        {
            "candidate": lambda r: fenced(next(wrong)),
            "planning": lambda r: PLAN,
            "coding": lambda r: fenced(LOOPING_WRONG),
            "debugging": lambda r: fenced(GOOD_FUNCTION, prefix="The loop adds the items, not their squares."),
        }
    )
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=2, more_candidates=0, plans=3)
    assert result.visible_passed and result.code == GOOD_FUNCTION
    assert result.outcome == "plan_2_debug_1"
    assert answers(requests_of(server, "planning")) == 3 and len(requests_of(server, "planning")) == 1
    planning_prompt = requests_of(server, "planning")[0].last_user_text
    assert "Codes that already failed" in planning_prompt and "return sum(xs)" in planning_prompt
    traces = [s for s in result.trace.steps if s.stage == "execution_trace"]
    assert traces and all(0 < len(s.response) <= MAX_TRACE_CHARS + 10 for s in traces)
    looping = next(s for s in traces if "range(300)" in s.response)
    assert "more events" in looping.response  # 300 iterations, bounded to its first and last lines
    assert "total=" in looping.response and "return from sum_squares" in looping.response
    debugging_prompt = requests_of(server, "debugging")[0].last_user_text
    assert "# Execution trace of the failing test" in debugging_prompt
    assert "line sum_squares:" in debugging_prompt
    assert "Actual output" in debugging_prompt  # the real output of the failing test


@pytest.mark.parametrize(
    ("model_name", "escalate", "escalated"),
    [
        ("qwen2.5-coder-0.5b", None, False),
        ("qwen2.5-coder-0.5b", True, True),
        ("qwen2.5-coder-1.5b-instruct-q4_k_m", None, False),  # the name a --model-path run takes
        ("fake", None, True),
        ("fake", False, False),
    ],
)
async def test_escalation_is_off_by_default_only_for_the_embedded_models(
    server, model, runner_for, model_name, escalate, escalated
) -> None:
    server.responder = responder(
        {
            "candidate": lambda r: fenced(BAD_FUNCTIONS[0]),
            "planning": lambda r: PLAN,
            "coding": lambda r: fenced(GOOD_FUNCTION),
        }
    )
    model.params = dataclasses.replace(model.params, model=model_name)  # the name the strategy sees
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=2, more_candidates=0, escalate=escalate)
    assert bool(requests_of(server, "planning")) == escalated
    assert result.visible_passed == escalated
    skipped_note = f"no escalation: off by default for {model_name}"
    assert any(skipped_note in s.note for s in result.trace.steps) == (escalate is None and not escalated)


@pytest.mark.parametrize("fence_stop", [True, False])
async def test_answers_with_code_end_at_their_first_closing_fence(server, model, runner_for, fence_stop) -> None:
    # Each answer goes on after its code with a second, wrong block: what a real server sends
    # back with the stop string is the first block only.
    def rambling(code: str) -> Callable[[FakeRequest], str]:
        return lambda r: fenced(code) + "Or, shorter:\n" + fenced(BAD_FUNCTIONS[0])

    server.responder = responder(
        {
            "candidate": rambling(BAD_FUNCTIONS[1]),
            "planning": lambda r: PLAN,
            "coding": rambling(BAD_FUNCTIONS[2]),
            "debugging": rambling(GOOD_FUNCTION),
        }
    )
    result = await solve_with(
        "codesim-adaptive", model, runner_for, candidates=2, more_candidates=0, fence_stop=fence_stop
    )
    code_stages = {"candidate", "coding", "debugging"}
    for request in server.requests:
        expected = ["\n```\n"] if fence_stop and stage_of(request) in code_stages else None
        assert request.body.get("stop") == expected, stage_of(request)
    assert {stage_of(r) for r in server.requests} >= code_stages | {"planning"}
    # Without the stop, the last block of each answer is the code read: the wrong one.
    assert result.visible_passed is fence_stop
    assert (result.code == GOOD_FUNCTION) is fence_stop


async def test_no_execution_trace_option_leaves_it_out(server, model, runner_for) -> None:
    wrong = itertools.cycle(BAD_FUNCTIONS)
    server.responder = responder(
        {
            "candidate": lambda r: fenced(next(wrong)),
            "planning": lambda r: PLAN,
            "coding": lambda r: fenced(BAD_FUNCTIONS[0]),
            "debugging": lambda r: fenced(GOOD_FUNCTION),
        }
    )
    result = await solve_with(
        "codesim-adaptive", model, runner_for, candidates=2, more_candidates=0, execution_trace=False
    )
    assert result.visible_passed
    assert "execution_trace" not in stages(result)
    assert "Execution trace" not in requests_of(server, "debugging")[0].last_user_text


async def test_the_call_budget_holds_and_the_best_code_is_returned(server, model, runner_for) -> None:
    half_right = "def sum_squares(xs):\n    return 0\n"  # passes the [] -> 0 test only
    server.responder = responder(
        {
            "candidate": lambda r: fenced(half_right if not sampled(r) else BAD_FUNCTIONS[0]),
            "planning": lambda r: PLAN,
            "coding": lambda r: fenced(BAD_FUNCTIONS[2]),
            "debugging": lambda r: fenced(BAD_FUNCTIONS[3]),
        }
    )
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=4, more_candidates=0, task_max_calls=6)
    assert result.trace.llm_calls <= 6 and answers(server.requests) <= 6
    assert not result.visible_passed and result.outcome == "unsolved"
    assert result.code == half_right  # 1 of 2 visible tests, more than any other code
    assert any("task_max_calls=6" in s.note for s in result.trace.steps)


async def test_calls_started_side_by_side_count_against_the_budget(server, model, runner_for) -> None:
    wrong = itertools.cycle(BAD_FUNCTIONS)
    server.responder = responder(
        {
            "candidate": lambda r: fenced(next(wrong)),
            "planning": lambda r: PLAN,
            "coding": lambda r: fenced(next(wrong)),
            "debugging": lambda r: fenced(next(wrong)),
        }
    )
    # 4 candidates + 3 plans leave room for 2 of the 3 coding calls that start together.
    result = await solve_with(
        "codesim-adaptive", model, runner_for, candidates=4, more_candidates=0, plans=3, task_max_calls=9
    )
    assert result.trace.llm_calls == answers(server.requests) == 9
    assert [s.stage for s in result.trace.steps if s.tests is None].count("coding") == 2


async def test_a_spent_budget_still_returns_a_passing_code(server, model, runner_for) -> None:
    samples = iter([GOOD_FUNCTION, GOOD_LOOP, VISIBLE_ONLY])
    server.responder = responder({"candidate": lambda r: fenced(next(samples) if sampled(r) else VISIBLE_ONLY)})
    result = await solve_with("codesim-adaptive", model, runner_for, candidates=4, task_max_calls=4, greedy_first=False)
    assert result.visible_passed and answers(server.requests) == 4  # no probe call: chosen on mutations
    assert result.code in (GOOD_FUNCTION, GOOD_LOOP)


def test_default_budgets_are_on() -> None:
    from codesim.strategies.registry import get_spec

    options = get_spec("CodeSIMAdaptive").default_options()
    assert options.task_max_calls and options.task_max_tokens


async def test_stdio_problems_take_the_same_flow_with_traced_programs(server, model, runner_for) -> None:
    wrong_stdio = "a, b = map(int, input().split())\nprint(a - b)\n"
    server.responder = responder(
        {
            "candidate": lambda r: fenced(wrong_stdio),
            "planning": lambda r: PLAN,
            "coding": lambda r: fenced(wrong_stdio),
            "debugging": lambda r: fenced(GOOD_STDIO),
        }
    )
    result = await solve_with("codesim-adaptive", model, runner_for, STDIO_PROBLEM.public, candidates=2)
    assert result.visible_passed and result.code == GOOD_STDIO
    trace = next(s for s in result.trace.steps if s.stage == "execution_trace")
    assert "a=2" in trace.response and "b=3" in trace.response


CPP_PROBLEM = dataclasses.replace(STDIO_PROBLEM.public, task_id="toy/add-cpp", language="cpp")
GOOD_CPP = "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<std::endl;}\n"
WRONG_CPP = "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a*b<<std::endl;}\n"


async def test_a_cpp_problem_goes_through_the_same_flow_without_a_trace(server, model, runner_for) -> None:
    server.responder = responder(
        {
            "candidate": lambda r: f"```cpp\n{WRONG_CPP}```",
            "planning": lambda r: PLAN,
            "coding": lambda r: f"```cpp\n{WRONG_CPP}```",
            "debugging": lambda r: f"```cpp\n{GOOD_CPP}```",
        }
    )
    result = await solve_with("codesim-adaptive", model, runner_for, CPP_PROBLEM, candidates=2)
    assert result.visible_passed and result.code == GOOD_CPP
    assert "execution_trace" not in stages(result)
    assert "Execution trace" not in requests_of(server, "debugging")[0].last_user_text


@pytest.mark.parametrize("name", ["codesim-adaptive", "CodeSIMAdaptive", "sample-filter"])
def test_names_resolve(name: str) -> None:
    from codesim.strategies.registry import get_spec

    assert get_spec(name).name in ("codesim-adaptive", "sample-filter")
