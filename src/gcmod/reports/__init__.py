"""One report layer: view models (plain data, computed once) rendered by jinja2
templates with autoescaping, for the estimate, the audit and the catalogue.

Every page extends ``base.html.j2`` (one layout, one stylesheet inlined so a
report stays one self-contained file: no scripts, web fonts or external URLs)
and draws its parts with the macros of ``parts.html.j2`` (summary cards, tables
that become stacked rows on a phone, bar charts whose text stays HTML text).
Numbers reach templates already formatted by their view models
(:mod:`gcmod.cost.figures` for money), so templates hold no arithmetic.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import jinja2

from gcmod.reports.svgtext import coord

#: Narrowest and widest screens the pages are tested at (tests/test_report_browser.py).
PHONE_PX, DESKTOP_PX = 390, 1280


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
    env.filters.update(coord=coord)
    env.globals["stylesheet"] = stylesheet
    return env


def render(template: str, **view: Any) -> str:
    """Render ``template`` (a file under templates/) with a view model."""
    return environment().get_template(template).render(**view)
