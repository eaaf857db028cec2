"""Helpers for the runner tests: tiny problems, a one-call strategy, a scripted responder."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from codesim.extract import extract_code
from codesim.llm.base import Message
from codesim.llm.chat import ChatModel
from codesim.problems import Problem, ProblemKind, PublicProblem, TestCase
from codesim.strategies.base import StrategyResult, Trace, TraceStep, VisibleTestRunner, traced_chat
from codesim.testing.fake_llm import FakeReply, FakeRequest

HIDDEN_MARKER = "HIDDEN-ONLY-7731"


def function_problem(name: str, visible: str, hidden: str) -> Problem:
    """A Python function task `name` with one visible and one hidden assert."""
    public = PublicProblem(
        task_id=f"T/{name}",
        prompt=f"Write a Python function `{name}`.\n>>> {visible}",
        kind=ProblemKind.FUNCTION,
        entry_point=name,
        visible_tests=(TestCase("assert", f"assert {visible}"),),
        time_limit_s=20.0,
    )
    return Problem(public, hidden_tests=(TestCase("assert", f"# {HIDDEN_MARKER}\nassert {hidden}"),), dataset="tiny")


PROBLEMS = [
    function_problem("add", "add(1, 2) == 3", "add(2, 5) == 7"),
    function_problem("double", "double(2) == 4", "double(-3) == -6"),
    function_problem("square", "square(3) == 9", "square(-4) == 16"),  # answered wrongly: hidden fails
    function_problem("neg", "neg(1) == -1", "neg(-2) == 2"),
]

ANSWERS = {
    "add": "def add(a, b):\n    return a + b\n",
    "double": "def double(x):\n    return 2 * x\n",
    "square": "def square(x):\n    return x * 3\n",  # passes the visible test only
    "neg": "def neg(x):\n    return -x\n",
}


def task_name(request: FakeRequest) -> str:
    """Which task a request is about (the name in backquotes of the prompt)."""
    return request.last_user_text.split("`")[1]


def answering(answers: dict[str, str] = ANSWERS) -> Callable[[FakeRequest], FakeReply]:
    """A responder answering each task's prompt with its code in a fence."""

    def respond(request: FakeRequest) -> FakeReply:
        return FakeReply(f"Here it is:\n```python\n{answers[task_name(request)]}```\n")

    return respond


def counting(responder: Callable[[FakeRequest], FakeReply], counts: Counter[str]) -> Callable[[FakeRequest], FakeReply]:
    """`responder`, counting requests per task in `counts`."""

    def respond(request: FakeRequest) -> FakeReply:
        counts[task_name(request)] += 1
        return responder(request)

    return respond


class OneCallStrategy:
    """Asks the model once for code and runs the visible tests on it."""

    name = "one-call"

    async def solve(
        self, problem: PublicProblem, model: ChatModel, run_visible: VisibleTestRunner, *, sample_index: int = 0
    ) -> StrategyResult:
        trace = Trace()
        result = await traced_chat(model, trace, "coding", [Message("user", problem.prompt)], sample_index=sample_index)
        code = extract_code(result.response, problem.language, problem.entry_point) or ""
        report = await run_visible(code)
        trace.add(
            TraceStep(stage="visible_tests", prompt=code, tests=[{"verdict": r.verdict.value} for r in report.results])
        )
        return StrategyResult(code, report.passed, trace, "first_code" if report.passed else "unsolved", 1)
