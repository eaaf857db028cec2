"""Process isolation primitives used by the fork server (Linux).

Stdlib only (runs on the sandbox's Python, outside the codesim package):
- `lease_uid`: pick an unused uid for this worker and hold a lock on it, so that concurrent
  workers (even of other codesim processes) never share a uid. RLIMIT_NPROC is counted per
  real uid, and the end-of-run sweep kills every process of the uid: both need one uid per worker.
- `enter_namespaces`: a private network namespace (no network) and a private mount namespace in
  which /tmp is a fresh size-capped tmpfs and the given private directories are hidden.
- `drop_privileges`: become the leased uid/gid with no supplementary groups and no way back.
- `sweep`: the end-of-run kill that leaves no process behind.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import pwd
import signal
import time

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_RDONLY = 0x1
MS_REC = 0x4000
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
            source.encode(), target.encode(), fstype.encode() if fstype else None, flags, data.encode() if data else None
        ),
        f"mount {target}",
    )


def enter_namespaces(scratch_dir: str, hide: list[str], scratch_mb: int) -> dict[str, bool]:
    """Move the calling process into new network and mount namespaces (needs CAP_SYS_ADMIN).

    In the mount namespace ``scratch_dir`` becomes a fresh tmpfs of ``scratch_mb`` MiB (the runs'
    working directories) and each existing directory of ``hide`` is covered by an empty read-only
    tmpfs. Returns which protections are in force; what the kernel refuses is left off.
    """
    in_force = {"network_namespace": False, "mount_namespace": False}
    if _libc.unshare(CLONE_NEWNET) == 0:
        in_force["network_namespace"] = True
    if _libc.unshare(CLONE_NEWNS) != 0:
        return in_force
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    _mount("tmpfs", scratch_dir, "tmpfs", MS_NOSUID | MS_NODEV, f"size={scratch_mb}m,mode=0711")
    for path in hide:
        if os.path.isdir(path) and os.path.realpath(path) != os.path.realpath(scratch_dir):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=0755")
    in_force["mount_namespace"] = True
    return in_force


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
