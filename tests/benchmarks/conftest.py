"""Fixtures for the benchmark loader and evaluation tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import evaluate_args, last_json

from codesim.cli import main


@pytest.fixture(autouse=True)
def no_codesim_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their own data sources: a user's $CODESIM_DATA must not leak in."""
    monkeypatch.delenv("CODESIM_DATA", raising=False)


@pytest.fixture
def run_evaluate(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, dict, str]]:
    """`codesim evaluate` in this process (see `cli_support.evaluate_args`): its exit code, the
    summary it printed last ({} when it failed) and its stderr."""

    def evaluate(
        samples: Path, *flags: str, dataset: str = "humaneval", data_file: Path | None = None
    ) -> tuple[int, dict, str]:
        code = main(evaluate_args(samples, *flags, dataset=dataset, data_file=data_file))
        captured = capsys.readouterr()
        return code, last_json(captured.out) if code == 0 else {}, captured.err

    return evaluate
