"""xCodeEval program-synthesis rows, with the separate unit-test table (`src_uid` -> tests) when given."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from codesim.benchmarks.builders import io_tests, parse_megabytes, parse_seconds, stdio_problem
from codesim.benchmarks.prompts import stdio_prompt
from codesim.benchmarks.rows import Row, load_json
from codesim.errors import UsageError
from codesim.problems import Problem

UNIT_TEST_FILE_NAMES = ("unittest_db.json", "unittest_db.json.gz")
SAMPLES_ONLY_NOTE = (
    "xcodeeval: no unit-test file (unittest_db.json) found next to the data file or in $CODESIM_DATA/xcodeeval; "
    "only the sample tests are available, so hidden tests = sample tests"
)
_log = logging.getLogger("codesim.benchmarks")


def warn_samples_only() -> None:
    """Say clearly (on the `codesim.benchmarks` logger, shown on stderr) that hidden tests are the samples."""
    _log.warning(SAMPLES_ONLY_NOTE)


def find_unit_tests(directories: list[Path]) -> dict[str, Any] | None:
    """The unit-test table in the first of `directories` that has one, or None."""
    for directory in directories:
        for name in UNIT_TEST_FILE_NAMES:
            candidate = directory / name
            if candidate.is_file():
                table = load_json(candidate)
                if not isinstance(table, dict):
                    raise UsageError(f"{candidate}: expected a JSON object mapping src_uid to a list of tests")
                return table
    return None


def converter_with_unit_tests(unit_tests: dict[str, Any] | None):
    """A row converter that uses `unit_tests` for hidden tests (or the samples when it is None)."""

    def convert(row: Row, dataset: str) -> Problem:
        samples = _samples(row)
        uid = row.field("src_uid", str)
        hidden = samples
        if unit_tests is not None:
            if uid not in unit_tests:
                raise row.error(f"src_uid {uid!r} has no entry in the unit-test file")
            hidden = io_tests((t["input"], _first_output(t["output"])) for t in unit_tests[uid])
        return stdio_problem(
            task_id=uid,
            dataset=dataset,
            prompt=stdio_prompt(
                row.field("description", str),
                samples,
                input_spec=row.optional("input_spec", ""),
                output_spec=row.optional("output_spec", ""),
                notes=row.optional("notes", ""),
            ),
            visible=samples,
            hidden=hidden,
            time_limit_s=parse_seconds(row.optional("time_limit"), 2.0),
            memory_mb=parse_megabytes(row.optional("memory_limit"), 256),
            metadata={
                "difficulty": row.optional("difficulty"),
                "tags": row.optional("tags", []),
                "hidden_tests_source": "unit_tests" if unit_tests is not None else "samples_only",
            },
        )

    return convert


def _samples(row: Row):
    inputs, outputs = row.field("sample_inputs", list), row.field("sample_outputs", list)
    if len(inputs) != len(outputs):
        raise row.error("sample_inputs and sample_outputs differ in length")
    return io_tests(zip(inputs, outputs, strict=True))


def _first_output(output: Any) -> Any:
    """xCodeEval lists the accepted outputs of a test; the first is the reference answer."""
    return output[0] if isinstance(output, list) and output else output
