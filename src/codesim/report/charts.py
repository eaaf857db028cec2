"""The overview's Plotly charts, as HTML fragments that share one inlined plotly.js."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from codesim.report.aggregates import RunStats

_BOXPOINTS_ALL_UP_TO = 200
_CONFIG = {"displaylogo": False, "responsive": True}


@dataclass
class Chart:
    """One chart of the overview."""

    dom_id: str
    title: str
    caption: str
    html: Markup


def plotly_js() -> Markup:
    """plotly.js itself, to inline once in the page."""
    return Markup(get_plotlyjs())


def _fragment(fig: go.Figure, dom_id: str, y_title: str) -> Markup:
    fig.update_layout(
        template="plotly_white",
        height=340,
        margin={"l": 60, "r": 20, "t": 20, "b": 80},
        yaxis_title=y_title,
        legend={"orientation": "h", "y": -0.25},
        font={"size": 12},
    )
    return Markup(
        fig.to_html(full_html=False, include_plotlyjs=False, div_id=dom_id, config=_CONFIG, default_width="100%")
    )


def pass1_chart(stats: list[RunStats]) -> Chart:
    """pass@1 per run with its 95% Wilson interval over tasks."""
    labels = [s.run.short_name for s in stats]
    values = [100 * (s.pass_at.get("pass@1") or 0.0) for s in stats]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=values,
            text=[f"{v:.1f}%" for v in values],
            textposition="inside",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [100 * s.pass1_interval[1] - v for s, v in zip(stats, values)],
                "arrayminus": [v - 100 * s.pass1_interval[0] for s, v in zip(stats, values)],
            },
            hovertemplate="%{x}<br>pass@1 %{y:.1f}%<extra></extra>",
        )
    )
    fig.update_yaxes(range=[0, 100])
    return Chart(
        "chart-pass1",
        "pass@1 per run",
        "Bars: pass@1 over tasks. Whiskers: 95% Wilson score interval with the number of tasks as n.",
        _fragment(fig, "chart-pass1", "pass@1 (%)"),
    )


def tokens_per_solved_chart(stats: list[RunStats]) -> Chart:
    """Prompt and completion tokens of the whole run per task it solved."""
    labels = [s.run.short_name for s in stats]
    fig = go.Figure()
    for name, attr in (("prompt", "prompt_tokens"), ("completion", "completion_tokens")):
        fig.add_trace(
            go.Bar(
                name=name,
                x=labels,
                y=[getattr(s, attr) / s.solved if s.solved else None for s in stats],
                hovertemplate=f"%{{x}}<br>{name} tokens per solved task %{{y:,.0f}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    return Chart(
        "chart-tokens",
        "Tokens per solved task",
        "All tokens of the run (cache hits included) divided by pass@1 x tasks; no bar when nothing was solved.",
        _fragment(fig, "chart-tokens", "tokens per solved task"),
    )


def calls_chart(stats: list[RunStats]) -> Chart:
    """Distribution of LLM calls per task sample, one box per run."""
    fig = go.Figure()
    for s in stats:
        fig.add_trace(
            go.Box(
                y=s.calls_per_sample,
                name=s.run.short_name,
                boxpoints="all" if len(s.calls_per_sample) <= _BOXPOINTS_ALL_UP_TO else "outliers",
                jitter=0.4,
                pointpos=0,
            )
        )
    fig.update_layout(showlegend=False)
    return Chart(
        "chart-calls",
        "LLM calls per task",
        "One point per task sample.",
        _fragment(fig, "chart-calls", "LLM calls"),
    )


def _per_task_box(
    stats: list[RunStats], figure: str, dom_id: str, title: str, caption: str, y_title: str, *, log: bool = False
) -> Chart:
    """One box per run of a per-solved-task figure of the final code (`cpu_s` or `peak_mb`)."""
    fig = go.Figure()
    for s in stats:
        tasks = list(s.solution_figures)
        values = [s.solution_figures[task][figure] for task in tasks]
        fig.add_trace(
            go.Box(
                y=values,
                text=tasks,
                name=s.run.short_name,
                boxpoints="all" if len(values) <= _BOXPOINTS_ALL_UP_TO else "outliers",
                jitter=0.4,
                pointpos=0,
                hovertemplate=f"%{{text}}<br>%{{y}} {y_title}<extra>%{{fullData.name}}</extra>",
            )
        )
    fig.update_layout(showlegend=False)
    if log:
        fig.update_yaxes(type="log")
    return Chart(dom_id, title, caption, _fragment(fig, dom_id, y_title))


def runtime_chart(stats: list[RunStats]) -> Chart:
    """CPU seconds of each solved task's final code on the hidden tests, one box per run."""
    return _per_task_box(
        stats, "cpu_s", "chart-runtime", "Solution runtime",
        "CPU seconds of the final code on all hidden tests, one point per solved task (log scale).",
        "CPU seconds", log=True,
    )


def memory_chart(stats: list[RunStats]) -> Chart:
    """Peak resident memory of each solved task's final code on the hidden tests, one box per run."""
    return _per_task_box(
        stats, "peak_mb", "chart-memory", "Solution peak memory",
        "Peak resident memory (MB) of the final code on the hidden tests, one point per solved task; "
        "it includes the interpreter (about 14 MB for Python).",
        "peak MB",
    )


_FIXED_COLOURS = {"first code": "#2da44e", "unsolved": "#cf222e", "no code": "#82071e", "provider error": "#8c959f"}
_SHADES = {"debug round": ("#0969da", "#218bff", "#54aeff", "#80ccff", "#b6e3ff"), "re-plan": ("#8250df", "#a475f9", "#c297ff", "#d8b9ff")}


def outcome_colour(label: str) -> str:
    """Green for first code, blues for debugging rounds, purples for re-plans, reds for unsolved."""
    if label in _FIXED_COLOURS:
        return _FIXED_COLOURS[label]
    for prefix, shades in _SHADES.items():
        if label.startswith(prefix):
            return shades[(int(label.rsplit(" ", 1)[1]) - 1) % len(shades)]
    return "#d4a72c"


def outcomes_chart(stats: list[RunStats]) -> Chart:
    """How the samples of planning/debugging runs ended, stacked per run."""
    labels = [s.run.short_name for s in stats]
    buckets = list(dict.fromkeys(label for s in stats for label in s.outcomes))
    fig = go.Figure()
    for bucket in buckets:
        counts = [s.outcomes.get(bucket, (0, 0)) for s in stats]
        fig.add_trace(
            go.Bar(
                name=bucket,
                marker_color=outcome_colour(bucket),
                x=labels,
                y=[n for n, _ in counts],
                customdata=[c for _, c in counts],
                hovertemplate=f"%{{x}}<br>{bucket}: %{{y}} samples, %{{customdata}} pass the hidden tests<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    return Chart(
        "chart-outcomes",
        "How tasks were solved",
        "When the visible tests first passed (first code, after debugging round n, after re-planning), "
        "or unsolved; hover for how many of those also pass the hidden tests.",
        _fragment(fig, "chart-outcomes", "task samples"),
    )


def overview_charts(stats: list[RunStats]) -> list[Chart]:
    """Every overview chart that applies to `stats`."""
    charts = [pass1_chart(stats), tokens_per_solved_chart(stats), calls_chart(stats)]
    family = [s for s in stats if s.codesim_family]
    if family:
        charts.append(outcomes_chart(family))
    if any(s.solution_figures for s in stats):
        charts += [runtime_chart(stats), memory_chart(stats)]
    return charts
