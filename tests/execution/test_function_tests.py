"""Python function-level tests (HumanEval/MBPP asserts, LeetCode-style calls) through the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codesim.execution import Sandbox, Verdict
from codesim.problems import ProblemKind
from codesim.problems import TestCase as Case

HUMANEVAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "humaneval" / "HumanEval.jsonl"
FUNCTION = ProblemKind.FUNCTION
ADD = "def add(a, b):\n    return a + b\n"


async def test_per_test_results_with_input_expected_actual_and_error(sandbox: Sandbox) -> None:
    tests = [
        Case("assert", "assert add(1, 2) == 3"),
        Case("call", [2, 2], 4),
        Case("call", [2, 3], 6),
        Case("assert", "assert add(2, 2) == 5, add(2, 2)"),
        Case("assert", "add(1)"),
    ]
    report = await sandbox.run_tests(ADD, tests, kind=FUNCTION, entry_point="add")
    assert [r.verdict for r in report.results] == [
        Verdict.PASSED,
        Verdict.PASSED,
        Verdict.FAILED,
        Verdict.FAILED,
        Verdict.RUNTIME_ERROR,
    ]
    assert report.verdict is Verdict.FAILED and not report.passed
    assert report.results[2].actual == "5" and "expected 6" in report.results[2].error
    assert report.results[3].actual == "4"
    assert (
        "TypeError" in report.results[4].error and "missing 1 required positional argument" in report.results[4].error
    )
    feedback = report.feedback()
    assert "2/5 tests passed" in feedback
    assert "input: [2, 3]" in feedback and "expected output: 6" in feedback and "Actual output: 5" in feedback
    assert "assert add(2, 2) == 5" in feedback and "TypeError" in feedback


async def test_all_passing(sandbox: Sandbox) -> None:
    report = await sandbox.run_tests(
        ADD, [Case("call", [1, 2], 3), Case("call", ["a", "b"], "ab")], kind=FUNCTION, entry_point="add"
    )
    assert report.passed and report.verdict is Verdict.PASSED


async def test_a_test_that_hangs_times_out_and_later_tests_still_run(sandbox: Sandbox) -> None:
    code = "def f(x):\n    while x == 2:\n        pass\n    return x\n"
    tests = [Case("call", [1], 1), Case("call", [2], 2), Case("call", [3], 3)]
    report = await sandbox.run_tests(code, tests, kind=FUNCTION, entry_point="f", time_limit_s=1.5)
    assert [r.verdict for r in report.results] == [Verdict.PASSED, Verdict.TIMEOUT, Verdict.PASSED]
    assert report.verdict is Verdict.TIMEOUT


async def test_stop_at_first_failure(sandbox: Sandbox) -> None:
    tests = [Case("call", [1, 1], 3), Case("call", [1, 2], 3)]
    report = await sandbox.run_tests(ADD, tests, kind=FUNCTION, entry_point="add", stop_at_first_failure=True)
    assert [r.verdict for r in report.results] == [Verdict.FAILED]


async def test_code_that_does_not_compile_fails_every_test(sandbox: Sandbox) -> None:
    report = await sandbox.run_tests(
        "def add(a, b) return a", [Case("call", [1, 2], 3)] * 2, kind=FUNCTION, entry_point="add"
    )
    assert [r.verdict for r in report.results] == [Verdict.RUNTIME_ERROR] * 2
    assert "SyntaxError" in report.results[0].error


async def test_solution_method_entry_point_and_float_tolerance(sandbox: Sandbox) -> None:
    code = "class Solution:\n    def mean(self, xs):\n        return sum(xs) / len(xs)\n"
    tests = [Case("call", [[1, 2]], 1.5), Case("call", [[0.1, 0.2]], 0.15000000001), Case("call", [[1, 1]], 1.1)]
    report = await sandbox.run_tests(code, tests, kind=FUNCTION, entry_point="Solution.mean")
    assert [r.verdict for r in report.results] == [Verdict.PASSED, Verdict.PASSED, Verdict.FAILED]


async def test_plain_data_of_every_builtin_kind_round_trips(sandbox: Sandbox) -> None:
    code = "def f():\n    return (1, [2.5, None], {'a': {3}}, b'x', True)\n"
    report = await sandbox.run_tests(
        code, [Case("call", [], [1, [2.5, None], {"a": {3}}, b"x", True])], kind=FUNCTION, entry_point="f"
    )
    assert report.passed, report.feedback()


async def test_memory_limit_in_a_function_test(sandbox: Sandbox) -> None:
    code = "def f():\n    return len(bytearray(2 * 1024**3))\n"
    report = await sandbox.run_tests(code, [Case("call", [], 0)], kind=FUNCTION, entry_point="f", memory_mb=256)
    assert report.verdict is Verdict.MEMORY_LIMIT


@pytest.mark.skipif(not HUMANEVAL.exists(), reason="HumanEval data not present in ../shared/data")
async def test_humaneval_canonical_solutions_pass_and_a_wrong_one_fails(sandbox: Sandbox) -> None:
    rows = [json.loads(line) for line in HUMANEVAL.read_text().splitlines()[:8]]
    for row in rows:
        test = Case("assert", f"{row['test']}\ncheck({row['entry_point']})\n")
        report = await sandbox.run_tests(
            row["prompt"] + row["canonical_solution"], [test], kind=FUNCTION, entry_point=row["entry_point"]
        )
        assert report.passed, (row["task_id"], report.feedback())
    wrong = rows[0]["prompt"] + "    return False\n"
    test = Case("assert", f"{rows[0]['test']}\ncheck({rows[0]['entry_point']})\n")
    report = await sandbox.run_tests(wrong, [test], kind=FUNCTION, entry_point=rows[0]["entry_point"])
    assert report.verdict is Verdict.FAILED


async def test_lazy_and_view_results_are_checked_not_refused(sandbox: Sandbox) -> None:
    code = "def f(d):\n    return map(str, d.keys())\n\ndef g(d):\n    return d.values()\n"
    tests = [
        Case("assert", "assert list(f({1: 2})) == ['1']"),
        Case("assert", "assert set(g({1: 2})) == {2}"),
        Case("assert", "assert sorted(g({1: 3, 2: 4})) == [3, 4]"),
    ]
    report = await sandbox.run_tests(code, tests, kind=FUNCTION, entry_point="g")
    assert report.passed, report.feedback()


async def test_failed_assert_reports_the_actual_value_of_its_left_side(sandbox: Sandbox) -> None:
    code = "def double(x):\n    return x * 3\n"
    check = (
        "def check(candidate):\n    assert candidate(1) == 3\n    assert candidate(2) == 4, 'message'\ncheck(double)\n"
    )
    report = await sandbox.run_tests(
        code, [Case("assert", "assert double(2) == 4"), Case("assert", check)], kind=FUNCTION, entry_point="double"
    )
    assert [r.actual for r in report.results] == ["6", "6"]
    assert "Actual output: 6" in report.feedback()


async def test_call_inputs_that_json_cannot_hold_are_passed_sensibly(sandbox: Sandbox) -> None:
    code = "def total(xs):\n    return sum(xs)\n"
    report = await sandbox.run_tests(
        code, [Case("call", [{1, 2, 3}], 6), Case("call", [(4, 5)], 9)], kind=FUNCTION, entry_point="total"
    )
    assert report.passed, report.feedback()


async def test_problem_prelude_reaches_python_programs_only() -> None:
    from codesim.execution import Sandbox
    from codesim.problems import ProblemKind, PublicProblem, TestCase

    prelude = "from typing import List\n"
    function = PublicProblem("p", "sum", ProblemKind.FUNCTION, entry_point="total", prelude=prelude)
    stdio = PublicProblem("q", "echo", ProblemKind.STDIO, prelude=prelude)
    async with Sandbox(workers=1) as sandbox:
        uses_list = "def total(xs: List[int]) -> int:\n    return sum(xs)\n"
        report = await sandbox.run_problem_tests(function, uses_list, [TestCase("call", [[1, 2]], 3)])
        assert report.passed, report.feedback()
        c_program = '#include <stdio.h>\nint main(){int x; scanf("%d", &x); printf("%d\\n", x); return 0;}\n'
        report = await sandbox.run_problem_tests(stdio, c_program, [TestCase("io", "7\n", "7\n")], language="c")
        assert report.passed, report.feedback()
