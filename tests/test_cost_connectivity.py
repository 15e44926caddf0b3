"""The omissions priced where the graph shows them (pricers/connectivity.py, scaling alarms)."""

from __future__ import annotations

import pytest

from gcmod.cost.pricers import price_graph
from gcmod.cost.usage import PROCESSED_BYTES_PER_REQUEST, Usage, program_basis
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.pricing import Catalog

TOKYO = "ap-northeast-1"


def node(name: str, rtype: str, **inputs) -> ResourceNode:
    return ResourceNode(f"urn:{name}", rtype, name, True, inputs)


def graph(*nodes: ResourceNode) -> ResourceGraph:
    return ResourceGraph("p", "s", TOKYO, tuple(nodes))


def _lines(g: ResourceGraph, catalog: Catalog, requests: float = 2_000_000):
    usage = Usage(requests_per_month=requests).resolve(program_basis())
    est, gp = price_graph(g, usage, catalog)
    return {(li.resource, li.price_key): li for li in est.lines}, gp


def test_internet_facing_lb_pays_data_out(catalog: Catalog) -> None:
    lines, _ = _lines(graph(node("alb", "aws:lb/loadBalancer:LoadBalancer", internal=False,
                                 subnets=["a", "b"])), catalog)  # fmt: skip
    li = lines[("alb", "datatransfer.out-internet.gb")]
    assert li.quantity == pytest.approx(2_000_000 * PROCESSED_BYTES_PER_REQUEST / 1e9)
    assert li.monthly_usd == pytest.approx(li.quantity * catalog.get(li.price_key, TOKYO).usd)


def test_internal_lb_without_connectivity_is_listed_not_priced(catalog: Catalog) -> None:
    lines, gp = _lines(graph(node("alb", "aws:lb/loadBalancer:LoadBalancer", internal=True)),
                       catalog)  # fmt: skip
    assert ("alb", "datatransfer.out-internet.gb") not in lines
    assert any("not in the graph" in n for n in gp.notes["assumptions"])


def test_vpn_and_transit_gateway_are_priced(catalog: Catalog) -> None:
    g = graph(
        node("alb", "aws:lb/loadBalancer:LoadBalancer", internal=True),
        node("vpn", "aws:ec2/vpnConnection:VpnConnection"),
        node("tgw", "aws:ec2transitgateway/transitGateway:TransitGateway"),
        node("att", "aws:ec2transitgateway/vpcAttachment:VpcAttachment"),
        node("zone", "aws:route53/zone:Zone", comment="example.lg.jp"),
    )
    lines, gp = _lines(g, catalog)
    gb = 2_000_000 * PROCESSED_BYTES_PER_REQUEST / 1e9
    assert lines[("alb", "datatransfer.out-internet.gb")].quantity == pytest.approx(gb)  # over VPN
    assert lines[("vpn", "vpn.connection-hour")].quantity == 730
    assert lines[("att", "tgw.attachment-hour")].quantity == 730
    assert lines[("att", "tgw.gb")].quantity == pytest.approx(gb)
    assert lines[("zone", "route53.hosted-zone-month")].quantity == 1
    assert not gp.unpriced  # the gateway itself is known to be free


def test_target_tracking_policy_bills_two_alarms(catalog: Catalog) -> None:
    g = graph(
        node("tt", "aws:appautoscaling/policy:Policy", policyType="TargetTrackingScaling"),
        node("step", "aws:appautoscaling/policy:Policy", policyType="StepScaling"),
    )
    lines, _ = _lines(g, catalog)
    assert lines[("tt", "cloudwatch.alarm-month")].quantity == 2
    assert not any(r == "step" for r, _ in lines)


def test_single_az_database_pays_cross_az_traffic(sample_estimates, catalog: Catalog) -> None:
    prod = sample_estimates["saas-prod"]
    (li,) = [x for x in prod.planned.lines if x.price_key == "datatransfer.inter-az.gb"]
    # Two AZs: half of the 3 million requests × 50 kB cross, in both directions.
    assert li.quantity == pytest.approx(3_000_000 * 50_000 / 1e9 * 0.5 * 2)
