"""End to end on real HumanEval and APPS rows with the scripted fake server: `codesim run`
with the real strategies and sandbox, then `codesim evaluate` on the written samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import (
    CODESIM,
    HUMANEVAL,
    SHARED_DATA,
    answers_by_marker,
    evaluate_args,
    fake_llm_flags,
    humaneval_answers,
    last_json,
    read_jsonl,
    run_argv,
    run_codesim,
)

from codesim.testing.fake_llm import FakeLLMServer

APPS = SHARED_DATA / "apps" / "apps-sample.jsonl"
pytestmark = pytest.mark.skipif(
    not (HUMANEVAL.exists() and APPS.exists()), reason=f"benchmark data not found at {SHARED_DATA}"
)

QAQ_PY = (
    "s = input().strip()\nq = qa = total = 0\nfor ch in s:\n    if ch == 'Q':\n        total += qa\n        q += 1\n"
    "    elif ch == 'A':\n        qa += q\nprint(total)\n"
)
QAQ_CPP = (
    "#include <iostream>\n#include <string>\nint main() {\n  std::string s; std::cin >> s;\n"
    "  long q = 0, qa = 0, total = 0;\n  for (char ch : s) {\n    if (ch == 'Q') { total += qa; ++q; }\n"
    "    else if (ch == 'A') { qa += q; }\n  }\n  std::cout << total << std::endl;\n}\n"
)
APPS_ANSWERS = {'subsequences "QAQ"': QAQ_PY, "labyrinth": "print(0)\n"}


def _run(server: FakeLLMServer, home: Path, out: Path, dataset: str, data: Path, *args: str) -> dict:
    done = run_codesim(run_argv(dataset, data, *fake_llm_flags(server, out), *args), home, timeout_s=600)
    assert done.returncode == 0, done.stderr
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def _evaluate(home: Path, dataset: str, data: Path, results: Path) -> tuple[dict, list[dict]]:
    argv = [*CODESIM, *evaluate_args(results, dataset=dataset, data_file=data)]
    done = run_codesim(argv, home, timeout_s=600)
    assert done.returncode == 0, done.stderr
    return last_json(done.stdout), read_jsonl(results.with_name("results.eval.jsonl"))


def test_humaneval_direct_run_agrees_with_evaluate(tmp_path: Path) -> None:
    out, home = tmp_path / "he", tmp_path / "home"
    with FakeLLMServer(answers_by_marker(humaneval_answers(3, wrong=(2,)))) as server:
        summary = _run(server, home, out, "humaneval", HUMANEVAL, "--strategy", "direct", "--limit", "3")
    lines = read_jsonl(out / "results.jsonl")
    assert sorted((line["task_id"], line["passed"]) for line in lines) == [
        ("HumanEval/0", True),
        ("HumanEval/1", True),
        ("HumanEval/2", False),
    ]
    assert summary["pass@1"] == pytest.approx(2 / 3)
    for line in lines:  # the final code's CPU seconds and peak memory on the hidden tests
        assert line["hidden_cpu_s"] >= 0 and 5 < line["hidden_peak_mb"] < 1024
    perf = summary["solution_perf"]
    assert perf["n_tasks"] == 2 and sorted(perf["tasks"]) == ["HumanEval/0", "HumanEval/1"]  # passing tasks only
    passing = [line for line in lines if line["passed"]]
    assert perf["median_peak_mb"] == pytest.approx(sum(line["hidden_peak_mb"] for line in passing) / 2, abs=0.06)
    assert perf["tasks"]["HumanEval/0"]["cpu_s"] == next(
        line["hidden_cpu_s"] for line in passing if line["task_id"] == "HumanEval/0"
    )
    evaluated, verdicts = _evaluate(home, "humaneval", HUMANEVAL, out / "results.jsonl")
    assert evaluated["pass@1"] == pytest.approx(summary["pass@1"], abs=5e-5)  # printed rounded to 4 decimals
    assert (evaluated["n_tasks"], evaluated["n_samples"]) == (3, 3)
    assert [(v["task_id"], v["passed"]) for v in verdicts] == [(line["task_id"], line["passed"]) for line in lines]


def test_apps_codesim_run_agrees_with_evaluate(tmp_path: Path) -> None:
    out, home = tmp_path / "apps", tmp_path / "home"
    with FakeLLMServer(answers_by_marker(APPS_ANSWERS)) as server:
        summary = _run(
            server,
            home,
            out,
            "apps",
            APPS,
            "--strategy",
            "codesim",
            "--task-ids",
            "1607,1604",
            "--max-plan-tries",
            "2",
            "--max-debug-tries",
            "1",
        )
    lines = {line["task_id"]: line for line in read_jsonl(out / "results.jsonl")}
    assert (lines["1607"]["passed"], lines["1607"]["visible_passed"], lines["1604"]["passed"]) == (True, True, False)
    stages = [step["stage"] for step in lines["1607"]["trace"]]
    assert stages[0] == "planning" and "coding" in stages and "visible_tests" in stages
    assert lines["1604"]["llm_calls"] > lines["1607"]["llm_calls"]  # the failing task planned again
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["strategy_options"]["max_plan_tries"] == 2 and config["strategy_options"]["max_debug_tries"] == 1
    assert summary["pass@1"] == 0.5 and summary["parse_fallbacks"] > 0  # code answers to plan prompts
    evaluated, verdicts = _evaluate(home, "apps", APPS, out / "results.jsonl")
    assert evaluated["pass@1"] == 0.5
    assert {v["task_id"]: v["passed"] for v in verdicts} == {"1607": True, "1604": False}


def test_apps_in_cpp(tmp_path: Path) -> None:
    out = tmp_path / "apps-cpp"
    answers = {'subsequences "QAQ"': QAQ_CPP}
    with FakeLLMServer(answers_by_marker(answers, tag="cpp")) as server:
        summary = _run(
            server,
            tmp_path / "home",
            out,
            "apps",
            APPS,
            "--strategy",
            "direct",
            "--task-ids",
            "1607",
            "--language",
            "c++",
        )
        assert "C++" in server.requests[0].all_text or "cpp" in server.requests[0].all_text.lower()
    (line,) = read_jsonl(out / "results.jsonl")
    assert line["passed"] is True and line["solution"] == QAQ_CPP
    assert summary["language"] == "cpp"
