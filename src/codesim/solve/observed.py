"""Running a strategy while watching its trace grow, step by step.

`Strategy.solve` has no progress hook. Every registered strategy runs through a `TaskSession`
(`SessionStrategy`), so the session is opened here with a trace that reports each step as it
is added; the trace stays readable when the run fails midway (`ObservedRun.trace`).
"""

from __future__ import annotations

from collections.abc import Callable

from codesim.llm.chat import ChatModel
from codesim.problems import PublicProblem
from codesim.strategies.base import StrategyResult, Trace, TraceStep, VisibleTestRunner
from codesim.strategies.budget import BudgetExhausted, TaskBudget
from codesim.strategies.session import SessionStrategy, TaskSession

StepObserver = Callable[[TraceStep], None]


class ObservedTrace(Trace):
    """A trace that calls `on_step` with every step added to it."""

    def __init__(self, on_step: StepObserver) -> None:
        super().__init__()
        self._on_step = on_step

    def add(self, step: TraceStep) -> TraceStep:
        """Append a step, then report it."""
        super().add(step)
        self._on_step(step)
        return step


class ObservedRun:
    """One strategy run on one problem, reporting each trace step to `on_step`."""

    def __init__(self, strategy: SessionStrategy, on_step: StepObserver) -> None:
        self.strategy = strategy
        self.trace: Trace = ObservedTrace(on_step)

    async def solve(self, problem: PublicProblem, model: ChatModel, run_visible: VisibleTestRunner) -> StrategyResult:
        """What `SessionStrategy.solve` does (sample 0), on the observed trace; `self.trace`
        holds the steps so far even when this raises."""
        strategy = self.strategy
        budget = TaskBudget.from_options(strategy.options)
        session = TaskSession(problem, model, run_visible, sample_index=0, budget=budget)
        session.trace = self.trace
        try:
            return await strategy.run(session)
        except BudgetExhausted as stop:
            return session.stopped(str(stop))
