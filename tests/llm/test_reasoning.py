"""Reasoning models: the request bodies as the fake server receives them, and the reasoning
tokens reported apart in the usage."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest
from cli_support import CODESIM, HUMANEVAL, cli_env, direct_run_argv, run_codesim

from codesim.llm.base import ChatParams, Message
from codesim.llm.cache import cache_key
from codesim.llm.factory import ModelConfig, build_chat_model
from codesim.llm.openai_provider import request_body
from codesim.llm.reasoning import is_openai_reasoning_model
from codesim.testing.fake_llm import FakeLLMServer, FakeReply

KEY_VARS = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY"}
HELLO = [Message("system", "You are terse."), Message("user", "Say hello")]


async def ask(server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch, reply: FakeReply, **config: object):
    """One chat through the factory against the fake server; the result and the request body."""
    provider = str(config.get("provider", "openai"))
    monkeypatch.setenv(KEY_VARS[provider], "test-key")
    base_url = server.openai_base_url if provider == "openai" else server.url
    model = build_chat_model(ModelConfig(base_url=base_url, use_cache=False, max_retries=0, **config))  # type: ignore[arg-type]
    server.push(reply)
    try:
        result = await model.chat(HELLO)
    finally:
        await model.aclose()
    return result, server.requests[-1].body


@pytest.mark.parametrize(
    ("model", "reasoning"),
    [
        ("o1", True),
        ("o1-mini", True),
        ("o3-mini", True),
        ("o3", True),
        ("o4-mini", True),
        ("gpt-5", True),
        ("gpt-5-mini", True),
        ("openai/o3-mini", True),
        ("gpt-4o", False),
        ("gpt-4.1-mini", False),
        ("gpt-5-chat-latest", False),
        ("qwq-32b", False),
        ("ollama3", False),
    ],
)
def test_openai_reasoning_families(model: str, reasoning: bool) -> None:
    assert is_openai_reasoning_model(model) is reasoning


@pytest.mark.parametrize(
    ("config", "sent", "left_out", "thinking", "usage"),
    [
        pytest.param(
            {"provider": "openai", "model": "o3-mini", "top_p": 0.9, "max_tokens": 300, "reasoning_effort": "high"},
            {"max_completion_tokens": 300, "reasoning_effort": "high"},
            {"max_tokens", "temperature", "top_p"},
            40,
            (42, 40),
            id="openai-reasoning-model",
        ),
        pytest.param(
            {"provider": "openai", "model": "gpt-4o", "max_tokens": 300},
            {"max_tokens": 300, "temperature": 0.0},
            {"max_completion_tokens", "reasoning_effort"},
            0,
            (2, 0),
            id="openai-chat-model",
        ),
        pytest.param(
            {"provider": "anthropic", "model": "claude-sonnet-4-5", "max_tokens": 300, "thinking_budget": 1024},
            # the thinking budget comes on top of the answer's tokens
            {"thinking": {"type": "enabled", "budget_tokens": 1024}, "max_tokens": 1324},
            {"temperature", "top_p"},
            5,
            (7, 0),  # Anthropic counts the thinking in the output tokens, not apart
            id="anthropic-extended-thinking",
        ),
    ],
)
async def test_reasoning_request_body_and_usage(
    config: dict[str, object],
    sent: dict[str, object],
    left_out: set[str],
    thinking: int,
    usage: tuple[int, int],
    fake_llm: FakeLLMServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, body = await ask(fake_llm, monkeypatch, FakeReply("the answer", reasoning_tokens=thinking), **config)
    assert {key: body.get(key) for key in sent} == sent
    assert not left_out & set(body)
    assert result.text == "the answer"  # a thinking block is not part of the answer
    assert (result.usage.completion_tokens, result.usage.reasoning_tokens) == usage


async def test_gemini_thinking_budget_and_thought_tokens(
    fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, body = await ask(
        fake_llm,
        monkeypatch,
        FakeReply("the answer", reasoning_tokens=30),
        provider="gemini",
        model="gemini-2.5-flash",
        thinking_budget=512,
    )
    thinking = body["generationConfig"]["thinkingConfig"]  # the client sends `thinking_budget` (the API takes both)
    assert {key.replace("_", "").lower(): value for key, value in thinking.items()} == {"thinkingbudget": 512}
    assert (result.usage.completion_tokens, result.usage.reasoning_tokens) == (32, 30)


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
async def test_extra_body_reaches_the_server(
    provider: str, fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = {"custom_field": {"depth": 2}, "service_tier": "flex"}
    _, body = await ask(fake_llm, monkeypatch, FakeReply("ok"), provider=provider, model="m", extra_body=extra)
    assert body["custom_field"] == {"depth": 2} and body["service_tier"] == "flex"


def test_reasoning_fields_stay_out_of_old_cache_keys() -> None:
    params = ChatParams(model="gpt-4o")
    assert "reasoning_effort" not in params.as_dict() and "extra_body" not in params.as_dict()
    effort = dataclasses.replace(params, reasoning_effort="low")
    assert cache_key("openai", None, HELLO, effort) != cache_key("openai", None, HELLO, params)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--provider", "openai", "--thinking-budget", "100"], "--thinking-budget is for anthropic and gemini"),
        (["--provider", "anthropic", "--reasoning-effort", "low"], "--reasoning-effort is for OpenAI-compatible"),
        (["--provider", "openai", "--extra-body", "[1]"], "expected a JSON object"),
        (["--provider", "openai", "--reasoning-effort", "extreme"], "invalid choice: 'extreme'"),
        (["--provider", "opneai"], "unknown provider 'opneai'; choose one of: openai, "),
    ],
)
def test_reasoning_flag_mistakes_are_one_line(tmp_path: Path, flags: list[str], message: str) -> None:
    argv = [*CODESIM, "run", "--dataset", "humaneval", "--strategy", "direct", *flags, "--out", str(tmp_path / "out")]
    env = cli_env(tmp_path, ANTHROPIC_API_KEY="x")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_a_run_on_a_reasoning_model_records_its_reasoning_tokens(tmp_path: Path) -> None:
    if not HUMANEVAL.exists():
        pytest.skip(f"benchmark data not found at {HUMANEVAL}")
    row = json.loads(HUMANEVAL.read_text(encoding="utf-8").splitlines()[0])
    code = row["prompt"] + row["canonical_solution"]
    with FakeLLMServer(lambda request: FakeReply(f"```python\n{code}```", reasoning_tokens=100)) as server:
        argv = direct_run_argv(server, tmp_path / "out", "--limit", "1", "--reasoning-effort", "low", model="o4-mini")
        done = run_codesim(argv, tmp_path)
        [request] = server.requests
    assert done.returncode == 0, done.stderr
    assert request.body["reasoning_effort"] == "low" and "temperature" not in request.body
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["reasoning_tokens"] == 100 and summary["pass@1"] == 1.0
    # o4-mini at $1.10 / $4.40 per million tokens (the reasoning tokens are billed as completion)
    expected = (summary["prompt_tokens"] * 1.10 + summary["completion_tokens"] * 4.40) / 1e6
    assert summary["cost_usd"] == pytest.approx(expected, abs=1e-6) and summary["completion_tokens"] > 100
    assert "cost at list prices" in done.stdout and "reasoning tokens" in done.stdout
    config = json.loads((tmp_path / "out" / "config.json").read_text(encoding="utf-8"))
    assert config["model"]["reasoning_effort"] == "low"


@pytest.mark.parametrize(("model", "sends_stop"), [("gpt-4o", True), ("o3-mini", False), ("gpt-5", False)])
def test_stop_strings_only_where_the_api_accepts_them(model: str, sends_stop: bool) -> None:
    body = request_body(HELLO, ChatParams(model=model, stop=("\n```\n",)))
    assert body.get("stop") == (["\n```\n"] if sends_stop else None)
