"""Amazon Aurora and Amazon RDS: clusters, instances, DB instances."""

from __future__ import annotations

from dataclasses import replace

from gcmod.cost.arithmetic import (
    HOURS_PER_MONTH,
    average_acu,
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
from gcmod.cost.pricers.security import _secret_charge
from gcmod.graph import UNKNOWN, ResourceNode


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
            Phrase(
                f"Aurora Serverless v2 ACU-hours ({instances} instance(s) × {_n(acu)} ACU "
                f"average [{_n(min_acu)} + {_n(utilisation)} × ({_n(max_acu)} − "
                f"{_n(min_acu)})] × {_n(hours)} h)",
                f"Aurora Serverless v2 の ACU 時間 (インスタンス {instances}個 × 平均 "
                f"{_n(acu)} ACU [{_n(min_acu)} + {_n(utilisation)} × ({_n(max_acu)} − "
                f"{_n(min_acu)})] × {_n(hours)}時間)",
            ),
            "aurora.acu-hour",
            region,
            instances * acu * hours,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "database",
            Phrase(
                f"Aurora storage ({_n(data_gb)} GB of data today; grows on demand)",
                f"Aurora のストレージ (現在のデータ {_n(data_gb)} GB、必要に応じて拡張)",
            ),
            "aurora.storage.gb-month",
            region,
            data_gb,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "database",
            Phrase(
                f"Aurora I/O ({_n(io_requests / 1e6)} million requests)",
                f"Aurora の I/O ({_n(io_requests / 1e6)} 百万リクエスト)",
            ),
            "aurora.io.million-requests",
            region,
            io_requests / 1e6,
            tenant,
        ),
    ]


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
    what: Phrase = EMPTY,
) -> list[Charge]:
    """An RDS DB instance: instance-hours (Multi-AZ priced as such) and storage."""
    az = "-multiaz" if multi_az else ""
    label = what + " " if what else EMPTY
    st = storage_type.lower()
    maz = Phrase(" Multi-AZ", " マルチ AZ") if multi_az else EMPTY
    return [
        Charge(
            resource,
            rtype,
            "database",
            f"RDS {engine} "
            + label
            + instance_class
            + maz
            + Phrase(f" ({_n(hours)} h)", f" ({_n(hours)}時間)"),
            f"rds.instance-hour.{engine}{az}.{instance_class}",
            region,
            hours,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "database",
            Phrase(f"RDS {st} storage", f"RDS {st} ストレージ")
            + maz
            + Phrase(
                f" ({_n(storage_gb)} GB provisioned)", f" (プロビジョニング {_n(storage_gb)} GB)"
            ),
            f"rds.storage.{st}{az}.gb-month",
            region,
            storage_gb,
            tenant,
        ),
    ]


#: The secret RDS keeps when it manages the master user's password.
MASTER_PASSWORD = Phrase("RDS-managed master password", "RDS が管理するマスターパスワード")


def _aurora_instances(cluster: ResourceNode, ctx: PricingContext) -> list[ResourceNode]:
    found = ctx.referrers(cluster, "clusterIdentifier", "aws:rds/clusterInstance:ClusterInstance")
    return found or ctx.siblings(cluster, "aws:rds/clusterInstance:ClusterInstance")


@pricer("aws:rds/cluster:Cluster")
def price_aurora_cluster(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """Aurora PostgreSQL: ACU-hours of its ``db.serverless`` instances (average
    capacity from the usage profile), storage of today's data, I/O from the
    request volume; the RDS-managed master password is one secret."""
    region, tenant, u = ctx.region(node), ctx.tenant(node), ctx.usage
    out: list[Charge] = []
    if node.inputs.get("manageMasterUserPassword") is True:
        out.append(_secret_charge(node, ctx, MASTER_PASSWORD))
    if node.inputs.get("engineMode") == "serverless":
        ctx.note(
            "unpriced",
            Phrase(
                f"{node.name}: Aurora Serverless v1 is not priced",
                f"{node.name}: Aurora Serverless v1 は積算していません",
            ),
        )
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
        if how.en != "24/7":
            ctx.note(
                "assumptions",
                Phrase(
                    f"{node.name}: ACU-hours use {how.en} ({hours:.1f} h)",
                    f"{node.name}: ACU 時間は{how.ja} による ({hours:.1f}時間)",
                ),
            )
        from gcmod.cost.pricers.connectivity import cross_az_charge

        out += cross_az_charge(node, len(serverless), ctx)
    else:
        out.append(
            Charge(
                node.name,
                node.type,
                "database",
                Phrase(
                    f"Aurora storage ({_n(u.data)} GB of data today)",
                    f"Aurora のストレージ (現在のデータ {_n(u.data)} GB)",
                ),
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
        ctx.charge(
            node,
            "database",
            Phrase(
                f"Aurora instance {cls} ({_n(hours)} h)",
                f"Aurora インスタンス {cls} ({_n(hours)}時間)",
            ),
            f"rds.instance-hour.{engine}.{cls}",
            hours,
            ctx.tenant(node),
        )
    ]


@pricer("aws:rds/instance:Instance")
def price_rds_instance(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """RDS DB instance: instance-hours (Multi-AZ as such; the hours it runs when the
    program stops and starts it), provisioned storage.
    Automated backups up to the instance's storage are free (RDS pricing page)."""
    engine = str(node.inputs.get("engine") or "postgres")
    cls = str(node.inputs.get("instanceClass") or UNKNOWN)
    hours, how = ctx.hours(node, "instance")
    out = rds_instance_charges(
        node.name,
        node.type,
        ctx.region(node),
        engine=engine,
        instance_class=cls,
        multi_az=node.inputs.get("multiAz") is True,
        hours=hours,
        what=EMPTY if how.en == "24/7" else "[" + how + "]",
        storage_type=str(node.inputs.get("storageType") or "gp2"),
        storage_gb=_num(node.inputs.get("allocatedStorage"), 20.0) or 0.0,
        tenant=ctx.tenant(node),
    )
    if node.inputs.get("manageMasterUserPassword") is True:
        out.append(_secret_charge(node, ctx, MASTER_PASSWORD))
    return out


#: Root volume assumed when an instance does not declare one (the AMI decides;
#: Amazon Linux 2023's is 8 GB gp3).
