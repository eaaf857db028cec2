"""The `--tests FILE` formats: JSONL for stdin/stdout problems, Python asserts for functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesim.cli.flags import flag_spelling
from codesim.errors import UsageError
from codesim.problems import ProblemKind
from codesim.problems import TestCase as Case
from codesim.solve.extra_tests import load_extra_tests


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_jsonl_strings_and_lists_of_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "t.jsonl", '{"input": "1 2", "output": "3"}\n\n{"input": ["2", "5 5"], "output": "10\\n"}\n')
    assert load_extra_tests(path, ProblemKind.STDIO) == [
        Case("io", "1 2\n", "3\n"),
        Case("io", "2\n5 5\n", "10\n"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"input": "1"}\n', r"t.jsonl line 1: expected an object with \"input\" and \"output\""),
        ('{"input": "1", "output": "2"}\nnot json\n', "t.jsonl line 2: not JSON"),
        ('{"input": 5, "output": "2"}\n', "must be a string or a list of strings"),
        ("\n\n", "holds no tests"),
    ],
)
def test_bad_jsonl_is_one_clear_usage_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_extra_tests(write(tmp_path, "t.jsonl", text), ProblemKind.STDIO)


def test_python_asserts_share_the_files_setup(tmp_path: Path) -> None:
    source = "import math\n\nBIG = 10 ** 6\n\nassert f(1) == 2\nassert (\n    f(BIG) == math.inf\n)\n"
    tests = load_extra_tests(write(tmp_path, "t.py", source), ProblemKind.FUNCTION)
    prelude = "import math\nBIG = 10 ** 6\n"
    assert tests == [
        Case("assert", prelude + "assert f(1) == 2"),
        Case("assert", prelude + "assert (\n    f(BIG) == math.inf\n)"),
    ]


def test_python_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="t.py line 2: not valid Python"):
        load_extra_tests(write(tmp_path, "t.py", "assert f(1) == 1\nassert f(\n"), ProblemKind.FUNCTION)
    with pytest.raises(UsageError, match="holds no tests"):
        load_extra_tests(write(tmp_path, "t.py", "x = 1\n"), ProblemKind.FUNCTION)
    with pytest.raises(UsageError, match="cannot read `tests` file") as unreadable:
        load_extra_tests(tmp_path / "missing.py", ProblemKind.FUNCTION)
    assert unreadable.value.worded(flag_spelling).startswith("cannot read --tests file")
