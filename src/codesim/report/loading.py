"""Reading run directories (config.json, results.jsonl, summary.json) without changing them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codesim.errors import UsageError
from codesim.results_schema import read_json_object, read_results_file
from codesim.runner.records import with_solution_restored
from codesim.runner.store import CONFIG_FILE, RESULTS_FILE, SUMMARY_FILE


@dataclass
class RunData:
    """One run as found on disk: its config, summary (either may be empty) and result lines."""

    path: Path
    config: dict[str, Any]
    summary: dict[str, Any]
    records: list[dict[str, Any]] = field(default_factory=list)
    label: str = ""  # a unique name: the directory's (see `load_runs`)
    key: str = ""  # a very short name for charts and task chips: A, B, ...

    @property
    def short_name(self) -> str:
        """The key with the strategy, for chart axes: `A codesim`."""
        return f"{self.key} {self.strategy}"

    def setting(self, key: str, default: str = "?") -> str:
        """A run setting from summary.json, else config.json (model names live in config's model section)."""
        value = self.summary.get(key) or self.config.get(key)
        if isinstance(value, dict):  # config.json's "model" section
            value = value.get("model")
        return str(value) if value not in (None, "") else default

    @property
    def dataset(self) -> str:
        """Dataset name."""
        return self.setting("dataset")

    @property
    def strategy(self) -> str:
        """Strategy name."""
        return self.setting("strategy")

    @property
    def model(self) -> str:
        """Model name."""
        return self.setting("model")

    @property
    def provider(self) -> str:
        """Provider name."""
        provider = self.summary.get("provider") or (self.config.get("model") or {}).get("provider")
        return str(provider or "?")


def _read_object(path: Path) -> dict[str, Any]:
    """A JSON object file, {} when absent; a one-line UsageError when it is not an object."""
    return read_json_object(path) if path.exists() else {}


def read_results(path: Path) -> list[dict[str, Any]]:
    """The result lines of results.jsonl (read by `read_results_file`: a torn last line is left
    out, a bad line elsewhere is a UsageError naming it), with their solutions restored in the
    trace, the last line per (task_id, sample_index) kept."""
    by_key: dict[tuple[str, int], dict[str, Any]] = {}
    for record in read_results_file(path).records():
        by_key[(record["task_id"], record["sample_index"])] = with_solution_restored(record)
    return list(by_key.values())


def load_run(path: Path) -> RunData:
    """The run in directory `path`; a one-line UsageError when it is missing or not a run."""
    if not path.is_dir():
        raise UsageError(f"{path}: no such run directory")
    results = path / RESULTS_FILE
    if not results.is_file():
        raise UsageError(f"{path} is not a codesim run directory (no {RESULTS_FILE})")
    config = _read_object(path / CONFIG_FILE)
    summary = _read_object(path / SUMMARY_FILE)
    if not config and not summary:
        raise UsageError(f"{path} is not a codesim run directory (no {CONFIG_FILE} or {SUMMARY_FILE})")
    return RunData(
        path=path, config=config, summary=summary, records=read_results(results), label=path.resolve().name or str(path)
    )


def run_key(index: int) -> str:
    """The short name of the run at `index`: A, B, ... Z, then R27, R28, ..."""
    return chr(ord("A") + index) if index < 26 else f"R{index + 1}"


def load_runs(paths: list[Path]) -> list[RunData]:
    """The runs in `paths`, keyed A, B, ... and labelled by directory name (made unique with
    `#n` when names repeat)."""
    runs = [load_run(path) for path in paths]
    seen: dict[str, int] = {}
    for index, run in enumerate(runs):
        run.key = run_key(index)
        seen[run.label] = seen.get(run.label, 0) + 1
        if seen[run.label] > 1:
            run.label = f"{run.label} #{seen[run.label]}"
    return runs
