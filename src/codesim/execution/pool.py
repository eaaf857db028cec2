"""A pool of pre-started fork servers (one per worker) driven from asyncio."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from codesim.errors import CodesimError
from codesim.execution.languages import world_usable

log = logging.getLogger("codesim.execution")

FORKSERVER = Path(__file__).with_name("forkserver.py")
STREAM_LIMIT = 256 * 2**20
START_TIMEOUT_S = 60.0
# The fork server's own environment: built from scratch, it is all a Python child inherits.
SERVER_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
PRELOAD = (
    "array",
    "bisect",
    "collections",
    "copy",
    "dataclasses",
    "datetime",
    "decimal",
    "fractions",
    "functools",
    "hashlib",
    "heapq",
    "itertools",
    "json",
    "math",
    "operator",
    "random",
    "re",
    "statistics",
    "string",
    "typing",
    "unicodedata",
)
DEFAULT_HIDE = ("/root", "/home", "/var/tmp", "/mnt", "/media", "/srv", "/run/user")
# Never hidden: these directories themselves, and everything under the system trees.
SYSTEM_DIRS = {"/", "/var", "/tmp", "/run"}
SYSTEM_TREES = ("/usr", "/etc", "/bin", "/lib", "/lib32", "/lib64", "/sbin", "/opt", "/proc", "/sys", "/dev", "/boot")


class SandboxUnavailable(CodesimError):
    """The sandbox could not start (no usable Python for the fork server, or it crashed at start)."""


class WorkerFault(Exception):
    """A fork server died or stopped answering while serving a request (a harness fault)."""


def sandbox_python() -> str:
    """The interpreter that runs fork servers and Python candidates.

    It must be usable by the unprivileged sandbox user when the harness is root: the running
    interpreter if its files are world-accessible, else the system ``python3``.
    ``$CODESIM_SANDBOX_PYTHON`` overrides the choice.
    """
    override = os.environ.get("CODESIM_SANDBOX_PYTHON")
    if override:
        return override
    candidates = [sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"]
    if os.geteuid() != 0:
        return sys.executable
    for candidate in candidates:
        if os.path.exists(candidate) and world_usable(candidate):
            return os.path.realpath(candidate)
    raise SandboxUnavailable(
        "no Python interpreter usable by the unprivileged sandbox user (install the Debian package "
        "'python3' or set CODESIM_SANDBOX_PYTHON)"
    )


def hidden_paths(extra: tuple[str, ...] = ()) -> list[str]:
    """Directories covered by an empty tmpfs in the sandbox: private homes, the harness's working
    directory, $CODESIM_HOME, $CODESIM_SANDBOX_HIDE (colon-separated) and ``extra``."""
    paths = [*DEFAULT_HIDE, os.getcwd(), os.environ.get("CODESIM_HOME", ""), *extra]
    paths += os.environ.get("CODESIM_SANDBOX_HIDE", "").split(":")
    python_home = os.path.dirname(os.path.dirname(sandbox_python()))
    chosen = []
    for path in paths:
        real = os.path.realpath(path) if path else ""
        in_system_tree = any(real == tree or real.startswith(tree + "/") for tree in SYSTEM_TREES)
        if real and real not in SYSTEM_DIRS and not in_system_tree and not (python_home + "/").startswith(real + "/"):
            chosen.append(real)
    return sorted(set(chosen))


@dataclass
class WorkerConfig:
    """Start-up settings shared by the fork servers of one pool."""

    hide: list[str] = field(default_factory=hidden_paths)
    uid_base: int = int(os.environ.get("CODESIM_SANDBOX_UID_BASE", "60100"))
    uid_count: int = 512
    scratch_mb: int = 1024
    lock_dir: str = os.path.join(tempfile.gettempdir(), "codesim-sandbox-uids")

    def to_json(self) -> dict:
        """The first line sent to a fork server."""
        return {
            "hide": self.hide,
            "uid_base": self.uid_base,
            "uid_count": self.uid_count,
            "scratch_mb": self.scratch_mb,
            "lock_dir": self.lock_dir,
            "preload": list(PRELOAD),
        }


def _jsonable(value: object) -> object:
    """JSON stand-in for test data JSON cannot hold (sets become lists, anything else its repr)."""
    if isinstance(value, (set, frozenset)):
        return list(value)
    return repr(value)


def _pipes(
    process: asyncio.subprocess.Process,
) -> tuple[asyncio.StreamWriter, asyncio.StreamReader, asyncio.StreamReader]:
    """The stdin, stdout and stderr of a process started with all three as pipes."""
    assert process.stdin and process.stdout and process.stderr, "started with stdin, stdout and stderr=PIPE"
    return process.stdin, process.stdout, process.stderr


class Worker:
    """One fork server process and its request channel."""

    def __init__(self, process: asyncio.subprocess.Process, info: dict):
        self.process = process
        self.stdin, self.stdout, self.stderr = _pipes(process)
        self.info = info
        self._stderr_tail = b""
        self._drain = asyncio.create_task(self._drain_stderr())
        self._last_read: asyncio.Future = asyncio.get_running_loop().create_future()
        self._last_read.set_result(None)
        self.borrowers = 0
        self.exclusive = False
        self._killed = False
        self._reaper: asyncio.Task | None = None

    @classmethod
    async def start(cls, config: WorkerConfig) -> Worker:
        """Start a fork server and wait for its ready line."""
        process = await asyncio.create_subprocess_exec(
            sandbox_python(),
            "-I",
            "-B",
            str(FORKSERVER),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=SERVER_ENV,
            cwd="/",
            limit=STREAM_LIMIT,
            start_new_session=True,
        )
        stdin, stdout, stderr_pipe = _pipes(process)
        stdin.write(json.dumps(config.to_json()).encode() + b"\n")
        try:
            line = await asyncio.wait_for(stdout.readline(), START_TIMEOUT_S)
        except asyncio.TimeoutError:
            line = b""
        if not line:
            process.kill()
            stderr = (await stderr_pipe.read())[-2000:].decode("utf-8", "replace")
            raise SandboxUnavailable(f"the sandbox fork server failed to start: {stderr.strip() or 'no output'}")
        info = json.loads(line)
        for problem in info.get("problems", []):
            log.warning("sandbox isolation partly unavailable: %s", problem)
        return cls(process, info)

    @property
    def uid(self) -> int:
        """The uid the worker's children run as."""
        return int(self.info["uid"])

    @property
    def alive(self) -> bool:
        """False once the process has exited or been killed."""
        return not self._killed and self.process.returncode is None

    async def _drain_stderr(self) -> None:
        while chunk := await self.stderr.read(65536):
            self._stderr_tail = (self._stderr_tail + chunk)[-4000:]

    async def request(self, payload: dict, timeout_s: float) -> dict:
        """Send one request and await its answer; WorkerFault (and the worker killed) on failure.

        Requests may be pipelined: each is written at once, and answers are read in order, the
        timeout of one starting when the previous answer has arrived.
        """
        previous, done = self._last_read, asyncio.get_running_loop().create_future()
        self._last_read = done
        try:
            self.stdin.write(json.dumps(payload, default=_jsonable).encode() + b"\n")
            await self.stdin.drain()
            await asyncio.shield(previous)
            line = await asyncio.wait_for(self.stdout.readline(), timeout_s)
        except (asyncio.TimeoutError, ConnectionError, asyncio.LimitOverrunError, ValueError) as err:
            await self.kill()
            raise WorkerFault(f"sandbox worker stopped answering ({type(err).__name__})") from err
        except BaseException:
            # Cancelled mid-request: its answer would be read by the next request. Retire the worker.
            self._killed = True
            self.process.kill()
            self._reaper = asyncio.get_running_loop().create_task(self.kill())
            raise
        finally:
            done.set_result(None)
        if not line:
            await self.kill()
            tail = self._stderr_tail.decode("utf-8", "replace").strip()
            raise WorkerFault(f"sandbox worker died: {tail[-1000:] or 'no message'}")
        answer = json.loads(line)
        if "internal_error" in answer:
            raise WorkerFault(f"sandbox worker error: {answer['internal_error']}")
        return answer

    async def kill(self) -> None:
        """Kill the fork server and anything still running under its uid."""
        self._killed = True
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        self._drain.cancel()
        if self.info.get("root"):
            for proc in psutil.process_iter(["uids"]):
                if proc.info["uids"] and proc.info["uids"].real == self.uid:
                    with contextlib.suppress(psutil.Error):
                        proc.kill()

    async def close(self) -> None:
        """Ask the fork server to exit (end of input), killing it if it does not."""
        if self.alive and not self.stdin.is_closing():
            self.stdin.close()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.process.wait(), 10)
        await self.kill()


class WorkerPool:
    """Up to ``size`` fork servers, started on demand and lent out.

    An exclusive borrower (a run with a build directory: compile, then runs) has its worker to
    itself. Shared borrowers (stateless runs: Python) may be two per worker, so the next run is
    already queued in the fork server when the current one ends.
    """

    SHARED_DEPTH = 2

    def __init__(self, size: int, config: WorkerConfig | None = None):
        self.size = size
        self.config = config or WorkerConfig()
        self._workers: list[Worker] = []
        self._starting = 0
        self._changed = asyncio.Condition()
        # Admission first, so that only borrowers who can be served wait on the condition (no
        # thundering herd of every queued sample on each release).
        self._admit = {True: asyncio.Semaphore(size * self.SHARED_DEPTH), False: asyncio.Semaphore(size)}
        self._closed = False

    @contextlib.asynccontextmanager
    async def worker(self, *, shared: bool = False) -> AsyncIterator[Worker]:
        """Borrow a live worker for the duration of the block."""
        async with self._admit[shared]:
            worker = await self._acquire(shared)
            try:
                yield worker
            finally:
                async with self._changed:
                    worker.borrowers -= 1
                    worker.exclusive = False
                    if not worker.alive:
                        self._workers = [w for w in self._workers if w is not worker]
                    self._changed.notify_all()

    def _shareable(self) -> Worker | None:
        busy = [w for w in self._workers if not w.exclusive and w.borrowers < self.SHARED_DEPTH]
        return min(busy, key=lambda w: w.borrowers) if busy else None

    @staticmethod
    def _lend(worker: Worker, shared: bool) -> Worker:
        worker.borrowers += 1
        worker.exclusive = not shared
        return worker

    async def _acquire(self, shared: bool) -> Worker:
        """An idle worker, else a new one (below ``size``), else (shared) a busy shareable one."""
        async with self._changed:
            while True:
                if self._closed:
                    raise SandboxUnavailable("the sandbox is closed")
                self._workers = [w for w in self._workers if w.alive]
                idle = next((w for w in self._workers if w.borrowers == 0), None)
                if idle is None and len(self._workers) + self._starting < self.size:
                    self._starting += 1
                    break
                worker = idle or (self._shareable() if shared else None)
                if worker is not None:
                    return self._lend(worker, shared)
                await self._changed.wait()
        try:
            worker = await Worker.start(self.config)
        finally:
            async with self._changed:
                self._starting -= 1
                self._changed.notify_all()
        async with self._changed:
            if not self._closed:
                self._workers.append(worker)
                return self._lend(worker, shared)
        await worker.close()  # type: ignore[unreachable]  # mypy keeps `_closed` narrowed across the awaits
        raise SandboxUnavailable("the sandbox is closed")

    def live_workers(self) -> list[Worker]:
        """The fork servers currently running."""
        return [worker for worker in self._workers if worker.alive]

    async def isolation(self) -> dict:
        """What isolation the fork servers have in force (starts one if none runs yet)."""
        async with self.worker(shared=True) as worker:
            return {**worker.info["in_force"], "python": worker.info["python"], "uid": worker.uid}

    async def aclose(self) -> None:
        """Stop every fork server; a borrower still waiting (or arriving) gets SandboxUnavailable
        instead of starting a new one."""
        async with self._changed:
            self._closed = True
            self._changed.notify_all()
        workers, self._workers = self._workers, []
        await asyncio.gather(*(worker.close() for worker in workers))
