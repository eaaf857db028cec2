"""The fork server: a pre-started supervisor process, one per pool worker.

Runs on the sandbox's Python (stdlib only), started by the harness with an environment built
from scratch. At start-up it leases a private uid (when root), enters fresh network and mount
namespaces where the kernel allows, and pre-imports common modules. Then it serves JSON-line
requests on stdin, one at a time:

- ``open``: create a private build directory with the given files (owned by the worker's uid).
- ``run``: fork a child that starts a new session, drops privileges, applies the rlimits and then
  either execs a program or runs the Python driver in the fresh process (no interpreter start);
  capture stdout/stderr/records with byte budgets, enforce the wall-clock timeout, kill the whole
  process tree at the end (process group + sweep of the uid), and answer with the raw outcome.
- ``seal``: make the build directory read-only for the sandbox user (after a compile step).
- ``close``: delete the build directory.
The child never shares memory with the harness: only with this small supervisor, copy-on-write.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import json
import os
import resource
import selectors
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import driver  # noqa: E402
import isolation  # noqa: E402
import limits as limits_module  # noqa: E402

del sys.path[0]

READ_CHUNK = 65536
DRAIN_AFTER_EXIT_S = 0.05
RECORD_POLL_S = 0.05
F_SETPIPE_SZ = 1031
HIGH_FD = 20
RECORD_FD = 3
STATUS_FD = 4


class Supervisor:
    """State of one worker: its uid, its scratch directory and the current build directory."""

    def __init__(self, config: dict):
        self.root = os.geteuid() == 0
        self.in_force = {
            "unprivileged_user": False,
            "network_namespace": False,
            "ipc_namespace": False,
            "mount_namespace": False,
            "read_only_host": False,
            "pid_namespace": False,
        }
        if os.getsid(0) != os.getpid():
            os.setsid()  # a session without a controlling terminal, shared by all runs
        isolation.prctl(isolation.PR_SET_CHILD_SUBREAPER, 1)
        isolation.prctl(isolation.PR_SET_NO_NEW_PRIVS, 1)  # inherited by every run
        self.problems: list[str] = []
        if self.root:
            isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
            self.uid, self._lock_fd = isolation.lease_uid(config["lock_dir"], config["uid_base"], config["uid_count"])
            self.in_force["unprivileged_user"] = True
            try:
                in_force, problems = isolation.enter_namespaces("/tmp", config["hide"], config["scratch_mb"])
                self.in_force.update(in_force)
                self.problems += problems
            except OSError as err:
                self.problems.append(f"namespaces: {err}")
            self.in_force["pid_namespace"] = isolation.enter_pid_namespace()
        else:
            self.uid = os.getuid()
        if not self.in_force["pid_namespace"]:
            # Without a PID namespace (no root, or refused): on the harness's death, kill the runs, then go.
            sweep_uid = self.uid if self.root else None
            signal.signal(signal.SIGTERM, lambda signum, frame: _sweep_and_exit(signum, sweep_uid))
            isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGTERM)
        if self.in_force["mount_namespace"]:
            self.scratch = tempfile.mkdtemp(prefix="worker-", dir="/tmp")
        else:
            self.scratch = tempfile.mkdtemp(prefix="codesim-sandbox-")
        os.chmod(self.scratch, 0o711)
        self.gid = self.uid if self.root else os.getgid()
        self.build: str | None = None
        for name in config.get("preload", ()):
            try:
                __import__(name)
            except ImportError:
                pass
        sys.path[:] = [path for path in sys.path if path and os.path.isdir(path)]
        # Children must not copy every page the collector would touch: freeze what exists now.
        gc.collect()
        gc.freeze()

    def _own(self, path: str) -> None:
        if self.root:
            os.chown(path, self.uid, self.gid)

    def open(self, request: dict) -> dict:
        """Create the build directory holding ``request["files"]``."""
        self.close({})
        self.build = tempfile.mkdtemp(prefix="build-", dir=self.scratch)
        self._own(self.build)
        for name, content in request.get("files", {}).items():
            path = os.path.join(self.build, os.path.basename(name))
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(content)
            self._own(path)
        return {"ok": True, "build": self.build}

    def seal(self, request: dict) -> dict:
        """Give the build directory to root, readable but not writable by the sandbox user."""
        if self.build and self.root:
            for parent, _dirs, files in os.walk(self.build):
                os.chown(parent, 0, 0)
                os.chmod(parent, 0o755)
                for name in files:
                    path = os.path.join(parent, name)
                    if not os.path.islink(path):
                        os.chown(path, 0, 0)
                        os.chmod(path, 0o755 if os.stat(path).st_mode & 0o100 else 0o644)
        return {"ok": True}

    def close(self, request: dict) -> dict:
        """Delete the build directory."""
        if self.build:
            shutil.rmtree(self.build, ignore_errors=True)
            self.build = None
        return {"ok": True}

    def run(self, request: dict) -> dict:
        """Run one program or Python driver call in a fresh child; return its raw outcome."""
        fresh = None
        if request.get("cwd") == "build" and self.build:
            cwd = self.build
        else:
            cwd = fresh = tempfile.mkdtemp(prefix="run-", dir=self.scratch)
            self._own(fresh)
        try:
            return self._run_in(request, cwd)
        finally:
            if fresh:
                shutil.rmtree(fresh, ignore_errors=True)

    def _substitute(self, value: str, cwd: str) -> str:
        return value.replace("{build}", self.build or cwd).replace("{cwd}", cwd)

    def _run_in(self, request: dict, cwd: str) -> dict:
        limits = limits_module.Limits.from_json(request["limits"])
        env = {key: self._substitute(value, cwd) for key, value in request.get("env", {}).items()}
        argv = [self._substitute(arg, cwd) for arg in request["argv"]] if request.get("argv") else None
        stdin_fd = os.memfd_create("stdin")
        os.write(stdin_fd, request.get("stdin", "").encode("utf-8"))
        os.lseek(stdin_fd, 0, os.SEEK_SET)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        rec_r, rec_w = os.pipe()
        try:
            fcntl.fcntl(rec_w, F_SETPIPE_SZ, 2**20)  # records rarely fill it between two polls
        except OSError:
            pass
        status_r, status_w = os.pipe2(os.O_CLOEXEC)
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            self._child(request, argv, env, cwd, limits, (stdin_fd, out_w, err_w, rec_w, status_w))
        for fd in (stdin_fd, out_w, err_w, rec_w, status_w):
            os.close(fd)
        outcome = _Capture(request, pid, started).supervise(out_r, err_r, rec_r)
        outcome.finish(pid)
        isolation.sweep(self.uid if self.root else None)
        if self.in_force["mount_namespace"]:
            isolation.empty_private_dirs()
        with os.fdopen(status_r, "rb") as status:
            setup = status.read(65536)
        result = outcome.to_json()
        result["setup_error"] = json.loads(setup) if setup else None
        return result

    def _nproc(self, limits: limits_module.Limits) -> int | None:
        if self.root:
            return limits.max_processes
        return None

    def _child(self, request, argv, env, cwd, limits, fds) -> None:
        """In the forked child: isolate, limit, then exec or run the driver. Never returns."""
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the server's own handler is not the run's
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, HIGH_FD) for fd in fds]
            for target, fd in zip((0, 1, 2, RECORD_FD, STATUS_FD), high, strict=True):
                os.dup2(fd, target, inheritable=target != STATUS_FD)
            os.closerange(STATUS_FD + 1, 65536)
            os.setpgid(0, 0)  # own process group; the server's session has no terminal
            os.chdir(cwd)
            os.umask(0o022)
            if self.root:
                isolation.drop_privileges(self.uid, self.gid)
            isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
            limits_module.apply_limits(limits, self._nproc(limits))
        except BaseException as exc:  # noqa: BLE001
            _report_setup_failure("setup", exc)
            os._exit(125)
        if argv:
            os.close(RECORD_FD)
            try:
                os.execve(argv[0], argv, env)
            except BaseException as exc:  # noqa: BLE001
                _report_setup_failure("exec", exc)
                os._exit(126)
        os.close(STATUS_FD)
        try:
            _reset_python_process(env)
            python = request["python"]
            if python["mode"] == "tests":
                driver.run_function_tests(
                    python["code"], python["tests"], python.get("entry_point"), RECORD_FD, python["nonce"]
                )
                os._exit(0)
            os.close(RECORD_FD)
            os._exit(driver.run_program(python["code"]))
        except BaseException:  # noqa: BLE001
            os._exit(1)


def _sweep_and_exit(signum: int, uid: int | None) -> None:
    """On SIGTERM (the parent-death signal when there is no PID namespace): kill every process of
    the runs (those of ``uid`` when given), then exit."""
    isolation.sweep(uid)
    os._exit(128 + signum)


def _pidfd(pid: int) -> int | None:
    """A descriptor that becomes readable when ``pid`` exits (Linux >= 5.3), or None."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _report_setup_failure(stage: str, exc: BaseException) -> None:
    payload = json.dumps(
        {"stage": stage, "errno": getattr(exc, "errno", None), "error": f"{type(exc).__name__}: {exc}"}
    )
    try:
        os.write(STATUS_FD, payload.encode())
    except OSError:
        pass


def _reset_python_process(env: dict) -> None:
    """Give the in-process Python child its own environment (its sys.std* objects, never used
    by the fork server, already write to the run's fds 0-2)."""
    for key in set(os.environ) - set(env):
        del os.environ[key]
    for key, value in env.items():
        if os.environ.get(key) != value:
            os.environ[key] = value
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


class _Capture:
    """Reads a child's stdout, stderr and record pipes with byte budgets, under a wall clock."""

    def __init__(self, request: dict, pid: int, started: float):
        self.pid = pid
        self.started = started
        self.timeout_s = float(request["timeout_s"])
        self.deadline = started + self.timeout_s
        self.budgets = {
            "stdout": int(request["stdout_limit"]),
            "stderr": int(request["stderr_limit"]),
            "records": int(request.get("records_limit", 16 * 2**20)),
        }
        self.stderr_keep = int(request.get("stderr_keep", 65536))
        self.data = {"stdout": bytearray(), "stderr": bytearray(), "records": bytearray()}
        self.totals = {"stdout": 0, "stderr": 0, "records": 0}
        self.timed_out = False
        self.output_exceeded = False
        self.status: int | None = None
        self.rusage: resource.struct_rusage | None = None
        self.ended: float | None = None

    def supervise(self, out_r: int, err_r: int, rec_r: int) -> _Capture:
        """Read the pipes until the child exits (then drain briefly), the wall clock runs out or a
        budget is exceeded; then kill the child's process group.

        stdout/stderr are read as data arrives (their budgets must act at once); the record
        channel is polled every RECORD_POLL_S instead, so test records cost no wake-up each.
        """
        selector = selectors.DefaultSelector()
        for fd, name in ((out_r, "stdout"), (err_r, "stderr")):
            selector.register(fd, selectors.EVENT_READ, name)
        os.set_blocking(rec_r, False)
        exit_fd = _pidfd(self.pid)
        if exit_fd is not None:
            selector.register(exit_fd, selectors.EVENT_READ, "exit")
        exit_seen_at = None
        while not self.output_exceeded:
            self._drain(rec_r, "records")
            now = time.monotonic()
            if self.status is None and (exit_fd is None or exit_seen_at is not None):
                self._poll_exit()
            if self.status is not None and exit_seen_at is None:
                exit_seen_at = now
                if exit_fd is not None:
                    selector.unregister(exit_fd)
            pipes_open = len(selector.get_map()) > (exit_fd is not None and exit_seen_at is None)
            if exit_seen_at is not None and (not pipes_open or now - exit_seen_at > DRAIN_AFTER_EXIT_S):
                break  # the main process is gone; whatever still holds the pipes is swept
            if now >= self.deadline:
                self.timed_out = True
                break
            poll = 0.02 if exit_seen_at is not None or exit_fd is None else RECORD_POLL_S
            for key, _ in selector.select(min(self.deadline - now, poll)):
                if key.data == "exit":
                    self._poll_exit()
                elif not self._read(key.fd, key.data, selector):
                    self.output_exceeded = True
                    break
        self._kill()
        for key in list(selector.get_map().values()):
            if key.data != "exit":
                self._drain(key.fd, key.data)
                os.close(key.fd)
        self._drain(rec_r, "records")
        os.close(rec_r)
        selector.close()
        if exit_fd is not None:
            os.close(exit_fd)
        return self

    def _poll_exit(self) -> None:
        pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
        if pid:
            self.status, self.rusage, self.ended = status, rusage, time.monotonic()

    def _kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except OSError:
            pass

    def _accept(self, name: str, chunk: bytes) -> bool:
        self.totals[name] += len(chunk)
        if self.totals[name] > self.budgets[name]:
            return False
        buffer = self.data[name]
        buffer += chunk
        if name == "stderr" and len(buffer) > 2 * self.stderr_keep:
            del buffer[: len(buffer) - self.stderr_keep]
        if name == "records" and b'"event": "start"' in chunk:
            self.deadline = time.monotonic() + self.timeout_s
        return True

    def _read(self, fd: int, name: str, selector: selectors.BaseSelector) -> bool:
        try:
            chunk = os.read(fd, READ_CHUNK)
        except OSError as err:
            if err.errno == errno.EAGAIN:
                return True
            chunk = b""
        if not chunk:
            selector.unregister(fd)
            os.close(fd)
            return True
        return self._accept(name, chunk)

    def _drain(self, fd: int, name: str) -> None:
        """Read what a pipe holds now without blocking, within the budget."""
        os.set_blocking(fd, False)
        while True:
            try:
                chunk = os.read(fd, READ_CHUNK)
            except OSError:
                return
            if not chunk:
                return
            if not self._accept(name, chunk):
                self.output_exceeded = True
                return

    def finish(self, pid: int) -> None:
        """Collect the main child's exit status and resource usage (it is dead by now)."""
        if self.status is None:
            _, self.status, self.rusage = os.wait4(pid, 0)
            self.ended = time.monotonic()

    def to_json(self) -> dict:
        status = self.status or 0
        records = []
        for line in bytes(self.data["records"]).splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        stderr = bytes(self.data["stderr"][-self.stderr_keep :])
        return {
            "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "timed_out": self.timed_out,
            "output_exceeded": self.output_exceeded,
            "stdout": bytes(self.data["stdout"]).decode("utf-8", "replace"),
            "stderr": stderr.decode("utf-8", "replace"),
            "stderr_truncated": self.totals["stderr"] > len(stderr),
            "records": records,
            "wall_s": round((self.ended or time.monotonic()) - self.started, 4),
            "cpu_s": round(self.rusage.ru_utime + self.rusage.ru_stime, 4) if self.rusage else None,
            "maxrss_kb": self.rusage.ru_maxrss if self.rusage else None,
        }


def main() -> None:
    """Serve requests from stdin until it closes."""
    # The control channel moves off fds 0 and 1, so sys.stdin/sys.stdout stay unused and clean
    # for the Python children, and a stray print cannot corrupt the protocol.
    control_in = os.fdopen(os.dup(0), "rb")
    control_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    config = json.loads(control_in.readline())
    supervisor = Supervisor(config)
    handlers = {"open": supervisor.open, "run": supervisor.run, "seal": supervisor.seal, "close": supervisor.close}

    def reply(payload: dict) -> None:
        control_out.write(json.dumps(payload).encode() + b"\n")
        control_out.flush()

    reply(
        {
            "event": "ready",
            "uid": supervisor.uid,
            "root": supervisor.root,
            "in_force": supervisor.in_force,
            "problems": supervisor.problems,
            "python": sys.version.split()[0],
        }
    )
    for line in iter(control_in.readline, b""):
        request = json.loads(line)
        try:
            reply(handlers[request["op"]](request))
        except Exception as exc:  # noqa: BLE001 - reported to the harness as an internal error
            reply({"internal_error": f"{type(exc).__name__}: {exc}"})
    supervisor.close({})
    shutil.rmtree(supervisor.scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
