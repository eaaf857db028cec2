"""Prompt-lookup speculative decoding in the local engine (real default model, short answers
that copy their prompt): the same greedy answer as without it, drafts accepted, exact stops,
n samples and concurrent requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codesim.llm.base import ChatParams, Message
from codesim.llm.local_provider import default_threads
from codesim.models.llama_engine import LlamaEngine, usages
from codesim.models.prompt_lookup import LookupSettings

MEDIAN = """def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 0:
        return (ordered[middle - 1] + ordered[middle]) / 2
    return ordered[middle]
"""
TOTAL = """def total(prices, rate):
    result = 0
    for price in prices:
        result += price * (1 + rate)
    return round(result, 2)
"""
GREEDY = ChatParams(model="local", max_tokens=80)


def repeat(program: str, change: str) -> list[Message]:
    return [
        Message("system", "You are an expert Python programmer. Answer with code only."),
        Message("user", f"Repeat this program exactly, but {change}:\n\n```python\n{program}```"),
    ]


COPY_MEDIAN = repeat(MEDIAN, "rename the function to `middle_value`")
COPY_TOTAL = repeat(TOTAL, "rename the function to `total_price`")


@pytest.fixture(scope="module")
def engines(real_model_path: Path) -> Iterator[tuple[LlamaEngine, LlamaEngine]]:
    """The plain engine and one with prompt lookup on, asked the same things in the same order."""
    plain = LlamaEngine(real_model_path, default_threads(), parallel=4)
    lookup = LlamaEngine(real_model_path, default_threads(), parallel=4, prompt_lookup=LookupSettings())
    yield plain, lookup
    plain.close()
    lookup.close()


def test_greedy_answer_is_the_same_with_lookup_and_drafts_are_accepted(
    engines: tuple[LlamaEngine, LlamaEngine],
) -> None:
    plain, lookup = engines
    expected, expected_usage = plain.complete(COPY_MEDIAN, GREEDY)
    text, usage = lookup.complete(COPY_MEDIAN, GREEDY)

    assert "def middle_value(values):" in expected and "return ordered[middle]" in expected
    assert text == expected
    assert usage.completion_tokens == expected_usage.completion_tokens
    assert plain.drafted_tokens == 0
    assert 0 < lookup.accepted_draft_tokens <= lookup.drafted_tokens


def test_stop_string_and_max_tokens_end_the_answer_exactly_with_lookup(
    engines: tuple[LlamaEngine, LlamaEngine],
) -> None:
    plain, lookup = engines
    full, _ = plain.complete(COPY_MEDIAN, GREEDY)
    stop = ChatParams(model="local", max_tokens=80, stop=("% 2",))
    short = ChatParams(model="local", max_tokens=20)
    accepted = lookup.accepted_draft_tokens
    generated = lookup.generated_tokens

    stopped, stopped_usage = lookup.complete(COPY_MEDIAN, stop)
    cut, cut_usage = lookup.complete(COPY_MEDIAN, short)

    assert stopped == full[: full.index("% 2")]
    assert stopped_usage.completion_tokens == plain.complete(COPY_MEDIAN, stop)[1].completion_tokens
    assert cut == plain.complete(COPY_MEDIAN, short)[0]
    assert cut_usage.completion_tokens == 20
    assert lookup.generated_tokens - generated == stopped_usage.completion_tokens + 20
    assert lookup.accepted_draft_tokens > accepted  # drafts were used on these answers too


def test_n_samples_and_concurrent_requests_with_lookup(engines: tuple[LlamaEngine, LlamaEngine]) -> None:
    _, lookup = engines
    samples = [ChatParams(model="local", max_tokens=80, temperature=0.7, seed=5 + i) for i in range(3)]
    answers = lookup.complete_many(COPY_TOTAL, samples)
    requests = [lookup.submit(lookup.prompt_tokens(c), [GREEDY]) for c in (COPY_MEDIAN, COPY_TOTAL)]
    together = [usages(r, r.future.result(timeout=300))[0] for r in requests]

    assert len(answers) == 3
    assert all(1 <= usage.completion_tokens <= 80 and "def " in text for text, usage in answers)
    assert [usage.prompt_tokens > 0 for _, usage in answers] == [True, False, False]
    assert "def middle_value(values):" in together[0][0]
    assert "def total_price(prices, rate):" in together[1][0]
