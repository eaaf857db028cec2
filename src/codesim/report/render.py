"""Rendering the report page from its Jinja2 templates."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from codesim import __version__
from codesim.pricing import PRICES_AS_OF
from codesim.report.aggregates import Comparison, RunStats
from codesim.report.charts import Chart
from codesim.report.highlight import highlight_css
from codesim.report.tasks import TaskView


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _text(value: object) -> Markup:
    """`value` escaped for an element's content (& < > only: quotes need no escaping there)."""
    if isinstance(value, Markup):
        return value
    return Markup(str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("codesim.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(percent=_percent, number=_number, text=_text)
    return env


def render_page(
    stats: list[RunStats], charts: list[Chart], comparisons: list[Comparison], tasks: list[TaskView]
) -> str:
    """The whole self-contained report page."""
    dom_ids = {(task.dataset, task.task_id): task.dom_id for task in tasks}
    context: dict[str, Any] = {
        "version": __version__,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "stats": stats,
        "k_columns": sorted({k for s in stats for k in s.pass_at}, key=lambda key: int(key.split("@")[1])),
        "charts": charts,
        "comparisons": comparisons,
        "tasks": tasks,
        "task_ids": dom_ids,
        "stages": sorted({stage for task in tasks for stage in task.stages}),
        "prices_as_of": PRICES_AS_OF,
        "highlight_css": Markup(highlight_css()),
    }
    return _environment().get_template("report.html.j2").render(context)
