"""`codesim --help`, `codesim exec` and `codesim evaluate` start without loading any provider
SDK, Jinja or llama.cpp (each command in a fresh interpreter, as a user runs it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import HUMANEVAL, evaluate_args, read_jsonl, write_jsonl

HEAVY = ("openai", "anthropic", "google.genai", "httpx", "aiohttp", "jinja2", "llama_cpp", "plotly", "ray")

# Runs `codesim ARGS...`, then writes the names of the loaded modules to the file in argv[1].
RUN_AND_LIST_MODULES = """
import json, sys
from codesim.cli import main
listing, argv = sys.argv[1], sys.argv[2:]
try:
    code = main(argv)
except SystemExit as stop:
    code = stop.code
with open(listing, "w") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""


def _modules_after(tmp_path: Path, *argv: str) -> set[str]:
    listing = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, str(listing), *argv],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    result = json.loads(listing.read_text())
    assert result["code"] in (0, None), done.stderr
    return set(result["modules"])


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_help_imports_no_subcommand(tmp_path: Path) -> None:
    modules = _modules_after(tmp_path, "--help")
    assert _heavy(modules) == []
    assert not {m for m in modules if m.startswith("codesim.cli.") and m.endswith("_cmd")}


def test_exec_imports_no_sdk_jinja_or_llama(tmp_path: Path) -> None:
    program = tmp_path / "hello.py"
    program.write_text("print('hello')\n")
    modules = _modules_after(tmp_path, "exec", str(program), "--language", "python")
    assert "codesim.execution.sandbox" in modules  # it did run the program
    assert _heavy(modules) == []


@pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"HumanEval data not found at {HUMANEVAL}")
def test_evaluate_imports_no_sdk_jinja_or_llama(tmp_path: Path) -> None:
    row = read_jsonl(HUMANEVAL)[0]
    samples = write_jsonl(
        tmp_path / "samples.jsonl", [{"task_id": row["task_id"], "completion": row["canonical_solution"]}]
    )
    modules = _modules_after(tmp_path, *evaluate_args(samples, data_file=HUMANEVAL))
    assert (tmp_path / "samples.eval.jsonl").exists()  # it did evaluate
    assert _heavy(modules) == []
