"""How close `codesim run` gets to the ideal wall time when the model is slow and the harness
must keep many calls in flight.

    .venv/bin/python benchmarks/orchestration.py [--latency 0.2] [--levels 1,8,32,64] [--limit N]

A local fake OpenAI-compatible server answers every call after `--latency` seconds with
scripted CodeSIM-shaped answers (a plan; a simulation ending in the VERDICT line; code). By
the task's number n in HumanEval (all 164 tasks unless --limit):
  n % 10 in 0..5  the first code is the canonical solution            (3 calls)
  n % 10 in 6, 7  the first code is wrong; two debugging rounds fix it (5 calls)
  n % 10 == 8     the simulation says PLAN NEEDS CHANGES; refined plan (4 calls)
  n % 10 == 9     plan 1 never works (5 debugging rounds), plan 2 does (11 calls)
so the visible tests run in the sandbox between calls, and hidden tests after each task.

Each level runs `codesim run --strategy codesim --no-cache` (or, with --cache, with an empty
response cache) in a fresh subprocess with a fresh $CODESIM_HOME. Printed per level: wall time
of the run (inside the process, from the CLI's `main` to its return; the interpreter start and
import are shown apart), the ideal wall time (sum over tasks of llm_calls x latency, divided by
the concurrency, or the longest task if longer; call counts read from results.jsonl), their
ratio, the in-order wall time (those tasks started in dataset order on `concurrency` slots with
no harness overhead: what any harness that cannot know task lengths in advance gets, tail
included) and the ratio to it, the fake server's peak of requests in flight, and the harness's
own CPU time (the `codesim run` process, all its threads; the sandbox children apart) per LLM
call.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codesim.testing.fake_llm import FakeLLMServer, FakeReply, FakeRequest

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "humaneval" / "HumanEval.jsonl"

# Runs the real CLI in a child process and reports its own wall and CPU times.
_CHILD = """
import json, resource, sys, time
started_cpu = resource.getrusage(resource.RUSAGE_SELF)
from codesim.cli import main
ready = time.monotonic(); ready_cpu = resource.getrusage(resource.RUSAGE_SELF)
code = main(sys.argv[2:])
wall = time.monotonic() - ready
own = resource.getrusage(resource.RUSAGE_SELF); kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = lambda r: r.ru_utime + r.ru_stime
json.dump({"exit": code, "wall_s": wall, "cpu_s": cpu(own) - cpu(ready_cpu), "import_cpu_s": cpu(ready_cpu),
           "children_cpu_s": cpu(kids)}, open(sys.argv[1], "w"))
sys.exit(code)
"""

_ATTEMPT = re.compile(r"# attempt (\d+)")


class CodeSimScript:
    """Scripted CodeSIM answers for the HumanEval rows (see the module docstring)."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = list(enumerate(rows))

    def _task(self, text: str) -> tuple[int, dict]:
        # Every prompt starts with the task's statement (its HumanEval prompt, stripped).
        found = [(n, row) for n, row in self.rows if row["prompt"].strip() in text]
        return max(found, key=lambda item: len(item[1]["prompt"]))

    @staticmethod
    def _wrong(row: dict, attempt: int) -> str:
        return f"```python\ndef {row['entry_point']}(*args):\n    return None  # attempt {attempt}\n```\n"

    @staticmethod
    def _right(row: dict) -> str:
        return f"```python\n{row['prompt']}{row['canonical_solution']}```\n"

    def __call__(self, request: FakeRequest) -> FakeReply:
        text = request.last_user_text
        n, row = self._task(text)
        kind = n % 10
        if "# Your task: plan a solution" in text:
            approach = "second approach" if "# Attempts that already failed" in text else "first approach"
            return FakeReply(
                "## Understanding\nThe function maps the input to the output.\n"
                "## Related problem\nA similar problem, solved by a loop.\n"
                "## Algorithm\nA simple pass over the input.\n"
                f"## Plan\n1. Read the input ({approach}).\n2. Compute the answer.\n3. Return it.\n"
            )
        if "# Your task: check the plan by simulating" in text:
            verdict = "PLAN NEEDS CHANGES" if kind == 8 else "PLAN IS CORRECT"
            return FakeReply(f"Step 1 gives the input, step 2 the answer.\nVERDICT: {verdict}\n")
        if "# Your task: correct the plan" in text:
            return FakeReply("## Plan\n1. Read the input.\n2. Handle the edge case.\n3. Return the answer.\n")
        if "# Your task: write the code" in text:
            wrong = kind in (6, 7) or (kind == 9 and "second approach" not in text)
            return FakeReply(self._wrong(row, 1) if wrong else self._right(row))
        if "# Your task: find the bug" in text:
            attempt = int(_ATTEMPT.findall(text)[-1]) + 1
            fixed = kind in (6, 7) and attempt >= 3
            return FakeReply("ERROR SOURCE: CODE\n" + (self._right(row) if fixed else self._wrong(row, attempt)))
        return FakeReply("I cannot help with that.")


def run_level(
    server: FakeLLMServer,
    data: Path,
    concurrency: int,
    limit: int | None,
    llm_concurrency: int | None,
    cache: bool,
    work: Path,
) -> dict:
    """One `codesim run` at `concurrency`; its timings, CPU and per-task call counts."""
    home, out, stats = work / f"home-{concurrency}", work / f"run-{concurrency}", work / f"stats-{concurrency}.json"
    argv = [
        "run", "--dataset", "humaneval", "--data-file", str(data), "--strategy", "codesim",
        "--provider", "openai", "--base-url", server.openai_base_url, "--model", "fake-coder",
        "--concurrency", str(concurrency), "--out", str(out),
    ] + (["--limit", str(limit)] if limit else []) + ([] if cache else ["--no-cache"])
    argv += ["--llm-concurrency", str(llm_concurrency)] if llm_concurrency else []
    env = {"CODESIM_HOME": str(home), "OPENAI_API_KEY": "fake", "PATH": "/usr/bin:/bin"}
    server.max_in_flight = 0
    started, server_cpu = time.monotonic(), time.process_time()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(stats), *argv], env=env, capture_output=True, text=True)
    process_wall, server_cpu = time.monotonic() - started, time.process_time() - server_cpu
    if done.returncode != 0:
        sys.exit(f"codesim run failed at concurrency {concurrency}:\n{done.stderr[-3000:]}")
    measured = json.loads(stats.read_text())
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    errors = [line for line in lines if line["status"] == "error"]
    if errors:
        sys.exit(f"{len(errors)} sample(s) failed at the provider, e.g. {errors[0]['error']}")
    return {
        **measured,
        "process_wall_s": process_wall,
        "server_cpu_s": server_cpu,
        "calls": [int(line["llm_calls"]) for line in sorted(lines, key=lambda line: _task_number(line["task_id"]))],
        "passed": sum(1 for line in lines if line["passed"]),
        "tasks": len(lines),
        "peak_in_flight": server.max_in_flight,
    }


def _task_number(task_id: str) -> int:
    return int(task_id.rsplit("/", 1)[1])


def ideal_wall(calls: list[int], latency: float, concurrency: int) -> float:
    """Sum of the tasks' sequential call latencies over the concurrency, or the longest task."""
    return max(sum(calls) * latency / concurrency, max(calls) * latency)


def in_order_wall(calls: list[int], latency: float, concurrency: int) -> float:
    """The wall time of a harness without any overhead that starts the tasks in dataset order
    (as `codesim run` does; their lengths are not known in advance) on `concurrency` slots."""
    free_at = [0.0] * concurrency
    for count in calls:
        heapq.heapreplace(free_at, free_at[0] + count * latency)
    return max(free_at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the fake server takes per call")
    parser.add_argument("--levels", default="1,8,32,64", help="concurrency levels (comma-separated)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N HumanEval tasks")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--cache", action="store_true", help="use the response cache (empty at start) instead of --no-cache"
    )
    parser.add_argument(
        "--llm-concurrency", type=int, default=None, help="pass --llm-concurrency N to codesim run (default: not given)"
    )
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"HumanEval data not found at {args.data}")
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    levels = [int(level) for level in args.levels.split(",")]
    tasks = args.limit or len(rows)
    print(f"fake server latency {args.latency * 1000:.0f} ms; {tasks} HumanEval tasks; strategy codesim")
    header = (
        f"{'conc':>5} {'calls':>6} {'passed':>7} {'wall s':>8} {'ideal s':>8} {'ratio':>6} {'in-order s':>11} "
        f"{'ratio':>6} {'peak':>5} "
        f"{'start s':>8} {'cpu ms/call':>12} {'cpu s: harness':>15} {'sandbox':>8} {'server':>7} {'load':>5}"
    )
    print(header)
    with tempfile.TemporaryDirectory(prefix="codesim-orch-") as tmp, FakeLLMServer(
        CodeSimScript(rows), latency_s=args.latency
    ) as server:
        for concurrency in levels:
            load = os.getloadavg()[0]
            result = run_level(server, args.data, concurrency, args.limit, args.llm_concurrency, args.cache, Path(tmp))
            ideal = ideal_wall(result["calls"], args.latency, concurrency)
            in_order = in_order_wall(result["calls"], args.latency, concurrency)
            calls = sum(result["calls"])
            print(
                f"{concurrency:>5} {calls:>6} {result['passed']:>3}/{result['tasks']:<3} {result['wall_s']:>8.2f} "
                f"{ideal:>8.2f} {result['wall_s'] / ideal:>6.2f} {in_order:>11.2f} {result['wall_s'] / in_order:>6.2f} "
                f"{result['peak_in_flight']:>5} "
                f"{result['process_wall_s'] - result['wall_s']:>8.2f} {1000 * result['cpu_s'] / calls:>12.2f} "
                f"{result['cpu_s']:>15.1f} {result['children_cpu_s']:>8.1f} {result['server_cpu_s']:>7.1f} "
                f"{load:>5.1f}",
                flush=True,
            )
    print(
        "ideal: max(sum of calls x latency / concurrency, longest task); in-order: the same tasks started in "
        "dataset order on `conc` slots with zero harness overhead (the tail of long tasks started late);\n"
        "wall: the CLI's main() in the child; start: interpreter start + import before it; peak: most requests the "
        "server saw in flight;\ncpu ms/call and cpu s harness: the codesim process's CPU time during main() (all its "
        "threads), per LLM call and in all; sandbox: its reaped children (fork servers, programs); server: this "
        f"process (the fake server); load: 1-minute load average before the level (other work on the machine); "
        f"{os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
