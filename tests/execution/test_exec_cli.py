"""`codesim exec` end to end, as a user runs it (a real subprocess of the console script)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CODESIM = [sys.executable, "-m", "codesim"]


def codesim_exec(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CODESIM, "exec", *args], capture_output=True, text=True, timeout=180)


def test_runs_a_program_with_stdin_and_prints_one_json_object(tmp_path: Path) -> None:
    program = tmp_path / "sum.py"
    program.write_text("import sys\nprint(sum(map(int, sys.stdin.read().split())))\n")
    stdin = tmp_path / "in.txt"
    stdin.write_text("1 2 3\n")
    result = codesim_exec(str(program), "--language", "Python3", "--stdin", str(stdin))
    assert result.returncode == 0
    payload = json.loads(result.stdout)
    assert payload["status"] == "ok" and payload["stdout"] == "6\n" and payload["exit_code"] == 0
    assert set(payload) == {"status", "exit_code", "stdout", "stderr", "time_s"}


def test_a_failing_verdict_still_exits_zero(tmp_path: Path) -> None:
    program = tmp_path / "spin.c"
    program.write_text("int main(void){for(;;);}\n")
    result = codesim_exec(str(program), "--language", "C", "--timeout", "1", "--memory-mb", "64")
    assert result.returncode == 0
    assert json.loads(result.stdout)["status"] == "timeout"
    broken = tmp_path / "broken.cpp"
    broken.write_text("int main() { return x; }\n")
    payload = json.loads(codesim_exec(str(broken), "--language", "c++").stdout)
    assert payload["status"] == "compile_error" and "x" in payload["stderr"]


def test_usage_errors_exit_non_zero_with_one_line(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text("print(1)\n")
    unknown = codesim_exec(str(program), "--language", "cobol")
    assert unknown.returncode == 2 and "unknown language 'cobol'" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1
    missing = codesim_exec(str(tmp_path / "nope.py"), "--language", "python")
    assert missing.returncode == 2 and "cannot read program file" in missing.stderr
    bad_timeout = codesim_exec(str(program), "--language", "python", "--timeout", "0")
    assert bad_timeout.returncode == 2
