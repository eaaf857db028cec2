"""The local engine decodes several sequences per step: concurrent calls, n samples of one
prompt, and cancelling one sequence among others (real default model, few tokens)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from codesim.llm.base import ChatParams, Message
from codesim.llm.local_provider import LocalProvider, default_threads
from codesim.models.llama_engine import LlamaEngine, usages

FUNCTIONS = ["reverse_text", "is_prime", "count_vowels", "merge_sorted"]
GREEDY = ChatParams(model="local", max_tokens=24)


def ask(function: str) -> list[Message]:
    return [
        Message("system", "You are an expert Python programmer. Answer with code only."),
        Message("user", f"Write a Python function named {function}; its name says what it does."),
    ]


async def test_concurrent_calls_of_different_prompts_each_get_their_own_answer(real_model_path: Path) -> None:
    """Answered side by side, each call gets the answer it gets alone, or one that parts from
    it only after a common start (batched float sums may differ, see docs/local-model.md)."""
    provider = LocalProvider(LlamaEngine(real_model_path, default_threads(), parallel=4))
    try:
        alone = [(await provider.complete(ask(f), GREEDY))[0] for f in FUNCTIONS]
        together = await asyncio.gather(*(provider.complete(ask(f), GREEDY) for f in FUNCTIONS))
    finally:
        await provider.aclose()

    for function, own, (text, usage) in zip(FUNCTIONS, alone, together, strict=True):
        assert f"def {function}" in text
        assert len(os.path.commonprefix([own, text])) >= len(f"```python\ndef {function}(")
        assert usage is not None and 1 <= usage.completion_tokens <= 24


def test_n_samples_share_one_prompt_evaluation(real_model_path: Path) -> None:
    engine = LlamaEngine(real_model_path, default_threads(), parallel=4)
    fresh = LlamaEngine(real_model_path, default_threads(), parallel=4)
    samples = [ChatParams(model="local", max_tokens=16, temperature=1.0, seed=11 + i) for i in range(4)]
    try:
        prompt = engine.prompt_tokens(ask("fizz_buzz"))
        answers = engine.complete_many(ask("fizz_buzz"), samples)
        evaluated = engine.evaluated_prompt_tokens
        again = fresh.complete_many(ask("fizz_buzz"), samples)
    finally:
        engine.close()
        fresh.close()

    assert evaluated == len(prompt)  # once, not once per sample
    assert [usage.prompt_tokens for _, usage in answers] == [len(prompt), 0, 0, 0]
    assert all(1 <= usage.completion_tokens <= 16 for _, usage in answers)
    assert len({text for text, _ in answers}) > 1  # each sample its own seed
    # seeded: reproducible from the same cache state (float sums depend on the cache's layout)
    assert [text for text, _ in again] == [text for text, _ in answers]


def test_cancelling_one_call_leaves_the_others_running(real_model_path: Path) -> None:
    engine = LlamaEngine(real_model_path, default_threads(), parallel=4)
    long_answer = ChatParams(model="local", max_tokens=2000)
    count = [Message("user", "Write the numbers from 1 to 2000 in words, one per line.")]
    try:
        expected, _ = engine.complete(ask("is_prime"), GREEDY)
        cancelled = engine.submit(engine.prompt_tokens(count), [long_answer, long_answer])
        kept = engine.submit(engine.prompt_tokens(ask("is_prime")), [GREEDY])
        while engine.generated_tokens < 4:
            time.sleep(0.05)
        cancelled.cancelled.set()
        partial = cancelled.future.result(timeout=120)
        text, usage = usages(kept, kept.future.result(timeout=300))[0]
    finally:
        engine.close()

    assert all(answer.completion_tokens < 2000 for answer in partial)
    assert "def is_prime" in text and 1 <= usage.completion_tokens <= 24
    assert len(os.path.commonprefix([expected, text])) >= len("```python\ndef is_prime(")


def test_a_sequence_moved_into_a_freed_lane_goes_on_from_its_own_cache(real_model_path: Path) -> None:
    """When the first lane's answer ends, the running sequence behind it moves into that lane
    (a copy of its KV stream): its answer goes on as it would have without the move."""
    engine = LlamaEngine(real_model_path, default_threads(), parallel=2)
    lone = LlamaEngine(real_model_path, default_threads(), parallel=2)
    counting = [Message("user", "Write the numbers from 1 to 20, separated by commas, and nothing else.")]
    long_answer = ChatParams(model="local", max_tokens=120)
    try:
        short = engine.submit(engine.prompt_tokens(ask("is_prime")), [ChatParams(model="local", max_tokens=3)])
        moved = engine.submit(engine.prompt_tokens(counting), [long_answer])
        short.future.result(timeout=120)
        answer = moved.future.result(timeout=300)[0]
        expected = lone.complete(counting, long_answer)[0]
    finally:
        engine.close()
        lone.close()

    assert answer.completion_tokens > 3  # it went on after `short` ended and it moved
    assert answer.text == expected and answer.text.startswith("1, 2, 3")
