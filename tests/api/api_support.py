"""Helpers for the API tests: HumanEval rows and a fake server answering their canonical solutions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from codesim.testing.fake_llm import FakeReply, FakeRequest

HUMANEVAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "humaneval" / "HumanEval.jsonl"
ADD_CODE = "def add(a: int, b: int) -> int:\n    return a + b\n"
ADD_STATEMENT = '''def add(a: int, b: int) -> int:
    """Return the sum of a and b.

    >>> add(2, 3)
    5
    >>> add(-1, 1)
    0
    """
'''


def humaneval_rows(limit: int) -> list[dict]:
    """The first `limit` HumanEval rows."""
    with HUMANEVAL.open(encoding="utf-8") as handle:
        return [json.loads(line) for _, line in zip(range(limit), handle, strict=False)]


def canonical_answers(limit: int = 164) -> dict[str, str]:
    """`def <entry_point>(` -> the task's canonical program, for the first `limit` tasks, plus `add`."""
    answers = {f"def {row['entry_point']}(": row["prompt"] + row["canonical_solution"] for row in humaneval_rows(limit)}
    answers["def add("] = ADD_CODE
    return answers


def code_for_marker(answers: dict[str, str]) -> Callable[[FakeRequest], FakeReply]:
    """A responder answering the code of the first marker found in the last user turn."""

    def respond(request: FakeRequest) -> FakeReply:
        text = request.last_user_text
        for marker, code in answers.items():
            if marker in text:
                return FakeReply(f"```python\n{code}```\n")
        return FakeReply("I cannot solve this.")

    return respond
