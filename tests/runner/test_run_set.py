"""Several runs in one `codesim run` command (a real subprocess against the fake LLM server, on
real HumanEval rows): one progress display for all of them, and a TOML file describing them."""

from __future__ import annotations

import json
import os
import pty
import select
import struct
import subprocess
import time
from collections import Counter
from fcntl import ioctl
from pathlib import Path
from termios import TIOCSWINSZ

import pytest
from cli_support import CODESIM, HUMANEVAL, answers_by_marker, cli_env, direct_run_argv, humaneval_answers

from codesim.testing.fake_llm import FakeLLMServer

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"benchmark data not found at {HUMANEVAL}")
HIDE_CURSOR = "\x1b[?25l"  # what a live display writes when it starts
RUN_LABELS = ("direct on m-a", "direct on m-b", "cot on m-a", "cot on m-b")


def run_in_terminal(argv: list[str], env: dict[str, str], timeout_s: float = 300) -> tuple[int, str]:
    """Run `argv` with a pseudo-terminal (200 columns) as stdin, stdout and stderr; its exit
    status and everything it wrote."""
    leader, follower = pty.openpty()
    ioctl(follower, TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))
    terminal_env = {**env, "TERM": "xterm-256color", "COLUMNS": "200", "LINES": "60"}
    process = subprocess.Popen(argv, stdin=follower, stdout=follower, stderr=follower, env=terminal_env)
    os.close(follower)
    chunks, deadline = [], time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if not ready:
                continue
            try:
                data = os.read(leader, 65536)
            except OSError:  # the last writer closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        return process.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()


def test_several_runs_share_one_progress_display(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    with FakeLLMServer(answers_by_marker(humaneval_answers(2))) as server:
        argv = direct_run_argv(server, out, "--limit", "2", "--strategy", "direct,cot", "--model", "m-a,m-b")
        code, screen = run_in_terminal(argv, cli_env(tmp_path / "home"))
    assert code == 0, screen
    assert screen.count(HIDE_CURSOR) == 1, screen  # one live display, started once for the four runs
    last_frame = screen[screen.rindex("run 4 of 4") :]
    assert all(label in last_frame for label in RUN_LABELS), last_frame  # a row per run, all still shown
    table = screen[screen.index("comparison") :]
    assert table.count("100.0%") == 4 and "all runs in one report: codesim report" in table


def test_without_a_terminal_each_progress_line_names_its_run(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    with FakeLLMServer(answers_by_marker(humaneval_answers(1))) as server:
        argv = direct_run_argv(server, out, "--limit", "1", "--strategy", "direct", "--model", "m-a,m-b")
        done = subprocess.run(argv, env=cli_env(tmp_path / "home"), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("[1/1]")]
    assert [line.split(" HumanEval/0#0 ")[0] for line in lines] == ["[1/1] direct on m-a:", "[1/1] direct on m-b:"]


def write_runs_file(path: Path, server: FakeLLMServer, out: Path) -> Path:
    path.write_text(
        f"""# two strategies x two models on HumanEval
dataset = "humaneval"
data-file = {json.dumps(str(HUMANEVAL))}
strategies = ["direct", "cot"]
models = ["m-a", "m-b"]
provider = "openai"
base_url = {json.dumps(server.openai_base_url)}
limit = 2
temperature = 0
no-cache = false
out = {json.dumps(str(out))}
""",
        encoding="utf-8",
    )
    return path


def test_a_toml_file_describes_the_runs_and_the_command_line_wins(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    with FakeLLMServer(answers_by_marker(humaneval_answers(2))) as server:
        runs = write_runs_file(tmp_path / "runs.toml", server, out)
        argv = [*CODESIM, "run", "--config", str(runs), "--limit", "1"]
        done = subprocess.run(argv, env=cli_env(tmp_path / "home"), capture_output=True, text=True, timeout=300)
        models = Counter(request.body["model"] for request in server.requests)
    assert done.returncode == 0, done.stderr
    assert models == {"m-a": 2, "m-b": 2}  # 1 task (--limit 1 wins over the file's 2) x 2 strategies each
    names = sorted(path.name for path in out.iterdir())
    assert names == ["humaneval-cot-m-a", "humaneval-cot-m-b", "humaneval-direct-m-a", "humaneval-direct-m-b"]
    for name in names:
        summary = json.loads((out / name / "summary.json").read_text(encoding="utf-8"))
        assert (summary["n_tasks_selected"], summary["pass@1"]) == (1, 1.0)
    assert "comparison" in done.stdout and done.stdout.count("100.0%") == 4
    # `codesim report` on all of them: test_cli_run.test_several_models_and_strategies_in_one_command
    assert "all runs in one report: codesim report " in done.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('dataset = "humaneval"\nmodels = ["m"]\nstrategys = ["direct"]\n', "unknown key 'strategys'"),
        ('dataset = "humaneval"\nstrategy = "direct"\nlimit = 0\n', "argument --limit: expected a number >= 1, got 0"),
        ('dataset = "humaneval"\nstrategy = "direct"\nyes = "please"\n', "yes is a switch: write yes = true or false"),
        ('dataset = "humaneval"\nstrategy = [direct]\n', "not valid TOML"),
        ('strategy = "direct"\n', "--dataset is required (on the command line or in the --config file)"),
    ],
)
def test_a_bad_runs_file_is_one_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    runs = tmp_path / "runs.toml"
    runs.write_text(content, encoding="utf-8")
    argv = [*CODESIM, "run", "--config", str(runs), "--out", str(tmp_path / "out")]
    done = subprocess.run(argv, env=cli_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_switches_in_a_runs_file_read_as_their_flags(tmp_path: Path) -> None:
    from codesim.cli import build_parser
    from codesim.cli.run_file import config_flags

    runs = tmp_path / "runs.toml"
    runs.write_text(
        "faithful = false\nyes = true\nno-cache = false\n"
        'extra-body = {reasoning = {effort = "low"}}\ntask_ids = [1, 2]\n',
        encoding="utf-8",
    )
    run_parser = build_parser("run")._subparsers._group_actions[0].choices["run"]  # type: ignore[union-attr]
    assert config_flags(runs, run_parser) == [
        "--no-faithful",
        "--yes",
        '--extra-body={"reasoning": {"effort": "low"}}',
        "--task-ids=1,2",
    ]


def test_the_readme_runs_file_is_accepted(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    runs = tmp_path / "runs.toml"
    runs.write_text("\n".join(line.strip() for line in block.splitlines()), encoding="utf-8")
    argv = [*CODESIM, "run", "--config", str(runs), "--data-file", str(HUMANEVAL), "--dry-run"]
    done = subprocess.run(argv, env=cli_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("dry run, no model called: humaneval") == 4
    assert "codesim on openai/o3-mini" in done.stdout and "tasks:             20 x 1 sample(s)" in done.stdout
