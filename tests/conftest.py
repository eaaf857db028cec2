"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codesim.testing.fake_llm import FakeLLMServer

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    """A scripted LLM server on 127.0.0.1, stopped after the test."""
    with FakeLLMServer() as server:
        yield server
