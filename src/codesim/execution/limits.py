"""Resource limits of one sandboxed run, and their application inside the child.

Stdlib only: this module is also imported by the fork server, which runs on the sandbox's
own Python interpreter, outside the codesim package.
"""

from __future__ import annotations

import math
import resource
from dataclasses import asdict, dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one child process may use.

    ``memory_mb`` is enforced with RLIMIT_AS when ``address_space`` is true (native programs and
    interpreters that do not reserve big virtual ranges up front) and with RLIMIT_DATA otherwise
    (the JVM, Go and V8 reserve gigabytes of address space they never touch; RLIMIT_DATA counts
    only writable private memory, so they start and the program's own allocations are bounded).
    """

    cpu_s: float = 10.0
    memory_mb: int = 512
    address_space: bool = True
    max_processes: int = 64
    max_file_mb: int = 64
    max_open_files: int = 256
    stack_mb: int = 256

    def to_json(self) -> dict:
        """Plain-data form sent to the fork server."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Limits:
        """Inverse of `to_json`."""
        return cls(**data)


def apply_limits(limits: Limits, nproc: int | None) -> None:
    """Set the rlimits of the calling process (a freshly forked child, before exec).

    ``nproc`` is the RLIMIT_NPROC value to set (counted per real uid by the kernel), or None
    to leave it alone.
    """
    cpu = max(1, math.ceil(limits.cpu_s))
    # Soft limit sends SIGXCPU, the hard one a second later SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = limits.memory_mb * MIB
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    if limits.address_space:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    stack = min(limits.stack_mb, limits.memory_mb) * MIB
    resource.setrlimit(resource.RLIMIT_STACK, (stack, stack))
    file_size = limits.max_file_mb * MIB
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.max_open_files, limits.max_open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if nproc is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
