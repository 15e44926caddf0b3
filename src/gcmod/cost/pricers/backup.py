"""AWS Backup and Data Lifecycle Manager: recovery points, copies, snapshots."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gcmod.cost.arithmetic import DAYS_PER_MONTH, backup_stored_gb, never_expire_points
from gcmod.cost.phrase import EMPTY, Phrase
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


@dataclass(frozen=True)
class BackupRule:
    """How AWS bills the backups of one kind of resource (one documented rule)."""

    key: str
    """Catalogue key of the stored recovery points."""
    points: str
    """``incremental``: one full copy, then changed blocks; ``full``: every
    recovery point is billed at the full size of the data."""
    copies: str
    """``incremental`` or ``full``: how a cross-region copy is transferred and stored."""
    allowance: str
    """What is free: ``none``, ``automated-window`` (snapshots are not billed
    while younger than the automated-backup retention; the free allowance of
    the cluster's volume size is used by the automated backup itself), or
    ``provisioned-storage`` (free up to the instance's provisioned storage)."""
    cold: bool
    """Whether AWS Backup can move its recovery points to cold storage, where
    each one is a full copy."""
    source: str
    """The AWS documentation page the rule follows, and the date it was read."""


#: Billing rules of backups, by kind of protected resource. Each cites its page.
BACKUP_RULES: dict[str, BackupRule] = {
    "aurora": BackupRule(
        key="aurora.backup.gb-month",
        points="full",
        copies="full",
        allowance="automated-window",
        cold=False,
        source=(
            "Amazon Aurora User Guide, 'Understanding Amazon Aurora backup storage usage' "
            "(https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-storage-"
            "backup.html, read 2026-12-02): snapshots (AWS Backup takes manual cluster "
            "snapshots) are each 'the size of the cluster volume at the time you take the "
            "snapshot' and count once older than the automated backup's retention period; "
            "the free amount (the cluster volume size) is subtracted from the automated "
            "backup usage. Copies: Aurora User Guide, 'Copying a DB cluster snapshot' "
            "(read 2026-12-02): 'Aurora DB cluster snapshot copies are always full copies'"
        ),
    ),
    "rds": BackupRule(
        key="rds.snapshot.gb-month",
        points="incremental",
        copies="full",
        allowance="provisioned-storage",
        cold=False,
        source=(
            "Amazon RDS User Guide, 'Introduction to backups' and 'Creating a DB snapshot' "
            "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CreateSnapshot.html, "
            "read 2026-12-02): the first snapshot holds the full database, later ones the "
            "changed data; Amazon RDS pricing page, 'Backup storage': no additional charge "
            "up to 100% of the provisioned database storage in the region. Copies to another "
            "region: full, because a cross-region copy is re-encrypted with the destination "
            "region's key and RDS copies incrementally only with the same key ('Copying a DB "
            "snapshot', incremental snapshot copying; conservative reading)"
        ),
    ),
    "ebs": BackupRule(
        key="backup.warm.gb-month",
        points="incremental",
        copies="incremental",
        allowance="none",
        cold=True,
        source=(
            "AWS Backup pricing page, 'AWS Backup storage' (https://aws.amazon.com/backup/"
            "pricing/, read 2026-12-02): 'For the first backup of an AWS resource, a full copy "
            "of your data is saved. For each incremental backup, only the changed part ... is "
            "saved'; Amazon EBS User Guide, 'Archive Amazon EBS snapshots' (read 2026-12-02): "
            "an archived (cold) snapshot is converted to a full snapshot; EBS snapshot copies "
            "after the first to the same region are incremental"
        ),
    ),
    "snapshot-script": BackupRule(
        key="ebs.snapshot.gb-month",
        points="full",
        copies="full",
        allowance="none",
        cold=False,
        source=(
            "lift-and-shift baseline: a backup server writes a full copy every night (the "
            "estimate checklist, 2025-04, asks for differential instead of full backups); "
            "stored at the EBS snapshot price"
        ),
    ),
}
#: Kind -> catalogue key of its stored recovery points (kept for callers).
BACKUP_KEYS = {kind: rule.key for kind, rule in BACKUP_RULES.items()}
#: Kinds whose cross-region copies are full copies.
FULL_COPY_KINDS = frozenset(k for k, r in BACKUP_RULES.items() if r.copies == "full")
#: Kinds AWS Backup can move to cold storage.
COLD_KINDS = frozenset(k for k, r in BACKUP_RULES.items() if r.cold)


def _keep(days: float | None) -> Phrase:
    """How long recovery points are kept."""
    if days is None:
        return Phrase("never deleted: 5-year average", "削除しない: 5年間の平均")
    return Phrase(f"{_n(days)} d", f"{_n(days)}日")


def _points(retention_days: float | None) -> float:
    return never_expire_points() if retention_days is None else max(retention_days, 0.0)


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
    automated_days: float = 1.0,
    allowance_gb: float = 0.0,
    continuous: bool = False,
    include_local: bool = True,
    tenant: str = SHARED,
    what: Phrase = EMPTY,
) -> list[Charge]:
    """Daily recovery points of ``full_gb`` kept ``retention_days``, billed by
    the rule of ``kind`` (:data:`BACKUP_RULES`), optional cold storage, and a
    daily copy to ``copy_region`` kept ``copy_retention_days``: transfer out of
    ``region`` and storage in ``copy_region``.

    ``incremental=False`` forces full copies whatever the kind (a backup
    server's nightly full dump). ``automated_days``: the retention of the
    database's own automated backup (Aurora snapshots younger than it are not
    billed). ``allowance_gb``: free backup storage (RDS: provisioned storage).
    ``continuous``: AWS Backup's continuous backup of Aurora/RDS is the
    database's own automated (incremental) backup, with the free allowance of
    the volume size. ``include_local=False`` gives only the copy's lines (a
    second copy action of the same rule).
    """
    rule = BACKUP_RULES[kind]
    full_points = rule.points == "full" or not incremental
    label = what + " " if what else EMPTY
    keep = _keep(retention_days)
    out: list[Charge] = []
    cold_gb = 0.0
    warm_days = retention_days
    if cold_after_days is not None and rule.cold and retention_days is not None:
        warm_days = min(cold_after_days, retention_days)
        cold_gb = full_gb * max(retention_days - cold_after_days, 0.0)  # full copies when cold
    if continuous and kind in ("aurora", "rds"):
        stored = backup_stored_gb(full_gb, daily_change, warm_days)
        free = min(full_gb if kind == "aurora" else allowance_gb, stored)
        warm = stored - free
        how = Phrase(
            f"continuous backup (the database's automated backup) of {_n(full_gb)} GB, "
            f"{_n(daily_change * 100)} %/day change, kept {keep.en}, less {_n(free)} GB free",
            f"{_n(full_gb)} GB の継続的バックアップ (データベースの自動バックアップ)、"
            f"1日の変更率 {_n(daily_change * 100)}%、{keep.ja}保持、無料分 {_n(free)} GB を除く",
        )
        allowance_gb = 0.0
    elif full_points:
        billed_points = _points(warm_days)
        how = Phrase(
            f"daily full copies of {_n(full_gb)} GB kept {keep.en}",
            f"{_n(full_gb)} GB の毎日のフルコピー、{keep.ja}保持",
        )
        if rule.allowance == "automated-window":
            billed_points = max(billed_points - automated_days, 0.0)
            how = Phrase(
                f"daily snapshots, each the full {_n(full_gb)} GB, kept {keep.en}; billed once "
                f"older than the {_n(automated_days)}-day automated backup: "
                f"{_n(billed_points)} × {_n(full_gb)} GB",
                f"毎日のスナップショット (各 {_n(full_gb)} GB 全体)、{keep.ja}保持。"
                f"{_n(automated_days)}日間の自動バックアップより古いものに課金: "
                f"{_n(billed_points)} × {_n(full_gb)} GB",
            )
        warm = full_gb * billed_points
    else:
        warm = backup_stored_gb(full_gb, daily_change, warm_days)
        how = Phrase(
            f"daily incremental of {_n(full_gb)} GB ({_n(daily_change * 100)} %/day change) "
            f"kept {keep.en}",
            f"{_n(full_gb)} GB の毎日の増分 (1日の変更率 {_n(daily_change * 100)}%)、{keep.ja}保持",
        )
    if rule.allowance == "provisioned-storage" and allowance_gb > 0:
        free = min(allowance_gb, warm)
        warm -= free
        how += Phrase(
            f", less {_n(free)} GB free (up to the provisioned storage)",
            f"、無料分 {_n(free)} GB を除く (プロビジョニング済みストレージまで無料)",
        )
    out.append(
        Charge(resource, rtype, "backup",
               label + Phrase("backup storage, ", "バックアップの保存: ") + how,
               rule.key, region, max(warm, 0.0), tenant)
    )  # fmt: skip
    if not include_local:
        out = []
        cold_gb = 0.0
    if cold_gb > 0:
        out.append(
            Charge(
                resource,
                rtype,
                "backup",
                label
                + Phrase(
                    f"backup cold storage after {_n(cold_after_days or 0)} d "
                    "(full copies when cold)",
                    f"{_n(cold_after_days or 0)}日後からのバックアップのコールドストレージ "
                    "(コールドではフルコピー)",
                ),
                "backup.cold.gb-month",
                region,
                cold_gb,
                tenant,
            )
        )
    if copy_region is not None:
        full_copies = rule.copies == "full" or not incremental
        per_copy = full_gb if full_copies else full_gb * daily_change
        out.append(
            Charge(
                resource,
                rtype,
                "backup",
                label
                + Phrase(
                    f"cross-region copy to {copy_region} "
                    f"({'full' if full_copies else 'incremental'} {_n(per_copy)} GB × "
                    f"{_n(DAYS_PER_MONTH)} days)",
                    f"{copy_region} へのリージョン間コピー "
                    f"({'フル' if full_copies else '増分'} {_n(per_copy)} GB × "
                    f"{_n(DAYS_PER_MONTH)}日)",
                ),
                "backup.cross-region-transfer.gb",
                region,
                per_copy * DAYS_PER_MONTH,
                tenant,
            )
        )
        keep_dr = _keep(copy_retention_days)
        out.append(
            Charge(
                resource,
                rtype,
                "backup",
                label
                + Phrase(
                    f"DR copies in {copy_region} "
                    f"({'full copies' if full_copies else 'incremental'}, kept {keep_dr.en}; "
                    "no free allowance: no database runs there)",
                    f"{copy_region} の DR コピー "
                    f"({'フルコピー' if full_copies else '増分'}、{keep_dr.ja}保持。"
                    "データベースが動いていないため無料分なし)",
                ),
                rule.key,
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


def _allowance(node: ResourceNode) -> float:
    """Free backup storage of an RDS DB instance: its provisioned storage."""
    if node.type == "aws:rds/instance:Instance":
        return _num(node.inputs.get("allocatedStorage"), 20.0) or 0.0
    return 0.0


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
            ctx.note(
                "assumptions",
                Phrase(
                    f"{sel.name}: resources selected by ARN are not resolved offline",
                    f"{sel.name}: ARN で選んだリソースはオフラインでは特定できません",
                ),
            )
    return list(found.values())


@pricer("aws:backup/plan:Plan")
def price_backup_plan(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """AWS Backup: for each rule and each resource its selections pick (by tag),
    daily recovery points kept ``deleteAfter`` days billed by the rule of the
    resource's kind (:data:`BACKUP_RULES`: Aurora snapshots full beyond the
    automated-backup window, RDS and EBS incremental), cold storage where the
    rule moves points there, and each copy action: cross-region transfer and
    the copies' storage in the destination vault's region."""
    region, u = ctx.region(node), ctx.usage
    protected = _selected(node, ctx)
    if not protected:
        ctx.note(
            "assumptions",
            Phrase(
                f"{node.name}: selects nothing in this stack",
                f"{node.name}: このスタックのリソースを何も選択していません",
            ),
        )
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
            ctx.note(
                "assumptions",
                Phrase(
                    f"{node.name}/{rule.get('ruleName')}: schedule {sched} priced as daily",
                    f"{node.name}/{rule.get('ruleName')}: スケジュール {sched} を毎日として積算",
                ),
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
                        ctx.note(
                            "assumptions",
                            Phrase(
                                f"{node.name}: copy destination not in another region of this "
                                "graph; copy not priced",
                                f"{node.name}: コピー先が構成内の別リージョンにないため、"
                                "コピーは積算していません",
                            ),
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
                    automated_days=_num(res.inputs.get("backupRetentionPeriod"), 1.0) or 1.0,
                    allowance_gb=_allowance(res),
                    continuous=rule.get("enableContinuousBackup") is True,
                    include_local=first,  # the local recovery points once per rule
                    tenant=ctx.tenant(res),
                    what=Phrase.same(f"{res.name} ({rule.get('ruleName', 'rule')})"),
                )
                out += charges
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
                ctx.charge(
                    node,
                    "backup",
                    Phrase(
                        f"EBS snapshots of {v.name} ({_n(gb)} GB, {_n(count or 0)} kept)",
                        f"{v.name} の EBS スナップショット ({_n(gb)} GB、{_n(count or 0)}世代保持)",
                    ),
                    "ebs.snapshot.gb-month",
                    stored,
                    ctx.tenant(v),
                )
            )
    return out
