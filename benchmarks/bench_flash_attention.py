"""The local engine with flash attention off and on, side by side, when the KV cache holds
several long prompts (as in a `--concurrency 8` run of a multi-stage strategy).

Usage: python benchmarks/bench_flash_attention.py [MODEL] [--rounds R] [--threads T] [--tokens N]

Each measurement is a fresh engine (8 parallel sequences, the provider's default) that answers
8 different prompts of ~1,700 tokens together, greedy, up to `--tokens` tokens each:
  read    the 8 prompts evaluated and answered together (prompt chunks attend over every cell
          in use): seconds, and prompt + generated tokens per second
  decode  the same 8 prompts again: their cached sequences are reused, so this is generation
          beside ~15k cached cells: generated tokens per second (the prompt tokens the engine
          evaluated again in this pass are printed: 0 when every prefix was reused)
Off and on alternate within each round (a busy spell on shared cores hits both); the best of
the rounds is printed, with how many of the 8 `decode` answers are the same text off and on.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench_prompt_lookup import model_path

from codesim.llm.base import ChatParams, Message
from codesim.models.llama_engine import LlamaEngine

SEQUENCES = 8
HELPERS = 60  # helper functions per prompt: ~1,700 tokens


@dataclass(frozen=True)
class Measure:
    read_seconds: float
    read_tok_s: float
    decode_tok_s: float
    decode_prompt_tokens: int  # prompt tokens evaluated again in the decode pass (0 = all reused)
    answers: tuple[str, ...]


def prompt(module: int) -> list[Message]:
    body = "\n".join(
        f"def f{module}_{k}(x):\n    return x * {k} + {module}  # helper {k} of module {module}" for k in range(HELPERS)
    )
    task = f"Module {module}:\n```python\n{body}\n```\nExplain what f{module}_3 does, then write a similar function."
    return [Message("user", task)]


def answer_all(engine: LlamaEngine, tokens: int) -> tuple[float, list[str]]:
    """Seconds to answer the 8 prompts side by side, and the answers."""
    params = ChatParams(model="bench", temperature=0.0, max_tokens=tokens)
    began = time.perf_counter()
    with ThreadPoolExecutor(SEQUENCES) as pool:
        answers = list(pool.map(lambda i: engine.complete(prompt(i), params)[0], range(SEQUENCES)))
    return time.perf_counter() - began, answers


def measure(model: Path, threads: int, flash_attention: bool, tokens: int) -> Measure:
    engine = LlamaEngine(model, threads, parallel=SEQUENCES, flash_attention=flash_attention)
    try:
        read_seconds, _ = answer_all(engine, tokens)
        read_tokens = engine.evaluated_prompt_tokens + engine.generated_tokens
        generated, evaluated = engine.generated_tokens, engine.evaluated_prompt_tokens
        decode_seconds, answers = answer_all(engine, tokens)
        return Measure(
            read_seconds,
            read_tokens / read_seconds,
            (engine.generated_tokens - generated) / decode_seconds,
            engine.evaluated_prompt_tokens - evaluated,
            tuple(answers),
        )
    finally:
        engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default="qwen2.5-coder-0.5b")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=150, help="max tokens per answer")
    args = parser.parse_args()
    model = model_path(args.model)
    print(f"model {model.name}, {args.threads} threads, {SEQUENCES} prompts side by side, greedy", flush=True)
    best: dict[bool, Measure] = {}
    for number in range(1, args.rounds + 1):
        for flash in (False, True) if number % 2 else (True, False):
            got = measure(model, args.threads, flash, args.tokens)
            print(
                f"round {number} flash {'on ' if flash else 'off'}: read {got.read_seconds:.1f} s "
                f"({got.read_tok_s:.1f} tok/s), decode {got.decode_tok_s:.1f} tok/s "
                f"({got.decode_prompt_tokens} prompt tokens evaluated again)",
                flush=True,
            )
            if flash not in best or got.read_seconds < best[flash].read_seconds:
                best[flash] = got
    off, on = best[False], best[True]
    same = sum(a == b for a, b in zip(off.answers, on.answers, strict=True))
    print(f"best of {args.rounds} rounds (by read time):")
    for name, off_rate, on_rate in (
        ("read", off.read_tok_s, on.read_tok_s),
        ("decode", off.decode_tok_s, on.decode_tok_s),
    ):
        print(f"{name + ':':7} off {off_rate:.1f} tok/s, on {on_rate:.1f} tok/s ({on_rate / off_rate:.2f}x)")
    print(f"decode answers the same off and on: {same}/{SEQUENCES}")


if __name__ == "__main__":
    main()
