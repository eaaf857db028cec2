"""`--concurrency` above the provider's default cap of calls in flight (16) raises that cap,
unless `--llm-concurrency` says otherwise; `--llm-concurrency` alone sets the samples in progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import HUMANEVAL, Cli, answers_by_marker, humaneval_answers

from codesim.testing.fake_llm import FakeLLMServer

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"benchmark data not found at {HUMANEVAL}")
LATENCY_S = 3.0  # long enough for every sample to be waiting on the server at once


def _run(tmp_path: Path, tasks: int, *extra: str) -> tuple[int, dict]:
    with FakeLLMServer(answers_by_marker(humaneval_answers(tasks)), latency_s=LATENCY_S) as server:
        done = Cli(server, tmp_path / "home").run(tmp_path / "run", "--limit", str(tasks), *extra)
    assert done.returncode == 0, done.stderr
    return server.max_in_flight, json.loads((tmp_path / "run" / "config.json").read_text(encoding="utf-8"))


def test_concurrency_above_the_default_cap_raises_it(tmp_path: Path) -> None:
    most_in_flight, config = _run(tmp_path, 24, "--concurrency", "24")
    assert most_in_flight > 16
    assert config["model"]["max_concurrency"] == 24


def test_llm_concurrency_still_caps_the_calls(tmp_path: Path) -> None:
    most_in_flight, config = _run(tmp_path, 8, "--concurrency", "8", "--llm-concurrency", "4")
    assert most_in_flight == 4
    assert config["model"]["max_concurrency"] == 4


def test_llm_concurrency_alone_keeps_three_samples_per_call_slot(tmp_path: Path) -> None:
    most_in_flight, config = _run(tmp_path, 9, "--llm-concurrency", "2")
    assert most_in_flight == 2
    assert config["concurrency"] == 6 and config["model"]["max_concurrency"] == 2
