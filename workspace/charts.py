"""Bar charts drawn on the server as SVG geometry (no chart library, no CDN): the template draws the
rectangles this module places. Pure arithmetic, testable without Django's database."""

from __future__ import annotations

import math
from dataclasses import dataclass

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
