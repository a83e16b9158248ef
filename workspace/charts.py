"""Bar charts drawn on the server as SVG (no chart library, no CDN): ``grouped_bars`` places the
rectangles (pure arithmetic), ``svg`` writes them as escaped markup. No database needed to test them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

WIDTH = 640
HEIGHT = 300
LEFT = 56  # room for the value ticks
RIGHT = 8
TOP = 12
BOTTOM = 30  # room for the group labels
TICKS = 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: object
    series: int
    group: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class GroupLabel:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[GroupLabel]
    baseline: float
    left: int
    right: int


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above ``value`` (a readable top for the axis)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover (the loop ends at 10)


def _tick_label(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g} M"
    if value >= 10_000:
        return f"{value / 1000:g} k"
    return f"{value:g}"


def grouped_bars(groups: list[str], series: list[list[float]]) -> Chart:
    """Bars for each group (a month, a destination type), one per series (the previous year, the year)."""
    highest = max((float(value) for values in series for value in values), default=0)
    top = nice_ceiling(highest)
    if all(isinstance(value, int) for values in series for value in values):
        top = max(top, TICKS)  # whole counts: whole ticks
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    slot = plot_width / max(len(groups), 1)
    bar_width = slot * 0.8 / max(len(series), 1)
    bars = []
    for index, group in enumerate(groups):
        for number, values in enumerate(series):
            value = values[index]
            height = plot_height * float(value) / top
            bars.append(
                Bar(
                    x=round(LEFT + index * slot + slot * 0.1 + number * bar_width, 1),
                    y=round(baseline - height, 1),
                    width=round(bar_width, 1),
                    height=round(height, 1),
                    value=value,
                    series=number,
                    group=group,
                )
            )
    ticks = [
        Tick(y=round(baseline - plot_height * step / TICKS, 1), label=_tick_label(top * step / TICKS))
        for step in range(TICKS + 1)
    ]
    labels = [GroupLabel(x=round(LEFT + index * slot + slot / 2, 1), label=group) for index, group in enumerate(groups)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        ticks=ticks,
        labels=labels,
        baseline=baseline,
        left=LEFT,
        right=WIDTH - RIGHT,
    )


def svg(chart: Chart, *, title_id: str, title: str, series_names: tuple[str, str]) -> str:
    """The chart as SVG markup (escaped; one string built here is much cheaper than a template loop)."""
    ticks = format_html_join(
        "",
        '<line class="stats-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="stats-tick" x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
        ((chart.left, chart.right, tick.y, tick.y, chart.left - 6, tick.y, tick.label) for tick in chart.ticks),
    )
    bars = format_html_join(
        "",
        '<rect class="stats-bar stats-bar--{}" x="{}" y="{}" width="{}" height="{}"><title>{} {} : {}</title></rect>',
        (
            (bar.series, bar.x, bar.y, bar.width, bar.height, bar.group, series_names[bar.series], bar.value)
            for bar in chart.bars
        ),
    )
    labels = format_html_join(
        "",
        '<text class="stats-label" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((label.x, chart.height - 10, _short(label.label)) for label in chart.labels),
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}" focusable="false"><title id="{}">{}</title>'
        "{}{}{}</svg>",
        chart.width,
        chart.height,
        title_id,
        title_id,
        title,
        ticks,
        bars,
        labels,
    )


def _short(label: str, length: int = 14) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"
