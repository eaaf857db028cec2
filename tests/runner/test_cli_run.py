"""`codesim run` as a real subprocess against the fake LLM server, on real benchmark rows:
kill and resume, Ctrl-C, budget stop, config change, samples."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import CODESIM, HUMANEVAL, Cli, answers_by_marker, humaneval_answers, humaneval_run_argv, read_jsonl

from codesim.testing.fake_llm import FakeLLMServer, FakeReply, FakeRequest

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"benchmark data not found at {HUMANEVAL}")


def task_of(answers: dict[str, str]) -> Callable[[FakeRequest], str]:
    """Which task (marker) a request is about."""
    return lambda request: next(marker for marker in answers if marker in request.all_text)


def wait_for_lines(path: Path, count: int, process: subprocess.Popen[str], timeout_s: float = 120) -> None:
    """Wait until `path` has `count` complete lines (fail if the run ends or time runs out)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    pytest.fail(f"{path} did not reach {count} lines")


def keys(lines: list[dict]) -> list[tuple[str, int]]:
    return sorted((line["task_id"], line["sample_index"]) for line in lines)


def test_sigkill_at_any_moment_then_resume_loses_nothing(tmp_path: Path) -> None:
    answers = humaneval_answers(10, wrong=(3,))
    results = tmp_path / "out" / "results.jsonl"
    with FakeLLMServer(answers_by_marker(answers), latency_s=0.3) as server:
        cli = Cli(server, tmp_path / "home")
        # kill at a random moment (maybe still starting up), then after 1 and 2 more finished samples;
        # the first kill comes early enough (at most ~4 of the 10 samples done) to leave 3 to do
        for more_lines in (None, 1, 2):
            before = len(read_jsonl(results)) if results.exists() else 0
            process = cli.start(tmp_path / "out", "--limit", "10", "--concurrency", "2")
            if more_lines is None:
                time.sleep(random.uniform(0.2, 1.5))
            else:
                wait_for_lines(results, before + more_lines, process)
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=60)
            assert process.returncode == -signal.SIGKILL
            lines = read_jsonl(results) if results.exists() else []  # every line complete and valid
            assert len(set(keys(lines))) == len(lines) >= before + (more_lines or 0)
            for name in ("config.json", "summary.json"):  # absent (killed early) or whole
                if (tmp_path / "out" / name).exists():
                    json.loads((tmp_path / "out" / name).read_text(encoding="utf-8"))
        with open(results, "ab") as handle:  # and a line torn by a kill in the middle of a write
            handle.write(b'{"task_id": "HumanEval/9", "sample_ind')
        done = cli.run(tmp_path / "out", "--limit", "10", "--concurrency", "2")
    assert done.returncode == 0, done.stderr
    assert "dropped a torn last line" in done.stderr
    lines = read_jsonl(results)
    assert keys(lines) == sorted((f"HumanEval/{n}", 0) for n in range(10))
    assert [line["passed"] for line in sorted(lines, key=lambda line: int(line["task_id"].split("/")[1]))] == [
        n != 3 for n in range(10)
    ]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["n_samples"], summary["complete"], summary["pass@1"]) == (10, True, 0.9)


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path: Path) -> None:
    answers = humaneval_answers(8)
    out = tmp_path / "out"
    with FakeLLMServer(answers_by_marker(answers), latency_s=1.0) as server:
        cli = Cli(server, tmp_path / "home")
        process = cli.start(out, "--limit", "8", "--concurrency", "1")
        wait_for_lines(out / "results.jsonl", 1, process)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 130, stderr
        assert "codesim: interrupted:" in stderr and "run the same command again to resume" in stderr
        assert "Traceback" not in stderr
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["stopped"] == "interrupted" and summary["complete"] is False
        assert summary["n_samples"] == len(read_jsonl(out / "results.jsonl")) < 8
        done = cli.run(out, "--limit", "8", "--concurrency", "4")
    assert done.returncode == 0, done.stderr
    assert keys(read_jsonl(out / "results.jsonl")) == sorted((f"HumanEval/{n}", 0) for n in range(8))


def test_budget_stop_then_continue(tmp_path: Path) -> None:
    answers = humaneval_answers(4)
    out = tmp_path / "out"
    with FakeLLMServer(answers_by_marker(answers)) as server:
        cli = Cli(server, tmp_path / "home")
        stopped = cli.run(out, "--limit", "4", "--concurrency", "1", "--budget-tokens", "50")
        assert stopped.returncode == 3, stopped.stderr
        assert "the budget of 50 new tokens is spent" in stopped.stderr
        assert len(server.requests) == 1 and len(read_jsonl(out / "results.jsonl")) == 1
        assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["stopped"] == "budget"
        done = cli.run(out, "--limit", "4")
    assert done.returncode == 0, done.stderr
    assert len(server.requests) == 4 and len(read_jsonl(out / "results.jsonl")) == 4


def test_changed_config_under_the_same_out_is_refused(tmp_path: Path) -> None:
    answers = humaneval_answers(2)
    out = tmp_path / "out"
    with FakeLLMServer(answers_by_marker(answers)) as server:
        cli = Cli(server, tmp_path / "home")
        assert cli.run(out, "--limit", "1").returncode == 0
        before = (out / "results.jsonl").read_bytes(), (out / "config.json").read_bytes()
        refused = cli.run(out, "--limit", "2", "--temperature", "0.7")
        after = (out / "results.jsonl").read_bytes(), (out / "config.json").read_bytes()
        other_strategy = subprocess.run(
            [*cli.argv(out, "--limit", "2"), "--max-plan-tries", "2"],
            env=cli.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"codesim: error: {out} holds a run with a different configuration (model.temperature: 0.0 -> 0.7); "
        "use another --out, or delete that directory to start over"
    ]
    assert after == before
    assert other_strategy.returncode == 0  # direct has no plan tries: noted, ignored, same config
    assert "strategy 'direct' has no --max-plan-tries; ignored" in other_strategy.stderr


def test_samples_reach_the_server_as_separate_requests(tmp_path: Path) -> None:
    answers = humaneval_answers(2)
    which = task_of(answers)
    counts: Counter[str] = Counter()

    def respond(request: FakeRequest) -> FakeReply:
        counts[which(request)] += 1
        return answers_by_marker(answers)(request)

    out = tmp_path / "out"
    with FakeLLMServer(respond) as server:
        cli = Cli(server, tmp_path / "home")
        first = cli.run(out, "--limit", "2", "--samples", "3")
        assert first.returncode == 0, first.stderr
        assert sorted(counts.values()) == [3, 3]
        again = cli.run(out, "--limit", "2", "--samples", "3")
        assert again.returncode == 0 and sum(counts.values()) == 6  # resumed: nothing redone
    assert keys(read_jsonl(out / "results.jsonl")) == [(f"HumanEval/{t}", s) for t in range(2) for s in range(3)]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["pass@1"], summary["pass@2"], summary["samples_per_task"]) == (1.0, 1.0, 3)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--strategy", "nope"), "unknown strategy 'nope'"),
        (("--strategy", "direct", "--language", "cpp"), "--language cpp: HumanEval/0 is a Python function problem"),
        (("--strategy", "direct", "--task-ids", "HumanEval/0,HumanEval/999"), "HumanEval/999"),
        (("--strategy", "codesim", "--max-plan-tries", "0"), "max_plan_tries=0: must be at least 1"),
    ],
)
def test_usage_errors_are_one_line(tmp_path: Path, extra: tuple[str, ...], message: str) -> None:
    argv = humaneval_run_argv(
        *extra, "--provider", "openai", "--base-url", "http://127.0.0.1:9/v1", "--out", str(tmp_path / "out")
    )
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=120, env={**os.environ, "CODESIM_HOME": str(tmp_path)}
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_a_task_without_visible_tests_is_its_own_state(tmp_path: Path) -> None:
    rows = {
        json.loads(line)["task_id"]: json.loads(line) for line in HUMANEVAL.read_text(encoding="utf-8").splitlines()
    }
    answers = {f"def {rows[t]['entry_point']}(": rows[t]["prompt"] + rows[t]["canonical_solution"] for t in rows}
    out = tmp_path / "out"
    with FakeLLMServer(answers_by_marker(answers)) as server:
        done = Cli(server, tmp_path / "home").run(out, "--task-ids", "HumanEval/0,HumanEval/41")
    assert done.returncode == 0, done.stderr
    lines = {line["task_id"]: line for line in read_jsonl(out / "results.jsonl")}
    assert (lines["HumanEval/41"]["visible_tests"], lines["HumanEval/41"]["visible_passed"]) == (0, None)
    assert lines["HumanEval/0"]["visible_tests"] > 0 and lines["HumanEval/0"]["visible_passed"] is True
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["visible_pass_rate"], summary["without_visible_tests"], summary["pass@1"]) == (1.0, 1, 1.0)
    assert "no visible tests to run" in lines["HumanEval/41"]["trace"][-1]["note"]


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_server_stops_the_run_at_once_with_one_line(tmp_path: Path) -> None:
    port = free_port()
    out = tmp_path / "out"
    argv = humaneval_run_argv("--strategy", "direct", "--limit", "10", "--provider", "vllm")  # default retries: 6
    argv += ["--base-url", f"http://127.0.0.1:{port}/v1", "--model", "m", "--out", str(out)]
    started = time.monotonic()
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=120, env={**os.environ, "CODESIM_HOME": str(tmp_path)}
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    assert elapsed < 20, elapsed  # the connection attempts give up after ~5 s (backing off 6 times took ~60 s)
    last_line = done.stderr.strip().splitlines()[-1]
    assert last_line.startswith("codesim: error: the provider cannot be reached: vllm (model m): "), last_line
    assert f"cannot connect to http://127.0.0.1:{port}/v1" in last_line
    assert last_line.endswith("then run the same command again to resume")
    [record] = read_jsonl(out / "results.jsonl")  # one sample tried, the other nine never started
    assert (record["status"], record["error_kind"]) == ("error", "unreachable")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["pass@1"], summary["complete"], summary["stopped"]) == (None, False, "provider_unreachable")


def test_a_refused_request_is_a_configuration_error_without_a_retry_hint(tmp_path: Path) -> None:
    refusal = '{"error": {"message": "Unsupported parameter: \'max_tokens\'. Use \'max_completion_tokens\' instead."}}'
    with FakeLLMServer(lambda request: FakeReply(status=400, raw_body=refusal)) as server:
        done = Cli(server, tmp_path / "home").run(tmp_path / "out", "--limit", "5")
        assert len(server.requests) == 1
    assert done.returncode == 2, done.stderr
    last_line = done.stderr.strip().splitlines()[-1]
    assert last_line.startswith("codesim: error: the provider refused the request: openai (model fake-coder): HTTP 400")
    assert "Use 'max_completion_tokens' instead" in last_line
    assert "retrying it unchanged will not help" in last_line and "run the same command again" not in last_line


def test_a_failed_sample_is_never_scored_and_the_exit_is_non_zero(tmp_path: Path) -> None:
    answers = humaneval_answers(3)
    marker = "def below_zero("  # HumanEval/3

    def respond(request: FakeRequest) -> FakeReply:
        if marker in request.all_text:
            return FakeReply(status=503, raw_body='{"error": {"message": "overloaded"}}')
        return answers_by_marker(answers)(request)

    out = tmp_path / "out"
    with FakeLLMServer(respond) as server:
        cli = Cli(server, tmp_path / "home")
        done = cli.run(out, "--limit", "4", "--max-retries", "0", "--concurrency", "1")
        assert done.returncode == 1, done.stderr
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert (summary["pass@1"], summary["complete"], summary["errors"]) == (None, False, 1)
        last_line = done.stderr.strip().splitlines()[-1]
        assert last_line.startswith(
            "codesim: 1 sample failed at the provider (last: openai (model fake-coder): HTTP 503"
        )
        assert last_line.endswith("pass@k is not computed until it is redone; run the same command again to retry it")
        server.responder = answers_by_marker({**answers, marker: "def below_zero(operations):\n    return False\n"})
        again = cli.run(out, "--limit", "4", "--max-retries", "0")
    assert again.returncode == 0, again.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["pass@1"], summary["complete"], summary["errors"]) == (0.75, True, 0)


def test_readme_exit_status_table_matches_the_code() -> None:
    from codesim.cli import run_cmd
    from codesim.errors import ProviderRejected, ProviderUnreachable, StorageError, UsageError

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit status of `codesim run`", 1)[1].split("\n\n", 2)[1]
    documented = {int(row.split("|")[1].strip(" `")) for row in section.splitlines()[2:]}
    in_code = {*run_cmd.EXIT_CODES.values(), run_cmd.FAILED_SAMPLES_EXIT}
    in_code |= {UsageError.exit_code, ProviderRejected.exit_code, ProviderUnreachable.exit_code, StorageError.exit_code}
    assert documented == in_code
    docstring = run_cmd.__doc__.split("Exit status", 1)[1].splitlines()[1:]
    docstring_codes = {int(line.split()[0]) for line in docstring if line.strip() and line.split()[0].isdigit()}
    assert docstring_codes == in_code


def test_a_missing_api_key_is_one_line_and_creates_no_run_directory(tmp_path: Path) -> None:
    argv = humaneval_run_argv(
        "--strategy",
        "direct",
        "--provider",
        "groq",
        "--model",
        "m",
        "--limit",
        "1",
        "--out",
        str(tmp_path / "out"),
    )
    env = {k: v for k, v in os.environ.items() if k != "GROQ_API_KEY"} | {"CODESIM_HOME": str(tmp_path / "home")}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "codesim: error: provider 'groq' needs an API key: set the environment variable GROQ_API_KEY"
    ]
    assert not (tmp_path / "out").exists()


def test_several_models_and_strategies_in_one_command(tmp_path: Path) -> None:
    answers = humaneval_answers(2)
    out = tmp_path / "runs"
    with FakeLLMServer(answers_by_marker(answers)) as server:
        done = Cli(server, tmp_path / "home").run(out, "--limit", "2", "--strategy", "direct,cot", "--model", "m-a,m-b")
        models = Counter(request.body["model"] for request in server.requests)
    assert done.returncode == 0, done.stderr
    assert models == {"m-a": 4, "m-b": 4}  # 2 tasks x 2 strategies each
    names = sorted(path.name for path in out.iterdir())
    assert names == ["humaneval-cot-m-a", "humaneval-cot-m-b", "humaneval-direct-m-a", "humaneval-direct-m-b"]
    for name in names:
        summary = json.loads((out / name / "summary.json").read_text(encoding="utf-8"))
        assert (summary["pass@1"], summary["complete"]) == (1.0, True)
    table = done.stdout[done.stdout.index("comparison") :]
    assert all(name in table for name in ("m-a", "m-b", "direct", "cot")) and table.count("100.0%") == 4
    assert "all runs in one report: codesim report " in done.stdout
    report = subprocess.run(
        [*CODESIM, "report", *[str(out / name) for name in names], "-o", str(tmp_path / "r.html")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.returncode == 0, report.stderr
    assert "run 1 of 4: direct on m-a" in done.stderr and "run 4 of 4: cot on m-b" in done.stderr


def test_a_usage_error_of_one_run_among_several_names_its_flag_and_the_others_go_on(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    taken = out / "humaneval-direct-fake-coder"  # not a codesim run: results but no config
    taken.mkdir(parents=True)
    (taken / "results.jsonl").write_text('{"task_id": "HumanEval/0"}\n', encoding="utf-8")
    with FakeLLMServer(answers_by_marker(humaneval_answers(1))) as server:
        done = Cli(server, tmp_path / "home").run(out, "--limit", "1", "--strategy", "direct,cot")
    assert done.returncode == 2
    assert (
        f"codesim: error: {taken} has a results.jsonl but no config.json; use another --out" in done.stderr.splitlines()
    )
    assert json.loads((out / "humaneval-cot-fake-coder" / "summary.json").read_text(encoding="utf-8"))["pass@1"] == 1.0
