"""MBPP rows: MultiPL-E typed (the CodeSIM paper's file), original / Hugging Face `mbpp` full and
sanitized, and MBPP-ET."""

from __future__ import annotations

import ast
import builtins
import re
import warnings

from codesim.benchmarks.builders import assert_tests, function_problem, signature_problem
from codesim.benchmarks.humaneval import visible_asserts
from codesim.benchmarks.prompts import described_function_prompt
from codesim.benchmarks.rows import Row
from codesim.problems import Problem, TestCase

_CALLS_CHECK = re.compile(r"^(?:check|test_check)\(", re.MULTILINE)


def convert_multipl_e(row: Row, dataset: str) -> Problem:
    """A MultiPL-E typed row: prompt = signature + docstring; hidden = its `check(candidate)` code + call."""
    prompt = row.field("prompt", str)
    entry_point = row.field("entry_point", str)
    test = row.field("test", str)
    if not _CALLS_CHECK.search(test):
        test = f"{test.rstrip()}\n\ncheck({entry_point})\n"
    return signature_problem(
        task_id=str(row.field("name", (str, int))),
        signature=prompt,
        dataset=dataset,
        entry_point=entry_point,
        visible=visible_asserts(row, prompt, entry_point),
        hidden=(TestCase("assert", test),),
    )


def convert_mbpp(row: Row, dataset: str) -> Problem:
    """An original MBPP row (`text`, `code`, `test_list`, `test_setup_code`): visible = the first test."""
    return _described(row, dataset, text=row.field("text", str), setup=row.optional("test_setup_code", ""))


def convert_mbpp_sanitized(row: Row, dataset: str) -> Problem:
    """A sanitized MBPP row (`prompt`, `code`, `test_list`, `test_imports`)."""
    imports = row.optional("test_imports", [])
    return _described(row, dataset, text=row.field("prompt", str), setup="\n".join(imports))


def convert_mbpp_et(row: Row, dataset: str) -> Problem:
    """An MBPP-ET row: the original MBPP schema whose `test_list` holds the extended tests,
    plus `test_case_list` when the file carries the extra asserts separately (then `test_list`
    is the base suite)."""
    extra = row.optional("test_case_list", [])
    return _described(row, dataset, text=row.field("text", str), setup=row.optional("test_setup_code", ""), extra=extra)


def _described(row: Row, dataset: str, *, text: str, setup: str, extra: list[str] | tuple = ()) -> Problem:
    tests = row.field("test_list", list)
    if not tests or not all(isinstance(t, str) for t in tests):
        raise row.error("field 'test_list' should be a non-empty list of assert strings")
    shown = tests[:1]
    base = assert_tests(tests, setup)
    return function_problem(
        task_id=str(row.field("task_id", (str, int))),
        dataset=dataset,
        prompt=described_function_prompt(text, shown),
        entry_point=_called_function(row, tests[0]),
        visible=assert_tests(shown, setup),
        hidden=base + assert_tests(extra, setup),
        metadata={"reference_code": row.optional("code", "")},
        n_base_tests=len(base) if extra else None,
    )


def _called_function(row: Row, first_test: str) -> str:
    """The function the first test calls: the entry point of a prose-stated MBPP problem."""
    try:
        tree = ast.parse(first_test.strip())
    except SyntaxError:
        raise row.error(f"first test is not valid Python: {first_test.strip()[:80]!r}") from None
    defined = _defined_functions(row.optional("code", ""))
    called = [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    for name in called:
        if name in defined:
            return name
    user_functions = [name for name in called if not hasattr(builtins, name)]
    if user_functions:
        return user_functions[0]
    raise row.error("cannot tell which function the first test calls")


def _defined_functions(code: str) -> set[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reference code with old-style escapes ("\d") is still valid
            tree = ast.parse(code)
    except SyntaxError:
        return set()
    return {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
