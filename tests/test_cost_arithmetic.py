"""Property tests of the cost arithmetic (pure functions, no prices)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gcmod.cost import arithmetic as ar

money = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)
hours = st.floats(min_value=0, max_value=2000, allow_nan=False, allow_infinity=False)
gb = st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False)
days = st.floats(min_value=0, max_value=4000, allow_nan=False, allow_infinity=False)
share = st.floats(min_value=0, max_value=1, allow_nan=False)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def test_month_is_730_hours() -> None:
    assert ar.HOURS_PER_MONTH == 730
    assert ar.monthly_hours(None) == 730
    assert close(ar.DAYS_PER_MONTH * 24, 730)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_scheduled_hours_never_exceed_a_month(h: float) -> None:
    got = ar.monthly_hours(h)
    assert 0 <= got <= ar.HOURS_PER_MONTH
    if 0 <= h <= 730:
        assert got == h


def test_nan_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        ar.monthly_hours(float("nan"))


@given(money, hours, st.integers(min_value=0, max_value=1000))
def test_hourly_cost_is_linear_in_count(price: float, h: float, n: int) -> None:
    assert close(ar.hourly_cost(price, h, n), n * ar.hourly_cost(price, h, 1))


@given(money, hours, hours)
def test_hourly_cost_is_monotonic_in_hours(price: float, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert ar.hourly_cost(price, lo) <= ar.hourly_cost(price, hi)


@given(money, hours)
def test_scheduled_cost_never_exceeds_24_7(price: float, h: float) -> None:
    assert ar.hourly_cost(price, ar.monthly_hours(h)) <= ar.hourly_cost(
        price, ar.monthly_hours(None)
    )


@given(money, gb, gb)
def test_gb_month_is_additive(price: float, a: float, b: float) -> None:
    assert close(ar.gb_month(price, a + b), ar.gb_month(price, a) + ar.gb_month(price, b))


@given(gb, days, days)
def test_retained_storage_is_monotonic_in_retention(x: float, r1: float, r2: float) -> None:
    lo, hi = sorted((r1, r2))
    assert ar.retained_gb(x, lo) <= ar.retained_gb(x, hi)


@given(gb, gb, days)
def test_retained_storage_is_linear_in_volume(a: float, b: float, r: float) -> None:
    assert close(ar.retained_gb(a + b, r), ar.retained_gb(a, r) + ar.retained_gb(b, r))
    assert close(ar.retained_gb(a + b, None), ar.retained_gb(a, None) + ar.retained_gb(b, None))


@given(gb, days)
def test_steady_state_is_daily_volume_times_retention(x: float, r: float) -> None:
    assert close(ar.retained_gb(x, r), x * r)


def test_never_expiring_is_the_five_year_average() -> None:
    # 1 GB a day for five years, starting empty: on average 2.5 years' worth.
    assert ar.HORIZON_MONTHS == 60
    assert close(ar.retained_gb(1.0, None), 60 * ar.DAYS_PER_MONTH / 2)
    # ... which is more than any retention up to half the horizon keeps.
    assert ar.retained_gb(1.0, None) >= ar.retained_gb(1.0, ar.HORIZON_DAYS / 2)


def test_negative_volumes_are_refused() -> None:
    with pytest.raises(ValueError):
        ar.retained_gb(-1, 30)
    with pytest.raises(ValueError):
        ar.backup_stored_gb(-1, 0.1, 30)


@given(gb, share, st.integers(min_value=1, max_value=3650))
def test_incremental_backups_never_exceed_full_copies(full: float, change: float, r: int) -> None:
    inc = ar.backup_stored_gb(full, change, r)
    full_copies = ar.backup_stored_gb(full, change, r, incremental=False)
    # equal at a 100% change rate, up to float rounding (relative, not absolute)
    assert inc <= full_copies * (1 + 1e-12) + 1e-9
    assert inc >= full * (1 - 1e-12) - 1e-9  # at least one full copy


@given(
    gb, share, st.integers(min_value=1, max_value=3650), st.integers(min_value=1, max_value=3650)
)
def test_backups_grow_with_retention(full: float, change: float, r1: int, r2: int) -> None:
    lo, hi = sorted((r1, r2))
    assert ar.backup_stored_gb(full, change, lo) <= (
        ar.backup_stored_gb(full, change, hi) * (1 + 1e-12) + 1e-9
    )


def test_backup_formula() -> None:
    # One full copy plus 34 increments of 2 %.
    assert close(ar.backup_stored_gb(60, 0.02, 35), 60 + 60 * 0.02 * 34)
    assert close(ar.backup_stored_gb(60, 0.02, 35, incremental=False), 60 * 35)
    assert ar.backup_stored_gb(60, 0.02, 0) == 0
    assert close(
        ar.backup_stored_gb(10, 0.0, None, incremental=False), 10 * ar.never_expire_points()
    )


@given(
    st.floats(min_value=0, max_value=128, allow_nan=False),
    st.floats(min_value=0, max_value=128, allow_nan=False),
    share,
    share,
)
def test_average_acu_stays_in_range_and_grows(lo: float, span: float, u1: float, u2: float) -> None:
    hi = lo + span
    a, b = sorted((u1, u2))
    assert lo - 1e-9 <= ar.average_acu(lo, hi, a) <= ar.average_acu(lo, hi, b) <= hi + 1e-9


def test_average_acu_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        ar.average_acu(1, 2, 1.5)
    with pytest.raises(ValueError):
        ar.average_acu(4, 2, 0.1)


def test_kms_rotation_key_months() -> None:
    assert ar.rotated_key_months(None) == 1
    assert close(ar.rotated_key_months(365), 2.4)  # (1 + 2 + 3 + 3 + 3) / 5


@given(st.floats(min_value=1, max_value=3650, allow_nan=False))
def test_kms_key_months_between_one_and_three(period: float) -> None:
    assert 1 <= ar.rotated_key_months(period) <= 3


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=30),
)
def test_prorate_parts_sum_to_the_total(total: float, weights: list[float]) -> None:
    parts = ar.prorate(total, weights)
    assert len(parts) == len(weights)
    assert math.isclose(math.fsum(parts), total, rel_tol=1e-12, abs_tol=1e-6)


def test_prorate_is_proportional() -> None:
    assert ar.prorate(100, [1, 3]) == [25, 75]
    assert ar.prorate(90, [0, 0, 0]) == [30, 30, 30]
    assert ar.prorate(5, []) == []


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_round_money_is_within_half_a_cent_and_idempotent(x: float) -> None:
    r = ar.round_money(x)
    assert abs(r - x) <= 0.005 + 1e-6
    assert ar.round_money(r) == r


def test_round_money_rounds_half_up() -> None:
    assert ar.round_money(0.125) == 0.13
    assert ar.round_money(2.675) == 2.68  # float 2.675 is shown as 2.675
    assert ar.round_money(-0.125) == -0.13
    assert ar.round_money(1234.5678, 0) == 1235
