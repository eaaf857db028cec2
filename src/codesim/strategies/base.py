"""What every strategy is: PublicProblem + chat model + visible-test runner -> code + trace."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from codesim.llm.base import ChatResult, Message
from codesim.llm.chat import ChatModel
from codesim.problems import PublicProblem

if TYPE_CHECKING:
    from codesim.execution import TestReport

VisibleTestRunner = Callable[..., Awaitable["TestReport"]]
"""Runs a candidate code on the problem's VISIBLE tests only: `await run(code)` (strategies never
get more). Runners made by `codesim.strategies.visible_tests.sandbox_test_runner` also take
`extra_tests=` (tests the strategy made itself: model-generated tests, probe inputs, traced
runs) and `visible=False` (run the extra tests alone)."""


@dataclass
class TraceStep:
    """One step of a strategy: an LLM call (prompt/response) or a visible-test run (tests)."""

    stage: str
    prompt: str = ""
    response: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    cached: bool = False
    reasoning_tokens: int = 0  # of completion_tokens, the model's hidden reasoning
    estimated_tokens: bool = False  # the token counts were estimated (the provider reported none)
    attempt: dict[str, int] = field(default_factory=dict)  # e.g. {"plan": 2, "debug": 3}
    tests: list[dict[str, Any]] | None = None  # per-test verdicts for test steps
    note: str = ""  # parse fallbacks, repeated code, budget stops

    @classmethod
    def of_call(
        cls, stage: str, prompt: str, result: ChatResult, seconds: float, attempt: dict[str, int] | None = None
    ) -> TraceStep:
        """The step of one model answer `result` to `prompt`, with its usage."""
        return cls(
            stage=stage,
            prompt=prompt,
            response=result.text,
            prompt_tokens=result.usage.prompt_tokens,
            completion_tokens=result.usage.completion_tokens,
            reasoning_tokens=result.usage.reasoning_tokens,
            estimated_tokens=result.usage.estimated,
            seconds=seconds,
            cached=result.cached,
            attempt=dict(attempt or {}),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form for results.jsonl."""
        return asdict(self)


@dataclass
class Trace:
    """The ordered steps of one task sample, with running totals. `on_step`, when set, is
    called with each step as it is added (live progress)."""

    steps: list[TraceStep] = field(default_factory=list)
    on_step: Callable[[TraceStep], None] | None = field(default=None, repr=False, compare=False)

    def add(self, step: TraceStep) -> TraceStep:
        """Append a step, report it to `on_step`, and return it."""
        self.steps.append(step)
        if self.on_step is not None:
            self.on_step(step)
        return step

    @property
    def llm_calls(self) -> int:
        """Number of LLM calls (cache hits included)."""
        return sum(1 for s in self.steps if s.tests is None)

    @property
    def prompt_tokens(self) -> int:
        """Prompt tokens over all LLM steps (original usage, cache hits included)."""
        return sum(s.prompt_tokens for s in self.steps)

    @property
    def completion_tokens(self) -> int:
        """Completion tokens over all LLM steps (original usage, cache hits included)."""
        return sum(s.completion_tokens for s in self.steps)

    def to_list(self) -> list[dict[str, Any]]:
        """JSON-able form for results.jsonl."""
        return [s.to_dict() for s in self.steps]


@dataclass
class StrategyResult:
    """The final code of one task sample and how it was reached."""

    code: str
    visible_passed: bool
    trace: Trace
    outcome: str = ""  # e.g. "first_code", "debug_round_2", "plan_3", "unsolved", "no_code"
    distinct_codes: int = 0


class Strategy(Protocol):
    """A code-generation method. It sees only the PublicProblem and the visible-test runner."""

    name: str
    options: Any  # the strategy's typed options (recorded in a run's config.json)

    async def solve(
        self,
        problem: PublicProblem,
        model: ChatModel,
        run_visible: VisibleTestRunner,
        *,
        sample_index: int = 0,
        trace: Trace | None = None,
    ) -> StrategyResult:
        """Produce the final code for `problem`, recording steps into `trace` (a new one if None)."""
        ...


def prompt_text(messages: list[Message]) -> str:
    """A prompt as recorded in a trace step: every turn, role-tagged."""
    return "\n\n".join(f"[{m.role}]\n{m.content}" for m in messages)


async def traced_chat(
    model: ChatModel,
    trace: Trace,
    stage: str,
    messages: list[Message],
    *,
    attempt: dict[str, int] | None = None,
    **overrides: Any,
) -> TraceStep:
    """Call the model and record the call as a trace step (prompt = every turn, role-tagged);
    returns the step."""
    started = time.monotonic()
    result = await model.chat(messages, **overrides)
    return trace.add(TraceStep.of_call(stage, prompt_text(messages), result, time.monotonic() - started, attempt))
