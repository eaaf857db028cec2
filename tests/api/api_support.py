"""Helpers for the API tests: a small function problem and the fake server's canonical answers."""

from __future__ import annotations

from cli_support import humaneval_answers

ADD_CODE = "def add(a: int, b: int) -> int:\n    return a + b\n"
ADD_STATEMENT = '''def add(a: int, b: int) -> int:
    """Return the sum of a and b.

    >>> add(2, 3)
    5
    >>> add(-1, 1)
    0
    """
'''


def canonical_answers(limit: int = 164) -> dict[str, str]:
    """`def <entry_point>(` -> the task's canonical program, for the first `limit` tasks, plus `add`."""
    return {**humaneval_answers(limit), "def add(": ADD_CODE}
