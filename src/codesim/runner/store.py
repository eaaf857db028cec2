"""A run directory on disk: an exclusive lock, config.json, results.jsonl, summary.json.

results.jsonl is append-only: each finished sample is one `os.write` of one complete line on
an O_APPEND descriptor, followed by fsync. A kill can therefore only leave a torn LAST line
(no trailing newline), which `ResultsFile.load` cuts off before the run continues. JSON files
are replaced atomically (temporary file + rename)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from codesim.atomic import write_json_atomically, write_jsonl_atomically
from codesim.errors import StorageError, UsageError
from codesim.results_schema import SCHEMA_VERSION, read_json_object, read_results_file

RESULTS_FILE = "results.jsonl"
CONFIG_FILE = "config.json"
SUMMARY_FILE = "summary.json"
_LOCK_FILE = ".lock"

SampleKey = tuple[str, int]


def sample_key(record: dict[str, Any]) -> SampleKey:
    """(task_id, sample_index) of a results line."""
    return str(record["task_id"]), int(record["sample_index"])


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a failed write of `path` (disk full, read-only, no permission) into one StorageError
    line naming it and saying how to go on."""
    try:
        yield
    except OSError as err:
        raise StorageError(
            f"cannot write {path}: {err.strerror or err}; free space or make it writable, "
            "then run the same command again to resume (finished samples are kept)"
        ) from None


def earlier_wall_seconds(run_path: Path, records: list[dict[str, Any]]) -> tuple[float, list[float]]:
    """The wall time of a run's earlier invocations and their start times (epoch seconds).

    summary.json gives the total of the invocations it lists in `invocations`; an invocation
    killed before writing a summary counts from its start (`invocation_started` of its results
    lines) to its last finished sample (their latest `finished_at`)."""
    path = run_path / SUMMARY_FILE
    summary = read_json_object(path) if path.is_file() else {}
    known = summary.get("invocations")
    known = [start for start in known if isinstance(start, (int, float))] if isinstance(known, list) else []
    killed: dict[float, float] = {}
    for record in records:
        start, end = record.get("invocation_started"), record.get("finished_at")
        if isinstance(start, (int, float)) and isinstance(end, (int, float)) and start not in known:
            killed[start] = max(killed.get(start, start), end)
    seconds = float(summary.get("wall_seconds") or 0.0) + sum(end - start for start, end in killed.items())
    return seconds, sorted([*known, *killed])


def recorded_wall_seconds(run_path: Path) -> float:
    """The wall time of a run's invocations so far, from its summary.json (0 without one)."""
    path = run_path / SUMMARY_FILE
    return float(read_json_object(path).get("wall_seconds", 0.0)) if path.is_file() else 0.0


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class ResultsFile:
    """results.jsonl: resume-safe reading and atomic, durable appends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.dropped_torn_line = False

    def load(self) -> list[dict[str, Any]]:
        """Every complete line, in file order, read by `read_results_file` (one torn-line
        policy for every reader); a torn last line is then cut off the file so the run can
        append after it."""
        read = read_results_file(self.path)
        if read.torn:
            with writing(self.path), open(self.path, "r+b") as handle:
                handle.truncate(read.good_bytes)
                os.fsync(handle.fileno())
            self.dropped_torn_line = True
        return read.records()

    def has_lines(self) -> bool:
        """Whether anything was written yet."""
        return self.path.exists() and self.path.stat().st_size > 0

    def append(self, record: dict[str, Any]) -> None:
        """Append one line in a single write and fsync it."""
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with writing(self.path):
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                _write_all(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def rewrite(self, records: list[dict[str, Any]]) -> None:
        """Replace the file's content atomically by `records` (used to drop retried error lines)."""
        with writing(self.path):
            write_jsonl_atomically(self.path, records)


class RunDirectory:
    """A run's directory, held under an exclusive lock while a run uses it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.results = ResultsFile(path / RESULTS_FILE)
        self._lock_fd: int | None = None

    def __enter__(self) -> RunDirectory:
        with writing(self.path):
            self.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path / _LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise UsageError(
                f"another 'codesim run' is using {self.path}; wait for it or use another {{out}}", settings=("out",)
            ) from None
        except ImportError:  # no fcntl (Windows): run without the lock
            pass
        self._lock_fd = fd
        for name in (RESULTS_FILE, CONFIG_FILE, SUMMARY_FILE):  # left by a kill during a replace
            for stale in self.path.glob(f".{name}.*.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink(missing_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None

    def stored_config(self) -> dict[str, Any] | None:
        """The existing config.json, None for a fresh directory; refuses a directory with
        results but no config (not a codesim run)."""
        config_path = self.path / CONFIG_FILE
        if config_path.exists():
            return read_json_object(config_path)
        if self.results.path.exists() and self.results.path.stat().st_size:
            raise UsageError(
                f"{self.path} has a {RESULTS_FILE} but no {CONFIG_FILE}; use another {{out}}", settings=("out",)
            )
        return None

    def write_config(self, config: dict[str, Any]) -> None:
        """Write config.json atomically."""
        with writing(self.path / CONFIG_FILE):
            write_json_atomically(self.path / CONFIG_FILE, {**config, "schema_version": SCHEMA_VERSION})

    def write_summary(self, summary: dict[str, Any]) -> None:
        """Write summary.json atomically."""
        with writing(self.path / SUMMARY_FILE):
            write_json_atomically(self.path / SUMMARY_FILE, summary)
