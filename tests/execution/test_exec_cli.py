"""`codesim exec` end to end, as a user runs it (a real subprocess of the console script)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CODESIM = [sys.executable, "-m", "codesim"]


def codesim_exec(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`codesim exec ARGS`; its stdin is a pipe holding `stdin`, else /dev/null."""
    feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
    return subprocess.run([*CODESIM, "exec", *args], capture_output=True, text=True, timeout=180, **feed)


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


SUM_CPP = (
    "#include <iostream>\nint main(){int n,s=0,x;std::cin>>n;while(n--){std::cin>>x;s+=x;}std::cout<<s<<std::endl;}\n"
)


def test_stdin_from_a_pipe_and_the_language_from_the_extension(tmp_path: Path) -> None:
    program = tmp_path / "sum.cpp"
    program.write_text(SUM_CPP)
    piped = codesim_exec(str(program), stdin="2\n5 5\n")  # printf '2\n5 5\n' | codesim exec sum.cpp
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["stdout"] == "10\n"
    dashed = codesim_exec(str(program), "--stdin", "-", "--language", "cpp", stdin="3\n1 2 3\n")
    assert json.loads(dashed.stdout)["stdout"] == "6\n"
    nothing = codesim_exec(str(program))  # stdin is /dev/null: the program reads nothing
    assert json.loads(nothing.stdout)["stdout"] == "0\n"


def test_an_unknown_extension_without_language_is_a_usage_error(tmp_path: Path) -> None:
    program = tmp_path / "prog.txt"
    program.write_text("print(1)\n")
    result = codesim_exec(str(program))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot tell the language of" in result.stderr and "pass --language" in result.stderr
