"""Amazon S3: the log archive's storage tiers and lifecycle transitions."""

from __future__ import annotations

from typing import Any

from gcmod.cost.arithmetic import (
    HOURS_PER_MONTH,
    per_day,
    retained_gb,
)
from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import (
    SHARED,
    Charge,
    PricingContext,
    _n,
    _num,
    pricer,
)
from gcmod.cost.pricers.logs import _prefix_class
from gcmod.graph import ResourceNode

#: S3 storage class (lifecycle ``storageClass``) -> catalogue key part.
S3_CLASS_KEYS = {
    "STANDARD": "standard",
    "STANDARD_IA": "standard-ia",
    "GLACIER_IR": "glacier-ir",
    "DEEP_ARCHIVE": "deep-archive",
    "GLACIER": "glacier",
    "ONEZONE_IA": "onezone-ia",
    "INTELLIGENT_TIERING": "intelligent-tiering",
}


def archive_label(log_class: str) -> Phrase:
    """The archive of one log class."""
    return Phrase(f"{log_class} archive", f"{log_class} のアーカイブ")


def archive_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    label: Phrase,
    gb_per_month: float,
    transitions: list[tuple[float, str]],
    expiry_days: float | None,
    tenant: str = SHARED,
) -> list[Charge]:
    """Steady-state S3 storage of a prefix written at ``gb_per_month``, moved
    through ``transitions`` ``(days, storage class)`` and expired after
    ``expiry_days`` (``None``: kept, 5-year average). Each tier holds
    *daily volume × days spent in it*. Lifecycle transition requests (one per
    object per transition) are charged per 1,000 objects."""
    daily = per_day(gb_per_month)
    steps = sorted(transitions)
    bounds = [0.0] + [float(d) for d, _ in steps]
    classes = ["STANDARD"] + [sc for _, sc in steps]
    out: list[Charge] = []
    for i, sc in enumerate(classes):
        start = bounds[i]
        end = bounds[i + 1] if i + 1 < len(bounds) else expiry_days
        if end is None:
            days_here: float | None = None
            stored = retained_gb(daily, None) - retained_gb(daily, start)
        else:
            days_here = max(end - start, 0.0)
            stored = retained_gb(daily, days_here)
        span = (
            Phrase("kept (5-year average)", "削除しない (5年間の平均)")
            if days_here is None
            else Phrase(f"{_n(days_here)} days", f"{_n(days_here)}日")
        )
        out.append(
            Charge(
                resource,
                rtype,
                "logs",
                Phrase(
                    f"S3 {sc} storage, {label.en} ({_n(gb_per_month)} GB/month × {span.en})",
                    f"S3 {sc} の保存、{label.ja} (月 {_n(gb_per_month)} GB × {span.ja})",
                ),
                f"s3.{S3_CLASS_KEYS.get(sc, sc.lower().replace('_', '-'))}.gb-month",
                region,
                max(stored, 0.0),
                tenant,
            )
        )
    return out


def transition_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    label: Phrase,
    objects_per_month: float,
    transitions: list[tuple[float, str]],
    tenant: str = SHARED,
) -> list[Charge]:
    """S3 lifecycle transition requests: every object makes each transition once."""
    return [
        Charge(
            resource,
            rtype,
            "logs",
            Phrase(
                f"S3 lifecycle transitions to {sc}, {label.en} "
                f"({_n(objects_per_month)} objects/month)",
                f"S3 ライフサイクルによる {sc} への移行、{label.ja} "
                f"(月 {_n(objects_per_month)} オブジェクト)",
            ),
            f"s3.lifecycle-transition.{S3_CLASS_KEYS.get(sc, sc.lower())}.thousand-requests",
            region,
            objects_per_month / 1000,
            tenant,
        )
        for _, sc in sorted(transitions)
    ]


#: Kind of protected resource -> catalogue key of its backup storage.
#: Aurora and RDS snapshots taken by AWS Backup are billed as the database's
#: snapshot storage (AWS Backup pricing page lists "Amazon Aurora snapshot" and
#: "Amazon RDS database snapshot" under backup storage; the AWS Backup
#: Developer Guide, "Metering, costs, and billing": resources without full AWS
#: Backup management are billed by their service); EBS and others at AWS
#: Backup's warm storage; lift-and-shift scripts at EBS snapshot storage.
def _objects_per_month(stream: ResourceNode, gb: float) -> float:
    """Objects a Firehose stream writes a month: one per buffering interval, or
    more when the size buffer fills first."""
    conf = stream.inputs.get("extendedS3Configuration") or {}
    interval = _num(conf.get("bufferingInterval"), 300.0) or 300.0
    size_mb = _num(conf.get("bufferingSize"), 5.0) or 5.0
    by_time = HOURS_PER_MONTH * 3600 / interval
    by_size = gb * 1024 / size_mb
    return max(by_time, by_size)


def _archive_rules(bucket: ResourceNode, ctx: PricingContext) -> list[dict[str, Any]]:
    lcs = ctx.referrers(
        bucket, "bucket", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    )
    rules: list[dict[str, Any]] = []
    for lc in lcs:
        rules += [r for r in lc.inputs.get("rules") or [] if isinstance(r, dict)]
    return rules


@pricer("aws:s3/bucket:Bucket")
def price_s3_bucket(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A log archive bucket: per lifecycle rule whose prefix is a log class, the
    steady-state storage in each tier (class volume × ``archiveCompressionRatio``
    × days in tier) and the transition requests of the objects Firehose writes.
    Other buckets hold data the usage profile does not size: listed, not priced."""
    region, tenant = ctx.region(node), ctx.tenant(node)
    out: list[Charge] = []
    streams = ctx.referrers(
        node, "extendedS3Configuration", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
    )
    for rule in _archive_rules(node, ctx):
        prefix = str((rule.get("filter") or {}).get("prefix") or rule.get("prefix") or "")
        cls = _prefix_class(prefix, ctx) if prefix else None
        if cls is None or rule.get("status") == "Disabled":
            continue
        gb = ctx.usage.log_gb_per_month[cls] * ctx.usage.archive_compression_ratio
        transitions = [
            (float(t["days"]), str(t["storageClass"]))
            for t in rule.get("transitions") or []
            if isinstance(t, dict) and _num(t.get("days")) is not None
        ]
        expiry = _num((rule.get("expiration") or {}).get("days"))
        out += archive_charges(
            node.name,
            node.type,
            region,
            label=archive_label(cls),
            gb_per_month=gb,
            transitions=transitions,
            expiry_days=expiry,
            tenant=tenant,
        )
        writer = [
            s
            for s in streams
            if str((s.inputs.get("extendedS3Configuration") or {}).get("prefix", "")) == prefix
        ]
        objects = _objects_per_month(writer[0], gb) if writer else 0.0
        out += transition_charges(
            node.name,
            node.type,
            region,
            label=archive_label(cls),
            objects_per_month=objects,
            transitions=transitions,
            tenant=tenant,
        )
    if not out:
        ctx.note(
            "buckets without a usage volume",
            Phrase(
                f"{node.name}: holds data the usage profile does not size; storage not priced",
                f"{node.name}: 使用量プロファイルで量の分からないデータのため、保存は"
                "積算していません",
            ),
        )
    return out
