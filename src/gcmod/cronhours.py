"""Running hours of a resource that other people's schedules stop and start.

gcmod's own shutdown schedules are read by :mod:`gcmod.runcalendar`. A vendor's
program stops and starts resources with schedules of its own: EventBridge
Scheduler schedules and EventBridge rules (``cron(m h dom mon dow year)``, six
fields), Application Auto Scaling scheduled actions (the same form) and Auto
Scaling group scheduled actions (``recurrence``: Unix cron, five fields). This
module turns such expressions into firing times and a set of start and stop
firings into running hours. Pure functions; no I/O.

Supported (what the AWS references define, minus the special forms):

* six-field EventBridge cron: minutes 0–59, hours 0–23, day of month 1–31 or
  ``?``, month 1–12 or ``JAN``–``DEC``, day of week 1–7 (1 = Sunday) or
  ``SUN``–``SAT`` or ``?``, year 1970–2199; ``*``, ``,``, ``-``, ``/``
  (EventBridge Scheduler user guide, "Schedule types: cron-based schedules";
  read 2026-12-02);
* five-field Unix cron (Auto Scaling ``Recurrence``): minutes, hours, day of
  month, month, day of week 0–7 (0 and 7 = Sunday) or names; when both day
  fields are restricted, either may match, as in cron(8) (EC2 Auto Scaling user
  guide, "Scheduled scaling: recurring schedules"; read 2026-12-02).

``L``, ``W`` and ``#`` (last day, nearest weekday, nth weekday), ``rate()`` and
``at()`` raise :class:`CronUnsupported`: the caller prices such a resource 24/7
and says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Days of history simulated before the window, to know whether the resource is
#: running when the window opens (a month covers weekly and monthly schedules).
WARM_UP_DAYS = 32

_MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
)}  # fmt: skip
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
#: The special forms of EventBridge's day fields: L, LW, 15W, 5L, FRI#3, L-2.
_SPECIAL = re.compile(r"#|^L(W|-\d+)?$|^\d+[LW]$|^[A-Za-z]{3}L$", re.IGNORECASE)


class CronUnsupported(ValueError):
    """An expression this module does not evaluate (a form gcmod cannot price)."""


@dataclass(frozen=True)
class Cron:
    """A parsed cron expression: the allowed values of each field."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None
    """Days of the month, None when unrestricted (``*`` or ``?``)."""
    months: frozenset[int]
    weekdays: frozenset[int] | None
    """ISO weekdays (Monday 1 … Sunday 7), None when unrestricted."""
    years: frozenset[int] | None
    either_day: bool = False
    """Unix cron with both day fields restricted: a day matches if either does."""

    def matches_day(self, day: dt.date) -> bool:
        if day.month not in self.months:
            return False
        if self.years is not None and day.year not in self.years:
            return False
        by_dom = self.days is None or day.day in self.days
        by_dow = self.weekdays is None or day.isoweekday() in self.weekdays
        if self.either_day:
            return by_dom or by_dow
        return by_dom and by_dow


def _values(field: str, lo: int, hi: int, names: dict[str, int] | None, what: str) -> set[int]:
    out: set[int] = set()
    for part in field.split(","):
        if not part:
            raise ValueError(f"empty item in {what} field {field!r}")
        if _SPECIAL.search(part):
            raise CronUnsupported(f"{what} field {field!r} uses L, W or # (not evaluated)")
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ValueError(f"bad step in {what} field {field!r}")
            step = int(step_text)
        if base == "*":
            start, end = lo, hi
        else:
            first, _, last = base.partition("-")
            start = _number(first, names, what, field)
            end = _number(last, names, what, field) if last else (hi if step_text else start)
        if not (lo <= start <= hi and lo <= end <= hi):
            raise ValueError(f"{what} field {field!r} is outside {lo}–{hi}")
        if end < start:  # a wrapping range (FRI-MON) as EventBridge allows
            out.update(range(start, hi + 1, step))
            out.update(range(lo, end + 1, step))
        else:
            out.update(range(start, end + 1, step))
    return out


def _number(text: str, names: dict[str, int] | None, what: str, field: str) -> int:
    if text.isdigit():
        return int(text)
    if names and text.upper() in names:
        return names[text.upper()]
    raise ValueError(f"{what} field {field!r}: {text!r} is not a number or a name")


def parse_aws(expression: str) -> Cron:
    """An EventBridge ``cron(m h dom mon dow year)`` expression (see the module)."""
    text = expression.strip()
    if text.startswith(("rate(", "at(")):
        raise CronUnsupported(f"{text!r} is not a cron schedule")
    m = re.fullmatch(r"cron\((.*)\)", text)
    if m is None:
        raise ValueError(f"{text!r} is not cron(...), rate(...) or at(...)")
    fields = m.group(1).split()
    if len(fields) != 6:
        raise ValueError(f"{text!r} has {len(fields)} fields; EventBridge cron has 6")
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ValueError(f"{text!r}: exactly one of day-of-month and day-of-week must be '?'")
    day_names = {n: i + 1 for i, n in enumerate(_DAYS)}  # SUN=1 … SAT=7
    weekdays = None
    if dow not in ("?", "*"):
        weekdays = frozenset(
            7 if d == 1 else d - 1 for d in _values(dow, 1, 7, day_names, "day-of-week")
        )
    return Cron(
        frozenset(_values(minute, 0, 59, None, "minute")),
        frozenset(_values(hour, 0, 23, None, "hour")),
        None if dom in ("?", "*") else frozenset(_values(dom, 1, 31, None, "day-of-month")),
        frozenset(_values(month, 1, 12, _MONTHS, "month")),
        weekdays,
        None if year == "*" else frozenset(_values(year, 1970, 2199, None, "year")),
    )


def parse_unix(expression: str) -> Cron:
    """A five-field Unix cron expression (Auto Scaling ``Recurrence``)."""
    text = expression.strip()
    if text.startswith("@"):
        raise CronUnsupported(f"{text!r}: @-shorthands are not evaluated")
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(f"{text!r} has {len(fields)} fields; Unix cron has 5")
    minute, hour, dom, month, dow = fields
    day_names = {n: i for i, n in enumerate(_DAYS)}  # SUN=0 … SAT=6
    days = None if dom == "*" else frozenset(_values(dom, 1, 31, None, "day-of-month"))
    weekdays = None
    if dow != "*":
        weekdays = frozenset(
            7 if d in (0, 7) else d for d in _values(dow, 0, 7, day_names, "day-of-week")
        )
    return Cron(
        frozenset(_values(minute, 0, 59, None, "minute")),
        frozenset(_values(hour, 0, 23, None, "hour")),
        days,
        frozenset(_values(month, 1, 12, _MONTHS, "month")),
        weekdays,
        None,
        either_day=days is not None and weekdays is not None,
    )


def parse(expression: str) -> Cron:
    """Either form: ``cron(...)``/``rate(...)``/``at(...)`` as EventBridge, else Unix."""
    text = expression.strip()
    if re.match(r"^(cron|rate|at)\(", text):
        return parse_aws(text)
    return parse_unix(text)


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone a schedule names (EventBridge and Auto Scaling default: UTC)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def firings(
    cron: Cron, tz: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> Iterator[dt.datetime]:
    """Every time ``cron`` fires in [start, end) (aware datetimes), in order, in UTC."""
    day = start.astimezone(tz).date() - dt.timedelta(days=1)
    last = end.astimezone(tz).date() + dt.timedelta(days=1)
    times = sorted((h, m) for h in cron.hours for m in cron.minutes)
    while day <= last:
        if cron.matches_day(day):
            for h, m in times:
                at = dt.datetime(day.year, day.month, day.day, h, m, tzinfo=tz)
                if start <= at < end:
                    yield at.astimezone(dt.UTC)
        day += dt.timedelta(days=1)


@dataclass(frozen=True)
class Trigger:
    """One schedule that starts or stops the resource."""

    kind: str  # "start" | "stop"
    expression: str
    timezone: str | None = None


def running_hours(
    triggers: Sequence[Trigger], start: dt.datetime, end: dt.datetime
) -> float:
    """Hours in [start, end) during which the resource runs: it runs from a start
    firing until the next stop firing. Before the first firing it is taken to be in
    the state the last firing of the warm-up month left it (running when none fired:
    a resource is running once deployed). A stop and a start at the same minute
    leave it running (the stop is applied first)."""
    warm = start - dt.timedelta(days=WARM_UP_DAYS)
    events: list[tuple[dt.datetime, int]] = []
    for t in triggers:
        if t.kind not in ("start", "stop"):
            raise ValueError(f"trigger kind must be start or stop, not {t.kind!r}")
        cron = parse(t.expression)
        order = 0 if t.kind == "stop" else 1
        events += [(at, order) for at in firings(cron, zone(t.timezone), warm, end)]
    events.sort()
    running = True
    since = start
    total = dt.timedelta()
    for at, order in events:
        now_running = order == 1
        if at <= start:
            running = now_running
            continue
        if running and not now_running:
            total += at - since
        if not running and now_running:
            since = at
        running = now_running
    if running:
        total += end - max(since, start)
    return total.total_seconds() / 3600


def window(
    first_day: dt.date, months: int = 12, tz: str = "Asia/Tokyo"
) -> tuple[dt.datetime, dt.datetime]:
    """``months`` calendar months from ``first_day`` (its month's first day), in ``tz``."""
    z = zone(tz)
    begin = dt.datetime(first_day.year, first_day.month, 1, tzinfo=z)
    y, m = divmod(first_day.month - 1 + months, 12)
    return begin, dt.datetime(first_day.year + y, m + 1, 1, tzinfo=z)


def monthly_hours(triggers: Iterable[Trigger], first_day: dt.date) -> float:
    """Average running hours per month over the twelve months from ``first_day``."""
    begin, end = window(first_day)
    return running_hours(list(triggers), begin, end) / 12
