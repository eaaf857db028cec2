"""Where a dataset's rows come from: `--data-file`, else `$CODESIM_DATA/<name>/`, else a file shipped in an
installed package, else the Hugging Face `datasets` library (only when installed and online)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codesim.benchmarks.rows import Row, read_rows
from codesim.errors import UsageError

DATA_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz")


@dataclass(frozen=True)
class HubSource:
    """A dataset on the Hugging Face hub."""

    path: str
    split: str = "test"
    config: str | None = None


@dataclass(frozen=True)
class Source:
    """Rows and where they came from (`data_file` is None for hub rows)."""

    rows: list[Row]
    data_file: Path | None
    description: str


def data_root() -> Path | None:
    """`$CODESIM_DATA` when set."""
    value = os.environ.get("CODESIM_DATA")
    return Path(value).expanduser() if value else None


def dataset_dir(name: str) -> Path | None:
    """`$CODESIM_DATA/<name>` when `$CODESIM_DATA` is set."""
    root = data_root()
    return root / name if root else None


def resolve_source(
    name: str,
    data_file: str | None,
    file_names: tuple[str, ...],
    packaged: Callable[[], Path | None] | None,
    hub: HubSource | None,
) -> Source:
    """The rows of dataset `name` from the first source that has them; a UsageError saying what to provide."""
    if data_file:
        path = Path(data_file).expanduser()
        return Source(_non_empty(read_rows(path), path), path, str(path))
    local = _file_in_data_dir(name, file_names)
    if local:
        return Source(_non_empty(read_rows(local), local), local, str(local))
    shipped = packaged() if packaged else None
    if shipped:
        rows = _non_empty(read_rows(shipped), shipped)
        return Source(rows, shipped, f"{shipped} (shipped with an installed package)")
    if hub and importlib.util.find_spec("datasets") is not None:
        return Source(_hub_rows(hub), None, f"Hugging Face {hub.path}")
    raise UsageError(_nothing_found(name, file_names, hub), settings=("data_file",))


def _file_in_data_dir(name: str, file_names: tuple[str, ...]) -> Path | None:
    directory = dataset_dir(name)
    if not directory or not directory.is_dir():
        return None
    for file_name in file_names:
        if (directory / file_name).is_file():
            return directory / file_name
    candidates = sorted(p for p in directory.iterdir() if p.is_file() and p.name.endswith(DATA_SUFFIXES))
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        listed = ", ".join(p.name for p in candidates)
        raise UsageError(
            f"{directory} holds several data files ({listed}); pick one with {{data_file}}", settings=("data_file",)
        )
    return None


def _hub_rows(hub: HubSource) -> list[Row]:
    import datasets  # optional dependency, imported only when used

    try:
        table = datasets.load_dataset(hub.path, hub.config, split=hub.split)
    except Exception as err:  # noqa: BLE001 - any hub failure becomes one actionable line
        raise UsageError(
            f"could not load {hub.path} from Hugging Face ({type(err).__name__}: {str(err)[:200]}); "
            "pass {data_file} PATH or set $CODESIM_DATA instead",
            settings=("data_file",),
        ) from None
    source = f"hf:{hub.path}"
    return _non_empty([Row(dict(item), source, index + 1) for index, item in enumerate(table)], source)


def _non_empty(rows: list[Row], where: object) -> list[Row]:
    if not rows:
        raise UsageError(f"{where}: no rows")
    return rows


def _nothing_found(name: str, file_names: tuple[str, ...], hub: HubSource | None) -> str:
    wanted = " or ".join(file_names) if file_names else "a .jsonl file"
    options = ["pass {data_file} PATH", f"or put {wanted} in $CODESIM_DATA/{name}/"]
    if hub:
        options.append(f"or install the Hugging Face 'datasets' library and go online (it reads {hub.path})")
    return f"no data for dataset {name!r}: " + ", ".join(options)
