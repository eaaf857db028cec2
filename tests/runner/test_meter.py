"""The run-wide usage meter and token budget, over real HTTP to the fake server."""

from __future__ import annotations

import pytest

from codesim.llm.base import ChatParams, Message
from codesim.llm.cache import ResponseCache
from codesim.llm.chat import ChatModel
from codesim.llm.openai_provider import OpenAIProvider
from codesim.runner.meter import MeteredChatModel, RunBudgetSpent, UsageMeter
from codesim.testing.fake_llm import FakeLLMServer

ASK = [Message("user", "one two three four")]  # the fake server counts 4 prompt tokens


def _model(server: FakeLLMServer, cache: ResponseCache | None = None) -> ChatModel:
    provider = OpenAIProvider("test-key", server.openai_base_url, 30)
    return ChatModel(provider, ChatParams(model="fake"), cache=cache)


async def test_counts_new_and_cached_calls(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("alpha beta", "gamma")
    meter = UsageMeter()
    seen = []
    model = MeteredChatModel(_model(fake_llm, ResponseCache()), meter, on_call=lambda: seen.append(meter.calls))
    await model.chat(ASK)  # 4 prompt + 2 completion tokens
    await model.chat(ASK)  # cache hit
    await model.chat(ASK, sample_index=1)  # another sample: a new request, 4 + 1 tokens
    await model.aclose()
    assert (meter.calls, meter.cached_calls) == (3, 1)
    assert (meter.new_tokens, meter.cached_tokens) == (11, 6)
    assert seen == [1, 2, 3]
    assert len(fake_llm.requests) == 2


async def test_budget_stops_further_calls(fake_llm: FakeLLMServer) -> None:
    fake_llm.push("alpha beta", "gamma")
    meter = UsageMeter(budget_tokens=7)
    model = MeteredChatModel(_model(fake_llm), meter)
    await model.chat(ASK)  # 6 tokens: still under the budget
    await model.chat(ASK, sample_index=1)  # 11 tokens: the budget is reached
    with pytest.raises(RunBudgetSpent, match="budget of 7 new tokens is spent"):
        await model.chat(ASK, sample_index=2)
    await model.aclose()
    assert len(fake_llm.requests) == 2
    assert meter.exhausted
