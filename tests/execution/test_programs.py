"""stdin/stdout programs in every language: correct, wrong, compile errors, limits."""

from __future__ import annotations

import pytest
from sample_programs import BROKEN, MEMORY_HOG, SPIN, SUM

from codesim.execution import Sandbox, Verdict
from codesim.problems import ProblemKind
from codesim.problems import TestCase as Case

STDIO = ProblemKind.STDIO
COMPILER_SAYS = {
    "c": "undefined_name",
    "cpp": "vector",
    "java": "incompatible types",
    "go": "x declared",
    "rust": "mismatched types",
}
SUM_TESTS = [Case("io", "1 2\n", "3\n"), Case("io", "40 2", "42"), Case("io", "1000000000000 1", 1000000000001)]


@pytest.mark.parametrize("language", sorted(SUM))
async def test_correct_program_passes_and_a_wrong_expectation_fails(sandbox: Sandbox, language: str) -> None:
    tests = [*SUM_TESTS, Case("io", "2 2\n", "5\n")]
    report = await sandbox.run_tests(SUM[language], tests, kind=STDIO, language=language, time_limit_s=20)
    assert [r.verdict for r in report.results] == [Verdict.PASSED] * 3 + [Verdict.FAILED], report.feedback()
    assert report.results[3].actual.strip() == "4"
    assert "Input:\n2 2" in report.feedback()


@pytest.mark.parametrize("language", sorted(BROKEN))
async def test_compile_error_carries_the_compiler_message(sandbox: Sandbox, language: str) -> None:
    report = await sandbox.run_tests(BROKEN[language], SUM_TESTS, kind=STDIO, language=language)
    assert report.verdict is Verdict.COMPILE_ERROR
    assert all(r.verdict is Verdict.COMPILE_ERROR for r in report.results)
    assert COMPILER_SAYS[language] in report.results[0].error
    outcome = await sandbox.run_program(BROKEN[language], language)
    assert outcome.status == "compile_error" and COMPILER_SAYS[language] in outcome.stderr


@pytest.mark.parametrize("language", sorted(MEMORY_HOG))
async def test_memory_limit_in_every_language(sandbox: Sandbox, language: str) -> None:
    outcome = await sandbox.run_program(MEMORY_HOG[language], language, time_limit_s=30, memory_mb=256)
    assert outcome.status == "memory_limit", outcome


@pytest.mark.parametrize("language", sorted(SPIN))
async def test_timeout(sandbox: Sandbox, language: str) -> None:
    outcome = await sandbox.run_program(SPIN[language], language, time_limit_s=2, memory_mb=256)
    assert outcome.status == "timeout"
    assert 1.9 <= outcome.time_s < 10


async def test_runtime_error_keeps_exit_code_and_traceback(sandbox: Sandbox) -> None:
    outcome = await sandbox.run_program("import sys\nprint('partial')\nraise ValueError('boom')\n", "python")
    assert (outcome.status, outcome.exit_code, outcome.stdout) == ("runtime_error", 1, "partial\n")
    assert "ValueError: boom" in outcome.stderr and 'File "solution.py", line 3' in outcome.stderr


async def test_exit_code_of_a_native_program(sandbox: Sandbox) -> None:
    outcome = await sandbox.run_program("int main(void){return 3;}", "c")
    assert (outcome.status, outcome.exit_code) == ("runtime_error", 3)


async def test_huge_output_is_cut_and_reported(sandbox: Sandbox) -> None:
    outcome = await sandbox.run_program("while True:\n    print('x' * 10000)\n", "python", time_limit_s=20)
    assert outcome.status == "output_limit"
    assert len(outcome.stdout) <= 200_000
    report = await sandbox.run_tests("print('y' * (8 * 1024 * 1024))", [Case("io", "", "y")], kind=STDIO)
    assert report.verdict is Verdict.OUTPUT_LIMIT


async def test_large_input_and_output_within_limits(sandbox: Sandbox) -> None:
    numbers = list(range(200_000))
    stdin = f"{len(numbers)}\n" + " ".join(map(str, numbers)) + "\n"
    code = "import sys\nn, *xs = map(int, sys.stdin.read().split())\nprint('\\n'.join(str(2 * x) for x in xs))\n"
    report = await sandbox.run_tests(code, [Case("io", stdin, [2 * x for x in numbers])], kind=STDIO)
    assert report.passed, report.feedback()


async def test_small_programs_of_reserving_runtimes_start_under_256_mb(sandbox: Sandbox) -> None:
    for language in ("java", "go", "javascript"):
        outcome = await sandbox.run_program(SUM[language], language, "5 6\n", time_limit_s=20, memory_mb=256)
        assert (outcome.status, outcome.stdout) == ("ok", "11\n"), (language, outcome)
