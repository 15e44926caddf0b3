"""What a municipality's traffic costs on its way in and out: data transfer out
through a load balancer, the private connectivity to an internal one (Site-to-
Site VPN, Transit Gateway), cross-AZ traffic to a single-AZ database, Route 53
hosted zones.

Volumes come from the usage profile: every request moves
:data:`~gcmod.cost.usage.PROCESSED_BYTES_PER_REQUEST` bytes through the load
balancer (request and response together, all counted as leaving AWS: an upper
bound). Prices (catalogue, each with its source and date):

* data transfer out of AWS, to the internet or over a VPN, at the EC2 data
  transfer out rate (AWS Site-to-Site VPN pricing page: data transferred out
  over a VPN connection is charged at the EC2 data transfer out rate);
* a VPN connection per hour; a Transit Gateway attachment per hour and the GB
  it processes;
* traffic between Availability Zones, billed in each direction (EC2 pricing
  page, data transfer within a region);
* one hosted zone-month per Route 53 zone (queries are listed, not priced).
"""

from __future__ import annotations

from gcmod.cost.arithmetic import HOURS_PER_MONTH
from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import Charge, PricingContext, _n, pricer
from gcmod.cost.usage import PROCESSED_BYTES_PER_REQUEST
from gcmod.graph import ResourceNode

VPN_TYPE = "aws:ec2/vpnConnection:VpnConnection"
TGW_ATTACHMENT_TYPE = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
LB_TYPE = "aws:lb/loadBalancer:LoadBalancer"


def lb_gb_per_month(ctx: PricingContext) -> float:
    """GB a month each application load balancer of the graph moves (requests split evenly)."""
    lbs = [
        n
        for n in ctx.graph.of_type(LB_TYPE)
        if str(n.inputs.get("loadBalancerType") or "application") == "application"
    ]
    if not lbs:
        return 0.0
    return ctx.usage.requests * PROCESSED_BYTES_PER_REQUEST / 1e9 / len(lbs)


def data_out_charges(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """Data transfer out of a load balancer: to the internet when internet-facing;
    over the VPN when internal and the graph has one; otherwise listed."""
    gb = lb_gb_per_month(ctx)
    if gb <= 0:
        return []
    internal = node.inputs.get("internal") is True
    vpn = ctx.graph.of_type(VPN_TYPE)
    if internal and not vpn:
        ctx.note(
            "assumptions",
            Phrase(
                f"{node.name}: internal load balancer; the municipalities' connection to it "
                "(VPN, Direct Connect or the Government Cloud network) is not in the graph: "
                "not priced",
                f"{node.name}: 内部ロードバランサー。団体からの接続 (VPN、Direct Connect または"
                "ガバメントクラウドのネットワーク) は構成に含まれないため積算していません",
            ),
        )
        return []
    how = (
        Phrase("over the VPN", "VPN 経由")
        if internal
        else Phrase("to the internet", "インターネットへ")
    )
    return [
        ctx.charge(
            node,
            "network",
            Phrase(
                f"data transfer out {how.en} ({_n(round(gb, 3))} GB: requests × "
                f"{PROCESSED_BYTES_PER_REQUEST // 1000} kB, all counted as out)",
                f"{how.ja}のデータ転送 ({_n(round(gb, 3))} GB: リクエスト数 × "
                f"{PROCESSED_BYTES_PER_REQUEST // 1000} kB、すべて送信として計上)",
            ),
            "datatransfer.out-internet.gb",
            gb,
            ctx.tenant(node),
        )
    ]


@pricer(VPN_TYPE)
def price_vpn_connection(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A Site-to-Site VPN connection, 730 h (its data out is priced on the load balancer)."""
    return [
        ctx.charge(
            node,
            "network",
            Phrase("Site-to-Site VPN connection (730 h)", "Site-to-Site VPN 接続 (730時間)"),
            "vpn.connection-hour",
            HOURS_PER_MONTH,
            ctx.tenant(node),
        )
    ]


@pricer(TGW_ATTACHMENT_TYPE)
def price_tgw_attachment(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A Transit Gateway VPC attachment: 730 h and the load balancers' traffic it
    carries (split among the attachments)."""
    n = len(ctx.graph.of_type(TGW_ATTACHMENT_TYPE)) or 1
    gb = sum(lb_gb_per_month(ctx) for _ in ctx.graph.of_type(LB_TYPE)) / n
    out = [
        ctx.charge(
            node,
            "network",
            Phrase(
                "Transit Gateway attachment (730 h)", "Transit Gateway アタッチメント (730時間)"
            ),
            "tgw.attachment-hour",
            HOURS_PER_MONTH,
            ctx.tenant(node),
        )
    ]
    if gb > 0:
        out.append(
            ctx.charge(
                node,
                "network",
                Phrase(
                    f"Transit Gateway data processed ({_n(round(gb, 3))} GB)",
                    f"Transit Gateway のデータ処理量 ({_n(round(gb, 3))} GB)",
                ),
                "tgw.gb",
                gb,
                ctx.tenant(node),
            )
        )
    return out


@pricer("aws:route53/zone:Zone")
def price_route53_zone(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A hosted zone, one zone-month (DNS queries: listed, not priced)."""
    ctx.note(
        "assumptions",
        Phrase(
            f"{node.name}: Route 53 queries are not priced",
            f"{node.name}: Route 53 のクエリは積算していません",
        ),
    )
    return [
        ctx.charge(
            node,
            "network",
            Phrase("Route 53 hosted zone", "Route 53 ホストゾーン"),
            "route53.hosted-zone-month",
            1,
            ctx.tenant(node),
        )
    ]


def cross_az_charge(cluster: ResourceNode, instances: int, ctx: PricingContext) -> list[Charge]:
    """Traffic between the app's AZs and a single-AZ database: the share of requests
    served from the other AZs, each request's bytes (a rule: as many as the load
    balancer moves) crossing in both directions."""
    if instances != 1:
        return []
    services = ctx.graph.of_type("aws:ecs/service:Service")
    azs = max(
        (len((s.inputs.get("networkConfiguration") or {}).get("subnets") or []) for s in services),
        default=0,
    )
    if azs < 2:
        return []
    gb = ctx.usage.requests * PROCESSED_BYTES_PER_REQUEST / 1e9 * (1 - 1 / azs) * 2
    return [
        Charge(
            cluster.name, cluster.type, "network",
            Phrase(
                f"cross-AZ traffic to the single-AZ database ({_n(round(gb, 3))} GB: "
                f"{_n(azs - 1)}/{_n(azs)} of requests × "
                f"{PROCESSED_BYTES_PER_REQUEST // 1000} kB, both directions)",
                f"シングル AZ のデータベースへの AZ 間通信 ({_n(round(gb, 3))} GB: リクエストの "
                f"{_n(azs - 1)}/{_n(azs)} × {PROCESSED_BYTES_PER_REQUEST // 1000} kB、往復)",
            ),
            "datatransfer.inter-az.gb", ctx.region(cluster), gb, ctx.tenant(cluster),
        )
    ]  # fmt: skip
