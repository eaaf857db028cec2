"""The one results schema and reader: every committed run still reads, older lines get their
outcome fields, and a torn last line is handled the same by the runner, the report and the
benchmark scripts (each goes through `read_results_file`)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from codesim import results_schema
from codesim.errors import UsageError
from codesim.report.loading import load_run
from codesim.results_schema import (
    SCHEMA_VERSION,
    Outcome,
    ResultLine,
    read_json_object,
    read_results_file,
)
from codesim.runner.config import RunConfig
from codesim.runner.records import error_record
from codesim.runner.store import ResultsFile
from codesim.runner.summary import build_summary
from codesim.strategies.base import TraceStep

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
COMMITTED_RUNS = sorted(path for path in (BENCHMARKS / "results").glob("*") if (path / "results.jsonl").is_file())
OUTCOME_KINDS = {"solved", "sample", "unsolved", "no_code", "error", "other", ""}


def _local_quality() -> ModuleType:
    """benchmarks/local_quality.py, imported as the scripts import it (its directory on sys.path)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("local_quality", BENCHMARKS / "local_quality.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_there_are_committed_runs_to_read() -> None:
    assert len(COMMITTED_RUNS) >= 5


@pytest.mark.parametrize("run_dir", COMMITTED_RUNS, ids=lambda path: path.name)
def test_each_committed_run_reads_with_the_one_reader(run_dir: Path) -> None:
    results = run_dir / "results.jsonl"
    written = [line for line in results.read_bytes().split(b"\n") if line.strip()]
    read = read_results_file(results)
    assert not read.torn and len(read.lines) == len(written) > 0
    for line, raw in zip(read.lines, written, strict=True):
        stored = json.loads(raw)
        assert (line.task_id, line.sample_index, line.passed) == (
            str(stored["task_id"]),
            stored["sample_index"],
            stored["passed"],
        )
        assert line.schema_version == stored.get("schema_version", 1) and line.outcome_kind in OUTCOME_KINDS
        assert line.outcome_kind == Outcome.of(line.outcome).kind or not line.outcome
    for name in ("config.json", "summary.json"):
        if (run_dir / name).is_file():
            assert read_json_object(run_dir / name)["schema_version"] >= 1
    run = load_run(run_dir)
    assert len(run.records) == len({(line.task_id, line.sample_index) for line in read.lines})
    dataset = read_json_object(run_dir / "config.json")["dataset"]
    assert run.dataset == dataset and run_dir.name.startswith(f"{dataset}-") and run.model != "?"


def test_a_version_1_line_gets_its_outcome_fields() -> None:
    line = ResultLine.from_json(
        {"task_id": 7, "sample_index": 2, "passed": True, "outcome": "plan_3_debug_2"}, Path("results.jsonl"), 4
    )
    assert (line.task_id, line.schema_version, line.status) == ("7", 1, "passed")
    assert (line.outcome_kind, line.plan, line.debug_round) == ("solved", 3, 2)
    assert (line.llm_calls, line.estimated_tokens, line.hidden_cpu_s, line.visible_tests) == (0, 0, None, None)


@pytest.mark.parametrize(
    ("outcome", "fields"),
    [
        ("first_code", ("solved", 1, 0)),
        ("debug_round_4", ("solved", 1, 4)),
        ("plan_2", ("solved", 2, 0)),
        ("sample", ("sample", None, None)),
        ("no_code", ("no_code", None, None)),
        ("why", ("other", None, None)),
    ],
)
def test_outcome_fields(outcome: str, fields: tuple[object, ...]) -> None:
    found = Outcome.of(outcome)
    assert (found.kind, found.plan, found.debug_round) == fields


def test_a_line_from_a_newer_codesim_is_refused_naming_it() -> None:
    with pytest.raises(UsageError, match=r"results.jsonl:3: written with results schema 99, newer"):
        ResultLine.from_json({"task_id": "a", "schema_version": 99}, Path("results.jsonl"), 3)


def test_a_wrongly_typed_field_is_refused_naming_it() -> None:
    with pytest.raises(UsageError, match=r"results.jsonl:1: 'prompt_tokens' should be int, got str"):
        ResultLine.from_json({"task_id": "a", "prompt_tokens": "12"}, Path("results.jsonl"), 1)


def _line(task: str) -> str:
    return (
        json.dumps(
            {
                "schema_version": SCHEMA_VERSION,
                "task_id": task,
                "sample_index": 0,
                "status": "passed",
                "passed": True,
                "outcome": "first_code",
                "solution": "x = 1\n",
                "trace": [],
            }
        )
        + "\n"
    )


def _run_dir(tmp_path: Path, results: str) -> Path:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    config = {
        "dataset": "humaneval",
        "strategy": "direct",
        "model": {"provider": "local", "model": "q", "max_tokens": 64},
    }
    (run_dir / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (run_dir / "results.jsonl").write_text(results, encoding="utf-8")
    return run_dir


def _callers() -> dict[str, Callable[[Path], list[dict[str, Any]]]]:
    """Each reader of results.jsonl: runner resume, the report, the benchmark scripts."""
    local_quality = _local_quality()
    return {
        "runner": lambda run_dir: ResultsFile(run_dir / "results.jsonl").load(),
        "report": lambda run_dir: load_run(run_dir).records,
        "benchmarks": local_quality.read_results,
    }


@pytest.mark.parametrize("tail", ['{"task_id": "C", "sam', '{"task_id": "C", "sam\n'], ids=["no-newline", "not-json"])
@pytest.mark.parametrize("caller", ["runner", "report", "benchmarks"])
def test_a_torn_last_line_is_left_out_by_every_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caller: str, tail: str
) -> None:
    run_dir = _run_dir(tmp_path, _line("A") + _line("B") + tail)
    parsed: list[Path] = []
    real_parse = results_schema.parse_json

    def spy(data: bytes, where: Path, first_line: int = 1) -> Any:
        parsed.append(where)
        return real_parse(data, where, first_line)

    monkeypatch.setattr(results_schema, "parse_json", spy)  # the one reader's parser
    records = _callers()[caller](run_dir)
    assert [(r["task_id"], r["sample_index"]) for r in records] == [("A", 0), ("B", 0)]
    assert parsed.count(run_dir / "results.jsonl") == (2 if tail.endswith("sam") else 3)  # each line through it
    expected = _line("A") + _line("B") + ("" if caller == "runner" else tail)  # only resume cuts the file
    assert (run_dir / "results.jsonl").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("caller", ["runner", "report", "benchmarks"])
def test_a_bad_line_before_the_end_is_the_same_error_for_every_caller(tmp_path: Path, caller: str) -> None:
    run_dir = _run_dir(tmp_path, _line("A") + '{"task_id": "B", "sam\n' + _line("C"))
    with pytest.raises(UsageError) as raised:
        _callers()[caller](run_dir)
    assert str(raised.value) == f"{run_dir / 'results.jsonl'}:2: not valid JSON (Unterminated string starting at)"


def test_trace_report_script_refuses_a_bad_line_in_one_line(tmp_path: Path) -> None:
    run_dir = _run_dir(tmp_path, _line("A") + "not json\n" + _line("C"))
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "trace_report.py"), str(run_dir)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == f"trace_report: {run_dir / 'results.jsonl'}:2: not valid JSON (Expecting value)"


def _documented_fields() -> set[str]:
    """The backquoted names in the first column of docs/results-format.md's tables."""
    text = (BENCHMARKS.parent / "docs" / "results-format.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for row in text.splitlines():
        if row.startswith("| `"):
            names.update(re.findall(r"`([^`]+)`", row.split("|")[1]))
    return names


def test_every_results_line_and_trace_step_field_is_documented() -> None:
    documented = _documented_fields()
    assert {field.name for field in dataclasses.fields(ResultLine)} <= documented
    step_fields = {field.name for field in dataclasses.fields(TraceStep)}
    assert step_fields | {"prompt_solution_at", "response_solution_at"} <= documented


def test_every_summary_field_is_documented() -> None:
    config = RunConfig(
        dataset="d", strategy="s", strategy_options={}, model={"provider": "local", "model": "q"}, samples=2
    )
    line = ResultLine.from_json(json.loads(_line("A")), Path("results.jsonl"), 1).to_json()
    summary = build_summary(config, [line], 1, "complete")
    assert {key for key in summary if not key.startswith("pass@")} <= _documented_fields()
    assert {key for key in summary if key.startswith("pass@")} == {"pass@1", "pass@2"}


def test_the_schema_knows_every_field_of_an_error_line() -> None:
    line = error_record("T/1", 0, "connection refused", 1.0, "unreachable")
    assert set(line) <= {field.name for field in dataclasses.fields(ResultLine)}
    read = ResultLine.from_json(line, Path("results.jsonl"), 1)
    assert (read.outcome_kind, read.error_kind, read.schema_version) == ("error", "unreachable", SCHEMA_VERSION)
