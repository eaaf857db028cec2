"""Storage faults as a user meets them, through `codesim run` / `evaluate` subprocesses against the
fake LLM server: each is one line and loses no answer. Full and read-only places are small tmpfs
mounts (we are root), so the faults are the kernel's own ENOSPC and EROFS."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cli_support import HUMANEVAL, Cli, answers_by_marker, humaneval_answers, humaneval_evaluate_argv, run_codesim

from codesim.testing.fake_llm import FakeLLMServer

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason="HumanEval data not present")
requires_root = pytest.mark.skipif(os.geteuid() != 0, reason="tmpfs mounts need root")
CANONICAL = answers_by_marker(humaneval_answers(6))  # the canonical solution of each of the first 6 tasks


def run(server: FakeLLMServer, home: Path, out: Path, limit: int) -> subprocess.CompletedProcess[str]:
    return Cli(server, home).run(out, "--limit", str(limit), "--concurrency", "1")


def results(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def warnings(stderr: str, words: str) -> list[str]:
    return [line for line in stderr.splitlines() if words in line]


@contextmanager
def tmpfs(path: Path, size_kb: int) -> Iterator[Path]:
    """A fresh tmpfs of `size_kb` KiB mounted on `path` for the block."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def fill(directory: Path, leave_bytes: int = 0) -> Path:
    """Fill the file system of `directory` up to `leave_bytes` free; the filler file."""
    filler = directory / "filler"
    stat = os.statvfs(directory)
    filler.write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave_bytes))
    try:
        with open(filler, "ab") as handle:  # the last partial pages too
            while leave_bytes == 0:
                handle.write(b"\0" * 512)
                handle.flush()
    except OSError:
        pass
    return filler


def make_read_only(path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)


# --- the response cache --------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbled", "truncated"])
def test_a_corrupt_cache_is_set_aside_and_a_new_one_started(tmp_path: Path, damage: str) -> None:
    home = tmp_path / "home"
    cache = home / "cache.sqlite3"
    with FakeLLMServer(CANONICAL) as server:
        if damage == "garbled":
            home.mkdir()
            cache.write_bytes(b"\xde\xad\xbe\xef" * 4096)
        else:
            assert run(server, home, tmp_path / "first", 3).returncode == 0
            os.truncate(cache, cache.stat().st_size // 2)
            for side in home.glob("cache.sqlite3-*"):
                side.unlink()
        before = len(server.requests)
        done = run(server, home, tmp_path / "out", 3)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert len(warnings(done.stderr, "was corrupt")) == 1, done.stderr
        assert [r["passed"] for r in results(tmp_path / "out")] == [True] * 3
        assert len(list(home.glob("cache.sqlite3.corrupt-*"))) == 1
        asked = len(server.requests) - before
        again = run(server, home, tmp_path / "again", 3)  # the new cache answers everything
    assert asked == 3 and again.returncode == 0 and len(server.requests) - before == 3


@requires_root
@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_an_unusable_codesim_home_runs_on_without_the_cache(tmp_path: Path, fault: str) -> None:
    with FakeLLMServer(CANONICAL) as server, tmpfs(tmp_path / "home", 64) as home:
        if fault == "full":
            fill(home)
        else:
            make_read_only(home)
        done = run(server, home, tmp_path / "out", 4)
        requests = len(server.requests)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert len(warnings(done.stderr, "cannot use the response cache")) == 1, done.stderr
    assert requests == 4 and [r["passed"] for r in results(tmp_path / "out")] == [True] * 4


# --- the run directory ---------------------------------------------------------------------------


@requires_root
def test_a_full_out_directory_stops_with_one_line_and_the_same_command_resumes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with FakeLLMServer(CANONICAL) as server, tmpfs(tmp_path / "out", 128) as out:
        filler = fill(out, leave_bytes=16 * 1024)  # room for config.json and a few results lines
        stopped = run(server, home, out, 6)
        written = results(out) if (out / "results.jsonl").exists() else []
        filler.unlink()
        resumed = run(server, home, out, 6)
        requests = len(server.requests)
        lines = results(out) if resumed.returncode == 0 else []
    assert stopped.returncode == 1 and "Traceback" not in stopped.stderr
    last = stopped.stderr.strip().splitlines()[-1]
    assert last.startswith(f"codesim: error: cannot write {out}") and "No space left on device" in last
    assert "run the same command again to resume" in last
    assert 1 <= len(written) < 6
    assert resumed.returncode == 0, resumed.stderr
    assert lines[: len(written)] == written  # nothing written before the fault was lost
    assert sorted(r["task_id"] for r in lines) == sorted(f"HumanEval/{n}" for n in range(6))
    assert requests == 6  # the answer whose line could not be written came from the cache


@requires_root
def test_a_read_only_out_directory_is_one_line(tmp_path: Path) -> None:
    with FakeLLMServer(CANONICAL) as server, tmpfs(tmp_path / "out", 64) as out:
        make_read_only(out)
        done = run(server, tmp_path / "home", out, 1)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"codesim: error: cannot write {out}: Read-only file system; free space or make it writable, "
        "then run the same command again to resume (finished samples are kept)"
    ]


# --- malformed content ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        ("results.jsonl", "{}\n", "results.jsonl:1: missing 'task_id'"),
        ("results.jsonl", "[1, 2]\n", "results.jsonl:1: expected a JSON object, got list"),
        (
            "results.jsonl",
            '{"task_id": "HumanEval/0", "sample_index": "0"}\n',
            "results.jsonl:1: 'sample_index' should be int, got str",
        ),
        ("config.json", "[]", "config.json:1: expected a JSON object, got list"),
    ],
)
def test_malformed_run_files_are_one_line_naming_file_and_line(
    tmp_path: Path, file: str, content: str, message: str
) -> None:
    out = tmp_path / "out"
    with FakeLLMServer(CANONICAL) as server:
        assert run(server, tmp_path / "home", out, 1).returncode == 0
        (out / file).write_text(content, encoding="utf-8")
        done = run(server, tmp_path / "home", out, 2)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"codesim: error: {out / file}{message.removeprefix(file)}"]


def test_a_samples_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    samples = tmp_path / "samples.jsonl"
    samples.write_bytes(
        b'{"task_id": "HumanEval/0", "solution": "x = 1"}\n{"task_id": "HumanEval/1", "solution": "\xff"}\n'
    )
    done = run_codesim(humaneval_evaluate_argv(samples), tmp_path / "home")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"codesim: error: {samples}:2: not UTF-8 text (byte 0xff)"]
