"""Fixtures for the runner tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_codesim_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own $CODESIM_HOME, so the response cache starts empty."""
    home = tmp_path / "codesim-home"
    monkeypatch.setenv("CODESIM_HOME", str(home))
    return home
