"""Amazon EventBridge Scheduler: schedule groups and their invocations."""

from __future__ import annotations

import re

from gcmod.cost.arithmetic import (
    DAYS_PER_MONTH,
)
from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import (
    Charge,
    PricingContext,
    _n,
    pricer,
)
from gcmod.graph import ResourceNode


def _invocations_per_month(schedules: list[ResourceNode]) -> float:
    """EventBridge Scheduler invocations a month: each monthly schedule fires on
    the days its cron lists, averaged over the months the schedules cover; a
    daily one every day."""
    from gcmod.officecalendar import parse_cron_days

    daily = 0
    months: set[tuple[int, int]] = set()
    fires = 0
    for s in schedules:
        expr = str(s.inputs.get("scheduleExpression", ""))
        if re.match(r"^cron\(\d{1,2} \d{1,2} \* \* \? \*\)$", expr):
            daily += 1
            continue
        try:
            year, month, days, _ = parse_cron_days(expr)
        except (ValueError, TypeError):
            continue
        months.add((year, month))
        fires += len(days)
    return (fires / len(months) if months else 0.0) + daily * DAYS_PER_MONTH


@pricer("aws:scheduler/scheduleGroup:ScheduleGroup")
def price_schedule_group(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """The group is free; its schedules' invocations are billed (per million,
    after a monthly free tier the catalogue's tiers carry)."""
    group = node.inputs.get("name")
    scheds = [
        s
        for s in ctx.graph.of_type("aws:scheduler/schedule:Schedule")
        if (group is not None and s.inputs.get("groupName") == group)
    ] or ctx.siblings(node, "aws:scheduler/schedule:Schedule")
    n = _invocations_per_month(scheds)
    return [
        ctx.charge(
            node,
            "operations",
            Phrase(
                f"EventBridge Scheduler invocations ({len(scheds)} schedules, {_n(n)}/month)",
                f"EventBridge Scheduler の呼び出し (スケジュール {len(scheds)}個、月 {_n(n)}回)",
            ),
            "scheduler.million-invocations",
            n / 1e6,
            ctx.tenant(node),
        )
    ]
