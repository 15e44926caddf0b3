"""Resource graph -> planned monthly :class:`~gcmod.cost.model.Estimate`.

One small pricer per resource type, all registered in :data:`PRICERS` (the
``@pricer`` decorator), turns a :class:`~gcmod.graph.ResourceNode` into
:class:`Charge` s: a quantity of one catalogue key in one region. A second
step, :func:`price_charges`, prices the charges with the catalogue, the same
function the lift-and-shift baseline and the lever waterfall use
(:mod:`gcmod.cost.baseline`). So every figure is *quantity × catalogue price*,
and the quantity says how it was computed (``description``).

Rules
-----
* **Region**: a charge is priced in the region of its resource (``node.region``),
  so the DR vault in Osaka is priced at Osaka's prices.
* **Tenant**: the ``gcmod:tenant`` tag (``shared`` when absent).
* **Running hours**: 730 a month (24/7, AWS's convention) unless the stack's
  shutdown schedules stop the resource: then the average monthly hours of the
  running calendar read back from the graph (:mod:`gcmod.runcalendar`). The ECS
  service's and the Aurora cluster's hours come from the calendar targets of
  their kind in the schedule group named by their ``gcmod:schedule`` tag.
* **A missing price is never zero**: a key the catalogue lacks becomes a
  :class:`~gcmod.cost.model.MissingPrice` in ``Estimate.missing``.
* **Tiers** (free tiers, volume tiers) are applied to the stack's total of a
  key in a region, then shared among its lines pro rata (an account pays the
  tiers once, not per resource). Account-wide free tiers shared with other
  stacks are not known here, so they are credited to this stack in full.
* Types in :data:`FREE_TYPES` cost nothing by themselves (the reason is
  given); types in :data:`PRICED_VIA` are priced with another resource; any
  other type without a pricer is listed as *unpriced* in the estimate's notes,
  never silently dropped.
* What the graph cannot say (data size, traffic, log volume) is the usage
  profile (:mod:`gcmod.cost.usage`).

Known simplifications (each says which way it errs)
-----------------------------------------------------
* On-demand Linux list prices; no Savings Plans, reserved instances or the
  Government Cloud's volume discounts (the deck's short-term measures), so
  every absolute figure is an upper bound.
* Data transfer inside a region and to the internet is not priced (a
  back-office system behind an internal load balancer sends little out).
* CloudWatch Logs Insights queries, X-Ray, CloudTrail, Config and Security Hub
  are account-level services outside the stack.
* AWS Backup restore testing restores the Aurora cluster monthly for about an
  hour; AWS Backup charges per GB restored only for some resource types, and
  the restored cluster is deleted after validation. It is listed, not priced.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from gcmod.components.tags import TAG_SCHEDULE as SCHEDULE_TAG
from gcmod.cost.arithmetic import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    average_acu,
    backup_stored_gb,
    monthly_hours,
    per_day,
    retained_gb,
    rotated_key_months,
)
from gcmod.cost.model import Category, Estimate, LineItem, MissingPrice
from gcmod.cost.usage import Usage
from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.pricing.catalog import MissingPriceError, Price

TENANT_TAG = "gcmod:tenant"
DATA_GB_TAG = "gcmod:data-gb"
SHARED = "shared"


class PriceSource(Protocol):
    """What the cost model needs of a price catalogue (:class:`gcmod.pricing.Catalog`)."""

    jpy_per_usd: float
    fx_source: str

    def get(self, key: str, region: str) -> Price: ...


# ---------------------------------------------------------------------------
# Charges and their pricing
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Charge:
    """A quantity of one catalogue key, before it is priced."""

    resource: str
    resource_type: str
    category: Category
    description: str
    price_key: str
    region: str
    quantity: float
    tenant: str = SHARED


def price_charges(label: str, charges: Iterable[Charge], catalog: PriceSource) -> Estimate:
    """Price ``charges`` into an :class:`Estimate` (the one pricing function of the model).

    Zero quantities are dropped. A key the catalogue lacks in a region gives
    one :class:`MissingPrice` per charge. Tiered prices are applied to the total
    quantity of the key in the region, then shared pro rata.
    """
    todo = [c for c in charges if c.quantity > 0]
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for c in todo:
        totals[(c.price_key, c.region)] += c.quantity
    prices: dict[tuple[str, str], Price | None] = {}
    for ident in totals:
        try:
            prices[ident] = catalog.get(*ident)
        except MissingPriceError:
            prices[ident] = None
    tier_cost = {
        ident: p.cost(totals[ident]) for ident, p in prices.items() if p is not None and p.tiers
    }
    est = Estimate(label)
    for c in todo:
        ident = (c.price_key, c.region)
        price = prices[ident]
        if price is None:
            est.missing.append(
                MissingPrice(
                    resource=c.resource,
                    resource_type=c.resource_type,
                    price_key=c.price_key,
                    region=c.region,
                    reason=f"no price for {c.price_key} in {c.region} in the catalogue: "
                    f"{c.description} is not counted",
                )
            )
            continue
        if price.tiers:
            monthly = tier_cost[ident] * c.quantity / totals[ident]
            unit_price = monthly / c.quantity
        else:
            monthly = c.quantity * price.usd
            unit_price = price.usd
        est.lines.append(
            LineItem(
                resource=c.resource,
                resource_type=c.resource_type,
                category=c.category,
                description=c.description,
                quantity=c.quantity,
                unit=price.unit,
                unit_price_usd=unit_price,
                monthly_usd=monthly,
                price_key=c.price_key,
                region=c.region,
                tenant=c.tenant,
            )
        )
    return est


def _n(x: float) -> str:
    """A number for a description: integers plainly, others to 4 significant digits."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4g}"


# ---------------------------------------------------------------------------
# Building blocks shared with the baseline model
# ---------------------------------------------------------------------------
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
    what: str = "",
) -> list[Charge]:
    """Fargate vCPU-hours and GB-hours of ``tasks`` tasks running ``hours`` hours."""
    a = FARGATE_ARCH.get(arch.upper(), arch.lower())
    label = f"Fargate {arch.upper()}{' ' + what if what else ''}"
    return [
        Charge(
            resource,
            rtype,
            "compute",
            f"{label} vCPU-hours ({_n(tasks)} tasks × {_n(vcpu)} vCPU × {_n(hours)} h)",
            f"fargate.vcpu-hour.{a}",
            region,
            tasks * vcpu * hours,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "compute",
            f"{label} GB-hours ({_n(tasks)} tasks × {_n(memory_gb)} GB × {_n(hours)} h)",
            f"fargate.gb-hour.{a}",
            region,
            tasks * memory_gb * hours,
            tenant,
        ),
    ]


def aurora_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    instances: int,
    min_acu: float,
    max_acu: float,
    utilisation: float,
    hours: float,
    data_gb: float,
    io_requests: float,
    tenant: str = SHARED,
) -> list[Charge]:
    """Aurora Serverless v2: ACU-hours of each serverless instance, storage, I/O."""
    acu = average_acu(min_acu, max_acu, utilisation)
    return [
        Charge(
            resource,
            rtype,
            "database",
            f"Aurora Serverless v2 ACU-hours ({instances} instance(s) × {_n(acu)} ACU average "
            f"[{_n(min_acu)} + {_n(utilisation)} × ({_n(max_acu)} − {_n(min_acu)})] × "
            f"{_n(hours)} h)",
            "aurora.acu-hour",
            region,
            instances * acu * hours,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "database",
            f"Aurora storage ({_n(data_gb)} GB of data today; grows on demand)",
            "aurora.storage.gb-month",
            region,
            data_gb,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "database",
            f"Aurora I/O ({_n(io_requests / 1e6)} million requests)",
            "aurora.io.million-requests",
            region,
            io_requests / 1e6,
            tenant,
        ),
    ]


def ec2_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    instance_type: str,
    count: float,
    hours: float,
    volumes: Iterable[tuple[str, float]] = (),
    public_ips: float = 0,
    tenant: str = SHARED,
    what: str = "",
) -> list[Charge]:
    """EC2 instance-hours, the EBS volumes of each instance, public IPv4 addresses."""
    label = f"{what} " if what else ""
    out = [
        Charge(
            resource,
            rtype,
            "compute",
            f"EC2 {label}{instance_type} ({_n(count)} × {_n(hours)} h)",
            f"ec2.instance-hour.{instance_type}",
            region,
            count * hours,
            tenant,
        )
    ]
    for vtype, gb in volumes:
        out += ebs_charges(resource, rtype, region, volume_type=vtype, gb=gb * count, tenant=tenant)
    if public_ips:
        out.append(
            public_ip_charge(resource, rtype, region, count=public_ips * count, tenant=tenant)
        )
    return out


def ebs_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    volume_type: str,
    gb: float,
    iops: float | None = None,
    throughput: float | None = None,
    tenant: str = SHARED,
) -> list[Charge]:
    """An EBS volume's GB-months, and provisioned IOPS/throughput where billed."""
    vt = volume_type.lower()
    out = [
        Charge(
            resource,
            rtype,
            "storage",
            f"EBS {vt} ({_n(gb)} GB provisioned)",
            f"ebs.{vt}.gb-month",
            region,
            gb,
            tenant,
        )
    ]
    # gp3 includes 3,000 IOPS and 125 MB/s; io1/io2 bill every provisioned IOPS.
    if vt == "gp3" and iops and iops > 3000:
        out.append(
            Charge(
                resource,
                rtype,
                "storage",
                f"EBS gp3 IOPS above the included 3,000 ({_n(iops - 3000)})",
                "ebs.gp3.iops-month",
                region,
                iops - 3000,
                tenant,
            )
        )
    if vt == "gp3" and throughput and throughput > 125:
        out.append(
            Charge(
                resource,
                rtype,
                "storage",
                f"EBS gp3 throughput above the included 125 MB/s ({_n(throughput - 125)})",
                "ebs.gp3.mbps-month",
                region,
                throughput - 125,
                tenant,
            )
        )
    if vt in ("io1", "io2") and iops:
        out.append(
            Charge(
                resource,
                rtype,
                "storage",
                f"EBS {vt} provisioned IOPS ({_n(iops)})",
                f"ebs.{vt}.iops-month",
                region,
                iops,
                tenant,
            )
        )
    return out


def rds_instance_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    engine: str,
    instance_class: str,
    multi_az: bool,
    hours: float,
    storage_type: str,
    storage_gb: float,
    tenant: str = SHARED,
    what: str = "",
) -> list[Charge]:
    """An RDS DB instance: instance-hours (Multi-AZ priced as such) and storage."""
    az = "-multiaz" if multi_az else ""
    label = f"{what} " if what else ""
    st = storage_type.lower()
    return [
        Charge(
            resource,
            rtype,
            "database",
            f"RDS {engine} {label}{instance_class}{' Multi-AZ' if multi_az else ''} "
            f"({_n(hours)} h)",
            f"rds.instance-hour.{engine}{az}.{instance_class}",
            region,
            hours,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "database",
            f"RDS {st} storage{' Multi-AZ' if multi_az else ''} ({_n(storage_gb)} GB provisioned)",
            f"rds.storage.{st}{az}.gb-month",
            region,
            storage_gb,
            tenant,
        ),
    ]


def alb_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    lcu: float,
    hours: float = HOURS_PER_MONTH,
    public_ips: int = 0,
    tenant: str = SHARED,
) -> list[Charge]:
    """An Application Load Balancer: hours, LCU-hours, and the public IPv4 address
    of each AZ node when internet-facing."""
    out = [
        Charge(
            resource, rtype, "network", f"ALB ({_n(hours)} h)", "alb.hour", region, hours, tenant
        ),
        Charge(
            resource,
            rtype,
            "network",
            f"ALB LCU-hours ({_n(lcu)} LCU average × {_n(hours)} h)",
            "alb.lcu-hour",
            region,
            lcu * hours,
            tenant,
        ),
    ]
    if public_ips:
        out.append(public_ip_charge(resource, rtype, region, count=public_ips, tenant=tenant))
    return out


def nat_charges(
    resource: str, rtype: str, region: str, *, count: float, gb: float, tenant: str = SHARED
) -> list[Charge]:
    """NAT gateways: hours and GB processed (the Elastic IPs are priced separately)."""
    return [
        Charge(
            resource,
            rtype,
            "network",
            f"NAT gateway ({_n(count)} × 730 h)",
            "natgateway.hour",
            region,
            count * HOURS_PER_MONTH,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "network",
            f"NAT gateway data processed ({_n(gb)} GB)",
            "natgateway.gb",
            region,
            gb,
            tenant,
        ),
    ]


def public_ip_charge(
    resource: str, rtype: str, region: str, *, count: float, tenant: str = SHARED
) -> Charge:
    """Public IPv4 addresses, billed per hour whether in use or not (since 2024-02)."""
    return Charge(
        resource,
        rtype,
        "network",
        f"public IPv4 address ({_n(count)} × 730 h)",
        "publicipv4.hour",
        region,
        count * HOURS_PER_MONTH,
        tenant,
    )


def log_group_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    log_class: str,
    gb_per_month: float,
    retention_days: float | None,
    storage_ratio: float,
    infrequent: bool = False,
    tenant: str = SHARED,
) -> list[Charge]:
    """A CloudWatch log group: ingestion and the storage its retention keeps."""
    stored = retained_gb(per_day(gb_per_month), retention_days) * storage_ratio
    keep = (
        "never expires: average over 5 years"
        if retention_days is None
        else f"{_n(retention_days)}-day retention"
    )
    ia = " (Infrequent Access)" if infrequent else ""
    return [
        Charge(
            resource,
            rtype,
            "logs",
            f"CloudWatch Logs ingestion{ia}, {log_class} ({_n(gb_per_month)} GB)",
            "logs.ingest-ia.gb" if infrequent else "logs.ingest.gb",
            region,
            gb_per_month,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "logs",
            f"CloudWatch Logs storage, {log_class} ({_n(gb_per_month)} GB/month, {keep}"
            f"{'' if storage_ratio == 1 else f', × {_n(storage_ratio)} stored/ingested'})",
            "logs.storage.gb-month",
            region,
            stored,
            tenant,
        ),
    ]


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


def archive_charges(
    resource: str,
    rtype: str,
    region: str,
    *,
    label: str,
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
        span = "kept (5-year average)" if days_here is None else f"{_n(days_here)} days"
        out.append(
            Charge(
                resource,
                rtype,
                "logs",
                f"S3 {sc} storage, {label} ({_n(gb_per_month)} GB/month × {span})",
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
    label: str,
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
            f"S3 lifecycle transitions to {sc}, {label} ({_n(objects_per_month)} objects/month)",
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


# ---------------------------------------------------------------------------
# The pricing context and the registry
# ---------------------------------------------------------------------------
@dataclass
class PricingContext:
    """Everything a pricer may read besides its node."""

    graph: ResourceGraph
    usage: Usage
    scheduled: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    """Schedule group -> resource kind -> calendar target -> average monthly hours."""
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Things the estimate could not price or had to assume, by topic."""

    def region(self, node: ResourceNode) -> str:
        return node.region or self.graph.region

    def tenant(self, node: ResourceNode) -> str:
        t = node.tags.get(TENANT_TAG)
        return t if isinstance(t, str) and t and t != UNKNOWN else SHARED

    def siblings(self, node: ResourceNode, *types: str) -> list[ResourceNode]:
        return [
            r
            for r in self.graph.resources
            if r.parent == node.parent and (not types or r.type in types)
        ]

    def deps(self, node: ResourceNode, prop: str | None = None) -> list[ResourceNode]:
        urns = node.property_dependencies.get(prop, ()) if prop else node.dependencies
        return [self.graph.by_urn[u] for u in urns if u in self.graph.by_urn]

    def referrers(self, node: ResourceNode, prop: str, *types: str) -> list[ResourceNode]:
        """Resources whose input ``prop`` depends on ``node``."""
        return [
            r
            for r in self.graph.resources
            if node.urn in r.property_dependencies.get(prop, ()) and (not types or r.type in types)
        ]

    def hours(self, node: ResourceNode, kind: str) -> tuple[float, str]:
        """Monthly running hours of a scheduled resource, and how they were found."""
        group = node.tags.get(SCHEDULE_TAG)
        if not isinstance(group, str) or group not in self.scheduled:
            return HOURS_PER_MONTH, "24/7"
        targets = self.scheduled[group].get(kind, {})
        if len(targets) == 1:
            (name, h), *_ = targets.items()
        else:
            match = [(n, h) for n, h in targets.items() if n in node.name]
            if len(match) != 1:
                self.notes["hours"].append(
                    f"{node.name}: tagged {SCHEDULE_TAG}={group} but no single {kind} target "
                    "in its running calendar; priced 24/7"
                )
                return HOURS_PER_MONTH, "24/7"
            name, h = match[0]
        return monthly_hours(h), f"scheduled: calendar target {name!r}"


Pricer = Callable[[ResourceNode, PricingContext], list[Charge]]
#: Pulumi type token -> pricer. Register with ``@pricer(token, ...)``.
PRICERS: dict[str, Pricer] = {}


def pricer(*tokens: str) -> Callable[[Pricer], Pricer]:
    def register(fn: Pricer) -> Pricer:
        for t in tokens:
            if t in PRICERS:
                raise ValueError(f"two pricers for {t}")
            PRICERS[t] = fn
        return fn

    return register


#: Types that cost nothing by themselves, and why.
FREE_TYPES: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "VPCs are free",
    "aws:ec2/subnet:Subnet": "subnets are free",
    "aws:ec2/routeTable:RouteTable": "route tables are free",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "free",
    "aws:ec2/route:Route": "free",
    "aws:ec2/internetGateway:InternetGateway": "internet gateways are free (data transfer is not)",
    "aws:ec2/securityGroup:SecurityGroup": "security groups are free",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "free",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "free",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "free",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "free",
    "aws:ec2/volumeAttachment:VolumeAttachment": "free (the volume is priced)",
    "aws:iam/role:Role": "IAM is free",
    "aws:iam/rolePolicy:RolePolicy": "IAM is free",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
    "aws:iam/policy:Policy": "IAM is free",
    "aws:iam/instanceProfile:InstanceProfile": "IAM is free",
    "aws:lb/listener:Listener": "included in the load balancer's hours and LCUs",
    "aws:lb/listenerRule:ListenerRule": "rule evaluations are an LCU dimension (usage albLcu)",
    "aws:lb/targetGroup:TargetGroup": "included in the load balancer",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": "free",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "free",
    "aws:appautoscaling/target:Target": "Application Auto Scaling is free",
    "aws:appautoscaling/policy:Policy": "Application Auto Scaling is free",
    "aws:acm/certificate:Certificate": "public ACM certificates are free",
    "aws:kms/alias:Alias": "aliases are free",
    "aws:backup/vault:Vault": "vaults are free (recovery points are priced with the plan)",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "free",
    "aws:backup/regionSettings:RegionSettings": "free (a setting of the account and region)",
    "aws:backup/selection:Selection": "free (what it selects is priced with the plan)",
    "aws:rds/subnetGroup:SubnetGroup": "free",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "free",
    "aws:rds/parameterGroup:ParameterGroup": "free",
    "aws:s3/bucketPolicy:BucketPolicy": "free",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "free",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "free",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "SSE-S3 is free (SSE-KMS requests are KMS requests)"
    ),
    "aws:s3/bucketVersioning:BucketVersioning": "free (extra versions are storage)",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (
        "free (the storage it shapes is priced with the bucket)"
    ),
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": (
        "free (the Firehose stream it feeds is priced)"
    ),
    "aws:ec2/launchTemplate:LaunchTemplate": "free (instances are priced)",
    "aws:ssm/document:Document": "free",
    "aws:ssm/association:Association": "State Manager is free",
}
#: Types priced together with another resource (no line of their own).
PRICED_VIA: dict[str, str] = {
    "aws:ecs/taskDefinition:TaskDefinition": "priced with its ECS service",
    "aws:appautoscaling/scheduledAction:ScheduledAction": "peaks priced with the ECS service",
    "aws:scheduler/schedule:Schedule": "invocations priced with its schedule group",
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": (
        "listed, not priced: a monthly ~1 h restore of the Aurora cluster, deleted after validation"
    ),
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": "with its restore testing plan",
}


# ---------------------------------------------------------------------------
# Pricers
# ---------------------------------------------------------------------------
def _num(value: Any, default: float | None = None) -> float | None:
    if isinstance(value, bool) or value is None or value == UNKNOWN:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


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
        ctx.notes["unpriced"].append(
            f"{node.name}: ECS on EC2 capacity; the container instances are priced as EC2"
        )
        return []
    tds = ctx.deps(node, "taskDefinition") or ctx.siblings(
        node, "aws:ecs/taskDefinition:TaskDefinition"
    )
    if len(tds) != 1:
        ctx.notes["unpriced"].append(f"{node.name}: task definition not found; tasks not priced")
        return []
    td = tds[0]
    vcpu = (_num(td.inputs.get("cpu")) or 0) / 1024
    mem = (_num(td.inputs.get("memory")) or 0) / 1024
    arch = str(td.get("runtimePlatform.cpuArchitecture") or "X86_64")
    if not vcpu or not mem:
        ctx.notes["unpriced"].append(f"{node.name}: task size unknown; tasks not priced")
        return []
    targets = [
        t
        for t in ctx.siblings(node, "aws:appautoscaling/target:Target")
        if t.inputs.get("serviceNamespace") == "ecs"
    ]
    base = _num(targets[0].inputs.get("minCapacity")) if len(targets) == 1 else None
    how = "autoscaling minimum"
    if base is None:
        base = _num(node.inputs.get("desiredCount"), 1.0) or 0.0
        how = "desiredCount"
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
        what=f"[{how}, {hours_how}]",
    )
    if spot:
        ctx.notes["assumptions"].append(
            f"{node.name}: FARGATE_SPOT weight priced at on-demand Fargate prices (upper bound)"
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
            ctx.notes["unpriced"].append(
                f"{stem}: peak schedule not a monthly day-of-month cron; extra tasks not priced"
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
            what=f"[peak {peak}: extra minimum tasks]",
        )
    return out


@pricer("aws:ecs/cluster:Cluster")
def price_ecs_cluster(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """ECS clusters are free; Container Insights would bill CloudWatch metrics."""
    for s in node.inputs.get("settings") or []:
        if isinstance(s, dict) and s.get("name") == "containerInsights":
            if s.get("value") in ("enabled", "enhanced"):
                ctx.notes["unpriced"].append(
                    f"{node.name}: Container Insights metrics and logs are not priced"
                )
    return []


def _aurora_instances(cluster: ResourceNode, ctx: PricingContext) -> list[ResourceNode]:
    found = ctx.referrers(cluster, "clusterIdentifier", "aws:rds/clusterInstance:ClusterInstance")
    return found or ctx.siblings(cluster, "aws:rds/clusterInstance:ClusterInstance")


def _secret_charge(node: ResourceNode, ctx: PricingContext, what: str) -> Charge:
    return Charge(
        node.name,
        node.type,
        "security",
        f"Secrets Manager secret ({what})",
        "secretsmanager.secret-month",
        ctx.region(node),
        1,
        ctx.tenant(node),
    )


@pricer("aws:rds/cluster:Cluster")
def price_aurora_cluster(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """Aurora PostgreSQL: ACU-hours of its ``db.serverless`` instances (average
    capacity from the usage profile), storage of today's data, I/O from the
    request volume; the RDS-managed master password is one secret."""
    region, tenant, u = ctx.region(node), ctx.tenant(node), ctx.usage
    out: list[Charge] = []
    if node.inputs.get("manageMasterUserPassword") is True:
        out.append(_secret_charge(node, ctx, "RDS-managed master password"))
    if node.inputs.get("engineMode") == "serverless":
        ctx.notes["unpriced"].append(f"{node.name}: Aurora Serverless v1 is not priced")
        return out
    scaling = node.inputs.get("serverlessv2ScalingConfiguration") or {}
    instances = _aurora_instances(node, ctx)
    serverless = [i for i in instances if i.inputs.get("instanceClass") == "db.serverless"]
    hours, how = ctx.hours(node, "aurora-cluster")
    io_opt = node.inputs.get("storageType") == "aurora-iopt1"
    if serverless and scaling:
        out += aurora_charges(
            node.name,
            node.type,
            region,
            instances=len(serverless),
            min_acu=_num(scaling.get("minCapacity"), 0.0) or 0.0,
            max_acu=_num(scaling.get("maxCapacity"), 0.0) or 0.0,
            utilisation=u.aurora_utilisation,
            hours=hours,
            data_gb=u.data,
            io_requests=0.0 if io_opt else u.requests * u.aurora_io_per_request,
            tenant=tenant,
        )
        if how != "24/7":
            ctx.notes["assumptions"].append(f"{node.name}: ACU-hours use {how} ({hours:.1f} h)")
    else:
        out.append(
            Charge(
                node.name,
                node.type,
                "database",
                f"Aurora storage ({_n(u.data)} GB of data today)",
                "aurora.storage.gb-month",
                region,
                u.data,
                tenant,
            )
        )
    if io_opt:  # I/O-Optimized: other ACU and storage prices, no I/O charge
        out = [
            replace(c, price_key=c.price_key.replace("aurora.", "aurora-iopt.", 1))
            if c.price_key.startswith("aurora.")
            else c
            for c in out
        ]
    return out


@pricer("aws:rds/clusterInstance:ClusterInstance")
def price_cluster_instance(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """``db.serverless`` instances bill ACUs, priced with their cluster (no
    extra charge here); a provisioned Aurora instance bills instance-hours."""
    cls = str(node.inputs.get("instanceClass") or "")
    if cls == "db.serverless":
        return []
    engine = str(node.inputs.get("engine") or "aurora-postgresql")
    clusters = ctx.deps(node, "clusterIdentifier")
    hours = ctx.hours(clusters[0], "aurora-cluster")[0] if clusters else HOURS_PER_MONTH
    return [
        Charge(
            node.name,
            node.type,
            "database",
            f"Aurora instance {cls} ({_n(hours)} h)",
            f"rds.instance-hour.{engine}.{cls}",
            ctx.region(node),
            hours,
            ctx.tenant(node),
        )
    ]


def _data_gb(node: ResourceNode, default: float) -> float:
    v = _num(node.tags.get(DATA_GB_TAG))
    return default if v is None else v


@pricer("aws:rds/instance:Instance")
def price_rds_instance(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """RDS DB instance: instance-hours (Multi-AZ as such), provisioned storage.
    Automated backups up to the instance's storage are free (RDS pricing page)."""
    engine = str(node.inputs.get("engine") or "postgres")
    cls = str(node.inputs.get("instanceClass") or UNKNOWN)
    out = rds_instance_charges(
        node.name,
        node.type,
        ctx.region(node),
        engine=engine,
        instance_class=cls,
        multi_az=node.inputs.get("multiAz") is True,
        hours=HOURS_PER_MONTH,
        storage_type=str(node.inputs.get("storageType") or "gp2"),
        storage_gb=_num(node.inputs.get("allocatedStorage"), 20.0) or 0.0,
        tenant=ctx.tenant(node),
    )
    if node.inputs.get("manageMasterUserPassword") is True:
        out.append(_secret_charge(node, ctx, "RDS-managed master password"))
    return out


#: Root volume assumed when an instance does not declare one (the AMI decides;
#: Amazon Linux 2023's is 8 GB gp3).
DEFAULT_ROOT_VOLUME = ("gp3", 8.0)


def _block_devices(spec: dict[str, Any]) -> list[tuple[str, float, float | None, float | None]]:
    out = []
    root = spec.get("rootBlockDevice")
    if isinstance(root, dict):
        out.append(
            (
                str(root.get("volumeType") or "gp3"),
                _num(root.get("volumeSize"), DEFAULT_ROOT_VOLUME[1]) or 0.0,
                _num(root.get("iops")),
                _num(root.get("throughput")),
            )
        )
    else:
        out.append((*DEFAULT_ROOT_VOLUME, None, None))
    for dev in spec.get("ebsBlockDevices") or []:
        if isinstance(dev, dict):
            out.append(
                (
                    str(dev.get("volumeType") or "gp3"),
                    _num(dev.get("volumeSize"), 0.0) or 0.0,
                    _num(dev.get("iops")),
                    _num(dev.get("throughput")),
                )
            )
    return out


def _instance_public_ip(node: ResourceNode, ctx: PricingContext) -> bool:
    assoc = node.inputs.get("associatePublicIpAddress")
    if assoc is not None:
        return assoc is True
    return any(s.inputs.get("mapPublicIpOnLaunch") is True for s in ctx.deps(node, "subnetId"))


@pricer("aws:ec2/instance:Instance")
def price_ec2_instance(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """An EC2 instance 24/7 (on-demand Linux), its EBS volumes, its public IPv4."""
    region, tenant = ctx.region(node), ctx.tenant(node)
    itype = str(node.inputs.get("instanceType") or UNKNOWN)
    out = ec2_charges(
        node.name,
        node.type,
        region,
        instance_type=itype,
        count=1,
        hours=HOURS_PER_MONTH,
        tenant=tenant,
    )
    for vtype, gb, iops, tput in _block_devices(node.inputs):
        out += ebs_charges(
            node.name,
            node.type,
            region,
            volume_type=vtype,
            gb=gb,
            iops=iops,
            throughput=tput,
            tenant=tenant,
        )
    if not isinstance(node.inputs.get("rootBlockDevice"), dict):
        ctx.notes["assumptions"].append(
            f"{node.name}: no root volume declared; priced as {DEFAULT_ROOT_VOLUME[1]:g} GB "
            f"{DEFAULT_ROOT_VOLUME[0]}"
        )
    if _instance_public_ip(node, ctx):
        out.append(public_ip_charge(node.name, node.type, region, count=1, tenant=tenant))
    return out


@pricer("aws:autoscaling/group:Group")
def price_autoscaling_group(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """An EC2 Auto Scaling group: desired (else minimum) instances 24/7 of its
    launch template's type, with the template's volumes."""
    region, tenant = ctx.region(node), ctx.tenant(node)
    count = _num(node.inputs.get("desiredCapacity"))
    if count is None:
        count = _num(node.inputs.get("minSize"), 0.0) or 0.0
    lts = [
        d
        for d in ctx.deps(node, "launchTemplate") + ctx.deps(node, "mixedInstancesPolicy")
        if d.type == "aws:ec2/launchTemplate:LaunchTemplate"
    ]
    if not lts or not lts[0].inputs.get("instanceType"):
        ctx.notes["unpriced"].append(f"{node.name}: launch template not found; not priced")
        return []
    lt = lts[0]
    itype = str(lt.inputs.get("instanceType"))
    out = ec2_charges(
        node.name,
        node.type,
        region,
        instance_type=itype,
        count=count,
        hours=HOURS_PER_MONTH,
        tenant=tenant,
        what=f"ASG ({lt.name})",
    )
    devices = [
        d.get("ebs")
        for d in lt.inputs.get("blockDeviceMappings") or []
        if isinstance(d, dict) and isinstance(d.get("ebs"), dict)
    ]
    if not devices:
        devices = [{"volumeType": DEFAULT_ROOT_VOLUME[0], "volumeSize": DEFAULT_ROOT_VOLUME[1]}]
    for ebs in devices:
        out += ebs_charges(
            node.name,
            node.type,
            region,
            volume_type=str(ebs.get("volumeType") or "gp3"),
            gb=(_num(ebs.get("volumeSize"), 0.0) or 0.0) * count,
            tenant=tenant,
        )
    return out


@pricer("aws:ebs/volume:Volume")
def price_ebs_volume(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """An EBS volume: provisioned GB (not the data on it) and IOPS/throughput."""
    return ebs_charges(
        node.name,
        node.type,
        ctx.region(node),
        volume_type=str(node.inputs.get("type") or "gp3"),
        gb=_num(node.inputs.get("size"), 0.0) or 0.0,
        iops=_num(node.inputs.get("iops")),
        throughput=_num(node.inputs.get("throughput")),
        tenant=ctx.tenant(node),
    )


@pricer("aws:ebs/snapshot:Snapshot")
def price_ebs_snapshot(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A one-off EBS snapshot: the data on its volume (``gcmod:data-gb``, else the size)."""
    vols = ctx.deps(node, "volumeId")
    if not vols:
        ctx.notes["unpriced"].append(f"{node.name}: snapshot's volume not found")
        return []
    gb = _data_gb(vols[0], _num(vols[0].inputs.get("size"), 0.0) or 0.0)
    return [
        Charge(
            node.name,
            node.type,
            "backup",
            f"EBS snapshot of {vols[0].name} ({_n(gb)} GB)",
            "ebs.snapshot.gb-month",
            ctx.region(node),
            gb,
            ctx.tenant(node),
        )
    ]


@pricer("aws:lb/loadBalancer:LoadBalancer")
def price_load_balancer(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """An Application Load Balancer: 730 h, LCUs from the usage profile, and a
    public IPv4 address per AZ when internet-facing."""
    kind = str(node.inputs.get("loadBalancerType") or "application")
    region, tenant = ctx.region(node), ctx.tenant(node)
    public = 0 if node.inputs.get("internal") is True else len(node.inputs.get("subnets") or [])
    if kind != "application":
        prefix = {"network": "nlb", "gateway": "gwlb"}.get(kind, kind)
        return [
            Charge(
                node.name,
                node.type,
                "network",
                f"{kind} load balancer (730 h)",
                f"{prefix}.hour",
                region,
                HOURS_PER_MONTH,
                tenant,
            )
        ]
    return alb_charges(
        node.name, node.type, region, lcu=ctx.usage.lcu, public_ips=public, tenant=tenant
    )


@pricer("aws:ec2/natGateway:NatGateway")
def price_nat_gateway(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A NAT gateway 24/7 and its share of ``natGbPerMonth``."""
    nats = ctx.graph.of_type(node.type)
    return nat_charges(
        node.name,
        node.type,
        ctx.region(node),
        count=1,
        gb=ctx.usage.nat_gb_per_month / len(nats),
        tenant=ctx.tenant(node),
    )


@pricer("aws:ec2/eip:Eip")
def price_eip(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """An Elastic IP: a public IPv4 address billed every hour."""
    return [
        public_ip_charge(node.name, node.type, ctx.region(node), count=1, tenant=ctx.tenant(node))
    ]


def _logs_endpoint(ctx: PricingContext) -> ResourceNode | None:
    eps = [
        e
        for e in ctx.graph.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
        if e.inputs.get("vpcEndpointType") == "Interface"
    ]
    logs = [e for e in eps if str(e.inputs.get("serviceName", "")).endswith(".logs")]
    return (logs or eps or [None])[0]


@pricer("aws:ec2/vpcEndpoint:VpcEndpoint")
def price_vpc_endpoint(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """Interface endpoints: one hourly charge per AZ (subnet); data processed
    (``endpointGbPerMonth``) on the CloudWatch Logs endpoint. Gateway endpoints
    (S3, DynamoDB) are free."""
    kind = str(node.inputs.get("vpcEndpointType") or "Gateway")
    if kind == "Gateway":
        return []
    region, tenant = ctx.region(node), ctx.tenant(node)
    service_name = str(node.inputs.get("serviceName", ""))
    svc = re.sub(r"^com\.amazonaws\.[a-z0-9-]+\.", "", service_name) or node.name
    if kind != "Interface":
        return [
            Charge(
                node.name,
                node.type,
                "network",
                f"{kind} endpoint {svc} (730 h)",
                "vpce.gwlb.hour",
                region,
                HOURS_PER_MONTH,
                tenant,
            )
        ]
    azs = len(node.inputs.get("subnetIds") or []) or 1
    out = [
        Charge(
            node.name,
            node.type,
            "network",
            f"interface endpoint {svc} ({azs} AZ × 730 h)",
            "vpce.interface.hour",
            region,
            azs * HOURS_PER_MONTH,
            tenant,
        )
    ]
    target = _logs_endpoint(ctx)
    if target is not None and target.urn == node.urn:
        gb = float(ctx.usage.endpoint_gb_per_month or 0.0)
        out.append(
            Charge(
                node.name,
                node.type,
                "network",
                f"interface endpoint data processed ({_n(gb)} GB)",
                "vpce.gb",
                region,
                gb,
                tenant,
            )
        )
    return out


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
        ctx.notes["log groups without a usage volume"].append(
            f"{node.inputs.get('name') or node.name}: not a log class of the usage profile; "
            "ingestion and storage not priced"
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
            label=f"{cls} archive",
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
            label=f"{cls} archive",
            objects_per_month=objects,
            transitions=transitions,
            tenant=tenant,
        )
    if not out:
        ctx.notes["buckets without a usage volume"].append(
            f"{node.name}: holds data the usage profile does not size; storage not priced"
        )
    return out


@pricer("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
def price_firehose(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A Firehose stream into S3: GB ingested (its log class, compressed as
    delivered by CloudWatch Logs, or ``firehoseGbPerMonth`` split among the
    streams) and the S3 PUT of each object it writes."""
    region, tenant = ctx.region(node), ctx.tenant(node)
    u = ctx.usage
    conf = node.inputs.get("extendedS3Configuration") or {}
    prefix = str(conf.get("prefix") or "")
    cls = _prefix_class(prefix, ctx)
    streams = ctx.graph.of_type(node.type)
    if "firehose_gb_per_month" in u.model_fields_set or cls is None:
        gb = float(u.firehose_gb_per_month or 0.0) / len(streams)
    else:
        gb = u.log_gb_per_month[cls] * u.archive_compression_ratio
    objects = _objects_per_month(node, gb)
    return [
        Charge(
            node.name,
            node.type,
            "logs",
            f"Firehose ingestion{', ' + cls if cls else ''} ({_n(gb)} GB)",
            "firehose.gb",
            region,
            gb,
            tenant,
        ),
        Charge(
            node.name,
            node.type,
            "logs",
            f"S3 PUT requests by Firehose ({_n(objects)} objects: one per buffer flush)",
            "s3.put.thousand-requests",
            region,
            objects / 1000,
            tenant,
        ),
    ]


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


@pricer("aws:secretsmanager/secret:Secret")
def price_secret(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    return [_secret_charge(node, ctx, node.name)]


@pricer("aws:kms/key:Key")
def price_kms_key(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A customer managed key: key-months, with the first two yearly rotations
    each adding one (averaged over five years: 2.4 with rotation)."""
    rotation = None
    if node.inputs.get("enableKeyRotation") is True:
        rotation = _num(node.inputs.get("rotationPeriodInDays"), 365.0)
    months = rotated_key_months(rotation)
    how = "no rotation" if rotation is None else f"rotated every {_n(rotation)} d, 5-year average"
    return [
        Charge(
            node.name,
            node.type,
            "security",
            f"KMS customer managed key ({_n(months)} key-months: {how})",
            "kms.key-month",
            ctx.region(node),
            months,
            ctx.tenant(node),
        )
    ]


@pricer("aws:cloudwatch/metricAlarm:MetricAlarm")
def price_alarm(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A standard-resolution alarm: one alarm-month per metric it evaluates."""
    queries = node.inputs.get("metricQueries") or []
    metrics = sum(1 for q in queries if isinstance(q, dict) and q.get("metric")) or 1
    return [
        Charge(
            node.name,
            node.type,
            "operations",
            f"CloudWatch alarm ({metrics} metric(s))",
            "cloudwatch.alarm-month",
            ctx.region(node),
            metrics,
            ctx.tenant(node),
        )
    ]


@pricer("aws:cloudwatch/logMetricFilter:LogMetricFilter")
def price_metric_filter(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """The filter is free; the custom metric it publishes is not: one metric per
    dimension value (per tenant for a tenant dimension)."""
    mt = node.inputs.get("metricTransformation") or {}
    dims = mt.get("dimensions") or {}
    tenants = len(ctx.usage.tenant_requests_per_month) or 1
    metrics = tenants if dims else 1
    return [
        Charge(
            node.name,
            node.type,
            "operations",
            f"CloudWatch custom metric {mt.get('name', '')} "
            f"({metrics} dimension value(s){': one per tenant' if dims else ''})",
            "cloudwatch.custom-metric-month",
            ctx.region(node),
            metrics,
            ctx.tenant(node),
        )
    ]


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
        Charge(
            node.name,
            node.type,
            "operations",
            f"EventBridge Scheduler invocations ({len(scheds)} schedules, {_n(n)}/month)",
            "scheduler.million-invocations",
            ctx.region(node),
            n / 1e6,
            ctx.tenant(node),
        )
    ]


@pricer("aws:sqs/queue:Queue")
def price_sqs(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A queue: its share of ``sqsRequestsPerMonth`` (queues themselves are free)."""
    n = ctx.usage.sqs_requests_per_month / len(ctx.graph.of_type(node.type))
    return [
        Charge(
            node.name,
            node.type,
            "operations",
            f"SQS requests ({_n(n)})",
            "sqs.million-requests",
            ctx.region(node),
            n / 1e6,
            ctx.tenant(node),
        )
    ]


@pricer("aws:ssm/parameter:Parameter")
def price_ssm_parameter(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A Parameter Store parameter: Standard tier at the catalogue's price
    (free on the AWS pricing page); Advanced tier per parameter-month."""
    tier = str(node.inputs.get("tier") or "Standard").lower()
    key = "ssm.standard-parameter-month" if tier == "standard" else f"ssm.{tier}-parameter-month"
    return [
        Charge(
            node.name,
            node.type,
            "operations",
            f"SSM parameter ({tier} tier)",
            key,
            ctx.region(node),
            1,
            ctx.tenant(node),
        )
    ]


def _stack_level(ctx: PricingContext, charges: list[Charge]) -> list[Charge]:
    """Usage charges of the stack as a whole, on the first resource they concern:
    Secrets Manager API calls, KMS requests."""
    out: list[Charge] = []
    secrets = [c for c in charges if c.price_key == "secretsmanager.secret-month"]
    if secrets:
        s = secrets[0]
        n = ctx.usage.secrets_api_calls_per_month
        out.append(
            Charge(
                s.resource,
                s.resource_type,
                "security",
                f"Secrets Manager API calls ({_n(n)})",
                "secretsmanager.10k-api-calls",
                s.region,
                n / 1e4,
                s.tenant,
            )
        )
    keys = [c for c in charges if c.price_key == "kms.key-month" and c.region == ctx.graph.region]
    if keys:
        k = keys[0]
        n = ctx.usage.kms_requests_per_month
        out.append(
            Charge(
                k.resource,
                k.resource_type,
                "security",
                f"KMS requests ({_n(n)})",
                "kms.10k-requests",
                k.region,
                n / 1e4,
                k.tenant,
            )
        )
    return out


# ---------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------
def scheduled_hours(graph: ResourceGraph) -> dict[str, dict[str, dict[str, float]]]:
    """Average monthly running hours of each scheduled target, by schedule group
    and resource kind, from the running calendar the graph's schedules make."""
    from gcmod.runcalendar import GROUP_TYPE, SCHEDULE_TYPE, from_graph

    cal = from_graph(graph)
    if cal is None:
        return {}
    groups = [str(g.inputs.get("name") or g.name) for g in graph.of_type(GROUP_TYPE)]
    # Which group's schedules start and stop each target (schedule names are
    # ``<group>-<target>-<start|stop>-...``).
    members: dict[str, set[str]] = {g: set() for g in groups}
    for s in graph.of_type(SCHEDULE_TYPE):
        g = str(s.inputs.get("groupName") or "")
        name = str(s.inputs.get("name") or s.name)
        if g in members and name.startswith(g + "-"):
            rest = name[len(g) + 1 :]
            members[g].add(re.split(r"-(?:start|stop)-", rest, maxsplit=1)[0])
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, tc in cal.targets.items():
        monthly = tc.monthly_hours()
        avg = sum(monthly.values()) / len(monthly) if monthly else 0.0
        owners = [g for g in groups if name in members[g]] or groups
        for g in owners:
            out.setdefault(g, {}).setdefault(tc.resource_kind, {})[name] = avg
    return out


@dataclass
class GraphPricing:
    """The charges of a graph and what could not be priced."""

    charges: list[Charge]
    notes: dict[str, list[str]]
    unpriced: dict[str, list[str]]
    """Type token -> resource names, for types with no pricer that are not known-free."""
    hours: dict[str, dict[str, dict[str, float]]]


def graph_charges(graph: ResourceGraph, usage: Usage) -> GraphPricing:
    """Every charge of ``graph`` under ``usage`` (resolved)."""
    ctx = PricingContext(graph, usage, scheduled_hours(graph))
    charges: list[Charge] = []
    unpriced: dict[str, list[str]] = defaultdict(list)
    for node in graph.custom_resources:
        fn = PRICERS.get(node.type)
        if fn is not None:
            charges += fn(node, ctx)
        elif node.type not in FREE_TYPES and node.type not in PRICED_VIA:
            unpriced[node.type].append(node.name)
    charges += _stack_level(ctx, charges)
    return GraphPricing(charges, dict(ctx.notes), dict(unpriced), ctx.scheduled)


def price_graph(
    graph: ResourceGraph, usage: Usage, catalog: PriceSource, label: str = "planned"
) -> tuple[Estimate, GraphPricing]:
    """The planned monthly estimate of ``graph`` and the pricing notes."""
    gp = graph_charges(graph, usage)
    return price_charges(label, gp.charges, catalog), gp
