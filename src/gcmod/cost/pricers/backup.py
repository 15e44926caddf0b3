"""AWS Backup and Data Lifecycle Manager: recovery points, copies, snapshots."""

from __future__ import annotations

import re

from gcmod.cost.arithmetic import (
    DAYS_PER_MONTH,
    backup_stored_gb,
)
from gcmod.cost.pricers.core import (
    SHARED,
    Charge,
    PricingContext,
    _data_gb,
    _n,
    _num,
    pricer,
)
from gcmod.cost.pricers.ec2 import _block_devices
from gcmod.graph import UNKNOWN, ResourceNode

BACKUP_KEYS = {
    "aurora": "aurora.backup.gb-month",
    "rds": "rds.snapshot.gb-month",
    "ebs": "backup.warm.gb-month",
    "snapshot-script": "ebs.snapshot.gb-month",
}
#: Kinds whose cross-region copies are always full copies. Source: Amazon
#: Aurora User Guide, "Copying a DB cluster snapshot": "Aurora doesn't support
#: incremental snapshot copying. Aurora DB cluster snapshot copies are always
#: full copies." (RDS and EBS copies after the first are incremental.)
FULL_COPY_KINDS = frozenset({"aurora"})
#: Kinds AWS Backup can move to cold storage (the backup component's doc:
#: Aurora snapshots stay warm).
COLD_KINDS = frozenset({"ebs"})


def backup_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    kind: str,
    full_gb: float,
    daily_change: float,
    retention_days: float | None,
    incremental: bool = True,
    cold_after_days: float | None = None,
    copy_region: str | None = None,
    copy_retention_days: float | None = None,
    tenant: str = SHARED,
    what: str = "",
) -> list[Charge]:
    """Daily backups of ``full_gb`` kept ``retention_days`` (one full copy and
    increments, or full copies), optional cold storage, and a daily copy to
    ``copy_region`` kept ``copy_retention_days``: transfer out of ``region``
    and storage in ``copy_region`` (full copies for Aurora)."""
    key = BACKUP_KEYS[kind]
    label = f"{what} " if what else ""
    style = "incremental" if incremental else "full copies"
    keep = "never deleted: 5-year average" if retention_days is None else f"{_n(retention_days)} d"
    out: list[Charge] = []
    cold_gb = 0.0
    if cold_after_days is not None and kind in COLD_KINDS and retention_days is not None:
        warm = backup_stored_gb(
            full_gb, daily_change, min(cold_after_days, retention_days), incremental=incremental
        )
        cold_gb = backup_stored_gb(
            full_gb, daily_change, retention_days, incremental=incremental
        ) - backup_stored_gb(full_gb, daily_change, cold_after_days, incremental=incremental)
    else:
        warm = backup_stored_gb(full_gb, daily_change, retention_days, incremental=incremental)
    out.append(
        Charge(
            resource,
            rtype,
            "backup",
            f"{label}backup storage, daily {style} of {_n(full_gb)} GB "
            f"({_n(daily_change * 100)} %/day change) kept {keep}",
            key,
            region,
            warm,
            tenant,
        )
    )
    if cold_gb > 0:
        out.append(
            Charge(
                resource,
                rtype,
                "backup",
                f"{label}backup cold storage after {_n(cold_after_days or 0)} d",
                "backup.cold.gb-month",
                region,
                cold_gb,
                tenant,
            )
        )
    if copy_region is not None:
        full_copies = (kind in FULL_COPY_KINDS) or not incremental
        per_copy = full_gb if full_copies else full_gb * daily_change
        out.append(
            Charge(
                resource,
                rtype,
                "backup",
                f"{label}cross-region copy to {copy_region} "
                f"({'full' if full_copies else 'incremental'} {_n(per_copy)} GB × "
                f"{_n(DAYS_PER_MONTH)} days)",
                "backup.cross-region-transfer.gb",
                region,
                per_copy * DAYS_PER_MONTH,
                tenant,
            )
        )
        keep_dr = (
            "never deleted: 5-year average"
            if copy_retention_days is None
            else f"{_n(copy_retention_days)} d"
        )
        out.append(
            Charge(
                resource,
                rtype,
                "backup",
                f"{label}DR copies in {copy_region} "
                f"({'full copies' if full_copies else 'incremental'}, kept {keep_dr})",
                key,
                copy_region,
                backup_stored_gb(
                    full_gb, daily_change, copy_retention_days, incremental=not full_copies
                ),
                tenant,
            )
        )
    return out


_PROTECTABLE = {
    "aws:rds/cluster:Cluster": "aurora",
    "aws:rds/instance:Instance": "rds",
    "aws:ebs/volume:Volume": "ebs",
    "aws:ec2/instance:Instance": "ebs",
}


def _protected_size(node: ResourceNode, ctx: PricingContext) -> float:
    if node.type == "aws:rds/cluster:Cluster":
        return _data_gb(node, ctx.usage.data)
    if node.type == "aws:rds/instance:Instance":
        return _data_gb(node, _num(node.inputs.get("allocatedStorage"), 0.0) or 0.0)
    if node.type == "aws:ebs/volume:Volume":
        return _data_gb(node, _num(node.inputs.get("size"), 0.0) or 0.0)
    return sum(gb for _, gb, _, _ in _block_devices(node.inputs))


def _selected(plan: ResourceNode, ctx: PricingContext) -> list[ResourceNode]:
    sels = ctx.referrers(plan, "planId", "aws:backup/selection:Selection") or ctx.siblings(
        plan, "aws:backup/selection:Selection"
    )
    found: dict[str, ResourceNode] = {}
    for sel in sels:
        conds = [
            c
            for c in sel.inputs.get("selectionTags") or []
            if isinstance(c, dict) and c.get("type", "STRINGEQUALS") == "STRINGEQUALS"
        ]
        for r in ctx.graph.resources:
            if r.type in _PROTECTABLE and conds:
                if all(r.tags.get(c.get("key")) == c.get("value") for c in conds):
                    found[r.urn] = r
        if [x for x in sel.inputs.get("resources") or [] if x != UNKNOWN]:
            ctx.notes["assumptions"].append(
                f"{sel.name}: resources selected by ARN are not resolved offline"
            )
    return list(found.values())


@pricer("aws:backup/plan:Plan")
def price_backup_plan(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """AWS Backup: for each rule and each resource its selections pick (by tag),
    daily recovery points kept ``deleteAfter`` days (one full copy + increments
    of ``backupDailyChangeRate``), cold storage where the rule moves points
    there, and each copy action: cross-region transfer and the copies' storage
    in the destination vault's region (full copies for Aurora)."""
    region, u = ctx.region(node), ctx.usage
    protected = _selected(node, ctx)
    if not protected:
        ctx.notes["assumptions"].append(f"{node.name}: selects nothing in this stack")
        return []
    vault_regions = {
        v.region or region
        for v in ctx.deps(node, "rules")
        if v.type == "aws:backup/vault:Vault" and (v.region or region) != region
    }
    out: list[Charge] = []
    for rule in node.inputs.get("rules") or []:
        if not isinstance(rule, dict):
            continue
        sched = str(rule.get("schedule") or "")
        if sched and not re.match(r"^cron\(\S+ \S+ \* \* \? \*\)$", sched):
            ctx.notes["assumptions"].append(
                f"{node.name}/{rule.get('ruleName')}: schedule {sched} priced as daily"
            )
        life = rule.get("lifecycle") or {}
        keep = _num(life.get("deleteAfter"))
        cold = _num(life.get("coldStorageAfter"))
        copies = [c for c in rule.get("copyActions") or [] if isinstance(c, dict)]
        for res in protected:
            kind = _PROTECTABLE[res.type]
            full = _protected_size(res, ctx)
            first = True
            for copy in copies or [None]:
                dest = None
                dest_keep: float | None = None
                if copy is not None:
                    dest = next(iter(sorted(vault_regions)), None)
                    if dest is None:
                        ctx.notes["assumptions"].append(
                            f"{node.name}: copy destination not in another region of this "
                            "graph; copy not priced"
                        )
                    dest_keep = _num((copy.get("lifecycle") or {}).get("deleteAfter"))
                charges = backup_charges(
                    node.name,
                    node.type,
                    region,
                    kind=kind,
                    full_gb=full,
                    daily_change=u.backup_daily_change_rate,
                    retention_days=keep,
                    cold_after_days=cold,
                    copy_region=dest,
                    copy_retention_days=dest_keep,
                    tenant=ctx.tenant(res),
                    what=f"{res.name} ({rule.get('ruleName', 'rule')})",
                )
                # The local recovery points are counted once per rule.
                out += charges if first else charges[1:]
                first = False
    return out


@pricer("aws:dlm/lifecyclePolicy:LifecyclePolicy")
def price_dlm_policy(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """Data Lifecycle Manager: snapshots of the volumes its target tags pick,
    ``retain count`` kept (EBS snapshots store changed blocks after the first)."""
    details = node.inputs.get("policyDetails") or {}
    targets = details.get("targetTags") or {}
    vols = [
        v
        for v in ctx.graph.of_type("aws:ebs/volume:Volume")
        if targets and all(v.tags.get(k) == val for k, val in targets.items())
    ]
    out: list[Charge] = []
    for sched in details.get("schedules") or []:
        count = _num((sched.get("retainRule") or {}).get("count"))
        for v in vols:
            gb = _data_gb(v, _num(v.inputs.get("size"), 0.0) or 0.0)
            stored = backup_stored_gb(gb, ctx.usage.backup_daily_change_rate, count)
            out.append(
                Charge(
                    node.name,
                    node.type,
                    "backup",
                    f"EBS snapshots of {v.name} ({_n(gb)} GB, {_n(count or 0)} kept)",
                    "ebs.snapshot.gb-month",
                    ctx.region(node),
                    stored,
                    ctx.tenant(v),
                )
            )
    return out
