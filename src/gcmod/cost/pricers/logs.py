"""Amazon CloudWatch Logs: log groups."""

from __future__ import annotations

from gcmod.cost.arithmetic import (
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
from gcmod.graph import ResourceNode


def log_group_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    log_class: str | Phrase,
    gb_per_month: float,
    retention_days: float | None,
    storage_ratio: float,
    infrequent: bool = False,
    tenant: str = SHARED,
) -> list[Charge]:
    """A CloudWatch log group: ingestion and the storage its retention keeps.
    ``log_class``: a log class (a name, the same in both languages) or words."""
    cls = log_class if isinstance(log_class, Phrase) else Phrase.same(log_class)
    stored = retained_gb(per_day(gb_per_month), retention_days) * storage_ratio
    keep = (
        Phrase("never expires: average over 5 years", "無期限保存: 5年間の平均")
        if retention_days is None
        else Phrase(f"{_n(retention_days)}-day retention", f"{_n(retention_days)}日保存")
    )
    ia = Phrase(" (Infrequent Access)", " (低頻度アクセス)") if infrequent else Phrase("", "")
    return [
        Charge(
            resource,
            rtype,
            "logs",
            Phrase(
                f"CloudWatch Logs ingestion{ia.en}, {cls.en} ({_n(gb_per_month)} GB)",
                f"CloudWatch Logs の取り込み{ia.ja}、{cls.ja} ({_n(gb_per_month)} GB)",
            ),
            "logs.ingest-ia.gb" if infrequent else "logs.ingest.gb",
            region,
            gb_per_month,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "logs",
            Phrase(
                f"CloudWatch Logs storage, {cls.en} ({_n(gb_per_month)} GB/month, {keep.en}"
                f"{'' if storage_ratio == 1 else f', × {_n(storage_ratio)} stored/ingested'})",
                f"CloudWatch Logs の保存、{cls.ja} (月 {_n(gb_per_month)} GB、{keep.ja}"
                f"{'' if storage_ratio == 1 else f'、保存量/取り込み量 × {_n(storage_ratio)}'})",
            ),
            "logs.storage.gb-month",
            region,
            stored,
            tenant,
        ),
    ]


def _log_class(node: ResourceNode, ctx: PricingContext) -> str | None:
    name = str(node.inputs.get("name") or node.name)
    last = name.rstrip("/").rsplit("/", 1)[-1]
    return last if last in ctx.usage.log_gb_per_month else None


@pricer("aws:cloudwatch/logGroup:LogGroup")
def price_log_group(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A log group: its class's ingestion (``logGbPerMonth``, matched by the last
    part of the group name) and the storage its retention keeps (never expiring:
    the 5-year average)."""
    cls = _log_class(node, ctx)
    if cls is None:
        name = node.inputs.get("name") or node.name
        ctx.note(
            "log groups without a usage volume",
            Phrase(
                f"{name}: not a log class of the usage profile; ingestion and storage not priced",
                f"{name}: 使用量プロファイルのログ区分に当たらないため、取り込みと保存は"
                "積算していません",
            ),
        )
        return []
    retention = _num(node.inputs.get("retentionInDays"))
    return log_group_charges(
        node.name,
        node.type,
        ctx.region(node),
        log_class=cls,
        gb_per_month=ctx.usage.log_gb_per_month[cls],
        retention_days=retention if retention else None,
        storage_ratio=ctx.usage.log_storage_ratio,
        infrequent=node.inputs.get("logGroupClass") == "INFREQUENT_ACCESS",
        tenant=ctx.tenant(node),
    )


def _prefix_class(prefix: str, ctx: PricingContext) -> str | None:
    cls = prefix.strip("/").split("/", 1)[0]
    return cls if cls in ctx.usage.log_gb_per_month else None
