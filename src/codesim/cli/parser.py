"""argparse that reports a usage mistake as one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


class OneLineErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single `codesim: error: ...` line."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        sys.exit(2)


def csv_list(value: str) -> list[str]:
    """Parse `A,B,C` into a list of non-empty items."""
    return [item.strip() for item in value.split(",") if item.strip()]


def _number(value: str, kind: type[int] | type[float], minimum: float, inclusive: bool) -> int | float:
    try:
        number = kind(value)
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"expected {noun}, got {value!r}") from None
    if number < minimum or (number == minimum and not inclusive) or number != number:  # NaN too
        bound = f">= {minimum:g}" if inclusive else f"> {minimum:g}"
        raise argparse.ArgumentTypeError(f"expected a number {bound}, got {value}")
    return number


def positive_int(value: str) -> int:
    """An integer >= 1."""
    return int(_number(value, int, 1, inclusive=True))


def non_negative_int(value: str) -> int:
    """An integer >= 0."""
    return int(_number(value, int, 0, inclusive=True))


def positive_float(value: str) -> float:
    """A number > 0."""
    return float(_number(value, float, 0.0, inclusive=False))


def non_negative_float(value: str) -> float:
    """A number >= 0."""
    return float(_number(value, float, 0.0, inclusive=True))


def memory_mb(value: str) -> int:
    """A sandbox memory limit in MB: an integer >= 16 (less cannot start an interpreter)."""
    return int(_number(value, int, 16, inclusive=True))
