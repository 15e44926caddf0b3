"""Tests for gcmod.officecalendar (municipal office calendar)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import holidays
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gcmod.officecalendar import (
    DEFAULT_BUSINESS_HOURS,
    JST,
    BusinessHours,
    MonthlyCron,
    closure_reason,
    daily_cron,
    days_until_horizon_end,
    events,
    holiday_name,
    horizon,
    is_office_day,
    is_running,
    monthly_cron_expressions,
    monthly_running_hours,
    national_holidays,
    office_days,
    parse_cron_days,
    running_windows,
)

# Reference data straight from the library, independent of the module's own cache.
JP_2025_2028 = holidays.Japan(years=range(2025, 2029), language="ja")
HOLIDAY_DATES_2025_2028 = sorted(JP_2025_2028)

# Dates well inside the library's supported range (1949-2099), leaving room for horizons.
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2097, 12, 31))
cron_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
aware_datetimes = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2097, 12, 31),
    timezones=st.sampled_from([JST, UTC]),
)


def _is_year_end(d: date) -> bool:
    return (d.month, d.day) >= (12, 29) or (d.month, d.day) <= (1, 3)


def _business_hours() -> st.SearchStrategy[BusinessHours]:
    minutes = st.integers(0, 24 * 60 - 1)
    return (
        st.tuples(minutes, minutes)
        .filter(lambda p: p[0] < p[1])
        .map(lambda p: BusinessHours(time(p[0] // 60, p[0] % 60), time(p[1] // 60, p[1] % 60)))
    )


# --------------------------------------------------------------------------- properties


@given(st.sampled_from(HOLIDAY_DATES_2025_2028))
def test_never_running_at_noon_on_national_holidays(d: date) -> None:
    assert not is_running(datetime.combine(d, time(12), JST), DEFAULT_BUSINESS_HOURS)
    # Same instant expressed in UTC (03:00Z) must give the same answer.
    assert not is_running(datetime.combine(d, time(3), UTC), DEFAULT_BUSINESS_HOURS)


def test_every_2025_2028_holiday_is_closed_with_its_japanese_name() -> None:
    assert len(HOLIDAY_DATES_2025_2028) > 60
    for d in HOLIDAY_DATES_2025_2028:
        assert not is_office_day(d)
        reason = closure_reason(d)
        assert reason in ("year-end", f"holiday:{JP_2025_2028[d]}"), (d, reason)


@given(st.integers(1990, 2099), st.sampled_from([time(0), time(8), time(10), time(12)]))
def test_never_running_on_2_january(year: int, at: time) -> None:
    d = date(year, 1, 2)
    assert closure_reason(d) == "year-end"
    assert not is_running(datetime.combine(d, at, JST), DEFAULT_BUSINESS_HOURS)


@given(dates, st.sampled_from([5, 6]), st.integers(0, 24 * 60 - 1))
def test_never_running_on_weekends(d: date, weekday: int, minute: int) -> None:
    day = d + timedelta(days=(weekday - d.weekday()) % 7)
    assert day.weekday() in (5, 6)
    at = datetime.combine(day, time(minute // 60, minute % 60), JST)
    assert not is_running(at, DEFAULT_BUSINESS_HOURS)
    assert closure_reason(day) is not None


@given(dates)
def test_running_at_10_on_every_ordinary_weekday(d: date) -> None:
    assume(d.weekday() < 5 and not _is_year_end(d))
    assume(d not in holidays.Japan(years=d.year, language="ja"))
    assert is_office_day(d)
    assert is_running(datetime.combine(d, time(10), JST), DEFAULT_BUSINESS_HOURS)
    # 10:00 JST is 01:00 UTC on the same date.
    assert is_running(datetime.combine(d, time(1), UTC), DEFAULT_BUSINESS_HOURS)


@given(dates, st.integers(1, 14), cron_times)
def test_cron_expressions_round_trip_and_list_exactly_the_office_days(
    start: date, months: int, at: time
) -> None:
    crons = monthly_cron_expressions(start, months, at)
    first, end = horizon(start, months)
    # Every month has some office day, so nothing is skipped.
    assert len(crons) == months
    assert (crons[0].year, crons[0].month) == (first.year, first.month)
    for cron in crons:
        year, month, days, parsed_at = parse_cron_days(cron.expression)
        assert (year, month, tuple(days), parsed_at) == (cron.year, cron.month, cron.days, at)
        month_first = date(year, month, 1)
        month_end = date(year + month // 12, month % 12 + 1, 1)
        assert first <= month_first < end
        assert days == [d.day for d in office_days(month_first, month_end)]


@given(dates, st.integers(1, 14), cron_times)
def test_cron_expressions_are_valid_eventbridge_shape(start: date, months: int, at: time) -> None:
    for cron in monthly_cron_expressions(start, months, at):
        expr = cron.expression
        assert len(expr) < 256
        assert expr.startswith("cron(") and expr.endswith(")")
        fields = expr[len("cron(") : -1].split(" ")
        assert len(fields) == 6
        assert fields[4] == "?"
        assert "?" not in fields[2] and "*" not in fields[2]
        assert fields[:2] == [str(at.minute), str(at.hour)]
        assert (fields[3], fields[5]) == (str(cron.month), str(cron.year))


@given(
    aware_datetimes,
    st.integers(0, 40),
    st.integers(-120, 120),
    st.integers(-120, 120),
)
def test_events_alternate_and_strictly_increase(
    after: datetime, count: int, start_min: int, stop_min: int
) -> None:
    result = events(
        after,
        count,
        DEFAULT_BUSINESS_HOURS,
        start_offset=timedelta(minutes=start_min),
        stop_offset=timedelta(minutes=stop_min),
    )
    assert len(result) == count
    moments = [m for m, _ in result]
    kinds = [k for _, k in result]
    assert all(m > after for m in moments)
    assert all(a < b for a, b in pairwise(moments))
    assert all(a != b for a, b in pairwise(kinds))
    assert set(kinds) <= {"start", "stop"}
    assert all(m.tzinfo is JST for m in moments)


@given(aware_datetimes, st.integers(1, 6))
def test_events_without_offsets_agree_with_is_running(after: datetime, count: int) -> None:
    result = events(after, count, DEFAULT_BUSINESS_HOURS)
    # The first event is a stop iff the service is running right now.
    assert (result[0][1] == "stop") == is_running(after, DEFAULT_BUSINESS_HOURS)
    for moment, kind in result:
        assert is_running(moment, DEFAULT_BUSINESS_HOURS) == (kind == "start")
        assert is_running(moment - timedelta(microseconds=1)) == (kind == "stop")


@given(st.integers(1990, 2097), st.integers(1, 12), _business_hours())
def test_monthly_running_hours_is_office_days_times_window(
    year: int, month: int, hours: BusinessHours
) -> None:
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    window_hours = hours.duration.total_seconds() / 3600
    expected = len(office_days(first, after)) * window_hours
    assert monthly_running_hours(year, month, hours) == pytest.approx(expected)
    windows = running_windows(first, after, hours)
    total = sum((b - a).total_seconds() for a, b in windows) / 3600
    assert total == pytest.approx(expected)


# --------------------------------------------------------------------------- known facts


@pytest.mark.parametrize(
    ("d", "name", "why"),
    [
        # 憲法記念日 2026-05-03 is a Sunday; 4 and 5 May are holidays too, so the
        # substitute holiday moves to the next non-holiday, Wednesday 6 May.
        (date(2026, 5, 6), "振替休日", (date(2026, 5, 3), 6)),
        # 敬老の日 Mon 21 Sep and 秋分の日 Wed 23 Sep 2026 sandwich Tue 22 Sep.
        (date(2026, 9, 22), "国民の休日", (date(2026, 9, 21), 0)),
        # 春分の日 2027-03-21 is a Sunday; the substitute holiday is Monday 22 Mar.
        (date(2027, 3, 22), "振替休日", (date(2027, 3, 21), 6)),
    ],
)
def test_known_substitute_and_citizens_holidays(d: date, name: str, why: tuple[date, int]) -> None:
    # Cross-check the library itself first, then the module.
    lib = holidays.Japan(years=d.year, language="ja")
    assert lib.get(d) == name
    cause, cause_weekday = why
    assert cause in lib and cause.weekday() == cause_weekday
    assert d.weekday() < 5  # would be an office day if it were not a holiday
    assert holiday_name(d) == name
    assert closure_reason(d) == f"holiday:{name}"
    assert not is_office_day(d)


def test_2026_2027_substitute_holidays_match_library() -> None:
    for year in (2026, 2027):
        lib = holidays.Japan(years=year, language="ja")
        expected = {d for d, n in lib.items() if n in ("振替休日", "国民の休日")}
        ours = {d for d, n in national_holidays(year).items() if n in ("振替休日", "国民の休日")}
        assert ours == expected
    assert {d for d, n in national_holidays(2026).items() if n == "振替休日"} == {date(2026, 5, 6)}
    assert {d for d, n in national_holidays(2027).items() if n == "振替休日"} == {date(2027, 3, 22)}


def test_year_end_break_boundaries() -> None:
    assert date(2026, 12, 28).weekday() == 0
    assert closure_reason(date(2026, 12, 28)) is None
    for day in (29, 30, 31):
        assert closure_reason(date(2026, 12, day)) == "year-end"
    for day in (1, 2, 3):
        assert closure_reason(date(2027, 1, day)) == "year-end"
    assert date(2027, 1, 4).weekday() == 0
    assert closure_reason(date(2027, 1, 4)) is None
    # Year-end wins over a holiday (元日) and over a weekend (Sat 2 Jan 2027).
    assert holiday_name(date(2027, 1, 1)) == "元日"
    assert closure_reason(date(2027, 1, 1)) == "year-end"
    assert date(2027, 1, 2).weekday() == 5
    assert closure_reason(date(2027, 1, 2)) == "year-end"


def test_closure_reasons() -> None:
    assert closure_reason(date(2026, 5, 9)) == "weekend"  # Saturday
    assert closure_reason(date(2026, 5, 10)) == "weekend"  # Sunday
    # Holiday on a Sunday reports the holiday.
    assert closure_reason(date(2026, 5, 3)) == "holiday:憲法記念日"
    assert closure_reason(date(2026, 5, 7)) is None


@pytest.mark.parametrize(
    ("year", "month", "expected_days"),
    [
        # December 2026: 1 Dec is a Tuesday; no national holiday in December (天皇誕生日
        # moved to 23 Feb in 2020); 29-31 Dec are the year-end break. Weekdays up to the
        # 28th: 1-4 (4), 7-11 (5), 14-18 (5), 21-25 (5), 28 (1) = 20 office days.
        (2026, 12, 20),
        # May 2026: 1 May is a Friday. Holidays 3 (Sun), 4, 5, 6 (振替休日). Weekdays:
        # 1 (1), 4-8 minus 4/5/6 -> 7, 8 (2), 11-15 (5), 18-22 (5), 25-29 (5) = 18.
        (2026, 5, 18),
        # September 2026: 1 Sep is a Tuesday; 22 weekdays (1-4, 7-11, 14-18, 21-25,
        # 28-30) minus 21 (敬老の日), 22 (国民の休日), 23 (秋分の日) = 19.
        (2026, 9, 19),
    ],
)
def test_monthly_running_hours_by_hand(year: int, month: int, expected_days: int) -> None:
    assert date(year, month, 1).weekday() == {12: 1, 5: 4, 9: 1}[month]
    # DEFAULT_BUSINESS_HOURS is 08:00-18:00, i.e. 10 h a day.
    assert monthly_running_hours(year, month, DEFAULT_BUSINESS_HOURS) == expected_days * 10.0
    short = BusinessHours(time(8, 30), time(17, 15))
    assert monthly_running_hours(year, month, short) == expected_days * 8.75


def test_december_2026_cron_expression() -> None:
    (dec,) = monthly_cron_expressions(date(2026, 12, 15), 1, time(8, 0))
    days = "1,2,3,4,7,8,9,10,11,14,15,16,17,18,21,22,23,24,25,28"
    assert dec == MonthlyCron(
        2026, 12, tuple(int(x) for x in days.split(",")), f"cron(0 8 {days} 12 ? 2026)"
    )
    assert parse_cron_days(dec.expression) == (2026, 12, list(dec.days), time(8, 0))
    assert daily_cron(time(18, 5)) == "cron(5 18 * * ? *)"


def test_cron_horizon_crosses_year_boundary() -> None:
    crons = monthly_cron_expressions(date(2026, 11, 30), 3, time(17, 50))
    assert [(c.year, c.month) for c in crons] == [(2026, 11), (2026, 12), (2027, 1)]
    jan = crons[2]
    assert jan.days[0] == 4 and 1 not in jan.days and 11 not in jan.days  # 成人の日 11 Jan
    assert jan.expression.startswith("cron(50 17 4,5,6,7,8,12,")


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 8 * * ? *)",
        "cron(0 8 ? 12 MON-FRI 2026)",
        "cron(0 8 1,2 12 ? 2026",
        "cron(0 8 2,1 12 ? 2026)",
        "cron(0 8 1,1 12 ? 2026)",
        "cron(00 8 1 12 ? 2026)",
        "cron(0 08 1 12 ? 2026)",
        "cron(0 8 01 12 ? 2026)",
        "cron(0 24 1 12 ? 2026)",
        "cron(60 8 1 12 ? 2026)",
        "cron(0 8 30 2 ? 2026)",
        "cron(0 8 1 13 ? 2026)",
        "cron(0  8 1 12 ? 2026)",
        "cron(0 8 1-5 12 ? 2026)",
        " cron(0 8 1 12 ? 2026)",
        "rate(1 day)",
        "",
    ],
)
def test_parse_cron_days_rejects_foreign_expressions(expression: str) -> None:
    with pytest.raises(ValueError):
        parse_cron_days(expression)


def test_cron_time_must_be_whole_minutes_and_naive() -> None:
    with pytest.raises(ValueError):
        monthly_cron_expressions(date(2026, 1, 1), 1, time(8, 0, 30))
    with pytest.raises(ValueError):
        daily_cron(time(8, 0, tzinfo=JST))


# --------------------------------------------------------------------------- running / events


def test_is_running_boundaries_and_timezones() -> None:
    d = date(2026, 12, 28)
    assert is_running(datetime.combine(d, time(8, 0), JST))
    assert not is_running(datetime.combine(d, time(7, 59, 59), JST))
    assert is_running(datetime.combine(d, time(17, 59, 59), JST))
    assert not is_running(datetime.combine(d, time(18, 0), JST))
    # 2026-12-28 23:30 UTC is 2026-12-29 08:30 JST: year-end, closed.
    assert not is_running(datetime(2026, 12, 28, 23, 30, tzinfo=UTC))
    # 2026-01-04 23:30 UTC is Monday 2026-01-05 08:30 JST: open.
    assert is_running(datetime(2026, 1, 4, 23, 30, tzinfo=UTC))
    with pytest.raises(ValueError):
        is_running(datetime(2026, 12, 28, 10, 0))


def test_events_across_year_end_with_offsets() -> None:
    after = datetime(2026, 12, 28, 17, 0, tzinfo=JST)
    assert events(after, 3) == [
        (datetime(2026, 12, 28, 18, 0, tzinfo=JST), "stop"),
        (datetime(2027, 1, 4, 8, 0, tzinfo=JST), "start"),
        (datetime(2027, 1, 4, 18, 0, tzinfo=JST), "stop"),
    ]
    db = events(after, 2, start_offset=timedelta(minutes=-10), stop_offset=timedelta(minutes=10))
    assert db == [
        (datetime(2026, 12, 28, 18, 10, tzinfo=JST), "stop"),
        (datetime(2027, 1, 4, 7, 50, tzinfo=JST), "start"),
    ]
    assert events(after, 0) == []
    with pytest.raises(ValueError):
        events(after, -1)
    with pytest.raises(ValueError):
        events(datetime(2026, 12, 28, 17, 0), 1)
    with pytest.raises(ValueError):  # shifted window would be empty
        events(after, 1, start_offset=timedelta(hours=6), stop_offset=timedelta(hours=-4))


def test_running_windows_are_aware_jst() -> None:
    windows = running_windows(date(2026, 12, 26), date(2027, 1, 6))
    assert windows == [
        (datetime(2026, 12, 28, 8, tzinfo=JST), datetime(2026, 12, 28, 18, tzinfo=JST)),
        (datetime(2027, 1, 4, 8, tzinfo=JST), datetime(2027, 1, 4, 18, tzinfo=JST)),
        (datetime(2027, 1, 5, 8, tzinfo=JST), datetime(2027, 1, 5, 18, tzinfo=JST)),
    ]


# --------------------------------------------------------------------------- misc API


def test_business_hours_validation() -> None:
    assert DEFAULT_BUSINESS_HOURS == BusinessHours(time(8), time(18))
    assert DEFAULT_BUSINESS_HOURS.duration == timedelta(hours=10)
    with pytest.raises(ValueError):
        BusinessHours(time(18), time(8))
    with pytest.raises(ValueError):
        BusinessHours(time(8), time(8))
    with pytest.raises(ValueError):
        BusinessHours(time(8, tzinfo=JST), time(18))


def test_office_days_is_half_open() -> None:
    assert office_days(date(2026, 12, 28), date(2026, 12, 28)) == []
    assert office_days(date(2026, 12, 28), date(2026, 12, 29)) == [date(2026, 12, 28)]
    assert office_days(date(2027, 1, 5), date(2027, 1, 1)) == []
    with pytest.raises(TypeError):
        is_office_day(datetime(2026, 12, 28, 10, tzinfo=JST))


def test_horizon_and_days_until_end() -> None:
    assert horizon(date(2026, 11, 17), 3) == (date(2026, 11, 1), date(2027, 2, 1))
    assert horizon(date(2026, 1, 31), 12) == (date(2026, 1, 1), date(2027, 1, 1))
    with pytest.raises(ValueError):
        horizon(date(2026, 1, 1), 0)
    assert days_until_horizon_end(date(2027, 1, 31), date(2027, 2, 1)) == 1
    assert days_until_horizon_end(date(2027, 1, 1), date(2027, 2, 1)) == 31
    assert days_until_horizon_end(date(2027, 2, 3), date(2027, 2, 1)) == -2


def test_years_without_holiday_data_are_refused() -> None:
    # The library silently returns no holidays outside 1949-2099; we must not
    # treat such years as holiday-free.
    assert len(holidays.Japan(years=2100, language="ja")) == 0
    with pytest.raises(ValueError):
        is_office_day(date(2100, 3, 22))
