"""Baselines without a debugging loop: `direct`, `cot`, `analogical` (one call each) and
`self-planning` (a plan call, then a code call). The final code is run once on the visible
tests, only to report `visible_passed`; it is never changed afterwards."""

from __future__ import annotations

from codesim.extract import strip_reasoning
from codesim.strategies.base import StrategyResult
from codesim.strategies.options import StrategyOptions
from codesim.strategies.outcomes import NO_CODE, solved_outcome
from codesim.strategies.session import SessionStrategy, TaskSession


async def _conclude(session: TaskSession, code: str | None) -> StrategyResult:
    if code is None:
        return session.finish(None, False, NO_CODE)
    report = await session.test(code)
    return session.finish(code, report.passed, solved_outcome(1, 0))


class SingleCall(SessionStrategy):
    """One `generation` call with the instructions of one template (direct, CoT, analogical)."""

    def __init__(self, name: str, options: StrategyOptions, template: str) -> None:
        super().__init__(name, options)
        self.template = template

    async def run(self, session: TaskSession) -> StrategyResult:
        """Ask once for the code."""
        code, _ = await session.ask_for_code("generation", self.template)
        return await _conclude(session, code)


class SelfPlanning(SessionStrategy):
    """Self-planning (Jiang et al., 2023): a `planning` call, then a `coding` call from the plan."""

    async def run(self, session: TaskSession) -> StrategyResult:
        """Plan, then code from the plan."""
        step = await session.ask("planning", "self_planning")
        plan = strip_reasoning(step.response).strip()
        code, _ = await session.ask_for_code("coding", "coding", plan=plan, algorithm="")
        return await _conclude(session, code)
