"""Atomically written files get the mode a plain open() would give them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_atomic_files_follow_the_umask(tmp_path: Path, umask: int) -> None:
    # in a child process: the umask is per process, and the test must not change this one's
    script = (
        "import os, sys; from pathlib import Path; from codesim.atomic import write_json_atomically; "
        f"os.umask({umask}); write_json_atomically(Path(sys.argv[1]) / 'summary.json', {{'a': 1}}); "
        "open(Path(sys.argv[1]) / 'plain.json', 'w').close()"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, env=os.environ.copy())
    mode = stat.S_IMODE((tmp_path / "summary.json").stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "plain.json").stat().st_mode) == 0o666 & ~umask
