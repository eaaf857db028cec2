"""Fixtures for the benchmark loader and evaluation tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_codesim_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their own data sources: a user's $CODESIM_DATA must not leak in."""
    monkeypatch.delenv("CODESIM_DATA", raising=False)
