"""The parts of codesim-adaptive: probe inputs, agreement grouping, execution-trace programs
(run in the real sandbox), and `chat_many` caching each answer under its own sample index."""

from __future__ import annotations

from codesim.execution import Sandbox
from codesim.execution import TestReport as Report
from codesim.execution.verdicts import TestResult as Result
from codesim.execution.verdicts import Verdict
from codesim.llm.base import ChatParams, Message
from codesim.llm.cache import ResponseCache
from codesim.llm.chat import ChatModel
from codesim.llm.openai_provider import OpenAIProvider
from codesim.problems import ProblemKind, PublicProblem
from codesim.problems import TestCase as Case
from codesim.strategies.agreement import behaviour, choose
from codesim.strategies.probes import call_arguments, mutated_arguments, probe_tests
from codesim.strategies.runtime_trace import MAX_TRACE_CHARS, read_trace, traceable, traced_run
from codesim.testing.fake_llm import FakeLLMServer

FUNCTION = PublicProblem(
    task_id="t/f",
    prompt="def f(xs, k): ...",
    kind=ProblemKind.FUNCTION,
    entry_point="f",
    visible_tests=(Case("assert", "assert f([1, 2], 3) == 4"),),
)


def test_call_arguments_reads_literal_calls_and_skips_the_rest() -> None:
    source = "Here:\nf([1], 2)\nassert f('a', -1) == 3\nf(x, 2)\nf(1, k=2)\ng(5)\nprint(f((1, 2), {'a': 1}))\n"
    assert call_arguments(source, "f") == [[[1], 2], ["a", -1], [(1, 2), {"a": 1}]]
    assert call_arguments("Solution().f(3)", "Solution.f") == [[3]]


def test_mutations_change_one_argument_and_keep_its_type() -> None:
    variants = list(mutated_arguments([[[1, 2], 3]]))
    assert [[2, 1], 3] in variants and [[1, 2], 4] in variants and [[], 3] in variants
    assert all(len(v) == 2 and isinstance(v[0], list) and isinstance(v[1], int) for v in variants)
    assert all(sum(a != b for a, b in zip(v, [[1, 2], 3], strict=True)) == 1 for v in variants)


def test_probe_tests_put_model_inputs_first_and_leave_out_visible_ones() -> None:
    probes = probe_tests(FUNCTION, "```python\nf([1, 2], 3)\nf([5], 0)\n```", limit=4)
    assert probes[0] == Case("call", [[5], 0], None)  # f([1, 2], 3) is the visible test's input
    assert len(probes) == 4 and len({repr(p.input) for p in probes}) == 4
    stdio = PublicProblem("t/s", "add", ProblemKind.STDIO, visible_tests=(Case("io", "1 2\n", "3\n"),))
    assert probe_tests(stdio, "```\n1 2\n```\n```\n4 5\n```") == (Case("io", "4 5\n", ""),)


def _report(*outcomes: tuple[Verdict, str]) -> Report:
    return Report.from_results([Result(Case("call", []), verdict, actual) for verdict, actual in outcomes])


def test_behaviour_equates_finished_outputs_and_same_failures() -> None:
    assert behaviour(_report((Verdict.FAILED, "3 \n"))) == behaviour(_report((Verdict.PASSED, "3")))
    assert behaviour(_report((Verdict.TIMEOUT, "partial"))) == behaviour(_report((Verdict.TIMEOUT, "")))
    assert behaviour(_report((Verdict.FAILED, "3"))) != behaviour(_report((Verdict.FAILED, "4")))


def test_choose_takes_the_largest_group_then_the_earliest() -> None:
    a, b = (("out", "1"),), (("out", "2"),)
    largest = choose([1, 2, 3], {1: a, 2: b, 3: b})
    assert largest.candidate == 2 and not largest.tied
    tie = choose([4, 2, 3, 5], {4: a, 2: b, 3: a, 5: b})
    assert tie.candidate == 4 and tie.tied and "tie" in tie.reason
    assert not choose([1, 2], {1: a, 2: a}).tied
    assert choose([7], {7: a}).group_size == 1


async def test_traced_runs_report_bounded_variable_states_in_the_sandbox() -> None:
    code = "def f(xs, k):\n    total = 0\n    for i in range(2000):\n        total += i\n    return total + k\n"
    async with Sandbox(workers=1) as sandbox:
        run = traced_run(FUNCTION, code, FUNCTION.visible_tests[0])
        report = await sandbox.run_problem_tests(FUNCTION, run.code, [run.test])
        trace = read_trace(report.results[0].error)
        call = Case("call", [[1], 2], 9)
        run = traced_run(FUNCTION, "def f(xs, k):\n    return xs[k]\n", call)
        report = await sandbox.run_problem_tests(FUNCTION, run.code, [run.test])
        crash = read_trace(report.results[0].error)
        example = "def f(xs, k):\n    return k\n\nassert f([1], 2) == 3\n"  # fails while loading
        run = traced_run(FUNCTION, example, FUNCTION.visible_tests[0])
        report = await sandbox.run_problem_tests(FUNCTION, run.code, [run.test])
        loading = read_trace(report.results[0].error)
    assert loading is not None and "line <module>:4  assert f([1], 2) == 3" in loading
    assert "return from f: 2" in loading and "the test raised AssertionError" in loading
    assert trace is not None and len(trace) <= MAX_TRACE_CHARS
    assert "line f:2  total = 0   | xs=[1, 2], k=3" in trace
    assert "more events" in trace and "return from f: 1999003" in trace
    assert "the test raised AssertionError" in trace
    assert crash is not None and "exception at f:2: IndexError" in crash


def test_only_python_tests_are_traceable() -> None:
    assert traceable(FUNCTION, FUNCTION.visible_tests[0])
    cpp = PublicProblem("t/c", "x", ProblemKind.STDIO, language="cpp", visible_tests=(Case("io", "1", "1"),))
    assert not traceable(cpp, cpp.visible_tests[0])
    method = PublicProblem("t/m", "x", ProblemKind.FUNCTION, entry_point="Solution.f")
    assert not traceable(method, Case("call", [1], 1))


def test_read_trace_cuts_a_long_trace_in_the_middle() -> None:
    text = "noise CODESIM-EXECUTION-TRACE\n" + "x" * 10_000 + "\nEND-OF-TRACE\nexit code 3"
    trace = read_trace(text)
    assert trace is not None and len(trace) <= MAX_TRACE_CHARS + 5 and "\n...\n" in trace
    assert read_trace("no marker here") is None


async def test_chat_many_caches_each_answer_under_its_own_sample_index(tmp_path) -> None:
    with FakeLLMServer(responder=lambda request: f"answer {len(request.body)}") as server:
        provider = OpenAIProvider("key", server.openai_base_url, 30)
        model = ChatModel(provider, ChatParams(model="m", temperature=0.8), cache=ResponseCache(tmp_path / "c.sqlite3"))
        messages = [Message("user", "hi")]
        first = await model.chat_many(messages, 3, sample_index=4)
        assert [r.body.get("n") for r in server.requests] == [3] and not any(r.cached for r in first)
        one = await model.chat(messages, sample_index=5)  # the same key as the second answer
        assert one.cached and one.text == first[1].text
        again = await model.chat_many(messages, 4, sample_index=4)  # three cached, one new
        assert [r.cached for r in again] == [True, True, True, False]
        assert len(server.requests) == 2 and "n" not in server.requests[1].body
        await model.aclose()
