"""HumanEval and HumanEval-ET rows (OpenAI / Hugging Face `openai_humaneval` schema, CodeSIM `sample_io`)."""

from __future__ import annotations

from codesim.benchmarks.builders import assert_tests, signature_problem
from codesim.benchmarks.docstring_examples import extract_examples
from codesim.benchmarks.rows import Row
from codesim.problems import Problem, TestCase

HUMANEVAL_FIELDS = frozenset({"task_id", "prompt", "entry_point", "test"})


def check_call_test(test_code: str, entry_point: str) -> TestCase:
    """The row's `check(candidate)` code followed by the call on the entry point, as one assert test."""
    return TestCase("assert", f"{test_code.rstrip()}\n\ncheck({entry_point})\n")


def visible_asserts(row: Row, prompt: str, entry_point: str) -> tuple[TestCase, ...]:
    """The row's `sample_io` asserts when present, else the examples found in the docstring."""
    sample_io = row.optional("sample_io")
    if sample_io is not None:
        if not isinstance(sample_io, list) or not all(isinstance(s, str) for s in sample_io):
            raise row.error("field 'sample_io' should be a list of assert strings")
        return assert_tests(sample_io)
    return assert_tests(extract_examples(prompt, entry_point))


def convert_humaneval(row: Row, dataset: str) -> Problem:
    """A HumanEval row: hidden = its `check` + call; visible = `sample_io` or docstring examples."""
    return _problem(row, dataset, extra_hidden=())


def convert_humaneval_et(row: Row, dataset: str) -> Problem:
    """A HumanEval-ET row: the original hidden test (the base suite) plus one assert test per
    `test_case_list` entry."""
    entry_point = row.field("entry_point", str)
    extra = row.field("test_case_list", list)
    if not all(isinstance(item, str) for item in extra):
        raise row.error("field 'test_case_list' should be a list of assert strings")
    extra_hidden = assert_tests(extra, setup=f"candidate = {entry_point}")
    return _problem(row, dataset, extra_hidden=extra_hidden, n_base_tests=1)


def _problem(row: Row, dataset: str, extra_hidden: tuple[TestCase, ...], n_base_tests: int | None = None) -> Problem:
    prompt = row.field("prompt", str)
    entry_point = row.field("entry_point", str)
    return signature_problem(
        task_id=str(row.field("task_id", (str, int))),
        signature=prompt,
        dataset=dataset,
        entry_point=entry_point,
        visible=visible_asserts(row, prompt, entry_point),
        hidden=(check_call_test(row.field("test", str), entry_point), *extra_hidden),
        metadata={"canonical_solution": row.optional("canonical_solution", "")},
        n_base_tests=n_base_tests,
    )
