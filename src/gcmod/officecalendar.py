"""Municipal office calendar (自治体の開庁日カレンダー).

Japanese municipal offices open on weekdays, roughly 08:30-17:15 JST, and are
closed on weekends, on national holidays (国民の祝日, including 振替休日 and
国民の休日) and during the year-end break from 29 December to 3 January
(年末年始の休庁期間).

Non-production environments only need to run while the offices are open, so
this module answers "is the service supposed to be running now?", produces the
start/stop events, and renders the calendar as AWS EventBridge Scheduler cron
expressions. Because cron cannot exclude holidays, the schedule is expressed as
one expression per calendar month, listing exactly that month's office days;
the expressions must be regenerated before the horizon they cover runs out.

Holidays come from the maintained ``holidays`` library, never a hand-written
list. Everything here is pure logic: no I/O, no Pulumi.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from types import MappingProxyType
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "DEFAULT_BUSINESS_HOURS",
    "JST",
    "BusinessHours",
    "EventKind",
    "MonthlyCron",
    "closure_reason",
    "daily_cron",
    "days_until_horizon_end",
    "events",
    "holiday_name",
    "horizon",
    "is_office_day",
    "is_running",
    "monthly_cron_expressions",
    "monthly_running_hours",
    "national_holidays",
    "office_days",
    "parse_cron_days",
    "running_windows",
]

JST = ZoneInfo("Asia/Tokyo")
"""Japan Standard Time (UTC+9, no daylight saving time)."""

HOLIDAY_LANGUAGE = "ja"
"""Language of holiday names. Always passed explicitly: without it the ``holidays``
library picks the language from the process locale (e.g. ``LANG=C.UTF-8`` gives English)."""

_FIRST_YEAR: int = holidays.Japan.start_year
_LAST_YEAR: int = holidays.Japan.end_year


@dataclass(frozen=True)
class BusinessHours:
    """Daily running window in JST (稼働時間帯), ``start`` inclusive, ``end`` exclusive."""

    start: time
    end: time

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time):
                raise TypeError(f"BusinessHours.{name} must be a datetime.time, got {value!r}")
            if value.tzinfo is not None:
                raise ValueError(
                    f"BusinessHours.{name} must be a naive time (always JST) / "
                    f"タイムゾーンなしの時刻を指定してください: {value!r}"
                )
        if not self.start < self.end:
            raise ValueError(
                f"BusinessHours start must be before end / 開始時刻は終了時刻より前にしてください: "
                f"{self.start.isoformat()} >= {self.end.isoformat()}"
            )

    @property
    def duration(self) -> timedelta:
        """Length of the daily window."""
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)


DEFAULT_BUSINESS_HOURS = BusinessHours(start=time(8, 0), end=time(18, 0))
"""Default running window for non-production services: 08:00-18:00 JST.

Offices open at 08:30, so the service starts 30 minutes early and is warm when
the first clerk logs in; they close at 17:15, and the 45 minutes after that
cover routine overtime (開庁30分前に起動、閉庁後45分は残業用に稼働)."""


# --------------------------------------------------------------------------- holidays


@cache
def _holidays_of(year: int) -> MappingProxyType[date, str]:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        # The library silently returns no holidays outside its range; refuse instead.
        raise ValueError(
            f"no Japanese holiday data for {year} (supported {_FIRST_YEAR}-{_LAST_YEAR}) / "
            f"{year}年の祝日データがありません"
        )
    calendar = holidays.country_holidays("JP", years=year, language=HOLIDAY_LANGUAGE)
    return MappingProxyType({d: name for d, name in calendar.items() if d.year == year})


def national_holidays(year: int) -> dict[date, str]:
    """National holidays of ``year`` (祝日・振替休日・国民の休日) with Japanese names."""
    return dict(_holidays_of(year))


def holiday_name(d: date) -> str | None:
    """Japanese name of the national holiday on ``d``, or None."""
    return _holidays_of(_as_date(d).year).get(d)


# --------------------------------------------------------------------------- office days


def _as_date(d: date) -> date:
    if isinstance(d, datetime):
        raise TypeError(
            "expected a datetime.date, got a datetime (convert to JST and call .date() first)"
        )
    if not isinstance(d, date):
        raise TypeError(f"expected a datetime.date, got {d!r}")
    return d


def _is_year_end(d: date) -> bool:
    return (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3)


def closure_reason(d: date) -> str | None:
    """Why municipal offices are closed on ``d``; None on an office day (開庁日).

    Returns ``"year-end"`` (29 Dec-3 Jan, takes precedence), ``"holiday:<祝日名>"``
    (takes precedence over the weekend) or ``"weekend"``.
    """
    d = _as_date(d)
    if _is_year_end(d):
        return "year-end"
    name = holiday_name(d)
    if name is not None:
        return f"holiday:{name}"
    if d.weekday() >= 5:
        return "weekend"
    return None


def is_office_day(d: date) -> bool:
    """True if municipal offices are open on ``d``."""
    return closure_reason(d) is None


def office_days(start: date, end: date) -> list[date]:
    """Office days in ``[start, end)``; empty when ``end <= start``."""
    start, end = _as_date(start), _as_date(end)
    days = (start + timedelta(days=i) for i in range((end - start).days))
    return [d for d in days if is_office_day(d)]


# --------------------------------------------------------------------------- running time


def _to_jst(at: datetime) -> datetime:
    if not isinstance(at, datetime):
        raise TypeError(f"expected a datetime, got {at!r}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(
            f"naive datetime {at.isoformat()}: pass an aware datetime / "
            "タイムゾーン付きの日時を指定してください"
        )
    return at.astimezone(JST)


def is_running(at: datetime, hours: BusinessHours = DEFAULT_BUSINESS_HOURS) -> bool:
    """True iff ``at`` (aware) falls on an office day and within ``hours`` in JST."""
    local = _to_jst(at)
    return is_office_day(local.date()) and hours.start <= local.time() < hours.end


def running_windows(
    start: date, end: date, hours: BusinessHours = DEFAULT_BUSINESS_HOURS
) -> list[tuple[datetime, datetime]]:
    """Running windows (aware JST datetimes) for the office days in ``[start, end)``."""
    return [
        (datetime.combine(d, hours.start, JST), datetime.combine(d, hours.end, JST))
        for d in office_days(start, end)
    ]


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
    first = date(year, month, 1)
    return first, _add_months(first, 1)


def monthly_running_hours(
    year: int, month: int, hours: BusinessHours = DEFAULT_BUSINESS_HOURS
) -> float:
    """Hours the service runs in the given month (office days x window length)."""
    first, after = _month_bounds(year, month)
    return len(office_days(first, after)) * hours.duration.total_seconds() / 3600


EventKind = Literal["start", "stop"]


def events(
    after: datetime,
    count: int,
    hours: BusinessHours = DEFAULT_BUSINESS_HOURS,
    *,
    start_offset: timedelta = timedelta(0),
    stop_offset: timedelta = timedelta(0),
) -> list[tuple[datetime, EventKind]]:
    """The next ``count`` start/stop events strictly after ``after``, in JST, chronological.

    ``start_offset`` shifts every start and ``stop_offset`` every stop, e.g. start the
    database 10 minutes before the service (``-10 min``) and stop it 10 minutes after
    (``+10 min``). The shifted window must stay longer than zero and shorter than a day
    so that events keep alternating.
    """
    local_after = _to_jst(after)
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    window = hours.duration - start_offset + stop_offset
    if not timedelta(0) < window < timedelta(days=1):
        raise ValueError(
            f"shifted running window {window} must be longer than 0 and shorter than a day"
        )
    result: list[tuple[datetime, EventKind]] = []
    # Offsets may move events across midnight; start a little early so that a window
    # already in progress yields its stop.
    offset_days = (abs(start_offset) + abs(stop_offset)).days + 1
    day = local_after.date() - timedelta(days=offset_days)
    while len(result) < count:
        if is_office_day(day):
            start_at = datetime.combine(day, hours.start, JST) + start_offset
            stop_at = datetime.combine(day, hours.end, JST) + stop_offset
            pair: tuple[tuple[datetime, EventKind], ...] = ((start_at, "start"), (stop_at, "stop"))
            for moment, kind in pair:
                if moment > local_after and len(result) < count:
                    result.append((moment, kind))
        day += timedelta(days=1)
    return result


# --------------------------------------------------------------------------- horizon


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + (first.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def horizon(start: date, months: int) -> tuple[date, date]:
    """Schedule horizon: first day of ``start``'s month, and the exclusive end after
    ``months`` whole months (スケジュールの対象期間)."""
    start = _as_date(start)
    if months < 1:
        raise ValueError(f"months must be >= 1, got {months}")
    first = start.replace(day=1)
    return first, _add_months(first, months)


def days_until_horizon_end(today: date, horizon_end: date) -> int:
    """Days left before the (exclusive) horizon end; 1 on its last covered day, <= 0 after."""
    return (_as_date(horizon_end) - _as_date(today)).days


# --------------------------------------------------------------------------- cron

_CRON_MAX_LENGTH = 256


@dataclass(frozen=True)
class MonthlyCron:
    """EventBridge Scheduler cron expression covering one calendar month's office days."""

    year: int
    month: int
    days: tuple[int, ...]
    expression: str


def _check_cron_time(at: time) -> None:
    if not isinstance(at, time):
        raise TypeError(f"expected a datetime.time, got {at!r}")
    if at.tzinfo is not None:
        raise ValueError("cron time must be naive; set the schedule timezone to Asia/Tokyo")
    if at.second or at.microsecond:
        raise ValueError(f"cron has minute resolution, got {at.isoformat()}")


def _render_cron(year: int, month: int, days: tuple[int, ...], at: time) -> str:
    day_list = ",".join(str(d) for d in days)
    return f"cron({at.minute} {at.hour} {day_list} {month} ? {year})"


def monthly_cron_expressions(start: date, months: int, at: time) -> list[MonthlyCron]:
    """One EventBridge Scheduler cron expression per month of ``horizon(start, months)``.

    Each lists exactly that month's office days at ``at``, e.g.
    ``cron(0 8 1,2,4,7 12 ? 2026)``. Months without an office day are skipped. The
    schedule must be created with ``ScheduleExpressionTimezone="Asia/Tokyo"``.
    """
    _check_cron_time(at)
    first, end = horizon(start, months)
    result: list[MonthlyCron] = []
    month_start = first
    while month_start < end:
        month_end = _add_months(month_start, 1)
        days = tuple(d.day for d in office_days(month_start, month_end))
        if days:
            expression = _render_cron(month_start.year, month_start.month, days, at)
            if len(expression) >= _CRON_MAX_LENGTH:  # pragma: no cover - at most ~23 days
                raise ValueError(f"cron expression too long: {expression}")
            result.append(MonthlyCron(month_start.year, month_start.month, days, expression))
        month_start = month_end
    return result


def daily_cron(at: time) -> str:
    """Every-day cron, e.g. to stop an Aurora cluster daily: AWS restarts a stopped cluster
    after 7 days, and the year-end break plus a weekend can exceed that."""
    _check_cron_time(at)
    return f"cron({at.minute} {at.hour} * * ? *)"


_MONTHLY_CRON_RE = re.compile(
    r"cron\((?P<minute>\d{1,2}) (?P<hour>\d{1,2}) (?P<days>\d{1,2}(?:,\d{1,2})*) "
    r"(?P<month>\d{1,2}) \? (?P<year>\d{4})\)"
)


def parse_cron_days(expression: str) -> tuple[int, int, list[int], time]:
    """Parse an expression made by :func:`monthly_cron_expressions`.

    Returns ``(year, month, days, time)``. Raises ValueError for anything not in
    exactly that canonical form (ascending unique days, no leading zeros).
    """
    match = _MONTHLY_CRON_RE.fullmatch(expression)
    if match is None:
        raise ValueError(f"not a monthly office-day cron expression: {expression!r}")
    year, month = int(match["year"]), int(match["month"])
    days = [int(d) for d in match["days"].split(",")]
    if any(a >= b for a, b in pairwise(days)):
        raise ValueError(f"days must be strictly ascending in {expression!r}")
    try:
        at = time(int(match["hour"]), int(match["minute"]))
        for day in days:
            date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"invalid date or time in {expression!r}: {exc}") from None
    if _render_cron(year, month, tuple(days), at) != expression:
        raise ValueError(f"non-canonical cron expression: {expression!r}")
    return year, month, days, at
