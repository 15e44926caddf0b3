"""Amazon VPC: NAT gateways, public IPv4 addresses, VPC endpoints."""

from __future__ import annotations

import re

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
from gcmod.graph import ResourceNode


def nat_charges(
    resource: str, rtype: str, region: str, *, count: float, gb: float, tenant: str = SHARED
) -> list[Charge]:
    """NAT gateways: hours and GB processed (the Elastic IPs are priced separately)."""
    return [
        Charge(
            resource,
            rtype,
            "network",
            Phrase(
                f"NAT gateway ({_n(count)} × 730 h)", f"NAT ゲートウェイ ({_n(count)} × 730時間)"
            ),
            "natgateway.hour",
            region,
            count * HOURS_PER_MONTH,
            tenant,
        ),
        Charge(
            resource,
            rtype,
            "network",
            Phrase(
                f"NAT gateway data processed ({_n(gb)} GB)",
                f"NAT ゲートウェイのデータ処理量 ({_n(gb)} GB)",
            ),
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
        Phrase(
            f"public IPv4 address ({_n(count)} × 730 h)",
            f"パブリック IPv4 アドレス ({_n(count)} × 730時間)",
        ),
        "publicipv4.hour",
        region,
        count * HOURS_PER_MONTH,
        tenant,
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
    tenant = ctx.tenant(node)
    service_name = str(node.inputs.get("serviceName", ""))
    svc = re.sub(r"^com\.amazonaws\.[a-z0-9-]+\.", "", service_name) or node.name
    if kind != "Interface":
        return [
            ctx.charge(
                node,
                "network",
                Phrase(f"{kind} endpoint {svc} (730 h)", f"{kind} エンドポイント {svc} (730時間)"),
                "vpce.gwlb.hour",
                HOURS_PER_MONTH,
                tenant,
            )
        ]
    azs = len(node.inputs.get("subnetIds") or []) or 1
    out = [
        ctx.charge(
            node,
            "network",
            Phrase(
                f"interface endpoint {svc} ({azs} AZ × 730 h)",
                f"インターフェイスエンドポイント {svc} ({azs} AZ × 730時間)",
            ),
            "vpce.interface.hour",
            azs * HOURS_PER_MONTH,
            tenant,
        )
    ]
    target = _logs_endpoint(ctx)
    if target is not None and target.urn == node.urn:
        gb = float(ctx.usage.endpoint_gb_per_month or 0.0)
        out.append(
            ctx.charge(
                node,
                "network",
                Phrase(
                    f"interface endpoint data processed ({_n(gb)} GB)",
                    f"インターフェイスエンドポイントのデータ処理量 ({_n(gb)} GB)",
                ),
                "vpce.gb",
                gb,
                tenant,
            )
        )
    return out
