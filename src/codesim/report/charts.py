"""The overview's charts as inline SVG: no chart library in the page (a report of 10 tasks stays
well under 1 MB), drawn at a fixed view box that scales to its figure, hover text in `<title>`."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from codesim.report.aggregates import RunStats

WIDTH, HEIGHT = 480, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 72  # plot margins inside the view box
_BOXPOINTS_ALL_UP_TO = 200
_SERIES_COLOURS = ("#0969da", "#8c959f")


@dataclass
class Chart:
    """One chart of the overview."""

    dom_id: str
    title: str
    caption: str
    html: Markup


@dataclass(frozen=True)
class _Axes:
    """A plot area with a linear y axis from 0 to `top` and one slot per x label."""

    labels: Sequence[str]
    top: float

    @property
    def slot(self) -> float:
        return (WIDTH - LEFT - RIGHT) / max(1, len(self.labels))

    def x(self, index: int) -> float:
        """The centre of slot `index`."""
        return LEFT + self.slot * (index + 0.5)

    def y(self, value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / self.top if self.top else 1)

    def draw(self, y_title: str, tick: Callable[[float], str]) -> list[str]:
        parts = []
        for step in range(5):
            value = self.top * step / 4
            y = self.y(value)
            parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
            parts.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick(value)}</text>')
        for index, label in enumerate(self.labels):
            short = label if len(label) <= 22 else label[:21] + "…"
            parts.append(
                f'<text class="label" x="{self.x(index):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                f"<title>{escape(label)}</title>{escape(short)}</text>"
            )
        middle = TOP + (HEIGHT - TOP - BOTTOM) / 2
        parts.append(
            f'<text class="axis-title" transform="translate(14 {middle:.1f}) rotate(-90)" text-anchor="middle">'
            f"{escape(y_title)}</text>"
        )
        return parts


def _nice_top(value: float) -> float:
    """A round axis maximum at or above `value`."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(value))) / 10
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= value:
            return factor * magnitude
    return 10 * magnitude


def _legend(items: Sequence[tuple[str, str]]) -> list[str]:
    """Colour keys in rows below the x labels."""
    parts, x, y = [], float(LEFT), HEIGHT - BOTTOM + 30
    for name, colour in items:
        width = 24 + 6 * len(name)
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = float(LEFT), y + 14
        parts.append(f'<rect class="key" x="{x:.0f}" y="{y}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text class="legend" x="{x + 14:.0f}" y="{y + 9}">{escape(name)}</text>')
        x += width
    return parts


def _svg(dom_id: str, title: str, parts: list[str]) -> Markup:
    body = "".join(parts)
    return Markup(
        f'<svg id="{dom_id}" class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">{body}</svg>'
    )


def _percent_tick(value: float) -> str:
    return f"{value:.0f}%"


def _count_tick(value: float) -> str:
    """`37.5k`, `12.5`, `4`."""
    scaled, suffix = (value / 1000, "k") if value >= 1000 else (value, "")
    return f"{scaled:.1f}".rstrip("0").rstrip(".") + suffix


def pass1_chart(stats: list[RunStats]) -> Chart:
    """pass@1 per run with its 95% Wilson interval over tasks (the whisker is drawn for every
    scored run, also when the interval is narrow)."""
    axes = _Axes([s.run.short_name for s in stats], 100.0)
    parts = axes.draw("pass@1 (%)", _percent_tick)
    half = axes.slot * 0.3
    for index, s in enumerate(stats):
        x = axes.x(index)
        score = s.pass_at.get("pass@1")
        if score is None or s.pass1_interval is None:
            parts.append(f'<text class="note" x="{x:.1f}" y="{axes.y(4):.1f}" text-anchor="middle">not scored</text>')
            continue
        low, high = (100 * bound for bound in s.pass1_interval)
        top = axes.y(100 * score)
        parts.append(
            f'<rect class="pass-bar" x="{x - half:.1f}" y="{top:.1f}" width="{2 * half:.1f}" '
            f'height="{axes.y(0) - top:.1f}" fill="{_SERIES_COLOURS[0]}"><title>{escape(s.run.short_name)}: '
            f"pass@1 {100 * score:.1f}% (95% interval {low:.1f}–{high:.1f}%)</title></rect>"
        )
        cap = min(8.0, half / 2)
        y_low, y_high = axes.y(low), axes.y(high)
        parts.append(
            f'<g class="whisker"><line x1="{x:.1f}" x2="{x:.1f}" y1="{y_low:.1f}" y2="{y_high:.1f}"/>'
            f'<line x1="{x - cap:.1f}" x2="{x + cap:.1f}" y1="{y_low:.1f}" y2="{y_low:.1f}"/>'
            f'<line x1="{x - cap:.1f}" x2="{x + cap:.1f}" y1="{y_high:.1f}" y2="{y_high:.1f}"/></g>'
        )
        inside = axes.y(0) - top > 18
        parts.append(
            f'<text class="value{" inside" if inside else ""}" x="{x - half + 4:.1f}" '
            f'y="{top + 14 if inside else top - 4:.1f}">{100 * score:.1f}%</text>'
        )
    return Chart(
        "chart-pass1",
        "pass@1 per run",
        "Bars: pass@1 over tasks. Whiskers: 95% Wilson score interval with the number of tasks as n. "
        "A run with samples that failed at the provider is not scored.",
        _svg("chart-pass1", "pass@1 per run", parts),
    )


def _stacked_bars(
    dom_id: str,
    title: str,
    y_title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    hover: Callable[[str, str, float], str],
) -> Markup:
    """Bars stacked from `series` of (name, colour, one value per label), with a legend."""
    totals = [sum(values[i] for _, _, values in series) for i in range(len(labels))]
    axes = _Axes(labels, _nice_top(max(totals, default=0.0)))
    parts = axes.draw(y_title, _count_tick)
    half = axes.slot * 0.3
    for index, label in enumerate(labels):
        base = 0.0
        for name, colour, values in series:
            value = values[index]
            if value <= 0:
                continue
            top, bottom = axes.y(base + value), axes.y(base)
            parts.append(
                f'<rect class="segment" x="{axes.x(index) - half:.1f}" y="{top:.1f}" width="{2 * half:.1f}" '
                f'height="{bottom - top:.1f}" fill="{colour}"><title>{escape(hover(label, name, value))}</title></rect>'
            )
            base += value
    parts += _legend([(name, colour) for name, colour, _ in series])
    return _svg(dom_id, title, parts)


def tokens_per_solved_chart(stats: list[RunStats]) -> Chart:
    """Prompt and completion tokens of the whole run per task it solved."""
    series = [
        (name, colour, [getattr(s, attr) / s.solved if s.solved else 0.0 for s in stats])
        for (name, attr), colour in zip(
            (("prompt", "prompt_tokens"), ("completion", "completion_tokens")), _SERIES_COLOURS, strict=True
        )
    ]
    html = _stacked_bars(
        "chart-tokens",
        "Tokens per solved task",
        "tokens per solved task",
        [s.run.short_name for s in stats],
        series,
        lambda run, name, value: f"{run}: {value:,.0f} {name} tokens per solved task",
    )
    return Chart(
        "chart-tokens",
        "Tokens per solved task",
        "All tokens of the run (cache hits included) divided by pass@1 x tasks; no bar when nothing was solved.",
        html,
    )


def _box(axes: _Axes, index: int, values: Sequence[float], name: str) -> list[str]:
    x, half = axes.x(index), axes.slot * 0.25
    if len(values) >= 2:
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1 = median = q3 = float(values[0])
    low, high = min(values), max(values)
    summary = f"{name}: median {median:g}, quartiles {q1:g}–{q3:g}, range {low}–{high} ({len(values)} samples)"
    parts = [
        f'<g class="box"><title>{escape(summary)}</title>'
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{axes.y(low):.1f}" y2="{axes.y(high):.1f}"/>'
        f'<rect x="{x - half:.1f}" y="{axes.y(q3):.1f}" width="{2 * half:.1f}" '
        f'height="{max(1.0, axes.y(q1) - axes.y(q3)):.1f}" fill="#ddf4ff"/>'
        f'<line class="median" x1="{x - half:.1f}" x2="{x + half:.1f}" '
        f'y1="{axes.y(median):.1f}" y2="{axes.y(median):.1f}"/></g>'
    ]
    if len(values) <= _BOXPOINTS_ALL_UP_TO:  # every sample as a point, spread sideways in a fixed pattern
        for number, value in enumerate(values):
            offset = ((number * 7919) % 17 - 8) / 8 * half * 0.8
            parts.append(f'<circle class="point" cx="{x + offset:.1f}" cy="{axes.y(value):.1f}" r="2"/>')
    return parts


def calls_chart(stats: list[RunStats]) -> Chart:
    """Distribution of LLM calls per task sample, one box per run."""
    axes = _Axes(
        [s.run.short_name for s in stats],
        _nice_top(max((max(s.calls_per_sample, default=0) for s in stats), default=0)),
    )
    parts = axes.draw("LLM calls", _count_tick)
    for index, s in enumerate(stats):
        if s.calls_per_sample:
            parts += _box(axes, index, s.calls_per_sample, s.run.short_name)
    return Chart(
        "chart-calls",
        "LLM calls per task",
        "Box: quartiles and median; line: fewest to most calls; one point per task sample (up to 200).",
        _svg("chart-calls", "LLM calls per task", parts),
    )


def _per_task_box(stats: list[RunStats], figure: str, dom_id: str, title: str, caption: str, y_title: str) -> Chart:
    """One box per run of a per-solved-task figure of the final code (`cpu_s` or `peak_mb`)."""
    per_run = [[figures[figure] for figures in s.solution_figures.values()] for s in stats]
    axes = _Axes([s.run.short_name for s in stats], _nice_top(max((max(v, default=0) for v in per_run), default=0)))
    parts = axes.draw(y_title, _count_tick)
    for index, (s, values) in enumerate(zip(stats, per_run, strict=True)):
        if values:
            parts += _box(axes, index, values, s.run.short_name)
    return Chart(dom_id, title, caption, _svg(dom_id, title, parts))


def runtime_chart(stats: list[RunStats]) -> Chart:
    """CPU seconds of each solved task's final code on the hidden tests, one box per run."""
    return _per_task_box(
        stats,
        "cpu_s",
        "chart-runtime",
        "Solution runtime",
        "CPU seconds of the final code on all hidden tests, one point per solved task.",
        "CPU seconds",
    )


def memory_chart(stats: list[RunStats]) -> Chart:
    """Peak resident memory of each solved task's final code on the hidden tests, one box per run."""
    return _per_task_box(
        stats,
        "peak_mb",
        "chart-memory",
        "Solution peak memory",
        "Peak resident memory (MB) of the final code on the hidden tests, one point per solved task; "
        "it includes the interpreter (about 14 MB for Python).",
        "peak MB",
    )


_FIXED_COLOURS = {"first code": "#2da44e", "unsolved": "#cf222e", "no code": "#82071e", "provider error": "#8c959f"}
_SHADES = {
    "debug round": ("#0969da", "#218bff", "#54aeff", "#80ccff", "#b6e3ff"),
    "re-plan": ("#8250df", "#a475f9", "#c297ff", "#d8b9ff"),
}


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
    buckets = list(dict.fromkeys(label for s in stats for label in s.outcomes))
    passed = {(s.run.short_name, b): s.outcomes.get(b, (0, 0))[1] for s in stats for b in buckets}
    series = [(b, outcome_colour(b), [float(s.outcomes.get(b, (0, 0))[0]) for s in stats]) for b in buckets]
    html = _stacked_bars(
        "chart-outcomes",
        "How tasks were solved",
        "task samples",
        [s.run.short_name for s in stats],
        series,
        lambda run, bucket, n: f"{run}: {bucket}: {n:.0f} samples, {passed[(run, bucket)]} pass the hidden tests",
    )
    return Chart(
        "chart-outcomes",
        "How tasks were solved",
        "When the visible tests first passed (first code, after debugging round n, after re-planning), "
        "or unsolved; hover for how many of those also pass the hidden tests.",
        html,
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
