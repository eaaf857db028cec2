"""Guards for the sandbox tests: a canary file, the fake secret, and the check that the host is unharmed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from codesim.execution import Sandbox

SECRET = "sk-codesim-canary-7f3a9c"
requires_root = pytest.mark.skipif(os.geteuid() != 0, reason="privilege drop and namespaces need root")


@dataclass
class Canary:
    """A root-owned file in a directory the sandbox can see (not hidden), and its content."""

    path: Path
    content: str

    def intact(self) -> bool:
        return self.path.exists() and self.path.read_text() == self.content


def sandbox_processes(uids: list[int]) -> list[psutil.Process]:
    """Live processes running as one of ``uids``."""
    found = []
    for proc in psutil.process_iter(["uids", "status"]):
        info = proc.info
        if info["uids"] and info["uids"].real in uids and info["status"] != psutil.STATUS_ZOMBIE:
            found.append(proc)
    return found


async def assert_host_unharmed(box: Sandbox, canary: Canary | None = None) -> None:
    """No process left under the workers' uids, the canary intact, and the sandbox still working."""
    uids = box.worker_uids()
    if os.geteuid() == 0:
        assert uids and all(uid != 0 for uid in uids)
        assert sandbox_processes(uids) == []
    if canary is not None:
        assert canary.intact()
    outcome = await box.run_program("print('alive')", "python", time_limit_s=20)
    assert (outcome.status, outcome.stdout) == ("ok", "alive\n")
