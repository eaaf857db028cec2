"""Fixtures for the Python API tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_codesim_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own $CODESIM_HOME (an empty response cache) and no OpenAI settings."""
    home = tmp_path / "codesim-home"
    monkeypatch.setenv("CODESIM_HOME", str(home))
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    return home
