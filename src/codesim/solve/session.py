"""One solve (`codesim.solve`): the strategy on the problem's visible tests, with the trace kept."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codesim.atomic import write_json_atomically
from codesim.execution import Sandbox
from codesim.llm.chat import ChatModel
from codesim.llm.factory import ModelConfig, build_chat_model
from codesim.problems import PublicProblem
from codesim.strategies.base import Strategy, StrategyResult, Trace, TraceStep
from codesim.strategies.budget import solve_within_budget
from codesim.strategies.visible_tests import sandbox_test_runner


@dataclass
class SolveSession:
    """A strategy run on one problem; keeps the trace so far and the time taken, even when the
    run fails midway. `model` is a ModelConfig (the model is built, then closed) or a ChatModel
    (used, left open)."""

    problem: PublicProblem
    strategy: Strategy
    model: ModelConfig | ChatModel
    on_step: Callable[[TraceStep], None] | None = None
    result: StrategyResult | None = None
    seconds: float = 0.0
    trace: Trace = field(init=False)

    def __post_init__(self) -> None:
        self.trace = Trace(on_step=self.on_step)

    async def solve(self) -> StrategyResult:
        """Run the strategy within its per-task budget; the visible tests run in a fresh sandbox."""
        started = time.monotonic()
        model = self.model if isinstance(self.model, ChatModel) else build_chat_model(self.model)
        sandbox = Sandbox()
        try:
            run_visible = sandbox_test_runner(sandbox, self.problem)
            self.result = await solve_within_budget(self.strategy, self.problem, model, run_visible, trace=self.trace)
            return self.result
        finally:
            self.seconds = time.monotonic() - started
            await sandbox.aclose()
            if model is not self.model:
                await model.aclose()


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Write `document` to `path` as indented JSON (anything else as its repr), atomically."""
    write_json_atomically(path, document, default=repr)
