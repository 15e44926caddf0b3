"""The estimate as text for a terminal (:func:`table`) and as Markdown
(:func:`markdown`), both from the view model (:mod:`gcmod.cost.estimate_view`).

The terminal tables go through :mod:`gcmod.textable`: columns fitted to the
width (``COLUMNS``), Japanese wrapped by display width, and a table no width
can hold printed as ``header: value`` records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gcmod.cost.estimate_view import EstimateView, LinesTable, Money
from gcmod.cost.figures import fmt_usd
from gcmod.textable import render, width

#: Planned line items shown in the text and Markdown reports (all are in JSON and HTML).
TOP_LINES = 10


@dataclass
class Section:
    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    right: tuple[int, ...] = ()
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    warn: list[str] = field(default_factory=list)
    """Warnings after the table (Markdown sets them apart)."""


def _yen_unit(v: EstimateView) -> str:
    return "円" if v.lang == "ja" else "JPY"


def _summary(v: EstimateView) -> Section:
    t = v.words
    rows = [
        [x.label, x.month.usd_text, x.month.jpy_text, x.month.times(12).usd_text,
         x.month.times(12).jpy_text]
        for x in v.totals
    ]  # fmt: skip
    return Section(
        t["summary"],
        ["", t["usd_month"], t["jpy_month"], t["usd_year"], t["jpy_year"]],
        rows,
        (1, 2, 3, 4),
        after=[v.headline, *v.summary_notes],
        warn=[v.missing_warning] if v.missing_warning else [],
    )


def _categories(v: EstimateView) -> Section:
    t = v.words

    def cells(planned: Money, baseline: Money) -> list[str]:
        out = [planned.usd_text, planned.jpy_text]
        return [*out, baseline.usd_text, baseline.jpy_text] if v.has_baseline else out

    rows = [[c.name, *cells(c.planned, c.baseline)] for c in [*v.categories, v.category_total]]
    yen = _yen_unit(v)
    planned = t["planned_short"]
    headers = [t["category"], f"{planned} USD", f"{planned} {yen}"]
    if v.has_baseline:
        headers += [f"{t['baseline']} USD", f"{t['baseline']} {yen}"]
    return Section(
        t["sec_category"],
        headers,
        rows,
        (1, 2, 3, 4) if v.has_baseline else (1, 2),
        after=[v.other_note] if v.other_note else [],
    )


def _lines(v: EstimateView, table: LinesTable, limit: int | None = TOP_LINES) -> Section:
    t = v.words
    shown = table.rows if limit is None else table.rows[:limit]
    title = (
        table.title
        if len(shown) == len(table.rows)
        else t["sec_lines_top"].format(n=len(shown), total=len(table.rows))
    )
    rows = [
        [li.resource, li.description, f"{li.quantity} {li.unit}", li.unit_price,
         li.monthly.usd_text, li.monthly.jpy_text]
        for li in shown
    ]  # fmt: skip
    rest = table.rows[len(shown) :]
    after = []
    if rest:
        usd = fmt_usd(sum(li.monthly.usd for li in rest))
        after.append(t["lines_more"].format(n=len(rest), usd=usd))
    return Section(
        title,
        [t["resource"], t["what"], t["quantity"], t["unit_price"], t["usd_month"], t["jpy_month"]],
        rows,
        (2, 3, 4, 5),
        after=after,
    )


def _levers(v: EstimateView) -> Section:
    t = v.words
    if not v.levers or v.lever_total is None:
        return Section(t["sec_levers"], before=[t["no_levers"]])
    rows = [
        [lv.name, lv.saving.usd_text, lv.saving.jpy_text, lv.pct, lv.explanation]
        for lv in [*v.levers, v.lever_total]
    ]
    yen = " 円" if v.lang == "ja" else " JPY"
    return Section(
        t["sec_levers"],
        [t["lever"], t["saving_month"] + " USD", t["saving_month"] + yen, t["pct_baseline"],
         t["explanation"]],
        rows,
        (1, 2, 3),
    )  # fmt: skip


def _shares(v: EstimateView) -> Section:
    t = v.words
    if not v.shares or v.share_total is None:
        return Section(t["sec_shares"], before=[t["no_shares"]])
    rows = [
        [s.code, s.name, s.population, s.equal.both, s.by_population.both, s.by_usage.both]
        for s in [*v.shares, v.share_total]
    ]
    return Section(
        t["sec_shares"],
        [t["code"], t["name"], t["population"], t["equal"], t["by_population"], t["by_usage"]],
        rows,
        (2, 3, 4, 5),
        after=[t["shares_note"]],
    )


def _missing(v: EstimateView) -> Section:
    t = v.words
    return Section(
        t["sec_missing"],
        [t["estimate"], t["resource"], t["type"], t["price_key"], t["region"], t["reason"]],
        [[m.estimate, m.resource, m.type, m.price_key, m.region, m.reason] for m in v.missing],
    )


def _assumptions(v: EstimateView) -> Section:
    t = v.words
    if not v.assumptions:
        return Section(t["sec_assumptions"], before=[t["no_assumptions"]])
    return Section(
        t["sec_assumptions"],
        [t["item"], t["value"], t["source"]],
        [[a.label, a.value, a.source] for a in v.assumptions],
    )


def sections(v: EstimateView) -> list[Section]:
    """The report's sections in reading order (the missing prices right after the
    totals they are missing from)."""
    out = [_summary(v)]
    if v.missing:
        out.append(_missing(v))
    out += [_categories(v), _lines(v, v.lines)]
    if v.has_baseline:
        out.append(_levers(v))
    out += [
        _shares(v),
        _assumptions(v),
        Section(v.words["sec_sources"], before=[f"{k}: {x}" for k, x in v.sources]),
    ]
    return out


def table(v: EstimateView) -> str:
    """Plain text for a terminal; every word in the view's language."""
    out = [v.title, "=" * width(v.title), *v.meta]
    for sec in sections(v):
        out += ["", sec.title, "-" * width(sec.title), *sec.before]
        if sec.headers:
            out.append(render(sec.headers, sec.rows, right=sec.right))
        out += sec.after + ["⚠ " + w for w in sec.warn]
    out += ["", v.footer]
    return "\n".join(out)


def _md_cell(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", " ")
        .replace("\n", "<br>")
    )


def _md_table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[int]) -> str:
    seps = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = [
        "| " + " | ".join(_md_cell(h) for h in headers) + " |",
        "| " + " | ".join(seps) + " |",
    ]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(v: EstimateView) -> str:
    """The text report as Markdown (a proposal, a pull-request comment)."""
    out = [f"## {_md_cell(v.title)}", "", *(_md_cell(x) + "  " for x in v.meta)]
    out[-1] = out[-1].rstrip()
    for sec in sections(v):
        out += ["", f"### {_md_cell(sec.title)}", ""]
        for p in sec.before:
            out += [_md_cell(p), ""]
        if sec.headers:
            out += [_md_table(sec.headers, sec.rows, sec.right), ""]
        for p in sec.after:
            out += [_md_cell(p), ""]
        for p in sec.warn:
            out += [f"> **⚠ {_md_cell(p)}**", ""]
        while out and out[-1] == "":
            out.pop()
    out += ["", f"_{_md_cell(v.footer)}_"]
    return "\n".join(out) + "\n"
