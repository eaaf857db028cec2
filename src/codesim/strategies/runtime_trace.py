"""Real execution traces for debugging prompts: the variable values along a failing run.

A traced run is an ordinary sandbox run of a wrapped program (for function problems, a test that
loads the candidate and runs the failing test; for stdin programs, the program): the wrapper turns on
`sys.settrace` for the candidate's own frames only (file `solution.py`), records each line
executed with the local variables that changed since that frame's previous line, each return
value and each exception, and reports the first and last lines of that record after a marker:
through the failing assert's message for function tests, on stderr (with a failing exit
status, so that the sandbox reports it) for stdin/stdout programs.
The harness never runs the candidate itself; it only reads the marker's text back, bounded.

Only Python candidates can be traced; other languages get the failing test's actual output
and error alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from codesim.problems import ProblemKind, PublicProblem, TestCase

MARKER = "CODESIM-EXECUTION-TRACE"
END_MARKER = "END-OF-TRACE"
HEAD_EVENTS = 12
TAIL_EVENTS = 10
EVENT_CHARS = 100  # (12 + 1 + 10) events of at most 100 characters fit the sandbox's 3000-character error tail
MAX_TRACE_CHARS = 2500

# The tracer, as source: it runs inside the sandboxed child, never in the harness. Names start
# with `__cs_` so they cannot clash with the candidate's own.
_TRACER = f'''
import sys as __cs_sys, reprlib as __cs_reprlib, collections as __cs_collections
__cs_repr = __cs_reprlib.Repr()
__cs_repr.maxstring = 40
__cs_repr.maxother = 40
__cs_repr.maxlist = __cs_repr.maxtuple = __cs_repr.maxset = __cs_repr.maxdict = 6
__cs_head, __cs_tail, __cs_count = [], __cs_collections.deque(maxlen={TAIL_EVENTS}), [0]
__cs_seen = {{}}
__cs_skipped = (type(__cs_sys), type(lambda: 0), type, type(len))  # modules, functions, classes


def __cs_note(text):
    text = text if len(text) <= {EVENT_CHARS} else text[:{EVENT_CHARS - 3}] + "..."
    __cs_count[0] += 1
    if len(__cs_head) < {HEAD_EVENTS}:
        __cs_head.append(text)
    else:
        __cs_tail.append(text)

def __cs_changed(frame):
    before = __cs_seen.setdefault(id(frame), {{}})
    parts = []
    for name, value in list(frame.f_locals.items()):
        if name.startswith("__") or isinstance(value, __cs_skipped):
            continue
        try:
            shown = __cs_repr.repr(value)
        except Exception:
            shown = "<unprintable>"
        if before.get(name) != shown:
            before[name] = shown
            parts.append(name + "=" + shown)
    return ", ".join(parts)

def __cs_local(frame, event, arg):
    where = frame.f_code.co_name + ":" + str(frame.f_lineno)
    if event == "line":
        changed = __cs_changed(frame)
        line = __cs_lines[frame.f_lineno - 1].strip() if 0 < frame.f_lineno <= len(__cs_lines) else ""
        __cs_note("line " + where + "  " + line + ("   | " + changed if changed else ""))
    elif event == "return":
        __cs_changed(frame)
        __cs_seen.pop(id(frame), None)
        __cs_note("return from " + frame.f_code.co_name + ": " + __cs_repr.repr(arg))
    elif event == "exception":
        __cs_note("exception at " + where + ": " + arg[0].__name__ + ": " + __cs_repr.repr(str(arg[1])))
    return __cs_local

def __cs_global(frame, event, arg):
    if frame.f_code.co_filename != "solution.py":
        return None
    return __cs_local

def __cs_report():
    lines = list(__cs_head)
    skipped = __cs_count[0] - len(__cs_head) - len(__cs_tail)
    if skipped > 0:
        lines.append("... " + str(skipped) + " more events ...")
    lines.extend(__cs_tail)
    return "{MARKER}\\n" + "\\n".join(lines) + "\\n{END_MARKER}"
'''

_FUNCTION_TEST = """
__cs_namespace = dict(globals())
__cs_sys.settrace(__cs_global)
try:
    exec(compile({code!r}, "solution.py", "exec"), __cs_namespace)
    exec(compile({source!r}, "<test>", "exec"), __cs_namespace)
    __cs_note("the test passed")
except BaseException as __cs_error:
    __cs_note("the test raised " + type(__cs_error).__name__ + ": " + __cs_repr.repr(str(__cs_error)))
finally:
    __cs_sys.settrace(None)
raise AssertionError(__cs_report())
"""

_PROGRAM = """
__cs_sys.settrace(__cs_global)
try:
    exec(compile({source!r}, "solution.py", "exec"), dict(globals(), __name__="__main__"))
except BaseException as __cs_error:
    __cs_note("the program raised " + type(__cs_error).__name__ + ": " + __cs_repr.repr(str(__cs_error)))
finally:
    __cs_sys.settrace(None)
__cs_sys.stdout.flush()
__cs_sys.stderr.write("\\n" + __cs_report() + "\\n")
__cs_sys.exit(3)  # a failing exit status: the sandbox then reports stderr, where the trace is
"""


@dataclass(frozen=True)
class TracedRun:
    """What to hand the visible-test runner for a traced run: the code and the one test."""

    code: str
    test: TestCase


def traceable(problem: PublicProblem, test: TestCase) -> bool:
    """Whether a failing `test` of `problem` can be traced (Python; not `Class.method` calls)."""
    if problem.language != "python":
        return False
    if problem.kind is ProblemKind.STDIO:
        return test.kind == "io"
    return test.kind == "assert" or (test.kind == "call" and "." not in (problem.entry_point or ""))


def traced_run(problem: PublicProblem, code: str, test: TestCase) -> TracedRun:
    """The program and test that run `code` on `test` under the tracer (see `traceable`)."""
    if problem.kind is ProblemKind.STDIO:
        lines = f"__cs_lines = {code.splitlines()!r}\n"
        return TracedRun(_TRACER + lines + _PROGRAM.format(source=code), test)
    # The candidate is loaded inside the traced test (its module-level lines are traced too:
    # small models put failing example asserts there); the sandbox runs an empty candidate.
    lines = f"__cs_lines = {code.splitlines()!r}\n"
    source = test.input if test.kind == "assert" else f"{problem.entry_point}(*{list(test.input)!r})"
    return TracedRun("", TestCase("assert", _TRACER + lines + _FUNCTION_TEST.format(code=code, source=source)))


def read_trace(text: str) -> str | None:
    """The trace after the marker in a test's error or stderr text, bounded; None if absent."""
    start = text.rfind(MARKER)
    if start < 0:
        return None
    trace = text[start + len(MARKER) :]
    end = trace.find(END_MARKER)
    trace = (trace if end < 0 else trace[:end]).strip()
    if len(trace) > MAX_TRACE_CHARS:
        trace = trace[: MAX_TRACE_CHARS // 2] + "\n...\n" + trace[-MAX_TRACE_CHARS // 2 :]
    return trace
