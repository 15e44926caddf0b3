"""The estimate's two charts as shapes (plain data): the template draws them as
inline SVG (``parts.svg_chart``), every text in it escaped there.

* :func:`before_after` - two bars, lift-and-shift and planned, stacked by
  category, each labelled with its total and the change between them;
* :func:`waterfall` - the lift-and-shift, minus each lever's saving, equals the
  planned cost (a lever that adds cost is drawn upwards, in red).

Colours: Okabe-Ito hues (colour-blind safe), darkened where needed so that
every bar and swatch is >= 3:1 against the page and the text drawn on it (white
or ink) >= 4.5:1 (WCAG 2.2, 1.4.11 and 1.4.3; measured by
tests/test_report_browser.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gcmod.reports.svgtext import INK, MUTED, fit, text_on, text_px

CATEGORY_COLOURS: dict[str, str] = {
    "compute": "#0072B2",
    "database": "#A06000",
    "storage": "#009E73",
    "backup": "#00798C",
    "logs": "#CC79A7",
    "network": "#B03A2E",
    "security": "#7A7A12",
    "operations": "#6B6B6B",
    "other": "#4B3F72",
}
_EXTRA_COLOURS = ("#8C564B", "#0E6E55", "#8A3B9E", "#393B79")
BASELINE = "#8A94A6"
PLANNED = "#1F4E9C"
SAVE = "#2E7D4F"
UP = "#C0392B"
RULE = "#9AA3B2"


def colour(category: str, categories: Sequence[str]) -> str:
    if category in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[category]
    extra = [c for c in categories if c not in CATEGORY_COLOURS]
    return _EXTRA_COLOURS[extra.index(category) % len(_EXTRA_COLOURS)]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str = ""
    rx: float = 0
    stroke: str = ""
    stroke_width: float = 0
    kind: str = field(default="rect", init=False)


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = RULE
    width: float = 1
    dash: str = ""
    kind: str = field(default="line", init=False)


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float = 12
    anchor: str = "start"
    fill: str = INK
    bold: bool = False
    kind: str = field(default="text", init=False)


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str
    kind: str = field(default="polygon", init=False)


Shape = Rect | Line | Text | Polygon


@dataclass
class Chart:
    id: str
    width: float
    height: float
    title: str
    desc: str
    shapes: list[Shape] = field(default_factory=list)


@dataclass(frozen=True)
class Bar:
    """One stacked bar of :func:`before_after`."""

    label: str
    accent: str
    total_usd: float
    total_text: str
    """The total in the reader's currency, per month."""
    total_sub: str
    """The total in the other currency."""
    segments: list[tuple[str, str, float, str, str]]
    """(category, name, USD, the amount in the reader's currency, both currencies)."""


def before_after(
    bars: Sequence[Bar],
    categories: Sequence[tuple[str, str]],
    *,
    title: str,
    desc: str,
    change: tuple[float, str] | None,
) -> Chart:
    """Two stacked bars; ``categories``: (key, name) bottom up; ``change``: the
    percent lower and its label, drawn between the bars."""
    keys = [k for k, _ in categories]
    w, h, top, bottom = 760, 400, 58, 56
    ph = h - top - bottom
    bar_w, xs = 160.0, (70.0, 350.0)
    hi = max([b.total_usd for b in bars] + [0.0]) or 1.0

    def y(v: float) -> float:
        return top + ph - max(v, 0.0) / hi * ph

    chart = Chart("chart-ba", w, h, title, desc)
    add = chart.shapes.append
    add(Line(40, top + ph, xs[1] + bar_w + 30, top + ph, width=1.5))
    for bar, x in zip(bars, xs, strict=False):
        base = 0.0
        for key, name, usd, amount, both in bar.segments:
            if usd <= 0:
                continue
            y1, y0 = y(base + usd), y(base)
            fill = colour(key, keys)
            add(Rect(x, y1, bar_w, max(y0 - y1, 0.5), fill, f"{name}: {both}", 0, "#FFFFFF", 1))
            if y0 - y1 >= 17:
                label = fit(f"{name} {amount}", 11, bar_w - 8)
                add(Text(x + bar_w / 2, (y0 + y1) / 2 + 4, label, 11, "middle", text_on(fill)))
            base += usd
        total_y = y(bar.total_usd)
        add(Text(x + bar_w / 2, total_y - 24, bar.total_text, 15, "middle", bold=True))
        add(Text(x + bar_w / 2, total_y - 8, bar.total_sub, 11.5, "middle", MUTED))
        add(Rect(x, top + ph + 8, bar_w, 4, bar.accent))
        add(Text(x + bar_w / 2, top + ph + 32, fit(bar.label, 13, bar_w + 60), 13, "middle",
                 bold=True))  # fmt: skip
    if change is not None and len(bars) == 2 and bars[0].total_usd > 0:
        p, label = change
        yb, yp = y(bars[0].total_usd), y(bars[1].total_usd)
        mid_x = (xs[0] + bar_w + xs[1]) / 2
        ink = SAVE if p >= 0 else UP
        add(Line(xs[0] + bar_w, yb, mid_x, yb, dash="4 3"))
        add(Line(mid_x, yp, xs[1], yp, dash="4 3"))
        if abs(yb - yp) > 12:
            tip = 7 if yp > yb else -7
            add(Line(mid_x, yb, mid_x, yp - tip, ink, 2.5))
            add(Polygon(((mid_x - 6, yp - tip), (mid_x + 6, yp - tip), (mid_x, yp)), ink))
        ly = (yb + yp) / 2
        add(Rect(mid_x - 34, ly - 15, 68, 24, "#FFFFFF", "", 12, ink, 1.5))
        add(Text(mid_x, ly + 3, label, 14, "middle", ink, bold=True))
    # legend, top category first (as stacked)
    for i, (key, name) in enumerate(reversed(categories)):
        yy = top + i * 22
        add(Rect(580, yy, 14, 14, colour(key, keys), "", 2))
        add(Text(602, yy + 12, name, 12.5))
    return chart


@dataclass(frozen=True)
class Step:
    """One row of :func:`waterfall`: a total (``kind`` baseline or planned) or a
    lever's saving (``kind`` step), with its value in both currencies."""

    name: str
    start: float
    end: float
    kind: str
    value: str


def waterfall(steps: Sequence[Step], *, title: str) -> Chart:
    """Horizontal waterfall: one row per step, the bars joined by dotted rules."""
    row_h, bar_h, top, size = 38, 22, 12, 12.5
    w = 760
    label_w = min(290.0, max([text_px(s.name, size) for s in steps] + [0.0]) + 14)
    value_w = 200.0
    x0, x1 = label_w + 8, w - value_w
    values = [v for s in steps for v in (s.start, s.end)] or [0.0]
    lo, hi = min(0.0, *values), max(*values, 0.0)
    span = (hi - lo) or 1.0
    h = int(top + row_h * len(steps) + 12)

    def x(v: float) -> float:
        return x0 + (v - lo) / span * (x1 - x0)

    desc = "; ".join(f"{s.name}: {s.value}" for s in steps)
    chart = Chart("chart-wf", w, h, title, desc)
    add = chart.shapes.append
    add(Line(x(0.0), top - 6, x(0.0), h - 8))
    for i, s in enumerate(steps):
        yy = top + i * row_h
        cy = yy + bar_h / 2 + 4
        a, b = sorted((x(s.start), x(s.end)))
        if s.kind == "step":
            fill = SAVE if s.start - s.end >= 0 else UP
        else:
            fill = BASELINE if s.kind == "baseline" else PLANNED
        total = s.kind != "step"
        add(Text(label_w, cy, fit(s.name, size, label_w - 14), size, "end", bold=total))
        add(Rect(a, yy, max(b - a, 1.5), bar_h, fill, f"{s.name}: {s.value}", 2))
        add(Text(b + 6, cy, fit(s.value, 11.5, w - b - 8), 11.5, "start", INK if total else fill,
                 bold=total))  # fmt: skip
        if i + 1 < len(steps):
            nxt = x(s.end)
            add(Line(nxt, yy + bar_h, nxt, yy + row_h, dash="3 3"))
    return chart
