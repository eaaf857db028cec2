"""`codesim evaluate --perf`: passing samples' CPU time and peak memory over repeated runs, and
their ratio to the dataset's reference solution on the same tests."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from bench_paths import shared_file
from cli_support import read_jsonl, write_jsonl

from codesim.benchmarks import load_problems
from codesim.benchmarks.perf import reference_program

SPIN = "    import time\n    end = time.thread_time() + 0.05\n    while time.thread_time() < end:\n        pass\n"


def test_humaneval_canonical_solutions_run_like_the_reference(tmp_path: Path, run_evaluate) -> None:
    data = shared_file("humaneval/HumanEval.jsonl")
    samples = write_jsonl(
        tmp_path / "canonical.jsonl",
        [{"task_id": row["task_id"], "completion": row["canonical_solution"]} for row in read_jsonl(data)],
    )
    code, summary, err = run_evaluate(samples, "--perf", "--repeats", "5", data_file=data)
    assert code == 0 and summary["pass@1"] == 1.0
    perf = summary["perf"]
    assert (perf["repeats"], perf["n_measured"], perf["n_with_reference"]) == (5, 164, 164)
    assert 0.5 <= perf["cpu_ratio"]["median"] <= 2  # the same code, measured side by side
    assert 0.9 <= perf["peak_ratio"]["median"] <= 1.1
    out = read_jsonl(tmp_path / "canonical.eval.jsonl")
    ratios = [row["perf"]["cpu_ratio"] for row in out if row["perf"]["cpu_ratio"] is not None]
    assert statistics.median(ratios) == pytest.approx(perf["cpu_ratio"]["median"], abs=1e-3)
    first = out[0]["perf"]
    assert first["cpu_s"]["min"] <= first["cpu_s"]["median"] <= first["cpu_s"]["max"]
    assert first["peak_mb"]["median"] > 5 and first["reference"]["cpu_s"]["median"] > 0
    assert "HumanEval/163" in err and "CPU ratio median" in err  # the table on stderr


def test_a_slower_sample_shows_its_ratio_and_a_failing_one_is_not_measured(tmp_path: Path, run_evaluate) -> None:
    data = shared_file("humaneval/HumanEval.jsonl")
    canonical = read_jsonl(data)[0]["canonical_solution"]
    samples = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"task_id": "HumanEval/0", "completion": SPIN + canonical},
            {"task_id": "HumanEval/0", "completion": "    return True\n"},
        ],
    )
    code, summary, _ = run_evaluate(samples, "--perf", "--repeats", "3", data_file=data)
    assert code == 0
    slow, failing = read_jsonl(tmp_path / "s.eval.jsonl")
    assert slow["perf"]["cpu_s"]["min"] >= 0.05 and slow["perf"]["cpu_ratio"] > 10
    assert failing["passed"] is False and failing["perf"] is None
    assert summary["perf"]["n_measured"] == 1 and summary["perf"]["repeats"] == 3


def test_mbpp_reference_is_its_code(tmp_path: Path, run_evaluate) -> None:
    data = shared_file("mbpp/MBPP.jsonl")
    problems = load_problems("mbpp", str(data))[:10]
    samples = write_jsonl(
        tmp_path / "m.jsonl", [{"task_id": p.task_id, "solution": reference_program(p)} for p in problems]
    )
    code, summary, _ = run_evaluate(samples, "--perf", "--repeats", "3", dataset="mbpp", data_file=data)
    assert code == 0
    assert summary["perf"]["n_with_reference"] == summary["perf"]["n_measured"] == summary["n_passed"] > 0


def test_perf_needs_the_hidden_tests(tmp_path: Path, run_evaluate) -> None:
    samples = write_jsonl(tmp_path / "s.jsonl", [{"task_id": "HumanEval/0", "completion": "    pass\n"}])
    code, _, err = run_evaluate(samples, "--perf", "--tests", "visible")
    assert code == 2 and "--perf" in err and len(err.strip().splitlines()) == 1


def test_the_python_api_measures_with_perf_repeats() -> None:
    import codesim

    data = shared_file("humaneval/HumanEval.jsonl")
    row = read_jsonl(data)[2]
    evaluation = codesim.evaluate(
        [{"task_id": row["task_id"], "completion": row["canonical_solution"]}],
        dataset="humaneval",
        data_file=data,
        perf_repeats=2,
    )
    assert evaluation.perfs is not None and len(evaluation.perfs) == 1
    perf = evaluation.perfs[0]
    assert perf is not None and perf.reference is not None and perf.cpu_ratio is not None
    assert evaluation["perf"]["n_measured"] == 1 and evaluation["perf"]["repeats"] == 2
