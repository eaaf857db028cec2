"""Process isolation primitives used by the fork server (Linux).

Stdlib only (runs on the sandbox's Python, outside the codesim package):
- `lease_uid`: pick an unused uid for this worker and hold a lock on it, so that concurrent
  workers (even of other codesim processes) never share a uid. RLIMIT_NPROC is counted per
  real uid, and the end-of-run sweep kills every process of the uid: both need one uid per worker.
- `enter_namespaces`: private network (no network), IPC and mount namespaces; in the mount
  namespace every host mount is read-only, /tmp, /dev/shm and /run/lock are fresh size-capped
  tmpfs mounts, and the given private directories are hidden.
- `enter_pid_namespace`: continue as the init of a new PID namespace, so that every process of
  every run dies with the worker, whatever kills it.
- `drop_privileges`: become the leased uid/gid with no supplementary groups and no way back.
- `sweep`: the end-of-run kill that leaves no process behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import pwd
import re
import shutil
import signal
import time

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_BIND = 0x1000
MS_REC = 0x4000
MS_RELATIME = 1 << 21
MS_STRICTATIME = 1 << 24
MS_PRIVATE = 1 << 18
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def prctl(option: int, value: int) -> None:
    """Call prctl(2) with one integer argument."""
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


def _uid_in_use(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        pass
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if os.stat(entry.path).st_uid == uid:
                    return True
            except OSError:
                continue
    return False


def lease_uid(lock_dir: str, base: int, count: int) -> tuple[int, int]:
    """Lock and return ``(uid, lock_fd)``: the first uid of ``[base, base+count)`` not held by
    another worker, with no passwd entry and no running process. The lock lives as long as the fd."""
    os.makedirs(lock_dir, mode=0o700, exist_ok=True)
    os.chmod(lock_dir, 0o700)
    for uid in range(base, base + count):
        fd = os.open(os.path.join(lock_dir, f"{uid}.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        if _uid_in_use(uid):
            os.close(fd)
            continue
        return uid, fd
    raise RuntimeError(f"no free sandbox uid in [{base}, {base + count})")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(
        _libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            flags,
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


# Per-mount options of /proc/self/mountinfo kept when a mount is made read-only.
_MOUNT_FLAGS = {
    "nosuid": MS_NOSUID,
    "nodev": MS_NODEV,
    "noexec": MS_NOEXEC,
    "noatime": MS_NOATIME,
    "nodiratime": MS_NODIRATIME,
    "relatime": MS_RELATIME,
    "strictatime": MS_STRICTATIME,
}
# Writable places every program expects, each a fresh tmpfs of this many MiB per worker (emptied
# after each run by `empty_private_dirs`). Everything else of the host is read-only.
PRIVATE_TMPFS_MB = {"/dev/shm": 64, "/run/lock": 1}


def _mount_points() -> list[tuple[str, int]]:
    """(mount point, per-mount flags) of every mount of this namespace, parents first."""
    points = []
    with open("/proc/self/mountinfo", encoding="utf-8") as mountinfo:
        for line in mountinfo:
            fields = line.split()
            path = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
            flags = sum(_MOUNT_FLAGS.get(option, 0) for option in fields[5].split(","))
            points.append((path, flags))
    return points


def _make_everything_read_only() -> list[str]:
    """Remount every mount of this (private) namespace read-only; the mount points refused."""
    refused = []
    for path, flags in _mount_points():
        try:
            _mount("none", path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, None)
        except OSError as err:
            if err.errno != errno.ENOENT:  # a mount point hidden under another mount
                refused.append(f"{path} ({os.strerror(err.errno)})")  # type: ignore[arg-type]  # set by _check
    return refused


def enter_namespaces(scratch_dir: str, hide: list[str], scratch_mb: int) -> tuple[dict[str, bool], list[str]]:
    """Move the calling process into new network, IPC and mount namespaces (needs CAP_SYS_ADMIN).

    In the mount namespace every host mount becomes read-only; ``scratch_dir`` becomes a fresh
    tmpfs of ``scratch_mb`` MiB (the runs' working directories), each of `PRIVATE_TMPFS_MB` a
    fresh world-writable tmpfs, and each existing directory of ``hide`` is covered by an empty
    read-only tmpfs. Returns which protections are in force (what the kernel refuses is left off)
    and the problems met on the way.
    """
    in_force = {"network_namespace": False, "ipc_namespace": False, "mount_namespace": False, "read_only_host": False}
    in_force["network_namespace"] = _libc.unshare(CLONE_NEWNET) == 0
    in_force["ipc_namespace"] = _libc.unshare(CLONE_NEWIPC) == 0
    if _libc.unshare(CLONE_NEWNS) != 0:
        return in_force, []
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    refused = _make_everything_read_only()
    _mount("tmpfs", scratch_dir, "tmpfs", MS_NOSUID | MS_NODEV, f"size={scratch_mb}m,mode=0711")
    for path, size_mb in PRIVATE_TMPFS_MB.items():
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size_mb}m,mode=1777")
    for path in hide:
        if os.path.isdir(path) and os.path.realpath(path) != os.path.realpath(scratch_dir):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=0755")
    in_force["mount_namespace"] = True
    in_force["read_only_host"] = not refused
    return in_force, [f"could not make read-only: {', '.join(refused)}"] if refused else []


def empty_private_dirs() -> None:
    """Delete what a run left in the private tmpfs directories (the next run starts clean)."""
    for path in PRIVATE_TMPFS_MB:
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def enter_pid_namespace() -> bool:
    """Continue in a new PID namespace, as its init (needs CAP_SYS_ADMIN); False if refused.

    The calling process forks the init and stays outside only to wait for it and pass its exit
    status on. The init dies with that process (``PR_SET_PDEATHSIG``), and when the init dies the
    kernel kills every process of the namespace: no run outlives its worker, whatever kills it.
    """
    if _libc.unshare(CLONE_NEWPID) != 0:
        return False
    alive_r, alive_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(alive_w)
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.set_blocking(alive_r, False)
        try:
            gone = os.read(alive_r, 1) == b""  # the outer process died before PDEATHSIG was armed
        except BlockingIOError:
            gone = False
        os.close(alive_r)
        if gone:
            os._exit(1)
        return True
    os.close(alive_r)
    os.closerange(0, alive_w)  # the control channel belongs to the init alone
    os.closerange(alive_w + 1, 65536)
    _, status = os.waitpid(pid, 0)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def drop_privileges(uid: int, gid: int) -> None:
    """Become ``uid``/``gid`` for good, with no supplementary groups (the caller's
    ``no_new_privs`` flag, inherited across fork and exec, keeps set-uid programs powerless)."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def _signal_all_as(uid: int) -> None:
    """SIGKILL every process of ``uid``: a helper becomes the uid and calls kill(-1)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _children_of(parent: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(entry.name))
    return found


def _signal_children() -> None:
    for pid in _children_of(os.getpid()):
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except OSError as err:
                if err.errno not in (errno.ESRCH, errno.EPERM):
                    raise


def sweep(uid: int | None) -> None:
    """Kill and reap every remaining descendant of the calling process.

    The caller is a child subreaper, so every process its runs started, even one that left its
    process group or double-forked, stays its descendant: the sweep is done when it has no child
    left. With ``uid`` (a leased sandbox uid) everything of that uid is signalled at once;
    otherwise the direct children are killed round by round as orphans are re-parented.
    """
    for _ in range(10000):
        if not reap_zombies():
            return
        if uid is not None:
            _signal_all_as(uid)
        else:
            _signal_children()
        time.sleep(0.0005)
    raise RuntimeError("processes of a sandboxed run survived the sweep")


def reap_zombies() -> bool:
    """Collect every finished child without blocking; True if live children remain."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True
