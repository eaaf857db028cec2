"""Repeated task ids in a data file get the next FREE `<id>#N`: never one that another row has."""

from __future__ import annotations

import json
from pathlib import Path

from bench_paths import FIXTURES

from codesim.benchmarks import load_problems


def test_renaming_a_repeated_id_skips_ids_other_rows_already_have(tmp_path: Path) -> None:
    row = json.loads((FIXTURES / "openai_humaneval.jsonl").read_text(encoding="utf-8").splitlines()[0])
    ids = ["X", "X", "X#2", "X", "X#3#2"]
    data = tmp_path / "rows.jsonl"
    data.write_text("".join(json.dumps({**row, "task_id": task_id}) + "\n" for task_id in ids), encoding="utf-8")
    problems = load_problems("humaneval", str(data))
    assert [p.task_id for p in problems] == ["X", "X#3", "X#2", "X#4", "X#3#2"]
    assert len({p.task_id for p in problems}) == len(ids)
    assert [p.metadata.get("original_task_id") for p in problems] == [None, "X", None, "X", None]
