"""Verdicts and result types of the sandbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from codesim.problems import TestCase

MAX_FIELD_CHARS = 1000


class Verdict(str, Enum):
    """The outcome of one test (or of a whole test list)."""

    PASSED = "passed"
    FAILED = "failed"
    RUNTIME_ERROR = "runtime_error"
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    COMPILE_ERROR = "compile_error"
    INTERNAL_ERROR = "internal_error"


def truncate(text: str, limit: int = MAX_FIELD_CHARS, *, keep: str = "head") -> str:
    """``text`` cut to ``limit`` characters, keeping its head or its tail, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    if keep == "tail":
        return "..." + text[-limit:]
    return text[:limit] + "..."


@dataclass
class TestResult:
    """One test's outcome, with what it cost: wall and CPU seconds, peak resident memory (kB).

    ``cpu_s`` and ``peak_kb`` are None where the sandbox could not tell (a test whose process
    died mid-batch, a compile error, a sandbox fault); docs/sandbox.md says what they cover.
    """

    test: TestCase
    verdict: Verdict
    actual: str = ""
    error: str = ""
    time_s: float = 0.0
    cpu_s: float | None = None
    peak_kb: int | None = None

    def describe(self, max_chars: int) -> str:
        """Input, expected, actual and error of this test, for a debugging prompt."""
        lines = [f"Test: {truncate(self.test.describe(), max_chars)}", f"Verdict: {self.verdict.value}"]
        if self.actual:
            lines.append(f"Actual output: {truncate(self.actual, max_chars)}")
        if self.error:
            lines.append(f"Error: {truncate(self.error, max_chars, keep='tail')}")
        return "\n".join(lines)


@dataclass
class TestReport:
    """The outcome of one code on a list of tests."""

    verdict: Verdict
    results: list[TestResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True iff every test passed."""
        return self.verdict is Verdict.PASSED

    @property
    def cpu_s(self) -> float | None:
        """CPU seconds of all tests run, or None unless each was measured."""
        figures = [result.cpu_s for result in self.results]
        return sum(figures) if figures and None not in figures else None  # type: ignore[arg-type]

    @property
    def peak_kb(self) -> int | None:
        """The highest peak resident memory (kB) of the tests run, or None unless each was measured."""
        figures = [result.peak_kb for result in self.results]
        return max(figures) if figures and None not in figures else None  # type: ignore[type-var]

    @classmethod
    def from_results(cls, results: list[TestResult]) -> TestReport:
        """PASSED iff all passed; else the first non-passed verdict, INTERNAL_ERROR winning over all."""
        if any(result.verdict is Verdict.INTERNAL_ERROR for result in results):
            return cls(Verdict.INTERNAL_ERROR, results)
        for result in results:
            if result.verdict is not Verdict.PASSED:
                return cls(result.verdict, results)
        return cls(Verdict.PASSED, results)

    def feedback(self, max_chars: int = 4000) -> str:
        """A human-readable log: each failing test in full (truncated), passed ones listed briefly."""
        passed = [index for index, result in enumerate(self.results, 1) if result.verdict is Verdict.PASSED]
        failing = [
            (index, result) for index, result in enumerate(self.results, 1) if result.verdict is not Verdict.PASSED
        ]
        parts = [f"Overall verdict: {self.verdict.value} ({len(passed)}/{len(self.results)} tests passed)"]
        if passed:
            parts.append("Passed tests: " + ", ".join(f"#{index}" for index in passed))
        per_test = max(200, (max_chars - 200) // max(1, len(failing)) // 3)
        for index, result in failing:
            parts.append(f"Failed test #{index}:\n{result.describe(per_test)}")
        return truncate("\n\n".join(parts), max_chars)


@dataclass
class RunOutcome:
    """One raw program run: what `codesim exec` prints."""

    status: str
    exit_code: int | None
    stdout: str
    stderr: str
    time_s: float

    def to_json(self) -> dict:
        """The DESIGN.md `codesim exec` object."""
        return {
            "status": self.status,
            "exit_code": self.exit_code,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "time_s": self.time_s,
        }
