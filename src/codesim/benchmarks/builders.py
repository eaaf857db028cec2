"""Small constructors shared by the loaders: tests from raw rows, and the two kinds of Problem."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from codesim.benchmarks.prompts import function_prompt
from codesim.problems import Problem, ProblemKind, PublicProblem, TestCase

DEFAULT_FUNCTION_TIME_S = 10.0
DEFAULT_MEMORY_MB = 1024


def as_text(value: Any) -> str:
    """Expected stdout as text: strings as they are, a list of lines joined, other values as Python prints them."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n".join(value)
    return str(value)


def io_tests(pairs: Iterable[tuple[Any, Any]]) -> tuple[TestCase, ...]:
    """stdin/stdout tests from (input, expected output) pairs."""
    return tuple(TestCase("io", as_text(given), as_text(expected)) for given, expected in pairs)


def assert_tests(statements: Iterable[str], setup: str = "") -> tuple[TestCase, ...]:
    """One `assert`-kind test per statement, each preceded by the row's setup code when it has one."""
    prefix = f"{setup.strip()}\n" if setup and setup.strip() else ""
    return tuple(TestCase("assert", prefix + statement.strip()) for statement in statements if statement.strip())


def json_values(lines: str) -> list[Any]:
    """Newline-separated JSON values (LiveCodeBench functional inputs) as a list of arguments."""
    return [json.loads(line) for line in lines.split("\n") if line.strip()]


def parse_seconds(value: Any, default: float) -> float:
    """`"2 seconds"`, `2`, `"1.5 s"` -> seconds as float."""
    if isinstance(value, (int, float)):
        return float(value)
    match = re.search(r"[\d.]+", str(value or ""))
    return float(match.group()) if match else default


def parse_megabytes(value: Any, default: int) -> int:
    """`"256 megabytes"`, `256` -> 256."""
    if isinstance(value, (int, float)):
        return int(value)
    match = re.search(r"\d+", str(value or ""))
    return int(match.group()) if match else default


def function_problem(
    *,
    task_id: str,
    dataset: str,
    prompt: str,
    entry_point: str,
    visible: Sequence[TestCase],
    hidden: Sequence[TestCase],
    starter_code: str = "",
    time_limit_s: float = DEFAULT_FUNCTION_TIME_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
    prelude: str = "",
    metadata: dict[str, Any] | None = None,
    n_base_tests: int | None = None,
) -> Problem:
    """A Python function problem (asserts or calls against `entry_point`); `n_base_tests` as on `Problem`."""
    public = PublicProblem(
        task_id=task_id,
        prompt=prompt,
        kind=ProblemKind.FUNCTION,
        entry_point=entry_point,
        starter_code=starter_code,
        visible_tests=tuple(visible),
        time_limit_s=time_limit_s,
        memory_mb=memory_mb,
        prelude=prelude,
    )
    return Problem(
        public=public, hidden_tests=tuple(hidden), dataset=dataset, metadata=metadata or {}, n_base_tests=n_base_tests
    )


def signature_problem(*, task_id: str, signature: str, **fields: Any) -> Problem:
    """A function problem stated by its signature and docstring, which is also the starter
    code (HumanEval, MultiPL-E MBPP, EvalPlus); other fields as for `function_problem`."""
    return function_problem(task_id=task_id, prompt=function_prompt(signature), starter_code=signature, **fields)


def stdio_problem(*, time_limit_s: float, **fields: Any) -> Problem:
    """A program that reads stdin and writes stdout, judged on io tests (fields as for
    `function_problem`, without `entry_point`)."""
    problem = function_problem(entry_point="", time_limit_s=time_limit_s, **fields)
    public = dataclasses.replace(problem.public, kind=ProblemKind.STDIO, entry_point=None)
    return dataclasses.replace(problem, public=public)
