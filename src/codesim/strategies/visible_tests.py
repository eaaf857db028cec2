"""The visible-test runner strategies receive, backed by the sandbox."""

from __future__ import annotations

from collections.abc import Sequence

from codesim.execution import Sandbox, TestReport
from codesim.problems import PublicProblem, TestCase
from codesim.strategies.base import VisibleTestRunner


def sandbox_test_runner(sandbox: Sandbox, problem: PublicProblem) -> VisibleTestRunner:
    """A `VisibleTestRunner` for `problem`: runs a code on its visible tests, plus any
    `extra_tests` (model-generated ones, for `codesim-gen-tests`), in `sandbox`."""

    async def run_visible(code: str, extra_tests: Sequence[TestCase] = ()) -> TestReport:
        return await sandbox.run_problem_tests(problem, code, (*problem.visible_tests, *extra_tests))

    return run_visible
