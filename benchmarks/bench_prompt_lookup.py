"""Prompt-lookup speculative decoding: the local engine's greedy generation speed with lookup
off and on, side by side in one run.

Usage: python benchmarks/bench_prompt_lookup.py [MODEL] [--rounds R] [--threads T]
           [--min-match M] [--first-draft D] [--max-draft D] [--tie-margin X]
  MODEL    a pulled registry model (default qwen2.5-coder-0.5b) or a .gguf path

Two prompts, answered at temperature 0:
  debugging  a ~40-line program with a bug, its failing test and the cause; the answer repeats the program
             with the fix (it copies its prompt, as CodeSIM's debugging answers do)
  planning   a plan in prose for a new problem (it copies little)
Each round measures every prompt with lookup off and on, alternately (off first in odd rounds,
on first in even ones), each on a freshly loaded engine: a greedy answer depends on what the KV
cache holds (see docs/local-model.md), so both start from the same state. A one-token call
first reads the prompt into the cache, so the timed call is generation. Printed per round and
as the best of the rounds: generated tokens/s, the ratio off -> on, the acceptance rate (draft
tokens accepted / drafted) and whether the two token sequences are identical (else where they
first differ).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from codesim.llm.base import ChatParams, Message
from codesim.models.kv_slots import common_prefix_length
from codesim.models.llama_engine import LlamaEngine
from codesim.models.prompt_lookup import LookupSettings

THREADS_DEFAULT = 2
SYSTEM = "You are an expert Python programmer."
BUGGY = """from dataclasses import dataclass


@dataclass
class Item:
    name: str
    price: float
    quantity: int


def parse_line(line: str) -> Item:
    name, price, quantity = line.split(",")
    return Item(name.strip(), float(price), int(quantity))


def load_items(text: str) -> list[Item]:
    items = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        items.append(parse_line(line))
    return items


def total_value(items: list[Item]) -> float:
    return sum(item.price + item.quantity for item in items)


def most_valuable(items: list[Item], count: int) -> list[str]:
    ranked = sorted(items, key=lambda item: item.price * item.quantity, reverse=True)
    return [item.name for item in ranked[:count]]


def report(text: str, count: int = 3) -> str:
    items = load_items(text)
    lines = [f"items: {len(items)}", f"total: {total_value(items):.2f}"]
    for rank, name in enumerate(most_valuable(items, count), start=1):
        lines.append(f"{rank}. {name}")
    return "\\n".join(lines)
"""
DEBUGGING = (
    f"```python\n{BUGGY}```\n\nThis program fails the test `assert total_value(load_items('a, 2.0, 3')) == 6.0`: "
    "it returns 5.0, because `total_value` adds each item's price and quantity instead of multiplying them. "
    "Write the whole corrected program."
)
PLANNING = (
    "Write a step-by-step plan, in prose and without code, for this problem: given a list of "
    "meeting time intervals [start, end), find the minimum number of rooms needed so that no two "
    "meetings in the same room overlap. Explain the algorithm, its edge cases and its complexity."
)
PROMPTS = {"debugging": (DEBUGGING, 700), "planning": (PLANNING, 300)}  # prompt, max_tokens


@dataclass
class Measure:
    tokens: tuple[int, ...]
    tok_s: float
    drafted: int
    accepted: int


def messages(task: str) -> list[Message]:
    return [Message("system", SYSTEM), Message("user", task)]


def measure(model: Path, threads: int, lookup: LookupSettings | None, task: str, max_tokens: int) -> Measure:
    """One greedy answer to `task` by a fresh engine, its prompt read beforehand by a one-token call."""
    engine = LlamaEngine(model, threads, parallel=1, prompt_lookup=lookup)
    try:
        prompt = engine.prompt_tokens(messages(task))
        engine.submit(prompt, [ChatParams(model="bench", max_tokens=1)]).future.result()
        began = time.perf_counter()
        answer = engine.submit(prompt, [ChatParams(model="bench", max_tokens=max_tokens)]).future.result()[0]
        seconds = time.perf_counter() - began
        return Measure(answer.tokens, len(answer.tokens) / seconds, engine.drafted_tokens, engine.accepted_draft_tokens)
    finally:
        engine.close()


def acceptance(measure: Measure) -> str:
    if not measure.drafted:
        return "-"
    return f"{measure.accepted}/{measure.drafted} = {measure.accepted / measure.drafted:.0%}"


def sameness(off: Measure, on: Measure) -> str:
    if off.tokens == on.tokens:
        return "identical"
    return f"differ from token {common_prefix_length(off.tokens, on.tokens)}"


def model_path(name: str) -> Path:
    if name.endswith(".gguf"):
        return Path(name)
    from codesim.models.registry import known_model
    from codesim.models.resolver import pulled_model_file

    return pulled_model_file(known_model(name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default="qwen2.5-coder-0.5b")
    parser.add_argument("--rounds", type=int, default=1, help="measure off and on alternately this often")
    parser.add_argument("--threads", type=int, default=THREADS_DEFAULT)
    parser.add_argument("--min-match", type=int, default=LookupSettings.min_match)
    parser.add_argument("--first-draft", type=int, default=LookupSettings.first_draft)
    parser.add_argument("--max-draft", type=int, default=LookupSettings.max_draft)
    parser.add_argument("--tie-margin", type=float, default=LookupSettings.tie_margin)
    args = parser.parse_args()
    settings = LookupSettings(args.min_match, args.first_draft, args.max_draft, args.tie_margin)
    model = model_path(args.model)
    modes = {"off": None, "on": settings}
    print(f"model {model.name}, {args.threads} threads, greedy, {settings}", flush=True)
    best: dict[tuple[str, str], Measure] = {}
    identical: dict[str, list[bool]] = {name: [] for name in PROMPTS}
    for number in range(1, args.rounds + 1):
        order = ("off", "on") if number % 2 else ("on", "off")
        for name, (task, max_tokens) in PROMPTS.items():
            got = {mode: measure(model, args.threads, modes[mode], task, max_tokens) for mode in order}
            off, on = got["off"], got["on"]
            identical[name].append(off.tokens == on.tokens)
            print(
                f"round {number} {name}: {len(off.tokens)}/{len(on.tokens)} tokens, off {off.tok_s:.1f} tok/s, "
                f"on {on.tok_s:.1f} tok/s ({on.tok_s / off.tok_s:.2f}x), accepted {acceptance(on)}, "
                f"{sameness(off, on)}",
                flush=True,
            )
            for mode, result in got.items():
                if (name, mode) not in best or result.tok_s > best[name, mode].tok_s:
                    best[name, mode] = result
    print(f"best of {args.rounds} rounds:")
    print(f"{'prompt':>9} | {'tokens':>6} | {'off tok/s':>9} | {'on tok/s':>8} | {'off->on':>7} | accepted | identical")
    for name in PROMPTS:
        off, on = best[name, "off"], best[name, "on"]
        same = f"{sum(identical[name])}/{len(identical[name])} rounds"
        print(
            f"{name:>9} | {len(off.tokens):>6} | {off.tok_s:>9.1f} | {on.tok_s:>8.1f} | {on.tok_s / off.tok_s:>6.2f}x "
            f"| {acceptance(on)} | {same}"
        )


if __name__ == "__main__":
    main()
