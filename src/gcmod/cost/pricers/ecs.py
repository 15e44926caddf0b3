"""Amazon ECS on Fargate: services (tasks, scheduled peaks) and clusters."""

from __future__ import annotations

import re

from gcmod.cost.arithmetic import (
    HOURS_PER_MONTH,
)
from gcmod.cost.phrase import EMPTY, Phrase
from gcmod.cost.pricers.core import (
    SHARED,
    Charge,
    PricingContext,
    _n,
    _num,
    pricer,
)
from gcmod.graph import ResourceNode

# Building block shared with the baseline model
FARGATE_ARCH = {"ARM64": "arm64", "X86_64": "x86_64"}


def fargate_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    tasks: float,
    vcpu: float,
    memory_gb: float,
    arch: str,
    hours: float,
    tenant: str = SHARED,
    what: Phrase = EMPTY,
) -> list[Charge]:
    """Fargate vCPU-hours and GB-hours of ``tasks`` tasks running ``hours`` hours."""
    a = FARGATE_ARCH.get(arch.upper(), arch.lower())
    label = f"Fargate {arch.upper()}" + (" " + what if what else "")
    return [
        Charge(
            resource,
            rtype,
            "compute",
            label
            + Phrase(
                f" vCPU-hours ({_n(tasks)} tasks × {_n(vcpu)} vCPU × {_n(hours)} h)",
                f" の vCPU 時間 (タスク {_n(tasks)}個 × {_n(vcpu)} vCPU × {_n(hours)}時間)",
            ),
            f"fargate.vcpu-hour.{a}",
            region,
            tasks * vcpu * hours,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "compute",
            label
            + Phrase(
                f" GB-hours ({_n(tasks)} tasks × {_n(memory_gb)} GB × {_n(hours)} h)",
                f" のメモリー GB 時間 (タスク {_n(tasks)}個 × {_n(memory_gb)} GB × "
                f"{_n(hours)}時間)",
            ),
            f"fargate.gb-hour.{a}",
            region,
            tasks * memory_gb * hours,
            tenant,
        ),
    ]


_PEAK_CRON = re.compile(r"^cron\((\d{1,2}) (\d{1,2}) (\d{1,2}) \* \? \*\)$")


def _peak_hours(start: str, end: str) -> float | None:
    """Hours a month between two monthly crons ``cron(M H D * ? *)`` (730-h month)."""
    a, b = _PEAK_CRON.match(start), _PEAK_CRON.match(end)
    if not a or not b:
        return None

    def at(m: re.Match[str]) -> float:
        return (int(m[3]) - 1) * 24 + int(m[2]) + int(m[1]) / 60

    return (at(b) - at(a)) % HOURS_PER_MONTH


@pricer("aws:ecs/service:Service")
def price_ecs_service(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """Fargate tasks: the autoscaling minimum (or ``desiredCount``) × the task
    definition's vCPU and memory × running hours, plus the extra tasks each
    scheduled peak holds during its hours."""
    region, tenant = ctx.region(node), ctx.tenant(node)
    strategies = node.inputs.get("capacityProviderStrategies") or []
    providers = {str(s.get("capacityProvider")) for s in strategies if isinstance(s, dict)}
    launch = node.inputs.get("launchType")
    if launch == "EC2" or (providers and not providers & {"FARGATE", "FARGATE_SPOT"}):
        ctx.note(
            "unpriced",
            Phrase(
                f"{node.name}: ECS on EC2 capacity; the container instances are priced as EC2",
                f"{node.name}: EC2 容量で動く ECS のため、コンテナインスタンスは EC2 として積算",
            ),
        )
        return []
    tds = ctx.deps(node, "taskDefinition") or ctx.siblings(
        node, "aws:ecs/taskDefinition:TaskDefinition"
    )
    if len(tds) != 1:
        ctx.note(
            "unpriced",
            Phrase(
                f"{node.name}: task definition not found; tasks not priced",
                f"{node.name}: タスク定義が見つからないため、タスクは積算していません",
            ),
        )
        return []
    td = tds[0]
    vcpu = (_num(td.inputs.get("cpu")) or 0) / 1024
    mem = (_num(td.inputs.get("memory")) or 0) / 1024
    arch = str(td.get("runtimePlatform.cpuArchitecture") or "X86_64")
    if not vcpu or not mem:
        ctx.note(
            "unpriced",
            Phrase(
                f"{node.name}: task size unknown; tasks not priced",
                f"{node.name}: タスクのサイズが不明なため、タスクは積算していません",
            ),
        )
        return []
    targets = [
        t
        for t in ctx.siblings(node, "aws:appautoscaling/target:Target")
        if t.inputs.get("serviceNamespace") == "ecs"
    ]
    base = _num(targets[0].inputs.get("minCapacity")) if len(targets) == 1 else None
    how = Phrase("autoscaling minimum", "オートスケーリングの最小数")
    if base is None:
        base = _num(node.inputs.get("desiredCount"), 1.0) or 0.0
        how = Phrase.same("desiredCount")
    hours, hours_how = ctx.hours(node, "ecs-service")
    spot = "FARGATE_SPOT" in providers
    out = fargate_charges(
        node.name,
        node.type,
        region,
        tasks=base,
        vcpu=vcpu,
        memory_gb=mem,
        arch=arch,
        hours=hours,
        tenant=tenant,
        what="[" + how + Phrase(", ", "、") + hours_how + "]",
    )
    if spot:
        ctx.note(
            "assumptions",
            Phrase(
                f"{node.name}: FARGATE_SPOT weight priced at on-demand Fargate prices "
                "(upper bound)",
                f"{node.name}: FARGATE_SPOT の分もオンデマンドの Fargate 料金で積算 (上限値)",
            ),
        )
    # Scheduled peaks: (peak minimum − base) extra tasks during the peak.
    actions = ctx.siblings(node, "aws:appautoscaling/scheduledAction:ScheduledAction")
    starts = {a.name[: -len("-start")]: a for a in actions if a.name.endswith("-start")}
    ends = {a.name[: -len("-end")]: a for a in actions if a.name.endswith("-end")}
    for stem, a in sorted(starts.items()):
        b = ends.get(stem)
        peak_min = _num(a.get("scalableTargetAction.minCapacity"))
        if b is None or peak_min is None or peak_min <= base:
            continue
        h = _peak_hours(str(a.inputs.get("schedule")), str(b.inputs.get("schedule")))
        if h is None:
            ctx.note(
                "unpriced",
                Phrase(
                    f"{stem}: peak schedule not a monthly day-of-month cron; extra tasks not "
                    "priced",
                    f"{stem}: ピークのスケジュールが毎月の日付指定の cron ではないため、"
                    "追加タスクは積算していません",
                ),
            )
            continue
        peak = stem.rsplit("-peak-", 1)[-1]
        out += fargate_charges(
            node.name,
            node.type,
            region,
            tasks=peak_min - base,
            vcpu=vcpu,
            memory_gb=mem,
            arch=arch,
            hours=h,
            tenant=tenant,
            what=Phrase(
                f"[peak {peak}: extra minimum tasks]", f"[ピーク {peak}: 最小数に追加するタスク]"
            ),
        )
    return out


@pricer("aws:ecs/cluster:Cluster")
def price_ecs_cluster(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """ECS clusters are free; Container Insights would bill CloudWatch metrics."""
    for s in node.inputs.get("settings") or []:
        if isinstance(s, dict) and s.get("name") == "containerInsights":
            if s.get("value") in ("enabled", "enhanced"):
                ctx.note(
                    "unpriced",
                    Phrase(
                        f"{node.name}: Container Insights metrics and logs are not priced",
                        f"{node.name}: Container Insights のメトリクスとログは積算していません",
                    ),
                )
    return []
