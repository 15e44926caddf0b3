"""Render an :class:`~gcmod.cost.model.EstimateResult`: text table, JSON, Markdown, HTML.

Pure functions from a result to text; the only I/O is :func:`write_html`.

* :func:`table` - plain text for a terminal (``gcmod estimate``), width-aware for
  Japanese.
* :func:`markdown` - the same sections as Markdown tables (a vendor's proposal, a
  pull-request comment).
* :func:`html` / :func:`write_html` - one self-contained HTML page for a municipal
  official: inline CSS, two inline SVG charts, no scripts, fonts, images or links
  to load; prints on A4.
* :func:`to_json` - everything, machine-readable.

Money: every figure is USD per month (730 hours) unless it says otherwise. Yen
are converted once per total (``round_half_up(total_usd × jpy_per_usd)``) and
split among the parts (lines, categories, levers, tenant shares) by the largest
remainder, so every set of yen adds up exactly to the total shown; an annual
yen figure is 12 × the monthly yen (:mod:`gcmod.cost.yen`). "% lower" is
``(1 - planned / baseline) × 100``.

JSON (:func:`to_json`; keys are stable, camelCase; ``null`` where a number is
undefined, e.g. the ratio with no baseline)::

    {
      "schema": "gcmod.estimate/1",
      "stack": str, "region": str,
      "currency": "USD", "period": "month", "hoursPerMonth": 730,
      "fx": {"jpyPerUsd": float, "source": str, "rounding": str},
      "planned":  ESTIMATE,
      "baseline": ESTIMATE,
      "saving": {"monthlyUsd", "monthlyJpy", "annualUsd", "annualJpy"} | null,
                                        # null: no baseline (a program, not a gcmod stack)
      "ratio": float | null,            # planned / baseline (0.35 = 65% lower)
      "percentLowerRange": {"low", "high", "headline"},  # built-in baseline only:
                                        # % lower against each end (headline: "low")
      "percentLower": float | null,     # (1 - ratio) x 100; negative = higher
      "target": {
        "governmentPercentLower": 30,   # 標準化基本方針: 少なくとも3割削減
        "nationalInfrastructurePercentLower": 65,
        "meetsGovernmentTarget": bool | null,
        "source": str
      },
      "levers": [{"lever", "nameJa", "nameEn", "monthlyUsd", "monthlyJpy",
                  "percentOfBaseline", "explanation", "explanationJa"}],  # in LEVER_ORDER
      "unattributedUsd": float,  # baseline - planned - sum(levers), 0 when they add up;
      "unattributedJpy": int,    # both absent when there is no baseline
      "shares": [{"code", "name", "population",
                  "equalUsd", "populationUsd", "usageUsd",
                  "equalJpy", "populationJpy", "usageJpy"}],
      "assumptions": {...}       # as given, made JSON-safe
    }

    ESTIMATE = {
      "label": str,
      "monthlyUsd", "monthlyJpy", "annualUsd", "annualJpy",
      "byCategory": [{"category", "monthlyUsd", "monthlyJpy"}],  # largest first
      "lines": [{"resource", "resourceType", "category", "description",
                 "quantity", "unit", "unitPriceUsd", "monthlyUsd", "monthlyJpy",
                 "priceKey", "region", "tenant"}],
      "missing": [{"resource", "resourceType", "priceKey", "region", "reason"}]
    }
    # the built-in baseline also has "monthlyUsdLow", "monthlyUsdHigh",
    # "monthlyJpyLow", "monthlyJpyHigh", "assumptionsLow", "assumptionsHigh"
    # (each figure of that end with its source) and "leversHigh"

Missing prices are listed, never counted: totals are the sum of the priced lines.

The price catalogue's date is not a field of the result; the price-sources note
shows it when ``assumptions`` has one of :data:`CATALOGUE_KEYS`.
"""

from __future__ import annotations

import html as _html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gcmod import __version__
from gcmod.cost.model import (
    CATEGORY_NAMES,
    LEVER_NAMES,
    LEVER_ORDER,
    Estimate,
    EstimateResult,
    LineItem,
    MissingPrice,
)
from gcmod.cost.yen import ResultYen, estimate_yen, result_yen
from gcmod.cost.yen import to_jpy as _to_jpy
from gcmod.graph import short_type
from gcmod.textable import render, width

SCHEMA = "gcmod.estimate/1"
#: How yen are rounded (:mod:`gcmod.cost.yen`).
ROUNDING = "each total half-up to 1 yen once; its parts by the largest remainder, so they add up"
HOURS_PER_MONTH = 730
#: 地方公共団体情報システム標準化基本方針 (閣議決定): 運用経費等「少なくとも3割削減を目指す」.
TARGET_PERCENT_LOWER = 30.0
#: National systems that modernised first, FY2024 budget basis: 基盤経費 16,877 -> 5,949 M yen.
NATIONAL_INFRA_PERCENT_LOWER = 65.0
TARGET_SOURCE = (
    "総務省 大臣官房 デジタル統括アドバイザー 三木浩平「自治体システム標準化後の運用経費高騰問題」"
    "(2025-10-09): target from 地方公共団体情報システム標準化基本方針; national systems "
    "FY2024 infrastructure 16,877 -> 5,949 M yen (-65%)"
)
#: Keys of ``EstimateResult.assumptions`` shown as the price catalogue's source/date.
CATALOGUE_KEYS = ("catalogue", "catalogueDate", "catalogue_date", "priceCatalogue", "prices")
#: Planned line items shown in the text and Markdown reports (all are in JSON and HTML).
TOP_LINES = 10
CATEGORY_ORDER = (
    "compute",
    "database",
    "storage",
    "backup",
    "logs",
    "network",
    "security",
    "operations",
    "other",
)
_EPS = 0.005  # half a cent
#: Notes too long for the text/Markdown assumptions table (in JSON and the XLSX).
JSON_ONLY_NOTES = frozenset({"pricesUsed"})


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Cloud cost estimate",
        "stackline": "Stack {stack} · region {region}",
        "currency": (
            "Cloud usage fees per month ({hours} hours), in USD; "
            "JPY = USD × {rate} JPY/USD ({source}), rounded to the yen."
        ),
        "planned": "Planned (modernised)",
        "planned_program": "Planned (the program as written)",
        "baseline": "Lift-and-shift",
        "baseline_long": "Lift-and-shift (one IaaS environment per municipality)",
        "saving": "Saving",
        "usd_month": "USD/month",
        "jpy_month": "JPY/month",
        "usd_year": "USD/year",
        "jpy_year": "JPY/year",
        "per_month": "/month",
        "per_year": "per year",
        "lower": "{p}% lower than the lift-and-shift",
        "commitments": (
            "Option, not applied: committing the always-on production compute and databases "
            "would save {one}/month for 1 year, {three}/month for 3 years (see commitments)."
        ),
        "range": (
            "Lift-and-shift range {low} (low, conservative: used above) to {high} (high): "
            "{plo}%–{phi}% lower. How the range is built: docs/baseline.md."
        ),
        "higher": "{p}% higher than the lift-and-shift",
        "same": "the same as the lift-and-shift",
        "no_baseline": "No lift-and-shift cost to compare with.",
        "v_beyond": (
            "Meets the government target (at least 30% lower) and reaches the 65% "
            "that national systems achieved on infrastructure by modernising first."
        ),
        "v_meets": (
            "Meets the government target (at least 30% lower); national systems that "
            "modernised first reached 65% lower on infrastructure."
        ),
        "v_short": (
            "Short of the government target (at least 30% lower); national systems that "
            "modernised first reached 65% lower on infrastructure."
        ),
        "target_note": (
            "The target applies to total operating cost; this estimate covers cloud usage "
            "fees only. Source: MIC Digital Advisor K. Miki, “Rising operating costs after "
            "municipal system standardisation”, 9 Oct 2025 (national systems, FY2024 budget: "
            "infrastructure 16,877 → 5,949 million yen, −65%)."
        ),
        "missing_warn": (
            "{n} item(s) not counted — price missing. The totals above exclude them (see "
            "“Not counted”)."
        ),
        "missing_intro": (
            "The totals exclude these {n} item(s): their price is not known, so the totals "
            "are lower than the real cost by their amount."
        ),
        "sec_category": "Cost by category",
        "category": "Category",
        "total": "Total",
        "sec_lines": "Planned line items",
        "sec_lines_top": "Largest planned line items ({n} of {total})",
        "lines_more": "{n} more line(s), {usd} in total; all lines in --json and --html.",
        "sec_baseline_lines": "Lift-and-shift line items",
        "resource": "Resource",
        "what": "What is priced",
        "quantity": "Quantity",
        "unit_price": "Unit price",
        "monthly": "Monthly",
        "tenant": "Tenant",
        "sec_levers": "Savings by lever",
        "lever": "Lever (cost-optimisation guide)",
        "saving_month": "Saving/month",
        "pct_baseline": "% of lift-and-shift",
        "explanation": "How",
        "unattributed": "Other / not attributed",
        "levers_total": "Total saving",
        "no_levers": "No savings attributed to levers.",
        "sec_shares": "Per-tenant shares (per month)",
        "code": "Code",
        "name": "Municipality",
        "population": "Population",
        "equal": "Equal split",
        "by_population": "By population",
        "by_usage": "By usage",
        "no_shares": "No tenants.",
        "shares_note": (
            "The allocation method moves cost between large cities and small towns: an "
            "equal split weighs on small towns, a split by population on large cities, and "
            "a split by usage follows what each municipality actually uses."
        ),
        "sec_missing": "Not counted — price missing",
        "estimate": "Estimate",
        "type": "Type",
        "price_key": "Price key",
        "region": "Region",
        "reason": "Reason",
        "sec_assumptions": "Assumptions",
        "item": "Input",
        "value": "Value",
        "source": "Source",
        "no_assumptions": "None recorded.",
        "sec_sources": "Price sources",
        "fx": "Exchange rate",
        "fx_value": "{rate} JPY/USD ({source}); every JPY figure rounded to the yen.",
        "catalogue": "Price catalogue",
        "catalogue_none": "See the price key of each line item.",
        "targets": "Target and comparison",
        "footer": (
            "This is an estimate generated by gcmod {version} from the planned configuration, "
            "not a quote. Actual charges depend on usage, exchange rate, discounts and tax."
        ),
        "chart_ba_title": "Monthly cost: lift-and-shift and planned, by category",
        "chart_wf_title": "From the lift-and-shift to the planned cost, saving by lever",
        "summary": "Summary",
        "gauge_target": "target 30%",
        "gauge_national": "national systems 65%",
        "reduction": "reduction",
    },
    "ja": {
        "title": "クラウド利用料の見積 (概算)",
        "stackline": "スタック {stack}・リージョン {region}",
        "currency": (
            "金額はクラウド利用料の月額 ({hours}時間) です。"
            "円換算 = USD × {rate} 円/USD ({source})、1円未満四捨五入。"
        ),
        "planned": "計画 (モダン化後)",
        "planned_program": "計画 (プログラムのとおり)",
        "baseline": "リフト&シフト",
        "baseline_long": "リフト&シフト (団体ごとにIaaS環境を構築)",
        "saving": "削減額",
        "usd_month": "月額 (USD)",
        "jpy_month": "月額 (円)",
        "usd_year": "年額 (USD)",
        "jpy_year": "年額 (円)",
        "per_month": "/月",
        "per_year": "年額",
        "lower": "リフト&シフトより {p}% 低い",
        "commitments": (
            "参考 (未適用): 常時稼働する本番のコンピュートとデータベースを確約利用にすると、"
            "1年で月 {one}、3年で月 {three} の削減 (commitments を参照)。"
        ),
        "range": (
            "リフト&シフトの幅は {low} (下限・控えめ: 上の比較に使用) から {high} (上限): "
            "{plo}%〜{phi}% 低い。幅の作り方は docs/baseline.md を参照。"
        ),
        "higher": "リフト&シフトより {p}% 高い",
        "same": "リフト&シフトと同額",
        "no_baseline": "比較するリフト&シフトの金額がありません。",
        "v_beyond": (
            "政府目標 (少なくとも3割削減) を満たし、先にモダン化した国の情報システムの"
            "基盤経費削減率 65% に達しています。"
        ),
        "v_meets": (
            "政府目標 (少なくとも3割削減) を満たしています。先にモダン化した国の情報システムは"
            "基盤経費を 65% 削減しています。"
        ),
        "v_short": (
            "政府目標 (少なくとも3割削減) に届いていません。先にモダン化した国の情報システムは"
            "基盤経費を 65% 削減しています。"
        ),
        "target_note": (
            "目標は運用経費全体に対するもので、この見積はクラウド利用料のみを対象とします。"
            "出典: 総務省 大臣官房 デジタル統括アドバイザー 三木浩平「自治体システム標準化後の"
            "運用経費高騰問題」(2025年10月9日)。国の情報システム (令和6年度予算ベース) の"
            "基盤経費 16,877 → 5,949 百万円 (▲65%)。"
        ),
        "missing_warn": (
            "{n} 件は価格が見つからず、合計に含まれていません"
            " (「合計に含まれていない項目」を参照)。"
        ),
        "missing_intro": (
            "以下の {n} 件は価格が不明のため合計に含まれていません。"
            "その分、合計は実際の費用より低くなっています。"
        ),
        "sec_category": "分類別の月額",
        "category": "分類",
        "total": "合計",
        "sec_lines": "計画の明細",
        "sec_lines_top": "計画の主な明細 ({total} 件中 {n} 件)",
        "lines_more": "ほか {n} 件、計 {usd}。全明細は --json と --html で出力できます。",
        "sec_baseline_lines": "リフト&シフトの明細",
        "resource": "リソース",
        "what": "内容",
        "quantity": "数量",
        "unit_price": "単価",
        "monthly": "月額",
        "tenant": "団体",
        "sec_levers": "施策別の削減額",
        "lever": "施策 (コスト最適化の手引き)",
        "saving_month": "削減額/月",
        "pct_baseline": "リフト&シフト比",
        "explanation": "方法",
        "unattributed": "その他 (施策によらない削減)",
        "levers_total": "削減額の合計",
        "no_levers": "施策別の削減額はありません。",
        "sec_shares": "団体別の負担額 (月額)",
        "code": "団体コード",
        "name": "団体名",
        "population": "人口",
        "equal": "均等割",
        "by_population": "人口割",
        "by_usage": "利用量割",
        "no_shares": "団体の登録がありません。",
        "shares_note": (
            "按分の方法によって、大きな市と小さな町村の間で負担が移ります。"
            "均等割は小さな町村に、人口割は大きな市に重くなり、"
            "利用量割は各団体の実際の利用に応じた負担になります。"
        ),
        "sec_missing": "合計に含まれていない項目 (価格なし)",
        "estimate": "見積",
        "type": "種類",
        "price_key": "価格キー",
        "region": "リージョン",
        "reason": "理由",
        "sec_assumptions": "前提条件",
        "item": "項目",
        "value": "値",
        "source": "根拠",
        "no_assumptions": "記録されていません。",
        "sec_sources": "価格の出典",
        "fx": "為替レート",
        "fx_value": "{rate} 円/USD ({source})。円換算はすべて1円未満四捨五入。",
        "catalogue": "価格カタログ",
        "catalogue_none": "各明細の価格キーを参照してください。",
        "targets": "目標と比較",
        "footer": (
            "この資料は gcmod {version} が計画中の構成から自動作成した概算であり、"
            "見積書ではありません。実際の請求額は利用量、為替、割引、税により変わります。"
        ),
        "chart_ba_title": "月額の比較: リフト&シフトと計画 (分類別)",
        "chart_wf_title": "リフト&シフトから計画まで: 施策別の削減額",
        "summary": "概要",
        "gauge_target": "目標 30%",
        "gauge_national": "国の実績 65%",
        "reduction": "削減",
    },
}


# --------------------------------------------------------------------------- numbers


def labels(lang: str) -> dict[str, str]:
    try:
        return LABELS[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; use 'ja' or 'en'") from None


to_jpy = _to_jpy


def fmt_usd(usd: float) -> str:
    """``$1,234.56``; ``-$1.00``; never ``-$0.00``."""
    sign = "-" if round(usd, 2) < 0 else ""
    return f"{sign}${abs(usd):,.2f}"


def fmt_jpy(yen: int, lang: str = "en") -> str:
    """``¥12,345`` (en) or ``12,345円`` (ja)."""
    sign = "-" if yen < 0 else ""
    return f"{sign}{abs(yen):,}円" if lang == "ja" else f"{sign}¥{abs(yen):,}"


def fmt_money(usd: float, rate: float, lang: str, jpy: int | None = None) -> str:
    """Both currencies, the reader's first: ``12,345円 ($82.30)`` / ``$82.30 (¥12,345)``.
    ``jpy``: the yen already split from a total (:mod:`gcmod.cost.yen`)."""
    yen = fmt_jpy(to_jpy(usd, rate) if jpy is None else jpy, lang)
    return f"{yen} ({fmt_usd(usd)})" if lang == "ja" else f"{fmt_usd(usd)} ({yen})"


def fmt_rate(rate: float) -> str:
    return f"{rate:,.2f}"


def fmt_number(x: float) -> str:
    """Quantities: thousands separators, at most 3 decimals (more for tiny values)."""
    if x == int(x):
        return f"{int(x):,}"
    decimals = 3 if abs(x) >= 0.001 else 8
    return f"{x:,.{decimals}f}".rstrip("0").rstrip(".")


def fmt_unit_price(usd: float) -> str:
    """Unit prices keep their precision: ``$0.04048``, ``$0.0000125``, ``$12.00``."""
    text = f"{abs(usd):,.10f}".rstrip("0")
    whole, _, frac = text.partition(".")
    frac = frac.ljust(2, "0")
    return f"{'-' if usd < 0 else ''}${whole}.{frac}"


def percent_lower(result: EstimateResult) -> float | None:
    """``(1 - planned / baseline) × 100``, rounded to 0.1; None without a baseline."""
    ratio = result.ratio
    if not math.isfinite(ratio):
        return None
    return round((1.0 - ratio) * 100.0, 1) + 0.0  # + 0.0: no "-0.0"


def fmt_pct(p: float) -> str:
    p = round(p, 1) + 0.0
    return f"{p:.0f}" if p == int(p) else f"{p:.1f}"


def _ratio_phrase(result: EstimateResult, lang: str) -> str:
    t = labels(lang)
    p = percent_lower(result)
    if p is None:
        return t["no_baseline"]
    if p > 0:
        return t["lower"].format(p=fmt_pct(p))
    if p < 0:
        return t["higher"].format(p=fmt_pct(-p))
    return t["same"]


def meets_target(result: EstimateResult) -> bool | None:
    p = percent_lower(result)
    return None if p is None else p >= TARGET_PERCENT_LOWER


def _verdict(result: EstimateResult, lang: str) -> str:
    t = labels(lang)
    p = percent_lower(result)
    if p is None:
        return ""
    if p >= NATIONAL_INFRA_PERCENT_LOWER:
        return t["v_beyond"]
    return t["v_meets"] if p >= TARGET_PERCENT_LOWER else t["v_short"]


def category_name(category: str, lang: str) -> str:
    ja, en = CATEGORY_NAMES.get(category, (category, category))
    return ja if lang == "ja" else en


def lever_name(lever: str, lang: str) -> str:
    ja, en = LEVER_NAMES.get(lever, (lever, lever))
    return ja if lang == "ja" else en


def _categories(result: EstimateResult) -> list[str]:
    """Every category either estimate uses, in CATEGORY_ORDER (unknown ones last)."""
    used = set(result.planned.by_category()) | set(result.baseline.by_category())
    known = [c for c in CATEGORY_ORDER if c in used]
    return known + sorted(used - set(CATEGORY_ORDER))


def _ordered_levers(result: EstimateResult) -> list[Any]:
    rank = {lever: i for i, lever in enumerate(LEVER_ORDER)}
    return sorted(result.levers, key=lambda s: rank.get(s.lever, len(rank)))


def unattributed_usd(result: EstimateResult) -> float:
    """The part of the saving no lever accounts for (0 when the levers add up or
    there is no baseline to save against)."""
    if not result.has_baseline:
        return 0.0
    rest = result.saving_usd - sum(s.monthly_usd for s in result.levers)
    return 0.0 if abs(rest) < _EPS else rest


def _sorted_lines(est: Estimate) -> list[LineItem]:
    return sorted(est.lines, key=lambda li: (-li.monthly_usd, li.resource, li.description))


def _missing(result: EstimateResult) -> list[tuple[str, MissingPrice]]:
    return [("planned", m) for m in result.planned.missing] + [
        ("baseline", m) for m in result.baseline.missing
    ]


def yen_of(result: EstimateResult) -> ResultYen:
    """Every yen figure of ``result``, converted once and split so each set adds up."""
    return result_yen(result, unattributed_usd(result))


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_jsonable(v) for v in items]
    return str(value)


def _assumption_rows(result: EstimateResult) -> list[tuple[str, str, str]]:
    """(input, value, source). A value shaped ``{"value": v, "source": s}`` is split."""
    rows = []
    for key, raw in result.assumptions.items():
        if key in JSON_ONLY_NOTES:
            continue
        source = ""
        value: Any = raw
        if isinstance(raw, Mapping) and "value" in raw:
            value = raw["value"]
            source = str(raw.get("source", ""))
            unit = raw.get("unit")
            if unit and not isinstance(value, (Mapping, list, tuple)):
                value = f"{_scalar(value)} {unit}"
        rows.append((str(key), _scalar(value), source))
    return rows


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)) and math.isfinite(value):
        return fmt_number(value)
    return json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True)


#: An absolute file path (POSIX or Windows): reports name the file, not the machine's folders.
_ABS_PATH = re.compile(r"(?:[A-Za-z]:\\|/)(?:[^\s()/\\]+[/\\])+([^\s()/\\]+)")


def _catalogue_note(result: EstimateResult) -> str | None:
    for key in CATALOGUE_KEYS:
        if key in result.assumptions:
            raw = result.assumptions[key]
            if isinstance(raw, Mapping) and "value" in raw:
                src = raw.get("source")
                note = f"{_scalar(raw['value'])}" + (f" ({src})" if src else "")
            else:
                note = _scalar(raw)
            return _ABS_PATH.sub(r"\1", note)
    return None


# --------------------------------------------------------------------------- JSON


def _estimate_json(est: Estimate, rate: float) -> dict[str, Any]:
    total = est.monthly_usd
    cats = sorted(est.by_category().items(), key=lambda kv: (-kv[1], kv[0]))
    ey = estimate_yen(est, rate)
    return {
        "label": est.label,
        "monthlyUsd": total,
        "monthlyJpy": ey.total,
        "annualUsd": total * 12,
        "annualJpy": ey.annual,
        "byCategory": [
            {"category": c, "monthlyUsd": v, "monthlyJpy": ey.categories[c]} for c, v in cats
        ],
        "lines": [
            {
                "resource": li.resource,
                "resourceType": li.resource_type,
                "category": li.category,
                "description": li.description,
                "quantity": li.quantity,
                "unit": li.unit,
                "unitPriceUsd": li.unit_price_usd,
                "monthlyUsd": li.monthly_usd,
                "monthlyJpy": y,
                "priceKey": li.price_key,
                "region": li.region,
                "tenant": li.tenant,
            }
            for li, y in zip(est.lines, ey.lines, strict=True)
        ],
        "missing": [
            {
                "resource": m.resource,
                "resourceType": m.resource_type,
                "priceKey": m.price_key,
                "region": m.region,
                "reason": m.reason,
            }
            for m in est.missing
        ],
    }


def to_json(result: EstimateResult) -> dict[str, Any]:
    """Everything in the result, machine-readable; keys documented in the module docstring."""
    rate = result.jpy_per_usd
    saving = result.saving_usd
    base = result.baseline.monthly_usd
    ratio = result.ratio
    yen = yen_of(result)
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "stack": result.stack,
        "region": result.region,
        "currency": "USD",
        "period": "month",
        "hoursPerMonth": HOURS_PER_MONTH,
        "fx": {"jpyPerUsd": rate, "source": result.fx_source, "rounding": ROUNDING},
        "planned": _estimate_json(result.planned, rate),
        "baseline": _estimate_json(result.baseline, rate),
        "saving": {
            "monthlyUsd": saving,
            "monthlyJpy": yen.saving,
            "annualUsd": saving * 12,
            "annualJpy": yen.saving * 12,
        }
        if result.has_baseline
        else None,
        "ratio": ratio if math.isfinite(ratio) else None,
        "percentLower": percent_lower(result),
        "target": {
            "governmentPercentLower": TARGET_PERCENT_LOWER,
            "nationalInfrastructurePercentLower": NATIONAL_INFRA_PERCENT_LOWER,
            "meetsGovernmentTarget": meets_target(result),
            "source": TARGET_SOURCE,
        },
        "levers": [
            {
                "lever": s.lever,
                "nameJa": lever_name(s.lever, "ja"),
                "nameEn": lever_name(s.lever, "en"),
                "monthlyUsd": s.monthly_usd,
                "monthlyJpy": yen.levers.get(s.lever, 0),
                "percentOfBaseline": round(s.monthly_usd / base * 100, 1) if base else None,
                "explanation": s.explanation,
                "explanationJa": s.explanation_ja or s.explanation,
            }
            for s in _ordered_levers(result)
        ],
        "unattributedUsd": unattributed_usd(result),
        "unattributedJpy": yen.unattributed,
        "shares": [
            {
                "code": sh.code,
                "name": sh.name,
                "population": sh.population,
                "equalUsd": sh.equal_usd,
                "populationUsd": sh.population_usd,
                "usageUsd": sh.usage_usd,
                "equalJpy": yen.shares["equal"][i],
                "populationJpy": yen.shares["population"][i],
                "usageJpy": yen.shares["usage"][i],
            }
            for i, sh in enumerate(result.shares)
        ],
        "assumptions": _jsonable(result.assumptions),
    }
    if not result.has_baseline:  # nothing to attribute without a baseline
        del doc["unattributedUsd"], doc["unattributedJpy"]
    rng = result.baseline_range
    if rng is not None:
        low, high = rng.low.monthly_usd, rng.high.monthly_usd
        planned = result.planned.monthly_usd
        doc["baseline"].update(
            {
                "monthlyUsdLow": low,
                "monthlyUsdHigh": high,
                "monthlyJpyLow": to_jpy(low, rate),
                "monthlyJpyHigh": to_jpy(high, rate),
                "assumptionsLow": _jsonable(rng.assumptions_low),
                "assumptionsHigh": _jsonable(rng.assumptions_high),
                "leversHigh": [
                    {"lever": s.lever, "monthlyUsd": s.monthly_usd} for s in rng.levers_high
                ],
            }
        )
        doc["percentLowerRange"] = {
            "low": _pct_of(planned, low),
            "high": _pct_of(planned, high),
            "headline": "low",
        }
    return doc


def commitment_text(result: EstimateResult, lang: str) -> str | None:
    """The commitment option (never applied) in one sentence, or None."""
    raw = result.assumptions.get("commitments")
    if not isinstance(raw, Mapping) or not raw.get("value", {}).get("terms"):
        return None
    terms = raw["value"]["terms"]
    one, three = terms["1yr"]["savingUsd"], terms["3yr"]["savingUsd"]
    return labels(lang)["commitments"].format(one=fmt_usd(one), three=fmt_usd(three))


def range_text(result: EstimateResult, lang: str) -> str:
    """The built-in baseline's low–high range and the saving against each end."""
    rng = result.baseline_range
    assert rng is not None
    planned = result.planned.monthly_usd
    lo, hi = _pct_of(planned, rng.low.monthly_usd), _pct_of(planned, rng.high.monthly_usd)
    return labels(lang)["range"].format(
        low=fmt_usd(rng.low.monthly_usd),
        high=fmt_usd(rng.high.monthly_usd),
        plo=fmt_pct(lo or 0.0),
        phi=fmt_pct(hi or 0.0),
    )


def _pct_of(planned: float, baseline: float) -> float | None:
    return round((1 - planned / baseline) * 100, 1) + 0.0 if baseline else None


# --------------------------------------------------------------------------- sections


@dataclass
class _Section:
    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    right: tuple[int, ...] = ()
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def _header(result: EstimateResult, lang: str) -> tuple[str, list[str]]:
    t = labels(lang)
    title = f"{t['title']}: {result.stack}"
    lines = [
        t["stackline"].format(stack=result.stack, region=result.region),
        t["currency"].format(
            hours=HOURS_PER_MONTH, rate=fmt_rate(result.jpy_per_usd), source=result.fx_source
        ),
    ]
    return title, lines


def _summary_section(result: EstimateResult, lang: str) -> _Section:
    t = labels(lang)
    yen = yen_of(result)

    def row(label: str, usd: float, jpy: int) -> list[str]:
        return [
            label,
            fmt_usd(usd),
            fmt_jpy(jpy, lang),
            fmt_usd(usd * 12),
            fmt_jpy(jpy * 12, lang),
        ]

    phrase = _ratio_phrase(result, lang)
    after = [phrase if phrase.endswith((".", "。")) else phrase + "."]
    if result.baseline_range is not None:
        after.append(range_text(result, lang))
    commit = commitment_text(result, lang)
    if commit:
        after.append(commit)
    planned_label = t["planned"] if result.has_baseline else t["planned_program"]
    verdict = _verdict(result, lang)
    if verdict:
        after[0] = after[0].rstrip(".。") + (". " if lang == "en" else "。") + verdict
        after.append(t["target_note"])
    missing = _missing(result)
    if missing:
        after.append("⚠ " + t["missing_warn"].format(n=len(missing)))
    return _Section(
        title=t["summary"],
        headers=["", t["usd_month"], t["jpy_month"], t["usd_year"], t["jpy_year"]],
        rows=[
            row(planned_label, result.planned.monthly_usd, yen.planned.total),
            *(
                [
                    row(t["baseline"], result.baseline.monthly_usd, yen.baseline.total),
                    row(t["saving"], result.saving_usd, yen.saving),
                ]
                if result.has_baseline
                else []
            ),
        ],
        right=(1, 2, 3, 4),
        after=after,
    )


def _category_section(result: EstimateResult, lang: str) -> _Section:
    t = labels(lang)
    planned = result.planned.by_category()
    baseline = result.baseline.by_category()
    yen = yen_of(result)

    def cells(p: float, b: float, py: int, by: int) -> list[str]:
        out = [fmt_usd(p), fmt_jpy(py, lang)]
        return [*out, fmt_usd(b), fmt_jpy(by, lang)] if result.has_baseline else out

    rows = [
        [
            category_name(c, lang),
            *cells(
                planned.get(c, 0.0),
                baseline.get(c, 0.0),
                yen.planned.categories.get(c, 0),
                yen.baseline.categories.get(c, 0),
            ),
        ]
        for c in _categories(result)
    ]
    rows.append(
        [
            t["total"],
            *cells(
                result.planned.monthly_usd,
                result.baseline.monthly_usd,
                yen.planned.total,
                yen.baseline.total,
            ),
        ]
    )
    plabel = t["planned"] if result.has_baseline else t["planned_program"]
    return _Section(
        title=t["sec_category"],
        headers=[
            t["category"],
            f"{plabel} USD",
            f"{plabel} {'円' if lang == 'ja' else 'JPY'}",
            *(
                [f"{t['baseline']} USD", f"{t['baseline']} {'円' if lang == 'ja' else 'JPY'}"]
                if result.has_baseline
                else []
            ),
        ],
        rows=rows,
        right=(1, 2, 3, 4) if result.has_baseline else (1, 2),
    )


def _lines_section(result: EstimateResult, lang: str, limit: int | None = TOP_LINES) -> _Section:
    t = labels(lang)
    rate = result.jpy_per_usd
    lines = _sorted_lines(result.planned)
    ey = estimate_yen(result.planned, rate)
    line_yen = {id(li): y for li, y in zip(result.planned.lines, ey.lines, strict=True)}
    shown = lines if limit is None else lines[:limit]
    title = (
        t["sec_lines"]
        if len(shown) == len(lines)
        else t["sec_lines_top"].format(n=len(shown), total=len(lines))
    )
    rows = [
        [
            li.resource,
            li.description,
            f"{fmt_number(li.quantity)} {li.unit}",
            fmt_unit_price(li.unit_price_usd),
            fmt_usd(li.monthly_usd),
            fmt_jpy(line_yen[id(li)], lang),
        ]
        for li in shown
    ]
    after = []
    rest = lines[len(shown) :]
    if rest:
        after.append(
            t["lines_more"].format(n=len(rest), usd=fmt_usd(sum(li.monthly_usd for li in rest)))
        )
    return _Section(
        title=title,
        headers=[
            t["resource"],
            t["what"],
            t["quantity"],
            t["unit_price"],
            t["usd_month"],
            t["jpy_month"],
        ],
        rows=rows,
        right=(2, 3, 4, 5),
        after=after,
    )


def _lever_rows(result: EstimateResult, lang: str) -> list[tuple[str, float, int, str]]:
    """(name, saving USD, saving yen, explanation) in LEVER_ORDER, then the unattributed rest."""
    yen = yen_of(result)
    rows = [
        (
            lever_name(s.lever, lang),
            s.monthly_usd,
            yen.levers.get(s.lever, 0),
            (s.explanation_ja or s.explanation) if lang == "ja" else s.explanation,
        )
        for s in _ordered_levers(result)
    ]
    rest = unattributed_usd(result)
    if rest or yen.unattributed:
        rows.append((labels(lang)["unattributed"], rest, yen.unattributed, ""))
    return rows


def _levers_section(result: EstimateResult, lang: str) -> _Section:
    t = labels(lang)
    base = result.baseline.monthly_usd

    def pct(usd: float) -> str:
        return f"{fmt_pct(usd / base * 100)}%" if base else "—"

    rows = [
        [name, fmt_usd(usd), fmt_jpy(jpy, lang), pct(usd), expl]
        for name, usd, jpy, expl in _lever_rows(result, lang)
    ]
    if not rows:
        return _Section(title=t["sec_levers"], before=[t["no_levers"]])
    saving = result.saving_usd
    rows.append(
        [t["levers_total"], fmt_usd(saving), fmt_jpy(yen_of(result).saving, lang), pct(saving), ""]
    )
    return _Section(
        title=t["sec_levers"],
        headers=[
            t["lever"],
            t["saving_month"] + " USD",
            t["saving_month"] + (" 円" if lang == "ja" else " JPY"),
            t["pct_baseline"],
            t["explanation"],
        ],
        rows=rows,
        right=(1, 2, 3),
    )


def _shares_section(result: EstimateResult, lang: str) -> _Section:
    t = labels(lang)
    rate = result.jpy_per_usd
    if not result.shares:
        return _Section(title=t["sec_shares"], before=[t["no_shares"]])
    ys = yen_of(result).shares
    rows = [
        [
            sh.code,
            sh.name,
            fmt_number(sh.population),
            fmt_money(sh.equal_usd, rate, lang, ys["equal"][i]),
            fmt_money(sh.population_usd, rate, lang, ys["population"][i]),
            fmt_money(sh.usage_usd, rate, lang, ys["usage"][i]),
        ]
        for i, sh in enumerate(result.shares)
    ]
    rows.append(
        [
            t["total"],
            "",
            fmt_number(sum(sh.population for sh in result.shares)),
            *(
                fmt_money(
                    sum(getattr(sh, f"{m}_usd") for sh in result.shares), rate, lang, sum(ys[m])
                )
                for m in ("equal", "population", "usage")
            ),
        ]
    )
    return _Section(
        title=t["sec_shares"],
        headers=[
            t["code"],
            t["name"],
            t["population"],
            t["equal"],
            t["by_population"],
            t["by_usage"],
        ],
        rows=rows,
        right=(2, 3, 4, 5),
        after=[t["shares_note"]],
    )


def _missing_section(result: EstimateResult, lang: str) -> _Section | None:
    t = labels(lang)
    missing = _missing(result)
    if not missing:
        return None
    which = {"planned": t["planned"], "baseline": t["baseline"]}
    return _Section(
        title=t["sec_missing"],
        headers=[t["estimate"], t["resource"], t["type"], t["price_key"], t["region"], t["reason"]],
        rows=[
            [which[w], m.resource, short_type(m.resource_type), m.price_key, m.region, m.reason]
            for w, m in missing
        ],
    )


def _assumptions_section(result: EstimateResult, lang: str) -> _Section:
    t = labels(lang)
    rows = [list(r) for r in _assumption_rows(result)]
    if not rows:
        return _Section(title=t["sec_assumptions"], before=[t["no_assumptions"]])
    return _Section(
        title=t["sec_assumptions"], headers=[t["item"], t["value"], t["source"]], rows=rows
    )


def _sources_lines(result: EstimateResult, lang: str) -> list[tuple[str, str]]:
    t = labels(lang)
    return [
        (t["fx"], t["fx_value"].format(rate=fmt_rate(result.jpy_per_usd), source=result.fx_source)),
        (t["catalogue"], _catalogue_note(result) or t["catalogue_none"]),
        (t["targets"], t["target_note"]),
    ]


def _sections(result: EstimateResult, lang: str) -> list[_Section]:
    t = labels(lang)
    out = [
        _summary_section(result, lang),
        _category_section(result, lang),
        _lines_section(result, lang),
        *([_levers_section(result, lang)] if result.has_baseline else []),
        _shares_section(result, lang),
    ]
    missing = _missing_section(result, lang)
    if missing:
        out.insert(1, missing)  # prominent: right after the totals it is missing from
    out.append(_assumptions_section(result, lang))
    out.append(
        _Section(
            title=t["sec_sources"],
            before=[f"{k}: {v}" for k, v in _sources_lines(result, lang)],
        )
    )
    return out


# --------------------------------------------------------------------------- text / markdown


def table(result: EstimateResult, lang: str = "en") -> str:
    """Plain-text report for a terminal; Japanese or English labels throughout."""
    t = labels(lang)
    title, intro = _header(result, lang)
    out = [title, "=" * width(title), *intro]
    for sec in _sections(result, lang):
        out += ["", sec.title, "-" * width(sec.title), *sec.before]
        if sec.headers:
            out.append(render(sec.headers, sec.rows, right=sec.right))
        out += sec.after
    out += ["", t["footer"].format(version=__version__)]
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


def markdown(result: EstimateResult, lang: str = "en") -> str:
    """The text report as Markdown (a proposal, a pull-request comment)."""
    t = labels(lang)
    title, intro = _header(result, lang)
    out = [f"## {_md_cell(title)}", "", *(_md_cell(x) + "  " for x in intro)]
    out[-1] = out[-1].rstrip()
    for sec in _sections(result, lang):
        out += ["", f"### {_md_cell(sec.title)}", ""]
        for p in sec.before:
            out += [_md_cell(p), ""]
        if sec.headers:
            out += [_md_table(sec.headers, sec.rows, sec.right), ""]
        for p in sec.after:
            text = _md_cell(p)
            if p.startswith("⚠ "):
                text = f"> **⚠ {_md_cell(p[2:])}**"
            out += [text, ""]
        while out and out[-1] == "":
            out.pop()
    out += ["", f"_{_md_cell(t['footer'].format(version=__version__))}_"]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- HTML

#: Category colours: Okabe-Ito hues (colour-blind safe), darkened where needed so that
#: every bar and swatch is >= 3:1 against the page and the text drawn on it (white or
#: ink, see :func:`_text_on`) >= 4.5:1 (WCAG 2.2, 1.4.11 and 1.4.3; measured by
#: tests/test_report_browser.py).
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
_BASELINE = "#8A94A6"
_PLANNED = "#1F4E9C"
_SAVE = "#2E7D4F"
_UP = "#C0392B"
_INK = "#1D2433"
_MUTED = "#5B6475"

_FONT = (
    '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans JP", "Noto Sans CJK JP", '
    '"Yu Gothic UI", "Yu Gothic", Meiryo, system-ui, -apple-system, "Segoe UI", sans-serif'
)

REPORT_CSS = """
:root { --ink: #1d2433; --muted: #5b6475; --line: #d8dde6; --bg: #f3f5f9;
  --planned: #1f4e9c; --baseline: #8a94a6; --save: #2e7d4f; --up: #c0392b; --warn: #b45309; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: var(--ink); font-family: FONT;
  font-size: 15px; line-height: 1.7; }
main { max-width: 1040px; margin: 0 auto; padding: 28px 28px 40px; }
header.doc { border-bottom: 3px solid var(--planned); padding-bottom: 10px; margin-bottom: 20px; }
header.doc .kicker { color: var(--planned); font-weight: 700; font-size: 13px;
  letter-spacing: .04em; margin: 0; }
h1 { font-size: 26px; line-height: 1.35; margin: 2px 0 4px; }
h2 { font-size: 19px; line-height: 1.4; margin: 34px 0 12px; padding-left: 10px;
  border-left: 6px solid var(--planned); }
h3 { font-size: 14px; margin: 0; color: var(--muted); font-weight: 600; }
p { margin: 6px 0; }
.meta { color: var(--muted); font-size: 13px; margin: 0; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 14px; margin-top: 4px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px 14px;
  background: #fff; }
.card.baseline { border-top: 6px solid var(--baseline); }
.card.planned { border-top: 6px solid var(--planned); }
.card.saving { border-top: 6px solid var(--save); background: #f4faf6; }
.card.saving.up { border-top-color: var(--up); background: #fdf4f3; }
.big { font-size: 27px; font-weight: 700; line-height: 1.3; margin: 6px 0 2px;
  font-variant-numeric: tabular-nums; }
.big small { font-size: 14px; font-weight: 400; color: var(--muted); margin-left: 2px; }
.card p.line { font-size: 14px; margin: 0; font-variant-numeric: tabular-nums; }
.card p.usd { font-size: 12.5px; color: var(--muted); margin: 2px 0 0; }
.pct { color: var(--save); }
.up .pct { color: var(--up); }
.verdict { font-weight: 600; margin: 16px 0 4px; padding: 8px 12px; border-radius: 6px; }
.verdict.ok { background: #e9f5ee; color: #1f5a38; }
.verdict.short { background: #fdecea; color: #8e2a1f; }
.gauge { margin: 10px 0 30px; }
.gauge .track { position: relative; height: 14px; background: #e6e9ef; border-radius: 7px; }
.gauge .fill { position: absolute; left: 0; top: 0; bottom: 0; background: var(--save);
  border-radius: 7px; }
.gauge .mark { position: absolute; top: -4px; height: 22px; border-left: 2px solid var(--ink); }
.gauge .mark span { position: absolute; top: 22px; left: -40px; width: 80px; text-align: center;
  font-size: 11.5px; color: var(--muted); white-space: nowrap; }
.gauge .ends { display: flex; justify-content: space-between; font-size: 11px;
  color: var(--muted); }
.note { color: var(--muted); font-size: 13px; }
.warn { background: #fff7e6; border: 1px solid #f0b429; border-left: 6px solid var(--warn);
  padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
.warn strong { color: #7c3a06; }
figure { margin: 8px 0 14px; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: FONT; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; line-height: 1.5; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left;
  vertical-align: top; }
thead th { background: var(--bg); font-weight: 600; border-bottom: 2px solid #b9c1ce;
  font-size: 12.5px; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td .sec { display: block; color: var(--muted); font-size: 11.5px; }
td .type { display: block; color: var(--muted); font-size: 11.5px; word-break: break-all; }
tbody tr:nth-child(even) td { background: #fafbfd; }
tr.total td { font-weight: 700; border-top: 2px solid #b9c1ce; background: #fff; }
td.neg { color: var(--up); }
td.down { color: var(--save); }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
  margin-right: 6px; vertical-align: -1px; }
.ja { color: var(--muted); font-size: 12px; display: block; }
table.missing thead th { background: #fdf0d5; }
dl.sources { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px;
  font-size: 14px; margin: 0; }
dl.sources dt { font-weight: 600; }
dl.sources dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
footer { margin-top: 36px; padding-top: 12px; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 12.5px; }
@media screen and (max-width: 760px) {
  .cards { grid-template-columns: 1fr; }
  main { padding: 16px; }
  /* a chart keeps its drawn size (text >= 11 px) and scrolls inside its own box */
  figure { overflow-x: auto; }
  figure svg { max-width: none; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 20px; }
  .cards, figure, .warn, .verdict, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .scroll { overflow: visible; }
  table { font-size: 9pt; }
}
""".replace("FONT", _FONT)


def esc(value: object) -> str:
    return _html.escape(str(value), quote=True)


def coord(x: float) -> str:
    """SVG coordinate."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def primary(usd: float, rate: float, lang: str, jpy: int | None = None) -> str:
    yen = to_jpy(usd, rate) if jpy is None else jpy
    return fmt_jpy(yen, lang) if lang == "ja" else fmt_usd(usd)


def _secondary(usd: float, rate: float, lang: str, jpy: int | None = None) -> str:
    yen = to_jpy(usd, rate) if jpy is None else jpy
    return fmt_usd(usd) if lang == "ja" else fmt_jpy(yen, lang)


def money_td(
    usd: float, rate: float, lang: str, *, change: bool = False, jpy: int | None = None
) -> str:
    """A money cell, the reader's currency first. ``change``: a cost difference, where
    down is good (green) and up is bad (red, with a plus sign). ``jpy``: the yen
    already split from a total (:mod:`gcmod.cost.yen`)."""
    first, second = primary(usd, rate, lang, jpy), _secondary(usd, rate, lang, jpy)
    cents = round(usd, 2)
    cls = "num"
    if change and cents:
        cls += " down" if cents < 0 else " neg"
        if cents > 0:
            first, second = "+" + first, "+" + second
    elif cents < 0:
        cls += " neg"
    return f'<td class="{cls}">{esc(first)}<span class="sec">{esc(second)}</span></td>'


def _colour(category: str, categories: Sequence[str]) -> str:
    if category in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[category]
    extra = [c for c in categories if c not in CATEGORY_COLOURS]
    return _EXTRA_COLOURS[extra.index(category) % len(_EXTRA_COLOURS)]


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB``."""

    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _text_on(fill: str) -> str:
    """Ink or white, whichever reads better on ``fill``."""
    return _INK if contrast(_INK, fill) >= contrast("#FFFFFF", fill) else "#FFFFFF"


def _text_px(text: str, size: float) -> float:
    """Rough rendered width: a half-width character ~0.56 em, a full-width one 1 em."""
    return width(text) * size * 0.56


def fit(text: str, size: float, max_px: float) -> str:
    if _text_px(text, size) <= max_px:
        return text
    while text and _text_px(text + "…", size) > max_px:
        text = text[:-1]
    return text.rstrip() + "…"


def svg_text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 12,
    anchor: str = "start",
    fill: str = _INK,
    weight: str = "normal",
) -> str:
    w = ' font-weight="700"' if weight == "bold" else ""
    return (
        f'<text x="{coord(x)}" y="{coord(y)}" font-size="{coord(size)}" text-anchor="{anchor}" '
        f'fill="{fill}"{w}>{esc(text)}</text>'
    )


def svg_before_after(result: EstimateResult, lang: str = "ja") -> str:
    """Two bars, lift-and-shift and planned, stacked by category, values labelled."""
    t = labels(lang)
    rate = result.jpy_per_usd
    cats = _categories(result)
    est = [(t["baseline"], result.baseline, _BASELINE), (t["planned"], result.planned, _PLANNED)]
    w, h, top, bottom = 760, 400, 58, 56
    ph = h - top - bottom
    bar_w, xs = 160.0, (70.0, 350.0)
    hi = max(result.baseline.monthly_usd, result.planned.monthly_usd, 0.0) or 1.0

    def y(v: float) -> float:
        return top + ph - max(v, 0.0) / hi * ph

    desc = (
        "; ".join(f"{label}: {fmt_money(e.monthly_usd, rate, lang)}" for label, e, _ in est)
        + f"; {_ratio_phrase(result, lang)}"
    )
    out = [
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-labelledby="chart-ba-title chart-ba-desc" aria-label="{esc(t["chart_ba_title"])}">',
        f'<title id="chart-ba-title">{esc(t["chart_ba_title"])}</title>',
        f'<desc id="chart-ba-desc">{esc(desc)}</desc>',
        f'<line x1="40" y1="{coord(top + ph)}" x2="{coord(xs[1] + bar_w + 30)}" '
        f'y2="{coord(top + ph)}" stroke="#9AA3B2" stroke-width="1.5"/>',
    ]
    for (label, e, accent), x in zip(est, xs, strict=True):
        by_cat = e.by_category()
        base = 0.0
        for c in cats:
            v = by_cat.get(c, 0.0)
            if v <= 0:
                continue
            y1, y0 = y(base + v), y(base)
            fill = _colour(c, cats)
            name = category_name(c, lang)
            out.append(
                f'<rect x="{coord(x)}" y="{coord(y1)}" width="{coord(bar_w)}" '
                f'height="{coord(max(y0 - y1, 0.5))}" fill="{fill}" stroke="#FFFFFF" '
                f'stroke-width="1"><title>{esc(f"{name}: {fmt_money(v, rate, lang)}")}</title>'
                "</rect>"
            )
            if y0 - y1 >= 17:
                seg = fit(f"{name} {primary(v, rate, lang)}", 11, bar_w - 8)
                out.append(
                    svg_text(
                        x + bar_w / 2,
                        (y0 + y1) / 2 + 4,
                        seg,
                        size=11,
                        anchor="middle",
                        fill=_text_on(fill),
                    )
                )
            base += v
        total_y = y(e.monthly_usd)
        out.append(
            svg_text(
                x + bar_w / 2,
                total_y - 24,
                primary(e.monthly_usd, rate, lang) + t["per_month"],
                size=15,
                anchor="middle",
                weight="bold",
            )
        )
        out.append(
            svg_text(
                x + bar_w / 2,
                total_y - 8,
                _secondary(e.monthly_usd, rate, lang),
                size=11.5,
                anchor="middle",
                fill=_MUTED,
            )
        )
        out.append(
            f'<rect x="{coord(x)}" y="{coord(top + ph + 8)}" width="{coord(bar_w)}" height="4" '
            f'fill="{accent}"/>'
        )
        out.append(
            svg_text(
                x + bar_w / 2,
                top + ph + 32,
                fit(label, 13, bar_w + 60),
                size=13,
                anchor="middle",
                weight="bold",
            )
        )
    # the change between the bars
    p = percent_lower(result)
    if p is not None and result.baseline.monthly_usd > 0:
        yb, yp = y(result.baseline.monthly_usd), y(result.planned.monthly_usd)
        mid_x = (xs[0] + bar_w + xs[1]) / 2
        colour = _SAVE if p >= 0 else _UP
        out.append(
            f'<line x1="{coord(xs[0] + bar_w)}" y1="{coord(yb)}" '
            f'x2="{coord(mid_x)}" y2="{coord(yb)}" stroke="#9AA3B2" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<line x1="{coord(mid_x)}" y1="{coord(yp)}" x2="{coord(xs[1])}" y2="{coord(yp)}" '
            f'stroke="#9AA3B2" stroke-dasharray="4 3"/>'
        )
        if abs(yb - yp) > 12:
            tip = 7 if yp > yb else -7
            out.append(
                f'<line x1="{coord(mid_x)}" y1="{coord(yb)}" x2="{coord(mid_x)}" '
                f'y2="{coord(yp - tip)}" stroke="{colour}" stroke-width="2.5"/>'
                f'<path d="M{coord(mid_x - 6)} {coord(yp - tip)} '
                f'L{coord(mid_x + 6)} {coord(yp - tip)} L{coord(mid_x)} {coord(yp)} Z" '
                f'fill="{colour}"/>'
            )
        label = f"−{fmt_pct(p)}%" if p >= 0 else f"+{fmt_pct(-p)}%"
        ly = (yb + yp) / 2
        out.append(
            f'<rect x="{coord(mid_x - 34)}" y="{coord(ly - 15)}" width="68" height="24" rx="12" '
            f'fill="#FFFFFF" stroke="{colour}" stroke-width="1.5"/>'
        )
        out.append(
            svg_text(mid_x, ly + 3, label, size=14, anchor="middle", fill=colour, weight="bold")
        )
    # legend, top category first (as stacked)
    lx, ly0 = 580, top
    for i, c in enumerate(reversed(cats)):
        yy = ly0 + i * 22
        out.append(
            f'<rect x="{lx}" y="{coord(yy)}" width="14" height="14" rx="2" '
            f'fill="{_colour(c, cats)}"/>'
        )
        out.append(svg_text(lx + 22, yy + 12, category_name(c, lang), size=12.5))
    out.append("</svg>")
    return "\n".join(out)


def svg_waterfall(result: EstimateResult, lang: str = "ja") -> str:
    """Horizontal waterfall: lift-and-shift, minus each lever's saving, equals planned."""
    t = labels(lang)
    rate = result.jpy_per_usd
    base = result.baseline.monthly_usd
    planned = result.planned.monthly_usd
    steps: list[tuple[str, float, float, str]] = [(t["baseline"], 0.0, base, "total-b")]
    running = base
    for name, usd, _jpy, _expl in _lever_rows(result, lang):
        steps.append((name, running, running - usd, "step"))
        running -= usd
    steps.append((t["planned"], 0.0, planned, "total-p"))

    row_h, bar_h, top, size = 38, 22, 12, 12.5
    w = 760
    label_w = min(290.0, max(_text_px(s[0], size) for s in steps) + 14)
    value_w = 200.0
    x0, x1 = label_w + 8, w - value_w
    values = [v for s in steps for v in s[1:3]]
    lo, hi = min(0.0, *values), max(*values, 0.0)
    span = (hi - lo) or 1.0
    h = int(top + row_h * len(steps) + 12)

    def x(v: float) -> float:
        return x0 + (v - lo) / span * (x1 - x0)

    desc_parts = []
    out: list[str] = []
    for i, (name, start, end, kind) in enumerate(steps):
        yy = top + i * row_h
        cy = yy + bar_h / 2 + 4
        a, b = sorted((x(start), x(end)))
        if kind == "step":
            delta = start - end  # saving
            fill = _SAVE if delta >= 0 else _UP
            sign = "−" if delta >= 0 else "+"
            first, second = primary(abs(delta), rate, lang), _secondary(abs(delta), rate, lang)
            val = f"{sign}{first} ({sign}{second})"
            weight = "normal"
        else:
            fill = _BASELINE if kind == "total-b" else _PLANNED
            val = f"{primary(end, rate, lang)} ({_secondary(end, rate, lang)})"
            weight = "bold"
        desc_parts.append(f"{name}: {val}")
        shown = fit(name, size, label_w - 14)
        out.append(
            svg_text(
                label_w,
                cy,
                shown,
                size=size,
                anchor="end",
                weight="bold" if kind != "step" else "normal",
            )
        )
        out.append(
            f'<rect x="{coord(a)}" y="{coord(yy)}" width="{coord(max(b - a, 1.5))}" '
            f'height="{bar_h}" rx="2" fill="{fill}"><title>{esc(f"{name}: {val}")}</title></rect>'
        )
        out.append(
            svg_text(
                b + 6,
                cy,
                fit(val, 11.5, w - b - 8),
                size=11.5,
                fill=_INK if kind != "step" else fill,
                weight=weight,
            )
        )
        if i + 1 < len(steps):
            nxt = x(end)
            out.append(
                f'<line x1="{coord(nxt)}" y1="{coord(yy + bar_h)}" x2="{coord(nxt)}" '
                f'y2="{coord(yy + row_h)}" stroke="#9AA3B2" stroke-dasharray="3 3"/>'
            )
    zero = x(0.0)
    out.insert(
        0,
        f'<line x1="{coord(zero)}" y1="{top - 6}" x2="{coord(zero)}" y2="{coord(h - 8)}" '
        f'stroke="#9AA3B2" stroke-width="1"/>',
    )
    head = [
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-labelledby="chart-wf-title chart-wf-desc" aria-label="{esc(t["chart_wf_title"])}">',
        f'<title id="chart-wf-title">{esc(t["chart_wf_title"])}</title>',
        f'<desc id="chart-wf-desc">{esc("; ".join(desc_parts))}</desc>',
    ]
    return "\n".join([*head, *out, "</svg>"])


def table_html(
    headers: Sequence[str], rows: Sequence[str], num: Sequence[int] = (), cls: str = ""
) -> str:
    """``rows`` are ready-made ``<tr>`` elements; headers are escaped here."""
    ths = "".join(
        f'<th class="num" scope="col">{esc(h)}</th>'
        if i in num
        else f'<th scope="col">{esc(h)}</th>'
        for i, h in enumerate(headers)
    )
    c = f' class="{cls}"' if cls else ""
    return (
        f'<div class="scroll"><table{c}><thead><tr>{ths}</tr></thead>'
        f"<tbody>\n{chr(10).join(rows)}\n</tbody></table></div>"
    )


def summary_html(result: EstimateResult, lang: str) -> str:
    t = labels(lang)
    rate = result.jpy_per_usd
    pm = t["per_month"]

    def card(cls: str, title: str, usd: float, extra: str = "") -> str:
        return (
            f'<div class="card {cls}"><h3>{esc(title)}</h3>'
            f'<p class="big">{esc(primary(usd, rate, lang))}<small>{esc(pm)}</small></p>'
            f'<p class="line">{esc(t["per_year"])} {esc(primary(usd * 12, rate, lang))}</p>'
            f'<p class="usd">{esc(_secondary(usd, rate, lang))}{esc(pm)} · '
            f"{esc(_secondary(usd * 12, rate, lang))} ({esc(t['per_year'])})</p>{extra}</div>"
        )

    p = percent_lower(result)
    saving = result.saving_usd
    if p is None:
        pct_html = ""
    else:
        word = t["reduction"] if p >= 0 else ""
        shown = f"{fmt_pct(p)}% {word}".strip() if p >= 0 else f"+{fmt_pct(-p)}%"
        pct_html = f'<p class="big pct">{esc(shown)}</p>'
    saving_card = (
        f'<div class="card saving{" up" if saving < 0 else ""}"><h3>{esc(t["saving"])}</h3>'
        f"{pct_html}"
        f'<p class="line">{esc(primary(saving, rate, lang))}{esc(pm)} · {esc(t["per_year"])} '
        f"{esc(primary(saving * 12, rate, lang))}</p>"
        f'<p class="usd">{esc(_secondary(saving, rate, lang))}{esc(pm)} · '
        f"{esc(_secondary(saving * 12, rate, lang))} ({esc(t['per_year'])})</p></div>"
    )
    parts = [
        '<section class="summary" aria-labelledby="sec-summary">',
        f'<h2 id="sec-summary">{esc(t["summary"])}</h2>',
        '<div class="cards">',
        *(
            [
                card("baseline", t["baseline_long"], result.baseline.monthly_usd),
                card("planned", t["planned"], result.planned.monthly_usd),
                saving_card,
            ]
            if result.has_baseline
            else [card("planned", t["planned_program"], result.planned.monthly_usd)]
        ),
        "</div>",
    ]
    if p is not None:
        ok = p >= TARGET_PERCENT_LOWER
        sentence = (
            _ratio_phrase(result, lang) + ("。" if lang == "ja" else ". ") + _verdict(result, lang)
        )
        parts.append(f'<p class="verdict {"ok" if ok else "short"}">{esc(sentence)}</p>')
        fill = min(max(p, 0.0), 100.0)
        parts.append(
            f'<div class="gauge" role="img" aria-label="{esc(_ratio_phrase(result, lang))}">'
            f'<div class="track"><div class="fill" style="width:{coord(fill)}%"></div>'
            f'<span class="mark" style="left:{coord(TARGET_PERCENT_LOWER)}%">'
            f"<span>{esc(t['gauge_target'])}</span></span>"
            f'<span class="mark" style="left:{coord(NATIONAL_INFRA_PERCENT_LOWER)}%">'
            f"<span>{esc(t['gauge_national'])}</span></span></div></div>"
        )
        parts.append(f'<p class="note">{esc(t["target_note"])}</p>')
        if result.baseline_range is not None:
            parts.append(f'<p class="note">{esc(range_text(result, lang))}</p>')
    else:
        parts.append(f'<p class="verdict short">{esc(t["no_baseline"])}</p>')
    missing = _missing(result)
    if missing:
        warn = esc(t["missing_warn"].format(n=len(missing)))
        parts.append(f'<p class="warn"><strong>⚠ {warn}</strong></p>')
    parts.append("</section>")
    return "\n".join(parts)


def category_html(result: EstimateResult, lang: str) -> str:
    t = labels(lang)
    rate = result.jpy_per_usd
    cats = _categories(result)
    planned, baseline = result.planned.by_category(), result.baseline.by_category()
    rows = []
    for c in cats:
        b, p = baseline.get(c, 0.0), planned.get(c, 0.0)
        rows.append(
            f'<tr><td><span class="swatch" style="background:{_colour(c, cats)}"></span>'
            f"{esc(category_name(c, lang))}</td>"
            f"{money_td(b, rate, lang)}{money_td(p, rate, lang)}"
            f"{money_td(p - b, rate, lang, change=True)}</tr>"
        )
    b, p = result.baseline.monthly_usd, result.planned.monthly_usd
    rows.append(
        f'<tr class="total"><td>{esc(t["total"])}</td>'
        f"{money_td(b, rate, lang)}{money_td(p, rate, lang)}"
        f"{money_td(p - b, rate, lang, change=True)}</tr>"
    )
    diff = "差額" if lang == "ja" else "Change"
    return table_html([t["category"], t["baseline"], t["planned"], diff], rows, num=(1, 2, 3))


def levers_html(result: EstimateResult, lang: str) -> str:
    t = labels(lang)
    rate = result.jpy_per_usd
    base = result.baseline.monthly_usd
    rows = []
    named = {lever_name(s.lever, lang): s.lever for s in result.levers}
    for name, usd, jpy, expl in _lever_rows(result, lang):
        sub = ""
        if lang == "en" and name in named:
            sub = f'<span class="ja" lang="ja">{esc(lever_name(named[name], "ja"))}</span>'
        pct = f"{fmt_pct(usd / base * 100)}%" if base else "—"
        rows.append(
            f"<tr><td>{esc(name)}{sub}</td>{money_td(usd, rate, lang, jpy=jpy)}"
            f'<td class="num">{esc(pct)}</td><td>{esc(expl)}</td></tr>'
        )
    if not rows:
        return f'<p class="note">{esc(t["no_levers"])}</p>'
    saving = result.saving_usd
    pct = f"{fmt_pct(saving / base * 100)}%" if base else "—"
    rows.append(
        f'<tr class="total"><td>{esc(t["levers_total"])}</td>'
        f"{money_td(saving, rate, lang, jpy=yen_of(result).saving)}"
        f'<td class="num">{esc(pct)}</td><td></td></tr>'
    )
    return table_html(
        [t["lever"], t["saving_month"], t["pct_baseline"], t["explanation"]], rows, num=(1, 2)
    )


def shares_html(result: EstimateResult, lang: str) -> str:
    t = labels(lang)
    rate = result.jpy_per_usd
    if not result.shares:
        return f'<p class="note">{esc(t["no_shares"])}</p>'
    ys = yen_of(result).shares
    rows = [
        f"<tr><td>{esc(sh.code)}</td><td>{esc(sh.name)}</td>"
        f'<td class="num">{esc(fmt_number(sh.population))}</td>'
        f"{money_td(sh.equal_usd, rate, lang, jpy=ys['equal'][i])}"
        f"{money_td(sh.population_usd, rate, lang, jpy=ys['population'][i])}"
        f"{money_td(sh.usage_usd, rate, lang, jpy=ys['usage'][i])}</tr>"
        for i, sh in enumerate(result.shares)
    ]
    s = result.shares
    rows.append(
        f'<tr class="total"><td colspan="2">{esc(t["total"])}</td>'
        f'<td class="num">{esc(fmt_number(sum(x.population for x in s)))}</td>'
        + "".join(
            money_td(sum(getattr(x, f"{m}_usd") for x in s), rate, lang, jpy=sum(ys[m]))
            for m in ("equal", "population", "usage")
        )
        + "</tr>"
    )
    return (
        table_html(
            [t["code"], t["name"], t["population"], t["equal"], t["by_population"], t["by_usage"]],
            rows,
            num=(2, 3, 4, 5),
        )
        + f'\n<p class="note">{esc(t["shares_note"])}</p>'
    )


def _lines_html(est: Estimate, result: EstimateResult, lang: str) -> str:
    t = labels(lang)
    rate = result.jpy_per_usd
    lines = _sorted_lines(est)
    if not lines:
        return '<p class="note">—</p>'
    tenants = any(li.tenant != "shared" for li in lines)
    rows = []
    for li in lines:
        tenant = f"<td>{esc(li.tenant)}</td>" if tenants else ""
        rows.append(
            f'<tr><td>{esc(li.resource)}<span class="type">{esc(short_type(li.resource_type))}'
            f"</span></td><td>{esc(li.description)}</td>{tenant}"
            f'<td class="num">{esc(fmt_number(li.quantity))} {esc(li.unit)}</td>'
            f'<td class="num">{esc(fmt_unit_price(li.unit_price_usd))}'
            f'<span class="sec">/ {esc(li.unit)}</span></td>'
            f"{money_td(li.monthly_usd, rate, lang)}</tr>"
        )
    total = est.monthly_usd
    span = 5 if tenants else 4
    rows.append(
        f'<tr class="total"><td colspan="{span}">{esc(t["total"])}</td>'
        f"{money_td(total, rate, lang)}</tr>"
    )
    headers = [t["resource"], t["what"]]
    if tenants:
        headers.append(t["tenant"])
    headers += [t["quantity"], t["unit_price"], t["monthly"]]
    n = len(headers)
    return table_html(headers, rows, num=(n - 3, n - 2, n - 1))


def _missing_html(result: EstimateResult, lang: str) -> str:
    t = labels(lang)
    which = {"planned": t["planned"], "baseline": t["baseline"]}
    rows = [
        f"<tr><td>{esc(which[w])}</td><td>{esc(m.resource)}"
        f'<span class="type">{esc(short_type(m.resource_type))}</span></td>'
        f"<td><code>{esc(m.price_key)}</code></td><td>{esc(m.region)}</td><td>{esc(m.reason)}</td></tr>"
        for w, m in _missing(result)
    ]
    return table_html(
        [t["estimate"], t["resource"], t["price_key"], t["region"], t["reason"]],
        rows,
        cls="missing",
    )


def html(result: EstimateResult, lang: str = "ja") -> str:
    """One self-contained HTML page (inline CSS and SVG; no scripts, fonts or links)."""
    t = labels(lang)
    title, intro = _header(result, lang)
    sec: list[str] = []

    def section(key: str, heading: str, body: str, cls: str = "") -> None:
        c = f' class="{cls}"' if cls else ""
        sec.append(
            f'<section{c} aria-labelledby="sec-{key}">\n<h2 id="sec-{key}">{esc(heading)}</h2>\n'
            f"{body}\n</section>"
        )

    sec.append(summary_html(result, lang))
    section(
        "compare",
        t["sec_category"],
        f"<figure>{svg_before_after(result, lang)}<figcaption>{esc(t['chart_ba_title'])}"
        f"</figcaption></figure>\n{category_html(result, lang)}",
    )
    section(
        "levers",
        t["sec_levers"],
        f"<figure>{svg_waterfall(result, lang)}<figcaption>{esc(t['chart_wf_title'])}"
        f"</figcaption></figure>\n{levers_html(result, lang)}",
    )
    section("shares", t["sec_shares"], shares_html(result, lang))
    if _missing(result):
        section(
            "missing",
            "⚠ " + t["sec_missing"],
            f'<p class="warn">{esc(t["missing_intro"].format(n=len(_missing(result))))}</p>\n'
            + _missing_html(result, lang),
        )
    section("lines", t["sec_lines"], _lines_html(result.planned, result, lang))
    section("baseline-lines", t["sec_baseline_lines"], _lines_html(result.baseline, result, lang))
    rows = [
        f"<tr><td>{esc(k)}</td><td>{esc(v)}</td><td>{esc(s)}</td></tr>"
        for k, v, s in _assumption_rows(result)
    ]
    section(
        "assumptions",
        t["sec_assumptions"],
        table_html([t["item"], t["value"], t["source"]], rows)
        if rows
        else f'<p class="note">{esc(t["no_assumptions"])}</p>',
    )
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in _sources_lines(result, lang))
    section("sources", t["sec_sources"], f'<dl class="sources">{dl}</dl>')

    head = (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="gcmod {esc(__version__)}">\n'
        f"<title>{esc(title)}</title>\n<style>{REPORT_CSS}</style>\n</head>\n<body>\n<main>\n"
        '<header class="doc">'
        f'<p class="kicker">{esc("ガバメントクラウド" if lang == "ja" else "Government Cloud")}</p>'
        f"<h1>{esc(title)}</h1>"
        + "".join(f'<p class="meta">{esc(line)}</p>' for line in intro)
        + "</header>\n"
    )
    foot = f"<footer><p>{esc(t['footer'].format(version=__version__))}</p></footer>\n"
    return head + "\n".join(sec) + "\n" + foot + "</main>\n</body>\n</html>\n"


def write_html(result: EstimateResult, path: str | Path, lang: str = "ja") -> Path:
    """Write :func:`html` to ``path`` (UTF-8); return the path."""
    out = Path(path)
    from gcmod.safewrite import write_file

    write_file(out, html(result, lang))
    return out
