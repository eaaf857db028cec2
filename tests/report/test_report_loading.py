"""Reading run directories: tolerant of older/partial runs, one-line errors for non-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from run_fixtures import codesim_records, write_run

from codesim.errors import UsageError
from codesim.report.loading import load_run, load_runs


def test_loads_config_summary_and_results(two_runs: list[Path]) -> None:
    run = load_run(two_runs[0])
    assert (run.dataset, run.strategy, run.model, run.provider) == ("humaneval", "codesim", "gpt-4o-mini", "openai")
    assert [r["task_id"] for r in run.records] == [
        "HumanEval/0",
        "HumanEval/1",
        "HumanEval/2",
        "HumanEval/10",
        "HumanEval/3",
        "HumanEval/4",
    ]


def test_error_line_gets_defaults(two_runs: list[Path]) -> None:
    error = load_run(two_runs[0]).records[-1]
    assert error["status"] == "error"
    assert (error["llm_calls"], error["prompt_tokens"], error["completion_tokens"]) == (0, 0, 0)
    assert error["trace"] == []


def test_run_without_summary_uses_config(two_runs: list[Path]) -> None:
    run = load_run(two_runs[1])
    assert run.summary == {}
    assert (run.strategy, run.model) == ("direct", "qwen2.5-coder-0.5b")


def test_torn_last_line_is_skipped_and_file_untouched(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "r", "codesim", "m", codesim_records()[:2])
    results = run_dir / "results.jsonl"
    with open(results, "a", encoding="utf-8") as handle:
        handle.write('{"task_id": "HumanEval/9", "sampl')
    before = results.read_bytes()
    assert [r["task_id"] for r in load_run(run_dir).records] == ["HumanEval/0", "HumanEval/1"]
    assert results.read_bytes() == before  # a report never changes a run (it may still be running)


def test_later_line_of_a_sample_wins(tmp_path: Path) -> None:
    first, retried = codesim_records()[5], dict(codesim_records()[0], task_id="HumanEval/4")
    run_dir = write_run(tmp_path / "r", "codesim", "m", [first, retried])
    (record,) = load_run(run_dir).records
    assert record["passed"] is True and record["outcome"] == "first_code"


CONFIG = '{"dataset": "humaneval", "strategy": "direct"}'


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (None, "no such run directory"),
        ({}, "no results.jsonl"),
        ({"results.jsonl": ""}, "no config.json or summary.json"),
        ({"results.jsonl": "", "config.json": "{oops"}, "config.json:1: not valid JSON"),
        ({"results.jsonl": "", "summary.json": "[1]"}, "summary.json:1: expected a JSON object, got list"),
        ({"config.json": CONFIG, "results.jsonl": 'not json\n{"task_id": "a"}\n'}, "results.jsonl:1: not valid JSON"),
        (
            {"config.json": CONFIG, "results.jsonl": '{"x": 1}\n{"task_id": "a"}\n'},
            "results.jsonl:1: missing 'task_id'",
        ),
    ],
    ids=["missing", "empty-dir", "no-config", "bad-config", "summary-not-object", "bad-line", "line-without-task-id"],
)
def test_not_a_run_is_one_usage_error(tmp_path: Path, files: dict[str, str] | None, message: str) -> None:
    run_dir = tmp_path / "run"
    if files is not None:
        run_dir.mkdir()
        for name, text in files.items():
            (run_dir / name).write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message) as caught:
        load_run(run_dir)
    assert "\n" not in str(caught.value)


def test_repeated_directory_names_get_unique_labels(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a" / "run", "codesim", "m", codesim_records()[:1])
    b = write_run(tmp_path / "b" / "run", "direct", "m", codesim_records()[:1])
    assert [run.label for run in load_runs([a, b])] == ["run", "run #2"]


def test_config_model_section_gives_model_and_provider(tmp_path: Path) -> None:
    run_dir = tmp_path / "r"
    run_dir.mkdir()
    (run_dir / "config.json").write_text(
        json.dumps({"dataset": "mbpp", "strategy": "cot", "model": {"provider": "local", "model": "q"}})
    )
    (run_dir / "results.jsonl").write_text(json.dumps({"task_id": 11, "passed": True}) + "\n")
    run = load_run(run_dir)
    assert (run.dataset, run.model, run.provider) == ("mbpp", "q", "local")
    assert run.records[0]["task_id"] == "11" and run.records[0]["sample_index"] == 0
