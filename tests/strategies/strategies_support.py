"""Tiny hand-made problems, answers and helpers for the strategy tests."""

from __future__ import annotations

from codesim.problems import Problem, ProblemKind, PublicProblem, TestCase
from codesim.strategies import create_strategy
from codesim.strategies.base import StrategyResult
from codesim.testing.fake_llm import FakeLLMServer

HIDDEN_MARKER = "HIDDEN_MARKER_5d1f0c"

FUNCTION_PROBLEM = Problem(
    public=PublicProblem(
        task_id="toy/sum_squares",
        prompt=(
            "def sum_squares(xs):\n"
            '    """Return the sum of the squares of the integers in xs.\n'
            "    >>> sum_squares([1, 2])\n    5\n"
            '    """\n'
        ),
        kind=ProblemKind.FUNCTION,
        entry_point="sum_squares",
        visible_tests=(
            TestCase("assert", "assert sum_squares([1, 2]) == 5"),
            TestCase("assert", "assert sum_squares([]) == 0"),
        ),
    ),
    hidden_tests=(TestCase("assert", f"assert sum_squares([3, 4]) == 25, '{HIDDEN_MARKER}'"),),
)

STDIO_PROBLEM = Problem(
    public=PublicProblem(
        task_id="toy/add",
        prompt="Read two integers a and b from one line and print a + b.\n\nSample input:\n2 3\nSample output:\n5\n",
        kind=ProblemKind.STDIO,
        visible_tests=(TestCase("io", "2 3\n", "5\n"),),
    ),
    hidden_tests=(TestCase("io", "40 2\n", f"42\n{HIDDEN_MARKER}\n"),),
)

GOOD_FUNCTION = "def sum_squares(xs):\n    return sum(x * x for x in xs)\n"
BAD_FUNCTIONS = [
    "def sum_squares(xs):\n    return sum(xs)\n",
    "def sum_squares(xs):\n    return sum(x * 2 for x in xs)\n",
    "def sum_squares(xs):\n    return len(xs)\n",
    "def sum_squares(xs):\n    return max(xs, default=0) ** 2\n",
]
GOOD_STDIO = "a, b = map(int, input().split())\nprint(a + b)\n"


def fenced(code: str, prefix: str = "Here is the code.") -> str:
    """A model-style answer with `code` in a python fence."""
    return f"{prefix}\n```python\n{code}```\n"


def stages(result: StrategyResult) -> list[str]:
    """The stage of every trace step, in order."""
    return [step.stage for step in result.trace.steps]


def user_texts(server: FakeLLMServer) -> list[str]:
    """The last user turn of every request the fake server received."""
    return [request.last_user_text for request in server.requests]


PLAN = (
    "## Understanding\nWe need the sum of squares.\n\n## Related problem\nSum of a list: add items one by one.\n\n"
    "## Algorithm\nA linear scan.\n\n## Plan\n1. Square each number.\n2. Add the squares up.\n"
)
OTHER_PLAN = "## Understanding\nSame.\n\n## Plan\n1. Use a loop with an accumulator of squares.\n"
SIMULATION_OK = "Input [1, 2]: squares 1 and 4, total 5. Expected 5.\nVERDICT: PLAN IS CORRECT"
SIMULATION_BAD = "Input [1, 2]: the plan adds 1 + 2 = 3, but 5 is expected.\n**VERDICT: PLAN NEEDS CHANGES**"
REFINED_PLAN = "## Plan\n1. Square every element first.\n2. Sum the squares.\n"


def debug_answer(code: str, source: str = "CODE") -> str:
    """A debugging answer: a short trace, the ERROR SOURCE line and the fixed code."""
    return fenced(code, prefix=f"Tracing [1, 2]: the code returns the wrong value.\nERROR SOURCE: {source}")


async def solve_with(name: str, model, runner_for, problem: PublicProblem | None = None, **options) -> StrategyResult:
    """Create strategy `name` with `options` and solve `problem` (default: the function
    problem) on its visible tests, as sample 0."""
    problem = problem or FUNCTION_PROBLEM.public
    return await create_strategy(name, **options).solve(problem, model, runner_for(problem), sample_index=0)
