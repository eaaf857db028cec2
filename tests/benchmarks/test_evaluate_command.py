"""`codesim evaluate` end to end: samples in, per-sample verdicts out, pass@k as the last printed line."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_paths import FIXTURES
from cli_support import read_jsonl, write_jsonl

TOY = FIXTURES / "openai_humaneval.jsonl"


def test_verdicts_pass_at_k_unknown_ids_and_short_tasks(tmp_path: Path, run_evaluate) -> None:
    samples = write_jsonl(
        tmp_path / "samples.jsonl",
        [
            {"task_id": "Toy/0", "completion": "    return a + b\n", "note": "right"},
            {"task_id": "Toy/0", "completion": "    return a - b\n", "note": "wrong"},
            {"task_id": "Toy/1", "solution": "def reverse_words(text):\n    return ' '.join(text.split()[::-1])\n"},
            {"task_id": "Toy/9", "solution": "print('no such task')\n"},
        ],
    )
    code, summary, err = run_evaluate(samples, "--k", "1,2", "--workers", "2", data_file=TOY)
    assert code == 0
    assert summary["dataset"] == "humaneval" and summary["n_tasks"] == 2 and summary["n_samples"] == 3
    assert summary["pass@1"] == pytest.approx((0.5 + 1.0) / 2)
    assert summary["pass@2"] is None and summary["tasks_short_of_k"] == {"pass@2": ["Toy/1"]}
    assert summary["unknown_task_ids"] == ["Toy/9"]
    assert "Toy/9" in err and "pass@2 not computed" in err
    out_rows = read_jsonl(tmp_path / "samples.eval.jsonl")
    assert [(r["task_id"], r["passed"], r["status"]) for r in out_rows] == [
        ("Toy/0", True, "passed"),
        ("Toy/0", False, "failed"),
        ("Toy/1", True, "passed"),
        ("Toy/9", False, "unknown_task"),
    ]
    assert out_rows[0]["note"] == "right"  # the input line's own fields are kept


def test_a_deliberately_wrong_sample_set_scores_zero(tmp_path: Path, run_evaluate) -> None:
    from codesim.benchmarks import load_problems

    rows = []
    for problem in load_problems("humaneval"):
        rows.append({"task_id": problem.task_id, "completion": "    return None\n"})
        rows.append({"task_id": problem.task_id, "completion": "    return 0\n"})
    samples = write_jsonl(tmp_path / "wrong.jsonl", rows)
    code, summary, _ = run_evaluate(samples, "--k", "1,2", "--out", str(tmp_path / "verdicts.jsonl"))
    assert code == 0
    assert (summary["n_tasks"], summary["n_samples"], summary["n_passed"]) == (164, 328, 0)
    assert summary["pass@1"] == 0.0 and summary["pass@2"] == 0.0
    assert len((tmp_path / "verdicts.jsonl").read_text().splitlines()) == 328


def test_visible_tests_can_be_fooled_hidden_ones_not(tmp_path: Path, run_evaluate) -> None:
    memorised = "def add_two(a, b):\n    return {(2, 3): 5, (-1, 1): 0}.get((a, b), 42)\n"
    samples = write_jsonl(tmp_path / "s.jsonl", [{"task_id": "Toy/0", "solution": memorised}])
    _, visible, _ = run_evaluate(samples, "--tests", "visible", data_file=TOY)
    _, hidden, _ = run_evaluate(samples, data_file=TOY)
    assert visible["pass@1"] == 1.0 and visible["tests"] == "visible"
    assert hidden["pass@1"] == 0.0
    assert (tmp_path / "s.visible.eval.jsonl").is_file() and (tmp_path / "s.eval.jsonl").is_file()
    assert (visible["n_tasks_without_samples"], visible["n_tasks"], visible["scored_over"]) == (
        1,
        1,
        "tasks with samples",
    )


def test_integer_task_ids_match_mbpp_rows(tmp_path: Path, run_evaluate) -> None:
    samples = write_jsonl(tmp_path / "s.jsonl", [{"task_id": 601, "solution": "def square(x):\n    return x * x\n"}])
    code, summary, _ = run_evaluate(samples, dataset="mbpp", data_file=FIXTURES / "mbpp_full.jsonl")
    assert code == 0 and summary["pass@1"] == 1.0 and summary["unknown_task_ids"] == []


@pytest.mark.parametrize(
    ("lines", "flags", "message"),
    [
        ('{"task_id": "Toy/0", "completion": "x"}\n{"task_id": \n', (), "s.jsonl:2: not valid JSON"),
        ('{"task_id": "Toy/0"}\n', (), "s.jsonl:1: needs 'solution'"),
        ('{"task_id": "Toy/0", "completion": "x"}\n', ("--k", "1,x"), "--k expects comma-separated whole numbers"),
        ('{"task_id": "Toy/0", "completion": "x"}\n', ("--dataset", "nope"), "unknown dataset 'nope'"),
    ],
)
def test_usage_errors_are_one_line_exit_2(
    tmp_path: Path, run_evaluate, lines: str, flags: tuple[str, ...], message: str
) -> None:
    samples = tmp_path / "s.jsonl"
    samples.write_text(lines)
    code, _, err = run_evaluate(samples, *flags, data_file=TOY)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err


def test_candidates_cannot_read_the_data_file_with_the_hidden_tests(tmp_path: Path, run_evaluate) -> None:
    """The directory the problems came from is hidden from candidate programs: a program that
    could read it would find the hidden tests (here it answers correctly only if it can)."""
    from bench_paths import shared_file

    data = shared_file("humaneval/HumanEval.jsonl")
    peeking = (
        "import os\n"
        "def has_close_elements(numbers, threshold):\n"
        f"    if not os.path.exists({str(data)!r}):\n"
        "        return None\n"
        "    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n"
    )
    samples = write_jsonl(tmp_path / "samples.jsonl", [{"task_id": "HumanEval/0", "solution": peeking}])
    code, summary, _ = run_evaluate(samples, "--workers", "1", data_file=data)
    assert code == 0 and summary["pass@1"] == 0.0
    # The same program passes where the file is visible: the hiding is what made it fail.
    visible_copy = samples.with_name("visible.jsonl")
    write_jsonl(visible_copy, [{"task_id": "HumanEval/0", "solution": peeking.replace(str(data), "/usr/bin/env")}])
    code, summary, _ = run_evaluate(visible_copy, "--workers", "1", data_file=data)
    assert code == 0 and summary["pass@1"] == 1.0


def test_timeout_memory_rounding_and_tasks_without_samples(tmp_path: Path, run_evaluate) -> None:
    from codesim.benchmarks import load_problems

    first = [p.task_id for p in load_problems("humaneval")][:5]
    rows = [{"task_id": task, "completion": "    while True:\n        pass\n"} for task in first[:3]]
    rows += [{"task_id": first[3], "completion": "    return [0] * (10 ** 9)\n"}]  # ~8 GB list: over the memory limit
    rows += [{"task_id": first[4], "completion": "    return None\n"}]
    samples = write_jsonl(tmp_path / "results.jsonl", rows)
    code, summary, err = run_evaluate(samples, "--timeout", "1", "--memory-mb", "128")
    assert code == 0
    verdicts = [row["status"] for row in read_jsonl(tmp_path / "results.eval.jsonl")]
    assert verdicts[:3] == ["timeout"] * 3 and verdicts[3] == "memory_limit", verdicts
    assert (summary["n_tasks"], summary["n_dataset_tasks"], summary["n_tasks_without_samples"]) == (5, 164, 159)
    assert "tasks_without_samples" not in summary and summary["scored_over"] == "tasks with samples"
    assert "159 of 164 tasks have no samples; pass@k is the mean over the 5 tasks with samples" in err
    assert "HumanEval/100" not in err  # counted, not listed


def test_printed_pass_at_k_is_rounded() -> None:
    from codesim.cli.evaluate_cmd import rounded_scores

    summary = {"pass@1": 0.19999999999999996, "pass@10": None, "n_tasks": 3, "ratio": 0.123456789}
    assert rounded_scores(summary) == {"pass@1": 0.2, "pass@10": None, "n_tasks": 3, "ratio": 0.123456789}
