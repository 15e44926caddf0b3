"""Spreadsheets for finance staff: CSV (UTF-8 with BOM) and XLSX (openpyxl).

Two small writers take rows, so any report can use them (the audit's export
can call :func:`write_csv` and :func:`write_workbook` with its own rows):

Both write through :func:`gcmod.safewrite.write_file` (the file the user
named, its folder must exist, never half-written).

* :func:`write_csv` - one table, UTF-8 with a byte-order mark so Excel opens
  Japanese text correctly, CRLF line ends, numbers unformatted;
* :func:`write_workbook` - one sheet per :class:`Sheet`, numbers stored as
  numbers, yen columns shown without decimals, USD with cents.

:func:`estimate_sheets` builds the estimate's sheets (summary, line items,
levers, tenant shares, assumptions, price sources) from the same yen split as
every other view (:mod:`gcmod.cost.yen`), so the spreadsheet adds up exactly.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from gcmod.cost.model import EstimateResult
from gcmod.safewrite import write_file

Format = Literal["text", "usd", "jpy", "number", "pct"]
NUMBER_FORMATS: dict[str, str] = {
    "usd": "#,##0.00",
    "jpy": "#,##0",
    "number": "#,##0.####",
    "pct": "0.0",
}


@dataclass
class Sheet:
    """A titled table; ``formats`` maps a column index to how its numbers show."""

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    formats: dict[int, Format] = field(default_factory=dict)


def _cell(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """One table as CSV: UTF-8 with BOM (Excel reads Japanese), CRLF, numbers as written."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(list(headers))
    for row in rows:
        w.writerow(["" if (c := _cell(v)) is None else c for v in row])
    return write_file(Path(path), "\ufeff" + buf.getvalue())


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """An XLSX workbook, one worksheet per sheet, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title[:31])
        ws.append(list(sheet.headers))
        for c in ws[1]:
            c.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_cell(v) for v in row])
        for col, fmt in sheet.formats.items():
            if fmt == "text":
                continue
            for (cell,) in ws.iter_rows(min_row=2, min_col=col + 1, max_col=col + 1):
                if isinstance(cell.value, (int, float)):
                    cell.number_format = NUMBER_FORMATS[fmt]
        for i, h in enumerate(sheet.headers, start=1):
            width = max(
                [len(str(h))] + [len(str(r[i - 1])) for r in sheet.rows[:200] if i <= len(r)]
            )
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(
                max(10, width + 2), 60
            )
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return write_file(Path(path), out.getvalue())


# --------------------------------------------------------------------------- the estimate


def _line_sheet(result: EstimateResult) -> Sheet:
    from gcmod.cost.yen import estimate_yen

    sheet = Sheet(
        "明細 Line items",
        [
            "見積 Estimate", "リソース Resource", "種別 Type", "区分 Category", "内容 Description",
            "数量 Quantity", "単位 Unit", "単価 USD", "月額 USD", "月額 円", "価格キー Price key",
            "リージョン Region", "団体 Tenant",
        ],
        formats={5: "number", 7: "number", 8: "usd", 9: "jpy"},
    )  # fmt: skip
    parts = [("planned", result.planned)]
    if result.has_baseline:
        parts.append(("baseline", result.baseline))
    for which, est in parts:
        ey = estimate_yen(est, result.jpy_per_usd)
        for li, y in zip(est.lines, ey.lines, strict=True):
            sheet.rows.append(
                [
                    which, li.resource, li.resource_type, li.category, li.description,
                    li.quantity, li.unit, li.unit_price_usd, li.monthly_usd, y, li.price_key,
                    li.region, li.tenant,
                ]
            )  # fmt: skip
    return sheet


def estimate_sheets(result: EstimateResult) -> list[Sheet]:
    """The estimate as sheets: summary, line items, levers, tenant shares,
    assumptions, price sources."""
    from gcmod.cost import assumption_view, report

    doc = report.to_json(result)
    yen = report.yen_of(result)
    summary = Sheet(
        "概要 Summary",
        ["項目 Item", "月額 USD", "月額 円", "年額 USD", "年額 円"],
        formats={1: "usd", 2: "jpy", 3: "usd", 4: "jpy"},
    )
    summary.rows.append(
        ["計画 Planned", result.planned.monthly_usd, yen.planned.total,
         result.planned.monthly_usd * 12, yen.planned.annual]
    )  # fmt: skip
    if result.has_baseline:
        summary.rows += [
            ["移行前 Baseline", result.baseline.monthly_usd, yen.baseline.total,
             result.baseline.monthly_usd * 12, yen.baseline.annual],
            ["削減 Saving", result.saving_usd, yen.saving, result.saving_usd * 12, yen.saving * 12],
        ]  # fmt: skip
    rng = result.baseline_range
    if rng is not None:
        summary.rows.append(
            ["移行前 上限 Baseline (high end)", rng.high.monthly_usd,
             report.to_jpy(rng.high.monthly_usd, result.jpy_per_usd), None, None]
        )  # fmt: skip
    summary.rows += [
        ["削減率 % lower", doc["percentLower"], None, None, None],
        ["為替 JPY/USD", result.jpy_per_usd, None, None, result.fx_source],
        ["丸め Rounding", None, None, None, report.ROUNDING],
    ]
    levers = Sheet(
        "施策 Levers",
        ["施策 Lever", "名称", "Name", "削減 月額 USD", "削減 月額 円", "% of baseline", "説明",
         "Explanation"],
        formats={3: "usd", 4: "jpy", 5: "pct"},
    )  # fmt: skip
    for lv in doc["levers"]:
        levers.rows.append(
            [lv["lever"], lv["nameJa"], lv["nameEn"], lv["monthlyUsd"], lv["monthlyJpy"],
             lv["percentOfBaseline"], lv["explanationJa"], lv["explanation"]]
        )  # fmt: skip
    if "unattributedUsd" in doc and (doc["unattributedUsd"] or doc["unattributedJpy"]):
        levers.rows.append(
            ["unattributed", "その他", "Other / not attributed", doc["unattributedUsd"],
             doc["unattributedJpy"], None, "", ""]
        )  # fmt: skip
    shares = Sheet(
        "按分 Tenant shares",
        ["団体コード Code", "団体名 Name", "人口 Population", "均等 USD", "均等 円",
         "人口比 USD", "人口比 円", "利用量比 USD", "利用量比 円"],
        formats={2: "number", 3: "usd", 4: "jpy", 5: "usd", 6: "jpy", 7: "usd", 8: "jpy"},
    )  # fmt: skip
    for s in doc["shares"]:
        shares.rows.append(
            [s["code"], s["name"], s["population"], s["equalUsd"], s["equalJpy"],
             s["populationUsd"], s["populationJpy"], s["usageUsd"], s["usageJpy"]]
        )  # fmt: skip
    assumptions = Sheet(
        "前提 Assumptions",
        ["項目 Item", "値 Value", "出典 Source"],
        [list(r) for r in assumption_view.raw_rows(result)],
    )
    prices = Sheet(
        "価格 Price sources",
        ["価格キー Key", "リージョン Region", "USD", "単位 Unit", "確認日 Checked",
         "確認済み Verified", "古い Stale", "出典 Source"],
        formats={2: "number"},
    )  # fmt: skip
    used = (result.assumptions.get("pricesUsed") or {}).get("value") or []  # type: ignore[union-attr]
    for p in used:
        prices.rows.append(
            [p["key"], p["region"], p["usd"], p["unit"], p["checked"], p["verified"],
             p["stale"], p["source"]]
        )  # fmt: skip
    return [summary, _line_sheet(result), levers, shares, assumptions, prices]


def write_estimate_csv(result: EstimateResult, path: Path, lang: str = "ja") -> Path:
    """The estimate's line items (planned, then baseline) as CSV for Excel."""
    del lang  # headers carry both languages
    sheet = _line_sheet(result)
    return write_csv(path, sheet.headers, sheet.rows)


def write_estimate_xlsx(result: EstimateResult, path: Path, lang: str = "ja") -> Path:
    """The estimate as an XLSX workbook (:func:`estimate_sheets`)."""
    del lang
    return write_workbook(path, estimate_sheets(result))
