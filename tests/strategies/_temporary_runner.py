"""TEMPORARY stand-in for codesim.execution until the sandbox lands (then deleted)."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from enum import Enum

from codesim.problems import PublicProblem, TestCase


class Verdict(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    RUNTIME_ERROR = "runtime_error"


@dataclass
class TestResult:
    test: TestCase
    verdict: Verdict
    actual: str
    error: str
    time_s: float = 0.0


@dataclass
class TestReport:
    verdict: Verdict
    results: list[TestResult]

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.PASSED

    def feedback(self, max_chars: int = 4000) -> str:
        lines = []
        for r in self.results:
            lines.append(f"{r.verdict.value}: {r.test.describe()}\nactual: {r.actual}\n{r.error}")
        return "\n".join(lines)[:max_chars]


async def _run_one(code: str, test: TestCase) -> TestResult:
    program, stdin = (code + "\n" + test.input, "") if test.kind == "assert" else (code, test.input)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        program,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), 30)
    if proc.returncode != 0:
        return TestResult(test, Verdict.RUNTIME_ERROR, out.decode(), err.decode()[-300:])
    if test.kind == "io" and out.decode().split() != str(test.expected).split():
        return TestResult(test, Verdict.FAILED, out.decode(), "")
    return TestResult(test, Verdict.PASSED, out.decode(), "")


def temporary_runner(problem: PublicProblem):
    async def run_visible(code: str, extra_tests=()) -> TestReport:
        results = [await _run_one(code, t) for t in (*problem.visible_tests, *extra_tests)]
        failed = [r for r in results if r.verdict is not Verdict.PASSED]
        return TestReport(failed[0].verdict if failed else Verdict.PASSED, results)

    return run_visible
