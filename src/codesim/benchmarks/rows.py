"""Reading dataset rows from JSONL / JSON files (optionally gzip-compressed), with their locations."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codesim.errors import UsageError


@dataclass(frozen=True)
class Row:
    """One dataset row and where it came from, so errors can name the file and line."""

    data: dict[str, Any]
    source: str
    line: int

    @property
    def where(self) -> str:
        """`file:line` for error messages."""
        return f"{self.source}:{self.line}"

    def field(self, name: str, kinds: type | tuple[type, ...] = object) -> Any:
        """The value of a required field, checked against `kinds`; a UsageError naming the row otherwise."""
        if name not in self.data or self.data[name] is None:
            raise UsageError(f"{self.where}: missing field {name!r}")
        value = self.data[name]
        if not isinstance(value, kinds):
            expected = kinds.__name__ if isinstance(kinds, type) else " or ".join(k.__name__ for k in kinds)
            raise UsageError(f"{self.where}: field {name!r} should be {expected}, got {type(value).__name__}")
        return value

    def optional(self, name: str, default: Any = None) -> Any:
        """The value of an optional field (None and missing both give `default`)."""
        value = self.data.get(name)
        return default if value is None else value

    def error(self, message: str) -> UsageError:
        """A UsageError about this row."""
        return UsageError(f"{self.where}: {message}")


def _open_text(path: Path):
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


def read_rows(path: str | Path) -> list[Row]:
    """All rows of a `.jsonl`, `.json` (a list of objects) or either one gzip-compressed."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"data file not found: {path}")
    stem = path.name[:-3] if path.name.endswith(".gz") else path.name
    try:
        if stem.endswith(".json"):
            return _json_array_rows(path)
        return list(_jsonl_rows(path))
    except (OSError, UnicodeDecodeError, EOFError) as err:
        raise UsageError(f"cannot read {path}: {err}") from None


def json_object_line(text: str, where: str, line: int) -> dict:
    """One JSON-lines line that must be an object; UsageError naming `where:line` otherwise."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"{where}:{line}: not valid JSON ({err.msg})") from None
    if not isinstance(data, dict):
        raise UsageError(f"{where}:{line}: expected a JSON object, got {type(data).__name__}")
    return data


def _jsonl_rows(path: Path) -> Iterator[Row]:
    with _open_text(path) as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            yield Row(json_object_line(line, str(path), line_no), str(path), line_no)


def _json_array_rows(path: Path) -> list[Row]:
    with _open_text(path) as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as err:
            raise UsageError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise UsageError(f"{path}: expected a JSON list of objects (or JSON Lines, one object per line)")
    return [Row(item, str(path), index + 1) for index, item in enumerate(data)]


def load_json(path: str | Path) -> Any:
    """A whole JSON document (used for side files such as xCodeEval's unit-test table)."""
    path = Path(path)
    try:
        with _open_text(path) as handle:
            return json.load(handle)
    except json.JSONDecodeError as err:
        raise UsageError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read {path}: {err}") from None
