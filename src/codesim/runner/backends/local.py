"""The local backend: samples are solved in this process's event loop, their code run in this
machine's sandbox. No Ray import."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from codesim.errors import ProviderError
from codesim.llm.chat import ChatModel
from codesim.llm.factory import ModelConfig, build_chat_model
from codesim.llm.limits import task_scope
from codesim.problems import Problem
from codesim.runner.engine import WorkItem
from codesim.runner.meter import MeteredChatModel, UsageMeter
from codesim.runner.records import error_record, solved_record
from codesim.strategies.base import Strategy
from codesim.strategies.budget import solve_within_budget
from codesim.strategies.visible_tests import sandbox_test_runner

if TYPE_CHECKING:
    from codesim.execution import Sandbox, TestReport


async def judge_hidden(sandbox: Sandbox, problem: Problem, code: str) -> TestReport:
    """Run `code` on the problem's HIDDEN tests (after the strategy is done), stopping at the
    first failure: only the verdict counts."""
    return await sandbox.run_problem_tests(problem.public, code, problem.hidden_tests, stop_at_first_failure=True)


async def solve_sample(strategy: Strategy, model: ChatModel, sandbox: Sandbox, item: WorkItem) -> dict[str, Any]:
    """The results line of one task sample: solve the PUBLIC problem, judge the final code on
    the HIDDEN tests. Its model calls share one `task_scope` (fewest-calls-first slots). A
    provider failure gives an error line; RunBudgetSpent and cancellation propagate."""
    problem = item.problem
    run_visible = sandbox_test_runner(sandbox, problem.public)
    started = time.monotonic()
    try:
        with task_scope():
            result = await solve_within_budget(
                strategy, problem.public, model, run_visible, sample_index=item.sample_index
            )
    except ProviderError as err:
        return error_record(problem.task_id, item.sample_index, str(err), time.monotonic() - started)
    solved = time.monotonic()
    hidden = await judge_hidden(sandbox, problem, result.code)
    return solved_record(
        problem.task_id,
        item.sample_index,
        result,
        hidden,
        len(problem.hidden_tests),
        seconds=solved - started,
        hidden_seconds=time.monotonic() - solved,
    )


class LocalSolver:
    """Solves samples with one strategy, model and sandbox in this process."""

    def __init__(self, strategy: Strategy, model: ChatModel, sandbox: Sandbox) -> None:
        self.strategy = strategy
        self.model = model
        self.sandbox = sandbox

    async def produce(self, item: WorkItem) -> dict[str, Any]:
        """The results line of `item`."""
        return await solve_sample(self.strategy, self.model, self.sandbox, item)


class LocalBackend:
    """A strategy, a chat model and a sandbox of this process; every model call is metered."""

    def __init__(self, strategy: Strategy, model: ChatModel, sandbox: Sandbox) -> None:
        self.strategy = strategy
        self.model = model
        self.sandbox = sandbox

    def producer(self, meter: UsageMeter, on_usage: Callable[[], None]) -> LocalSolver:
        """A solver whose model reports each call to `meter` (and then calls `on_usage`)."""
        return LocalSolver(self.strategy, MeteredChatModel(self.model, meter, on_usage), self.sandbox)


@asynccontextmanager
async def open_local_backend(
    strategy: Strategy, model: ModelConfig | ChatModel, hide_paths: tuple[str, ...] = ()
) -> AsyncIterator[LocalBackend]:
    """A LocalBackend with a fresh sandbox hiding `hide_paths` from candidates, and `model`
    (a ChatModel, left open; or one built from a ModelConfig, closed at the end)."""
    from codesim.execution import Sandbox

    chat_model = model if isinstance(model, ChatModel) else build_chat_model(model)
    sandbox = Sandbox(hide_paths=hide_paths)
    try:
        yield LocalBackend(strategy, chat_model, sandbox)
    finally:
        await sandbox.aclose()
        if chat_model is not model:
            await chat_model.aclose()
