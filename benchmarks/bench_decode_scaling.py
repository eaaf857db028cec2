"""What one `llama_decode` step costs as it carries more tokens, and as the KV cache holds more
cells of other sequences: the kernel-level bounds on batched generation (docs/local-model.md,
"Batched decoding").

Usage: python benchmarks/bench_decode_scaling.py [MODEL] [--threads T] [--steps S] [--sizes 1,2,4,...]
           [--context C] [--streams] [--no-flash-attention]
  MODEL    a pulled registry model (default qwen2.5-coder-0.5b) or a .gguf path
  context  prompt tokens each sequence reads (its own prompt) before the timed steps (default 32)
  streams  one KV stream per sequence (llama.cpp's kv_unified off) instead of one unified cache

For each size B, on one fresh context holding B + 1 sequences of `context` tokens each, two
kinds of step, each timed S times (median printed):
  generate  B sequences, one new token each, every one wanting logits: a decode step of B
            answers generated together (what batched sampling does)
  read      B tokens of one sequence, logits for the last only: a chunk of a prompt being read
Printed per size: ms per step, tokens/s, and the cost of a token relative to the first size's
(sizes start at 1: 1.00 = no saving from batching; 1/B = free riders).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

import llama_cpp
from llama_cpp._internals import LlamaModel

from codesim.models.resolver import resolve_model_file

CHUNK = 512  # prompt tokens per decode while filling the cache
FIRST_TOKEN = 1000  # token ids used: from here on, ordinary vocabulary entries
logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)  # llama.cpp's own log lines


def timed_steps(ctx: llama_cpp.llama_context_p, batch: llama_cpp.llama_batch, fill, steps: int) -> float:
    """The median seconds of `steps` decodes of the batch `fill(step)` sets up."""
    times = []
    for step in range(steps):
        fill(step)
        start = time.perf_counter()
        if llama_cpp.llama_decode(ctx, batch) != 0:
            raise RuntimeError("llama_decode failed")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def set_token(batch: llama_cpp.llama_batch, i: int, token: int, pos: int, seq: int, logits: bool) -> None:
    """Put `token` at slot `i` of the batch: position `pos` of sequence `seq`."""
    batch.token[i] = token
    batch.pos[i] = pos
    batch.n_seq_id[i] = 1
    batch.seq_id[i][0] = seq
    batch.logits[i] = logits


def read_prompt(ctx: llama_cpp.llama_context_p, batch: llama_cpp.llama_batch, seq: int, tokens: int) -> None:
    """Fill sequence `seq` with `tokens` prompt tokens of its own, in chunks of `CHUNK`."""
    for start in range(0, tokens, CHUNK):
        batch.n_tokens = min(CHUNK, tokens - start)
        for i in range(batch.n_tokens):
            set_token(batch, i, FIRST_TOKEN + 500 * seq + (start + i) % 500, start + i, seq, start + i == tokens - 1)
        if llama_cpp.llama_decode(ctx, batch) != 0:
            raise RuntimeError("llama_decode failed while reading a prompt")


def measure(model: LlamaModel, args: argparse.Namespace, size: int) -> tuple[float, float]:
    """(generate, read) median seconds per step for `size` tokens, on a fresh context whose
    `size` generating sequences each hold `args.context` tokens of their own prompt."""
    steps, context = args.steps, args.context
    per_sequence = context + steps * max(size, 1) + 16
    params = llama_cpp.llama_context_default_params()
    params.n_ctx = per_sequence * (size + 1)
    params.n_batch = params.n_ubatch = max(CHUNK, size)
    params.n_seq_max = size + 1
    params.kv_unified = not args.streams
    params.n_threads = params.n_threads_batch = args.threads
    params.flash_attn_type = (
        llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED if args.no_flash_attention else llama_cpp.LLAMA_FLASH_ATTN_TYPE_AUTO
    )
    ctx = llama_cpp.llama_init_from_model(model.model, params)
    batch = llama_cpp.llama_batch_init(max(CHUNK, size), 0, size + 1)
    try:
        for seq in range(size + 1):
            read_prompt(ctx, batch, seq, context)

        def generate(step: int) -> None:
            batch.n_tokens = size
            for i in range(size):
                set_token(batch, i, FIRST_TOKEN + i, context + step, i + 1, True)

        generate_s = timed_steps(ctx, batch, generate, steps)

        def read(step: int) -> None:
            batch.n_tokens = size
            for i in range(size):
                set_token(batch, i, FIRST_TOKEN + 100 + i, context + step * size + i, 0, i == size - 1)

        read_s = timed_steps(ctx, batch, read, steps)
    finally:
        llama_cpp.llama_batch_free(batch)
        llama_cpp.llama_free(ctx)
    return generate_s, read_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default="qwen2.5-coder-0.5b")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--sizes", default="1,2,4,8,16,32,64,128")
    parser.add_argument("--context", type=int, default=32, help="prompt tokens each sequence holds")
    parser.add_argument("--streams", action="store_true", help="one KV stream per sequence (kv_unified off)")
    parser.add_argument("--no-flash-attention", action="store_true")
    args = parser.parse_args()
    path = resolve_model_file(args.model, None)
    llama_cpp.llama_backend_init()
    model = LlamaModel(path_model=str(path), params=llama_cpp.llama_model_default_params(), verbose=False)
    sizes = [int(s) for s in args.sizes.split(",")]
    cache = "one stream per sequence" if args.streams else "unified"
    attention = "off" if args.no_flash_attention else "auto"
    print(
        f"{path.name}, {args.threads} threads, median of {args.steps} steps per row, each sequence holding "
        f"{args.context} prompt tokens, KV cache {cache}, flash attention {attention}"
    )
    print(
        "| tokens per step | generate ms/step | tok/s | per token vs first "
        "| read ms/step | tok/s | per token vs first |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    base: tuple[float, float] | None = None
    for size in sizes:
        generate_s, read_s = measure(model, args, size)
        base = base or (generate_s, read_s)
        print(
            f"| {size} | {generate_s * 1e3:.1f} | {size / generate_s:.1f} | {generate_s / size / base[0]:.2f} "
            f"| {read_s * 1e3:.1f} | {size / read_s:.1f} | {read_s / size / base[1]:.2f} |"
        )
    model.close()


if __name__ == "__main__":
    main()
