"""Problem statements for a run's tasks, read from its benchmark when that is reachable."""

from __future__ import annotations

import logging

from codesim.report.loading import RunData

log = logging.getLogger(__name__)


def load_statements(run: RunData) -> dict[str, str]:
    """task_id -> problem statement of `run`'s dataset, read as the run read it (dataset name,
    data file and format of its config.json); {} when the benchmark data is not reachable
    (the report then shows task ids only)."""
    try:
        from codesim.benchmarks import load_problems

        problems = load_problems(run.dataset, run.config.get("data_file"), fmt=run.config.get("data_format"))
        return {problem.task_id: problem.public.prompt for problem in problems}
    except Exception as err:  # noqa: BLE001 - a report never fails for lack of statements
        log.info("no problem statements for %s: %s", run.path, err)
        return {}
