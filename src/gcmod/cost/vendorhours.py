"""Running hours of resources that a program's own schedules stop and start.

gcmod's components tag what they schedule (``gcmod:schedule``) and the estimate
reads their calendar (:mod:`gcmod.runcalendar`). A vendor's program stops and
starts servers and databases with schedules of its own; the rules already
recognise them (:func:`gcmod.policies.schedules.schedule_of`, the one place that
decides what stops and starts a resource). The estimate asks the same place
and prices the hours between each start and the next stop
(:mod:`gcmod.cronhours`), over twelve months from the first day of the current
month (Asia/Tokyo).

A resource is priced 24/7, with a note saying why, when its schedule cannot be
read before deployment (an expression not known), uses a form gcmod does not
evaluate (``rate()``, ``at()``, ``L``/``W``/``#``), or is kept outside the
program (the AWS Instance Scheduler's periods live in its own configuration).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gcmod.cost.arithmetic import HOURS_PER_MONTH
from gcmod.cost.phrase import Phrase
from gcmod.cronhours import CronUnsupported, Trigger, monthly_hours
from gcmod.graph import ResourceGraph, ResourceNode

#: How the hours of a resource that never stops were found.
ALWAYS_ON = Phrase("24/7", "24時間365日")


def this_month() -> dt.date:
    """First day of the current month in Japan: where the twelve priced months begin."""
    now = dt.datetime.now(dt.UTC) + dt.timedelta(hours=9)
    return dt.date(now.year, now.month, 1)


class VendorSchedules:
    """Monthly running hours of a graph's resources under the program's own schedules."""

    def __init__(self, graph: ResourceGraph, first_day: dt.date | None = None) -> None:
        self.graph = graph
        self.first_day = first_day or this_month()
        self._views: Any = None
        from gcmod.policies.resviews import load_unknown_proxy

        load_unknown_proxy()  # the schedule evidence without the Pulumi SDK
        from gcmod.policies import schedules

        self._schedules = schedules
        self._any = any(r.type in schedules.SCHEDULERS for r in graph.resources)

    def hours(self, node: ResourceNode) -> tuple[float, Phrase, Phrase | None]:
        """(monthly hours, how they were found, a note when priced 24/7 for want of
        a readable schedule), in English and Japanese."""
        sch = self._schedules
        tag = sch.INSTANCE_SCHEDULER_TAG.lower()
        if not self._any and not any(str(k).lower() == tag for k in node.tags):
            return HOURS_PER_MONTH, ALWAYS_ON, None
        from gcmod.policies.resviews import ResourceViews

        if self._views is None:
            self._views = ResourceViews(self.graph)
        try:
            decision = sch.schedule_of(self._views.of(node), self._views.linked())
        except sch.UnknownValueError:
            return HOURS_PER_MONTH, ALWAYS_ON, None
        if not decision.scheduled:
            return HOURS_PER_MONTH, ALWAYS_ON, None
        actions = (*decision.stops, *decision.starts)
        if not actions:
            return (
                HOURS_PER_MONTH,
                ALWAYS_ON,
                Phrase(
                    f"{node.name}: {decision.source.en}; its periods are configured outside "
                    "the program, so it is priced 24/7",
                    f"{node.name}: {decision.source.ja}。停止する期間はプログラムの外で設定"
                    "されているため、24時間365日で積算",
                ),
            )
        triggers = []
        for a in actions:
            if a.when is None:
                return (
                    HOURS_PER_MONTH,
                    ALWAYS_ON,
                    Phrase(
                        f"{node.name}: the time of {a.label()} is not known before "
                        "deployment; priced 24/7",
                        f"{node.name}: {a.label()} の時刻はデプロイ前には分からないため、"
                        "24時間365日で積算",
                    ),
                )
            triggers.append(Trigger(a.kind, a.when[0], a.when[1]))
        try:
            hours = monthly_hours(triggers, self.first_day)
        except CronUnsupported as exc:
            return (
                HOURS_PER_MONTH,
                ALWAYS_ON,
                Phrase(
                    f"{node.name}: {exc}; priced 24/7",
                    f"{node.name}: gcmod が評価しない形式のスケジュール ({exc})。24時間365日で積算",
                ),
            )
        except ValueError as exc:
            return (
                HOURS_PER_MONTH,
                ALWAYS_ON,
                Phrase(
                    f"{node.name}: schedule not readable ({exc}); 24/7",
                    f"{node.name}: スケジュールを読めない ({exc})。24時間365日で積算",
                ),
            )
        names = ", ".join(sorted({a.by.name for a in actions}))
        return hours, Phrase(f"scheduled by {names}", f"{names} による自動停止"), None
