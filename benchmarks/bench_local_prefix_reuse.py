"""How much prompt time the local provider's prefix reuse saves (prints seconds per call).

Usage: python benchmarks/bench_local_prefix_reuse.py [MODEL]   (a pulled model, default 0.5B)
Each call answers one token, so its time is prompt processing. Compare within a column:
"last-call reuse only" keeps one sequence (the next call trims it to the shared prefix);
"idle sequences" keeps the provider's default number of finished sequences in the KV cache.
"""

import sys
import time

from codesim.llm.base import ChatParams, Message
from codesim.llm.local_provider import DEFAULT_PARALLEL, default_threads
from codesim.models.llama_engine import LlamaEngine
from codesim.models.registry import DEFAULT_MODEL, known_model
from codesim.models.resolver import pulled_model_file

SYSTEM = Message("system", "You are an expert competitive programmer.")


def statement(tag: str) -> str:
    """About 1.5k tokens of problem statement, different for each tag."""
    return "\n".join(
        f"Line {i} of problem {tag}: given an array of {i * 7 % 97} integers, the value at index {i} "
        f"must be compared with its neighbours and summed modulo {1000 + i}."
        for i in range(40)
    )


def statement_first(tag: str, stage: str) -> list[Message]:
    return [SYSTEM, Message("user", f"## Problem\n{statement(tag)}\n\n## Task\n{stage}")]


def instructions_first(tag: str, stage: str) -> list[Message]:
    return [SYSTEM, Message("user", f"## Task\n{stage}\n\n## Problem\n{statement(tag)}")]


CALLS = [
    ("task A, first call (cold)", statement_first("A", "Write a step-by-step plan.")),
    ("task A, next stage, statement first", statement_first("A", "Simulate the plan on the sample input.")),
    ("task B, first call (cold)", statement_first("B", "Write a step-by-step plan.")),
    ("task A again, after task B", statement_first("A", "Write the Python code.")),
    ("instructions first, stage 1", instructions_first("A", "Write the Python code now.")),
    ("instructions first, stage 2", instructions_first("A", "Simulate the plan on the sample.")),
]


def timings(path, idle_sequences: int) -> list[float]:
    engine = LlamaEngine(path, default_threads(), parallel=1, idle_sequences=idle_sequences)
    params = ChatParams(model="bench", max_tokens=1)
    engine.complete([Message("user", "hi")], params)  # load and warm up
    seconds = []
    for _, messages in CALLS:
        started = time.perf_counter()
        engine.complete(messages, params)
        seconds.append(time.perf_counter() - started)
    engine.close()
    return seconds


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MODEL
    path = pulled_model_file(known_model(name))
    print(f"model {name}, {default_threads()} threads")
    plain, stored = timings(path, 0), timings(path, DEFAULT_PARALLEL)
    print(f"{'call':40s} {'last-call reuse only':>22s} {'idle sequences':>18s} {'ratio':>7s}")
    for (label, _), a, b in zip(CALLS, plain, stored, strict=True):
        print(f"{label:40s} {a:20.2f} s {b:16.2f} s {a / b:6.1f}x")


if __name__ == "__main__":
    main()
