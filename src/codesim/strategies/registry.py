"""Strategy names, their options and how to build them.

`create_strategy(name, **options)` is what the runner calls. Names are matched
case-insensitively, `_` and `-` alike, and the paper's names are aliases (`CodeSIMWD`,
`MapCoder`, ...). Each spec has a typed options dataclass; a variant may *fix* some options
(what makes it that variant: passing another value is an error) and change the *defaults*
of others.

Other packages add strategies with `@register_strategy(...)` or through the entry-point group
`codesim.strategies` (see `codesim.plugins`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from codesim.errors import UsageError
from codesim.plugins import Registry
from codesim.strategies.adaptive import CodeSimAdaptive
from codesim.strategies.base import Strategy
from codesim.strategies.baselines import SelfPlanning, SingleCall
from codesim.strategies.codesim import CodeSim
from codesim.strategies.mapcoder import MapCoder
from codesim.strategies.options import AdaptiveOptions, CodeSimOptions, MapCoderOptions, StrategyOptions


@dataclass(frozen=True)
class StrategySpec:
    """A named strategy: how to build it and which options it takes."""

    name: str
    description: str
    build: Callable[[str, Any], Strategy]  # (name, options) -> strategy
    options_type: type[StrategyOptions] = StrategyOptions
    fixed: Mapping[str, Any] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    def option_names(self) -> list[str]:
        """The options a caller may set."""
        return [f.name for f in dataclasses.fields(self.options_type) if f.name not in self.fixed]

    def default_options(self) -> StrategyOptions:
        """The options used when the caller sets none."""
        return self.options_type(**{**self.defaults, **self.fixed})

    def make_options(self, **given: Any) -> StrategyOptions:
        """Validated options: the defaults overridden by `given`."""
        unknown = sorted(set(given) - {f.name for f in dataclasses.fields(self.options_type)})
        if unknown:
            valid = ", ".join(self.option_names()) or "none"
            raise UsageError(f"strategy {self.name!r} has no option {', '.join(unknown)} (valid options: {valid})")
        for key, value in given.items():
            if key in self.fixed and value != self.fixed[key]:
                raise UsageError(f"strategy {self.name!r} fixes {key}={self.fixed[key]!r}; got {value!r}")
        return self.options_type(**{**self.defaults, **given, **self.fixed})

    def create(self, **given: Any) -> Strategy:
        """A strategy instance with validated options."""
        return self.build(self.name, self.make_options(**given))


def _single_call(template: str) -> Callable[[str, Any], Strategy]:
    """A builder of a one-call strategy with `template`'s instructions."""

    def build(name: str, options: Any) -> Strategy:
        return SingleCall(name, options, template)

    return build


# CodeSIM-Adaptive's per-task budgets, on by default (the --task-max-* flags override them).
_ADAPTIVE_BUDGET = {"task_max_calls": 20, "task_max_tokens": 30000}

_SPECS = (
    StrategySpec("direct", "one call: the code straight from the problem", _single_call("direct"), aliases=("Direct",)),
    StrategySpec("cot", "one call: step-by-step reasoning, then the code", _single_call("cot"), aliases=("CoT",)),
    StrategySpec("self-planning", "a plan call, then a code call", SelfPlanning, aliases=("SelfPlanning",)),
    StrategySpec(
        "analogical",
        "one call: self-generated related examples, then the code",
        _single_call("analogical"),
        aliases=("Analogical",),
    ),
    StrategySpec(
        "mapcoder",
        "retrieval of k exemplars, one plan each by confidence, t debugging rounds per plan",
        MapCoder,
        MapCoderOptions,
        aliases=("MapCoder",),
    ),
    StrategySpec(
        "codesim",
        "planning with simulation, coding, simulation-driven debugging",
        CodeSim,
        CodeSimOptions,
        aliases=("CodeSIM",),
    ),
    StrategySpec(
        "codesim-no-debug",
        "CodeSIM without the debugging agent: a failing code goes to a new plan",
        CodeSim,
        CodeSimOptions,
        fixed={"debug": False},
        aliases=("CodeSIMWD",),
    ),
    StrategySpec(
        "codesim-no-verify",
        "CodeSIM without plan simulation and refinement",
        CodeSim,
        CodeSimOptions,
        fixed={"verify_plan": False},
        aliases=("CodeSIMWPV",),
    ),
    StrategySpec(
        "codesim-plan-code",
        "CodeSIM with neither plan verification nor debugging",
        CodeSim,
        CodeSimOptions,
        fixed={"verify_plan": False, "debug": False},
        aliases=("CodeSIMWPVD",),
    ),
    StrategySpec(
        "codesim-gen-tests",
        "CodeSIM with extra model-written tests that two generations agree on",
        CodeSim,
        CodeSimOptions,
        defaults={"generated_tests": 5},
    ),
    StrategySpec(
        "codesim-contest",
        "CodeSIM for contest datasets: 3 plans, debugging also checks syntax and I/O format",
        CodeSim,
        CodeSimOptions,
        fixed={"contest": True},
        defaults={"max_plan_tries": 3},
        aliases=("CodeSIMC",),
    ),
    StrategySpec(
        "codesim-adaptive",
        "direct candidates chosen by execution (visible tests, then agreement on probe inputs); "
        "only where none passes, sampled plans, coding and debugging fed by real execution traces",
        CodeSimAdaptive,
        AdaptiveOptions,
        defaults=_ADAPTIVE_BUDGET,
        aliases=("CodeSIMAdaptive",),
    ),
    StrategySpec(
        "sample-filter",
        "the greedy answer plus n-1 samples; the first that passes the visible tests, else the greedy one",
        CodeSimAdaptive,
        AdaptiveOptions,
        fixed={"agreement": False, "more_candidates": 0, "tie_votes": 0, "escalate": False},
        aliases=("SampleFilter",),
    ),
)


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def _spec_of_plugin(name: str, loaded: Any) -> StrategySpec:
    """An entry point's object as a spec: a StrategySpec as is, else a builder `(name, options) -> Strategy`."""
    if isinstance(loaded, StrategySpec):
        return loaded
    if not callable(loaded):
        raise TypeError(f"strategy plugin {name!r} is neither a StrategySpec nor callable")
    return StrategySpec(name, _first_line(loaded.__doc__), loaded)


REGISTRY: Registry[StrategySpec] = Registry("codesim.strategies", "strategy", _spec_of_plugin, _key)
for _spec in _SPECS:
    REGISTRY.add(_spec.name, _spec, _spec.aliases)

STRATEGIES: dict[str, StrategySpec] = REGISTRY.items  # canonical name -> spec (built-ins first)


def register_strategy(
    name: str,
    *,
    description: str = "",
    options: type[StrategyOptions] = StrategyOptions,
    fixed: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
    aliases: tuple[str, ...] = (),
) -> Callable[[Callable[[str, Any], Strategy]], Callable[[str, Any], Strategy]]:
    """Register the decorated builder (a class or function called as `build(name, options)`,
    `options` an instance of `options`) as strategy `name`. Returns the builder unchanged."""

    def decorate(build: Callable[[str, Any], Strategy]) -> Callable[[str, Any], Strategy]:
        spec = StrategySpec(
            name,
            description or _first_line(build.__doc__),
            build,
            options,
            fixed=dict(fixed or {}),
            defaults=dict(defaults or {}),
            aliases=aliases,
        )
        REGISTRY.add(name, spec, aliases, replace=True)
        return build

    return decorate


def strategy_names() -> list[str]:
    """The canonical names of the strategies registered so far (built-ins first; installed
    plugins are listed once something has loaded them)."""
    return REGISTRY.names(plugins=False)


def get_spec(name: str) -> StrategySpec:
    """The spec of `name` (or one of its aliases); `UsageError` listing valid names if unknown."""
    spec = REGISTRY.find(name)
    if spec is None:
        raise UsageError(f"unknown strategy {name!r} (valid: {', '.join(REGISTRY.names())})")
    return spec


def create_strategy(name: str, **options: Any) -> Strategy:
    """A ready strategy: `name` or an alias, with `options` validated against its spec."""
    return get_spec(name).create(**options)
