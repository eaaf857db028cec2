"""LiveCodeBench `code_generation_lite` rows: functional (`class Solution`) and stdin problems, with
private tests that may be compressed (base64 of zlib of a pickled JSON string)."""

from __future__ import annotations

import base64
import io
import json
import pickle
import zlib
from datetime import date, datetime
from typing import Any

from codesim.benchmarks.builders import function_problem, io_tests, json_values, stdio_problem
from codesim.benchmarks.prompts import functional_class_prompt, stdio_prompt
from codesim.benchmarks.rows import Row
from codesim.errors import UsageError
from codesim.problems import Problem, TestCase

LCB_TIME_LIMIT_S = 6.0  # LiveCodeBench's per-test timeout
# LiveCodeBench's harness runs its solutions after an import block; this is the part that matters in practice
# (starter code annotates with `List[int]`, solutions use `deque`, `heapq`, ... without importing them).
LCB_PRELUDE = (
    "from typing import *\nfrom collections import *\n"
    "import bisect, collections, functools, heapq, itertools, math, re, string, sys\n"
)


class _PlainDataUnpickler(pickle.Unpickler):
    """Unpickles plain data only: any class or function reference is refused (no code runs)."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def decode_test_cases(raw: Any) -> list[dict[str, Any]]:
    """`public_test_cases` / `private_test_cases`: a JSON list, or base64(zlib(pickle(JSON string)))."""
    if isinstance(raw, list):
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"expected a string, got {type(raw).__name__}")
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        pass
    unpickled = _PlainDataUnpickler(io.BytesIO(zlib.decompress(base64.b64decode(raw)))).load()
    return json.loads(unpickled) if isinstance(unpickled, (str, bytes)) else unpickled


def convert_lcb(row: Row, dataset: str) -> Problem:
    """Visible = public test cases; hidden = public + private. Functional problems call `Solution.<func_name>`."""
    public = _tests(row, "public_test_cases")
    hidden = public + _tests(row, "private_test_cases")
    statement = row.field("question_content", str)
    starter = row.optional("starter_code", "")
    metadata = {
        "contest_date": row.optional("contest_date", ""),
        "platform": row.optional("platform", ""),
        "difficulty": row.optional("difficulty", ""),
        "title": row.optional("question_title", ""),
    }
    task_id = str(row.field("question_id", (str, int)))
    if hidden and hidden[0].kind == "call":
        return function_problem(
            task_id=task_id,
            dataset=dataset,
            prompt=functional_class_prompt(statement, public, starter),
            entry_point=f"Solution.{_func_name(row)}",
            starter_code=starter,
            visible=public,
            hidden=hidden,
            time_limit_s=LCB_TIME_LIMIT_S,
            prelude=LCB_PRELUDE,
            metadata=metadata,
        )
    return stdio_problem(
        task_id=task_id,
        dataset=dataset,
        prompt=stdio_prompt(statement, public),
        visible=public,
        hidden=hidden,
        time_limit_s=LCB_TIME_LIMIT_S,
        prelude=LCB_PRELUDE,
        metadata=metadata,
    )


def _tests(row: Row, name: str) -> tuple[TestCase, ...]:
    try:
        cases = decode_test_cases(row.field(name))
    except (ValueError, zlib.error, pickle.UnpicklingError, EOFError) as err:
        raise row.error(f"cannot decode {name!r} ({err})") from None
    tests: list[TestCase] = []
    for case in cases:
        if case.get("testtype") == "functional":
            try:
                tests.append(TestCase("call", json_values(case["input"]), json.loads(case["output"])))
            except (json.JSONDecodeError, KeyError) as err:
                raise row.error(f"a functional test in {name!r} is not JSON ({err})") from None
        else:
            tests.extend(io_tests([(case.get("input", ""), case.get("output", ""))]))
    return tuple(tests)


def _func_name(row: Row) -> str:
    raw = row.optional("metadata", "{}")
    try:
        meta = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError:
        meta = {}
    name = meta.get("func_name") if isinstance(meta, dict) else None
    if not name:
        raise row.error("functional problem without metadata.func_name")
    return name


def parse_day(value: str, setting: str) -> date:
    """A `start_date` / `end_date` value (YYYY-MM-DD); `setting` names it in the error."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{{{setting}}} expects a date like 2024-05-01, got {value!r}", settings=(setting,)) from None


def contest_day(problem: Problem) -> date | None:
    """The day of the problem's contest, from its ISO `contest_date` (None when missing)."""
    raw = str(problem.metadata.get("contest_date") or "")
    try:
        return datetime.fromisoformat(raw).date() if raw else None
    except ValueError:
        return None


def within_dates(problems: list[Problem], start: str | None, end: str | None) -> list[Problem]:
    """The problems whose contest day is in [start, end] (inclusive); undated problems are dropped."""
    low = parse_day(start, "start_date") if start else None
    high = parse_day(end, "end_date") if end else None
    kept = []
    for problem in problems:
        day = contest_day(problem)
        if day is None:
            continue
        if (low is None or day >= low) and (high is None or day <= high):
            kept.append(problem)
    return kept
