"""The run files' schema (config.json, results.jsonl lines, summary.json) and their one reader.

Every file carries `schema_version` (SCHEMA_VERSION when written now; files written before the
field existed are version 1). `read_results_file` is the only reader of results.jsonl, with one
torn-line policy: the bytes after the last newline, and a last line that is not valid JSON, are
a torn line (a run killed mid-write, or still writing) and are left out; any other bad line (not
JSON, or JSON that is not a results line) is a UsageError `file:line: what is wrong`. The runner, the report and the
benchmark scripts all read through it. docs/results-format.md documents every field."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from codesim.errors import UsageError

SCHEMA_VERSION = 2
_DEBUG = re.compile(r"^debug_round_(\d+)$")
_PLAN = re.compile(r"^plan_(\d+)(?:_debug_(\d+))?$")
_SOLVED_KINDS = {"first_code": "solved", "sample": "sample"}
_FIXED_KINDS = {"unsolved", "no_code", "error"}


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_json(data: bytes, where: Path, first_line: int = 1) -> Any:
    """The JSON value in `data` (read from `where`, starting at line `first_line`); a UsageError
    `file:line: what is wrong` when it is not UTF-8 text or not valid JSON."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = first_line + _line_of(data, err.start) - 1
        raise UsageError(f"{where}:{line}: not UTF-8 text (byte 0x{data[err.start]:02x})") from None
    try:
        return json.loads(text)
    except ValueError as err:
        line = first_line + getattr(err, "lineno", 1) - 1
        raise UsageError(f"{where}:{line}: not valid JSON ({getattr(err, 'msg', err)})") from None


def read_json_object(path: Path) -> dict[str, Any]:
    """The JSON object in `path` (config.json, summary.json) with its `schema_version` (1 when
    absent); a UsageError naming the file when it is not an object or is from a newer codesim."""
    data = parse_json(path.read_bytes(), path)
    if not isinstance(data, dict):
        raise UsageError(f"{path}:1: expected a JSON object, got {type(data).__name__}")
    data.setdefault("schema_version", 1)
    _check_version(data["schema_version"], path, 1)
    return data


def _check_version(version: Any, where: Path, line: int) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise UsageError(f"{where}:{line}: 'schema_version' should be a positive integer, got {version!r}")
    if version > SCHEMA_VERSION:
        raise UsageError(
            f"{where}:{line}: written with results schema {version}, newer than this codesim "
            f"reads ({SCHEMA_VERSION}); upgrade codesim"
        )


@dataclass(frozen=True)
class Outcome:
    """How a sample ended, as fields: `kind` is `solved` (a plan's code passed the visible
    tests), `sample` (a sampled candidate was returned), `unsolved`, `no_code`, `error` or
    `other` (a custom strategy's word); `plan` and `debug_round` say where a solved code came
    from (plan attempt, 1-based; debugging rounds, 0 = the plan's first code)."""

    kind: str
    plan: int | None = None
    debug_round: int | None = None

    @classmethod
    def of(cls, outcome: str) -> Outcome:
        """The fields of an outcome name (see `codesim.strategies.outcomes`)."""
        if outcome == "first_code":
            return cls("solved", 1, 0)
        if match := _DEBUG.match(outcome):
            return cls("solved", 1, int(match[1]))
        if match := _PLAN.match(outcome):
            return cls("solved", int(match[1]), int(match[2] or 0))
        if outcome in _SOLVED_KINDS:
            return cls(_SOLVED_KINDS[outcome])
        return cls(outcome if outcome in _FIXED_KINDS else "other")

    def to_json(self) -> dict[str, Any]:
        """The results-line fields `outcome_kind`, `plan`, `debug_round`."""
        return {"outcome_kind": self.kind, "plan": self.plan, "debug_round": self.debug_round}


_INT = (int,)
_NUMBER = (int, float)


@dataclass
class ResultLine:
    """One results.jsonl line: one task sample. Fields absent from older lines get the
    defaults below (usage 0, optional figures None)."""

    task_id: str
    sample_index: int = 0
    status: str = ""
    passed: bool = False
    outcome: str = ""
    outcome_kind: str = ""
    plan: int | None = None
    debug_round: int | None = None
    visible_tests: int | None = None
    visible_passed: bool | None = None
    solution: str = ""
    distinct_codes: int | None = None
    llm_calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    new_prompt_tokens: int = 0
    new_completion_tokens: int = 0
    estimated_tokens: int = 0
    parse_fallbacks: int = 0
    seconds: float = 0.0
    hidden_seconds: float = 0.0
    hidden_tests: dict[str, Any] | None = None
    hidden_cpu_s: float | None = None
    hidden_peak_mb: float | None = None
    invocation_started: float | None = None
    finished_at: float | None = None
    error: str | None = None
    error_kind: str | None = None
    trace: list[dict[str, Any]] = field(default_factory=list)
    schema_version: int = 1

    @classmethod
    def from_json(cls, data: Any, where: Path, line: int) -> ResultLine:
        """The line `data` read from `where`:`line`, typed and defaulted; a UsageError
        `file:line: what is wrong` when it is not a results line."""
        if not isinstance(data, dict):
            raise UsageError(f"{where}:{line}: expected a JSON object, got {type(data).__name__}")
        if "task_id" not in data:
            raise UsageError(f"{where}:{line}: missing 'task_id'")
        _check_type(data, "task_id", (str, int), where, line)
        version = data.get("schema_version", 1)
        _check_version(version, where, line)
        for name, kinds in _NUMERIC_FIELDS.items():
            if data.get(name) is not None:
                _check_type(data, name, kinds, where, line)
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known and v is not None}
        values["task_id"] = str(data["task_id"])
        values["passed"] = bool(data.get("passed"))
        values.setdefault("status", "passed" if values["passed"] else "")
        if data.get("visible_passed") is not None:
            values["visible_passed"] = bool(data["visible_passed"])
        trace = data.get("trace")
        values["trace"] = [step for step in trace if isinstance(step, dict)] if isinstance(trace, list) else []
        if "outcome_kind" not in data:  # version 1: the outcome fields from the outcome name
            values.update({k: v for k, v in Outcome.of(str(data.get("outcome") or "")).to_json().items()})
            if not data.get("outcome"):
                values["outcome_kind"] = ""
        values["schema_version"] = version
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """The line as a JSON object (every field)."""
        return asdict(self)


# The counts of calls and tokens of one task sample (summary.json holds their totals).
USAGE_COUNTS = (
    "llm_calls",
    "cached_calls",
    "prompt_tokens",
    "completion_tokens",
    "reasoning_tokens",
    "new_prompt_tokens",
    "new_completion_tokens",
    "parse_fallbacks",
    "estimated_tokens",
)
_NUMERIC_FIELDS: dict[str, tuple[type, ...]] = {
    **{name: _INT for name in ("sample_index", *USAGE_COUNTS, "visible_tests", "distinct_codes")},
    **{
        name: _NUMBER
        for name in ("seconds", "hidden_seconds", "hidden_cpu_s", "hidden_peak_mb", "invocation_started", "finished_at")
    },
}


def _check_type(data: dict[str, Any], name: str, kinds: tuple[type, ...], where: Path, line: int) -> None:
    if isinstance(data[name], bool) or not isinstance(data[name], kinds):
        raise UsageError(
            f"{where}:{line}: '{name}' should be {' or '.join(k.__name__ for k in kinds)}, "
            f"got {type(data[name]).__name__}"
        )


@dataclass
class ResultsRead:
    """What `read_results_file` found: the lines in file order, how many bytes hold them (the
    rest is a torn line), and whether a torn line was left out."""

    lines: list[ResultLine]
    good_bytes: int
    torn: bool

    def records(self) -> list[dict[str, Any]]:
        """The lines as JSON objects."""
        return [line.to_json() for line in self.lines]


def read_results_file(path: Path) -> ResultsRead:
    """Every complete results line of `path` (none when it does not exist), under the one
    torn-line policy (see the module docstring). Blank lines are skipped. Never changes the file."""
    if not path.exists():
        return ResultsRead([], 0, False)
    data = path.read_bytes()
    raw_lines = data.split(b"\n")
    raw_lines.pop()  # the text after the last newline: b"" unless the last write was torn
    lines: list[ResultLine] = []
    good = 0
    for number, raw in enumerate(raw_lines, start=1):
        if raw.strip():
            try:
                value = parse_json(raw, path, number)
            except UsageError:
                if number == len(raw_lines):
                    break  # a last line that is not JSON is torn too
                raise
            lines.append(ResultLine.from_json(value, path, number))
        good += len(raw) + 1
    return ResultsRead(lines, good, good < len(data))
