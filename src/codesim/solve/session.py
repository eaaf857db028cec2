"""One `codesim solve`: the strategy on the problem's visible tests, and the trace document."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codesim.atomic import write_json_atomically
from codesim.execution import Sandbox
from codesim.llm.chat import ChatModel
from codesim.llm.factory import ModelConfig, build_chat_model
from codesim.llm.model_ref import model_config_of
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

    @property
    def model_config(self) -> ModelConfig:
        """The model as a ModelConfig (what a ChatModel object really uses)."""
        return model_config_of(self.model)

    async def solve(self, on_ready: Callable[[], None] = lambda: None) -> StrategyResult:
        """Run the strategy within its per-task budget; the visible tests run in a fresh sandbox.
        `on_ready` is called once the model is built (a missing key or model fails before it)."""
        started = time.monotonic()
        model = self.model if isinstance(self.model, ChatModel) else build_chat_model(self.model)
        on_ready()
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

    def trace_document(self, model_name: str, error: str = "") -> dict[str, Any]:
        """Everything about this solve as JSON data: the problem, the result and every step."""
        trace = self.trace
        result = self.result
        document: dict[str, Any] = {
            "task_id": self.problem.task_id,
            "kind": self.problem.kind.value,
            "language": self.problem.language,
            "entry_point": self.problem.entry_point,
            "visible_tests": [dataclasses.asdict(test) for test in self.problem.visible_tests],
            "strategy": self.strategy.name,
            "provider": self.model_config.provider,
            "model": model_name,
            "code": result.code if result else "",
            "visible_passed": result.visible_passed if result and self.problem.visible_tests else None,
            "outcome": result.outcome if result else "error",
            "llm_calls": trace.llm_calls,
            "prompt_tokens": trace.prompt_tokens,
            "completion_tokens": trace.completion_tokens,
            "seconds": round(self.seconds, 3),
            "trace": trace.to_list(),
        }
        if error:
            document["error"] = error
        return document


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Write `document` to `path` as indented JSON (anything else as its repr), atomically."""
    write_json_atomically(path, document, default=repr)
