"""Ctrl-C of a `codesim run` on the local model while several calls decode side by side."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HUMANEVAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "humaneval" / "HumanEval.jsonl"


@pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"benchmark data not found at {HUMANEVAL}")
def test_ctrl_c_ends_every_sequence_and_exits_130(real_model_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = [
        sys.executable, "-m", "codesim", "run", "--dataset", "humaneval", "--data-file", str(HUMANEVAL),
        "--strategy", "direct", "--provider", "local", "--model-path", str(real_model_path),
        "--limit", "8", "--concurrency", "4", "--out", str(out),
    ]  # fmt: skip
    env = {**os.environ, "CODESIM_HOME": str(tmp_path / "home"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(8)  # the model is loaded and four calls are decoding
    assert process.poll() is None
    process.send_signal(signal.SIGINT)
    # each call stops at its next token; one in prompt processing first finishes its prompt
    _, stderr = process.communicate(timeout=180)

    assert process.returncode == 130, stderr  # not -11 (SIGSEGV): the model outlived its calls
    assert "codesim: interrupted:" in stderr and "run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["stopped"] == "interrupted" and summary["n_samples"] < 8
