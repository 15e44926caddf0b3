"""Spreadsheet export: CSV (UTF-8 with BOM) and XLSX, read back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gcmod.cost import report, spreadsheet
from gcmod.cost.model import EstimateResult


@pytest.fixture(scope="module")
def prod(sample_estimates: dict[str, EstimateResult]) -> EstimateResult:
    return sample_estimates["saas-prod"]


def test_csv_opens_with_japanese_intact(prod: EstimateResult, tmp_path: Path) -> None:
    path = spreadsheet.write_estimate_csv(prod, tmp_path / "e.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "見積 Estimate" and "月額 円" in rows[0]
    planned = [r for r in rows[1:] if r[0] == "planned"]
    assert len(planned) == len(prod.planned.lines)
    yen = rows[0].index("月額 円")
    assert sum(int(r[yen]) for r in planned) == report.to_json(prod)["planned"]["monthlyJpy"]
    tenants = {r[-1] for r in planned}
    assert "shared" in tenants


def test_write_csv_keeps_any_text(tmp_path: Path) -> None:
    path = spreadsheet.write_csv(
        tmp_path / "t.csv", ["団体名", "金額"], [["札幌市", 1200], ["千代田区, 東京", 3]]
    )
    with path.open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == [
            ["団体名", "金額"],
            ["札幌市", "1200"],
            ["千代田区, 東京", "3"],
        ]


def test_xlsx_has_the_sheets_with_numbers_as_numbers(prod: EstimateResult, tmp_path: Path) -> None:
    path = spreadsheet.write_estimate_xlsx(prod, tmp_path / "e.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "概要 Summary", "明細 Line items", "施策 Levers", "按分 Tenant shares",
        "前提 Assumptions", "価格 Price sources",
    ]  # fmt: skip
    doc = report.to_json(prod)
    summary = {r[0]: r for r in wb["概要 Summary"].iter_rows(min_row=2, values_only=True)}
    planned = summary["計画 Planned"]
    assert planned[1] == pytest.approx(prod.planned.monthly_usd)
    assert planned[2] == doc["planned"]["monthlyJpy"] and isinstance(planned[2], int)
    assert wb["概要 Summary"]["C2"].number_format == "#,##0"  # yen without decimals
    assert wb["概要 Summary"]["B2"].number_format == "#,##0.00"
    lines = list(wb["明細 Line items"].iter_rows(min_row=2, values_only=True))
    assert sum(r[9] for r in lines if r[0] == "planned") == doc["planned"]["monthlyJpy"]
    assert all(isinstance(r[8], (int, float)) and not isinstance(r[8], bool) for r in lines)
    shares = list(wb["按分 Tenant shares"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in shares] == [s.name for s in prod.shares]  # Japanese names intact
    assert sum(r[4] for r in shares) == doc["planned"]["monthlyJpy"]
    levers = list(wb["施策 Levers"].iter_rows(min_row=2, values_only=True))
    assert sum(r[4] for r in levers) == doc["saving"]["monthlyJpy"]
    prices = list(wb["価格 Price sources"].iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[1]) for r in prices} == {
        (li.price_key, li.region) for li in prod.planned.lines + prod.baseline.lines
    } | {
        (li.price_key, li.region)
        for li in prod.baseline_range.high.lines  # type: ignore[union-attr]
    }
    assert all(r[4] and r[7] for r in prices)  # checked date and source
