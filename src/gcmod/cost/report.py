"""Render an :class:`~gcmod.cost.model.EstimateResult`: text table, JSON, Markdown, HTML.

Pure functions from a result to text; the only I/O is :func:`write_html`. The
text, Markdown and HTML reports read one view model
(:mod:`gcmod.cost.estimate_view`, computed once per language):

* :func:`table` - plain text for a terminal (``gcmod estimate``), width-aware for
  Japanese (:mod:`gcmod.cost.estimate_text`).
* :func:`markdown` - the same sections as Markdown tables (a vendor's proposal, a
  pull-request comment).
* :func:`html` / :func:`write_html` - one self-contained HTML page for a municipal
  official (:mod:`gcmod.cost.estimate_html`, the report layer's templates):
  inline CSS, two inline SVG charts, no scripts, fonts, images or links to
  load; prints on A4.
* :func:`to_json` - everything, machine-readable, in English (the Japanese of
  descriptions and sources reaches the reports only).

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
shows it when ``assumptions`` has one of
:data:`~gcmod.cost.estimate_view.CATALOGUE_KEYS`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gcmod.cost import estimate_html, estimate_text, estimate_view
from gcmod.cost.estimate_words import labels
from gcmod.cost.figures import (
    HOURS_PER_MONTH,
    NATIONAL_INFRA_PERCENT_LOWER,
    TARGET_PERCENT_LOWER,
    category_name,
    fmt_jpy,
    fmt_money,
    fmt_number,
    fmt_pct,
    fmt_rate,
    fmt_unit_price,
    fmt_usd,
    lever_name,
    meets_target,
    ordered_levers,
    pct_of,
    percent_lower,
    primary,
    to_jpy,
    unattributed_usd,
    yen_of,
)
from gcmod.cost.model import Estimate, EstimateResult
from gcmod.cost.yen import estimate_yen

__all__ = [
    "HOURS_PER_MONTH",
    "NATIONAL_INFRA_PERCENT_LOWER",
    "ROUNDING",
    "SCHEMA",
    "TARGET_PERCENT_LOWER",
    "TARGET_SOURCE",
    "category_name",
    "fmt_jpy",
    "fmt_money",
    "fmt_number",
    "fmt_pct",
    "fmt_rate",
    "fmt_unit_price",
    "fmt_usd",
    "html",
    "labels",
    "lever_name",
    "markdown",
    "meets_target",
    "percent_lower",
    "primary",
    "table",
    "to_jpy",
    "to_json",
    "unattributed_usd",
    "write_html",
    "yen_of",
]

SCHEMA = "gcmod.estimate/1"
#: How yen are rounded (:mod:`gcmod.cost.yen`).
ROUNDING = "each total half-up to 1 yen once; its parts by the largest remainder, so they add up"
TARGET_SOURCE = (
    "総務省 大臣官房 デジタル統括アドバイザー 三木浩平「自治体システム標準化後の運用経費高騰問題」"
    "(2025-10-09): target from 地方公共団体情報システム標準化基本方針; national systems "
    "FY2024 infrastructure 16,877 -> 5,949 M yen (-65%)"
)


def table(result: EstimateResult, lang: str = "en") -> str:
    """Plain-text report for a terminal; Japanese or English labels throughout."""
    return estimate_text.table(estimate_view.build(result, lang))


def markdown(result: EstimateResult, lang: str = "en") -> str:
    """The text report as Markdown (a proposal, a pull-request comment)."""
    return estimate_text.markdown(estimate_view.build(result, lang))


def html(result: EstimateResult, lang: str = "ja") -> str:
    """One self-contained HTML page (inline CSS and SVG; no scripts, fonts or links)."""
    return estimate_html.html(estimate_view.build(result, lang))


def write_html(result: EstimateResult, path: str | Path, lang: str = "ja") -> Path:
    """Write :func:`html` to ``path`` (UTF-8); return the path."""
    from gcmod.safewrite import write_file

    out = Path(path)
    write_file(out, html(result, lang))
    return out


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
            for s in ordered_levers(result)
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
            "low": pct_of(planned, low),
            "high": pct_of(planned, high),
            "headline": "low",
        }
    return doc
