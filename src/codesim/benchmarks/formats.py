"""Row formats: which fields identify a published schema, and the function turning a row into a Problem."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from codesim.benchmarks.rows import Row
from codesim.errors import UsageError
from codesim.problems import Problem

Converter = Callable[[Row, str], Problem]


@dataclass(frozen=True)
class RowFormat:
    """A published row schema: its name (for `--format`), the fields that identify it, its converter."""

    name: str
    required: frozenset[str]
    convert: Converter
    description: str
    bind: Callable[[Path | None], Converter] | None = None  # for formats that need side files

    def converter(self, data_file: Path | None) -> Converter:
        """The row converter, bound to the data file's location when the format reads side files."""
        return self.bind(data_file) if self.bind else self.convert

    def matches(self, row: Row) -> bool:
        """Whether the row has every identifying field."""
        return self.required <= row.data.keys()


def detect_format(formats: Sequence[RowFormat], rows: Sequence[Row], dataset: str, forced: str | None) -> RowFormat:
    """The format named by `forced`, else the first whose fields the first row has; UsageError if none."""
    if forced:
        for fmt in formats:
            if fmt.name == forced:
                return fmt
        names = "; ".join(f"{fmt.name} ({fmt.description})" for fmt in formats)
        raise UsageError(
            f"unknown {{data_format}} {forced!r} for dataset {dataset!r} (choose one of: {names})",
            settings=("data_format",),
        )
    first = rows[0]
    for fmt in formats:
        if fmt.matches(first):
            return fmt
    expected = "; ".join(f"{fmt.name}: {', '.join(sorted(fmt.required))}" for fmt in formats)
    found = ", ".join(sorted(first.data)) or "no fields"
    raise UsageError(
        f"{first.where}: rows do not look like any {dataset} format (has {found}; expected fields of {expected})"
    )
