"""CodeSIM-Adaptive: cheap candidates first, selection by execution, CodeSIM only where needed.

1. `candidate`: n direct answers to one prompt (the first at the model's own temperature,
   greedy by default; the others sampled, asked at once; with `greedy_first`, the default,
   only after the first one fails the visible tests or when the problem shows none). Each distinct code runs on the
   visible tests. When none passes, `more_candidates` more samples are asked at once and
   tested the same way (a larger n only where the first n were not enough).
2. Selection among the codes that pass (all codes when the problem shows no visible tests):
   the largest group that agrees on probe inputs (`probe_inputs` stage: inputs written by the
   model, plus mutations of the visible tests' arguments), ties to the earliest candidate; the
   `selection` step records why. When the largest groups tie, `tie_votes` more candidates are
   sampled and the ones that pass vote too. Hidden tests never reach a prompt or a choice.
3. Escalation, only when nothing passes (by default not on the embedded local models, where it
   won 4 of 47 escalated HumanEval-41 tasks and 0 of 14 on MBPP-40 at 2.3-2.6x the wall; see
   `escalates`): per round, several `planning` answers sampled at once
   with the failed codes in the prompt, a `coding` answer per plan, then a few `debugging`
   rounds for the best failing codes, each prompt carrying the failing test's actual output or
   error and a bounded `execution_trace` of a real traced run (no simulation by hand).
   Rounds stop at the first pass or when the task's budget is spent; then the code that passed
   the most visible tests is returned.

Answers that carry code end at their first closing code fence (`fence_stop`): what a small
model writes after its code (explanations, the prompt repeated) is never read, only paid for.

`sample-filter` is this strategy with agreement, more candidates and escalation off: the first candidate that
passes the visible tests (greedy first), else the greedy one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from codesim.models.registry import is_embedded_model
from codesim.strategies.agreement import Behaviour, Choice, behaviour, choose
from codesim.strategies.base import StrategyResult, TraceStep
from codesim.strategies.budget import BudgetExhausted
from codesim.strategies.options import AdaptiveOptions
from codesim.strategies.outcomes import SAMPLE, solved_outcome
from codesim.strategies.parsing import plan_section
from codesim.strategies.probes import probe_tests
from codesim.strategies.runtime_trace import read_trace, traceable, traced_run
from codesim.strategies.session import SessionStrategy, TaskSession, add_note

if TYPE_CHECKING:
    from codesim.execution import TestReport

T = TypeVar("T")
SAMPLE_STRIDE = 1000  # sample indices of one task sample's batches: sample_index * STRIDE + ...
_EVIDENCE_CODES = 2
_EVIDENCE_CHARS = 800
CLOSING_FENCE = "\n```\n"  # an opening fence carries a language tag, so this closes the block


@dataclass
class Candidate:
    """A distinct code, where it came from, and its visible-test report."""

    number: int  # the session's code number (order of first appearance)
    code: str
    report: TestReport
    plan: int  # 1 = the direct candidates, m >= 2 = escalation round m - 1
    debug_round: int = 0
    greedy: bool = False

    @property
    def tests_passed(self) -> int:
        """Visible tests this code passed."""
        return sum(1 for result in self.report.results if result.verdict.value == "passed")

    @property
    def outcome(self) -> str:
        """The outcome name when this code is the one returned."""
        if self.plan == 1 and not self.greedy:
            return SAMPLE
        return solved_outcome(self.plan, self.debug_round)


def escalates(option: bool | None, model: str) -> bool:
    """Whether a task with no passing candidate escalates: `option` when set, otherwise yes
    except for the embedded local models (by registry name or file), on which escalation rarely
    paid (docs/adaptive.md, "The fifth sitting")."""
    return option if option is not None else not is_embedded_model(model)


class CodeSimAdaptive(SessionStrategy):
    """CodeSIM-Adaptive (and `sample-filter`); see the module docstring."""

    options: AdaptiveOptions

    @property
    def _code_stop(self) -> tuple[str, ...]:
        """The stop strings of answers that carry code."""
        return (CLOSING_FENCE,) if self.options.fence_stop else ()

    async def run(self, session: TaskSession) -> StrategyResult:
        """Candidates, selection, and escalation when nothing passes."""
        tried: dict[int, Candidate] = {}
        try:
            passing = await self._candidates(session, tried)
            if not passing and self.options.more_candidates:
                passing = await self._more_candidates(session, tried)
            if not passing and escalates(self.options.escalate, session.model.model):
                passing = await self._escalate(session, tried)
            elif not passing and self.options.escalate is None and session.trace.steps:
                add_note(session.trace.steps[-1], f"no escalation: off by default for {session.model.model}")
        except BudgetExhausted as stop:
            if session.trace.steps:
                add_note(session.trace.steps[-1], str(stop))
            passing = [c for c in tried.values() if c.report.passed]
        if passing:
            chosen = await self._select(session, passing, tried)
            return session.finish(chosen.code, True, chosen.outcome)
        best = _best_failing(list(tried.values()))
        return session.finish(best.code if best else None, False, "")

    async def _candidates(self, session: TaskSession, tried: dict[int, Candidate]) -> list[Candidate]:
        """Stage 1: the direct candidates, tested; those that pass. With `greedy_first`, the
        first candidate is asked and tested alone, and the others only when it fails (or when
        the problem shows no visible tests, where agreement needs several)."""
        options = self.options
        greedy_call = session.ask(
            "candidate", "direct", attempt={"candidate": 1}, max_tokens=options.answer_max_tokens, stop=self._code_stop
        )
        if options.greedy_first and options.candidates > 1 and session.problem.visible_tests:
            step = await greedy_call
            passing = await self._test_answers(session, step, [], tried)
            if passing:
                return passing
            count = options.candidates - 1
            return await self._sample_and_test(session, 2, count, f"the first candidate failed: {count} more", tried)
        calls: list[Awaitable[TraceStep | list[TraceStep]]] = [greedy_call]
        if options.candidates > 1:
            calls.append(self._sampled(session, 2, options.candidates - 1))
        answered = await _side_by_side(calls)
        greedy = answered[0] if isinstance(answered[0], TraceStep) else None
        sampled = answered[1] if len(answered) > 1 and isinstance(answered[1], list) else []
        return await self._test_answers(session, greedy, sampled, tried)

    async def _more_candidates(self, session: TaskSession, tried: dict[int, Candidate]) -> list[Candidate]:
        """Stage 1b, when none of the first candidates passes: `more_candidates` more sampled
        ones (candidates n + 1, ...: the same requests a larger n would have made), tested."""
        count = self.options.more_candidates
        note = f"none of the first {self.options.candidates} candidates passed: {count} more"
        return await self._sample_and_test(session, self.options.candidates + 1, count, note, tried)

    async def _sample_and_test(
        self, session: TaskSession, first_number: int, count: int, why: str, tried: dict[int, Candidate]
    ) -> list[Candidate]:
        """`count` sampled candidates from number `first_number`, the first noted with `why`,
        tested on the visible tests; those that pass."""
        sampled = await self._sampled(session, first_number, count)
        if sampled:
            add_note(sampled[0], why)
        return await self._test_answers(session, None, sampled, tried)

    async def _sampled(self, session: TaskSession, first_number: int, count: int) -> list[TraceStep]:
        """`count` sampled direct answers asked at once, numbered from candidate `first_number`
        (sample index `first_number - 1` within the task sample's stride)."""
        options = self.options
        steps = await session.ask_many(
            "candidate",
            "direct",
            count,
            first_index=session.sample_index * SAMPLE_STRIDE + first_number - 1,
            attempt_key="candidate",
            temperature=max(session.model.params.temperature, options.sample_temperature),
            max_tokens=options.answer_max_tokens,
            stop=self._code_stop,
        )
        for number, step in enumerate(steps, first_number):
            step.attempt = {"candidate": number}
        return steps

    async def _test_answers(
        self, session: TaskSession, greedy: TraceStep | None, sampled: list[TraceStep], tried: dict[int, Candidate]
    ) -> list[Candidate]:
        """The codes in the candidates' answers, run on the visible tests; those that pass."""
        steps = ([greedy] if greedy is not None else []) + sampled
        codes = [(session.code_in(step.response), step) for step in steps]
        for code, step in codes:
            if code is None:
                add_note(step, "no code in the answer: candidate dropped")
        found = await self._test_codes(
            session, [(code, 1, 0, step is greedy) for code, step in codes if code is not None], tried
        )
        return [candidate for candidate in found if candidate.report.passed]

    async def _test_codes(
        self, session: TaskSession, codes: list[tuple[str, int, int, bool]], tried: dict[int, Candidate]
    ) -> list[Candidate]:
        """Run each new code (code, plan, debug round, greedy) on the visible tests, side by
        side; repeats of a known code are not run again. Returns the candidates, in order."""
        fresh: dict[int, tuple[str, int, int, bool]] = {}
        numbers = []
        for code, plan, debug_round, greedy in codes:
            number, new = session.code_number(code)
            numbers.append(number)
            if new and number not in tried and number not in fresh:
                fresh[number] = (code, plan, debug_round, greedy)
            elif greedy and number in tried:
                tried[number].greedy = True
        reports = await asyncio.gather(
            *(session.test(code, attempt={"plan": plan}) for code, plan, _, _ in fresh.values())
        )
        for (number, (code, plan, debug_round, greedy)), report in zip(fresh.items(), reports, strict=True):
            tried[number] = Candidate(number, code, report, plan, debug_round, greedy)
        return [tried[number] for number in dict.fromkeys(numbers)]

    async def _select(self, session: TaskSession, passing: list[Candidate], tried: dict[int, Candidate]) -> Candidate:
        """The candidate to return among `passing` (see the module docstring)."""
        order = sorted(passing, key=lambda c: (not c.greedy, c.number))
        no_tests = not session.problem.visible_tests
        if len(order) == 1 or not self.options.agreement:
            reason = "the only candidate that passes" if len(order) == 1 else "agreement off: the first that passes"
            self._record_choice(session, order[0], reason, no_tests)
            return order[0]
        probes = await self._probes(session)
        if not probes:
            self._record_choice(session, order[0], "no probe inputs: the earliest candidate", no_tests)
            return order[0]
        behaviours: dict[int, Behaviour] = {}
        chosen, choice = await self._vote(session, order, probes, behaviours)
        reason = choice.reason
        if choice.tied and self.options.tie_votes:
            voters = await self._tie_voters(session, tried)
            if voters:
                chosen, choice = await self._vote(session, order + voters, probes, behaviours)
                reason = f"{choice.reason} (after a tie, {self.options.tie_votes} more candidates sampled)"
            else:
                reason = f"{reason} (after a tie, no more candidate passed)"
        self._record_choice(session, chosen, reason, no_tests, probes=len(probes), behaviours=behaviours)
        return chosen

    @staticmethod
    async def _vote(
        session: TaskSession, order: list[Candidate], probes: tuple, behaviours: dict[int, Behaviour]
    ) -> tuple[Candidate, Choice]:
        """Run the codes of `order` not yet in `behaviours` on the probes (recording what they
        did), then choose among them by agreement."""
        new = [c for c in order if c.number not in behaviours]
        reports = await asyncio.gather(*(session.run_visible(c.code, extra_tests=probes, visible=False) for c in new))
        behaviours.update({c.number: behaviour(report) for c, report in zip(new, reports, strict=True)})
        eligible = order
        if not session.problem.visible_tests:  # codes that fail on every probe (e.g. do not load) cannot be chosen
            working = [c for c in order if any(kind == "out" for kind, _ in behaviours[c.number])]
            eligible = working or order
        choice = choose([c.number for c in eligible], behaviours)
        return next(c for c in eligible if c.number == choice.candidate), choice

    async def _tie_voters(self, session: TaskSession, tried: dict[int, Candidate]) -> list[Candidate]:
        """`tie_votes` more sampled candidates, numbered after the last one asked (the requests
        a larger n would have made), tested; the new codes that pass. Empty when the task's
        budget refuses them."""
        first_number = 1 + max(
            (step.attempt.get("candidate", 0) for step in session.trace.steps if step.stage == "candidate"), default=0
        )
        known = set(tried)
        try:
            passing = await self._sample_and_test(
                session, first_number, self.options.tie_votes, "the largest agreeing groups tie: more votes", tried
            )
        except BudgetExhausted as stop:
            if session.trace.steps:
                add_note(session.trace.steps[-1], f"{stop}: the tie stands")
            return []
        return [c for c in passing if c.number not in known]

    async def _probes(self, session: TaskSession) -> tuple:
        """Probe inputs: the model's (when asked for) and mutations of the visible tests'."""
        answer = ""
        if self.options.probe_inputs:
            try:
                step = await session.ask(
                    "probe_inputs",
                    "adaptive_inputs",
                    count=self.options.probe_inputs,
                    max_tokens=self.options.probe_max_tokens,
                )
                answer = step.response
            except BudgetExhausted as stop:  # the codes that pass are kept: mutations only
                if session.trace.steps:
                    add_note(session.trace.steps[-1], f"{stop}: no probe inputs asked")
        probes = probe_tests(session.problem, answer)
        if session.trace.steps:
            add_note(session.trace.steps[-1], f"{len(probes)} probe inputs")
        return probes

    @staticmethod
    def _record_choice(
        session: TaskSession,
        chosen: Candidate,
        reason: str,
        no_tests: bool,
        *,
        probes: int = 0,
        behaviours: dict[int, Behaviour] | None = None,
    ) -> None:
        basis = "no visible tests: chosen by agreement alone; " if no_tests else ""
        lines = [
            f"code #{number}: " + "; ".join(out if kind == "out" else kind for kind, out in outputs)[:300]
            for number, outputs in (behaviours or {}).items()
        ]
        session.trace.add(
            TraceStep(
                stage="selection",
                prompt=f"{probes} probe inputs" if behaviours else "",
                response="\n".join(lines),
                tests=[],
                note=f"{basis}chose code #{chosen.number}: {reason}",
            )
        )

    async def _escalate(self, session: TaskSession, tried: dict[int, Candidate]) -> list[Candidate]:
        """Stage 3: rounds of sampled plans, their code and execution-fed debugging."""
        options = self.options
        debugged: set[int] = set()
        for round_no in range(1, options.escalation_rounds + 1):
            plan_no = round_no + 1
            evidence = _evidence(session, list(tried.values()))
            plans = await session.ask_many(
                "planning",
                "adaptive_planning",
                options.plans,
                first_index=session.sample_index * SAMPLE_STRIDE + round_no * options.plans,
                attempt_key="plan",
                temperature=max(session.model.params.temperature, options.plan_temperature),
                max_tokens=options.plan_max_tokens,
                failures=evidence,
            )
            texts = []
            for step in plans:
                plan, note = plan_section(step.response)
                add_note(step, note)
                step.attempt = {"plan": plan_no, "sample": step.attempt.get("plan", 1)}
                texts.append(plan)
            coded = await _side_by_side(
                [
                    session.ask_for_code(
                        "coding",
                        "coding",
                        attempt={"plan": plan_no},
                        plan=plan,
                        algorithm="",
                        max_tokens=options.answer_max_tokens,
                        stop=self._code_stop,
                    )
                    for plan in texts
                ]
            )
            codes = [answer[0] for answer in coded if answer is not None and answer[0] is not None]
            found = await self._test_codes(session, [(code, plan_no, 0, False) for code in codes], tried)
            passing = [c for c in found if c.report.passed]
            if passing:
                return passing
            targets = [c for c in _ranked_failing(list(tried.values())) if c.number not in debugged]
            targets = targets[: options.debug_candidates]
            debugged.update(c.number for c in targets)
            passing = await self._debug(session, targets, plan_no, tried)
            if passing:
                return passing
        return []

    async def _debug(
        self, session: TaskSession, targets: list[Candidate], plan_no: int, tried: dict[int, Candidate]
    ) -> list[Candidate]:
        """Up to `debug_rounds` rounds, all targets side by side; stops at the first pass."""
        active = list(targets)
        for round_no in range(1, self.options.debug_rounds + 1):
            if not active:
                break
            fixed = await _side_by_side([self._fix(session, c, plan_no, round_no) for c in active])
            codes = [(code, plan_no, round_no, False) for code in fixed if code is not None]
            known = set(tried)
            found = await self._test_codes(session, codes, tried)
            passing = [c for c in found if c.report.passed]
            if passing:
                return passing
            active = [c for c in found if c.number not in known]  # a repeated code ends its line
        return []

    async def _fix(self, session: TaskSession, candidate: Candidate, plan_no: int, round_no: int) -> str | None:
        """One debugging answer for `candidate`, fed by its real failing run."""
        attempt = {"plan": plan_no, "debug": round_no}
        trace = await self._execution_trace(session, candidate, attempt) if self.options.execution_trace else None
        code, _ = await session.ask_for_code(
            "debugging",
            "adaptive_debugging",
            attempt=attempt,
            code=candidate.code.strip(),
            feedback=candidate.report.feedback(),
            execution_trace=trace or "",
            max_tokens=self.options.answer_max_tokens,
            stop=self._code_stop,
        )
        return code

    @staticmethod
    async def _execution_trace(session: TaskSession, candidate: Candidate, attempt: dict[str, int]) -> str | None:
        """A traced re-run of the candidate's first failing visible test, recorded as an
        `execution_trace` step; None when it cannot be traced."""
        failing = next((r for r in candidate.report.results if r.verdict.value != "passed"), None)
        if failing is None or not traceable(session.problem, failing.test):
            return None
        run = traced_run(session.problem, candidate.code, failing.test)
        report = await session.run_visible(run.code, extra_tests=(run.test,), visible=False)
        result = report.results[0] if report.results else None
        trace = read_trace(result.error) if result is not None else None
        session.trace.add(
            TraceStep(
                stage="execution_trace",
                prompt=failing.test.describe(),
                response=trace or "",
                tests=[],
                attempt=dict(attempt),
                note=f"code #{candidate.number}: "
                + ("traced" if trace else "no trace: the code failed before the traced test ran"),
            )
        )
        return trace


async def _side_by_side(calls: list[Awaitable[T]]) -> list[T | None]:
    """Await `calls` together. A call the task's budget refused gives None, and the others
    still finish (none is left running after the task ends); if the budget refused every one,
    `BudgetExhausted` is raised. Any other failure is raised once all have ended."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    refused = [r for r in results if isinstance(r, BudgetExhausted)]
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, BudgetExhausted):
            raise result
    if refused and len(refused) == len(results):
        raise refused[0]
    return [None if isinstance(r, BaseException) else r for r in results]


def _ranked_failing(candidates: list[Candidate]) -> list[Candidate]:
    """Failing candidates, most visible tests passed first, then the newest."""
    failing = [c for c in candidates if not c.report.passed]
    return sorted(failing, key=lambda c: (-c.tests_passed, -c.number))


def _best_failing(candidates: list[Candidate]) -> Candidate | None:
    """The code to return when none passes: most visible tests passed, ties to the earliest
    (the greedy candidate when it is among them)."""
    if not candidates:
        return None
    return min(candidates, key=lambda c: (-c.tests_passed, not c.greedy, c.number))


def _evidence(session: TaskSession, candidates: list[Candidate]) -> list[dict[str, str]]:
    """The failed codes shown to the planning agent: the best few, with their test feedback."""
    return [
        {"code": c.code.strip(), "feedback": c.report.feedback(max_chars=_EVIDENCE_CHARS)}
        for c in _ranked_failing(candidates)[:_EVIDENCE_CODES]
    ]
