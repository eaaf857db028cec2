"""Turn a fork server's raw run outcome into a verdict."""

from __future__ import annotations

import errno
import signal

from codesim.execution.verdicts import Verdict

# Messages runtimes print when an allocation fails under the memory limit.
MEMORY_MARKERS = (
    "MemoryError",  # Python
    "std::bad_alloc",  # C++
    "memory allocation of",  # Rust: "memory allocation of N bytes failed"
    "OutOfMemoryError",  # Java
    "JavaScript heap out of memory",  # Node
    "Fatal process out of memory",  # V8
    "runtime: out of memory",  # Go
    "failed to allocate memory",  # Ruby (NoMemoryError)
    "NoMemoryError",  # Ruby
    "Allowed memory size of",  # PHP memory_limit
    "Out of memory (allocated",  # PHP
)
FATAL_SIGNALS = {signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS}
# A crash with a peak resident size this close to the limit is taken as running out of memory.
RSS_FRACTION = 0.8


def classify(raw: dict, memory_mb: int, cpu_limit_s: float) -> tuple[Verdict | None, str]:
    """``(verdict, explanation)`` of one run; verdict None means it ran to a normal exit 0."""
    setup = raw.get("setup_error")
    if setup:
        if setup.get("stage") == "exec" and setup.get("errno") in (errno.ENOMEM, errno.E2BIG):
            return Verdict.MEMORY_LIMIT, f"the program could not be loaded within the memory limit: {setup['error']}"
        return Verdict.INTERNAL_ERROR, f"sandbox {setup.get('stage')} failed: {setup.get('error')}"
    if raw["output_exceeded"]:
        return Verdict.OUTPUT_LIMIT, "the program wrote more output than allowed"
    if raw["timed_out"]:
        return Verdict.TIMEOUT, "wall-clock time limit exceeded"
    sig = raw.get("signal")
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and (raw.get("cpu_s") or 0) >= cpu_limit_s - 0.05):
        return Verdict.TIMEOUT, "CPU time limit exceeded"
    stderr = raw.get("stderr", "")
    exit_code = raw.get("exit_code")
    failed = bool(sig) or exit_code != 0
    if failed and any(marker in stderr for marker in MEMORY_MARKERS):
        return Verdict.MEMORY_LIMIT, "memory limit exceeded"
    if sig in FATAL_SIGNALS and (raw.get("maxrss_kb") or 0) >= RSS_FRACTION * memory_mb * 1024:
        return Verdict.MEMORY_LIMIT, f"killed by signal {sig} near the memory limit"
    if sig:
        return Verdict.RUNTIME_ERROR, f"killed by signal {sig} ({_signal_name(sig)})"
    if exit_code != 0:
        return Verdict.RUNTIME_ERROR, f"exit code {exit_code}"
    return None, ""


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"
