"""The Problem model shared by loaders, strategies, the sandbox and the runner.

A strategy only ever receives a `PublicProblem`: it has the statement and the visible
tests, and no attribute that leads to the hidden ones. The hidden tests live on
`Problem`, which only the runner and the evaluator hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

TestKind = Literal["io", "assert", "call"]


class ProblemKind(str, Enum):
    """How a solution is exercised."""

    FUNCTION = "function"  # a Python entry point checked by asserts or calls
    STDIO = "stdio"  # a program that reads stdin and writes stdout


@dataclass(frozen=True)
class TestCase:
    """One test of a solution.

    - ``kind="io"``: ``input`` is the stdin text, ``expected`` the expected stdout text.
    - ``kind="assert"``: ``input`` is Python code (asserts, or a ``check(candidate)`` block
      with its call) run after the solution; it passes when it raises nothing.
    - ``kind="call"``: ``input`` is the list of positional arguments for the entry point,
      ``expected`` the plain-data return value compared by the harness, outside the program.
    """

    kind: TestKind
    input: Any
    expected: Any = None
    atol: float = 0.0

    def describe(self) -> str:
        """A short human-readable rendering, for prompts and logs."""
        if self.kind == "assert":
            return str(self.input).strip()
        if self.kind == "call":
            return f"input: {self.input!r}\nexpected output: {self.expected!r}"
        return f"Input:\n{self.input}\nExpected output:\n{self.expected}"


@dataclass(frozen=True)
class PublicProblem:
    """What a strategy may see: the statement and the tests the statement itself shows."""

    task_id: str
    prompt: str
    kind: ProblemKind
    language: str = "python"
    entry_point: str | None = None
    starter_code: str = ""
    visible_tests: tuple[TestCase, ...] = ()
    time_limit_s: float = 10.0
    memory_mb: int = 1024
    prelude: str = ""  # Python code the harness runs before a Python candidate (e.g. LiveCodeBench's imports)


@dataclass(frozen=True)
class Problem:
    """A benchmark problem: its public part plus the hidden tests used only for the verdict."""

    public: PublicProblem
    hidden_tests: tuple[TestCase, ...]
    dataset: str = ""
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    # Where the dataset extends an original benchmark's tests (EvalPlus's plus inputs, the -ET
    # extra tests): how many of `hidden_tests`, from the first, are the original ("base") ones.
    # None when the hidden tests are one suite.
    n_base_tests: int | None = None

    @property
    def task_id(self) -> str:
        """The dataset row's own id, as text."""
        return self.public.task_id
