"""Generation throughput of the local engine with 1, 2, 4 and 8 sequences decoded together,
beside the single-sequence path it replaced, side by side in one run.

Usage: python benchmarks/bench_local_batching.py [MODEL] [--tokens N] [--threads T] [--rounds R]
  MODEL    a pulled registry model (default qwen2.5-coder-0.5b) or a .gguf path
  rounds   how often to run each path (alternately, so a busy spell on shared cores hits both);
           the best tokens/s of each row is printed

Paths, each in its own subprocess (peak RSS is the child's):
  single   `llama_cpp.Llama.create_completion`, one sequence (the engine before batching: its
           aggregate rate is the same for any number of sequences run one after another)
  batched  `codesim.models.llama_engine.LlamaEngine.complete_many`: n samples of one prompt,
           one prompt evaluation copied to every sequence, one llama_batch per step
Both answer the same ~600-token prompt at temperature 0.7 with up to `--tokens` tokens per
sequence (an answer may end earlier at end-of-generation; the tokens actually generated are
counted). Generation time excludes the prompt: the batched path's prompt is cached by a
previous one-token call, the single path's prompt time is measured by a one-token call and
subtracted. Also printed: prompt tokens/s (cold), peak RSS, and greedy identity: 8 different
prompts answered at temperature 0 together vs one at a time by the batched engine, and vs the
single path.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

SEQUENCES = (1, 2, 4, 8)
PATHS = ("single", "batched")
THREADS_DEFAULT = 2
IDENTITY_TOKENS = 48

PROGRAM = "\n".join(
    f"    if values[{i}] % {i + 2} == 0:\n        total += values[{i}] * {i + 3}  # weight of column {i}"
    for i in range(22)
)
SYSTEM = "You are an expert Python programmer. Answer with code only."
TASK = (
    "The function below sums weighted columns of a row of integers, but it is slow and "
    "hard to read. Rewrite it as a loop over a table of (divisor, weight) pairs, keep the "
    "behaviour identical, and add a docstring and type hints.\n\n"
    f"```python\ndef weighted_total(values: list[int]) -> int:\n    total = 0\n{PROGRAM}\n"
    "    return total\n```"
)
SHORT_TASKS = [
    "Write a Python function that reverses a string.",
    "Write a Python function that returns the n-th Fibonacci number.",
    "Write a Python function that checks whether a number is prime.",
    "Write a Python function that counts the vowels in a string.",
    "Write a Python function that merges two sorted lists.",
    "Write a Python function that flattens a nested list.",
    "Write a Python function that returns the greatest common divisor of two integers.",
    "Write a Python function that checks whether a string is a palindrome.",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def messages(task: str) -> list:
    from codesim.llm.base import Message

    return [Message("system", SYSTEM), Message("user", task)]


def run_single(model: Path, tokens: int, threads: int) -> dict:
    from llama_cpp import Llama

    from codesim.models.llama_engine import LlamaEngine

    prompts = LlamaEngine(model, threads, parallel=1, kv_tokens=1024)  # the chat template only
    prompt = prompts.prompt_tokens(messages(TASK))
    short = [prompts.prompt_tokens(messages(task)) for task in SHORT_TASKS]
    prompts.close()
    llama = Llama(model_path=str(model), n_ctx=4096, n_threads=threads, n_threads_batch=threads, verbose=False)
    llama.create_completion(prompt=[prompt[0]], max_tokens=1)  # warm-up
    llama.reset()
    began = time.perf_counter()
    llama.create_completion(prompt=prompt, max_tokens=1, temperature=0.0)
    prompt_s = time.perf_counter() - began
    llama.reset()
    began = time.perf_counter()
    result = llama.create_completion(prompt=prompt, max_tokens=tokens, temperature=0.7, seed=1)
    wall = time.perf_counter() - began
    generated = result["usage"]["completion_tokens"]  # type: ignore[index]
    greedy = [
        llama.create_completion(prompt=p, max_tokens=IDENTITY_TOKENS, temperature=0.0)["choices"][0]["text"]  # type: ignore[index]
        for p in short
    ]
    row = {"n": 1, "generated": generated, "gen_s": wall - prompt_s, "gen_tok_s": generated / (wall - prompt_s)}
    return {
        "rows": [row],
        "prompt_tokens": len(prompt),
        "prompt_tok_s": len(prompt) / prompt_s,
        "greedy": greedy,
        "rss_mb": peak_rss_mb(),
    }


def run_batched(model: Path, tokens: int, threads: int) -> dict:
    from codesim.llm.base import ChatParams
    from codesim.models.llama_engine import LlamaEngine

    engine = LlamaEngine(model, threads, parallel=max(SEQUENCES))
    task = messages(TASK)
    engine.complete(messages("hi"), ChatParams(model="bench", max_tokens=1))  # load and warm up
    began = time.perf_counter()
    engine.complete(task, ChatParams(model="bench", max_tokens=1))  # reads the prompt, then keeps it cached
    prompt_s = time.perf_counter() - began
    prompt_tokens = len(engine.prompt_tokens(task))
    rows = []
    for n in SEQUENCES:
        samples = [ChatParams(model="bench", max_tokens=tokens, temperature=0.7, seed=1 + i) for i in range(n)]
        began = time.perf_counter()
        answers = engine.complete_many(task, samples)
        gen_s = time.perf_counter() - began
        generated = sum(usage.completion_tokens for _, usage in answers)
        rows.append({"n": n, "generated": generated, "gen_s": gen_s, "gen_tok_s": generated / gen_s})
        print(f"batched: {rows[-1]}", file=sys.stderr, flush=True)
    rss = peak_rss_mb()
    greedy = ChatParams(model="bench", max_tokens=IDENTITY_TOKENS)
    alone = [engine.complete(messages(t), greedy)[0] for t in SHORT_TASKS]
    together = _together(engine, [messages(t) for t in SHORT_TASKS], greedy)
    engine.close()
    return {
        "rows": rows,
        "prompt_tokens": prompt_tokens,
        "prompt_tok_s": prompt_tokens / prompt_s,
        "greedy": alone,
        "together": together,
        "rss_mb": rss,
    }


def _together(engine, conversations: list, params) -> list[str]:
    """Every conversation submitted at once, so they are decoded in the same steps."""
    from codesim.models.llama_engine import usages

    requests = [engine.submit(engine.prompt_tokens(c), [params]) for c in conversations]
    return [usages(r, r.future.result())[0][0] for r in requests]


RUNNERS = {"single": run_single, "batched": run_batched}


def model_path(name: str) -> Path:
    if name.endswith(".gguf"):
        return Path(name)
    from codesim.models.registry import known_model
    from codesim.models.resolver import pulled_model_file

    return pulled_model_file(known_model(name))


def measure(path_name: str, model: Path, tokens: int, threads: int) -> dict:
    options = ["--tokens", str(tokens), "--threads", str(threads)]
    command = [sys.executable, __file__, "--child", path_name, str(model), *options]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)  # progress on stderr
    if done.returncode != 0:
        raise SystemExit(f"{path_name} failed with exit status {done.returncode}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    rows = ", ".join(f"{row['n']}: {row['gen_tok_s']:.1f}" for row in result["rows"])
    prompt = f"prompt {result['prompt_tok_s']:.0f} tok/s"
    print(f"{path_name}: generated tok/s by sequences {{{rows}}}, {prompt}", file=sys.stderr)
    return result


def best_of(previous: dict | None, result: dict) -> dict:
    if previous is not None:
        pairs = zip(previous["rows"], result["rows"], strict=True)
        result["rows"] = [max(pair, key=lambda row: row["gen_tok_s"]) for pair in pairs]
        result["prompt_tok_s"] = max(previous["prompt_tok_s"], result["prompt_tok_s"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default="qwen2.5-coder-0.5b")
    parser.add_argument("--tokens", type=int, default=300)
    parser.add_argument("--threads", type=int, default=THREADS_DEFAULT)
    parser.add_argument("--rounds", type=int, default=1, help="run the paths alternately this often; keep each best")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(RUNNERS[args.child](Path(args.model), args.tokens, args.threads)))
        return
    model = model_path(args.model)
    results: dict[str, dict] = {}
    for _ in range(args.rounds):
        for name in PATHS:
            results[name] = best_of(results.get(name), measure(name, model, args.tokens, args.threads))
    single, batched = results["single"], results["batched"]
    base = single["rows"][0]["gen_tok_s"]
    one = batched["rows"][0]["gen_tok_s"]
    print(f"model {model.name}, {args.threads} threads, up to {args.tokens} tokens per sequence, best of {args.rounds}")
    print(f"single path (Llama.create_completion): {base:.1f} generated tok/s")
    print(f"{'sequences':>9} | {'generated':>9} | {'batched tok/s':>13} | {'x batched 1':>11} | {'x single path':>13}")
    for row in batched["rows"]:
        rate = row["gen_tok_s"]
        print(f"{row['n']:>9} | {row['generated']:>9} | {rate:>13.1f} | {rate / one:>10.2f}x | {rate / base:>12.2f}x")
    for name in PATHS:
        result = results[name]
        print(
            f"{name}: prompt {result['prompt_tokens']} tokens at {result['prompt_tok_s']:.0f} tok/s (cold), "
            f"peak RSS {result['rss_mb']:.0f} MB"
        )
    n = len(SHORT_TASKS)
    same_alone = sum(a == b for a, b in zip(batched["greedy"], single["greedy"], strict=True))
    same_together = sum(a == b for a, b in zip(batched["together"], batched["greedy"], strict=True))
    print(f"greedy, {n} prompts x {IDENTITY_TOKENS} tokens: batched engine alone = single path on {same_alone}/{n}; ")
    print(f"  decoded together = alone on {same_together}/{n}")


if __name__ == "__main__":
    main()
