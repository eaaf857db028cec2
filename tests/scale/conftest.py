"""Fixtures for the scale tests: a local Ray instance and a `codesim run` command builder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
HUMANEVAL = DATA / "humaneval" / "HumanEval.jsonl"


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """A local Ray instance (2 CPUs, no dashboard) for the module; its GCS address."""
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'codesim[ray]')")
    ray.init(num_cpus=2, include_dashboard=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def run_args(base_url: str, out: Path, *extra: str) -> list[str]:
    """`codesim run` on HumanEval with the codesim strategy against a fake server, no cache."""
    return [
        sys.executable, "-m", "codesim", "run", "--dataset", "humaneval", "--data-file", str(HUMANEVAL),
        "--strategy", "codesim", "--max-plan-tries", "1", "--max-debug-tries", "1",
        "--provider", "openai", "--base-url", base_url, "--model", "fake-coder", "--no-cache", "--out", str(out),
        *extra,
    ]  # fmt: skip


def run_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `codesim run` child: its own CODESIM_HOME, a fake API key."""
    return {**os.environ, "CODESIM_HOME": str(home), "OPENAI_API_KEY": "fake-key", **extra}


def codesim_run(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `codesim run` to the end."""
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
