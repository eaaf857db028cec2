"""Fixtures for the strategy tests: a fake LLM over real HTTP, tiny problems, a test runner."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from strategies_support import HIDDEN_MARKER

from codesim.execution import Sandbox
from codesim.llm.base import ChatParams
from codesim.llm.chat import ChatModel
from codesim.llm.openai_provider import OpenAIProvider
from codesim.problems import PublicProblem
from codesim.strategies.base import VisibleTestRunner
from codesim.strategies.visible_tests import sandbox_test_runner
from codesim.testing.fake_llm import FakeLLMServer


@pytest.fixture(autouse=True)
def isolated_codesim_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own $CODESIM_HOME."""
    home = tmp_path / "codesim-home"
    monkeypatch.setenv("CODESIM_HOME", str(home))
    return home


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    """The fake LLM; after the test, no request it received may contain a hidden test."""
    with FakeLLMServer() as fake:
        yield fake
        for request in fake.requests:
            assert HIDDEN_MARKER not in request.all_text
            assert "40 2" not in request.all_text


@pytest.fixture
async def model(server: FakeLLMServer) -> AsyncIterator[ChatModel]:
    """A ChatModel talking real HTTP to the fake server, without a cache."""
    provider = OpenAIProvider(api_key="test-key", base_url=server.openai_base_url, timeout_s=60)
    chat_model = ChatModel(provider, ChatParams(model="fake"), cache=None)
    yield chat_model
    await chat_model.aclose()


@pytest.fixture
async def runner_for() -> AsyncIterator[Callable[[PublicProblem], VisibleTestRunner]]:
    """Makes the visible-test runner of a problem's PUBLIC part, backed by the real sandbox."""
    async with Sandbox(workers=2) as sandbox:
        yield lambda problem: sandbox_test_runner(sandbox, problem)
