"""Running calendar read back from a synthesized graph's shutdown schedules.

What ``gcmod calendar`` prints and what the cost estimate uses: start and
stop events and monthly running hours per scheduled resource, computed from
the EventBridge Scheduler schedules the stack declares (not from the config),
so the figures are those of what would be deployed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from gcmod.components.tags import TAG_HORIZON_END as HORIZON_TAG
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.officecalendar import JST, parse_cron_days

SCHEDULE_TYPE = "aws:scheduler/schedule:Schedule"
GROUP_TYPE = "aws:scheduler/scheduleGroup:ScheduleGroup"
_DAILY = re.compile(r"^cron\((\d{1,2}) (\d{1,2}) \* \* \? \*\)$")
_TARGET = re.compile(r"aws-sdk:(?P<service>[a-z]+):(?P<action>[A-Za-z]+)$")


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    target: str
    kind: str  # "start" | "stop"


@dataclass
class TargetCalendar:
    """Events of one scheduled resource over the horizon."""

    target: str
    resource_kind: str  # "ecs-service" | "aurora-cluster"
    events: list[Event] = field(default_factory=list)

    def running_intervals(self) -> list[tuple[dt.datetime, dt.datetime]]:
        out: list[tuple[dt.datetime, dt.datetime]] = []
        started: dt.datetime | None = None
        for ev in sorted(self.events, key=lambda e: (e.at, e.kind != "stop")):
            if ev.kind == "start" and started is None:
                started = ev.at
            elif ev.kind == "stop" and started is not None:
                out.append((started, ev.at))
                started = None
        return out

    def monthly_hours(self) -> dict[str, float]:
        hours: dict[str, float] = defaultdict(float)
        for a, b in self.running_intervals():
            hours[f"{a.year:04d}-{a.month:02d}"] += (b - a).total_seconds() / 3600
        return dict(sorted(hours.items()))


@dataclass(frozen=True)
class RunningCalendar:
    horizon_start: dt.date
    horizon_end: dt.date
    targets: dict[str, TargetCalendar]

    def next_events(self, after: dt.datetime, count: int) -> list[Event]:
        evs = sorted(
            (e for t in self.targets.values() for e in t.events if e.at > after),
            key=lambda e: (e.at, e.target),
        )
        return evs[:count]


def _kind_of(node: ResourceNode) -> tuple[str, str] | None:
    """(resource kind, event kind) of a schedule: the resource from its universal
    target, start or stop from the action (RDS) or the schedule's name (ECS, whose
    input is unknown before deployment because it names the cluster)."""
    target = node.inputs.get("target") or {}
    m = _TARGET.search(str(target.get("arn", "")))
    if not m:
        return None
    if m["service"] == "rds":
        return "aurora-cluster", "start" if m["action"] == "startDBCluster" else "stop"
    if m["service"] == "applicationautoscaling":
        name = str(node.inputs.get("name") or node.name)
        for kind in ("start", "stop"):
            if f"-{kind}-" in name:
                return "ecs-service", kind
    return None


def _target_name(node: ResourceNode, kind: str) -> str:
    group = str(node.inputs.get("groupName", ""))
    name = str(node.inputs.get("name") or node.name)
    rest = name[len(group) + 1 :] if group and name.startswith(group + "-") else name
    return rest.split(f"-{kind}-", 1)[0]


def from_graph(graph: ResourceGraph) -> RunningCalendar | None:
    """The running calendar of ``graph``, or None when it has no shutdown schedules."""
    groups = graph.of_type(GROUP_TYPE)
    schedules = graph.of_type(SCHEDULE_TYPE)
    if not groups or not schedules:
        return None
    ends = [dt.date.fromisoformat(g.tags[HORIZON_TAG]) for g in groups if HORIZON_TAG in g.tags]
    monthly: list[tuple[ResourceNode, str, str, int, int, list[int], dt.time]] = []
    daily: list[tuple[ResourceNode, str, str, dt.time]] = []
    for node in schedules:
        kinds = _kind_of(node)
        if kinds is None:
            continue
        expr = str(node.inputs.get("scheduleExpression", ""))
        d = _DAILY.match(expr)
        if d:
            daily.append((node, *kinds, dt.time(int(d[2]), int(d[1]))))
        else:
            year, month, days, at = parse_cron_days(expr)
            monthly.append((node, *kinds, year, month, days, at))
    if not monthly:
        return None
    first = min(dt.date(y, m, 1) for _, _, _, y, m, _, _ in monthly)
    end = (
        max(ends)
        if ends
        else max(dt.date(y + m // 12, m % 12 + 1, 1) for _, _, _, y, m, _, _ in monthly)
    )
    targets: dict[str, TargetCalendar] = {}

    def cal(node: ResourceNode, rkind: str, ekind: str) -> TargetCalendar:
        name = _target_name(node, ekind)
        return targets.setdefault(name, TargetCalendar(name, rkind))

    for node, rkind, ekind, year, month, days, at in monthly:
        c = cal(node, rkind, ekind)
        c.events += [
            Event(dt.datetime.combine(dt.date(year, month, day), at, JST), c.target, ekind)
            for day in days
        ]
    for node, rkind, ekind, at in daily:
        c = cal(node, rkind, ekind)
        day = first
        while day < end:
            c.events.append(Event(dt.datetime.combine(day, at, JST), c.target, ekind))
            day += dt.timedelta(days=1)
    for c in targets.values():
        c.events.sort(key=lambda e: e.at)
    return RunningCalendar(first, end, targets)
