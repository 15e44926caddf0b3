"""Elastic Load Balancing: application, network and gateway load balancers."""

from __future__ import annotations

from gcmod.cost.arithmetic import (
    HOURS_PER_MONTH,
)
from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import (
    SHARED,
    Charge,
    PricingContext,
    _n,
    pricer,
)
from gcmod.cost.pricers.vpc import public_ip_charge
from gcmod.graph import ResourceNode


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
            resource,
            rtype,
            "network",
            Phrase(f"ALB ({_n(hours)} h)", f"ALB ({_n(hours)}時間)"),
            "alb.hour",
            region,
            hours,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "network",
            Phrase(
                f"ALB LCU-hours ({_n(lcu)} LCU average × {_n(hours)} h)",
                f"ALB の LCU 時間 (平均 {_n(lcu)} LCU × {_n(hours)}時間)",
            ),
            "alb.lcu-hour",
            region,
            lcu * hours,
            tenant,
        ),
    ]
    if public_ips:
        out.append(public_ip_charge(resource, rtype, region, count=public_ips, tenant=tenant))
    return out


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
            ctx.charge(
                node,
                "network",
                Phrase(
                    f"{kind} load balancer (730 h)",
                    f"{ {'network': 'ネットワーク', 'gateway': 'ゲートウェイ'}.get(kind, kind) } "
                    "ロードバランサー (730時間)",
                ),
                f"{prefix}.hour",
                HOURS_PER_MONTH,
                tenant,
            )
        ]
    from gcmod.cost.pricers.connectivity import data_out_charges

    return alb_charges(
        node.name, node.type, region, lcu=ctx.usage.lcu, public_ips=public, tenant=tenant
    ) + data_out_charges(node, ctx)
