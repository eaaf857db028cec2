"""Samples JSONL: `{"task_id": ..., "solution": "<program>"}` (EvalPlus) or `{"task_id": ..., "completion":
"<text appended to the prompt>"}` (human-eval). Task ids are compared as text (MBPP's 11 matches "11")."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codesim.benchmarks.rows import json_object_line
from codesim.errors import UsageError
from codesim.problems import PublicProblem


@dataclass(frozen=True)
class Sample:
    """One line of a samples file."""

    line: int
    task_id: str
    fields: dict[str, Any]  # the line's own fields, passed through to the output
    solution: str | None = None
    completion: str | None = None

    def program(self, problem: PublicProblem) -> str:
        """The program to run: the solution as is, or the problem's starter code followed by the completion."""
        if self.solution is not None:
            return self.solution
        return problem.starter_code + (self.completion or "")


def task_id_text(value: Any) -> str:
    """A task id as text: `11` and `"11"` are the same task; other types are refused."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"task_id should be text or a whole number, got {type(value).__name__}")
    return str(value)


def parse_sample(line_text: str, line: int, where: str) -> Sample:
    """One samples line; UsageError naming the file and line when it is malformed."""
    return sample_from_fields(json_object_line(line_text, where, line), line, where)


def sample_from_fields(data: dict[str, Any], line: int, where: str) -> Sample:
    """A sample from its fields (a parsed line, or a dict given by a caller); UsageError
    naming `where` and `line` when a field is missing or of the wrong type."""
    if not isinstance(data, dict):
        raise UsageError(f"{where}:{line}: a sample should be a JSON object, got {type(data).__name__}")
    if "task_id" not in data:
        raise UsageError(f"{where}:{line}: missing 'task_id'")
    try:
        task_id = task_id_text(data["task_id"])
    except ValueError as err:
        raise UsageError(f"{where}:{line}: {err}") from None
    solution, completion = data.get("solution"), data.get("completion")
    if solution is None and completion is None:
        raise UsageError(
            f"{where}:{line}: needs 'solution' (a complete program) or 'completion' (text after the prompt)"
        )
    for name, value in (("solution", solution), ("completion", completion)):
        if value is not None and not isinstance(value, str):
            raise UsageError(f"{where}:{line}: {name!r} should be a string, got {type(value).__name__}")
    if solution is not None:
        completion = None  # a complete program wins over a completion, as in EvalPlus
    return Sample(line=line, task_id=task_id, fields=data, solution=solution, completion=completion)


def read_samples(path: str | Path) -> list[Sample]:
    """Every sample of a JSONL file, in order (blank lines are skipped)."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"samples file not found: {path}")
    samples = []
    with path.open("rb") as handle:
        for line, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise UsageError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[err.start]:02x})") from None
            if text.strip():
                samples.append(parse_sample(text, line, str(path)))
    if not samples:
        raise UsageError(f"{path}: no samples")
    return samples
