"""Turn the examples a function's docstring shows into visible `assert` tests.

Recognised styles (one example per line, or a doctest block):
- doctest: ``>>> f(x)`` followed by the expected value on the next line(s);
- ``f(x) == y``, ``f(x) ➞ y``, ``f(x) -> y``, ``f(x) => y``, ``f(x) ==> y``, ``f(x) → y``.
Only calls of the entry point count; an example whose two sides are not Python expressions is skipped.
"""

from __future__ import annotations

import ast
import doctest
import re

_ARROWS = ("==>", "==", "➞", "->", "=>", "→")
_LINE_PREFIX = re.compile(r"^\s*(?:[-*•]|\d+[.)]|for example:?|examples?:?|e\.g\.:?)\s*", re.IGNORECASE)


def docstring_of(prompt: str, entry_point: str) -> str:
    """The docstring of `entry_point` in `prompt` (the whole prompt when it cannot be parsed)."""
    try:
        tree = ast.parse(prompt)
    except SyntaxError:
        return prompt
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == entry_point:
            return ast.get_docstring(node) or ""
    return ""


def extract_examples(prompt: str, entry_point: str) -> list[str]:
    """`assert <call> == <expected>` for each example of `entry_point` the docstring shows, in order."""
    docstring = docstring_of(prompt, entry_point)
    found: list[str] = []
    for call, expected in _doctest_pairs(docstring) + _inline_pairs(docstring):
        if _is_call_of(call, entry_point) and _is_expression(expected):
            statement = f"assert {call} == {expected}"
            if statement not in found:
                found.append(statement)
    return found


def _doctest_pairs(docstring: str) -> list[tuple[str, str]]:
    try:
        examples = doctest.DocTestParser().get_examples(docstring)
    except ValueError:
        return []
    pairs = []
    for example in examples:
        want = " ".join(line.strip() for line in example.want.strip().splitlines())
        if want:
            pairs.append((example.source.strip(), want))
    return pairs


def _inline_pairs(docstring: str) -> list[tuple[str, str]]:
    pairs = []
    for raw_line in docstring.splitlines():
        line = _LINE_PREFIX.sub("", raw_line.strip())
        if line.startswith(">>>"):
            continue
        pair = _split_on_arrow(line)
        if pair:
            pairs.append(pair)
    return pairs


def _split_on_arrow(line: str) -> tuple[str, str] | None:
    for arrow in _ARROWS:
        start = line.find(arrow)
        while start > 0:
            left, right = line[:start].strip(), line[start + len(arrow):].strip().rstrip(".,;")
            if _is_expression(left) and _is_expression(right):
                return left, right
            start = line.find(arrow, start + 1)
    return None


def _is_expression(text: str) -> bool:
    if not text:
        return False
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def _is_call_of(text: str, name: str) -> bool:
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
