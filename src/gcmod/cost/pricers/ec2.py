"""Amazon EC2 and EBS: instances, Auto Scaling groups, volumes, snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
from gcmod.cost.pricers.vpc import public_ip_charge
from gcmod.graph import UNKNOWN, ResourceNode


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
    what: Phrase = EMPTY,
) -> list[Charge]:
    """EC2 instance-hours, the EBS volumes of each instance, public IPv4 addresses."""
    label = what + " " if what else EMPTY
    out = [
        Charge(
            resource,
            rtype,
            "compute",
            "EC2 "
            + label
            + Phrase(
                f"{instance_type} ({_n(count)} × {_n(hours)} h)",
                f"{instance_type} ({_n(count)}台 × {_n(hours)}時間)",
            ),
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
            Phrase(
                f"EBS {vt} ({_n(gb)} GB provisioned)", f"EBS {vt} (プロビジョニング {_n(gb)} GB)"
            ),
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
                Phrase(
                    f"EBS gp3 IOPS above the included 3,000 ({_n(iops - 3000)})",
                    f"EBS gp3 の含まれる 3,000 を超える IOPS ({_n(iops - 3000)})",
                ),
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
                Phrase(
                    f"EBS gp3 throughput above the included 125 MB/s ({_n(throughput - 125)})",
                    f"EBS gp3 の含まれる 125 MB/s を超えるスループット ({_n(throughput - 125)})",
                ),
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
                Phrase(
                    f"EBS {vt} provisioned IOPS ({_n(iops)})",
                    f"EBS {vt} のプロビジョンド IOPS ({_n(iops)})",
                ),
                f"ebs.{vt}.iops-month",
                region,
                iops,
                tenant,
            )
        )
    return out


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
    """An EC2 instance (on-demand Linux) for the hours it runs (24/7 unless something
    in the program stops and starts it), its EBS volumes, its public IPv4."""
    region, tenant = ctx.region(node), ctx.tenant(node)
    itype = str(node.inputs.get("instanceType") or UNKNOWN)
    hours, how = ctx.hours(node, "instance")
    out = ec2_charges(
        node.name,
        node.type,
        region,
        instance_type=itype,
        count=1,
        hours=hours,
        tenant=tenant,
        what=EMPTY if how.en == "24/7" else "[" + how + "]",
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
        size, kind = f"{DEFAULT_ROOT_VOLUME[1]:g} GB", DEFAULT_ROOT_VOLUME[0]
        ctx.note(
            "assumptions",
            Phrase(
                f"{node.name}: no root volume declared; priced as {size} {kind}",
                f"{node.name}: ルートボリュームの指定がないため {size} {kind} として積算",
            ),
        )
    if _instance_public_ip(node, ctx):
        out.append(public_ip_charge(node.name, node.type, region, count=1, tenant=tenant))
    return out


@pricer("aws:autoscaling/group:Group")
def price_autoscaling_group(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """An EC2 Auto Scaling group: desired (else minimum) instances of its launch
    template's type, 24/7 unless scheduled actions scale it to zero and back, with
    the template's volumes."""
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
        ctx.note(
            "unpriced",
            Phrase(
                f"{node.name}: launch template not found; not priced",
                f"{node.name}: 起動テンプレートが見つからないため積算していません",
            ),
        )
        return []
    lt = lts[0]
    itype = str(lt.inputs.get("instanceType"))
    hours, how = ctx.hours(node, "instance")
    out = ec2_charges(
        node.name,
        node.type,
        region,
        instance_type=itype,
        count=count,
        hours=hours,
        tenant=tenant,
        what=Phrase.same(f"ASG ({lt.name})") + ("" if how.en == "24/7" else " [" + how + "]"),
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
        ctx.note(
            "unpriced",
            Phrase(
                f"{node.name}: snapshot's volume not found",
                f"{node.name}: スナップショットのボリュームが見つかりません",
            ),
        )
        return []
    gb = _data_gb(vols[0], _num(vols[0].inputs.get("size"), 0.0) or 0.0)
    return [
        ctx.charge(
            node,
            "backup",
            Phrase(
                f"EBS snapshot of {vols[0].name} ({_n(gb)} GB)",
                f"{vols[0].name} の EBS スナップショット ({_n(gb)} GB)",
            ),
            "ebs.snapshot.gb-month",
            gb,
            ctx.tenant(node),
        )
    ]
