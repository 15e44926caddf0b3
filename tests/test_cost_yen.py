"""Yen add up exactly: one conversion per total, parts by the largest remainder."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from gcmod.cost import report
from gcmod.cost.model import Estimate, EstimateResult, LeverSaving, LineItem, TenantShare
from gcmod.cost.yen import largest_remainder, result_yen, to_jpy

money = st.floats(min_value=0, max_value=50_000, allow_nan=False, allow_infinity=False)
signed = st.floats(min_value=-5_000, max_value=50_000, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=80, max_value=200, allow_nan=False)
CATS = ["compute", "database", "storage", "backup", "logs", "network"]


@given(st.lists(signed, min_size=1, max_size=30), rates)
def test_largest_remainder_sums_and_stays_within_a_yen(parts: list[float], rate: float) -> None:
    exact = [p * rate for p in parts]
    total = to_jpy(math.fsum(parts), rate)
    got = largest_remainder(exact, total)
    assert sum(got) == total
    # Each part is its floor or the next yen (the total is the rounded sum).
    for g, e in zip(got, exact, strict=True):
        assert math.floor(e) - 1 <= g <= math.floor(e) + 1


def test_the_issue_case_three_equal_shares() -> None:
    # ¥91,808 among three equal tenants: 30,603 + 30,603 + 30,602, not 3 × 30,603.
    got = largest_remainder([91_808 / 3] * 3, 91_808)
    assert sorted(got) == [30_602, 30_603, 30_603] and sum(got) == 91_808


def _line(i: int, usd: float, cat: str) -> LineItem:
    return LineItem(f"r{i}", "t", cat, "d", 1.0, "u", usd, usd, "k", "ap-northeast-1")  # type: ignore[arg-type]


lines_st = st.lists(st.tuples(money, st.sampled_from(CATS)), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(lines_st, lines_st, st.lists(signed, min_size=1, max_size=7), rates,
       st.lists(st.floats(0.01, 1.0), min_size=1, max_size=6))  # fmt: skip
def test_every_yen_set_adds_up(planned, baseline, lever_usd, rate, weights) -> None:
    p = Estimate("planned", [_line(i, u, c) for i, (u, c) in enumerate(planned)])
    b = Estimate("baseline", [_line(i, u, c) for i, (u, c) in enumerate(baseline)])
    total = p.monthly_usd
    w = sum(weights)
    shares = [
        TenantShare(f"{i:06d}", f"t{i}", 1000, total / len(weights), total * x / w, total * x / w)
        for i, x in enumerate(weights)
    ]
    levers = [LeverSaving("sizing", u, "x") for u in lever_usd[:1]] + [
        LeverSaving("dr", u, "x") for u in lever_usd[1:2]
    ]
    res = EstimateResult("s", "ap-northeast-1", p, b, levers, shares, rate, "test")
    y = result_yen(res, report.unattributed_usd(res))
    assert y.planned.total == to_jpy(total, rate)
    assert sum(y.planned.lines) == y.planned.total
    assert sum(y.planned.categories.values()) == y.planned.total
    assert sum(y.baseline.lines) == y.baseline.total
    assert sum(y.baseline.categories.values()) == y.baseline.total
    assert y.saving == y.baseline.total - y.planned.total
    assert sum(y.levers.values()) + y.unattributed == y.saving
    for method in ("equal", "population", "usage"):
        assert sum(y.shares[method]) == y.planned.total
    doc = report.to_json(res)
    assert sum(li["monthlyJpy"] for li in doc["planned"]["lines"]) == doc["planned"]["monthlyJpy"]
    assert (
        sum(c["monthlyJpy"] for c in doc["planned"]["byCategory"]) == doc["planned"]["monthlyJpy"]
    )
    assert sum(sh["usageJpy"] for sh in doc["shares"]) == doc["planned"]["monthlyJpy"]
    assert (
        sum(lv["monthlyJpy"] for lv in doc["levers"]) + doc["unattributedJpy"]
        == doc["saving"]["monthlyJpy"]
    )
    assert doc["saving"]["annualJpy"] == 12 * doc["saving"]["monthlyJpy"]


def test_no_unattributed_figure_without_a_baseline() -> None:
    p = Estimate("planned", [_line(0, 1338.42, "compute")])
    res = EstimateResult("prog", "ap-northeast-1", p, Estimate("none"), [], [], 150.0, "t")
    doc = report.to_json(res)
    assert "unattributedUsd" not in doc and "unattributedJpy" not in doc
    assert report.unattributed_usd(res) == 0.0
    assert "not attributed" not in report.table(res, "en")
