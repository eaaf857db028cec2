"""Command-line flags for every strategy option (one flag per options-dataclass field)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import typing
from typing import Any

from codesim.models.registry import KNOWN_MODELS
from codesim.strategies.options import StrategyOptions
from codesim.strategies.registry import STRATEGIES, StrategySpec

_DEST_PREFIX = "strategy_option_"
_HELP = {
    "max_plan_tries": "CodeSIM: plan attempts, P (default 5; 3 for codesim-contest)",
    "max_debug_tries": "debugging rounds per code/plan, D (MapCoder's t) (default 5)",
    "exemplars": "MapCoder: recalled exemplars, k (default 3)",
    "generated_tests": "CodeSIM: extra model-written tests (default 0; 5 for codesim-gen-tests)",
    "replan_temperature": "CodeSIM: sampling temperature of plan attempts after the first (default 0.7)",
    "verify_plan": "CodeSIM: plan simulation and refinement (ablation switch)",
    "debug": "CodeSIM: the debugging agent (ablation switch)",
    "contest": "CodeSIM: the debugging prompt also checks syntax and I/O format",
    "test_gen_temperature": "CodeSIM: sampling temperature of the test-generation calls (default 0.8)",
    "candidates": "codesim-adaptive/sample-filter: direct candidates per task, n (greedy + n-1 sampled; default 4)",
    "greedy_first": (
        "codesim-adaptive/sample-filter: ask the first (greedy) candidate alone; sample the other n-1 only when "
        "it fails the visible tests or the problem shows none (default on; off: all n at once)"
    ),
    "more_candidates": (
        "codesim-adaptive: candidates sampled more when none of the first n passes (default 4; 0 = none)"
    ),
    "sample_temperature": "codesim-adaptive/sample-filter: temperature of the sampled candidates (default 0.8)",
    "agreement": "codesim-adaptive: choose among passing candidates by agreement on probe inputs",
    "probe_inputs": (
        "codesim-adaptive: probe inputs asked of the model (default 6; 0 = mutations of the visible tests only)"
    ),
    "tie_votes": (
        "codesim-adaptive: candidates sampled more when the largest groups agreeing on the probes tie "
        "(default 4; 0 = none)"
    ),
    "escalate": (
        "codesim-adaptive: plan, code and debug when no candidate passes "
        f"(default on, except for the embedded models: {', '.join(KNOWN_MODELS)})"
    ),
    "escalation_rounds": "codesim-adaptive: escalation rounds (default 2)",
    "plans": "codesim-adaptive: plans sampled per escalation round (default 3)",
    "plan_temperature": "codesim-adaptive: temperature of the sampled plans (default 0.7)",
    "debug_rounds": "codesim-adaptive: debugging rounds per failing code (default 2)",
    "debug_candidates": "codesim-adaptive: failing codes debugged per escalation round (default 2)",
    "execution_trace": "codesim-adaptive: show the debugging agent a traced run of the failing test",
    "fence_stop": (
        "codesim-adaptive/sample-filter: end answers that carry code at their first closing code fence "
        "(turn off for models that write code blocks while reasoning in their answer text)"
    ),
    "answer_max_tokens": "codesim-adaptive: max_tokens of candidate, coding and debugging answers (default 1024)",
    "plan_max_tokens": "codesim-adaptive: max_tokens of planning answers (default 768)",
    "probe_max_tokens": "codesim-adaptive: max_tokens of the probe-input answer (default 256)",
    "faithful": "reproduce the paper's control flow exactly (re-test repeated codes, reuse plan prompts)",
    "task_max_calls": "per-task budget: LLM calls per task sample (default unlimited; codesim-adaptive 20)",
    "task_max_tokens": "per-task budget: tokens per task sample (default unlimited; codesim-adaptive 30000)",
    "task_max_seconds": "per-task budget: seconds per task sample (default unlimited)",
}


def _option_owners() -> dict[str, type[StrategyOptions]]:
    """Every option name of every registered strategy, with the first options type defining it."""
    owners: dict[str, type[StrategyOptions]] = {}
    for spec in STRATEGIES.values():
        for spec_field in dataclasses.fields(spec.options_type):
            owners.setdefault(spec_field.name, spec.options_type)
    return owners


def _value_type(options_type: type[StrategyOptions], name: str) -> Any:
    """`int` for `int | None`, and so on."""
    hint = typing.get_type_hints(options_type)[name]
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    return args[0] if args else hint


def add_strategy_options(parser: argparse.ArgumentParser) -> None:
    """Add a flag per strategy option (`max_plan_tries` -> `--max-plan-tries`; booleans get
    `--x/--no-x`). A flag not given leaves the strategy's own default."""
    group = parser.add_argument_group("strategy options (each applies to the strategies that have it)")
    for name, options_type in _option_owners().items():
        value_type = _value_type(options_type, name)
        flag = "--" + name.replace("_", "-")
        help_text = _HELP.get(name, f"strategy option {name}")
        if value_type is bool:
            group.add_argument(
                flag, dest=_DEST_PREFIX + name, action=argparse.BooleanOptionalAction, default=None, help=help_text
            )
        else:
            metavar = "N" if value_type is int else "X"
            group.add_argument(
                flag, dest=_DEST_PREFIX + name, type=value_type, default=None, metavar=metavar, help=help_text
            )


def strategy_options_from_args(args: argparse.Namespace, spec: StrategySpec) -> dict[str, Any]:
    """The options given on the command line that `spec` takes; the others are reported on
    stderr and ignored (so one command line can drive several strategies)."""
    given = {
        key[len(_DEST_PREFIX) :]: value
        for key, value in vars(args).items()
        if key.startswith(_DEST_PREFIX) and value is not None
    }
    known = {f.name for f in dataclasses.fields(spec.options_type)}
    ignored = sorted(set(given) - known)
    if ignored:
        flags = ", ".join("--" + name.replace("_", "-") for name in ignored)
        print(f"codesim: note: strategy '{spec.name}' has no {flags}; ignored", file=sys.stderr)
    return {name: value for name, value in given.items() if name in known}
