"""Live progress of `codesim solve` on stderr: one line per trace step, failing tests below.

codesim: solving `sum_squares` (function, python) with codesim on openai/gpt-4o; 2 visible tests
[plan 1] planning: 412+96 tokens, 1.3s
[plan 1] simulation: 520+40 tokens, 0.8s
    verdict: plan is correct
[plan 1] coding: 610+55 tokens, 0.9s
[plan 1] visible tests: code #1: failed (1/2 tests passed)
    test 2 failed: input 'assert sum_squares([]) == 0', error 'AssertionError'
[plan 1, debug 1] debugging: 980+120 tokens, 1.9s
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from codesim.problems import ProblemKind, PublicProblem
from codesim.strategies.base import TraceStep

_SHOWN_CHARS = 70


def _short(value: Any) -> str:
    """A value on one line, cut to a readable length."""
    text = repr(value.strip()) if isinstance(value, str) else repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def _tests(count: int) -> str:
    return f"{count} visible test{'' if count == 1 else 's'}"


def _error_line(error: str) -> str:
    """The telling line of an error: the exception line of a traceback, not `exit code N`."""
    lines = [line for line in error.strip().splitlines() if line.strip()]
    telling = [line for line in lines if not line.startswith("exit code")]
    return (telling or lines or [""])[-1]


def _attempt_label(step: TraceStep) -> str:
    return "[" + ", ".join(f"{name} {number}" for name, number in step.attempt.items()) + "] " if step.attempt else ""


def _failing_test_lines(step: TraceStep) -> list[str]:
    lines = []
    for number, test in enumerate(step.tests or [], start=1):
        if test["verdict"] == "passed":
            continue
        detail = f"input {_short(test['input'])}"
        if test.get("expected") is not None:
            detail += f", expected {_short(test['expected'])}"
        if test.get("actual"):
            detail += f", got {_short(test['actual'])}"
        if test.get("error"):
            detail += f", error {_short(_error_line(str(test['error'])))}"
        lines.append(f"    test {number} {test['verdict']}: {detail}")
    return lines


class StderrProgress:
    """Writes the progress of one solve to `stream` (stderr by default), flushed at each line.

    A step is shown as soon as it is added to the trace; the strategy may note things on it
    afterwards (a simulation's verdict, a debugging answer's error source): such a note is
    shown, indented, before the next line."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._last: tuple[TraceStep, str] | None = None  # the last step shown, and its note then

    def _flush_note(self) -> None:
        if self._last is not None:
            step, shown = self._last
            self._last = None
            added = step.note[len(shown) :].lstrip("; ") if step.note.startswith(shown) else step.note
            if added:
                self._write(f"    {added}")

    def _write(self, *lines: str) -> None:
        for line in lines:
            print(line, file=self.stream)
        self.stream.flush()

    def started(self, problem: PublicProblem, strategy: str, model: str) -> None:
        """The opening line: what is solved, how, and with how many visible tests."""
        what = (
            f"`{problem.entry_point}` (function, python)"
            if problem.kind is ProblemKind.FUNCTION
            else (f"a stdin/stdout program in {problem.language}")
        )
        self._write(f"codesim: solving {what} with {strategy} on {model}; {_tests(len(problem.visible_tests))}")

    def note(self, message: str) -> None:
        """A free-form line (warnings, where files were written)."""
        self._flush_note()
        self._write(f"codesim: {message}")

    def step(self, step: TraceStep) -> None:
        """One finished trace step."""
        self._flush_note()
        label = _attempt_label(step)
        if step.tests is not None:
            self._write(f"{label}{step.stage.replace('_', ' ')}: {step.note}", *_failing_test_lines(step))
            return
        usage = f"{step.prompt_tokens}+{step.completion_tokens} tokens, {step.seconds:.1f}s"
        usage += ", cached" if step.cached else ""
        self._write(f"{label}{step.stage}: {usage}" + (f"; {step.note}" if step.note else ""))
        self._last = (step, step.note)

    def finished(self, code: str, visible_passed: bool, outcome: str, n_tests: int) -> None:
        """The closing line: whether the printed code passes the visible tests."""
        self._flush_note()
        if not code:
            self._write(f"codesim: no code was produced ({outcome})")
        elif n_tests == 0:
            self._write("codesim: done; the code is NOT verified: there are no tests")
        elif visible_passed:
            every = "the" if n_tests == 1 else "all"
            self._write(f"codesim: the code passes {every} {_tests(n_tests)} ({outcome})")
        else:
            self._write(f"codesim: the code does NOT pass the visible tests ({outcome}); printing the last code")
