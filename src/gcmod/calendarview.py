"""What ``gcmod calendar`` prints, in Japanese or English.

Pure functions from a :class:`~gcmod.runcalendar.RunningCalendar` (and the events
and hours already computed from it) to text; the command does the I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from gcmod.cost.arithmetic import HOURS_PER_MONTH
from gcmod.runcalendar import Event, RunningCalendar
from gcmod.terminology import ENVIRONMENTS_JA
from gcmod.textable import render

#: Hours in the month the estimate prices (730 = 8,760 / 12).
HOURS_24_7 = int(HOURS_PER_MONTH)

_WEEKDAYS = {
    "ja": ("月", "火", "水", "木", "金", "土", "日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_KIND = {
    "ja": {"start": "起動", "stop": "停止"},
    "en": {"start": "start", "stop": "stop"},
}


def weekday(at: dt.datetime, lang: str) -> str:
    """Short weekday name of ``at`` (``木`` / ``Thu``), independent of the C locale."""
    return _WEEKDAYS[lang][at.weekday()]


def unscheduled(stack: str, environment: str, lang: str) -> str:
    """The line for a stack that declares no shutdown schedule."""
    if lang == "ja":
        env = ENVIRONMENTS_JA.get(environment, environment)
        return (
            f"スタック {stack} ({env}) には自動停止のスケジュールがありません。"
            f"常時稼働します (月 {HOURS_24_7} 時間)。"
        )
    return (
        f"stack {stack} ({environment}) has no shutdown schedule: it runs 24/7 "
        f"({HOURS_24_7} h a month)."
    )


def text(
    stack: str,
    cal: RunningCalendar,
    after: dt.datetime,
    events: Sequence[Event],
    hours: Mapping[str, Mapping[str, float]],
    lang: str,
) -> str:
    """The calendar as two tables: the next events, and running hours per month."""
    ja = lang == "ja"
    start, end = cal.horizon_start, cal.horizon_end
    if ja:
        head = [
            f"スタック {stack}: 予定の期間 {start} – {end} (終了日を含まない)、Asia/Tokyo",
            "",
            f"{after:%Y-%m-%d %H:%M} (JST) 以降の起動・停止 {len(events)} 件",
        ]
        columns = ["日時 (JST)", "曜日", "対象", "操作"]
        hours_title = f"月間稼働時間 (時間。常時稼働なら {HOURS_24_7} 時間)"
        month = "月"
    else:
        head = [
            f"stack {stack}: schedule horizon {start} – {end} (exclusive), Asia/Tokyo",
            "",
            f"next {len(events)} events after {after:%Y-%m-%d %H:%M} JST",
        ]
        columns = ["WHEN (JST)", "DAY", "TARGET", "EVENT"]
        hours_title = f"monthly running hours (24/7 would be {HOURS_24_7} h)"
        month = "MONTH"
    kinds = _KIND[lang]
    events_table = render(
        columns,
        [
            (f"{e.at:%Y-%m-%d %H:%M}", weekday(e.at, lang), e.target, kinds.get(e.kind, e.kind))
            for e in events
        ],
    )
    targets = list(hours)
    months = sorted({m for h in hours.values() for m in h})
    hours_table = render(
        [month, *targets],
        [(m, *(f"{hours[t].get(m, 0.0):.1f}" for t in targets)) for m in months],
        right=tuple(range(1, len(targets) + 1)),
    )
    return "\n".join([*head, events_table, "", hours_title, hours_table])
