"""Extra inputs that tell candidate programs apart, with no expected outputs.

Two sources: inputs the model writes (calls of the entry point, or stdin texts), and, for
function problems, type-preserving mutations of the arguments of the visible tests. A probe
is a test whose expected value is never used: only what each candidate outputs on it counts
(`codesim.strategies.agreement`).
"""

from __future__ import annotations

import ast
import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from codesim.extract import fenced_blocks, strip_reasoning
from codesim.problems import ProblemKind, PublicProblem, TestCase

MAX_PROBES = 10


def _called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def call_arguments(source: str, entry_point: str) -> list[list[Any]]:
    """The literal positional arguments of every call of `entry_point` in `source` (Python
    code, parsed line by line so one bad line costs only itself); calls with keyword or
    non-literal arguments are skipped."""
    name = entry_point.rpartition(".")[2]
    found: list[list[Any]] = []
    for line in source.splitlines():
        try:
            tree = ast.parse(line.strip())
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called_name(node) == name and not node.keywords:
                try:
                    found.append([ast.literal_eval(arg) for arg in node.args])
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    continue
    return found


def _variants(value: Any) -> list[Any]:
    """A few values of `value`'s type near it (none for types not handled)."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, value - 1, 0, -value, 2 * value]
    if isinstance(value, float):
        return [value * 2, value + 0.5, 0.0, -value]
    if isinstance(value, str):
        return [value[::-1], value[:-1], value + value[-1:], ""]
    if isinstance(value, (list, tuple)):
        kind = type(value)
        items = list(value)
        variants = [items[::-1], items[:-1], items + items[:1], []]
        with contextlib.suppress(TypeError):  # items of mixed types have no order
            variants.append(sorted(items))
        return [kind(v) for v in variants]
    return []


def mutated_arguments(arguments: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """Argument lists that differ from a given one in one argument (`_variants`), round-robin
    over the given lists so every visible test contributes early."""
    pending = [
        [
            args[:i] + [variant] + args[i + 1 :]
            for i, value in enumerate(args)
            for variant in _variants(value)
            if variant != value or type(variant) is not type(value)
        ]
        for args in arguments
    ]
    while any(pending):
        for queue in pending:
            if queue:
                yield queue.pop(0)


def stdin_inputs(answer: str) -> list[str]:
    """The inputs of a model's answer: its fenced blocks (each one stdin text)."""
    return [body for _tag, body in fenced_blocks(strip_reasoning(answer)) if body.strip()]


def probe_tests(problem: PublicProblem, answer: str, limit: int = MAX_PROBES) -> tuple[TestCase, ...]:
    """Up to `limit` probes for `problem`: the inputs of the model's `answer` first (may be
    ''), then, for function problems, mutations of the visible tests' arguments. Inputs equal
    to a visible test's are left out (they decide nothing new)."""
    if problem.kind is ProblemKind.STDIO:
        known = {str(test.input).strip() for test in problem.visible_tests}
        texts = [text for text in dict.fromkeys(stdin_inputs(answer)) if text.strip() not in known]
        return tuple(TestCase("io", text, "") for text in texts[:limit])
    entry_point = problem.entry_point or ""
    visible = [
        args
        for test in problem.visible_tests
        for args in (call_arguments(str(test.input), entry_point) if test.kind == "assert" else [list(test.input)])
    ]
    seen = {repr(args) for args in visible}
    probes: list[TestCase] = []
    for args in [*call_arguments(strip_reasoning(answer), entry_point), *mutated_arguments(visible)]:
        if len(probes) >= limit:
            break
        if repr(args) not in seen:
            seen.add(repr(args))
            probes.append(TestCase("call", args, None))
    return tuple(probes)
