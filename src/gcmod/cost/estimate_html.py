"""The estimate as one self-contained HTML page, from the view model
(:mod:`gcmod.cost.estimate_view`) and the report layer's templates
(``estimate.html.j2`` on ``base.html.j2`` and ``parts.html.j2``): the one
stylesheet inlined, the two charts as inline SVG, no scripts, fonts, images or
links to load; prints on A4.

:func:`money_cell` and the ``*_table`` functions turn the view's rows into
the cells of ``parts.table``; the catalogue's template pages use them too.
"""

from __future__ import annotations

import re
from typing import Any

from gcmod.cost.estimate_view import EstimateView, LeverRow, LinesTable, Money, ShareRow
from gcmod.reports import render

Cell = dict[str, Any]
Table = tuple[list[dict[str, Any]], list[list[Any]], list[Any] | None]
"""(columns, rows, total row) for ``parts.table``."""

_NUM = {"numeric": True}


def money_cell(m: Money, *, change: bool = False) -> Cell:
    """The reader's currency, the other one below. ``change``: a cost difference,
    where down is good (green) and up is bad (red, with a plus sign)."""
    first, second = m.first, m.second
    cents = round(m.usd, 2)
    cls = ""
    if change and cents > 0:
        first, second, cls = "+" + first, "+" + second, "up"
    elif change and cents < 0:
        cls = "down"
    elif cents < 0:
        cls = "up"
    return {"text": first, "sub": second, "cls": cls}


def rich(text: str) -> list[tuple[str, bool]]:
    """Text with `code` in backticks as rich-text pieces (code is data)."""
    return [(p, i % 2 == 1) for i, p in enumerate(re.split(r"`([^`]+)`", text)) if p]


def cards(v: EstimateView) -> list[dict[str, Any]]:
    return [{"label": c.label, "value": c.value, "subs": c.subs, "cls": c.cls} for c in v.cards]


def category_table(v: EstimateView) -> Table:
    t = v.words
    columns = [{"label": t["category"]}, {"label": t["baseline"], **_NUM},
               {"label": t["planned"], **_NUM}, {"label": t["change"], **_NUM}]  # fmt: skip
    rows = [
        [{"text": c.name, "swatch": c.colour}, money_cell(c.baseline), money_cell(c.planned),
         money_cell(c.change, change=True)]
        for c in v.categories
    ]  # fmt: skip
    c = v.category_total
    total = [
        c.name,
        money_cell(c.baseline),
        money_cell(c.planned),
        money_cell(c.change, change=True),
    ]
    return columns, rows, total


def lever_table(v: EstimateView) -> Table:
    t = v.words
    columns = [{"label": t["lever"]}, {"label": t["saving_month"], **_NUM},
               {"label": t["pct_baseline"], **_NUM}, {"label": t["explanation"]}]  # fmt: skip

    def row(lv: LeverRow) -> list[Any]:
        return [{"text": lv.name, "ja": lv.name_ja}, money_cell(lv.saving), lv.pct, lv.explanation]

    total = row(v.lever_total) if v.lever_total else None
    return columns, [row(lv) for lv in v.levers], total


def share_table(v: EstimateView) -> Table:
    t = v.words
    columns = [{"label": t["code"], "id": True}, {"label": t["name"]},
               {"label": t["population"], **_NUM}, {"label": t["equal"], **_NUM},
               {"label": t["by_population"], **_NUM}, {"label": t["by_usage"], **_NUM}]  # fmt: skip

    def row(s: ShareRow) -> list[Any]:
        return [s.code, s.name, s.population, money_cell(s.equal), money_cell(s.by_population),
                money_cell(s.by_usage)]  # fmt: skip

    total = None
    if v.share_total is not None:
        total = row(v.share_total)
        total[0] = {"text": v.share_total.code}  # the word "total", not a code
    return columns, [row(s) for s in v.shares], total


def _lines(v: EstimateView, table: LinesTable, key: str) -> dict[str, Any]:
    t = v.words
    columns: list[dict[str, Any]] = [{"label": t["resource"]}, {"label": t["what"]}]
    if table.tenants:
        columns.append({"label": t["tenant"], "id": True})
    columns += [{"label": t["quantity"], **_NUM}, {"label": t["unit_price"], **_NUM},
                {"label": t["monthly"], **_NUM}]  # fmt: skip
    rows = []
    for li in table.rows:
        row: list[Any] = [
            {"text": li.resource, "id": True, "sub": li.type, "sub_id": True},
            li.description,
        ]
        if table.tenants:
            row.append(li.tenant)
        row += [f"{li.quantity} {li.unit}", {"text": li.unit_price, "sub": f"/ {li.unit}"},
                money_cell(li.monthly)]  # fmt: skip
        rows.append(row)
    total = [t["total"]] + [""] * (len(columns) - 2) + [money_cell(table.total)]
    return {"key": key, "title": table.title, "columns": columns, "rows": rows, "total": total}


def context(v: EstimateView) -> dict[str, Any]:
    """What ``estimate.html.j2`` reads."""
    t = v.words
    cat_cols, cat_rows, cat_total = category_table(v)
    lev_cols, lev_rows, lev_total = lever_table(v)
    sh_cols, sh_rows, sh_total = share_table(v)
    status = "warn" if not v.verdict_ok else "ok"
    return {
        "lang": v.lang,
        "version": v.version,
        "title": v.title,
        "subtitle": v.kicker,
        "words": t,
        "meta": v.meta,
        "cards": cards(v),
        "status_kind": status,
        "headline": v.headline,
        "gauge": v.gauge,
        "summary_notes": v.summary_notes,
        "missing_warning": v.missing_warning,
        "before_after": v.before_after,
        "category_columns": cat_cols,
        "category_rows": cat_rows,
        "category_total": cat_total,
        "other_note": v.other_note,
        "waterfall": v.waterfall,
        "lever_columns": lev_cols,
        "lever_rows": lev_rows,
        "lever_total": lev_total,
        "share_columns": sh_cols,
        "share_rows": sh_rows,
        "share_total": sh_total,
        "missing_intro": v.missing_intro,
        "missing_columns": [{"label": t[k]} for k in
                            ("estimate", "resource", "price_key", "region", "reason")],
        "missing_rows": [
            [m.estimate, {"text": m.resource, "id": True, "sub": m.type, "sub_id": True},
             {"rich": [(m.price_key, True)]}, {"text": m.region, "id": True}, m.reason]
            for m in v.missing
        ],
        "line_tables": [_lines(v, v.lines, "lines"), _lines(v, v.baseline_lines, "baseline-lines")],
        "assumption_columns": [{"label": t["item"]}, {"label": t["value"]}, {"label": t["source"]}],
        "assumption_rows": [
            [{"text": a.label, "id": True} if a.label_is_key else a.label, a.value,
             {"rich": rich(a.source)} if a.source else ""]
            for a in v.assumptions
        ],
        "sources": v.sources,
        "footer": v.footer,
    }  # fmt: skip


def html(v: EstimateView) -> str:
    """The page."""
    return render("estimate.html.j2", **context(v))
