"""Candidate code compiles as CPython compiles a file: none of the driver's `from __future__` flags
leak into it, on every Python path (calls, asserts, stdin programs, preludes)."""

from __future__ import annotations

from codesim.execution import Sandbox, Verdict
from codesim.problems import ProblemKind, PublicProblem
from codesim.problems import TestCase as Case

# Annotated with List but no import: CPython evaluates the annotation at definition time.
UNIMPORTED_LIST = "def total(xs: List[int]) -> int:\n    return sum(xs)\n"
# Lazy annotations would be visible in __annotations__ as strings; CPython keeps the objects.
ANNOTATION_KIND = "def f(x: int) -> int:\n    return x\nprint(type(f.__annotations__['x']).__name__)\n"


async def test_unimported_annotation_fails_in_function_tests_as_in_cpython(sandbox: Sandbox) -> None:
    for test in (Case("call", [[1, 2]], 3), Case("assert", "assert total([1, 2]) == 3")):
        report = await sandbox.run_tests(UNIMPORTED_LIST, [test], kind=ProblemKind.FUNCTION, entry_point="total")
        assert report.verdict is Verdict.RUNTIME_ERROR
        assert "NameError: name 'List' is not defined" in report.results[0].error


async def test_unimported_annotation_fails_in_a_stdin_program_as_in_cpython(sandbox: Sandbox) -> None:
    outcome = await sandbox.run_program(UNIMPORTED_LIST + "print(total([1, 2]))\n", "python")
    assert outcome.status == "runtime_error" and "NameError: name 'List' is not defined" in outcome.stderr
    report = await sandbox.run_tests(
        UNIMPORTED_LIST + "print(total([1, 2]))\n", [Case("io", "", "3")], kind=ProblemKind.STDIO
    )
    assert report.verdict is Verdict.RUNTIME_ERROR


async def test_annotations_are_evaluated_eagerly_in_programs_and_tests(sandbox: Sandbox) -> None:
    outcome = await sandbox.run_program(ANNOTATION_KIND, "python")
    assert (outcome.status, outcome.stdout) == ("ok", "type\n")
    test = Case("assert", "def g(y: int):\n    return y\nassert type(g.__annotations__['y']) is type\n")
    report = await sandbox.run_tests("def f(x):\n    return x\n", [test], kind=ProblemKind.FUNCTION, entry_point="f")
    assert report.passed, report.feedback()


async def test_a_prelude_does_not_change_the_verdict(sandbox: Sandbox) -> None:
    problem = PublicProblem(
        task_id="t", prompt="", kind=ProblemKind.FUNCTION, entry_point="total", prelude="import math\n"
    )
    report = await sandbox.run_problem_tests(problem, UNIMPORTED_LIST, [Case("call", [[1, 2]], 3)])
    assert report.verdict is Verdict.RUNTIME_ERROR and "NameError" in report.results[0].error
    with_import = "from typing import List\n" + UNIMPORTED_LIST
    assert (await sandbox.run_problem_tests(problem, with_import, [Case("call", [[1, 2]], 3)])).passed
