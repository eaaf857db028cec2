"""Hidden tests never reach what a strategy sees (`Problem.public`)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from bench_paths import FIXTURES, shared_file

from codesim.benchmarks import load_problems
from codesim.problems import Problem, PublicProblem
from codesim.problems import TestCase as Check

SOURCES = [
    ("humaneval", None),
    ("humaneval", "shared:humaneval/HumanEval.jsonl"),
    ("mbpp", "shared:mbpp/mbpp-py.jsonl"),
    ("mbpp", "shared:mbpp/MBPP.jsonl"),
    ("apps", "shared:apps/apps-sample.jsonl"),
    ("humaneval-et", "HumanEvalET.jsonl"),
    ("humaneval-plus", "HumanEvalPlus.jsonl.gz"),
    ("mbpp-plus", "MbppPlus.jsonl"),
    ("mbpp", "mbpp_full.jsonl"),
    ("mbpp-et", "MBPP_ET.jsonl"),
    ("apps", "apps_hf.jsonl"),
    ("codecontests", "code_contests.jsonl"),
    ("livecodebench", "code_generation_lite.jsonl"),
    ("xcodeeval", "xcodeeval/prog_syn_val.jsonl"),
]


def _load(name: str, where: str | None) -> list[Problem]:
    if where is None:
        return load_problems(name)
    if where.startswith("shared:"):
        return load_problems(name, str(shared_file(where.removeprefix("shared:"))))
    return load_problems(name, str(FIXTURES / where))


def _reachable(value: Any) -> list[Any]:
    """Every object reachable from `value` through dataclass fields, tuples, lists and dicts."""
    seen, stack = [], [value]
    while stack:
        item = stack.pop()
        seen.append(item)
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return seen


def test_the_public_type_has_no_way_to_hidden_tests() -> None:
    names = {f.name for f in dataclasses.fields(PublicProblem)}
    assert not any("hidden" in name for name in names)
    assert "metadata" not in names  # loaders' extras (canonical solutions, ...) stay on Problem
    public = load_problems("humaneval")[0].public
    with pytest.raises(dataclasses.FrozenInstanceError):
        public.visible_tests = ()  # type: ignore[misc]


@pytest.mark.parametrize(("name", "where"), SOURCES)
def test_only_shown_tests_are_reachable_from_the_public_part(name: str, where: str | None) -> None:
    for problem in _load(name, where):
        reachable_tests = [obj for obj in _reachable(problem.public) if isinstance(obj, Check)]
        assert all(t in problem.public.visible_tests for t in reachable_tests), problem.task_id
        hidden_only = [t for t in problem.hidden_tests if t not in problem.public.visible_tests]
        assert not any(t in reachable_tests for t in hidden_only), problem.task_id


def test_humaneval_check_code_is_not_shown() -> None:
    for problem in load_problems("humaneval", str(shared_file("humaneval/HumanEval.jsonl"))):
        check_body = problem.hidden_tests[0].input
        shown = problem.public.prompt + "".join(t.input for t in problem.public.visible_tests)
        assert "def check(candidate)" not in shown
        hidden_asserts = [line.strip() for line in check_body.splitlines() if "candidate(" in line]
        assert hidden_asserts and not any(line in shown for line in hidden_asserts), problem.task_id


def test_mbpp_shows_only_its_first_test() -> None:
    for problem in load_problems("mbpp", str(shared_file("mbpp/MBPP.jsonl"))):
        shown = problem.public.prompt + "".join(t.input for t in problem.public.visible_tests)
        others = [t.input for t in problem.hidden_tests[1:] if t.input != problem.hidden_tests[0].input]
        assert not any(test in shown for test in others), problem.task_id


def test_livecodebench_prelude_is_public_and_python_only() -> None:
    """The imports LiveCodeBench's harness provides travel on the public problem, so visible
    and hidden runs both get them."""
    problems = load_problems("livecodebench", str(FIXTURES / "code_generation_lite.jsonl"))
    assert problems and all("from typing import" in p.public.prelude for p in problems)
