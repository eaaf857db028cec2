"""CodeSIM: planning with self-simulation, coding, and simulation-driven debugging.

Per plan attempt m = 1..max_plan_tries: `planning` (understanding, one recalled problem with
its solution and plan, the algorithm with a short tutorial, a step-by-step plan) →
`simulation` (the model traces the plan by hand on a sample input and ends with a VERDICT
line) → `plan_refinement` when the verdict asks for changes → `coding` → `visible_tests` →
up to max_debug_tries rounds of `debugging` + `visible_tests`. The first code that passes the
visible tests is returned; else the last code. Ablations switch parts off (see options).
"""

from __future__ import annotations

from dataclasses import dataclass

from codesim.extract import strip_reasoning
from codesim.strategies.base import StrategyResult
from codesim.strategies.generated_tests import add_generated_tests
from codesim.strategies.options import CodeSimOptions
from codesim.strategies.outcomes import UNSOLVED, solved_outcome
from codesim.strategies.parsing import plan_section, plan_verdict
from codesim.strategies.repair import DebugSetup, PlanResult, code_and_debug
from codesim.strategies.session import SessionStrategy, TaskSession, add_note

_FAILURE_PLAN_CHARS = 1500
_FAILURE_LOG_CHARS = 800


@dataclass(frozen=True)
class FailedAttempt:
    """A plan attempt that failed, as shown to the next planning call."""

    number: int
    plan: str
    result: str


def _failure_summary(result: PlanResult) -> str:
    if result.code is None:
        return "No usable code was written for this plan."
    log = result.report.feedback(max_chars=_FAILURE_LOG_CHARS) if result.report is not None else ""
    return f"Its code failed the sample tests:\n{log}".strip()


class CodeSim(SessionStrategy):
    """CodeSIM (and, through its options, its ablations)."""

    options: CodeSimOptions

    async def run(self, session: TaskSession) -> StrategyResult:
        """Plan, verify, code, test and debug until a code passes the visible tests."""
        options = self.options
        if options.generated_tests:
            await add_generated_tests(session, options.generated_tests, options.test_gen_temperature)
        debug = DebugSetup(
            template="codesim_debugging",
            max_rounds=options.max_debug_tries if options.debug else 0,
            stop_on_repeat=not options.faithful,
            read_error_source=True,
            context={"contest": options.contest},
        )
        failures: list[FailedAttempt] = []
        for plan_no in range(1, options.max_plan_tries + 1):
            plan = await self._plan(session, plan_no, failures)
            result = await code_and_debug(
                session, plan_no=plan_no, plan=plan, coding_context={"algorithm": ""}, debug=debug
            )
            if result.passed:
                return session.finish(result.code, True, solved_outcome(plan_no, result.debug_round))
            failures.append(FailedAttempt(plan_no, plan[:_FAILURE_PLAN_CHARS], _failure_summary(result)))
        return session.finish(None, False, UNSOLVED)

    async def _plan(self, session: TaskSession, plan_no: int, failures: list[FailedAttempt]) -> str:
        """A plan for attempt `plan_no`, simulated and refined when verification is on."""
        options = self.options
        attempt = {"plan": plan_no}
        fresh = plan_no > 1 and not options.faithful
        temperature = max(session.model.params.temperature, options.replan_temperature) if fresh else None
        step = await session.ask(
            "planning", "codesim_planning", attempt=attempt, temperature=temperature, failures=failures if fresh else []
        )
        plan, note = plan_section(step.response)
        add_note(step, note)
        if not options.verify_plan:
            return plan
        simulation = await session.ask("simulation", "codesim_simulation", attempt=attempt, plan=plan)
        needs_changes, note = plan_verdict(simulation.response)
        add_note(simulation, note or f"verdict: {'plan needs changes' if needs_changes else 'plan is correct'}")
        if not needs_changes:
            return plan
        refinement = await session.ask(
            "plan_refinement",
            "codesim_refinement",
            attempt=attempt,
            plan=plan,
            critique=strip_reasoning(simulation.response).strip(),
        )
        refined, note = plan_section(refinement.response)
        add_note(refinement, note)
        return refined
