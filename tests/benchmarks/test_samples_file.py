"""Reading samples JSONL: task ids as text, solution vs completion, errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesim.benchmarks.samples import read_samples
from codesim.errors import UsageError
from codesim.problems import ProblemKind, PublicProblem

PROBLEM = PublicProblem(task_id="11", prompt="def f():\n", kind=ProblemKind.FUNCTION, starter_code="def f():\n")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "samples.jsonl"
    path.write_text(text)
    return path


def test_integer_and_text_task_ids_are_the_same_task(tmp_path: Path) -> None:
    samples = read_samples(write(tmp_path, '{"task_id": 11, "solution": "x"}\n{"task_id": "11", "solution": "y"}\n'))
    assert [s.task_id for s in samples] == ["11", "11"]


def test_completion_is_appended_to_the_starter_code(tmp_path: Path) -> None:
    (sample,) = read_samples(write(tmp_path, '{"task_id": "11", "completion": "    return 1\\n"}\n'))
    assert sample.program(PROBLEM) == "def f():\n    return 1\n"


def test_solution_is_the_whole_program_and_wins_over_completion(tmp_path: Path) -> None:
    (sample,) = read_samples(write(tmp_path, '{"task_id": "11", "solution": "print(1)", "completion": "zzz"}\n'))
    assert sample.program(PROBLEM) == "print(1)"


def test_line_fields_are_kept_and_blank_lines_skipped(tmp_path: Path) -> None:
    samples = read_samples(write(tmp_path, '\n{"task_id": "a", "solution": "s", "model": "m"}\n\n'))
    assert samples[0].fields == {"task_id": "a", "solution": "s", "model": "m"}
    assert samples[0].line == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"task_id": "a", "solution": "s"}\n{"task_id": "b", "solution": \n', "samples.jsonl:2: not valid JSON"),
        ('{"solution": "s"}\n', "samples.jsonl:1: missing 'task_id'"),
        ('{"task_id": "a"}\n', "samples.jsonl:1: needs 'solution'"),
        ('{"task_id": [1], "solution": "s"}\n', "samples.jsonl:1: task_id should be text"),
        ('{"task_id": "a", "solution": 5}\n', "samples.jsonl:1: 'solution' should be a string"),
        ("[1, 2]\n", "samples.jsonl:1: expected a JSON object"),
        ("\n\n", "no samples"),
    ],
)
def test_malformed_lines_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("[", r"\[")):
        read_samples(write(tmp_path, text))


def test_missing_samples_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="samples file not found"):
        read_samples(tmp_path / "nope.jsonl")
