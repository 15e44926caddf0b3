"""`gcmod estimate` output: text table, Markdown, JSON and the self-contained HTML report."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gcmod.cost import report
from gcmod.cost.model import (
    LEVER_NAMES,
    LEVER_ORDER,
    Estimate,
    EstimateResult,
    LeverSaving,
    LineItem,
    MissingPrice,
    TenantShare,
)

RATE = 150.0
EVIL = "<script>alert(1)</script>"


def _line(resource: str, category: str, monthly: float, **kw: object) -> LineItem:
    fields: dict = {
        "resource": resource,
        "resource_type": "aws:ecs/service:Service",
        "category": category,
        "description": f"{resource} usage",
        "quantity": 400.0,
        "unit": "vCPU-hour",
        "unit_price_usd": monthly / 400.0,
        "monthly_usd": monthly,
        "price_key": f"{category}:test",
        "region": "ap-northeast-1",
    }
    fields.update(kw)
    return LineItem(**fields)


SAVINGS = {
    "multi-tenancy": 20.0,
    "dr": 12.0,
    "managed-services": 8.0,
    "sizing": 10.0,
    "operating-hours": 9.0,
    "storage": 4.0,
    "logs": 2.0,
}


def make_result(**overrides: object) -> EstimateResult:
    """Planned 35 USD, lift-and-shift 100 USD a month (65% lower); levers add up to 65."""
    planned = Estimate(
        label="planned",
        lines=[
            _line("app", "compute", 12.5, description="Fargate ARM64 vCPU-hours (2 × 1 × 200 h)"),
            _line("db", "database", 15.0, resource_type="aws:rds/cluster:Cluster"),
            _line("backup", "backup", 4.25, quantity=85.0, unit="GB-month"),
            _line("logs", "logs", 2.0),
            _line("endpoints", "network", 1.25),
        ],
        missing=[
            MissingPrice(
                resource="nat",
                resource_type="aws:ec2/natGateway:NatGateway",
                price_key="ec2:nat-gateway-hour",
                region="ap-northeast-1",
                reason="not in the price catalogue",
            )
        ],
    )
    baseline = Estimate(
        label="lift-and-shift",
        lines=[
            _line("vm-011002", "compute", 25.0, tenant="011002"),
            _line("vm-013030", "compute", 25.0, tenant="013030"),
            _line("db-vm", "database", 30.0),
            _line("ebs", "storage", 10.0, quantity=1000.0, unit="GB-month"),
            _line("backup-full", "backup", 6.0),
            _line("log-server", "logs", 4.0),
        ],
    )
    levers = [LeverSaving(lv, SAVINGS[lv], f"why {lv}") for lv in LEVER_ORDER]
    shares = [
        TenantShare("011002", "みなと市", 300_000, 35 / 3, 30.0, 28.0),
        TenantShare("013030", "やまの町", 40_000, 35 / 3, 4.0, 5.0),
        TenantShare("014010", "かわべ村", 10_000, 35 / 3, 1.0, 2.0),
    ]
    fields: dict = {
        "stack": "saas-prod",
        "region": "ap-northeast-1",
        "planned": planned,
        "baseline": baseline,
        "levers": levers,
        "shares": shares,
        "jpy_per_usd": RATE,
        "fx_source": "catalogue rate 2025-04",
        "assumptions": {
            "catalogue": {"value": "2025-04-01", "source": "AWS price list (cached)"},
            "tenants": 3,
            "businessHoursPerMonth": {"value": 200, "unit": "h", "source": "office calendar"},
        },
    }
    fields.update(overrides)
    return EstimateResult(**fields)


@pytest.fixture
def result() -> EstimateResult:
    return make_result()


# --------------------------------------------------------------------------- numbers


def test_jpy_is_usd_times_rate_rounded_half_up() -> None:
    assert report.to_jpy(35.0, 150.0) == 5250
    assert report.to_jpy(0.01, 150.0) == 2  # 1.5 yen rounds up
    assert report.to_jpy(0.0033, 150.0) == 0  # 0.495
    assert report.to_jpy(1234.5678, 149.3) == 184321  # 184,320.97
    assert report.fmt_jpy(1234567, "ja") == "1,234,567円"
    assert report.fmt_jpy(-1500, "en") == "-¥1,500"
    assert report.fmt_usd(-0.001) == "$0.00"
    assert report.fmt_unit_price(0.0000125) == "$0.0000125"
    assert report.fmt_unit_price(12) == "$12.00"


@pytest.mark.parametrize(
    ("planned", "baseline", "expected"),
    [(35.0, 100.0, 65.0), (80.0, 100.0, 20.0), (130.0, 100.0, -30.0), (2.0, 3.0, 33.3)],
)
def test_percent_lower_is_computed_from_the_totals(
    planned: float, baseline: float, expected: float
) -> None:
    res = make_result(
        planned=Estimate("p", [_line("a", "compute", planned)]),
        baseline=Estimate("b", [_line("b", "compute", baseline)]),
        levers=[],
    )
    assert report.percent_lower(res) == expected
    assert report.to_json(res)["percentLower"] == expected
    assert report.meets_target(res) is (expected >= 30)


def test_ratio_phrase_and_target_comparison(result: EstimateResult) -> None:
    text = report.table(result, "en")
    assert "65% lower than the lift-and-shift" in text
    assert "Meets the government target (at least 30% lower)" in text
    assert "reaches the 65%" in text
    assert "Oct 2025" in text  # the source deck
    short = make_result(
        planned=Estimate("p", [_line("a", "compute", 80.0)]),
        baseline=Estimate("b", [_line("b", "compute", 100.0)]),
    )
    assert "20% lower" in report.table(short, "en")
    assert "Short of the government target" in report.table(short, "en")
    assert "政府目標 (少なくとも3割削減) に届いていません" in report.table(short, "ja")
    higher = make_result(
        planned=Estimate("p", [_line("a", "compute", 130.0)]),
        baseline=Estimate("b", [_line("b", "compute", 100.0)]),
    )
    assert "30% higher than the lift-and-shift" in report.table(higher, "en")
    assert "リフト&シフトより 30% 高い" in report.table(higher, "ja")


def test_no_baseline_renders_without_a_ratio() -> None:
    res = make_result(baseline=Estimate("b"), levers=[])
    assert report.percent_lower(res) is None
    doc = report.to_json(res)
    assert doc["ratio"] is None and doc["percentLower"] is None
    json.loads(json.dumps(doc, allow_nan=False))
    assert "No lift-and-shift cost to compare with." in report.table(res, "en")
    assert "<svg" in report.html(res)


# --------------------------------------------------------------------------- text table


def _section(text: str, title: str) -> list[str]:
    """A section of the text report: its title, underline, and lines up to a blank line."""
    lines = text.splitlines()
    start = lines.index(title)
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_table_totals_in_usd_and_jpy(result: EstimateResult) -> None:
    text = report.table(result, "en")
    assert "saas-prod" in text and "ap-northeast-1" in text
    assert "150.00 JPY/USD (catalogue rate 2025-04)" in text
    planned, baseline, saving = _section(text, "Summary")[4:7]
    assert re.fullmatch(
        r"Planned \(modernised\)\s+\$35\.00\s+¥5,250\s+\$420\.00\s+¥63,000", planned
    )
    assert re.fullmatch(r"Lift-and-shift\s+\$100\.00\s+¥15,000\s+\$1,200\.00\s+¥180,000", baseline)
    assert re.fullmatch(r"Saving\s+\$65\.00\s+¥9,750\s+\$780\.00\s+¥117,000", saving)


def test_table_in_japanese(result: EstimateResult) -> None:
    text = report.table(result, "ja")
    for label in ("計画 (モダン化後)", "リフト&シフト", "削減額", "月額 (円)", "年額 (円)"):
        assert label in text
    assert "5,250円" in text and "15,000円" in text and "63,000円" in text
    assert "リフト&シフトより 65% 低い" in text
    assert "均等割" in text and "人口割" in text and "利用量割" in text
    assert "合計に含まれていない項目 (価格なし)" in text
    assert "Planned" not in text and "Saving" not in text


def test_table_categories_and_top_lines(result: EstimateResult) -> None:
    text = report.table(result, "en")
    row = next(ln for ln in text.splitlines() if ln.startswith("Database"))
    assert re.search(r"\$15\.00\s+¥2,250\s+\$30\.00\s+¥4,500$", row)
    lines = text.splitlines()
    start = lines.index("Planned line items")
    body = lines[start + 4 : start + 9]  # title, underline, header, rule, then largest first
    assert [ln.split()[0] for ln in body] == ["db", "app", "backup", "logs", "endpoints"]
    many = make_result(
        planned=Estimate("p", [_line(f"r{i:02d}", "compute", float(i + 1)) for i in range(14)])
    )
    text = report.table(many, "en")
    assert "Largest planned line items (10 of 14)" in text
    assert "4 more line(s), $10.00 in total" in text  # 1 + 2 + 3 + 4


def test_lever_rows_follow_lever_order(result: EstimateResult) -> None:
    shuffled = list(result.levers)
    random.Random(7).shuffle(shuffled)
    res = replace(result, levers=shuffled)
    for lang in ("en", "ja"):
        text = report.table(res, lang)
        idx = lang == "en"
        positions = [text.index(LEVER_NAMES[lv][idx]) for lv in LEVER_ORDER]
        assert positions == sorted(positions)
    assert [lv["lever"] for lv in report.to_json(res)["levers"]] == list(LEVER_ORDER)
    row = next(ln for ln in report.table(res, "en").splitlines() if ln.startswith("Multi-tenancy"))
    assert re.search(r"\$20\.00\s+¥3,000\s+20%\s+why multi-tenancy$", row)
    assert "Other / not attributed" not in report.table(res, "en")  # the levers add up


def test_unattributed_saving_gets_its_own_row(result: EstimateResult) -> None:
    res = replace(result, levers=result.levers[:2])  # 32 of the 65 attributed
    assert report.unattributed_usd(res) == pytest.approx(33.0)
    assert re.search(r"Other / not attributed\s+\$33\.00", report.table(res, "en"))
    assert report.to_json(res)["unattributedUsd"] == pytest.approx(33.0)


def test_shares_side_by_side(result: EstimateResult) -> None:
    text = report.table(result, "en")
    lines = text.splitlines()
    header = next(ln for ln in lines if ln.startswith("Code"))
    assert header.index("Equal split") < header.index("By population") < header.index("By usage")
    row = next(ln for ln in lines if ln.startswith("011002"))
    assert re.search(
        r"みなと市\s+300,000\s+\$11\.67 \(¥1,750\)\s+\$30\.00 \(¥4,500\)\s+\$28\.00 \(¥4,200\)", row
    )
    total = next(ln for ln in lines if ln.startswith("Total") and "350,000" in ln)
    assert total.count("$35.00 (¥5,250)") == 3
    assert "small towns" in text
    ja = report.table(result, "ja")
    assert "4,500円 ($30.00)" in ja and "大きな市と小さな町村" in ja


def test_missing_prices_are_shown_and_not_counted(result: EstimateResult) -> None:
    assert result.planned.monthly_usd == 35.0
    text = report.table(result, "en")
    assert "Not counted — price missing" in text
    assert "1 item(s) not counted — price missing" in text
    row = next(ln for ln in text.splitlines() if ln.startswith("Planned") and "nat" in ln)
    assert "ec2:nat-gateway-hour" in row and "not in the price catalogue" in row
    assert "aws:ec2:NatGateway" in row
    # listed before the line items, right after the totals it is missing from
    assert text.index("Not counted") < text.index("Cost by category")
    doc = report.to_json(result)
    assert doc["planned"]["monthlyUsd"] == 35.0
    assert doc["planned"]["missing"] == [
        {
            "resource": "nat",
            "resourceType": "aws:ec2/natGateway:NatGateway",
            "priceKey": "ec2:nat-gateway-hour",
            "region": "ap-northeast-1",
            "reason": "not in the price catalogue",
        }
    ]
    assert all(li["resource"] != "nat" for li in doc["planned"]["lines"])
    assert "価格が見つからず" in report.markdown(result, "ja")
    clean = replace(result, planned=replace(result.planned, missing=[]))
    assert "price missing" not in report.table(clean, "en")


def test_unknown_language_is_an_error(result: EstimateResult) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        report.table(result, "fr")


# --------------------------------------------------------------------------- JSON


def test_json_round_trips_with_documented_keys(result: EstimateResult) -> None:
    doc = report.to_json(result)
    assert json.loads(json.dumps(doc, ensure_ascii=False, allow_nan=False)) == doc
    assert set(doc) == {
        "schema", "stack", "region", "currency", "period", "hoursPerMonth", "fx",
        "planned", "baseline", "saving", "ratio", "percentLower", "target", "levers",
        "unattributedUsd", "unattributedJpy", "shares", "assumptions",
    }  # fmt: skip
    for key in doc:
        assert f'"{key}"' in report.__doc__  # documented in the module docstring
    assert doc["fx"] == {
        "jpyPerUsd": 150.0,
        "source": "catalogue rate 2025-04",
        "rounding": report.ROUNDING,
    }
    p, b = doc["planned"], doc["baseline"]
    assert (p["monthlyUsd"], p["monthlyJpy"], p["annualUsd"], p["annualJpy"]) == (
        35.0,
        5250,
        420.0,
        63000,
    )
    assert (b["monthlyUsd"], b["monthlyJpy"], b["annualJpy"]) == (100.0, 15000, 180000)
    assert doc["saving"] == {
        "monthlyUsd": 65.0,
        "monthlyJpy": 9750,
        "annualUsd": 780.0,
        "annualJpy": 117000,
    }
    assert doc["ratio"] == pytest.approx(0.35)
    assert doc["target"]["governmentPercentLower"] == 30
    assert doc["target"]["nationalInfrastructurePercentLower"] == 65
    assert doc["target"]["meetsGovernmentTarget"] is True
    assert set(p["lines"][0]) == {
        "resource", "resourceType", "category", "description", "quantity", "unit",
        "unitPriceUsd", "monthlyUsd", "monthlyJpy", "priceKey", "region", "tenant",
    }  # fmt: skip
    assert b["lines"][0]["tenant"] == "011002"
    assert p["byCategory"][0] == {"category": "database", "monthlyUsd": 15.0, "monthlyJpy": 2250}
    lever = doc["levers"][0]
    assert lever == {
        "lever": "multi-tenancy",
        "nameJa": LEVER_NAMES["multi-tenancy"][0],
        "nameEn": LEVER_NAMES["multi-tenancy"][1],
        "monthlyUsd": 20.0,
        "monthlyJpy": 3000,
        "percentOfBaseline": 20.0,
        "explanation": "why multi-tenancy",
        # no Japanese text given: the English one stands in
        "explanationJa": "why multi-tenancy",
    }
    share = doc["shares"][0]
    assert set(share) == {
        "code", "name", "population", "equalUsd", "populationUsd", "usageUsd",
        "equalJpy", "populationJpy", "usageJpy",
    }  # fmt: skip
    assert (share["populationUsd"], share["populationJpy"]) == (30.0, 4500)
    assert doc["assumptions"]["businessHoursPerMonth"]["value"] == 200


def test_json_makes_assumptions_safe(result: EstimateResult) -> None:
    res = replace(result, assumptions={"nan": float("nan"), "set": {"b", "a"}, "path": Path("x")})
    doc = report.to_json(res)
    assert doc["assumptions"] == {"nan": None, "set": ["a", "b"], "path": "x"}
    json.dumps(doc, allow_nan=False)


# --------------------------------------------------------------------------- Markdown


def test_markdown_tables(result: EstimateResult) -> None:
    md = report.markdown(result, "en")
    assert md.startswith("## Cloud cost estimate: saas-prod\n")
    assert "| Planned (modernised) | $35.00 | ¥5,250 | $420.00 | ¥63,000 |" in md
    assert "| Lift-and-shift | $100.00 | ¥15,000 | $1,200.00 | ¥180,000 |" in md
    assert "|  | USD/month | JPY/month | USD/year | JPY/year |" in md
    assert "| --- | ---: | ---: | ---: | ---: |" in md
    assert "> **⚠ 1 item(s) not counted — price missing." in md
    order = [md.index(f"| {LEVER_NAMES[lv][1]} |") for lv in LEVER_ORDER]
    assert order == sorted(order)
    assert "| Code | Municipality | Population | Equal split | By population | By usage |" in md
    ja = report.markdown(result, "ja")
    assert "| 計画 (モダン化後) | $35.00 | 5,250円 | $420.00 | 63,000円 |" in ja
    assert "### 施策別の削減額" in ja  # docs/terminology.md: lever = 施策


def test_markdown_escapes_cells(result: EstimateResult) -> None:
    res = replace(
        result,
        planned=Estimate("p", [_line("a|b", "compute", 35.0, description=EVIL)]),
    )
    md = report.markdown(res, "en")
    assert "a\\|b" in md
    assert EVIL not in md and "&lt;script&gt;" in md


# --------------------------------------------------------------------------- HTML


class _Checker(HTMLParser):
    """Well-formedness: every non-void element closed in order; collect tags and attributes."""

    VOID = frozenset(
        "area base br col embed hr img input link meta source track wbr".split()
    )  # SVG shapes are written self-closing (<rect .../>) and arrive as startendtag

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> but open: {self.stack[-3:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(doc: str) -> _Checker:
    checker = _Checker()
    checker.feed(doc)
    checker.close()
    assert checker.doctype
    assert checker.errors == []
    assert checker.stack == []
    return checker


def test_html_is_well_formed_and_self_contained(result: EstimateResult) -> None:
    doc = report.html(result)
    parsed = _parse(doc)
    assert doc.startswith('<!DOCTYPE html>\n<html lang="ja">')
    assert '<meta charset="utf-8">' in doc
    assert "script" not in parsed.tags
    assert not {"link", "img", "iframe", "object", "embed", "image", "use"} & set(parsed.tags)
    for name, value in parsed.attrs:
        assert not name.startswith("on"), name  # no event handlers
        assert name not in {"src", "href", "xlink:href", "srcset"}, name
        assert "url(" not in (value or "")
    assert "http://" not in doc and "https://" not in doc
    assert "@import" not in doc and "url(" not in doc and "@font-face" not in doc
    assert "@media print" in doc and "@page" in doc


def test_html_has_two_accessible_svg_charts(result: EstimateResult) -> None:
    doc = report.html(result)
    svgs = re.findall(r"<svg\b[^>]*>.*?</svg>", doc, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg and "aria-label=" in svg
        assert re.search(r"<svg[^>]*>\s*<title id=", svg)
        assert "<desc id=" in svg
    before_after, waterfall = svgs
    assert "月額の比較" in before_after
    # stacked by category: a rect per non-zero category in each bar, labelled totals
    assert before_after.count("<rect") >= 5 + 5
    assert "15,000円/月" in before_after and "5,250円/月" in before_after
    assert "−65%" in before_after
    # waterfall: lift-and-shift, seven levers, planned; each lever labelled with its saving
    assert waterfall.count("<rect") == 9
    for lv in LEVER_ORDER:
        assert LEVER_NAMES[lv][0] in waterfall
    assert "−3,000円 (−$20.00)" in waterfall
    assert waterfall.index("リフト&amp;シフト") < waterfall.index(LEVER_NAMES["dr"][0])
    assert waterfall.rindex("計画 (モダン化後)") > waterfall.rindex(LEVER_NAMES["logs"][0])


def test_html_content_in_japanese(result: EstimateResult) -> None:
    doc = report.html(result, "ja")
    text = "".join(_parse(doc).text)
    for phrase in (
        "クラウド利用料の見積 (概算)",
        "リフト&シフト (団体ごとにIaaS環境を構築)",
        "15,000円",  # lift-and-shift per month
        "180,000円",  # per year
        "5,250円",
        "63,000円",
        "$35.00",
        "65% 削減",
        "政府目標 (少なくとも3割削減) を満たし",
        "団体別の負担額",
        "均等割",
        "人口割",
        "利用量割",
        "大きな市と小さな町村",
        "合計に含まれていない項目",
        "ec2:nat-gateway-hour",
        "前提条件",
        "office calendar",
        "200 h",
        "価格の出典",
        "150.00 円/USD (catalogue rate 2025-04)",
        "2025-04-01 (AWS price list (cached))",
        "見積書ではありません",
        "Fargate ARM64 vCPU-hours (2 × 1 × 200 h)",
    ):
        assert phrase in text, phrase
    assert "Planned" not in text


def test_html_in_english(result: EstimateResult) -> None:
    doc = report.html(result, "en")
    _parse(doc)
    assert '<html lang="en">' in doc
    assert "Lift-and-shift" in doc and "$35.00" in doc and "¥5,250" in doc
    assert "not a quote" in doc
    # the guide's Japanese lever names stay visible beside the English ones
    assert f'<span class="ja" lang="ja">{LEVER_NAMES["dr"][0]}</span>' in doc


def test_html_escapes_everything(result: EstimateResult) -> None:
    res = replace(
        result,
        stack=EVIL,
        fx_source=EVIL,
        planned=Estimate(
            "p",
            [_line(EVIL, "compute", 35.0, description=EVIL, unit=EVIL, tenant=EVIL)],
            missing=[MissingPrice(EVIL, EVIL, EVIL, EVIL, EVIL)],
        ),
        levers=[LeverSaving("dr", 65.0, EVIL)],
        shares=[TenantShare(EVIL, EVIL, 1, 35.0, 35.0, 35.0)],
        assumptions={EVIL: {"value": EVIL, "source": EVIL}},
    )
    doc = report.html(res)
    parsed = _parse(doc)
    assert "script" not in parsed.tags
    assert EVIL not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert EVIL in "".join(parsed.text)  # shown as text


def test_html_numbers_have_separators_and_whole_yen() -> None:
    big = make_result(
        planned=Estimate("p", [_line("app", "compute", 12345.678)]),
        baseline=Estimate("b", [_line("vm", "compute", 45678.9)]),
        levers=[],
        jpy_per_usd=149.35,
    )
    doc = report.html(big)
    assert "1,843,827円" in doc  # 12,345.678 × 149.35 = 1,843,827.01
    assert "$12,345.68" in doc
    assert not re.search(r"\d\.\d+円", doc) and not re.search(r"¥[\d,]+\.\d", doc)


def test_write_html(tmp_path: Path, result: EstimateResult) -> None:
    path = report.write_html(result, tmp_path / "report.html", "ja")
    assert path.read_text(encoding="utf-8") == report.html(result, "ja")
    assert path.read_bytes().startswith(b"<!DOCTYPE html>")


def test_a_lever_that_adds_cost_is_drawn_upwards(result: EstimateResult) -> None:
    levers = [*result.levers[:-1], LeverSaving("logs", -3.0, "longer retention")]
    res = replace(result, levers=levers)  # 60 attributed: 5 unattributed
    doc = report.html(res, "en")
    _parse(doc)
    waterfall = re.findall(r"<svg\b.*?</svg>", doc, flags=re.S)[1]
    assert "+$3.00 (+¥450)" in waterfall
    assert "Other / not attributed" in waterfall
    assert re.search(r"Log retention\s+-\$3\.00", report.table(res, "en"))


def test_empty_result_renders_everywhere() -> None:
    res = EstimateResult(
        stack="empty",
        region="ap-northeast-1",
        planned=Estimate("p"),
        baseline=Estimate("b"),
        levers=[],
        shares=[],
        jpy_per_usd=150.0,
        fx_source="fixed",
    )
    assert "No tenants." in report.table(res, "en")
    assert "団体の登録がありません。" in report.markdown(res, "ja")
    json.dumps(report.to_json(res), allow_nan=False)
    for lang in ("ja", "en"):
        doc = report.html(res, lang)
        _parse(doc)
        assert doc.count("<svg") == 2


# --------------------------------------------------------------------------- words (issue 18)


def test_assumptions_read_as_labelled_rows(sample_estimates) -> None:
    """Every assumption a sample records has a label in both languages; values are
    words and rounded numbers (no JSON, no float noise, no folders of the machine)."""
    from gcmod.cost import assumption_view

    for name, res in sample_estimates.items():
        for lang in ("ja", "en"):
            rows = assumption_view.rows(res, lang)
            assert [r.key for r in rows if r.label_is_key] == [], (name, lang)
            for r in rows:
                text = f"{r.value} {r.source}"
                assert not re.search(r"[{\[]\"", text), (name, r)  # no JSON
                assert not re.search(r"\d\.\d{8,}", text), (name, r)  # no float noise
                assert "/src/gcmod/" not in text and "/work/" not in text, (name, r)
            shown = {r.key for r in rows}
            assert "waterfall" not in shown and "pricesUsed" not in shown  # shown elsewhere
    ja = {r.key: r for r in assumption_view.rows(sample_estimates["saas-prod"], "ja")}
    assert ja["modern_model_usd"].label == "モダン化後のモデル (月)"
    assert re.fullmatch(r"[\d,]+円 \(\$[\d,]+\.\d\d\)", ja["modern_model_usd"].value)
    assert ja["catalogue"].value == "prices.yaml"
    assert ja["usage.auroraUtilisation"].value == "10%"
    assert ja["usage.auroraUtilisation"].source == "既定値"
    assert "小樽市 (012033)" in ja["usage.tenantBands"].value
    assert "一般市" in ja["usage.tenantBands"].value


def test_an_unknown_assumption_is_shown_as_data_not_json(result: EstimateResult) -> None:
    res = replace(result, assumptions={"x.custom": {"value": {"a": 1.23456789, "b": [1, 2]}}})
    (row,) = __import__("gcmod.cost.assumption_view", fromlist=["rows"]).rows(res, "ja")
    assert row.label_is_key and row.label == "x.custom"
    assert row.value == "a: 1.235; b: 1; 2"
    doc = report.html(res, "ja")
    assert '<span class="id" translate="no">x.custom</span>' in doc


def test_unattributed_saving_is_explained(result: EstimateResult) -> None:
    res = replace(result, levers=result.levers[:2])
    en = report.table(res, "en")
    assert re.search(r"Other / not attributed\s+\$33\.00.*what the model leaves out", en)
    ja = report.table(res, "ja")
    assert re.search(r"その他 \(施策によらない差\)\s+\$33\.00.*モデルに含まれない", ja)
    given = replace(result, levers=[])  # a given baseline has no lever steps
    assert "the whole saving is shown here" in report.table(given, "en")


def test_the_other_category_says_what_it_holds(result: EstimateResult) -> None:
    lines = [*result.planned.lines, _line("topic", "other", 1.0, description="SNS topic",
                                          description_ja="SNS トピック")]  # fmt: skip
    res = replace(result, planned=Estimate("p", lines))
    assert "「その他」はほかのカテゴリーに入らない費用です: SNS トピック。" in report.table(
        res, "ja"
    )
    assert "“Other” holds costs that fit no other category: SNS topic." in report.html(res, "en")
    assert "その他」は" not in report.table(result, "ja")  # no such line: no note


def test_japanese_report_uses_the_japanese_texts(result: EstimateResult) -> None:
    """Descriptions, missing reasons and the exchange-rate source in Japanese when
    given; the English ones stand in otherwise (--json keeps the English)."""
    line = _line("app", "compute", 35.0, description="Fargate vCPU-hours",
                 description_ja="Fargate の vCPU 時間")  # fmt: skip
    missing = MissingPrice("nat", "aws:ec2/natGateway:NatGateway", "k", "r", "no price",
                           reason_ja="価格なし")  # fmt: skip
    res = replace(result, planned=Estimate("p", [line], [missing]), fx_source_ja="日本銀行")
    ja, en = report.table(res, "ja"), report.table(res, "en")
    assert "Fargate の vCPU 時間" in ja and "Fargate vCPU-hours" not in ja
    assert "価格なし" in ja and "日本銀行" in ja and "catalogue rate 2025-04" not in ja
    assert "Fargate vCPU-hours" in en and "catalogue rate 2025-04" in en
    doc = report.to_json(res)
    assert doc["planned"]["lines"][0]["description"] == "Fargate vCPU-hours"
    assert doc["fx"]["source"] == "catalogue rate 2025-04"
    assert "descriptionJa" not in doc["planned"]["lines"][0]
    rate = replace(res, fx_source="--jpy-rate (given on the command line)")
    assert "--jpy-rate (コマンドラインで指定)" in report.table(rate, "ja")


def test_a_charge_needs_a_japanese_description() -> None:
    from gcmod.cost.phrase import Phrase
    from gcmod.cost.pricers import Charge

    with pytest.raises(TypeError, match="Japanese"):
        Charge("r", "t", "other", "English only", "k", "ap-northeast-1", 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Japanese"):
        Charge("r", "t", "other", Phrase("English only", ""), "k", "ap-northeast-1", 1.0)
    ok = Charge("r", "t", "other", Phrase("SNS topic", "SNS トピック"), "k", "ap-northeast-1", 1.0)
    assert ok.description.pick("ja") == "SNS トピック"


def test_japanese_units() -> None:
    res = make_result(planned=Estimate("p", [_line("app", "compute", 35.0, unit="vCPU-hour")]))
    assert "400 vCPU 時間" in report.table(res, "ja")
    assert "400 vCPU-hour" in report.table(res, "en")
