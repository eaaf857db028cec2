"""The worker pool: parallel runs keep their own results, faults are internal errors, recovery."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from codesim.execution import Sandbox, SandboxUnavailable, Verdict
from codesim.problems import ProblemKind
from codesim.problems import TestCase as Case

FUNCTION = ProblemKind.FUNCTION


async def test_many_concurrent_samples_each_get_their_own_verdict(sandbox: Sandbox) -> None:
    async def sample(n: int) -> tuple[int, Verdict, str]:
        code = f"def f(x):\n    print('noise {n}')\n    return x + {n % 3}\n"
        report = await sandbox.run_tests(code, [Case("call", [n], n)], kind=FUNCTION, entry_point="f")
        return n, report.verdict, report.results[0].actual

    results = await asyncio.gather(*(sample(n) for n in range(30)))
    for n, verdict, actual in results:
        assert verdict is (Verdict.PASSED if n % 3 == 0 else Verdict.FAILED)
        assert actual == str(n + n % 3)


async def test_mixed_languages_in_parallel(sandbox: Sandbox) -> None:
    programs = [
        ("python", "print(input())"),
        ("c", '#include <stdio.h>\nint main(){char s[64];scanf("%63s",s);puts(s);}'),
        ("ruby", "puts gets"),
    ] * 3
    outcomes = await asyncio.gather(
        *(sandbox.run_program(code, lang, f"w{i}\n", time_limit_s=20) for i, (lang, code) in enumerate(programs))
    )
    assert [o.stdout for o in outcomes] == [f"w{i}\n" for i in range(len(programs))]


async def test_a_dead_worker_is_an_internal_error_and_the_pool_recovers(sandbox: Sandbox) -> None:
    await sandbox.isolation()

    async def kill_worker_soon() -> None:
        await asyncio.sleep(1.0)
        for pid in sandbox.worker_pids():
            os.kill(pid, signal.SIGKILL)

    outcome, _ = await asyncio.gather(sandbox.run_program("import time\ntime.sleep(5)\n", "python"), kill_worker_soon())
    assert outcome.status == "internal_error" and "worker died" in outcome.stderr
    report = await sandbox.run_tests("def f():\n    return 1\n", [Case("call", [], 1)], kind=FUNCTION, entry_point="f")
    assert report.passed


async def test_a_cancelled_run_does_not_desynchronise_the_worker(sandbox: Sandbox) -> None:
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(sandbox.run_program("import time\ntime.sleep(5)\nprint('late')\n", "python"), 0.5)
    outcomes = await asyncio.gather(*(sandbox.run_program(f"print({i})", "python") for i in range(6)))
    assert [o.stdout for o in outcomes] == [f"{i}\n" for i in range(6)]


async def test_isolation_report(sandbox: Sandbox) -> None:
    isolation = await sandbox.isolation()
    root = os.geteuid() == 0
    assert isolation["unprivileged_user"] is root
    if root:
        assert isolation["network_namespace"] and isolation["mount_namespace"]
        assert isolation["uid"] != 0


def test_hidden_paths_never_cover_system_directories(monkeypatch: pytest.MonkeyPatch) -> None:
    from codesim.execution.pool import hidden_paths

    monkeypatch.chdir("/usr/lib")
    monkeypatch.setenv("CODESIM_SANDBOX_HIDE", "/etc:/srv/data-with-hidden-tests")
    paths = hidden_paths(("/tmp", "/opt/x", "/work/data"))
    assert "/root" in paths and "/home" in paths and "/work/data" in paths
    assert "/srv/data-with-hidden-tests" in paths
    assert not any(path in ("/", "/tmp", "/usr/lib", "/etc", "/opt/x") for path in paths)


async def test_a_run_waiting_when_the_sandbox_closes_gets_an_error_not_a_new_worker() -> None:
    box = Sandbox(workers=1)
    sleeper = "import time\ntime.sleep(3)\n"
    running = [asyncio.create_task(box.run_program(sleeper, "python")) for _ in range(2)]  # both share the one worker
    while not box.worker_pids():
        await asyncio.sleep(0.05)
    waiting = asyncio.create_task(box.run_program("print(1)", "python"))  # no room: it waits for a slot
    await asyncio.sleep(0.2)
    await box.aclose()
    with pytest.raises(SandboxUnavailable, match="the sandbox is closed"):
        await waiting
    outcomes = await asyncio.gather(*running)

    assert [outcome.status for outcome in outcomes] == ["ok", "ok"]  # the fork server finished them before exiting
    assert box.worker_pids() == []  # no fork server was started after the close
