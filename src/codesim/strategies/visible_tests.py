"""The visible-test runner strategies receive, backed by the sandbox."""

from __future__ import annotations

from collections.abc import Sequence

from codesim.execution import Sandbox, TestReport
from codesim.problems import PublicProblem, TestCase
from codesim.strategies.base import VisibleTestRunner


def sandbox_test_runner(sandbox: Sandbox, problem: PublicProblem) -> VisibleTestRunner:
    """A `VisibleTestRunner` for `problem`: runs a code on its visible tests, plus any
    `extra_tests` (tests or probes the strategy made itself), in `sandbox`; with
    `visible=False`, on the extra tests alone."""

    async def run_visible(code: str, extra_tests: Sequence[TestCase] = (), visible: bool = True) -> TestReport:
        tests = (*problem.visible_tests, *extra_tests) if visible else tuple(extra_tests)
        return await sandbox.run_problem_tests(problem, code, tests)

    return run_visible
