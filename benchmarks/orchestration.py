"""How close `codesim run` gets to the ideal wall time when the model is slow and the harness
must keep many calls in flight.

    .venv/bin/python benchmarks/orchestration.py [--latency 0.2] [--levels 1,8,32,64] [--windows 1,3] [--limit N]

A local fake OpenAI-compatible server answers every call after `--latency` seconds with
scripted CodeSIM-shaped answers (a plan; a simulation ending in the VERDICT line; code). By
the task's number n in HumanEval (all 164 tasks unless --limit):
  n % 10 in 0..5  the first code is the canonical solution            (3 calls)
  n % 10 in 6, 7  the first code is wrong; two debugging rounds fix it (5 calls)
  n % 10 == 8     the simulation says PLAN NEEDS CHANGES; refined plan (4 calls)
  n % 10 == 9     plan 1 never works (5 debugging rounds), plan 2 does (11 calls)
so the visible tests run in the sandbox between calls, and hidden tests after each task.

A level C is the model's capacity: C calls in flight (`--llm-concurrency C`). For each window
W in --windows, `codesim run --strategy codesim --no-cache --llm-concurrency C --concurrency W*C`
(or, with --cache, with an empty response cache) runs in a fresh subprocess with a fresh
$CODESIM_HOME: W = 1 keeps one task sample per model slot; W > 1 keeps more task samples in
progress than slots, so a slot never waits for a sample's sandbox work, and the slots go to the
samples with the fewest calls so far. Printed per run: the ideal wall time (sum over tasks of
llm_calls x latency, divided by the concurrency, or the longest task if longer; call counts read
from results.jsonl); the wall time of the run (inside the process, from the CLI's `main` to its
return; the interpreter start and import are shown apart) and its ratio to the ideal; the run
phase (from the server's first request to the end: without the start-up) and its ratio; the
policy wall time (the same tasks under codesim's own schedule with zero harness overhead: the
tail of long tasks started late included) and its ratio; the fake server's peak of requests in
flight; and the harness's own CPU time (the `codesim run` process, all its threads; the sandbox
children apart) per LLM call.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
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
import cProfile, json, os, resource, sys, time
started_cpu = resource.getrusage(resource.RUSAGE_SELF)
from codesim.cli import main
ready = time.monotonic(); ready_cpu = resource.getrusage(resource.RUSAGE_SELF)
if os.environ.get("ORCH_PROFILE"):
    profiler = cProfile.Profile(); code = profiler.runcall(main, sys.argv[2:])
    profiler.dump_stats(os.environ["ORCH_PROFILE"])
else:
    code = main(sys.argv[2:])
ended = time.monotonic(); wall = ended - ready
own = resource.getrusage(resource.RUSAGE_SELF); kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = lambda r: r.ru_utime + r.ru_stime
json.dump({"exit": code, "wall_s": wall, "ended": ended, "cpu_s": cpu(own) - cpu(ready_cpu),
           "import_cpu_s": cpu(ready_cpu), "children_cpu_s": cpu(kids)}, open(sys.argv[1], "w"))
sys.exit(code)
"""

_ATTEMPT = re.compile(r"# attempt (\d+)")


class CodeSimScript:
    """Scripted CodeSIM answers for the HumanEval rows (see the module docstring)."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = list(enumerate(rows))
        self.first_call_at: float | None = None  # time.monotonic() of the first request answered

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
        if self.first_call_at is None:
            self.first_call_at = time.monotonic()
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
    script: CodeSimScript,
    data: Path,
    concurrency: int,
    limit: int | None,
    window: int,
    cache: bool,
    work: Path,
    profile_dir: Path | None = None,
) -> dict:
    """One `codesim run` with `concurrency` model calls and `window` x that many task samples in
    flight; its timings, CPU and per-task call counts."""
    name = f"{concurrency}x{window}"
    home, out, stats = work / f"home-{name}", work / f"run-{name}", work / f"stats-{name}.json"
    argv = (
        [
            "run",
            "--dataset",
            "humaneval",
            "--data-file",
            str(data),
            "--strategy",
            "codesim",
            "--provider",
            "openai",
            "--base-url",
            server.openai_base_url,
            "--model",
            "fake-coder",
            "--llm-concurrency",
            str(concurrency),
            "--concurrency",
            str(window * concurrency),
            "--out",
            str(out),
        ]
        + (["--limit", str(limit)] if limit else [])
        + ([] if cache else ["--no-cache"])
    )
    env = {"CODESIM_HOME": str(home), "OPENAI_API_KEY": "fake", "PATH": "/usr/bin:/bin"}
    if profile_dir:
        env["ORCH_PROFILE"] = str(profile_dir.resolve() / f"run-{name}.prof")
    server.max_in_flight, script.first_call_at = 0, None
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
        "run_wall_s": measured["ended"] - (script.first_call_at or measured["ended"]),
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


def policy_wall(calls: list[int], latency: float, concurrency: int, window: int) -> float:
    """The wall time of `codesim run`'s own schedule with zero overhead: tasks admitted in
    dataset order, at most `window` x `concurrency` in progress, and each free call slot given
    to the waiting call whose task has made the fewest calls (ties: first come). Task lengths
    are not known in advance, so long tasks started late leave slots idle at the end; with
    window 1 this is plain dataset order on `concurrency` slots."""
    made, admitted, in_progress, clock = [0] * len(calls), 0, 0, 0.0
    arrivals = itertools.count()
    waiting: list[tuple[int, int, int]] = []  # (calls made, arrival, task)
    running: list[tuple[float, int]] = []  # (finishes at, task)
    while admitted < len(calls) or waiting or running:
        while admitted < len(calls) and in_progress < window * concurrency:
            heapq.heappush(waiting, (0, next(arrivals), admitted))
            admitted, in_progress = admitted + 1, in_progress + 1
        while waiting and len(running) < concurrency:
            _, _, task = heapq.heappop(waiting)
            heapq.heappush(running, (clock + latency, task))
        clock, task = heapq.heappop(running)
        made[task] += 1
        if made[task] < calls[task]:
            heapq.heappush(waiting, (made[task], next(arrivals), task))
        else:
            in_progress -= 1
    return clock


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
        "--profile", type=Path, default=None, help="write a cProfile of each run's main() into this directory"
    )
    parser.add_argument(
        "--windows", default="1,3", help="task samples in flight per model slot, one run each (comma-separated)"
    )
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"HumanEval data not found at {args.data}")
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    levels = [int(level) for level in args.levels.split(",")]
    windows = [int(window) for window in args.windows.split(",")]
    tasks = args.limit or len(rows)
    print(f"fake server latency {args.latency * 1000:.0f} ms; {tasks} HumanEval tasks; strategy codesim")
    header = (
        f"{'conc':>5} {'win':>4} {'calls':>6} {'passed':>7} {'ideal s':>8} {'wall s':>8} {'ratio':>6} {'run s':>7} "
        f"{'ratio':>6} {'policy s':>9} {'ratio':>6} {'peak':>5} "
        f"{'start s':>8} {'cpu ms/call':>12} {'cpu s: harness':>15} {'sandbox':>8} {'server':>7} {'load':>5}"
    )
    print(header)
    script = CodeSimScript(rows)
    with (
        tempfile.TemporaryDirectory(prefix="codesim-orch-") as tmp,
        FakeLLMServer(script, latency_s=args.latency) as server,
    ):
        for concurrency, window in ((level, window) for level in levels for window in windows):
            load = os.getloadavg()[0]
            result = run_level(
                server, script, args.data, concurrency, args.limit, window, args.cache, Path(tmp), args.profile
            )
            ideal = ideal_wall(result["calls"], args.latency, concurrency)
            policy = policy_wall(result["calls"], args.latency, concurrency, window)
            calls, wall, run = sum(result["calls"]), result["wall_s"], result["run_wall_s"]
            print(
                f"{concurrency:>5} {window:>4} {calls:>6} {result['passed']:>3}/{result['tasks']:<3} {ideal:>8.2f} "
                f"{wall:>8.2f} {wall / ideal:>6.2f} {run:>7.2f} {run / ideal:>6.2f} "
                f"{policy:>9.2f} {policy / ideal:>6.2f} "
                f"{result['peak_in_flight']:>5} "
                f"{result['process_wall_s'] - result['wall_s']:>8.2f} {1000 * result['cpu_s'] / calls:>12.2f} "
                f"{result['cpu_s']:>15.1f} {result['children_cpu_s']:>8.1f} {result['server_cpu_s']:>7.1f} "
                f"{load:>5.1f}",
                flush=True,
            )
    print(
        "conc: model calls in flight (--llm-concurrency); win: task samples in flight per call slot (--concurrency "
        "= win x conc);\nideal: max(sum of calls x latency / concurrency, longest task); wall: the CLI's main() in the "
        "child, ratio = wall / ideal; run: from the server's first request to the end of main() "
        "(wall without the start-up: imports, client, sandbox), ratio = run / ideal;\n"
        "policy: the same tasks under codesim's schedule with zero overhead (dataset order, fewest-calls-first "
        "slots; task lengths are not known in advance, so the tail of long tasks is included), ratio = policy / ideal;"
        "\nstart: interpreter start + import before main(); peak: most requests the server saw in flight;\n"
        "cpu ms/call and cpu s harness: the codesim process's CPU time during main() (all its threads), per LLM "
        "call and in all; sandbox: its reaped children (fork servers, programs); server: this process (the fake "
        f"server); load: 1-minute load average before the level (other work on the machine); "
        f"{os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
