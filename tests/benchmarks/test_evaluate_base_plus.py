"""`codesim evaluate` on a dataset that extends an original benchmark's tests (EvalPlus, -ET):
one pass gives the verdict on the base tests and on base + plus tests, per sample and overall."""

from __future__ import annotations

from pathlib import Path

from bench_paths import FIXTURES
from cli_support import read_jsonl, write_jsonl

# add_two's base inputs are small; its plus inputs (EvalPlus) and ET asserts use larger numbers.
SMALL_ONLY = "def add_two(a, b):\n    return a + b if abs(a) < 50 else 0\n"
RIGHT = "def add_two(a, b):\n    return a + b\n"
WRONG = "def add_two(a, b):\n    return a - b\n"
PLUS = FIXTURES / "HumanEvalPlus.jsonl.gz"


def test_humaneval_plus_scores_base_and_plus_in_one_pass(tmp_path: Path, run_evaluate) -> None:
    samples = write_jsonl(
        tmp_path / "samples.jsonl",
        [
            {"task_id": "Toy/0", "solution": RIGHT},
            {"task_id": "Toy/0", "solution": SMALL_ONLY},
            {"task_id": "Toy/0", "solution": WRONG},
            {"task_id": "Toy/2", "solution": "def mean(values):\n    return sum(values) / len(values)\n"},
            {"task_id": "Toy/2", "solution": "def mean(values):\n    return (values[0] + values[1]) / 2\n"},
            {"task_id": "Toy/9", "solution": RIGHT},
        ],
    )
    code, summary, err = run_evaluate(samples, "--k", "1,2", dataset="humaneval-plus", data_file=PLUS)
    assert code == 0
    rows = read_jsonl(tmp_path / "samples.eval.jsonl")
    assert [(r["task_id"], r["base_passed"], r["passed"]) for r in rows[:5]] == [
        ("Toy/0", True, True),
        ("Toy/0", True, False),  # right on the base inputs, wrong on a plus input
        ("Toy/0", False, False),
        ("Toy/2", True, True),
        ("Toy/2", True, False),  # two values only: only the plus inputs have three
    ]
    assert [(r["base_status"], r["status"]) for r in rows[1:3]] == [("passed", "failed"), ("failed", "failed")]
    assert "base_passed" not in rows[5] and rows[5]["status"] == "unknown_task"
    # Toy/0: base 2 of 3, plus 1 of 3; Toy/2: base 2 of 2, plus 1 of 2.
    assert summary["base"] == {"n_passed": 4, "pass@1": round((2 / 3 + 1) / 2, 4), "pass@2": 1.0}
    assert summary["plus"] == {
        "n_passed": 2,
        "pass@1": round((1 / 3 + 1 / 2) / 2, 4),
        "pass@2": round((2 / 3 + 1) / 2, 4),
    }
    assert summary["pass@1"] == summary["plus"]["pass@1"]  # the top-level score stays the full hidden tests
    assert "humaneval-plus: base tests: pass@1 0.8333, pass@2 1.0; plus tests: pass@1 0.4167" in err


def test_humaneval_et_base_is_the_original_test(tmp_path: Path, run_evaluate) -> None:
    samples = write_jsonl(tmp_path / "s.jsonl", [{"task_id": "Toy/0", "solution": SMALL_ONLY}])
    code, summary, _ = run_evaluate(samples, dataset="humaneval-et", data_file=FIXTURES / "HumanEvalET.jsonl")
    assert code == 0
    assert (summary["base"]["pass@1"], summary["plus"]["pass@1"], summary["pass@1"]) == (1.0, 0.0, 0.0)
    (row,) = read_jsonl(tmp_path / "s.eval.jsonl")
    assert (row["base_passed"], row["passed"]) == (True, False)


def test_mbpp_et_with_separate_extra_tests(tmp_path: Path, run_evaluate) -> None:
    """An MBPP-ET file that carries the extra asserts in `test_case_list`: `test_list` is the base."""
    row = {
        "task_id": 11,
        "text": "Write a function to double a number.",
        "code": "def double(x):\n    return 2 * x",
        "test_list": ["assert double(2) == 4", "assert double(3) == 6"],
        "test_setup_code": "",
        "test_case_list": ["assert double(1000) == 2000"],
    }
    data = write_jsonl(tmp_path / "MBPP_ET.jsonl", [row])
    small = "def double(x):\n    return 2 * x if x < 100 else 0\n"
    samples = write_jsonl(tmp_path / "s.jsonl", [{"task_id": 11, "solution": small}])
    code, summary, _ = run_evaluate(samples, dataset="mbpp-et", data_file=data)
    assert code == 0
    assert (summary["base"]["pass@1"], summary["plus"]["pass@1"]) == (1.0, 0.0)


def test_datasets_with_one_suite_and_visible_tests_report_no_base(tmp_path: Path, run_evaluate) -> None:
    samples = write_jsonl(tmp_path / "s.jsonl", [{"task_id": "Toy/0", "solution": SMALL_ONLY}])
    _, summary, _ = run_evaluate(samples, data_file=FIXTURES / "openai_humaneval.jsonl")
    assert "base" not in summary and "base_passed" not in read_jsonl(tmp_path / "s.eval.jsonl")[0]
    _, visible, _ = run_evaluate(samples, "--tests", "visible", dataset="humaneval-plus", data_file=PLUS)
    assert "base" not in visible and visible["pass@1"] == 1.0
