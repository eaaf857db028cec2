"""MapCoder (Islam et al., 2024): retrieval, planning, coding and debugging agents.

`retrieval` recalls k (= `exemplars`) relevant problems, each with a plan and code, plus an
algorithm tutorial → one `planning` call per exemplar, each plan rated 0-100 → plans tried in
order of confidence: `coding` → `visible_tests` → up to t (= `max_debug_tries`) rounds of
`debugging` → next plan on failure.
"""

from __future__ import annotations

from codesim.extract import strip_reasoning
from codesim.strategies.base import StrategyResult
from codesim.strategies.options import MapCoderOptions
from codesim.strategies.outcomes import UNSOLVED, solved_outcome
from codesim.strategies.parsing import algorithm_section, confidence, drop_confidence, exemplars
from codesim.strategies.repair import DebugSetup, code_and_debug
from codesim.strategies.session import SessionStrategy, TaskSession, add_note


class MapCoder(SessionStrategy):
    """MapCoder, as a baseline for CodeSIM."""

    options: MapCoderOptions

    async def run(self, session: TaskSession) -> StrategyResult:
        """Recall, plan per exemplar, then code and debug the plans by confidence."""
        options = self.options
        step = await session.ask("retrieval", "mapcoder_retrieval", count=options.exemplars)
        examples, note = exemplars(step.response, options.exemplars)
        algorithm, algorithm_note = algorithm_section(step.response)
        add_note(step, note)
        add_note(step, algorithm_note)
        rated: list[tuple[int, str]] = []
        for index, example in enumerate(examples, 1):
            planning = await session.ask(
                "planning", "mapcoder_planning", attempt={"exemplar": index}, exemplar=example, algorithm=algorithm
            )
            score, note = confidence(planning.response)
            add_note(planning, note or f"confidence {score}")
            rated.append((score, drop_confidence(strip_reasoning(planning.response))))
        ordered = sorted(rated, key=lambda pair: -pair[0])
        debug = DebugSetup("mapcoder_debugging", options.max_debug_tries, stop_on_repeat=not options.faithful)
        for plan_no, (_, plan) in enumerate(ordered, 1):
            result = await code_and_debug(
                session, plan_no=plan_no, plan=plan, coding_context={"algorithm": algorithm}, debug=debug
            )
            if result.passed:
                return session.finish(result.code, True, solved_outcome(plan_no, result.debug_round))
        return session.finish(None, False, UNSOLVED)
