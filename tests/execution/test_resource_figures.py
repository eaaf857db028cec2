"""Every test run reports its CPU seconds and peak resident memory (per test; see docs/sandbox.md)."""

from __future__ import annotations

from codesim.execution import Sandbox, Verdict
from codesim.problems import ProblemKind
from codesim.problems import TestCase as Case

MB = 1024  # kB
FUNCTIONS = """
def spin(seconds):
    import time
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return 1

def grab(megabytes):
    block = bytearray(megabytes * 2**20)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    return len(block) // 2**20
"""
IO_GRAB = """
megabytes = int(input())
block = bytearray(megabytes * 2**20)
block[::4096] = b"x" * len(block[::4096])
print(len(block) // 2**20)
"""


async def test_function_tests_carry_their_own_cpu_seconds_and_the_batch_peak(sandbox: Sandbox) -> None:
    tests = [
        Case("assert", "assert grab(1) == 1"),
        Case("assert", "assert spin(0.3) == 1"),
        Case("assert", "assert grab(150) == 150"),
        Case("assert", "assert grab(1) == 1"),
    ]
    report = await sandbox.run_tests(FUNCTIONS, tests, kind=ProblemKind.FUNCTION, entry_point="spin")
    assert report.passed
    small, spin, big, after = report.results
    assert spin.cpu_s is not None and spin.cpu_s >= 0.3
    assert small.cpu_s is not None and small.cpu_s < 0.1
    assert small.peak_kb is not None and big.peak_kb is not None
    assert small.peak_kb < 100 * MB <= 150 * MB <= big.peak_kb
    assert after.peak_kb == big.peak_kb  # the batch process's peak so far
    assert report.peak_kb == big.peak_kb
    assert report.cpu_s == sum(result.cpu_s for result in report.results)


async def test_io_tests_carry_their_process_cpu_seconds_and_peak(sandbox: Sandbox) -> None:
    tests = [Case("io", "1\n", "1\n"), Case("io", "150\n", "150\n")]
    report = await sandbox.run_tests(IO_GRAB, tests, kind=ProblemKind.STDIO)
    assert report.passed
    small, big = report.results
    assert small.peak_kb is not None and big.peak_kb is not None
    assert small.peak_kb < 100 * MB and big.peak_kb >= 150 * MB
    assert small.cpu_s is not None and big.cpu_s is not None and big.cpu_s > small.cpu_s
    assert report.peak_kb == big.peak_kb


async def test_a_test_the_sandbox_could_not_measure_leaves_the_report_figures_unknown(sandbox: Sandbox) -> None:
    report = await sandbox.run_tests("def f(:\n", [Case("call", [], 1)], kind=ProblemKind.FUNCTION, entry_point="f")
    assert report.verdict is not Verdict.PASSED
    assert report.results[0].cpu_s is None and report.cpu_s is None and report.peak_kb is None
