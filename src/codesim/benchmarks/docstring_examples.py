"""Turn the examples a function's docstring shows into visible `assert` tests.

Recognised styles:
- doctest: ``>>> f(x)`` followed by the expected value (no output shown means ``None``);
- one example per line: ``f(x) == y``, ``f(x) ➞ y``, ``f(x) -> y``, ``f(x) => y``, ``f(x) ==> y``,
  ``f(x) → y``, ``f(x) = y``, ``f(x) returns y``, ``f(x) should return y``, ``f(x) # returns y``
  (comments are dropped; a worked ``f(x) == 1 + 2 = 3`` keeps its last value);
- ``Input: x`` followed by ``Output: y``, and ``For a = x, b = z the output should be y``
  (the given values become the call's arguments, in order).
An example counts only when its left side calls the entry point and neither side uses a name that is
not a builtin (``f(n) -> f(n-1) + ...`` is a definition, not an example); ``true``/``false`` read as
``True``/``False``.
"""

from __future__ import annotations

import ast
import builtins
import doctest
import re

_SEPARATORS = re.compile(
    r"\s*(?:==>|==|➞|->|=>|→|#\s*returns|should\s+return|returns|return|(?<![=<>!])=(?!=))\s*", re.IGNORECASE
)
_FOR_GIVEN = re.compile(r"^for\s+(.+?),?\s+the\s+(?:output|result)\s+should\s+be\s+(.+)$", re.IGNORECASE)
_LINE_PREFIX = re.compile(r"^\s*(?:[-*•]|\d+[.)]|for example:?|examples?\s*\d*:?|e\.g\.:?)\s*", re.IGNORECASE)
_INPUT_LINE = re.compile(r"^\s*input\s*:\s*(.+)$", re.IGNORECASE)
_OUTPUT_LINE = re.compile(r"^\s*output\s*:\s*(.+)$", re.IGNORECASE)
_JS_LITERALS = {"true": "True", "false": "False", "null": "None"}
_KNOWN_NAMES = set(dir(builtins))


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
    """`assert <call> == <expected>` for each example of `entry_point`: doctests, one-line examples, Input/Output."""
    docstring = docstring_of(prompt, entry_point)
    pairs = _doctest_pairs(docstring) + _inline_pairs(docstring, entry_point)
    pairs += _input_output_pairs(docstring, entry_point)
    found: list[str] = []
    for call, expected in pairs:
        call, expected = _positional(_first_operand(call)), _last_operand(_without_comments(expected))
        expected = _JS_LITERALS.get(expected, expected)
        if _calls(call, entry_point) and _is_value(expected, entry_point):
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
        source = _without_comments(example.source)
        want = " ".join(line.strip() for line in example.want.strip().splitlines())
        if want:
            pairs.append((source, want))
        else:
            pairs.append(_split_comparison(source) or (source, "None"))
    return pairs


def _inline_pairs(docstring: str, entry_point: str) -> list[tuple[str, str]]:
    pairs = []
    for raw_line in docstring.splitlines():
        line = _LINE_PREFIX.sub("", raw_line.strip())
        if line.startswith(">>>"):
            continue
        pair = _split_on_separator(line) or _given_values_pair(line, entry_point)
        if pair:
            pairs.append(pair)
    return pairs


def _given_values_pair(line: str, entry_point: str) -> tuple[str, str] | None:
    """`For a = 1, b = "x" the output should be 3` -> (`f(a=1, b="x")`, `3`), trailing prose dropped."""
    match = _FOR_GIVEN.match(line)
    if not match:
        return None
    parts = match.group(1).split(",")
    for end in range(len(parts), 0, -1):
        call = f"{entry_point}({','.join(parts[:end])})"
        if _parse(call) is not None:
            return call, match.group(2).strip().rstrip(".")
    return None


def _split_comparison(source: str) -> tuple[str, str] | None:
    node = _parse(source)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
        return ast.unparse(node.left), ast.unparse(node.comparators[0])
    return None


def _without_comments(source: str) -> str:
    source = source.strip()
    if "#" not in source:
        return source
    node = _parse(source)
    return ast.unparse(node) if node is not None else source


def _positional(call: str) -> str:
    """`f(a=1, b=2)` -> `f(1, 2)`: examples name the parameters, which a solution may spell differently."""
    node = _parse(call)
    if isinstance(node, ast.Call) and node.keywords and not node.args and all(k.arg for k in node.keywords):
        node.args, node.keywords = [k.value for k in node.keywords], []
        return ast.unparse(node)
    return call


def _input_output_pairs(docstring: str, entry_point: str) -> list[tuple[str, str]]:
    pairs = []
    lines = docstring.splitlines()
    for index, line in enumerate(lines[:-1]):
        given, shown = _INPUT_LINE.match(line), _OUTPUT_LINE.match(lines[index + 1])
        if given and shown:
            pairs.append((f"{entry_point}({given.group(1).strip()})", shown.group(1).strip().rstrip(".")))
    return pairs


def _split_on_separator(line: str) -> tuple[str, str] | None:
    for match in _SEPARATORS.finditer(line):
        left, right = line[: match.start()].strip(), line[match.end() :].strip().rstrip(".,;")
        if _is_expression(left) and _is_expression(right):
            return left, right
    return None


def _parse(text: str) -> ast.expr | None:
    if not text:
        return None
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        return None


def _is_expression(text: str) -> bool:
    return _parse(text) is not None


def _is_closed_expression(text: str, entry_point: str) -> bool:
    node = _parse(text)
    if node is None:
        return False
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return names <= _KNOWN_NAMES | {entry_point}


def _is_value(text: str, entry_point: str) -> bool:
    """A closed expression that does not itself call the entry point (`f(3) = f(2) + f(1)` is no example)."""
    return _is_closed_expression(text, entry_point) and not _calls(text, entry_point)


def _first_operand(call: str) -> str:
    """`f(x) == 1 + 9` (split at a later `=`) -> `f(x)`; comments dropped."""
    node = _parse(call)
    if isinstance(node, ast.Compare) and all(isinstance(op, ast.Eq) for op in node.ops):
        return ast.unparse(node.left)
    return _without_comments(call)


def _last_operand(expected: str) -> str:
    """`1 + 9 == 10` -> `10`: an example that shows its working ends with the value."""
    node = _parse(expected)
    if isinstance(node, ast.Compare) and all(isinstance(op, ast.Eq) for op in node.ops):
        return ast.unparse(node.comparators[-1])
    return expected


def _calls(text: str, entry_point: str) -> bool:
    node = _parse(text)
    if node is None or not _is_closed_expression(text, entry_point):
        return False
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == entry_point for n in ast.walk(node)
    )
