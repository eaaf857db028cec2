"""Output comparison the way online judges do it, and return-value comparison for call tests."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

DEFAULT_FLOAT_TOL = 1e-6
_INTEGER = re.compile(r"[+-]?\d+")
_YES_NO = {"yes", "no"}


def expected_text(expected: Any) -> str:
    """Expected stdout as text: lists become one item per line, other values their ``str``."""
    if expected is None:
        return ""
    if isinstance(expected, str):
        return expected
    if isinstance(expected, (list, tuple)):
        return "\n".join(expected_text(item) for item in expected)
    return str(expected)


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _floats_close(actual: float, expected: float, tol: float) -> bool:
    if math.isnan(actual) or math.isnan(expected):
        return math.isnan(actual) and math.isnan(expected)
    if math.isinf(actual) or math.isinf(expected):
        return actual == expected
    difference = abs(actual - expected)
    return difference <= tol or difference <= tol * abs(expected)


def _tokens_match(actual: str, expected: str, tol: float) -> bool:
    if actual == expected:
        return True
    if actual.lower() in _YES_NO and actual.lower() == expected.lower():
        return True
    if _INTEGER.fullmatch(actual) and _INTEGER.fullmatch(expected):
        return int(actual) == int(expected)
    try:
        return _floats_close(float(actual), float(expected), tol)
    except ValueError:
        return False


def outputs_match(actual: str, expected: Any, float_tol: float = DEFAULT_FLOAT_TOL) -> bool:
    """True if ``actual`` stdout is accepted for ``expected``.

    Tolerant where judges are: line endings, trailing whitespace and blank lines, whitespace
    between tokens, floats within ``float_tol`` (relative or absolute), YES/NO in any case.
    Any other token must match exactly.
    """
    expected = expected_text(expected)
    if _lines(actual) == _lines(expected):
        return True
    actual_tokens, expected_tokens = actual.split(), expected.split()
    if len(actual_tokens) != len(expected_tokens):
        return False
    return all(_tokens_match(a, e, float_tol) for a, e in zip(actual_tokens, expected_tokens, strict=True))


_TAGS: dict[str, Callable[[Any], Any]] = {
    "__tuple__": lambda v: tuple(decode_value(item) for item in v),
    "__set__": lambda v: frozenset(decode_value(item) for item in v),
    "__dict__": lambda v: {_hashable(decode_value(k)): decode_value(item) for k, item in v},
    "__float__": float,
    "__bytes__": bytes.fromhex,
    "__complex__": lambda v: complex(decode_value(v[0]), decode_value(v[1])),
}


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def decode_value(data: Any) -> Any:
    """Inverse of the driver's tagged JSON encoding of a return value."""
    if isinstance(data, list):
        return [decode_value(item) for item in data]
    if isinstance(data, dict) and len(data) == 1:
        ((tag, value),) = data.items()
        if tag in _TAGS:
            return _TAGS[tag](value)
    return data


def values_match(actual: Any, expected: Any, atol: float = 0.0) -> bool:
    """Plain-data equality; lists and tuples are interchangeable, floats compared within ``atol``
    (1e-6 when ``atol`` is 0), and a bool only equals a bool."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)):
        if isinstance(actual, float) or isinstance(expected, float):
            return _floats_close(float(actual), float(expected), atol or DEFAULT_FLOAT_TOL)
        return actual == expected
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(actual) == len(expected) and all(
            values_match(a, e, atol) for a, e in zip(actual, expected, strict=True)
        )
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(values_match(actual[k], expected[k], atol) for k in actual)
    if isinstance(actual, (set, frozenset)) and isinstance(expected, (set, frozenset, list, tuple)):
        return actual == set(expected)
    return type(actual) is type(expected) and actual == expected
