"""Nothing outlives its run: killing the harness (`run`, `exec`, `evaluate`) with SIGKILL, SIGTERM
or SIGINT while a candidate's grandchildren sleep and fork leaves no process of a sandbox uid."""

from __future__ import annotations

import contextlib
import random
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from cli_support import CODESIM, HUMANEVAL, cli_env, direct_run_argv, humaneval_evaluate_argv, write_jsonl
from host_guard import requires_root

from codesim.testing.fake_llm import FakeLLMServer, FakeReply

pytestmark = [requires_root, pytest.mark.skipif(not HUMANEVAL.exists(), reason="HumanEval data not present")]
UID_COUNT = 512  # WorkerConfig.uid_count: the workers' uids lie in [base, base + UID_COUNT)

# A HumanEval/0 answer whose import leaves a sleeping grandchild and a detached forking one.
HOSTILE = """import os, subprocess, time
subprocess.Popen(["sleep", "300"])
if os.fork() == 0:
    os.setsid()
    while True:
        try:
            if os.fork() == 0:
                time.sleep(300)
                os._exit(0)
        except OSError:
            pass
        time.sleep(0.1)
def has_close_elements(numbers, threshold):
    return False
time.sleep(300)
"""


def sandbox_processes(base: int, count: int = UID_COUNT) -> list[psutil.Process]:
    """Live processes whose uid lies in [base, base + count)."""
    found = []
    for proc in psutil.process_iter(["uids", "status", "name", "ppid"]):
        uids = proc.info["uids"]
        if uids and base <= uids.real < base + count and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(proc)
    return found


def wait_for_grandchildren(harness: subprocess.Popen, base: int, count: int) -> None:
    """Wait until HOSTILE's sleeping grandchild runs (uid in [base, base + count)), then a little
    more for the forking one to multiply."""
    deadline = time.monotonic() + 120
    while not any(proc.info["name"] == "sleep" for proc in sandbox_processes(base, count)):
        assert harness.poll() is None, harness.communicate()
        assert time.monotonic() < deadline, "the candidate's grandchildren never started"
        time.sleep(0.1)
    time.sleep(0.5)


def assert_none_left(base: int, count: int) -> None:
    """No live process of a uid in [base, base + count) within 5 s (survivors are killed, then reported)."""
    deadline = time.monotonic() + 5
    while (left := sandbox_processes(base, count)) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [(proc.pid, proc.info["ppid"], proc.info["name"]) for proc in left]
    for proc in left:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    assert survivors == []


def harness(tmp_path: Path, command: str, server: FakeLLMServer) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of one harness command whose candidate is HOSTILE."""
    base = random.randrange(70_000, 90_000, UID_COUNT)
    env = cli_env(tmp_path / "home", CODESIM_SANDBOX_UID_BASE=str(base))
    if command == "exec":
        program = tmp_path / "hostile.py"
        program.write_text(HOSTILE)
        return [*CODESIM, "exec", str(program), "--language", "python", "--timeout", "120"], env
    if command == "evaluate":
        samples = write_jsonl(tmp_path / "samples.jsonl", [{"task_id": "HumanEval/0", "solution": HOSTILE}])
        return humaneval_evaluate_argv(samples), env
    server.push(*[FakeReply(f"```python\n{HOSTILE}```\n")] * 4)
    return direct_run_argv(server, tmp_path / "out", "--limit", "1"), env


@pytest.mark.parametrize("command", ["run", "exec", "evaluate"])
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["KILL", "TERM", "INT"])
def test_killing_the_harness_leaves_no_sandbox_process(tmp_path: Path, command: str, signum: int) -> None:
    with FakeLLMServer() as server:
        argv, env = harness(tmp_path, command, server)
        base = int(env["CODESIM_SANDBOX_UID_BASE"])
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_grandchildren(process, base, UID_COUNT)
            print(f"{len(sandbox_processes(base))} sandbox processes when the harness gets signal {signum}")
            process.send_signal(signum)
            process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert_none_left(base, UID_COUNT)


# Without root there is no PID namespace: the fork server's parent-death signal (SIGTERM) makes it
# kill its runs' processes before it exits. A minimal harness, run as an ordinary uid, drives it.
HARNESS = """
import json, subprocess, sys, time
server = subprocess.Popen([sys.executable, "-I", "-B", sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          env={"PATH": "/usr/bin:/bin"}, cwd="/", start_new_session=True)
config = {"hide": [], "uid_base": 0, "uid_count": 0, "scratch_mb": 0, "lock_dir": "/nonexistent", "preload": []}
server.stdin.write(json.dumps(config).encode() + b"\\n")
server.stdin.flush()
assert json.loads(server.stdout.readline())["root"] is False
limits = {"cpu_s": 60, "memory_mb": 512, "address_space": True, "max_processes": 64, "max_file_mb": 64,
          "max_open_files": 256, "stack_mb": 64}
request = {"op": "run", "cwd": "fresh", "argv": None, "env": {"PATH": "/usr/bin:/bin"}, "stdin": "", "limits": limits,
           "timeout_s": 120, "stdout_limit": 2**20, "stderr_limit": 2**20,
           "python": {"mode": "program", "code": sys.stdin.read()}}
server.stdin.write(json.dumps(request).encode() + b"\\n")
server.stdin.flush()
time.sleep(300)
"""
FORKSERVER = Path(__file__).resolve().parents[2] / "src" / "codesim" / "execution" / "forkserver.py"


@pytest.mark.skipif(
    not Path("/usr/bin/setpriv").exists() or not Path("/usr/bin/python3").exists(),
    reason="needs setpriv and /usr/bin/python3 to run a harness as an ordinary user",
)
def test_without_root_the_fork_server_kills_its_runs_when_the_harness_dies() -> None:
    uid = random.randrange(66_000, 69_000)
    process = subprocess.Popen(
        [
            "/usr/bin/setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "/usr/bin/python3",
            "-c",
            HARNESS,
            str(FORKSERVER),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd="/",
    )
    process.stdin.write(HOSTILE)
    process.stdin.close()
    try:
        wait_for_grandchildren(process, uid, 1)
        process.kill()
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    assert_none_left(uid, 1)
