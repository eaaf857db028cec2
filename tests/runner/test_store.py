"""results.jsonl appends and resume repair, JSON files, and the run-directory lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codesim.atomic import write_json_atomically
from codesim.cli.flags import flag_spelling
from codesim.errors import UsageError
from codesim.results_schema import ResultLine, read_json_object
from codesim.runner.store import ResultsFile, RunDirectory


def _record(task: str, sample: int = 0, **extra: object) -> dict[str, object]:
    return {"task_id": task, "sample_index": sample, "solution": "x = 'é\\n'\n", **extra}


def _read(record: dict[str, object]) -> dict[str, object]:
    """`record` as the one results reader gives it back: typed, every field present."""
    return ResultLine.from_json(record, Path("results.jsonl"), 1).to_json()


def test_append_then_load_round_trips_in_order(tmp_path: Path) -> None:
    results = ResultsFile(tmp_path / "results.jsonl")
    assert results.load() == []
    records = [_record("A"), _record("A", 1), _record("B", passed=True)]
    for record in records:
        results.append(record)
    assert results.load() == [_read(r) for r in records]
    lines = (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and json.loads(lines[0])["solution"] == "x = 'é\\n'\n"
    assert not results.dropped_torn_line


def test_torn_last_line_is_cut_and_appending_continues(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    results = ResultsFile(path)
    results.append(_record("A"))
    good = path.read_bytes()
    with open(path, "ab") as handle:  # what a kill in the middle of a write leaves behind
        handle.write(json.dumps(_record("B")).encode()[:25])
    assert results.load() == [_read(_record("A"))]
    assert results.dropped_torn_line
    assert path.read_bytes() == good
    results.append(_record("C"))
    assert [r["task_id"] for r in ResultsFile(path).load()] == ["A", "C"]


def test_unparsable_complete_last_line_is_dropped_too(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(_record("A")) + "\n" + '{"task_id": "B", "sam\n', encoding="utf-8")
    results = ResultsFile(path)
    assert [r["task_id"] for r in results.load()] == ["A"]
    assert path.read_text(encoding="utf-8") == json.dumps(_record("A")) + "\n"


def test_corrupt_line_before_the_end_is_refused_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    content = json.dumps(_record("A")) + "\nnot json\n" + json.dumps(_record("B")) + "\n"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=r"results.jsonl:2: not valid JSON"):
        ResultsFile(path).load()
    assert path.read_text(encoding="utf-8") == content


def test_rewrite_replaces_the_content(tmp_path: Path) -> None:
    results = ResultsFile(tmp_path / "results.jsonl")
    for task in "ABC":
        results.append(_record(task))
    results.rewrite([_record("B")])
    assert results.load() == [_read(_record("B"))]
    assert [p.name for p in tmp_path.iterdir()] == ["results.jsonl"]  # no temporary file left


def test_write_json_atomically_and_read_json_object(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    write_json_atomically(path, {"pass@1": 0.5})
    write_json_atomically(path, {"pass@1": 0.75, "model": "é"})
    assert read_json_object(path) == {"pass@1": 0.75, "model": "é", "schema_version": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]
    path.write_text("{", encoding="utf-8")
    with pytest.raises(UsageError, match=r"summary.json:1: not valid JSON"):
        read_json_object(path)


def test_a_second_run_on_the_same_directory_is_refused(tmp_path: Path) -> None:
    with RunDirectory(tmp_path / "out"), pytest.raises(UsageError, match="another 'codesim run' is using") as refused:
        RunDirectory(tmp_path / "out").__enter__()
    with RunDirectory(tmp_path / "out"):  # released on exit
        pass
    assert str(refused.value).endswith("wait for it or use another `out`")
    assert refused.value.worded(flag_spelling).endswith("wait for it or use another --out")


def test_results_without_config_are_not_a_run_directory(tmp_path: Path) -> None:
    (tmp_path / "results.jsonl").write_text(json.dumps(_record("A")) + "\n", encoding="utf-8")
    with RunDirectory(tmp_path) as run_dir, pytest.raises(UsageError, match="no config.json; use another `out`$"):
        run_dir.stored_config()


def test_has_lines(tmp_path: Path) -> None:
    results = ResultsFile(tmp_path / "results.jsonl")
    assert not results.has_lines()
    results.path.write_bytes(b"")
    assert not results.has_lines()
    results.append(_record("A"))
    assert results.has_lines()


def test_temporary_files_of_a_killed_replace_are_cleaned(tmp_path: Path) -> None:
    (tmp_path / ".summary.json.abc123.tmp").write_text("{", encoding="utf-8")
    (tmp_path / "notes.tmp").write_text("mine", encoding="utf-8")
    with RunDirectory(tmp_path):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "notes.tmp"]
