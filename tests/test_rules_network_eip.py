"""GCM-NET-003 (Elastic IPs attached to something), through the engine path."""

from __future__ import annotations

from ruletest import node, only

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.rules import network

EIP = network.EIP
ASSOC = network.EIP_ASSOCIATION
NAT = network.NAT_GATEWAY
NLB = "aws:lb/loadBalancer:LoadBalancer"
INSTANCE = "aws:ec2/instance:Instance"


def run(*nodes: ResourceNode) -> CheckReport:
    graph = ResourceGraph("gcmod", "t", "ap-northeast-1", tuple(nodes))
    return check_graph(graph, rules=[network.eip_attached])


def test_net003_attached_addresses_pass() -> None:
    web = node(INSTANCE, "web", {"instanceType": "t4g.small"})
    on_instance = node(EIP, "web-ip", {"domain": "vpc", "instance": UNKNOWN}, (web,))
    on_eni = node(EIP, "eni-ip", {"domain": "vpc", "networkInterface": "eni-0abc"})
    assoc_ip = node(EIP, "assoc-ip", {"domain": "vpc"})
    nat_ip = node(EIP, "nat-ip", {"domain": "vpc"})
    nlb_ip = node(EIP, "nlb-ip", {"domain": "vpc"})
    # Deployed (the audit's shape): the association names the address by its ids.
    deployed = node(EIP, "deployed-ip", {"publicIp": "203.0.113.10", "domain": "vpc"})
    report = run(
        web,
        on_instance,
        on_eni,
        assoc_ip,
        node(ASSOC, "assoc", {"allocationId": UNKNOWN, "instanceId": UNKNOWN}, (assoc_ip, web)),
        nat_ip,
        node(NAT, "nat", {"allocationId": UNKNOWN, "subnetId": "subnet-1"}, (nat_ip,)),
        nlb_ip,
        node(
            NLB,
            "nlb",
            {
                "loadBalancerType": "network",
                "subnetMappings": [{"subnetId": "subnet-1", "allocationId": UNKNOWN}],
            },
            (nlb_ip,),
        ),
        deployed,
        node(ASSOC, "deployed-assoc", {"publicIp": "203.0.113.10", "instanceId": "i-1"}),
    )
    assert report.by_rule("GCM-NET-003") == []


def test_net003_idle_addresses_flagged() -> None:
    spare = node(EIP, "spare-ip", {"domain": "vpc", "tags": {"Name": "reserved-for-later"}})
    # Depending on the address without attaching it (e.g. a DNS record of its IP)
    # does not put it to use.
    dns_ip = node(EIP, "dns-ip", {"domain": "vpc"})
    record = node(
        "aws:route53/record:Record", "dns", {"type": "A", "records": [UNKNOWN]}, (dns_ip,)
    )
    # A NAT gateway that uses another address leaves this one idle.
    other = node(EIP, "other-ip", {"domain": "vpc"})
    used = node(EIP, "used-ip", {"domain": "vpc"})
    nat = node(NAT, "nat", {"allocationId": UNKNOWN, "subnetId": "subnet-1"}, (used,))
    report = run(spare, dns_ip, record, other, used, nat)
    v = only(report, "GCM-NET-003", "spare-ip")
    assert "attached to nothing" in v.message.en and "0.005" in v.message.en
    assert "関連付けられていません" in v.message.ja
    only(report, "GCM-NET-003", "dns-ip")
    only(report, "GCM-NET-003", "other-ip")
    assert {x.resource_name for x in report.by_rule("GCM-NET-003")} == {
        "spare-ip",
        "dns-ip",
        "other-ip",
    }
