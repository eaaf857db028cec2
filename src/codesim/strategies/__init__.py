"""Code-generation strategies: CodeSIM, its ablations and the baselines.

The runner calls `create_strategy(name, **options)` and then
`await strategy.solve(problem.public, model, run_visible, sample_index=i)`; `run_visible` can
be made with `codesim.strategies.visible_tests.sandbox_test_runner`. Outcome names are
documented in `codesim.strategies.outcomes`; parse fallbacks are counted with
`count_fallbacks(result.trace.steps)`.
"""

from codesim.strategies.base import Strategy, StrategyResult, Trace, TraceStep, VisibleTestRunner
from codesim.strategies.parsing import count_fallbacks
from codesim.strategies.registry import (
    STRATEGIES,
    StrategySpec,
    create_strategy,
    get_spec,
    register_strategy,
    strategy_names,
)

__all__ = [
    "STRATEGIES",
    "Strategy",
    "StrategyResult",
    "StrategySpec",
    "Trace",
    "TraceStep",
    "VisibleTestRunner",
    "count_fallbacks",
    "create_strategy",
    "get_spec",
    "register_strategy",
    "strategy_names",
]
