"""--task-ids, --limit and --language applied to a problem list."""

from __future__ import annotations

import dataclasses

import pytest
from runner_support import PROBLEMS

from codesim.errors import UsageError
from codesim.problems import Problem, ProblemKind, PublicProblem
from codesim.problems import TestCase as Case
from codesim.runner.selection import in_language, select_problems


def _stdio(task_id: str) -> Problem:
    public = PublicProblem(task_id, "Print the sum.", ProblemKind.STDIO, visible_tests=(Case("io", "1 2\n", "3\n"),))
    return Problem(public, hidden_tests=(Case("io", "2 2\n", "4\n"),))


def test_task_ids_keep_dataset_order_and_limit_cuts() -> None:
    chosen = select_problems(PROBLEMS, ["T/neg", "T/add"], None)
    assert [p.task_id for p in chosen] == ["T/add", "T/neg"]
    assert [p.task_id for p in select_problems(PROBLEMS, None, 2)] == ["T/add", "T/double"]
    assert [p.task_id for p in select_problems(PROBLEMS, ["T/neg", "T/square", "T/add"], 2)] == ["T/add", "T/square"]


def test_unknown_task_ids_are_named() -> None:
    with pytest.raises(UsageError, match=r"2 id\(s\) not in the dataset: T/nope, 7"):
        select_problems(PROBLEMS, ["T/add", "T/nope", "7"], None)


def test_language_applies_to_stdio_problems_only() -> None:
    problems = [_stdio("1"), _stdio("2")]
    in_cpp = in_language(problems, "cpp")
    assert [p.public.language for p in in_cpp] == ["cpp", "cpp"]
    assert in_cpp[0].hidden_tests == problems[0].hidden_tests
    assert in_language(PROBLEMS, "python") == PROBLEMS
    with pytest.raises(UsageError, match="T/add is a Python function problem"):
        in_language([*problems, *PROBLEMS], "java")
    assert dataclasses.replace(in_cpp[0].public, language="python") == problems[0].public
