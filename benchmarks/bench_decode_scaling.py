"""What one `llama_decode` step costs as it carries more tokens: the kernel-level bound on
batched generation (docs/local-model.md, "Batched decoding").

Usage: python benchmarks/bench_decode_scaling.py [MODEL] [--threads T] [--steps S] [--sizes 1,2,4,...]
  MODEL   a pulled registry model (default qwen2.5-coder-0.5b) or a .gguf path

For each size B, two kinds of step, each timed S times on one fresh context (median printed):
  generate  B sequences, one new token each, every one wanting logits: a decode step of B
            answers generated together (what batched sampling does)
  read      B tokens of one sequence, logits for the last only: a chunk of a prompt being read
The sequences of `generate` start from a short shared prompt copied to each (as n samples do),
so attention is over a few dozen cells and the step measures the weight matrices. Printed per
size: ms per step, tokens/s, and the cost of a token relative to the first size's (sizes start at 1: 1.00 = no
saving from batching; 1/B = free riders).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

import llama_cpp
from llama_cpp._internals import LlamaModel

from codesim.models.resolver import resolve_model_file

PROMPT_TOKENS = 32
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


def measure(model: LlamaModel, threads: int, size: int, steps: int) -> tuple[float, float]:
    """(generate, read) median seconds per step for `size` tokens, on a fresh context."""
    params = llama_cpp.llama_context_default_params()
    params.n_ctx = max(4096, size * (steps + 2) + PROMPT_TOKENS * 2)
    params.n_batch = params.n_ubatch = max(512, size)
    params.n_seq_max = size + 1
    params.kv_unified = True
    params.n_threads = params.n_threads_batch = threads
    params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_AUTO
    ctx = llama_cpp.llama_init_from_model(model.model, params)
    batch = llama_cpp.llama_batch_init(max(512, size), 0, size + 1)
    token = model.token_bos() if model.token_bos() >= 0 else 0
    try:
        batch.n_tokens = PROMPT_TOKENS
        for i in range(PROMPT_TOKENS):
            set_token(batch, i, token + i, i, 0, i == PROMPT_TOKENS - 1)
        llama_cpp.llama_decode(ctx, batch)
        memory = llama_cpp.llama_get_memory(ctx)
        for seq in range(1, size + 1):
            llama_cpp.llama_memory_seq_cp(memory, 0, seq, -1, -1)

        def generate(step: int) -> None:
            batch.n_tokens = size
            for i in range(size):
                set_token(batch, i, token + 100 + i, PROMPT_TOKENS + step, i + 1, True)

        generate_s = timed_steps(ctx, batch, generate, steps)

        def read(step: int) -> None:
            batch.n_tokens = size
            for i in range(size):
                set_token(batch, i, token + 200 + i, PROMPT_TOKENS + step * size + i, 0, i == size - 1)

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
    args = parser.parse_args()
    path = resolve_model_file(args.model, None)
    llama_cpp.llama_backend_init()
    model = LlamaModel(path_model=str(path), params=llama_cpp.llama_model_default_params(), verbose=False)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{path.name}, {args.threads} threads, median of {args.steps} steps per row")
    print(
        "| tokens per step | generate ms/step | tok/s | per token vs first "
        "| read ms/step | tok/s | per token vs first |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    base: tuple[float, float] | None = None
    for size in sizes:
        generate_s, read_s = measure(model, args.threads, size, args.steps)
        base = base or (generate_s, read_s)
        print(
            f"| {size} | {generate_s * 1e3:.1f} | {size / generate_s:.1f} | {generate_s / size / base[0]:.2f} "
            f"| {read_s * 1e3:.1f} | {size / read_s:.1f} | {read_s / size / base[1]:.2f} |"
        )
    model.close()


if __name__ == "__main__":
    main()
