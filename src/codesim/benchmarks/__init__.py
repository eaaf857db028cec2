"""Benchmark loaders: every dataset becomes a list of `Problem` (public part + hidden tests).

`load_problems(name, data_file)` is the one entry point; the registry in `registry.py` says, per
dataset, which published row formats are accepted and where the data is looked for. Samples
files (`samples`) are scored on a dataset's tests by `evaluation`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from codesim.benchmarks.formats import detect_format
from codesim.benchmarks.livecodebench import within_dates
from codesim.benchmarks.registry import DATASET_PLUGINS, DATASETS, DatasetLoader, register_dataset
from codesim.benchmarks.sources import resolve_source
from codesim.errors import UsageError
from codesim.problems import Problem

DATASET_NAMES: tuple[str, ...] = tuple(DATASETS)


def load_problems(
    name: str,
    data_file: str | None = None,
    *,
    fmt: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
) -> list[Problem]:
    """The problems of dataset `name`, read from `data_file` or the default sources.

    Raises UsageError with one actionable line on any failure (unknown dataset, missing file,
    malformed row: the message names the file and line).
    """
    spec = DATASETS.get(name)
    if spec is None:
        plugin = DATASET_PLUGINS.find(name)
        if plugin is None:
            known = [*DATASET_NAMES, *DATASET_PLUGINS.names()]
            raise UsageError(f"unknown dataset {name!r} (choose one of: {', '.join(known)})")
        if fmt or start_date or end_date:
            raise UsageError(f"dataset {name!r} (a plugin) takes no row format and no date window")
        return _plugin_problems(name, plugin, data_file)
    if (start_date or end_date) and not spec.dated:
        raise UsageError(
            f"{{start_date}}/{{end_date}} apply to dated datasets only (livecodebench), not {name!r}",
            settings=("start_date", "end_date"),
        )
    source = resolve_source(name, data_file, spec.file_names, spec.packaged, spec.hub)
    row_format = detect_format(spec.formats, source.rows, name, fmt)
    convert = row_format.converter(source.data_file)
    problems = unique_task_ids([convert(row, name) for row in source.rows])
    if source.data_file is not None:
        origin = str(source.data_file.resolve())
        problems = [dataclasses.replace(p, metadata={**p.metadata, "source_file": origin}) for p in problems]
    if start_date or end_date:
        problems = within_dates(problems, start_date, end_date)
    return problems


def _plugin_problems(name: str, load: DatasetLoader, data_file: str | None) -> list[Problem]:
    """The problems of a plugin dataset, checked to be Problems, with unique ids."""
    problems = list(load(data_file))
    wrong = next((p for p in problems if not isinstance(p, Problem)), None)
    if wrong is not None:
        raise UsageError(f"dataset plugin {name!r} returned a {type(wrong).__name__}, not a codesim Problem")
    return unique_task_ids(problems)


def data_directories(problems: list[Problem]) -> list[str]:
    """The directories the problems were read from: a sandbox hides them from candidate
    programs, since they hold the hidden tests."""
    return sorted({str(Path(p.metadata["source_file"]).parent) for p in problems if p.metadata.get("source_file")})


def unique_task_ids(problems: list[Problem]) -> list[Problem]:
    """Give the 2nd, 3rd, ... problem with an already-seen id the next free id `<id>#2`, `<id>#3`, ...

    A suffixed id that some row of the file already has is skipped (`X`, `X`, `X#2` become `X`,
    `X#3`, `X#2`), so every id is unique and a row's own unique id never changes. The original id
    is kept in `metadata["original_task_id"]`.
    """
    taken = {problem.task_id for problem in problems}
    seen: set[str] = set()
    result = []
    for problem in problems:
        if problem.task_id in seen:
            count = 2
            while f"{problem.task_id}#{count}" in taken:
                count += 1
            new_id = f"{problem.task_id}#{count}"
            taken.add(new_id)
            problem = dataclasses.replace(
                problem,
                public=dataclasses.replace(problem.public, task_id=new_id),
                metadata={**problem.metadata, "original_task_id": problem.task_id},
            )
        seen.add(problem.task_id)
        result.append(problem)
    return result


__all__ = ["DATASET_NAMES", "data_directories", "load_problems", "register_dataset", "unique_task_ids"]
