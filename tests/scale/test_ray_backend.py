"""`codesim run --backend ray` on a local Ray instance started by the test (2 CPUs), against
the scripted fake server: the same results as the local backend, resume after the driver is
killed, and a sample worker killed mid-run recovered."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from scale_support import HUMANEVAL, HumanEvalScript, codesim_run, run_args, run_env

from codesim.testing.fake_llm import FakeLLMServer

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason=f"benchmark data not found at {HUMANEVAL}")

SECRET = "sk-test-7c1e-never-in-results"
WAIT_S = 180.0


def _lines(out: Path) -> list[dict]:
    path = out / "results.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _verdicts(out: Path) -> dict[tuple[str, int], tuple]:
    fields = ("passed", "visible_passed", "solution", "outcome", "llm_calls")
    return {(line["task_id"], line["sample_index"]): tuple(line[f] for f in fields) for line in _lines(out)}


def _wait_for(condition, what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_ray_backend_gives_the_local_results_and_keeps_keys_out(tmp_path: Path, ray_address: str) -> None:
    script = HumanEvalScript(HUMANEVAL, 6, wrong=(2, 4))
    with FakeLLMServer(script) as server:
        common = ("--limit", "6", "--samples", "2", "--temperature", "0.8")
        local = codesim_run(run_args(server.openai_base_url, tmp_path / "local", *common), run_env(tmp_path))
        assert local.returncode == 0, local.stderr
        local_requests = len(server.requests)
        ray_args = run_args(
            server.openai_base_url, tmp_path / "ray", *common, "--backend", "ray", "--ray-address", ray_address
        )
        remote = codesim_run(ray_args, run_env(tmp_path, OPENAI_API_KEY=SECRET))
        assert remote.returncode == 0, remote.stderr
        ray_requests = server.requests[local_requests:]
    assert _verdicts(tmp_path / "ray") == _verdicts(tmp_path / "local")
    assert {key: value[0] for key, value in _verdicts(tmp_path / "ray").items()} == {
        (task_id, sample): passed for task_id, passed in script.expected.items() for sample in (0, 1)
    }
    assert len(ray_requests) == local_requests
    # The key reached the workers (through Ray's runtime environment), and no file of the run.
    auth = {value for r in ray_requests for name, value in r.headers.items() if name.lower() == "authorization"}
    assert auth == {f"Bearer {SECRET}"}
    for path in (tmp_path / "ray").iterdir():
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path.name


def test_ray_run_resumes_after_the_driver_is_killed(tmp_path: Path, ray_address: str) -> None:
    out = tmp_path / "run"
    args = run_args("", out, "--concurrency", "2", "--limit", "8", "--backend", "ray", "--ray-address", ray_address)
    first_script = HumanEvalScript(HUMANEVAL, 8, wrong=(3,))
    with FakeLLMServer(first_script, latency_s=0.4) as server:
        args[args.index("--base-url") + 1] = server.openai_base_url
        driver = subprocess.Popen(args, env=run_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(lambda: len(_lines(out)) >= 2, "two finished samples")
        finally:
            driver.send_signal(signal.SIGKILL)
            driver.wait(30)
    before = _lines(out)
    assert 2 <= len(before) < 8
    second_script = HumanEvalScript(HUMANEVAL, 8, wrong=(3,))
    with FakeLLMServer(second_script) as server:
        args[args.index("--base-url") + 1] = server.openai_base_url
        resumed = codesim_run(args, run_env(tmp_path))
    assert resumed.returncode == 0, resumed.stderr
    after = _lines(out)
    assert after[: len(before)] == before  # finished samples kept as they were
    assert sorted(line["task_id"] for line in after) == sorted(first_script.task_ids)
    assert {line["task_id"] for line in before}.isdisjoint(second_script.calls)  # and not redone
    assert {line["task_id"]: line["passed"] for line in after} == first_script.expected


def _sample_worker_pids() -> list[int]:
    """Ray worker processes running our actor (Ray titles them `ray::SampleWorker...`)."""
    pids = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if cmdline.startswith("ray::SampleWorker"):
            pids.append(process.info["pid"])
    return pids


def test_ray_run_recovers_from_a_worker_killed_mid_run(tmp_path: Path, ray_address: str) -> None:
    out = tmp_path / "run"
    script = HumanEvalScript(HUMANEVAL, 8, wrong=(5,))
    with FakeLLMServer(script, latency_s=0.4) as server:
        args = run_args(
            server.openai_base_url, out, "--concurrency", "4", "--limit", "8", "--backend", "ray",
            "--ray-address", ray_address,
        )  # fmt: skip
        driver = subprocess.Popen(
            args, env=run_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            _wait_for(lambda: len(server.requests) >= 3 and _sample_worker_pids(), "the worker's first calls")
            killed = _sample_worker_pids()
            for pid in killed:
                psutil.Process(pid).kill()
            stdout, stderr = driver.communicate(timeout=WAIT_S)
        finally:
            driver.kill()
    assert killed
    assert driver.returncode == 0, stderr
    lines = _lines(out)
    assert all(line["status"] != "error" for line in lines), [line.get("error") for line in lines]
    assert {line["task_id"]: line["passed"] for line in lines} == script.expected
    assert len(lines) == 8
    # The samples in flight on the killed worker were redone: more calls than the lines record.
    assert sum(script.calls.values()) > sum(line["llm_calls"] for line in lines)
    assert set(_sample_worker_pids()).isdisjoint(killed)
