"""codesim: the CodeSIM method (plan, simulate, code, debug) and a harness to measure it.

The Python API (docs/api.md), loaded on first use so that `import codesim` stays cheap:

    import codesim
    solution = codesim.solve(statement, model="openai/gpt-4o")
    summary = codesim.run(dataset="humaneval", strategy="codesim", model="local/qwen2.5-coder-0.5b", limit=5)
    scores = codesim.evaluate("samples.jsonl", dataset="humaneval")

Each function `f` has an async twin `af` (`asolve`, `arun`, `aevaluate`, `aload_problems`).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    **dict.fromkeys(
        (
            "solve",
            "asolve",
            "run",
            "arun",
            "evaluate",
            "aevaluate",
            "load_problems",
            "aload_problems",
            "Solution",
            "SolveUsage",
            "RunSummary",
            "Evaluation",
        ),
        "codesim.api",
    ),
    "ModelConfig": "codesim.llm.factory",
    "register_provider": "codesim.llm.factory",
    "ChatModel": "codesim.llm.chat",
    "Provider": "codesim.llm.base",
    "ChatParams": "codesim.llm.base",
    "Message": "codesim.llm.base",
    "Usage": "codesim.llm.base",
    "register_strategy": "codesim.strategies.registry",
    "StrategyResult": "codesim.strategies.base",
    "Trace": "codesim.strategies.base",
    "TraceStep": "codesim.strategies.base",
    "register_dataset": "codesim.benchmarks.registry",
    "Problem": "codesim.problems",
    "PublicProblem": "codesim.problems",
    "ProblemKind": "codesim.problems",
    "TestCase": "codesim.problems",
    "CodesimError": "codesim.errors",
    "UsageError": "codesim.errors",
    "ProviderError": "codesim.errors",
}

# The subpackage `codesim.solve` is loaded now, which binds its name here; the name belongs
# to the API's `solve` function, found through `__getattr__` below (the subpackage's modules
# import as before, and later imports do not bind the name again).
importlib.import_module("codesim.solve")
del globals()["solve"]

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'codesim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
