"""Typed options of each strategy, validated on construction.

Every field is a knob the runner exposes as a CLI option and records in config.json.
Field metadata ``{"min": x}`` gives the smallest accepted value.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

from codesim.errors import UsageError


def _at_least(minimum: float, default: Any) -> Any:
    return field(default=default, metadata={"min": minimum})


def _accepts(annotation: Any, value: Any) -> bool:
    """Whether `value` fits a simple annotation: int, float, bool, or X | None."""
    args = typing.get_args(annotation)
    if args:  # a union such as `int | None`
        return any(_accepts(arg, value) for arg in args)
    if annotation is type(None):
        return value is None
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, annotation)


@dataclass(frozen=True)
class StrategyOptions:
    """Options every strategy has: per-task budgets (None = unlimited, as in the paper).

    A budget is checked before each LLM call; once a budget is used up the strategy stops
    and returns the last code it has."""

    task_max_calls: int | None = _at_least(1, None)
    task_max_tokens: int | None = _at_least(1, None)
    task_max_seconds: float | None = _at_least(0.001, None)

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self))
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            if not _accepts(hints[spec.name], value):
                expected = getattr(hints[spec.name], "__name__", str(hints[spec.name]))
                raise UsageError(f"strategy option {spec.name}={value!r}: expected {expected}")
            minimum = spec.metadata.get("min")
            if minimum is not None and value is not None and not isinstance(value, bool) and value < minimum:
                raise UsageError(f"strategy option {spec.name}={value!r}: must be at least {minimum}")

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form, for config.json."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class IterativeOptions(StrategyOptions):
    """Options of strategies that debug against the visible tests."""

    max_debug_tries: int = _at_least(0, 5)
    # faithful=True reproduces the paper's control flow: a code equal to one already tried
    # is tested again and the debugging loop goes on (and CodeSIM's new plans reuse the same
    # prompt). False (default): a repeated code counts as a failed round without a test run
    # and ends that debugging loop.
    faithful: bool = False


@dataclass(frozen=True)
class CodeSimOptions(IterativeOptions):
    """CodeSIM and its ablations."""

    max_plan_tries: int = _at_least(1, 5)
    # Unless faithful: plan attempts after the first are told which plans failed and how,
    # and are sampled at this temperature (if above the model's own).
    replan_temperature: float = _at_least(0.0, 0.7)
    verify_plan: bool = True  # simulation + plan refinement
    debug: bool = True  # the debugging agent
    contest: bool = False  # the debugging prompt also checks syntax and I/O format
    generated_tests: int = _at_least(0, 0)  # extra tests asked from the model (0 = none)
    test_gen_temperature: float = _at_least(0.0, 0.8)


@dataclass(frozen=True)
class MapCoderOptions(IterativeOptions):
    """MapCoder: `exemplars` recalled problems (k), one plan each, `max_debug_tries` (t) per plan."""

    exemplars: int = _at_least(1, 3)


@dataclass(frozen=True)
class AdaptiveOptions(StrategyOptions):
    """CodeSIM-Adaptive (and `sample-filter`, which is it without agreement and escalation).

    Stage 1 asks for `candidates` direct answers to one prompt: the first at the model's own
    temperature (greedy by default), the others at `sample_temperature` (with `greedy_first`, the
    default, only after the first fails the visible tests, or when there are none); when none passes the
    visible tests, `more_candidates` more are sampled. Stage 2 (escalation) runs only when still
    none passes (by default not on the embedded local models, see `adaptive.escalates`):
    `escalation_rounds` rounds of `plans` plans
    sampled at once (with the failed candidates in the prompt), their code, and up to
    `debug_rounds` debugging rounds for the `debug_candidates` best failing codes, each fed by
    a real execution trace of the failing test. With `fence_stop`, answers that carry code end
    at their first closing code fence (what follows, explanations or a repeated prompt, is never
    read)."""

    candidates: int = _at_least(1, 4)
    greedy_first: bool = True  # sample the other candidates only when the first one fails
    more_candidates: int = _at_least(0, 4)  # sampled when none of the first `candidates` passes (0 = none)
    sample_temperature: float = _at_least(0.0, 0.8)
    agreement: bool = True  # choose among passing candidates by agreement on probe inputs
    probe_inputs: int = _at_least(0, 6)  # inputs asked of the model for agreement (0 = mutations only)
    tie_votes: int = _at_least(0, 4)  # candidates sampled more when the largest agreeing groups tie (0 = none)
    escalate: bool | None = None  # None: on, except for the embedded local models (`escalates`)
    escalation_rounds: int = _at_least(0, 2)
    plans: int = _at_least(1, 3)
    plan_temperature: float = _at_least(0.0, 0.7)
    debug_rounds: int = _at_least(0, 2)
    debug_candidates: int = _at_least(1, 2)
    execution_trace: bool = True  # show the debugging agent the failing run's variable values
    fence_stop: bool = True  # end candidate, coding and debugging answers at their first closing code fence
    answer_max_tokens: int = _at_least(64, 1024)  # candidates, codes and debugging answers
    plan_max_tokens: int = _at_least(64, 768)
    probe_max_tokens: int = _at_least(64, 256)
