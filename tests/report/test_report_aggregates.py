"""Overview numbers: pass@1 and its Wilson interval, outcome buckets, run-vs-run sets, prices."""

from __future__ import annotations

from pathlib import Path

import pytest
from run_fixtures import codesim_records, write_run

from codesim.pricing import cost_usd, price_for
from codesim.report.aggregates import comparisons, outcome_bucket, run_stats, task_verdict, wilson_interval
from codesim.report.loading import load_runs
from codesim.results_schema import Outcome


def test_wilson_interval_known_values() -> None:
    # 0/10 and 5/10 at 95%: textbook values of the Wilson score interval.
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_run_stats_from_results(two_runs: list[Path]) -> None:
    codesim, direct = (run_stats(run) for run in load_runs(two_runs))
    # 6 tasks, 2 pass (HumanEval/0, /1), 1 failed at the provider (never judged): not scored,
    # as in summary.json (whose stale 0.123 is not used either)
    assert codesim.n_tasks == 6 and codesim.pass_at["pass@1"] is None and codesim.pass1_interval is None
    assert (codesim.llm_calls, codesim.prompt_tokens, codesim.completion_tokens) == (15, 6000, 1800)
    assert codesim.errors == 1 and codesim.tokens_per_solved is None
    assert sorted(codesim.calls_per_sample) == [0, 2, 2, 3, 4, 4]
    assert codesim.wall_seconds == 42.5 and direct.wall_seconds is None  # direct has no summary.json
    assert direct.pass_at == {"pass@1": 0.5}


def test_run_stats_once_every_sample_is_judged(tmp_path: Path) -> None:
    judged = [r for r in codesim_records() if r["status"] != "error"]
    [run] = load_runs([write_run(tmp_path / "run", "codesim", "gpt-4o-mini", judged)])
    stats = run_stats(run)
    # 5 tasks, 2 pass (HumanEval/0, /1): pass@1 from results, not summary.json's stale 0.123
    assert stats.n_tasks == 5 and stats.pass_at["pass@1"] == pytest.approx(2 / 5)
    assert stats.pass1_interval == pytest.approx(wilson_interval(2, 5))
    assert stats.tokens_per_solved == pytest.approx(7800 / 2)


def test_outcome_buckets_in_order(two_runs: list[Path]) -> None:
    codesim, direct = (run_stats(run) for run in load_runs(two_runs))
    assert list(codesim.outcomes) == [
        "first code",
        "debug round 1",
        "re-plan: plan 2",
        "unsolved",
        "no code",
        "provider error",
    ]
    assert codesim.outcomes["re-plan: plan 2"] == (1, 0)  # visible tests passed, hidden failed
    assert codesim.outcomes["debug round 1"] == (1, 1)
    assert codesim.codesim_family and not direct.codesim_family


@pytest.mark.parametrize(
    ("outcome", "label"),
    [("plan_3", "re-plan: plan 3"), ("debug_round_12", "debug round 12"), ("", "(not recorded)"), ("odd", "odd")],
)
def test_outcome_bucket_labels(outcome: str, label: str) -> None:
    assert outcome_bucket(_line(outcome))[1] == label


def _line(outcome: str) -> dict[str, object]:
    """A results line's outcome fields as the writer records them."""
    return {"outcome": outcome, **Outcome.of(outcome).to_json()}


def test_outcome_bucket_reads_the_fields_not_the_name() -> None:
    line = {"outcome": "custom_words", "outcome_kind": "solved", "plan": 1, "debug_round": 2}
    assert outcome_bucket(line)[1] == "debug round 2"
    assert outcome_bucket({**line, "plan": 4, "debug_round": 0})[1] == "re-plan: plan 4"


def test_debug_rounds_sort_numerically() -> None:
    outcomes = ["debug_round_10", "plan_2", "debug_round_2", "first_code", "unsolved"]
    ordered = sorted(outcomes, key=lambda o: outcome_bucket(_line(o))[0])
    assert ordered == ["first_code", "debug_round_2", "debug_round_10", "plan_2", "unsolved"]


def test_task_verdict() -> None:
    passed, failed, error = (
        {"passed": True},
        {"passed": False, "status": "failed"},
        {"passed": False, "status": "error"},
    )
    assert task_verdict([passed, passed]) == "passed"
    assert task_verdict([passed, failed]) == "partial"
    assert task_verdict([failed, error]) == "error"
    assert task_verdict([failed]) == "failed"


def test_comparison_of_two_runs(two_runs: list[Path]) -> None:
    (comparison,) = comparisons(load_runs(two_runs))
    assert comparison.both == ["HumanEval/0"]
    assert comparison.only_a == ["HumanEval/1"]
    assert comparison.only_b == ["HumanEval/2"]
    assert comparison.neither == ["HumanEval/10"]  # /3 and /4 are not in the direct run


def test_every_provider_default_model_has_a_dated_sourced_price() -> None:
    from codesim.llm.factory import provider_spec
    from codesim.pricing import SOURCES

    hosted = {provider: provider_spec(provider).default_model for provider in ("openai", "anthropic", "gemini")}
    assert set(hosted) == set(SOURCES)
    for provider, model in hosted.items():
        assert price_for(model) is not None, model
        assert SOURCES[provider].url.startswith("https://") and len(SOURCES[provider].read) == 7


def test_prices() -> None:
    assert price_for("gpt-4o-mini") == (0.15, 0.60)
    assert price_for("gpt-4o-2024-08-06") == price_for("gpt-4o")
    assert price_for("openai/gpt-4o-mini-2024-07-18") == price_for("gpt-4o-mini")
    assert price_for("qwen2.5-coder-0.5b") is None and cost_usd("qwen2.5-coder-0.5b", 10, 10) is None
    assert cost_usd("gpt-4o", 1_000_000, 100_000) == pytest.approx(2.50 + 1.00)


def test_runs_of_other_datasets_are_not_compared(tmp_path: Path) -> None:
    humaneval = write_run(tmp_path / "h", "codesim", "m", codesim_records())
    mbpp = write_run(tmp_path / "m", "codesim", "m", codesim_records())
    config = (mbpp / "config.json").read_text().replace('"humaneval"', '"mbpp"')
    (mbpp / "config.json").write_text(config)
    (mbpp / "summary.json").unlink()
    assert comparisons(load_runs([humaneval, mbpp])) == []
