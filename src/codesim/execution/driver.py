"""The Python test driver: runs inside the sandboxed child, never in the harness.

Stdlib only. The fork server forks a child, drops its privileges and applies the limits, then
calls `run_function_tests` or `run_program` right there (no new interpreter start).

Function tests report through a private record channel (a pipe fd, JSON lines), never through
stdout, and every record carries a per-run nonce: printing "passed", closing stdout or exiting
early cannot produce a passing record. A test passes only when its "end" record arrives.
Return values are checked to be plain built-in data (exact types: a user-defined class whose
``__eq__`` could lie is refused), and ``call`` results are compared by the harness, outside.
"""

from __future__ import annotations

import ast
import builtins
import collections
import decimal
import fractions
import json
import linecache
import math
import os
import resource
import sys
import time
import traceback
import types

_write = os.write
_dumps = json.dumps
_type = type
_len = len
_repr = repr
_clock = time.perf_counter
_cpu_clock = time.thread_time  # precise; the process clock ticks coarsely under RLIMIT_CPU
_getrusage = resource.getrusage
_RUSAGE_SELF = resource.RUSAGE_SELF
_format_exception = traceback.format_exception

SOURCE_NAME = "solution.py"
TEST_NAME = "<test>"
MAX_REPR = 2000
MAX_TRACEBACK = 3000

_SCALARS = (int, float, bool, str, bytes, type(None), complex)
_VIEWS: tuple[type, ...] = (type({}.keys()), type({}.values()), type({}.items()))
_SEQUENCES = (list, tuple, collections.deque, *_VIEWS)
_SETS = (set, frozenset)
_MAPPINGS = (dict, collections.OrderedDict, collections.defaultdict, collections.Counter)
_NUMBERS = (decimal.Decimal, fractions.Fraction)
_LAZY: tuple[type, ...] = (
    types.GeneratorType,
    map,
    filter,
    zip,
    enumerate,
    reversed,
    type(iter([])),
    type(iter(())),
    type(iter("")),
    type(iter(range(0))),
    type(iter({})),
    type(iter(set())),
)


class NotPlainData(AssertionError):
    """A solution returned a value that is not built-in plain data."""


def to_plain(value, depth: int = 0):
    """Encode ``value`` as JSON-ready tagged data, refusing anything but exact built-in types."""
    kind = _type(value)
    if depth > 200:
        raise NotPlainData("return value nested too deeply")
    if kind is float:
        return value if math.isfinite(value) else {"__float__": _repr(value)}
    if kind in (int, bool, str, type(None)):
        return value
    if kind is bytes:
        return {"__bytes__": value.hex()}
    if kind is complex:
        return {"__complex__": [to_plain(value.real), to_plain(value.imag)]}
    if kind in _NUMBERS:
        return float(value)
    if kind in (list, collections.deque, *_VIEWS):
        return [to_plain(item, depth + 1) for item in value]
    if kind is tuple:
        return {"__tuple__": [to_plain(item, depth + 1) for item in value]}
    if kind in _SETS:
        return {"__set__": [to_plain(item, depth + 1) for item in value]}
    if kind in _MAPPINGS:
        return {"__dict__": [[to_plain(k, depth + 1), to_plain(v, depth + 1)] for k, v in value.items()]}
    if kind is range:
        return [to_plain(item) for item in value]
    raise NotPlainData(f"returned a value of type {kind.__qualname__!s}, which is not plain built-in data")


def check_plain(value, depth: int = 0) -> None:
    """Raise NotPlainData unless ``value`` is built of exact built-in data types."""
    kind = _type(value)
    if depth > 200:
        raise NotPlainData("return value nested too deeply")
    if kind in _SCALARS or kind in _NUMBERS or kind is range:
        return
    if kind in _SEQUENCES or kind in _SETS:
        for item in value:
            check_plain(item, depth + 1)
        return
    if kind in _MAPPINGS:
        for key, item in value.items():
            check_plain(key, depth + 1)
            check_plain(item, depth + 1)
        return
    raise NotPlainData(f"returned a value of type {kind.__qualname__!s}, which is not plain built-in data")


def _checked_iter(iterator):
    for item in iterator:
        check_plain(item)
        yield item


class _Recorder:
    """Writes nonce-stamped JSON records to the record channel."""

    def __init__(self, fd: int, nonce: str):
        self._fd = fd
        self._nonce = nonce

    def __call__(self, **record) -> None:
        record["nonce"] = self._nonce
        data = (_dumps(record, default=_repr) + "\n").encode("utf-8", "replace")
        while data:
            data = data[_write(self._fd, data) :]


def _compile(source, name: str, mode: str):
    """Compile untrusted code as CPython would compile a file of its own: none of this module's
    ``from __future__`` flags (``annotations`` would hide NameErrors in annotations)."""
    return compile(source, name, mode, flags=0, dont_inherit=True)


def _tail(text: str, limit: int) -> str:
    return text if _len(text) <= limit else "..." + text[-limit:]


def _format(exc: BaseException) -> str:
    """The traceback of ``exc`` without the driver's own frames (they say nothing about the code)."""
    trace = exc.__traceback__
    while trace is not None and trace.tb_frame.f_code.co_filename == __file__:
        trace = trace.tb_next
    return "".join(_format_exception(_type(exc), exc, trace))


def _error_of(exc: BaseException) -> tuple[str, str]:
    """The (verdict, message) of an exception raised by solution or test code."""
    text = _tail(_format(exc), MAX_TRACEBACK)
    if isinstance(exc, MemoryError):
        return "memory_limit", text
    if isinstance(exc, NotPlainData):
        return "failed", f"{exc}"
    if isinstance(exc, AssertionError):
        return "failed", text
    if isinstance(exc, SystemExit):
        return "runtime_error", f"the program called exit({exc.code!r}) instead of finishing the test"
    return "runtime_error", text


def _assert_lhs(exc: BaseException, source: str) -> str:
    """The repr of the left side of the failing ``assert left == right`` of a test, evaluated
    again in the failing frame ("" when the failing line is not such an assert)."""
    frame, line, trace = None, 0, exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == TEST_NAME:
            frame, line = trace.tb_frame, trace.tb_lineno
        trace = trace.tb_next
    if frame is None:
        return ""
    try:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assert) and node.lineno == line and isinstance(node.test, ast.Compare):
                left = _compile(ast.Expression(node.test.left), TEST_NAME, "eval")
                return _tail(_repr(eval(left, frame.f_globals, frame.f_locals)), MAX_REPR)
    except BaseException:  # noqa: BLE001 - best effort: the verdict does not depend on it
        return ""
    return ""


def _snapshot_builtins() -> dict:
    return dict(builtins.__dict__)


def _restore_builtins(snapshot: dict) -> None:
    current = builtins.__dict__
    if current != snapshot:
        current.clear()
        current.update(snapshot)


def _guard(function, snapshot: dict):
    """Wrap the entry point seen by test code: undo builtins patching, refuse non-plain results."""

    def guarded(*args, **kwargs):
        result = function(*args, **kwargs)
        _restore_builtins(snapshot)
        if _type(result) in _LAZY:
            return _checked_iter(result)
        check_plain(result)
        return result

    return guarded


def _resolve(namespace: dict, entry_point: str):
    """The callable for ``entry_point``; ``"Class.method"`` instantiates the class first."""
    if "." in entry_point:
        class_name, method = entry_point.split(".", 1)
        return getattr(namespace[class_name](), method)
    return namespace[entry_point]


def _fresh_main(code: str) -> dict:
    module = types.ModuleType("__main__")
    module.__file__ = SOURCE_NAME
    sys.modules["__main__"] = module
    sys.argv = [SOURCE_NAME]
    linecache.cache[SOURCE_NAME] = (_len(code), None, code.splitlines(True), SOURCE_NAME)
    return module.__dict__


class _Meter:
    """Wall and CPU seconds of one test, and the process's peak resident memory (kB) at its end.

    The peak cannot be reset per test (the sandbox's /proc is read-only), so it is the peak of
    the batch process so far: exact for the costliest test, and for the task as a whole.
    """

    def __init__(self) -> None:
        self.wall, self.cpu = _clock(), _cpu_clock()

    def figures(self) -> dict:
        """The test's figures, as record fields."""
        return {
            "time_s": _clock() - self.wall,
            "cpu_s": _cpu_clock() - self.cpu,
            "peak_kb": _getrusage(_RUSAGE_SELF).ru_maxrss,
        }


def run_function_tests(code: str, tests: list[dict], entry_point: str | None, record_fd: int, nonce: str) -> None:
    """Run ``code`` then each test (``{"kind": "assert"|"call", "input": ...}``), recording outcomes.

    Records: ``{"event": "start", "index": i}`` then ``{"event": "end", "index": i, "verdict": ...,
    "actual": ..., "error": ...}``; ``{"event": "load", ...}`` if the code itself fails to run;
    ``{"event": "done"}`` last. A missing "end" means the test did not finish.
    """
    record = _Recorder(record_fd, nonce)
    snapshot = _snapshot_builtins()
    namespace = _fresh_main(code)
    record(event="start", index=-1)
    try:
        exec(_compile(code, SOURCE_NAME, "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001 - every failure of untrusted code is a verdict
        verdict, error = _error_of(exc)
        record(event="load", verdict=verdict, error=error)
        return
    _restore_builtins(snapshot)
    record(event="end", index=-1)
    for index, test in enumerate(tests):
        record(event="start", index=index)
        meter = _Meter()
        try:
            if test["kind"] == "call":
                assert entry_point is not None, "a call test comes with its problem's entry point"
                result = _resolve(namespace, entry_point)(*test["input"])
                _restore_builtins(snapshot)
                record(event="end", index=index, verdict="returned", value=to_plain(result), **meter.figures())
            else:
                scope = dict(namespace)
                if entry_point and "." not in entry_point and callable(namespace.get(entry_point)):
                    scope[entry_point] = _guard(namespace[entry_point], snapshot)
                exec(_compile(test["input"], TEST_NAME, "exec"), scope)
                _restore_builtins(snapshot)
                record(event="end", index=index, verdict="passed", **meter.figures())
        except BaseException as exc:  # noqa: BLE001
            _restore_builtins(snapshot)
            verdict, error = _error_of(exc)
            actual = ""
            if _type(exc) is AssertionError:
                actual = _assert_lhs(exc, test["input"]) or (_tail(_repr(exc.args[0]), MAX_REPR) if exc.args else "")
            record(event="end", index=index, verdict=verdict, error=error, actual=actual, **meter.figures())
    record(event="done")


def run_program(code: str) -> int:
    """Run ``code`` as ``__main__`` the way ``python3 solution.py`` would; return its exit status."""
    namespace = _fresh_main(code)
    status = 0
    try:
        exec(_compile(code, SOURCE_NAME, "exec"), namespace)
    except SystemExit as exc:
        if exc.code is None:
            status = 0
        elif isinstance(exc.code, int):
            status = exc.code & 0xFF
        else:
            print(exc.code, file=sys.stderr)
            status = 1
    except BaseException as exc:  # noqa: BLE001
        try:
            sys.stderr.write(_format(exc))
        except BaseException:  # noqa: BLE001 - stderr closed by the program
            pass
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - a closed or broken stdout is the program's business
            pass
    return status
