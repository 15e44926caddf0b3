"""Yen that add up: convert each total once, then split it by the largest remainder.

An estimate is computed in USD; the yen a reader sees must add up exactly in
yen (DESIGN.md: "Totals shown add up exactly in the currency shown"). Rounding
each line, category, lever or tenant share on its own does not: three shares
of ¥30,603 make ¥91,809 against a total of ¥91,808. So:

1. each **total** is converted once: ``round_half_up(total_usd × rate)``;
2. the parts of that total (the lines of an estimate, the tenants' shares of
   one method, the levers and the unattributed rest of the saving) get the
   yen of the **largest-remainder method** (Hamilton's method): every part
   gets the floor of its exact yen, and the yen still missing to the total go,
   one each, to the parts with the largest fractional remainders;
3. categories are the sums of their lines' yen, the saving is baseline yen −
   planned yen, and the annual figures are 12 × the monthly yen.

Each part differs from its own rounding by less than one yen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from gcmod.cost.model import Estimate, EstimateResult


def to_jpy(usd: float, rate: float) -> int:
    """``usd × rate`` rounded half-up to the yen (the one conversion of a total)."""
    value = Decimal(repr(float(usd))) * Decimal(repr(float(rate)))
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def largest_remainder(parts: Sequence[float], total: int) -> list[int]:
    """Integers, each within one of ``parts[i]``'s floor, that sum to ``total``.

    ``parts`` are exact yen (any sign); ``total`` is normally their rounded sum.
    The integers missing after flooring go to the largest remainders (ties: the
    earlier part); an excess is taken from the smallest.
    """
    if not parts:
        if total != 0:
            raise ValueError("cannot split a non-zero total into no parts")
        return []
    floors = [math.floor(p) for p in parts]
    rest = total - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: (-(parts[i] - floors[i]), i))
    out = list(floors)
    n = len(parts)
    if rest >= 0:
        for k in range(rest):
            out[order[k % n]] += 1
    else:
        for k in range(-rest):
            out[order[n - 1 - (k % n)]] -= 1
    return out


@dataclass
class EstimateYen:
    """The yen of one estimate: total, each line (``Estimate.lines`` order), each category."""

    total: int
    lines: list[int]
    categories: dict[str, int]

    @property
    def annual(self) -> int:
        return self.total * 12


def estimate_yen(est: Estimate, rate: float) -> EstimateYen:
    total = to_jpy(est.monthly_usd, rate)
    lines = largest_remainder([li.monthly_usd * rate for li in est.lines], total)
    cats: dict[str, int] = {}
    for li, y in zip(est.lines, lines, strict=True):
        cats[li.category] = cats.get(li.category, 0) + y
    return EstimateYen(total, lines, cats)


@dataclass
class ResultYen:
    """Every yen figure of a result, each set summing exactly to its total."""

    planned: EstimateYen
    baseline: EstimateYen
    saving: int
    levers: dict[str, int] = field(default_factory=dict)
    """Lever -> yen of its saving."""
    unattributed: int = 0
    shares: dict[str, list[int]] = field(default_factory=dict)
    """Method (``equal``, ``population``, ``usage``) -> yen per tenant, in ``shares`` order."""


def result_yen(result: EstimateResult, unattributed_usd: float = 0.0) -> ResultYen:
    """Convert ``result`` once (see the module docstring)."""
    rate = result.jpy_per_usd
    planned = estimate_yen(result.planned, rate)
    baseline = estimate_yen(result.baseline, rate)
    saving = baseline.total - planned.total if result.has_baseline else 0
    levers: dict[str, int] = {}
    unattributed = 0
    if result.has_baseline:
        parts = [s.monthly_usd * rate for s in result.levers] + [unattributed_usd * rate]
        split = largest_remainder(parts, saving)
        levers = {s.lever: y for s, y in zip(result.levers, split, strict=False)}
        unattributed = split[-1]
    shares: dict[str, list[int]] = {}
    if result.shares:
        for method in ("equal", "population", "usage"):
            vals = [getattr(sh, f"{method}_usd") * rate for sh in result.shares]
            shares[method] = largest_remainder(vals, planned.total)
    return ResultYen(planned, baseline, saving, levers, unattributed, shares)
