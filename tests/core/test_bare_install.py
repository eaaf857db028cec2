"""`pip install -e .` (no extras): the CLI and a hosted-model run work without llama-cpp-python,
anthropic or google-genai importable; asking for a missing one says which extra to install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import CODESIM, HUMANEVAL, direct_run_argv

from codesim.testing.fake_llm import FakeLLMServer

# Runs the codesim CLI with the optional extras' modules made unimportable, as on a bare install.
BARE = """
import sys
BLOCKED = ("llama_cpp", "anthropic", "google.genai")
class Block:
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
from codesim.cli import main
code = main(sys.argv[1:])
assert not [m for m in sys.modules if m.split(".")[0] in ("llama_cpp", "anthropic")], "an extra was imported"
sys.exit(code)
"""


def bare_codesim(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "bare_codesim.py"
    script.write_text(BARE)
    environment = {**os.environ, "CODESIM_HOME": str(tmp_path / "home"), **(env or {})}
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=300, env=environment
    )


def test_help_without_the_extras(tmp_path: Path) -> None:
    done = bare_codesim(tmp_path, "--help")
    assert done.returncode == 0 and "usage: codesim" in done.stdout, done.stderr


@pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"benchmark data not found at {HUMANEVAL}")
def test_a_hosted_model_run_without_the_extras(tmp_path: Path) -> None:
    row = json.loads(HUMANEVAL.read_text(encoding="utf-8").splitlines()[0])
    with FakeLLMServer(lambda request: f"```python\n{row['prompt'] + row['canonical_solution']}```") as server:
        done = bare_codesim(tmp_path, *direct_run_argv(server, tmp_path / "out", "--limit", "1")[len(CODESIM) :])
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["pass@1"] == 1.0


@pytest.mark.parametrize(
    ("provider", "ending"),
    [
        ("local", "pip install 'codesim[local]', or choose another --provider"),
        ("anthropic", "pip install 'codesim[anthropic]'"),
        ("gemini", "pip install 'codesim[gemini]'"),
    ],
)
def test_a_missing_extra_is_named(tmp_path: Path, provider: str, ending: str) -> None:
    keys = {"ANTHROPIC_API_KEY": "x", "GEMINI_API_KEY": "x"}
    done = bare_codesim(
        tmp_path,
        "run",
        "--dataset",
        "humaneval",
        "--strategy",
        "direct",
        "--limit",
        "1",
        "--provider",
        provider,
        "--out",
        str(tmp_path / "out"),
        env=keys,
    )
    assert done.returncode == 2 and done.stderr.rstrip().endswith(ending), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
