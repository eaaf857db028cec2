"""A results line stores the final program once; readers get every trace text back exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import HUMANEVAL, Cli

from codesim.execution import TestReport as Report
from codesim.execution import Verdict
from codesim.report.loading import read_results
from codesim.runner.records import solved_record
from codesim.strategies.base import StrategyResult, Trace, TraceStep
from codesim.testing.fake_llm import FakeLLMServer, FakeReply


def test_the_solution_is_cut_out_of_every_step_and_restored_exactly(tmp_path: Path) -> None:
    code = "def f(x):\n    return x + 1\n"
    steps = [
        TraceStep("coding", prompt="Write f.", response=f"Sure:\n```python\n{code}```\nDone."),
        TraceStep("visible_tests", prompt=code, tests=[{"verdict": "passed"}]),
        TraceStep("debugging", prompt=f"Fix this:\n{code}\nand this again:\n{code}", response="no code"),
        TraceStep("coding", prompt="Again.", response="```python\ndef f(x): return x\n```"),  # another program
    ]
    record = solved_record(
        "T/0", 0, StrategyResult(code, True, Trace(steps)), Report(Verdict.PASSED), 1, 1.0, 0.1, n_visible=1
    )
    line = json.dumps(record)
    assert line.count("return x + 1") == 1
    path = tmp_path / "results.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    restored = read_results(path)[0]["trace"]
    assert [(s["prompt"], s["response"]) for s in restored] == [(s.prompt, s.response) for s in steps]
    assert not any(key.endswith("_solution_at") for step in restored for key in step)


@pytest.mark.skipif(not HUMANEVAL.exists(), reason="HumanEval data not present")
def test_a_5_mb_answer_is_stored_once(tmp_path: Path) -> None:
    row = json.loads(HUMANEVAL.read_text(encoding="utf-8").splitlines()[0])
    program = row["prompt"] + row["canonical_solution"] + "".join(f"# {n:08d}{'x' * 90}\n" for n in range(50_000))
    reply = f"```python\n{program}```\n"
    with FakeLLMServer(lambda request: FakeReply(reply)) as server:
        done = Cli(server, tmp_path / "home").run(tmp_path / "out", "--limit", "1")
    assert done.returncode == 0, done.stderr
    results = tmp_path / "out" / "results.jsonl"
    assert len(program) > 5_000_000 and results.stat().st_size < 1.05 * len(program)
    record = read_results(results)[0]
    assert record["passed"] and record["solution"] == program
    assert record["trace"][0]["response"] == reply and record["trace"][1]["prompt"] == program
