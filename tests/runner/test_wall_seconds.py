"""`wall_seconds` counts every invocation of a run, a SIGKILLed one included (from its start)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_support import HUMANEVAL, answers_by_marker, cli_env, direct_run_argv, humaneval_answers

from codesim.testing.fake_llm import FakeLLMServer

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason="HumanEval data not present")
LATENCY_S = 1.5  # each answer takes this long: two samples are at least 3 s of a run's wall time


def test_a_killed_invocation_counts_in_wall_seconds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with FakeLLMServer(answers_by_marker(humaneval_answers(4)), latency_s=LATENCY_S) as server:
        env = cli_env(tmp_path / "home")
        argv = direct_run_argv(server, out, "--limit", "4", "--concurrency", "1")
        killed = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results = out / "results.jsonl"
        while not (results.exists() and results.read_bytes().count(b"\n") >= 2):
            assert killed.poll() is None
            time.sleep(0.05)
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        assert not (out / "summary.json").exists()  # the killed invocation wrote no summary
        resumed = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["n_samples"] == 4
    # two answers in each invocation, each LATENCY_S long: only the resumed one would give < 2x
    assert summary["wall_seconds"] >= 4 * LATENCY_S
    assert len(summary["invocations"]) == 2
