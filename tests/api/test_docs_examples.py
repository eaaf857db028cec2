"""Every `python` block of docs/api.md runs as written, in order, in one directory, each in
its own interpreter, with the OpenAI provider pointed at the fake server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from api_support import canonical_answers
from cli_support import HUMANEVAL, answers_by_marker

from codesim.testing.fake_llm import FakeLLMServer

ROOT = Path(__file__).resolve().parents[2]
API_DOC = ROOT / "docs" / "api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)

# What each block must print (keyed by a line of its code).
EXPECTED = {
    'solution = codesim.solve(statement, model="openai/gpt-4o-mini")': [
        "def add(a: int, b: int) -> int:",
        "passes the examples: True (1 tests)",
    ],
    'task_ids=["HumanEval/2"])[0]': ["HumanEval/2 True openai/gpt-4o-mini"],
    'out="runs/humaneval-direct",': ["1.0 5 complete runs/humaneval-direct"],
    'out="runs/humaneval-codesim",': ["1.0 2"],
    'scores = codesim.evaluate("runs/humaneval-direct/results.jsonl"': [
        "1.0 5",
        "0.5 1.0 [(False, 'failed'), (True, 'passed')]",
    ],
    "asyncio.run(main())": ["HumanEval/0 True", "HumanEval/1 True", "HumanEval/2 True"],
    'model="canned", out="runs/mine"': ["1.0 canned canned-1"],
    'prompts="my-prompts"': ["Write `add` in Python 3, with no explanation."],
}

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"HumanEval data not found at {HUMANEVAL}")


def _blocks() -> list[str]:
    return BLOCK.findall(API_DOC.read_text(encoding="utf-8"))


def test_every_expectation_names_a_block() -> None:
    blocks = _blocks()
    assert len(blocks) >= len(EXPECTED)
    for key in EXPECTED:
        assert sum(key in block for block in blocks) == 1, key


def test_docs_api_examples_run(tmp_path: Path) -> None:
    with FakeLLMServer(answers_by_marker(canonical_answers())) as server:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
            "CODESIM_HOME": str(tmp_path / "home"),
            "OPENAI_BASE_URL": server.openai_base_url,
            "OPENAI_API_KEY": "sk-docs",
        }
        for number, code in enumerate(_blocks(), start=1):
            done = subprocess.run(
                [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
            )
            assert done.returncode == 0, f"block {number} of {API_DOC.name} failed:\n{code}\n{done.stderr}"
            for key, wanted in EXPECTED.items():
                if key in code:
                    for line in wanted:
                        assert line in done.stdout, f"block {number}: {line!r} not in:\n{done.stdout}"
        assert server.requests, "the examples never reached the fake server"
    summary = json.loads((tmp_path / "runs" / "humaneval-direct" / "summary.json").read_text(encoding="utf-8"))
    assert summary["model"] == "gpt-4o-mini" and summary["n_tasks"] == 5
