"""Cron expressions of other people's schedules, and the hours between a start and
the next stop (gcmod.cronhours)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gcmod.cronhours import (
    CronUnsupported,
    Trigger,
    firings,
    monthly_hours,
    parse,
    running_hours,
    window,
    zone,
)

DEC = dt.date(2026, 12, 1)
JST = "Asia/Tokyo"


def weekdays(first: dt.date, months: int = 12) -> int:
    begin, end = window(first, months)
    d, n = begin.date(), 0
    while d < end.date():
        n += d.isoweekday() <= 5
        d += dt.timedelta(days=1)
    return n


def test_eventbridge_weekday_office_hours() -> None:
    tr = [Trigger("start", "cron(0 7 ? * MON-FRI *)", JST),
          Trigger("stop", "cron(0 21 ? * MON-FRI *)", JST)]  # fmt: skip
    assert monthly_hours(tr, DEC) == pytest.approx(14 * weekdays(DEC) / 12)


def test_unix_cron_of_auto_scaling_counts_sunday_as_0_and_7() -> None:
    a = [Trigger("start", "0 8 * * 1-5", JST), Trigger("stop", "0 20 * * 1-5", JST)]
    b = [Trigger("start", "0 8 * * MON-FRI", JST), Trigger("stop", "0 20 * * mon-fri", JST)]
    assert monthly_hours(a, DEC) == monthly_hours(b, DEC) == pytest.approx(12 * weekdays(DEC) / 12)
    sundays = [Trigger("start", "0 8 * * 0", JST), Trigger("stop", "0 9 * * 7", JST)]
    begin, end = window(DEC)
    n = sum(1 for _ in firings(parse("0 8 * * 0"), zone(JST), begin, end))
    assert running_hours(sundays, begin, end) == pytest.approx(n)


def test_utc_schedules_are_read_in_utc() -> None:
    # 23:00 UTC Sun-Thu = 08:00 JST Mon-Fri; 12:00 UTC = 21:00 JST.
    tr = [Trigger("start", "cron(0 23 ? * SUN-THU *)"), Trigger("stop", "cron(0 12 ? * MON-FRI *)")]
    assert monthly_hours(tr, DEC) == pytest.approx(13 * weekdays(DEC) / 12)


def test_without_a_stop_it_runs_all_month_and_without_a_start_it_stays_stopped() -> None:
    begin, end = window(DEC)
    total = (end - begin).total_seconds() / 3600
    assert running_hours([Trigger("start", "cron(0 7 ? * * *)", JST)], begin, end) == total
    assert running_hours([Trigger("stop", "cron(0 21 ? * * *)", JST)], begin, end) == 0


def test_a_stop_and_start_in_the_same_minute_leave_it_running() -> None:
    begin, end = window(DEC, 1)
    same = [Trigger("stop", "cron(0 3 * * ? *)"), Trigger("start", "cron(0 3 * * ? *)")]
    assert running_hours(same, begin, end) == pytest.approx(31 * 24)


@pytest.mark.parametrize(
    "expression",
    ["rate(1 day)", "at(2026-12-24T09:00:00)", "cron(0 7 L * ? *)", "cron(0 7 ? * FRI#3 *)",
     "cron(0 7 15W * ? *)", "cron(0 7 ? * 6L *)", "@daily"],
)  # fmt: skip
def test_forms_gcmod_does_not_evaluate_say_so(expression: str) -> None:
    with pytest.raises(CronUnsupported):
        parse(expression)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("cron(0 7 * * * *)", "exactly one of"),
        ("cron(0 25 ? * * *)", "outside 0–23"),
        ("cron(0 7 ? * MON-FRI)", "has 5 fields"),
        ("cron(0 7 ? * XYZ *)", "not a number or a name"),
        ("0 7 * *", "has 4 fields"),
        ("cron(*/0 7 ? * * *)", "bad step"),
    ],
)
def test_malformed_expressions_are_errors(expression: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse(expression)


def test_unknown_time_zone_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        zone("Asia/Osaka")


def test_wrapping_day_range_and_month_names() -> None:
    cron = parse("cron(30 9 ? JAN,DEC FRI-MON *)")
    assert cron.weekdays == frozenset({5, 6, 7, 1}) and cron.months == frozenset({1, 12})
    assert cron.minutes == frozenset({30})


@given(
    start_h=st.integers(0, 23),
    length=st.integers(1, 23),
    days=st.sets(st.integers(1, 7), min_size=1),
)
def test_daily_window_hours_are_length_times_matching_days(
    start_h: int, length: int, days: set[int]
) -> None:
    """Start at h, stop at h+length on the same (EventBridge) weekdays when that stays
    within the day: running hours = length × number of matching days."""
    stop_h = start_h + length
    if stop_h > 23:
        return
    dow = ",".join(str(d) for d in sorted(days))  # 1 = Sunday
    tr = [Trigger("start", f"cron(0 {start_h} ? * {dow} *)", JST),
          Trigger("stop", f"cron(0 {stop_h} ? * {dow} *)", JST)]  # fmt: skip
    begin, end = window(DEC, 2)
    iso = {7 if d == 1 else d - 1 for d in days}
    d, n = begin.date(), 0
    while d < end.date():
        n += d.isoweekday() in iso
        d += dt.timedelta(days=1)
    assert running_hours(tr, begin, end) == pytest.approx(length * n)
