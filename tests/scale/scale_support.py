"""A scripted model for the scale tests: CodeSIM-shaped answers on the first HumanEval tasks."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from codesim.testing.fake_llm import FakeReply, FakeRequest


class HumanEvalScript:
    """Answers every call about task n (of the first `count`) with a plan, a VERDICT line and
    code: the canonical solution, or a wrong function for the tasks in `wrong`. Counts the
    calls per task id in `calls`."""

    def __init__(self, data: Path, count: int, wrong: tuple[int, ...] = ()) -> None:
        rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()[:count]]
        self.tasks = {
            row["prompt"].strip(): (
                row["task_id"],
                f"def {row['entry_point']}(*args):\n    return None\n"
                if n in wrong
                else row["prompt"] + row["canonical_solution"],
            )
            for n, row in enumerate(rows)
        }
        self.task_ids = [row["task_id"] for row in rows]
        self.expected = {row["task_id"]: n not in wrong for n, row in enumerate(rows)}
        self.calls: Counter[str] = Counter()

    def __call__(self, request: FakeRequest) -> FakeReply:
        text = request.last_user_text
        task_id, code = self.tasks[max((p for p in self.tasks if p in text), key=len)]
        self.calls[task_id] += 1
        return FakeReply(
            f"## Plan\n1. Compute the answer.\nVERDICT: PLAN IS CORRECT\nERROR SOURCE: CODE\n```python\n{code}```\n"
        )
