"""One report layer: view models (plain data, computed once) rendered by jinja2
templates with autoescaping, for the estimate, the audit and the catalogue.

Every page extends ``base.html.j2`` (one layout, one stylesheet inlined so a
report stays one self-contained file: no scripts, web fonts or external URLs)
and draws its parts with the macros of ``parts.html.j2`` (summary cards, tables
that become stacked rows on a phone, bar charts whose text stays HTML text).
Numbers reach templates already rounded: the filters below print them without
float noise.
"""

from __future__ import annotations

import math
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2

from gcmod.reports.svgtext import coord

#: Narrowest and widest screens the pages are tested at (tests/test_report_browser.py).
PHONE_PX, DESKTOP_PX = 390, 1280


def usd(value: float | None, decimals: int = 2) -> str:
    """``$1,234.56``; ``-`` for None."""
    if value is None or not math.isfinite(value):
        return "-"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{decimals}f}"


def yen(value: float | None) -> str:
    """``¥12,345`` (whole yen); ``-`` for None."""
    if value is None or not math.isfinite(value):
        return "-"
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(round(value)):,}"


def number(value: float | None, decimals: int = 0) -> str:
    """A count or quantity without float noise (``8,034.05``, ``12``)."""
    if value is None or not math.isfinite(value):
        return "-"
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals and "." in text else text


def pct(value: float | None, decimals: int = 1) -> str:
    """``92.7%`` for 92.7; ``-`` for None."""
    return "-" if value is None or not math.isfinite(value) else f"{value:.{decimals}f}%"


@cache
def stylesheet() -> str:
    """The one stylesheet of every report."""
    return (files("gcmod.reports") / "assets" / "report.css").read_text(encoding="utf-8")


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gcmod.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(usd=usd, yen=yen, number=number, pct=pct, coord=coord)
    env.globals["stylesheet"] = stylesheet
    return env


def render(template: str, **view: Any) -> str:
    """Render ``template`` (a file under templates/) with a view model."""
    return environment().get_template(template).render(**view)
