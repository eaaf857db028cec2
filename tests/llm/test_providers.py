"""Every provider over real HTTP against the protocol-level fake server, through the
official client libraries."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from codesim.errors import ProviderError, UsageError
from codesim.llm.base import ChatParams, Message
from codesim.llm.cache import ResponseCache
from codesim.llm.chat import ChatModel
from codesim.llm.factory import ModelConfig, build_chat_model
from codesim.llm.limits import CallLimits
from codesim.llm.retry import RetryPolicy
from codesim.testing.fake_llm import FakeLLMServer, FakeReply

PROVIDERS = ("openai", "anthropic", "gemini")
KEY_VARS = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY"}
HELLO = [Message("system", "You are terse."), Message("user", "Say hello")]
FAST_RETRY = RetryPolicy(max_retries=3, base_delay_s=0.01, max_delay_s=5.0)


def make_model(
    provider: str,
    server: FakeLLMServer,
    monkeypatch: pytest.MonkeyPatch,
    *,
    cache: ResponseCache | None = None,
    retry: RetryPolicy = FAST_RETRY,
    timeout_s: float = 10.0,
    concurrency: int = 8,
) -> ChatModel:
    """A ChatModel for `provider` pointed at the fake server, built through the factory."""
    monkeypatch.setenv(KEY_VARS[provider], "test-key")
    base_url = server.openai_base_url if provider == "openai" else server.url
    config = ModelConfig(
        provider=provider,
        model="fake-model",
        base_url=base_url,
        request_timeout_s=timeout_s,
        max_retries=retry.max_retries,
        max_concurrency=concurrency,
        use_cache=False,
    )
    model = build_chat_model(config)
    model.retry = retry
    model.cache = cache
    return model


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_success_and_usage(provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_llm.push("hello there friend")
    model = make_model(provider, fake_llm, monkeypatch)
    result = await model.chat(HELLO, temperature=0.3, max_tokens=77)
    await model.aclose()
    assert result.text == "hello there friend"
    assert result.usage.completion_tokens == 3  # the fake counts words
    assert result.usage.prompt_tokens == 5  # "You are terse." + "Say hello" (the fake counts words)
    assert not result.usage.estimated and result.usage.retries == 0
    request = fake_llm.requests[0]
    assert request.protocol == provider
    assert ("system", "You are terse.") in request.messages
    assert request.last_user_text == "Say hello"


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_parameters_reach_the_server(
    provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.push("ok")
    model = make_model(provider, fake_llm, monkeypatch)
    await model.chat(HELLO, temperature=0.7, top_p=0.9, max_tokens=55, stop=("END",), seed=7)
    await model.aclose()
    body = fake_llm.requests[0].body
    if provider == "gemini":
        config = body["generationConfig"]
        assert (config["temperature"], config["topP"], config["maxOutputTokens"]) == (0.7, 0.9, 55)
        assert config["stopSequences"] == ["END"] and config["seed"] == 7
    elif provider == "anthropic":
        assert (body["temperature"], body["top_p"], body["max_tokens"]) == (0.7, 0.9, 55)
        assert body["stop_sequences"] == ["END"] and body["model"] == "fake-model"
    else:
        assert (body["temperature"], body["top_p"], body["max_tokens"], body["seed"]) == (0.7, 0.9, 55, 7)
        assert body["stop"] == ["END"] and body["model"] == "fake-model"


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_retry_on_429_honours_retry_after(
    provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.push(
        FakeReply(status=429, raw_body='{"error": {"message": "slow down"}}', headers={"Retry-After": "0.6"}), "done"
    )
    model = make_model(provider, fake_llm, monkeypatch)
    started = time.monotonic()
    result = await model.chat(HELLO)
    elapsed = time.monotonic() - started
    await model.aclose()
    assert result.text == "done" and result.usage.retries == 1
    assert len(fake_llm.requests) == 2
    assert elapsed >= 0.6  # waited as long as the server asked, not the 10 ms base delay


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_retry_on_500_then_success(
    provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = FakeReply(status=500, raw_body='{"error": {"message": "boom"}}')
    fake_llm.push(error, error, "recovered")
    model = make_model(provider, fake_llm, monkeypatch)
    result = await model.chat(HELLO)
    await model.aclose()
    assert result.text == "recovered" and result.usage.retries == 2
    assert len(fake_llm.requests) == 3


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_exhausted_retries_name_provider_model_and_cause(
    provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.push(*[FakeReply(status=503, raw_body='{"error": {"message": "overloaded"}}') for _ in range(4)])
    model = make_model(provider, fake_llm, monkeypatch)
    with pytest.raises(ProviderError) as caught:
        await model.chat(HELLO)
    await model.aclose()
    message = str(caught.value)
    assert provider in message and "fake-model" in message and "503" in message and "4 attempts" in message
    assert len(fake_llm.requests) == 4


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_no_retry_on_400(provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_llm.push(FakeReply(status=400, raw_body='{"error": {"message": "bad request"}}'), "never sent")
    model = make_model(provider, fake_llm, monkeypatch)
    with pytest.raises(ProviderError, match="400"):
        await model.chat(HELLO)
    await model.aclose()
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_timeout_is_retried_then_reported(
    provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.push(FakeReply(text="late", delay_s=3.0), FakeReply(text="late", delay_s=3.0))
    model = make_model(
        provider, fake_llm, monkeypatch, retry=RetryPolicy(max_retries=1, base_delay_s=0.01), timeout_s=1.0
    )
    with pytest.raises(ProviderError) as caught:
        await model.chat(HELLO)
    await model.aclose()
    assert "2 attempts" in str(caught.value) and "cannot connect" not in str(caught.value)
    assert len(fake_llm.requests) == 2


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_refused_connection_is_retried_then_named(provider: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(KEY_VARS[provider], "test-key")
    base_url = f"http://127.0.0.1:{port}" + ("/v1" if provider == "openai" else "")
    config = ModelConfig(provider=provider, model="fake-model", base_url=base_url, max_retries=1, use_cache=False)
    model = build_chat_model(config)
    model.retry = RetryPolicy(max_retries=1, base_delay_s=0.01)
    with pytest.raises(ProviderError) as caught:
        await model.chat(HELLO)
    await model.aclose()
    message = str(caught.value)
    assert f"cannot connect to http://127.0.0.1:{port}" in message
    assert "refused" in message.lower() or "connect call failed" in message.lower()
    assert "2 attempts" in message and "timed out" not in message.lower()


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_malformed_json_is_a_clear_error(
    provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.push(*[FakeReply(raw_body="{this is not json") for _ in range(4)])
    model = make_model(provider, fake_llm, monkeypatch)
    with pytest.raises(ProviderError) as caught:
        await model.chat(HELLO)
    await model.aclose()
    assert provider in str(caught.value) and "fake-model" in str(caught.value)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_missing_usage_falls_back_to_estimate(
    provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.push(FakeReply(text="def f(x):\n    return x + 1", usage=False))
    model = make_model(provider, fake_llm, monkeypatch)
    result = await model.chat(HELLO)
    await model.aclose()
    assert result.usage.estimated
    assert result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0


@pytest.mark.parametrize("provider", PROVIDERS)
def test_missing_key_names_the_variable(provider: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (*KEY_VARS.values(), "GOOGLE_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(UsageError, match=KEY_VARS[provider]):
        build_chat_model(ModelConfig(provider=provider, model="m", use_cache=False))


def test_openai_compatible_preset_uses_its_own_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GROQ_API_KEY", raising=False)
    with pytest.raises(UsageError, match="GROQ_API_KEY"):
        build_chat_model(ModelConfig(provider="groq", model="llama", use_cache=False))
    monkeypatch.setenv("GROQ_API_KEY", "k")
    model = build_chat_model(ModelConfig(provider="groq", model="llama", use_cache=False))
    assert model.provider.base_url == "https://api.groq.com/openai/v1"


def test_unknown_provider_lists_the_valid_ones() -> None:
    with pytest.raises(UsageError, match="anthropic"):
        build_chat_model(ModelConfig(provider="nope", model="m"))


async def test_cache_hit_makes_no_request(fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    fake_llm.push(FakeReply(text="first answer"))
    cache = ResponseCache(tmp_path / "cache.sqlite3")
    model = make_model("openai", fake_llm, monkeypatch, cache=cache)
    first = await model.chat(HELLO)
    second = await model.chat(HELLO)
    await model.aclose()
    assert len(fake_llm.requests) == 1
    assert not first.cached and second.cached and second.text == "first answer"
    assert second.usage.prompt_tokens == first.usage.prompt_tokens  # original usage kept
    assert (second.new_prompt_tokens, second.new_completion_tokens) == (0, 0)


async def test_sample_index_keeps_samples_apart(
    fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    fake_llm.push("sample zero", "sample one")
    cache = ResponseCache(tmp_path / "cache.sqlite3")
    model = make_model("openai", fake_llm, monkeypatch, cache=cache)
    zero = await model.chat(HELLO, temperature=0.8, sample_index=0)
    one = await model.chat(HELLO, temperature=0.8, sample_index=1)
    again = await model.chat(HELLO, temperature=0.8, sample_index=1)
    await model.aclose()
    assert (zero.text, one.text, again.text) == ("sample zero", "sample one", "sample one")
    assert len(fake_llm.requests) == 2 and len(cache) == 2


async def test_concurrency_limit_is_respected_at_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeLLMServer(responder=lambda request: "ok", latency_s=0.2) as server:
        model = make_model("openai", server, monkeypatch, concurrency=3)
        await asyncio.gather(*(model.chat([Message("user", f"q{i}")]) for i in range(12)))
        await model.aclose()
        assert len(server.requests) == 12
        assert server.max_in_flight == 3


async def test_requests_per_minute_limit_spaces_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeLLMServer(responder=lambda request: "ok") as server:
        model = make_model("openai", server, monkeypatch)
        model.limits = CallLimits(max_concurrency=8, requests_per_minute=120)  # 2 per second
        started = time.monotonic()
        await asyncio.gather(*(model.chat([Message("user", f"q{i}")]) for i in range(4)))
        elapsed = time.monotonic() - started
        await model.aclose()
    assert elapsed >= 0.9  # 4 requests at 2/s: the last waits ~1 s for capacity


def test_chat_params_are_all_in_the_cache_key() -> None:
    from codesim.llm.cache import cache_key

    base = ChatParams(model="m")
    variants = [
        ChatParams(model="m2"),
        ChatParams(model="m", temperature=0.5),
        ChatParams(model="m", top_p=0.5),
        ChatParams(model="m", max_tokens=5),
        ChatParams(model="m", seed=1),
        ChatParams(model="m", stop=("x",)),
        ChatParams(model="m", sample_index=1),
    ]
    keys = {cache_key("openai", None, HELLO, p) for p in [base, *variants]}
    assert len(keys) == len(variants) + 1
    assert cache_key("openai", None, HELLO, base) != cache_key("openai", "http://other/v1", HELLO, base)
    assert cache_key("openai", None, HELLO, base) != cache_key("anthropic", None, HELLO, base)


async def test_seeded_samples_get_distinct_seeds(fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_llm.push("a", "b")
    model = make_model("openai", fake_llm, monkeypatch)
    await model.chat(HELLO, seed=40, sample_index=0)
    await model.chat(HELLO, seed=40, sample_index=2)
    await model.aclose()
    assert [r.body["seed"] for r in fake_llm.requests] == [40, 42]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_n_answers_to_one_prompt(provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenAI asks `n`, Gemini `candidateCount` (one request each); Anthropic sends the requests
    side by side. The prompt's tokens are counted once and the completion tokens add up."""
    fake_llm.push("first answer here", "second", "the third answer")
    model = make_model(provider, fake_llm, monkeypatch)
    results = await model.chat_many(HELLO, 3, seed=10)
    await model.aclose()

    assert sorted(result.text for result in results) == sorted(["first answer here", "second", "the third answer"])
    requests = len(fake_llm.requests)
    assert requests == (3 if provider == "anthropic" else 1)
    if provider == "openai":
        assert fake_llm.requests[0].body["n"] == 3
    if provider == "gemini":
        assert fake_llm.requests[0].body["generationConfig"]["candidateCount"] == 3
    prompt_tokens = [result.usage.prompt_tokens for result in results]
    if provider != "anthropic":
        assert prompt_tokens == [5, 0, 0]  # the fake counts the words of every turn: 5
        assert sum(result.usage.completion_tokens for result in results) == 3 + 1 + 3
    assert not any(result.usage.estimated for result in results)


async def test_openai_server_ignoring_n_is_asked_for_the_rest(
    fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_choice = FakeReply(raw_body='{"choices": [{"index": 0, "message": {"content": "only one"}}]}')
    fake_llm.push(one_choice, "unsent", "unsent", "two", "three")  # the first request takes 3 replies
    model = make_model("openai", fake_llm, monkeypatch)
    results = await model.chat_many(HELLO, 3)
    await model.aclose()

    assert [result.text for result in results][0] == "only one"
    assert sorted(result.text for result in results[1:]) == ["three", "two"]
    assert [request.body.get("n") for request in fake_llm.requests] == [3, None, None]
