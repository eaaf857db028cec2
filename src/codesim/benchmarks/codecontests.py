"""CodeContests rows (Hugging Face `deepmind/code_contests` schema)."""

from __future__ import annotations

from typing import Any

from codesim.benchmarks.builders import DEFAULT_MEMORY_MB, io_tests, stdio_problem
from codesim.benchmarks.prompts import stdio_prompt
from codesim.benchmarks.rows import Row
from codesim.problems import Problem, TestCase

DEFAULT_TIME_LIMIT_S = 2.0


def convert_code_contests(row: Row, dataset: str) -> Problem:
    """Visible = `public_tests`; hidden = public + private + generated tests (the full judge set)."""
    public = _tests(row, "public_tests")
    hidden = public + _tests(row, "private_tests") + _tests(row, "generated_tests")
    if not hidden:
        raise row.error("no tests at all (public_tests, private_tests and generated_tests are empty)")
    memory_bytes = row.optional("memory_limit_bytes", 0)
    return stdio_problem(
        task_id=str(row.field("name", str)),
        dataset=dataset,
        prompt=stdio_prompt(row.field("description", str), public),
        visible=public,
        hidden=hidden,
        time_limit_s=_seconds(row.optional("time_limit")),
        memory_mb=int(memory_bytes) // (1024 * 1024) if memory_bytes else DEFAULT_MEMORY_MB,
        metadata={"difficulty": row.optional("difficulty"), "cf_rating": row.optional("cf_rating")},
    )


def _tests(row: Row, name: str) -> tuple[TestCase, ...]:
    block = row.optional(name, {})
    if not isinstance(block, dict):
        raise row.error(f"field {name!r} should be an object with 'input' and 'output' lists")
    inputs, outputs = block.get("input", []), block.get("output", [])
    if len(inputs) != len(outputs):
        raise row.error(f"field {name!r} has different numbers of inputs and outputs")
    return io_tests(zip(inputs, outputs, strict=True))


def _seconds(limit: Any) -> float:
    """`{"seconds": 2, "nanos": 500000000}` -> 2.5; a missing or zero limit -> the default."""
    if isinstance(limit, dict):
        total = float(limit.get("seconds") or 0) + float(limit.get("nanos") or 0) / 1e9
        return total or DEFAULT_TIME_LIMIT_S
    return DEFAULT_TIME_LIMIT_S
