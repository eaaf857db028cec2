"""`codesim solve` as a real subprocess against the scripted fake LLM server (real HTTP, real sandbox)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from codesim.testing.fake_llm import FakeLLMServer, FakeReply

STDIO_STATEMENT = """# Sum of a list

Read n, then n integers on one line, and print their sum.

## Example 1
Input:
```
3
1 2 3
```
Output:
```
6
```

## Example 2
Sample Input
2
10 -4
Sample Output
6
"""

FUNCTION_STATEMENT = '''# Sum of squares

```python
def sum_squares(xs: list[int]) -> int:
    """Return the sum of the squares of xs.

    >>> sum_squares([1, 2])
    5
    """
```

More examples:
- `sum_squares([]) == 0`
'''

PLAN = "## Understanding\nAdd things up.\n\n## Plan\n1. Read the input.\n2. Add the numbers.\n"
SIMULATION_OK = "On the first sample: 1 + 2 + 3 = 6, as expected.\nVERDICT: PLAN IS CORRECT"
STDIO_WRONG = "n = int(input())\nprint(sum(map(int, input().split())) + 1)\n"
STDIO_GOOD = "n = int(input())\nprint(sum(map(int, input().split())))\n"
SQUARES_GOOD = "def sum_squares(xs: list[int]) -> int:\n    return sum(x * x for x in xs)\n"
SQUARES_WRONG = "def sum_squares(xs: list[int]) -> int:\n    return sum(xs) + 2\n"


def fenced(code: str, prefix: str = "Here is the code.") -> str:
    return f"{prefix}\n```python\n{code}```\n"


def debug_answer(code: str) -> str:
    return fenced(code, prefix="Tracing the sample, the sum is off by one.\nERROR SOURCE: CODE")


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The subprocess environment: a dummy API key and a fresh $CODESIM_HOME (response cache)."""
    return {**os.environ, "OPENAI_API_KEY": "x", "CODESIM_HOME": str(tmp_path / "home")}


@pytest.fixture
def solve(server: FakeLLMServer, env: dict[str, str], tmp_path: Path):  # noqa: ANN201 (a helper factory)
    """Runs `python -m codesim solve ARGS` against the fake server; returns the finished process."""

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command(server, *args), input=stdin, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path
        )

    return run


def command(server: FakeLLMServer, *args: str) -> list[str]:
    """The solve command line; the scripted answers of these tests follow CodeSIM's stages, so
    `--strategy codesim` unless a test names another."""
    fake = ["--provider", "openai", "--base-url", server.openai_base_url, "--model", "fake"]
    strategy = [] if "--strategy" in args or "--default-strategy" in args else ["--strategy", "codesim"]
    return [sys.executable, "-m", "codesim", "solve", *[a for a in args if a != "--default-strategy"], *strategy, *fake]


def statement_file(tmp_path: Path, text: str, name: str = "problem.md") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_stdio_problem_debugged_to_a_pass(solve, server: FakeLLMServer, tmp_path: Path) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(STDIO_WRONG), debug_answer(STDIO_GOOD))
    trace_path, code_path = tmp_path / "trace.json", tmp_path / "solution.py"
    statement = statement_file(tmp_path, STDIO_STATEMENT)
    result = solve(str(statement), "--trace", str(trace_path), "-o", str(code_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == STDIO_GOOD
    assert code_path.read_text() == STDIO_GOOD
    lines = result.stderr.splitlines()
    assert lines[0] == "codesim: solving a stdin/stdout program in python with codesim on openai/fake; 2 visible tests"
    assert lines[1].startswith("[plan 1] planning: ")
    assert lines[2].startswith("[plan 1] simulation: ")
    assert lines[3] == "    verdict: plan is correct"
    assert lines[4].startswith("[plan 1] coding: ")
    assert lines[5] == "[plan 1] visible tests: code #1: failed (0/2 tests passed)"
    assert lines[6].startswith("    test 1 failed: input '3\\n1 2 3', expected '6', got '7'")
    assert lines[8].startswith("[plan 1, debug 1] debugging: ")
    assert lines[9] == "    error source: code"
    assert lines[10] == "[plan 1, debug 1] visible tests: code #2: passed (2/2 tests passed)"
    assert lines[-1] == "codesim: the code passes all 2 visible tests (debug_round_1)"
    assert len(server.requests) == 4 and not server.script
    assert "10 -4" in server.requests[0].last_user_text  # the examples reach the model as samples
    trace = json.loads(trace_path.read_text())
    assert [step["stage"] for step in trace["trace"]] == [
        "planning",
        "simulation",
        "coding",
        "visible_tests",
        "debugging",
        "visible_tests",
    ]
    assert (trace["code"], trace["visible_passed"], trace["outcome"]) == (STDIO_GOOD, True, "debug_round_1")
    assert trace["visible_tests"][1] == {"kind": "io", "input": "2\n10 -4\n", "expected": "6\n", "atol": 0.0}
    assert trace["llm_calls"] == 4 and trace["prompt_tokens"] > 0


def test_function_problem_from_stdin_passes_first_code(solve, server: FakeLLMServer) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(SQUARES_GOOD))
    result = solve("-", stdin=FUNCTION_STATEMENT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == SQUARES_GOOD
    assert "solving `sum_squares` (function, python)" in result.stderr
    assert "[plan 1] visible tests: code #1: passed (2/2 tests passed)" in result.stderr
    assert result.stderr.splitlines()[-1] == "codesim: the code passes all 2 visible tests (first_code)"
    assert len(server.requests) == 3


def test_code_failing_an_extra_test_is_printed_with_exit_1(solve, server: FakeLLMServer, tmp_path: Path) -> None:
    # passes the statement's examples, fails the developer's extra test; one plan, one debugging round
    almost = "def sum_squares(xs: list[int]) -> int:\n    return sum(x * x for x in xs if x > 0)\n"
    server.push(PLAN, SIMULATION_OK, fenced(almost), debug_answer(SQUARES_WRONG))
    extra = tmp_path / "extra.py"
    extra.write_text("assert sum_squares([-3]) == 9\n")
    statement = statement_file(tmp_path, FUNCTION_STATEMENT)
    result = solve(str(statement), "--tests", str(extra), "--max-plan-tries", "1", "--max-debug-tries", "1")
    assert result.returncode == 1, result.stderr
    assert result.stdout == SQUARES_WRONG
    assert "3 visible tests" in result.stderr.splitlines()[0]
    assert "code #1: failed (2/3 tests passed)" in result.stderr
    assert "    test 3 failed: input 'assert sum_squares([-3]) == 9'" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("codesim: the code does NOT pass the visible tests (unsolved)")


def test_no_examples_is_a_usage_error_before_any_model_call(solve, server: FakeLLMServer, tmp_path: Path) -> None:
    statement = statement_file(tmp_path, "Print the answer to life, the universe and everything.\n")
    result = solve(str(statement))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "no examples found" in result.stderr and "--no-tests" in result.stderr
    assert "`Input:`/`Output:` blocks (no `def` signature found" in result.stderr
    assert server.requests == []


def test_a_function_without_examples_is_told_which_examples_it_needs(
    solve, server: FakeLLMServer, tmp_path: Path
) -> None:
    statement = statement_file(tmp_path, "Add two numbers.\n\n```python\ndef add(a: int, b: int) -> int:\n```\n")
    result = solve(str(statement))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "add `>>> add(...)` doctests or `add(...) == ...` lines, pass --tests FILE" in result.stderr
    assert server.requests == []


def test_no_tests_flag_goes_on_unverified(solve, server: FakeLLMServer, tmp_path: Path) -> None:
    server.push(PLAN, SIMULATION_OK, fenced("print(42)\n"))
    statement = statement_file(tmp_path, "Print the answer to life, the universe and everything.\n")
    result = solve(str(statement), "--no-tests")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "print(42)\n"
    assert "0 visible tests" in result.stderr
    assert result.stderr.splitlines()[-1] == "codesim: done; the code is NOT verified: there are no tests"


def test_usage_errors_exit_2_with_one_line(solve, server: FakeLLMServer, tmp_path: Path) -> None:
    statement = statement_file(tmp_path, STDIO_STATEMENT)
    for args in (
        ["missing.md"],
        [str(statement), "-o", str(tmp_path / "no" / "such" / "dir.py")],
        [str(statement), "--trace", str(tmp_path)],
        [str(statement), "--language", "cobol"],
        [str(statement), "--tests", str(tmp_path / "missing.jsonl")],
    ):
        result = solve(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("codesim: error: "), result.stderr
    assert server.requests == []


def test_provider_failure_keeps_the_trace_and_a_rerun_reuses_cached_answers(
    solve, server: FakeLLMServer, tmp_path: Path
) -> None:
    server.push(PLAN, FakeReply(status=400, text="bad request"))
    trace_path = tmp_path / "trace.json"
    args = (str(statement_file(tmp_path, STDIO_STATEMENT)), "--trace", str(trace_path), "--max-retries", "0")
    result = solve(*args)
    assert result.returncode == 2  # a request the server refuses as invalid is a configuration error
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("codesim: error: openai (model fake): HTTP 400")
    assert "retrying it unchanged will not help" in result.stderr
    trace = json.loads(trace_path.read_text())
    assert [step["stage"] for step in trace["trace"]] == ["planning"]
    assert trace["outcome"] == "error" and "HTTP 400" in trace["error"]

    server.push(SIMULATION_OK, fenced(STDIO_GOOD))
    again = solve(*args)
    assert again.returncode == 0, again.stderr
    assert again.stdout == STDIO_GOOD
    assert len(server.requests) == 4  # planning came from the cache: only simulation and coding were asked
    assert json.loads(trace_path.read_text())["trace"][0]["cached"] is True


def test_sigterm_mid_run_writes_the_trace_so_far(server: FakeLLMServer, env: dict[str, str], tmp_path: Path) -> None:
    server.push(PLAN, FakeReply(text=SIMULATION_OK, delay_s=60))
    trace_path = tmp_path / "trace.json"
    args = command(server, str(statement_file(tmp_path, STDIO_STATEMENT)), "--trace", str(trace_path))
    process = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        shown = [process.stderr.readline(), process.stderr.readline()]  # type: ignore[union-attr]
        assert shown[1].startswith("[plan 1] planning: "), shown
        deadline = time.monotonic() + 120
        while len(server.requests) < 2 and time.monotonic() < deadline:  # the simulation call is in flight
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130
    assert rest.splitlines()[-1] == "codesim: interrupted"
    trace = json.loads(trace_path.read_text())
    assert [step["stage"] for step in trace["trace"]] == ["planning"]
    assert (trace["outcome"], trace["error"]) == ("error", "KeyboardInterrupt")


def test_timeout_limits_each_test_run(solve, server: FakeLLMServer, tmp_path: Path) -> None:
    slow = (
        "import time\n\ndef sum_squares(xs: list[int]) -> int:\n    time.sleep(3)\n    return sum(x * x for x in xs)\n"
    )
    statement = statement_file(tmp_path, FUNCTION_STATEMENT)
    limits = ("--max-plan-tries", "1", "--max-debug-tries", "0")
    server.push(PLAN, SIMULATION_OK, fenced(slow))
    timed_out = solve(str(statement), *limits, "--timeout", "1", "--memory-mb", "256")
    assert timed_out.returncode == 1, timed_out.stderr
    assert "code #1: timeout (0/2 tests passed)" in timed_out.stderr
    server.push(PLAN, SIMULATION_OK, fenced(slow))
    default = solve(str(statement), *limits, "--no-cache")
    assert default.returncode == 0, default.stderr
    assert "code #1: passed (2/2 tests passed)" in default.stderr


@pytest.mark.parametrize(("flag", "value"), [("--timeout", "0"), ("--memory-mb", "8"), ("--timeout", "soon")])
def test_bad_test_limits_are_usage_errors(solve, server: FakeLLMServer, flag: str, value: str) -> None:
    result = solve("-", flag, value, stdin=FUNCTION_STATEMENT)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and flag in result.stderr, result.stderr
    assert server.requests == []


def test_a_closed_stdout_is_not_an_error_and_files_are_written_first(
    server: FakeLLMServer, env: dict[str, str], tmp_path: Path
) -> None:
    server.push(PLAN, SIMULATION_OK, fenced(SQUARES_GOOD))
    trace_path, code_path = tmp_path / "trace.json", tmp_path / "solution.py"
    args = command(
        server, str(statement_file(tmp_path, FUNCTION_STATEMENT)), "--trace", str(trace_path), "-o", str(code_path)
    )
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    process.stdout.close()  # type: ignore[union-attr]  # the reader is gone before the code is printed (`| head -0`)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and "Broken pipe" not in stderr
    assert code_path.read_text() == SQUARES_GOOD and json.loads(trace_path.read_text())["code"] == SQUARES_GOOD


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--provider", "opneai"], "codesim: error: unknown provider 'opneai'; choose one of: openai, "),
        (["--provider", "anthropic"], "codesim: error: provider 'anthropic' needs an API key"),
    ],
)
def test_model_mistakes_are_reported_before_any_solving_output(
    env: dict[str, str], tmp_path: Path, flags: list[str], message: str
) -> None:
    env = {k: v for k, v in env.items() if k != "ANTHROPIC_API_KEY"}
    argv = [sys.executable, "-m", "codesim", "solve", str(statement_file(tmp_path, FUNCTION_STATEMENT)), *flags]
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(message), result.stderr


def test_the_default_strategy_is_codesim_adaptive(server: FakeLLMServer, solve, tmp_path: Path) -> None:
    server.responder = lambda request: fenced(SQUARES_GOOD)
    trace = tmp_path / "trace.json"
    path = statement_file(tmp_path, FUNCTION_STATEMENT)
    done = solve(str(path), "--trace", str(trace), "--default-strategy")
    assert done.returncode == 0, done.stderr
    recorded = json.loads(trace.read_text())
    assert recorded["strategy"] == "codesim-adaptive"
    # Greedy first: the greedy answer passes its visible tests, so no other candidate is asked.
    assert [step["stage"] for step in recorded["trace"]] == ["candidate", "visible_tests", "selection"]
