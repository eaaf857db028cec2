"""Code a plan, test it on the visible tests, and debug it: shared by CodeSIM and MapCoder."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from codesim.strategies.parsing import error_source
from codesim.strategies.session import TaskSession, add_note

if TYPE_CHECKING:
    from codesim.execution import TestReport


@dataclass
class PlanResult:
    """What became of one plan: the last code, its report, and the debugging round that
    passed (when `passed`)."""

    passed: bool
    code: str | None = None
    report: TestReport | None = None
    debug_round: int = 0


@dataclass
class DebugSetup:
    """How to debug: the template, how many rounds, whether to read an ERROR SOURCE line,
    whether to stop at a repeated code (not faithful), and extra template variables."""

    template: str
    max_rounds: int
    stop_on_repeat: bool
    read_error_source: bool = False
    context: dict[str, Any] = field(default_factory=dict)


async def code_and_debug(
    session: TaskSession, *, plan_no: int, plan: str, coding_context: dict[str, Any], debug: DebugSetup
) -> PlanResult:
    """Write code for `plan`, test it, then debug it for up to `debug.max_rounds` rounds.

    A code already tried is not run again when `debug.stop_on_repeat`: from the coding agent
    its earlier report is reused; from the debugging agent it counts as a failed round and
    ends the loop."""
    attempt = {"plan": plan_no}
    code, step = await session.ask_for_code("coding", "coding", attempt=attempt, plan=plan, **coding_context)
    if code is None:
        return PlanResult(passed=False)
    number, new = session.code_number(code)
    report = session.known_report(number) if debug.stop_on_repeat and not new else None
    if report is not None:
        add_note(step, f"same as code #{number}, already tested: not run again")
    else:
        report = await session.test(code, attempt=attempt)
    if report.passed:
        return PlanResult(True, code, report, 0)
    for round_no in range(1, debug.max_rounds + 1):
        attempt = {"plan": plan_no, "debug": round_no}
        fixed, step = await session.ask_for_code(
            "debugging",
            debug.template,
            attempt=attempt,
            plan=plan,
            code=code.strip(),
            feedback=report.feedback(),
            **debug.context,
        )
        if debug.read_error_source:
            source, note = error_source(step.response)
            add_note(step, note or f"error source: {source}")
        if fixed is None:
            continue
        number, new = session.code_number(fixed)
        if not new and debug.stop_on_repeat:
            add_note(step, f"same as code #{number}, already tried: failed round, debugging stopped")
            break
        code = fixed
        report = await session.test(code, attempt=attempt)
        if report.passed:
            return PlanResult(True, code, report, round_no)
    return PlanResult(False, code, report)
