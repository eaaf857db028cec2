"""`codesim solve --tests FILE`: extra visible tests written by the developer.

- stdin/stdout problems: JSON Lines, one test per line, `{"input": ..., "output": ...}`;
  each value is a string or a list of lines. Blank lines are skipped.
- function problems: a Python file. Every top-level `assert` statement is one test; the other
  top-level statements (imports, helpers, constants) run before each assert.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from codesim.errors import UsageError
from codesim.problems import ProblemKind, TestCase


def _text(value: Any, where: str, field: str) -> str:
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        value = "\n".join(value)
    if not isinstance(value, str):
        raise UsageError(f'{where}: "{field}" must be a string or a list of strings')
    return value if value.endswith("\n") or not value else value + "\n"


def io_tests_from_jsonl(text: str, name: str) -> list[TestCase]:
    """The `{"input": ..., "output": ...}` lines of a JSONL text as `io` tests."""
    tests = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise UsageError(f'{where}: not JSON ({err.msg}); expected {{"input": ..., "output": ...}}') from None
        if not isinstance(row, dict) or "input" not in row or "output" not in row:
            raise UsageError(f'{where}: expected an object with "input" and "output"')
        tests.append(TestCase("io", _text(row["input"], where, "input"), _text(row["output"], where, "output")))
    return tests


def assert_tests_from_python(source: str, name: str) -> list[TestCase]:
    """The top-level asserts of a Python text as `assert` tests, each after the file's other
    top-level statements."""
    try:
        tree = ast.parse(source, filename=name)
    except SyntaxError as err:
        raise UsageError(f"{name} line {err.lineno}: not valid Python ({err.msg})") from None
    setup = [ast.get_source_segment(source, node) or "" for node in tree.body if not isinstance(node, ast.Assert)]
    prelude = "\n".join(setup) + "\n" if setup else ""
    return [
        TestCase("assert", prelude + (ast.get_source_segment(source, node) or ""))
        for node in tree.body
        if isinstance(node, ast.Assert)
    ]


def load_extra_tests(path: Path, kind: ProblemKind) -> list[TestCase]:
    """The tests in `path`, in the format of `kind` (see the module docstring)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot read {{tests}} file {path}: {err.strerror or err}", settings=("tests",)) from None
    if kind is ProblemKind.STDIO:
        tests = io_tests_from_jsonl(text, str(path))
        expected = 'JSON lines {"input": ..., "output": ...}'
    else:
        tests = assert_tests_from_python(text, str(path))
        expected = "top-level assert statements"
    if not tests:
        raise UsageError(f"{{tests}} file {path} holds no tests (expected {expected})", settings=("tests",))
    return tests
