"""`codesim report`: one self-contained HTML page of one or more runs (tables, plots, traces)."""

from __future__ import annotations

from pathlib import Path

from codesim.errors import UsageError
from codesim.report.aggregates import comparisons, run_stats
from codesim.report.charts import overview_charts
from codesim.report.loading import load_runs
from codesim.report.render import render_page
from codesim.report.statements import load_statements
from codesim.report.tasks import task_views


def build_report(run_dirs: list[Path]) -> str:
    """The report page of the runs in `run_dirs` (a UsageError when one is not a run)."""
    runs = load_runs(run_dirs)
    statements: dict[str, dict[str, str]] = {}
    for run in runs:
        if run.dataset not in statements:
            statements[run.dataset] = load_statements(run)
    stats = [run_stats(run) for run in runs]
    return render_page(stats, overview_charts(stats), comparisons(runs), task_views(runs, statements))


def write_report(run_dirs: list[Path], output: Path) -> Path:
    """Write the report of `run_dirs` to `output` and return its path."""
    page = build_report(run_dirs)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(page, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot write {output}: {err.strerror or err}") from err
    return output
