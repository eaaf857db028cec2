"""What one task sample's run shares: prompts, the trace, the budget and the codes tried."""

from __future__ import annotations

import abc
import dataclasses
import inspect
import json
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from codesim.extract import extract_code
from codesim.llm.base import Message
from codesim.llm.chat import ChatModel
from codesim.problems import PublicProblem, TestCase
from codesim.strategies.base import StrategyResult, Trace, TraceStep, VisibleTestRunner, prompt_text, traced_chat
from codesim.strategies.budget import BudgetExhausted, TaskBudget, held_to
from codesim.strategies.options import StrategyOptions
from codesim.strategies.outcomes import NO_CODE, UNSOLVED
from codesim.strategies.prompts import problem_block, problem_context, render, system_message

if TYPE_CHECKING:
    from codesim.execution import TestReport


def add_note(step: TraceStep, note: str) -> None:
    """Append `note` to a step's note ('; '-separated)."""
    if note:
        step.note = f"{step.note}; {note}" if step.note else note


def _normalized(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip().splitlines())


def _plain(value: Any) -> Any:
    """`value` as JSON data (anything else as its repr)."""
    return json.loads(json.dumps(value, default=repr))


class TaskSession:
    """One task sample: builds the messages (system message, then the problem block, then the
    stage's instructions), records every call and test run in the trace and numbers the
    distinct codes. The budget is the model's (a `BudgetedChatModel`): a call it refuses
    raises `BudgetExhausted`."""

    def __init__(
        self,
        problem: PublicProblem,
        model: ChatModel,
        run_visible: VisibleTestRunner,
        *,
        sample_index: int,
        trace: Trace | None = None,
    ) -> None:
        self.problem = problem
        self.model = model
        self.run_visible = run_visible
        self.sample_index = sample_index
        self.trace = trace if trace is not None else Trace()
        self.extra_tests: tuple[TestCase, ...] = ()
        self.last_code: str | None = None
        self._codes: dict[str, int] = {}  # normalised code -> its number (1-based)
        self._reports: dict[int, TestReport] = {}
        self._system = system_message()
        self._set_problem(problem)

    def _set_problem(self, problem: PublicProblem) -> None:
        self.context = problem_context(problem)
        self._problem_text = problem_block(problem)

    @property
    def distinct_codes(self) -> int:
        """How many different codes this task produced."""
        return len(self._codes)

    def messages(self, template: str, **context: Any) -> list[Message]:
        """The messages of one call: fixed system message, problem block, then the stage."""
        instructions = render(template, **self.context, **context)
        return [Message("system", self._system), Message("user", f"{self._problem_text}\n\n{instructions}")]

    async def ask(
        self,
        stage: str,
        template: str,
        *,
        attempt: dict[str, int] | None = None,
        temperature: float | None = None,
        sample_index: int | None = None,
        max_tokens: int | None = None,
        stop: tuple[str, ...] = (),
        **context: Any,
    ) -> TraceStep:
        """One LLM call with `template`'s instructions, recorded as a `stage` step."""
        messages = self.messages(template, **context)
        return await self._call(stage, messages, attempt, self._overrides(temperature, sample_index, max_tokens, stop))

    async def ask_many(
        self,
        stage: str,
        template: str,
        n: int,
        *,
        first_index: int,
        attempt_key: str,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stop: tuple[str, ...] = (),
        **context: Any,
    ) -> list[TraceStep]:
        """`n` answers to one prompt (sample indices `first_index`...), asked at once (one
        batched request where the provider can), each recorded as its own `stage` step with
        its own usage and `attempt_key` numbered 1..n. Fewer than `n` when the call budget
        has less room left."""
        messages = self.messages(template, **context)
        overrides = self._overrides(temperature, first_index, max_tokens, stop)
        started = time.monotonic()
        results = await self.model.chat_many(messages, n, **overrides)
        seconds = time.monotonic() - started
        prompt = prompt_text(messages)
        return [
            self.trace.add(TraceStep.of_call(stage, prompt, result, seconds, {attempt_key: number}))
            for number, result in enumerate(results, 1)
        ]

    def _overrides(
        self, temperature: float | None, sample_index: int | None, max_tokens: int | None, stop: tuple[str, ...]
    ) -> dict[str, Any]:
        overrides: dict[str, Any] = {"sample_index": self.sample_index if sample_index is None else sample_index}
        if temperature is not None:
            overrides["temperature"] = temperature
        if max_tokens is not None:
            overrides["max_tokens"] = max_tokens
        if stop:
            overrides["stop"] = stop
        return overrides

    async def _call(
        self, stage: str, messages: list[Message], attempt: dict[str, int] | None, overrides: dict[str, Any]
    ) -> TraceStep:
        return await traced_chat(self.model, self.trace, stage, messages, attempt=attempt, **overrides)

    async def ask_for_code(
        self,
        stage: str,
        template: str,
        *,
        attempt: dict[str, int] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stop: tuple[str, ...] = (),
        **context: Any,
    ) -> tuple[str | None, TraceStep]:
        """An LLM call whose answer must contain code. An answer without code is retried once
        (the answer and a reminder appended as new turns); returns (code or None, first step)."""
        messages = self.messages(template, **context)
        overrides = self._overrides(temperature, None, max_tokens, stop)
        step = await self._call(stage, messages, attempt, overrides)
        code = self.code_in(step.response)
        if code is None:
            add_note(step, "no code in the answer; asking once more")
            retry_messages = [
                *messages,
                Message("assistant", step.response),
                Message("user", render("no_code_retry", **self.context)),
            ]
            retry = await self._call(stage, retry_messages, attempt, overrides)
            code = self.code_in(retry.response)
            add_note(retry, "retry gave no code either" if code is None else "retry gave code")
        if code is not None:
            self.last_code = code
        return code, step

    def code_in(self, text: str) -> str | None:
        """The code of an answer, or None."""
        return extract_code(text, self.problem.language, self.problem.entry_point)

    def code_number(self, code: str) -> tuple[int, bool]:
        """(number of `code` among the distinct codes, whether it is new)."""
        key = _normalized(code)
        if key in self._codes:
            return self._codes[key], False
        self._codes[key] = len(self._codes) + 1
        return self._codes[key], True

    def known_report(self, number: int) -> TestReport | None:
        """The test report of code `number`, if it was tested."""
        return self._reports.get(number)

    def use_extra_tests(self, tests: Sequence[TestCase]) -> bool:
        """Add model-generated tests to the visible ones (prompts and test runs), if the
        test runner accepts `extra_tests`; returns whether it does."""
        if "extra_tests" not in inspect.signature(self.run_visible).parameters:
            return False
        self.extra_tests = tuple(tests)
        self.problem = dataclasses.replace(self.problem, visible_tests=self.problem.visible_tests + self.extra_tests)
        self._set_problem(self.problem)
        return True

    async def test(self, code: str, *, attempt: dict[str, int] | None = None) -> TestReport:
        """Run `code` on the visible (and accepted generated) tests; record a `visible_tests`
        step with the code as prompt, the feedback log as response and per-test verdicts."""
        number, _ = self.code_number(code)
        started = time.monotonic()
        if self.extra_tests:
            report = await self.run_visible(code, extra_tests=self.extra_tests)
        else:
            report = await self.run_visible(code)
        self._reports[number] = report
        passed = sum(1 for r in report.results if r.verdict.value == "passed")
        self.trace.add(
            TraceStep(
                stage="visible_tests",
                prompt=code,
                response=report.feedback(),
                seconds=time.monotonic() - started,
                attempt=dict(attempt or {}),
                tests=[
                    {
                        "input": _plain(r.test.input),
                        "expected": _plain(r.test.expected),
                        "actual": r.actual,
                        "verdict": r.verdict.value,
                        "error": r.error,
                    }
                    for r in report.results
                ],
                note=self._test_note(number, report, passed),
            )
        )
        return report

    @staticmethod
    def _test_note(number: int, report: TestReport, passed: int) -> str:
        if not report.results:
            return (
                f"code #{number}: no visible tests to run; the code is kept unchecked "
                "(no test feedback, so no debugging round)"
            )
        return f"code #{number}: {report.verdict.value} ({passed}/{len(report.results)} tests passed)"

    def finish(self, code: str | None, passed: bool, outcome: str) -> StrategyResult:
        """The result: `code` (else the last code produced, else '')."""
        final = code if code is not None else self.last_code
        if not passed:
            outcome = UNSOLVED if final is not None else NO_CODE
        return StrategyResult(
            code=final or "",
            visible_passed=passed,
            trace=self.trace,
            outcome=outcome,
            distinct_codes=self.distinct_codes,
        )

    def stopped(self, reason: str) -> StrategyResult:
        """The result after a budget stop: the last code, unsolved; the reason noted."""
        if self.trace.steps:
            add_note(self.trace.steps[-1], reason)
        return self.finish(None, False, UNSOLVED)


class SessionStrategy(abc.ABC):
    """A strategy run through a `TaskSession`: budgets and results handled in one place."""

    def __init__(self, name: str, options: StrategyOptions) -> None:
        self.name = name
        self.options = options

    async def solve(
        self,
        problem: PublicProblem,
        model: ChatModel,
        run_visible: VisibleTestRunner,
        *,
        sample_index: int = 0,
        trace: Trace | None = None,
    ) -> StrategyResult:
        """Produce the final code for `problem` (see `codesim.strategies.outcomes`), recording
        steps into `trace` (a new one if None), within the options' per-task budget."""
        guarded = held_to(model, TaskBudget.from_options(self.options))
        session = TaskSession(problem, guarded, run_visible, sample_index=sample_index, trace=trace)
        try:
            return await self.run(session)
        except BudgetExhausted as stop:
            return session.stopped(str(stop))

    @abc.abstractmethod
    async def run(self, session: TaskSession) -> StrategyResult:
        """The strategy's own control flow."""
