"""What a run would ask of its model, without asking it: `codesim run --dry-run`.

Each selected task is solved twice by the real strategy, against an in-process stand-in for the
model and for the visible tests: once as the best case (the first code passes its visible tests)
and once as the worst case (every code fails them, so every plan and debugging round the
strategy's options allow is used). The stand-in answers every call with a canned answer of
`completion_tokens` tokens that has every marker the prompts ask for (a plan, a verdict line, an
error source, a fenced code); the prompts are the strategy's own, rendered from the real
problems, so their sizes are those a real run sends (counted with the offline estimator that
codesim uses when a provider reports no usage). Nothing is written and no provider is built."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from codesim.execution.verdicts import TestReport, TestResult, Verdict
from codesim.llm.base import ChatParams, Message, Provider, Usage
from codesim.llm.chat import ChatModel
from codesim.pricing import cost_usd
from codesim.problems import ProblemKind, PublicProblem, TestCase
from codesim.strategies.base import Strategy, VisibleTestRunner

ASSUMED_COMPLETION_TOKENS = 300  # per call: the estimate's assumption for answer length


class _CannedModelProvider(Provider):
    """Answers every request at once with a canned answer carrying every marker; the code in it
    changes from call to call (a strategy's repeat guard must not end a loop a real model's
    different answers would continue)."""

    name = "dry-run"

    def __init__(self, problem: PublicProblem, completion_tokens: int) -> None:
        self.problem = problem
        self.filler = " ".join(["step"] * max(0, completion_tokens - 40))
        self.numbers = itertools.count(1)

    def _code(self, number: int) -> str:
        if self.problem.kind is ProblemKind.FUNCTION and self.problem.entry_point:
            name = self.problem.entry_point.rpartition(".")[2]
            return f"def {name}(*args):\n    return {number}\n"
        return f"print({number})\n"

    async def complete(self, messages: list[Message], params: ChatParams) -> tuple[str, Usage | None]:
        code = self._code(next(self.numbers))
        fence = self.problem.language
        text = (
            f"## Understanding\n{self.filler}\n\n## Algorithm\nA direct approach.\n\n## Plan\n1. Solve it.\n\n"
            f"VERDICT: PLAN IS CORRECT\nERROR SOURCE: CODE\nCONFIDENCE: 90\n\n```{fence}\n{code}```\n"
        )
        return text, None  # usage estimated from the texts, as for a provider that reports none


def _visible_runner(problem: PublicProblem, passing: bool) -> VisibleTestRunner:
    """Verdicts without running anything: every test passes (best case) or fails (worst case);
    the signature of `codesim.strategies.visible_tests.sandbox_test_runner`'s runner."""

    async def run_visible(code: str, extra_tests: Sequence[TestCase] = (), visible: bool = True) -> TestReport:
        tests = (*problem.visible_tests, *extra_tests) if visible else tuple(extra_tests)
        verdict = Verdict.PASSED if passing else Verdict.FAILED
        return TestReport.from_results([TestResult(test, verdict, actual="" if passing else "?") for test in tests])

    return run_visible


@dataclass
class CaseUsage:
    """Calls and tokens of one case."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, calls: int, prompt: int, completion: int, times: int) -> None:
        """Add one sample's counts `times` times."""
        self.calls += calls * times
        self.prompt_tokens += prompt * times
        self.completion_tokens += completion * times


@dataclass
class Estimate:
    """Expected model use of a run: best and worst case, and their cost (None: no list price)."""

    tasks: int
    samples: int
    best: CaseUsage
    worst: CaseUsage
    model: str

    def cost(self, case: CaseUsage) -> float | None:
        """USD at list prices for `case`."""
        return cost_usd(self.model, case.prompt_tokens, case.completion_tokens)


async def _one_case(
    strategy: Strategy, problem: PublicProblem, params: ChatParams, passing: bool, completion_tokens: int
) -> tuple[int, int, int]:
    model = ChatModel(_CannedModelProvider(problem, completion_tokens), params)
    result = await strategy.solve(problem, model, _visible_runner(problem, passing))
    trace = result.trace
    return trace.llm_calls, trace.prompt_tokens, trace.completion_tokens


async def estimate_run(
    strategy: Strategy,
    problems: Sequence[PublicProblem],
    params: ChatParams,
    samples: int,
    completion_tokens: int = ASSUMED_COMPLETION_TOKENS,
) -> Estimate:
    """The best- and worst-case calls and tokens of `samples` samples of each problem."""
    best, worst = CaseUsage(), CaseUsage()
    for problem in problems:
        best.add(*await _one_case(strategy, problem, params, True, completion_tokens), times=samples)
        worst.add(*await _one_case(strategy, problem, params, False, completion_tokens), times=samples)
    return Estimate(len(problems), samples, best, worst, params.model)


def estimate(strategy: Strategy, problems: Sequence[PublicProblem], params: ChatParams, samples: int) -> Estimate:
    """`estimate_run` from synchronous code."""
    return asyncio.run(estimate_run(strategy, problems, params, samples))
