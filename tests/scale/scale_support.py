"""Support for the scale tests: a `codesim run` command builder and a scripted model giving
CodeSIM-shaped answers on the first HumanEval tasks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from codesim.testing.fake_llm import FakeReply, FakeRequest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
HUMANEVAL = DATA / "humaneval" / "HumanEval.jsonl"


def run_args(base_url: str, out: Path, *extra: str) -> list[str]:
    """`codesim run` on HumanEval with the codesim strategy against a fake server, no cache."""
    return [
        sys.executable, "-m", "codesim", "run", "--dataset", "humaneval", "--data-file", str(HUMANEVAL),
        "--strategy", "codesim", "--max-plan-tries", "1", "--max-debug-tries", "1",
        "--provider", "openai", "--base-url", base_url, "--model", "fake-coder", "--no-cache", "--out", str(out),
        *extra,
    ]  # fmt: skip


def run_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `codesim run` child: its own CODESIM_HOME, a fake API key."""
    return {**os.environ, "CODESIM_HOME": str(home), "OPENAI_API_KEY": "fake-key", **extra}


def codesim_run(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `codesim run` to the end."""
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)


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
