"""summary.json from results lines, including partial runs and error lines."""

from __future__ import annotations

import pytest

from codesim.llm.factory import ModelConfig
from codesim.runner.config import RunConfig, model_section
from codesim.runner.summary import build_summary

CONFIG = RunConfig("humaneval", "codesim", {}, model_section(ModelConfig(provider="openai", model="m")), samples=2)


def _line(task: str, index: int, passed: bool, **extra: object) -> dict[str, object]:
    base = {
        "task_id": task,
        "sample_index": index,
        "passed": passed,
        "visible_passed": True,
        "status": "passed" if passed else "failed",
        "outcome": "first_code",
        "llm_calls": 2,
        "cached_calls": 1,
        "prompt_tokens": 100,
        "completion_tokens": 10,
        "new_prompt_tokens": 60,
        "new_completion_tokens": 4,
        "parse_fallbacks": 1,
        "seconds": 1.5,
    }
    return base | extra


def test_totals_scores_and_counts() -> None:
    records = [_line("A", 0, True), _line("A", 1, False), _line("B", 0, False), _line("B", 1, False)]
    summary = build_summary(CONFIG, records, n_selected=2, stopped="complete")
    assert summary["pass@1"] == 0.25 and summary["pass@2"] == 0.5
    assert (summary["n_tasks"], summary["n_samples"], summary["complete"]) == (2, 4, True)
    assert (summary["llm_calls"], summary["cached_calls"], summary["parse_fallbacks"]) == (8, 4, 4)
    assert (summary["new_prompt_tokens"], summary["cached_prompt_tokens"]) == (240, 160)
    assert (summary["new_completion_tokens"], summary["cached_completion_tokens"]) == (16, 24)
    assert summary["seconds"] == 6.0 and summary["statuses"] == {"failed": 3, "passed": 1}
    assert (summary["dataset"], summary["strategy"], summary["model"], summary["provider"]) == (
        "humaneval",
        "codesim",
        "m",
        "openai",
    )


def test_partial_run_with_an_error_line() -> None:
    error = {
        "task_id": "B",
        "sample_index": 0,
        "status": "error",
        "error": "boom",
        "passed": False,
        "visible_passed": False,
        "solution": "",
        "outcome": "error",
        "seconds": 0.1,
        "trace": [],
    }
    summary = build_summary(
        CONFIG, [_line("A", 0, True), _line("A", 1, True), error], n_selected=3, stopped="interrupted"
    )
    assert summary["pass@1"] is None and summary["pass@2"] is None  # a sample was never judged
    assert (summary["errors"], summary["complete"], summary["stopped"]) == (1, False, "interrupted")
    assert summary["outcomes"] == {"first_code": 2, "error": 1}
    assert summary["llm_calls"] == 4


def test_partial_run_without_errors_scores_what_is_judged() -> None:
    summary = build_summary(CONFIG, [_line("A", 0, True), _line("A", 1, False), _line("B", 0, True)], 3, "budget")
    assert summary["pass@1"] == 0.75 and summary["pass@2"] is None  # B has one sample so far


def test_complete_run_with_a_failed_sample_is_not_complete_and_not_scored() -> None:
    error = {"task_id": "B", "sample_index": 1, "status": "error", "passed": False, "visible_passed": None}
    records = [_line("A", 0, True), _line("A", 1, True), _line("B", 0, True), error]
    summary = build_summary(CONFIG, records, n_selected=2, stopped="complete")
    assert (summary["pass@1"], summary["pass@2"], summary["complete"], summary["errors"]) == (None, None, False, 1)


def test_nothing_finished_yet() -> None:
    summary = build_summary(CONFIG, [], n_selected=5, stopped="budget")
    assert summary["n_samples"] == 0 and summary["pass@1"] is None and summary["visible_pass_rate"] is None


def test_cost_at_list_prices_of_all_and_of_new_tokens() -> None:
    gpt = RunConfig("humaneval", "codesim", {}, model_section(ModelConfig(provider="openai", model="gpt-4o")))
    summary = build_summary(gpt, [_line("A", 0, True)], n_selected=1, stopped="complete")
    # 100 prompt + 10 completion tokens at $2.50 / $10 per million; 60 + 4 of them new
    assert summary["cost_usd"] == pytest.approx((100 * 2.50 + 10 * 10.0) / 1e6)
    assert summary["new_cost_usd"] == pytest.approx((60 * 2.50 + 4 * 10.0) / 1e6)
    assert summary["prices_as_of"]
    local = build_summary(CONFIG, [_line("A", 0, True)], n_selected=1, stopped="complete")  # model "m": no price
    assert (local["cost_usd"], local["new_cost_usd"], local["prices_as_of"]) == (None, None, None)


def test_solution_perf_has_per_task_medians_of_passing_measured_samples() -> None:
    records = [
        _line("A", 0, True, hidden_cpu_s=0.2, hidden_peak_mb=20.0),
        _line("A", 1, True, hidden_cpu_s=0.4, hidden_peak_mb=30.0),
        _line("B", 0, False, hidden_cpu_s=9.0, hidden_peak_mb=900.0),  # failed: partial figures, left out
        _line("C", 0, True),  # written before the figures existed
        _line("D", 0, True, hidden_cpu_s=1.0, hidden_peak_mb=40.0),
    ]
    perf = build_summary(CONFIG, records, n_selected=4, stopped="complete")["solution_perf"]
    assert perf["tasks"] == {"A": {"cpu_s": 0.3, "peak_mb": 25.0}, "D": {"cpu_s": 1.0, "peak_mb": 40.0}}
    assert (perf["n_tasks"], perf["median_cpu_s"], perf["median_peak_mb"]) == (2, 0.65, 32.5)


def test_solution_perf_of_a_run_without_figures_is_empty() -> None:
    perf = build_summary(CONFIG, [_line("A", 0, True)], n_selected=1, stopped="complete")["solution_perf"]
    assert perf == {"n_tasks": 0, "median_cpu_s": None, "median_peak_mb": None, "tasks": {}}
