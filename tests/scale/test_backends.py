"""Choosing a backend: `--backend local` never imports Ray; `--backend ray` without Ray says
what to install."""

from __future__ import annotations

from pathlib import Path

import pytest
from scale_support import HUMANEVAL, HumanEvalScript, codesim_run, run_args, run_env

from codesim.testing.fake_llm import FakeLLMServer

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"benchmark data not found at {HUMANEVAL}")


def _env_without_ray(tmp_path: Path) -> dict[str, str]:
    """An environment where `import ray` fails (a stand-in module first on the path)."""
    shadow = tmp_path / "no-ray"
    shadow.mkdir()
    (shadow / "ray.py").write_text("raise ImportError('ray is hidden by this test')\n", encoding="utf-8")
    return run_env(tmp_path, PYTHONPATH=str(shadow))


def test_local_backend_runs_without_ray(tmp_path: Path) -> None:
    with FakeLLMServer(HumanEvalScript(HUMANEVAL, 2)) as server:
        done = codesim_run(
            run_args(server.openai_base_url, tmp_path / "run", "--limit", "2", "--backend", "local"),
            _env_without_ray(tmp_path),
        )
    assert done.returncode == 0, done.stderr
    assert len((tmp_path / "run" / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_ray_backend_without_ray_says_what_to_install(tmp_path: Path) -> None:
    done = codesim_run(
        run_args("http://127.0.0.1:9/v1", tmp_path / "run", "--limit", "2", "--backend", "ray"),
        _env_without_ray(tmp_path),
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "codesim: error: --backend ray needs Ray, which is not installed: "
        "pip install 'codesim[ray]' (or: pip install 'ray>=2.9')"
    )
    assert not (tmp_path / "run" / "results.jsonl").exists()
