"""No shared writable place: every directory a program can write to is private to its run."""

from __future__ import annotations

import json
import secrets
import textwrap
from pathlib import Path

from host_guard import Canary, assert_host_unharmed, requires_root

from codesim.execution import Sandbox

pytestmark = requires_root

# Walks the whole file system (but /proc and /sys, which hold no directory a file can be created
# in) and tries to create a file named MARKER in every directory, the run's own one included.
WALK_AND_WRITE = """
    import json, os, sys
    marker = sys.stdin.read().strip()
    writable = []
    def probe(directory):
        try:
            fd = os.open(os.path.join(directory, marker), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except OSError:
            return
        os.write(fd, b"left by a sandboxed program")
        os.close(fd)
        writable.append(directory)
    for top, dirs, files in os.walk("/"):
        if top in ("/proc", "/sys"):
            dirs[:] = []
            continue
        probe(top)
    probe(os.getcwd())
    print(json.dumps({"writable": sorted(set(writable)), "cwd": os.getcwd()}))
    """


async def test_every_writable_directory_is_private_to_the_run(sandbox: Sandbox, canary: Canary) -> None:
    marker = f"codesim-probe-{secrets.token_hex(8)}"
    outcome = await sandbox.run_program(textwrap.dedent(WALK_AND_WRITE), "python", marker, time_limit_s=120)
    assert outcome.status == "ok", outcome.stderr
    found = json.loads(outcome.stdout)
    print("writable inside the sandbox:", found["writable"])
    assert found["cwd"] in found["writable"]  # the probe works: the run's own directory is writable
    private = {path for path in ("/dev/shm", "/run/lock") if Path(path).is_dir()}
    assert private <= set(found["writable"])  # fresh, private tmpfs mounts
    for directory in found["writable"]:
        assert not (Path(directory) / marker).exists(), f"{directory} is the host's: the file is visible outside"
    # The same worker's next run starts with the private directories empty.
    leftover = await sandbox.run_program(
        "import os\nprint(os.listdir('/dev/shm') + os.listdir('/run/lock'))\n", "python"
    )
    assert (leftover.status, leftover.stdout) == ("ok", "[]\n")
    await assert_host_unharmed(sandbox, canary)


async def test_shared_memory_and_lock_directories_are_size_capped_and_vanish(sandbox: Sandbox, canary: Canary) -> None:
    name = f"codesim-shm-{secrets.token_hex(6)}"
    code = f"""
        open('/run/lock/{name}', 'w').write('x')
        try:
            with open('/dev/shm/{name}', 'wb') as handle:
                for _ in range(512):
                    handle.write(b'1' * 2**20)
            print('wrote 512 MiB')
        except OSError as err:
            print('stopped', err.errno)
        """
    outcome = await sandbox.run_program(textwrap.dedent(code), "python", time_limit_s=60)
    assert outcome.status == "ok" and outcome.stdout.startswith("stopped"), (outcome.stdout, outcome.stderr)
    assert not Path(f"/dev/shm/{name}").exists() and not Path(f"/run/lock/{name}").exists()
    await assert_host_unharmed(sandbox, canary)


async def test_multiprocessing_still_has_working_shared_memory(sandbox: Sandbox) -> None:
    code = """
        import multiprocessing as mp
        if __name__ == '__main__':
            with mp.get_context('fork').Pool(2) as pool:
                print(sum(pool.map(abs, [-1, -2, 3])))
            lock = mp.Lock()
            with lock:
                print('locked')
        """
    outcome = await sandbox.run_program(textwrap.dedent(code), "python", time_limit_s=60)
    assert (outcome.status, outcome.stdout) == ("ok", "6\nlocked\n"), outcome.stderr
