"""`codesim run --dry-run` against the counts of a real run of the same command on the fake server."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from cli_support import HUMANEVAL, answers_by_marker, cli_env, humaneval_answers, humaneval_run_argv

from codesim.llm.tokens import estimate_tokens
from codesim.testing.fake_llm import FakeLLMServer

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"benchmark data not found at {HUMANEVAL}")


def codesim_run(tmp_path: Path, base_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = humaneval_run_argv(
        "--provider", "openai", "--base-url", base_url, "--model", "gpt-4o", "--limit", "4", *extra
    )
    return subprocess.run(
        argv, capture_output=True, text=True, timeout=300, env=cli_env(tmp_path / "home"), cwd=tmp_path
    )


def dry_counts(stdout: str) -> dict[str, tuple[int, int]]:
    """`{"model calls": (best, worst), ...}` from the dry-run report."""
    counts = {}
    for name in ("model calls", "prompt tokens", "completion tokens"):
        best, worst = re.search(rf"{name}:\s+(\d+)\D+?(\d+)", stdout).groups()  # type: ignore[union-attr]
        counts[name] = (int(best), int(worst))
    return counts


def test_dry_run_of_direct_predicts_the_real_calls_and_prompt_tokens(tmp_path: Path) -> None:
    with FakeLLMServer(answers_by_marker(humaneval_answers(4))) as server:
        dry = codesim_run(tmp_path, server.openai_base_url, "--strategy", "direct", "--samples", "2", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert server.requests == [] and not (tmp_path / "runs").exists()  # no model called, nothing written
        real = codesim_run(
            tmp_path, server.openai_base_url, "--strategy", "direct", "--samples", "2", "--temperature", "0.8"
        )
        assert real.returncode == 0, real.stderr
        requests = server.requests
    counts = dry_counts(dry.stdout)
    assert counts["model calls"] == (len(requests), len(requests)) == (8, 8)
    sent = sum(estimate_tokens(text) for request in requests for _, text in request.messages)
    assert counts["prompt tokens"] == (sent, sent)  # the very prompts the real run sent
    assert "tasks:             4 x 2 sample(s)" in dry.stdout and "cost:              $" in dry.stdout


def test_dry_run_of_codesim_brackets_the_real_run(tmp_path: Path) -> None:
    with FakeLLMServer(answers_by_marker(humaneval_answers(4))) as server:
        dry = codesim_run(tmp_path, server.openai_base_url, "--strategy", "codesim", "--dry-run")
        real = codesim_run(tmp_path, server.openai_base_url, "--strategy", "codesim", "--out", str(tmp_path / "out"))
        assert real.returncode == 0, real.stderr
        calls = len(server.requests)
    (best_calls, worst_calls) = dry_counts(dry.stdout)["model calls"]
    assert (best_calls, worst_calls) == (4 * 3, 4 * 5 * 8)  # plan, simulation, code; 5 plans x (3 + 5 debug rounds)
    assert best_calls <= calls <= worst_calls
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    best_prompt, worst_prompt = dry_counts(dry.stdout)["prompt tokens"]
    print(
        f"dry run: {best_calls}-{worst_calls} calls, {best_prompt}-{worst_prompt} prompt tokens; "
        f"real: {calls} calls, {summary['prompt_tokens']} prompt tokens (fake server counts words)"
    )


def test_every_strategy_can_be_estimated() -> None:
    from codesim.benchmarks import load_problems
    from codesim.llm.base import ChatParams
    from codesim.runner.dry_run import estimate
    from codesim.strategies.registry import get_spec, strategy_names

    problems = [p.public for p in load_problems("humaneval", str(HUMANEVAL))[:2]]
    for name in strategy_names():
        found = estimate(get_spec(name).create(), problems, ChatParams(model="gpt-4o"), samples=1)
        assert 2 <= found.best.calls <= found.worst.calls, name
        assert 0 < found.best.prompt_tokens <= found.worst.prompt_tokens, name
        assert found.cost(found.worst) is not None, name
