"""Fixtures for the sandbox tests: a live Sandbox and a canary file."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from host_guard import SECRET, Canary

from codesim.execution import Sandbox


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A two-worker sandbox, created while a fake API key sits in the harness environment."""
    os.environ["CODESIM_TEST_API_KEY"] = SECRET
    box = Sandbox(workers=2)
    try:
        yield box
    finally:
        await box.aclose()
        os.environ.pop("CODESIM_TEST_API_KEY", None)


@pytest.fixture
def canary() -> Iterator[Canary]:
    """A world-readable canary file in a host directory the sandbox can see (read-only): /var/lib
    as root (/dev/shm is the sandbox's own fresh tmpfs then), else /dev/shm."""
    directory = Path("/var/lib" if os.geteuid() == 0 else "/dev/shm") / f"codesim-canary-{os.getpid()}"
    directory.mkdir(mode=0o755, exist_ok=True)
    os.chmod(directory, 0o755)
    path = directory / "canary.txt"
    path.write_text(SECRET + " canary\n")
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    yield Canary(path, SECRET + " canary\n")
    for child in directory.iterdir():
        child.unlink()
    directory.rmdir()
