"""The `codesim` command as a user runs it (a subprocess), for tests in any package: its
environment, and the argv of a direct HumanEval run against the fake LLM server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from codesim.testing.fake_llm import FakeLLMServer

HUMANEVAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "humaneval" / "HumanEval.jsonl"
CODESIM = [sys.executable, "-m", "codesim"]


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of one command: its own `CODESIM_HOME` (response cache), a dummy
    OpenAI key, and `extra`."""
    return {**os.environ, "CODESIM_HOME": str(home), "OPENAI_API_KEY": "x", **extra}


def humaneval_run_argv(*flags: str) -> list[str]:
    """`codesim run --dataset humaneval` on the shared HumanEval file, with `flags`."""
    return [*CODESIM, "run", "--dataset", "humaneval", "--data-file", str(HUMANEVAL), *flags]


def humaneval_evaluate_argv(samples: Path) -> list[str]:
    """`codesim evaluate` of the samples file `samples` on the shared HumanEval file."""
    return [*CODESIM, "evaluate", "--dataset", "humaneval", "--data-file", str(HUMANEVAL), "--samples", str(samples)]


def direct_run_argv(server: FakeLLMServer, out: Path, *extra: str, model: str = "fake") -> list[str]:
    """`codesim run` of the direct strategy on HumanEval, asking `server` for model `model`,
    writing into `out`; `extra` flags last (a repeated flag overrides)."""
    return humaneval_run_argv(
        "--strategy",
        "direct",
        "--provider",
        "openai",
        "--base-url",
        server.openai_base_url,
        "--model",
        model,
        "--out",
        str(out),
        *extra,
    )


def run_codesim(argv: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """Run `argv` (a `codesim` command line) to its end with `cli_env(home)`; text output captured."""
    return subprocess.run(argv, env=cli_env(home), capture_output=True, text=True, timeout=300)
