"""The figures of an estimate as a reader sees them: money in both currencies,
quantities, percentages, and the few figures derived from a result.

Money: every figure is USD per month (730 hours) unless it says otherwise. Yen
are converted once per total and split among the parts so that they add up
(:mod:`gcmod.cost.yen`); an annual yen figure is 12 × the monthly yen.
"% lower" is ``(1 - planned / baseline) × 100``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from gcmod.cost.arithmetic import HOURS_PER_MONTH as ARITHMETIC_HOURS
from gcmod.cost.model import CATEGORY_NAMES, LEVER_NAMES, LEVER_ORDER, EstimateResult
from gcmod.cost.yen import ResultYen, result_yen, to_jpy

#: 730, as a whole number for the reports and the JSON (``hoursPerMonth``).
HOURS_PER_MONTH = int(ARITHMETIC_HOURS)
#: 地方公共団体情報システム標準化基本方針 (閣議決定): 運用経費等「少なくとも3割削減を目指す」.
TARGET_PERCENT_LOWER = 30.0
#: National systems that modernised first, FY2024 budget basis: 基盤経費 16,877 -> 5,949 M yen.
NATIONAL_INFRA_PERCENT_LOWER = 65.0
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

__all__ = ["to_jpy"]


def fmt_usd(usd: float) -> str:
    """``$1,234.56``; ``-$1.00``; never ``-$0.00``."""
    sign = "-" if round(usd, 2) < 0 else ""
    return f"{sign}${abs(usd):,.2f}"


def fmt_jpy(yen: int, lang: str = "en") -> str:
    """``¥12,345`` (en) or ``12,345円`` (ja)."""
    sign = "-" if yen < 0 else ""
    return f"{sign}{abs(yen):,}円" if lang == "ja" else f"{sign}¥{abs(yen):,}"


@dataclass(frozen=True)
class Money:
    """An amount in both currencies (the yen split from its total), read in ``lang``."""

    usd: float
    jpy: int
    lang: str

    @property
    def usd_text(self) -> str:
        return fmt_usd(self.usd)

    @property
    def jpy_text(self) -> str:
        return fmt_jpy(self.jpy, self.lang)

    @property
    def first(self) -> str:
        """The reader's currency: yen in Japanese, dollars in English."""
        return self.jpy_text if self.lang == "ja" else self.usd_text

    @property
    def second(self) -> str:
        return self.usd_text if self.lang == "ja" else self.jpy_text

    @property
    def both(self) -> str:
        return f"{self.first} ({self.second})"

    def times(self, n: int) -> Money:
        return Money(self.usd * n, self.jpy * n, self.lang)

    def minus(self, other: Money) -> Money:
        return Money(self.usd - other.usd, self.jpy - other.jpy, self.lang)


def fmt_money(usd: float, rate: float, lang: str, jpy: int | None = None) -> str:
    """Both currencies, the reader's first: ``12,345円 ($82.30)`` / ``$82.30 (¥12,345)``.
    ``jpy``: the yen already split from a total (:mod:`gcmod.cost.yen`)."""
    yen = fmt_jpy(to_jpy(usd, rate) if jpy is None else jpy, lang)
    return f"{yen} ({fmt_usd(usd)})" if lang == "ja" else f"{fmt_usd(usd)} ({yen})"


def primary(usd: float, rate: float, lang: str, jpy: int | None = None) -> str:
    """The reader's currency only: yen in Japanese, dollars in English."""
    yen = to_jpy(usd, rate) if jpy is None else jpy
    return fmt_jpy(yen, lang) if lang == "ja" else fmt_usd(usd)


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


def fmt_pct(p: float) -> str:
    p = round(p, 1) + 0.0
    return f"{p:.0f}" if p == int(p) else f"{p:.1f}"


def pct_of(planned: float, baseline: float) -> float | None:
    """% lower of ``planned`` against ``baseline`` (None without a baseline)."""
    return round((1 - planned / baseline) * 100, 1) + 0.0 if baseline else None


def percent_lower(result: EstimateResult) -> float | None:
    """``(1 - planned / baseline) × 100``, rounded to 0.1; None without a baseline."""
    ratio = result.ratio
    if not math.isfinite(ratio):
        return None
    return round((1.0 - ratio) * 100.0, 1) + 0.0  # + 0.0: no "-0.0"


def meets_target(result: EstimateResult) -> bool | None:
    p = percent_lower(result)
    return None if p is None else p >= TARGET_PERCENT_LOWER


def category_name(category: str, lang: str) -> str:
    ja, en = CATEGORY_NAMES.get(category, (category, category))
    return ja if lang == "ja" else en


def lever_name(lever: str, lang: str) -> str:
    ja, en = LEVER_NAMES.get(lever, (lever, lever))
    return ja if lang == "ja" else en


def categories_of(result: EstimateResult) -> list[str]:
    """Every category either estimate uses, in CATEGORY_ORDER (unknown ones last)."""
    used = set(result.planned.by_category()) | set(result.baseline.by_category())
    known = [c for c in CATEGORY_ORDER if c in used]
    return known + sorted(used - set(CATEGORY_ORDER))


def ordered_levers(result: EstimateResult) -> list[Any]:
    """The result's lever savings in LEVER_ORDER (unknown levers last)."""
    rank = {lever: i for i, lever in enumerate(LEVER_ORDER)}
    return sorted(result.levers, key=lambda s: rank.get(s.lever, len(rank)))


def unattributed_usd(result: EstimateResult) -> float:
    """The part of the saving no lever accounts for (0 when the levers add up or
    there is no baseline to save against)."""
    if not result.has_baseline:
        return 0.0
    rest = result.saving_usd - sum(s.monthly_usd for s in result.levers)
    return 0.0 if abs(rest) < _EPS else rest


def yen_of(result: EstimateResult) -> ResultYen:
    """Every yen figure of ``result``, converted once and split so each set adds up."""
    return result_yen(result, unattributed_usd(result))
