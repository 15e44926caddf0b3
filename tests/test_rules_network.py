"""Network rules (GCM-NET-001/002, GCM-SEC-010/011) through the real engine path.

Every fixture goes through :func:`gcmod.policies.harness.check_graph`, which
builds the engine's AnalyzeRequests and calls the analyzer servicer the pack
serves over gRPC, so inputs are wrapped as under ``pulumi preview``.
"""

from __future__ import annotations

from typing import Any

from ruletest import node

from gcmod.components.tags import cost_tags
from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import Rule
from gcmod.policies.rules import network

REGION = "ap-northeast-1"
RULES: list[Rule] = [
    network.nat_gateways_outside_production,
    network.endpoints_before_nat,
    network.no_world_ingress,
    network.https_listeners,
]
STAGING = cost_tags("juki", "staging")
PRODUCTION = cost_tags("juki", "production")
DEVELOPMENT = cost_tags("juki", "development")


# ---------------------------------------------------------------------------
# Fixture helpers
# ---------------------------------------------------------------------------


def graph(*nodes: ResourceNode) -> ResourceGraph:
    return ResourceGraph("gcmod", "test", REGION, tuple(nodes))


def check(g: ResourceGraph, config: dict[str, Any] | None = None) -> CheckReport:
    return check_graph(g, config, rules=RULES)


def only(report: CheckReport, rule_id: str) -> list:
    return report.by_rule(rule_id)


def assert_cant_run(report: CheckReport, rule_id: str) -> None:
    found = only(report, rule_id)
    assert found, f"{rule_id} reported nothing"
    assert all(v.unknown and v.enforcement == "advisory" for v in found)
    assert "can't run policy" in found[0].message.en
    assert not [v for v in report.mandatory if v.rule.id == rule_id]


def vpc(name: str = "vpc", tags: dict[str, str] = STAGING) -> ResourceNode:
    return node(network.VPC, name, {"cidrBlock": "10.0.0.0/16", "tags": tags})


def nat(name: str, subnet: ResourceNode | None, tags: Any = STAGING) -> ResourceNode:
    deps = (subnet,) if subnet else ()
    return node(
        network.NAT_GATEWAY,
        name,
        {"allocationId": UNKNOWN, "subnetId": UNKNOWN, "tags": tags},
        deps,
    )


def subnet(name: str, v: ResourceNode) -> ResourceNode:
    return node("aws:ec2/subnet:Subnet", name, {"vpcId": UNKNOWN, "tags": STAGING}, (v,))


def endpoint(
    name: str, v: ResourceNode, service: str, kind: str | None = None, service_name: Any = None
) -> ResourceNode:
    inputs: dict[str, Any] = {
        "vpcId": UNKNOWN,
        "serviceName": service_name or f"com.amazonaws.{REGION}.{service}",
        "tags": STAGING,
    }
    if kind:
        inputs["vpcEndpointType"] = kind
    return node(network.VPC_ENDPOINT, name, inputs, (v,))


# ---------------------------------------------------------------------------
# The samples: zero mandatory violations (each synthesized once)
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# GCM-NET-001
# ---------------------------------------------------------------------------
def _nats(tags: dict[str, str], count: int) -> ResourceGraph:
    v = vpc(tags=tags)
    nodes: list[ResourceNode] = [v]
    for az in "acd"[:count]:
        s = subnet(f"public-{az}", v)
        nodes += [s, nat(f"nat-{az}", s, tags)]
    return graph(*nodes)


def test_net001_two_nat_gateways_in_staging_fail() -> None:
    report = check(_nats(STAGING, 2))
    [v] = only(report, "GCM-NET-001")
    assert v.mandatory and v.resource_name == "nat-c"
    assert "2 NAT gateways" in v.message.en and "at most 1" in v.message.en
    assert "staging" in v.message.en and "nat-a" in v.message.en
    assert "検証環境" in v.message.ja and "NAT ゲートウェイ" in v.message.ja


def test_net001_one_nat_outside_production_and_any_in_production_pass() -> None:
    assert only(check(_nats(STAGING, 1)), "GCM-NET-001") == []
    assert only(check(_nats(DEVELOPMENT, 1)), "GCM-NET-001") == []
    assert only(check(_nats(PRODUCTION, 3)), "GCM-NET-001") == []


def test_net001_untagged_nats_follow_default_environment() -> None:
    g = _nats({}, 3)
    assert only(check(g), "GCM-NET-001") == []  # production assumed
    # One finding per NAT gateway beyond the limit (issue 15: it was one for the
    # environment, naming the first extra gateway only).
    found = only(check(g, {"gcm-net-001": {"defaultEnvironment": "development"}}), "GCM-NET-001")
    assert [v.resource_name for v in found] == ["nat-c", "nat-d"]
    assert all("3 NAT gateways" in v.message.en and "development" in v.message.en for v in found)


def test_net001_settings_override() -> None:
    config = {"gcm-net-001": {"maxNatGateways": {"production": 2, "development": 0}}}
    [v] = only(check(_nats(PRODUCTION, 3), config), "GCM-NET-001")
    assert "at most 2" in v.message.en and v.resource_name == "nat-d"
    [v] = only(check(_nats(DEVELOPMENT, 1), config), "GCM-NET-001")
    assert "at most 0" in v.message.en and v.resource_name == "nat-a"
    # An environment missing from the table has no limit.
    assert only(check(_nats(STAGING, 3), config), "GCM-NET-001") == []


def test_net001_unknown_environment_cannot_run() -> None:
    g = graph(nat("nat-a", None, UNKNOWN), nat("nat-c", None, UNKNOWN))
    assert_cant_run(check(g), "GCM-NET-001")


# ---------------------------------------------------------------------------
# GCM-NET-002
# ---------------------------------------------------------------------------
def _with_endpoints(*services: tuple[str, str | None]) -> ResourceGraph:
    v = vpc()
    s = subnet("public-a", v)
    eps = [endpoint(f"ep-{svc}", v, svc, kind) for svc, kind in services]
    return graph(v, s, nat("nat-a", s), *eps)


ALL_ENDPOINTS = (("s3", "Gateway"), ("ecr.api", "Interface"), ("ecr.dkr", "Interface"))


def test_net002_nat_without_endpoints_is_advised() -> None:
    report = check(_with_endpoints())
    [v] = only(report, "GCM-NET-002")
    assert v.enforcement == "advisory" and not v.mandatory
    assert v.resource_name == "vpc"
    assert "nat-a" in v.message.en and "NAT data processing" in v.message.en
    for svc in ("s3 (gateway)", "ecr.api (interface)", "ecr.dkr", "logs"):
        assert svc in v.message.en
    assert "ゲートウェイ型" in v.message.ja


def test_net002_all_endpoints_pass() -> None:
    g = _with_endpoints(*ALL_ENDPOINTS, ("logs", "Interface"))
    assert only(check(g), "GCM-NET-002") == []
    # vpcEndpointType absent means a gateway endpoint.
    g = _with_endpoints(("s3", None), *ALL_ENDPOINTS[1:], ("logs", "Interface"))
    assert only(check(g), "GCM-NET-002") == []


def test_net002_partial_endpoints_name_what_is_missing() -> None:
    # An S3 *interface* endpoint is billed; the free gateway endpoint is what is asked for.
    g = _with_endpoints(("s3", "Interface"), *ALL_ENDPOINTS[1:])
    [v] = only(check(g), "GCM-NET-002")
    assert "s3 (gateway)" in v.message.en and "logs (interface)" in v.message.en
    assert "ecr.api" not in v.message.en


def test_net002_no_nat_no_advice() -> None:
    v = vpc()
    assert only(check(graph(v, subnet("private-a", v))), "GCM-NET-002") == []


def test_net002_endpoints_count_for_their_own_vpc_only() -> None:
    a, b = vpc("vpc-a"), vpc("vpc-b")
    sb = subnet("b-public", b)
    eps = [endpoint(f"a-{s}", a, s, k) for s, k in (*ALL_ENDPOINTS, ("logs", "Interface"))]
    [v] = only(check(graph(a, b, sb, nat("b-nat", sb), *eps)), "GCM-NET-002")
    assert v.resource_name == "vpc-b"


def test_net002_settings_override() -> None:
    g = _with_endpoints(("s3", "Gateway"))
    config = {"gcm-net-002": {"requiredEndpoints": ["s3"]}}
    assert only(check(g, config), "GCM-NET-002") == []
    [v] = only(check(g, {"gcm-net-002": {"requiredEndpoints": ["s3", "sts"]}}), "GCM-NET-002")
    assert "sts (interface)" in v.message.en


def test_net002_unknown_service_name_cannot_run() -> None:
    v = vpc()
    s = subnet("public-a", v)
    g = graph(v, s, nat("nat-a", s), endpoint("ep", v, "s3", service_name=UNKNOWN))
    report = check(g)
    found = only(report, "GCM-NET-002")
    # What could be decided is reported; what could not is said, as under the engine.
    assert any(x.unknown for x in found) and not any(x.mandatory for x in found)


# ---------------------------------------------------------------------------
# GCM-SEC-010
# ---------------------------------------------------------------------------
def _sg(name: str, *ingress: dict[str, Any]) -> ResourceNode:
    return node(network.SECURITY_GROUP, name, {"ingress": list(ingress), "tags": STAGING})


def test_sec010_inline_ingress_from_anywhere_fails() -> None:
    sg = _sg(
        "bastion",
        {"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": ["0.0.0.0/0"]},
    )
    [v] = only(check(graph(sg)), "GCM-SEC-010")
    assert v.mandatory and v.resource_name == "bastion"
    assert "tcp 22" in v.message.en and "0.0.0.0/0" in v.message.en
    assert "インターネット全体" in v.message.ja


def test_sec010_security_group_rule_and_ingress_rule_fail() -> None:
    rule6 = node(
        network.SECURITY_GROUP_RULE,
        "open6",
        {
            "type": "ingress",
            "protocol": "-1",
            "fromPort": 0.0,
            "toPort": 0.0,
            "ipv6CidrBlocks": ["::/0"],
            "securityGroupId": UNKNOWN,
        },
    )
    rule4 = node(
        network.INGRESS_RULE,
        "open4",
        {
            "ipProtocol": "tcp",
            "fromPort": 3389.0,
            "toPort": 3389.0,
            "cidrIpv4": "0.0.0.0/0",
            "securityGroupId": UNKNOWN,
        },
    )
    report = check(graph(rule6, rule4))
    found = {v.resource_name: v for v in only(report, "GCM-SEC-010")}
    assert set(found) == {"open6", "open4"}
    assert "all traffic" in found["open6"].message.en and "::/0" in found["open6"].message.en
    assert "tcp 3389" in found["open4"].message.en


def test_sec010_private_sources_and_egress_pass() -> None:
    g = graph(
        _sg(
            "app",
            {
                "protocol": "tcp",
                "fromPort": 443.0,
                "toPort": 443.0,
                "cidrBlocks": ["10.0.0.0/16"],
                "ipv6CidrBlocks": [],
            },
        ),
        node(
            network.SECURITY_GROUP_RULE,
            "egress",
            {
                "type": "egress",
                "protocol": "-1",
                "fromPort": 0.0,
                "toPort": 0.0,
                "cidrBlocks": ["0.0.0.0/0"],
            },
        ),
        node(
            network.INGRESS_RULE,
            "from-alb",
            {
                "ipProtocol": "tcp",
                "fromPort": 8080.0,
                "toPort": 8080.0,
                "referencedSecurityGroupId": UNKNOWN,
                "securityGroupId": UNKNOWN,
            },
        ),
        node(
            network.INGRESS_RULE,
            "from-vpc",
            {"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": "10.0.0.0/16"},
        ),
    )
    assert only(check(g), "GCM-SEC-010") == []


def test_sec010_allowed_public_ports_setting() -> None:
    https = node(
        network.INGRESS_RULE,
        "public-https",
        {"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": "0.0.0.0/0"},
    )
    ssh = node(
        network.INGRESS_RULE,
        "public-ssh",
        {"ipProtocol": "tcp", "fromPort": 22.0, "toPort": 443.0, "cidrIpv4": "0.0.0.0/0"},
    )
    everything = node(network.INGRESS_RULE, "public-all", {"ipProtocol": "-1", "cidrIpv6": "::/0"})
    config = {"gcm-sec-010": {"allowedPublicPorts": [443]}}
    found = only(check(graph(https, ssh, everything), config), "GCM-SEC-010")
    assert sorted(v.resource_name for v in found) == ["public-all", "public-ssh"]
    assert "public ports allowed: 443" in found[0].message.en


def test_sec010_unknown_cidr_cannot_run_but_open_ones_still_fail() -> None:
    unknown_only = node(
        network.INGRESS_RULE,
        "peer",
        {"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": UNKNOWN},
    )
    assert_cant_run(check(graph(unknown_only)), "GCM-SEC-010")
    mixed = _sg(
        "mixed",
        {"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": [UNKNOWN]},
        {"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": ["0.0.0.0/0"]},
    )
    found = only(check(graph(mixed)), "GCM-SEC-010")
    assert [v.unknown for v in found] == [False, True]
    assert found[0].mandatory and "tcp 22" in found[0].message.en


# ---------------------------------------------------------------------------
# GCM-SEC-011
# ---------------------------------------------------------------------------
LISTENER = "aws:lb/listener:Listener"


def _listener(name: str, type_: str = LISTENER, **inputs: Any) -> ResourceNode:
    return node(type_, name, {"loadBalancerArn": UNKNOWN, "tags": STAGING, **inputs})


def test_sec011_plain_http_listener_fails() -> None:
    g = graph(
        _listener(
            "http",
            protocol="HTTP",
            port=80.0,
            defaultActions=[{"type": "forward", "targetGroupArn": UNKNOWN}],
        ),
        # No protocol: an ALB listener defaults to HTTP.
        _listener(
            "implicit-http",
            port=80.0,
            defaultActions=[{"type": "redirect", "redirect": {"port": "443"}}],
        ),
    )
    found = {v.resource_name: v for v in only(check(g), "GCM-SEC-011")}
    assert set(found) == {"http", "implicit-http"}
    assert found["http"].mandatory
    assert "plain HTTP" in found["http"].message.en and "forward" in found["http"].message.en
    assert "redirect to #{protocol}" in found["implicit-http"].message.en
    assert "HTTPS へのリダイレクトのみ" in found["http"].message.ja


def test_sec011_redirect_and_tls12_listeners_pass() -> None:
    g = graph(
        _listener(
            "redirect",
            protocol="HTTP",
            port=80.0,
            defaultActions=[
                {
                    "type": "redirect",
                    "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
                }
            ],
        ),
        _listener(
            "https",
            protocol="HTTPS",
            sslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
            defaultActions=[{"type": "forward", "targetGroupArn": UNKNOWN}],
        ),
        _listener(
            "alb-https",
            "aws:alb/listener:Listener",
            protocol="HTTPS",
            sslPolicy="ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        ),
        _listener("nlb-tls", protocol="TLS", sslPolicy="ELBSecurityPolicy-FS-1-2-Res-2020-10"),
        _listener("nlb-tcp", protocol="TCP", port=5432.0),
    )
    assert only(check(g), "GCM-SEC-011") == []


def test_sec011_weak_or_missing_policy_fails() -> None:
    g = graph(
        _listener("no-policy", protocol="HTTPS"),
        _listener("old", protocol="HTTPS", sslPolicy="ELBSecurityPolicy-2016-08"),
        _listener(
            "tls11",
            "aws:alb/listener:Listener",
            protocol="HTTPS",
            sslPolicy="ELBSecurityPolicy-TLS13-1-1-2021-06",
        ),
    )
    found = {v.resource_name: v for v in only(check(g), "GCM-SEC-011")}
    assert set(found) == {"no-policy", "old", "tls11"}
    assert "no sslPolicy" in found["no-policy"].message.en
    assert "ELBSecurityPolicy-2016-08" in found["no-policy"].message.en
    assert "ELBSecurityPolicy-TLS13-1-1-2021-06" in found["tls11"].message.en
    assert "ELBSecurityPolicy-TLS13-1-2-*" in found["old"].message.en
    assert "TLS 1.2 以上" in found["old"].message.ja


def test_sec011_allowed_policies_setting() -> None:
    g = graph(_listener("https", protocol="HTTPS", sslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06"))
    config = {"gcm-sec-011": {"allowedSslPolicies": ["ELBSecurityPolicy-TLS13-1-3-*"]}}
    [v] = only(check(g, config), "GCM-SEC-011")
    assert "allowed: ELBSecurityPolicy-TLS13-1-3-*" in v.message.en


def test_sec011_unknown_policy_cannot_run() -> None:
    assert_cant_run(
        check(graph(_listener("https", protocol="HTTPS", sslPolicy=UNKNOWN))), "GCM-SEC-011"
    )


# ---------------------------------------------------------------------------
# Synthesized graphs: VPC linking through real dependencies
# ---------------------------------------------------------------------------
def _network_program(nat_gateway: str, tags: dict[str, str]):
    def program() -> None:
        from gcmod.components.network import Network, NetworkArgs
        from gcmod.config import NetworkConfig

        Network("net", NetworkArgs(config=NetworkConfig(nat_gateway=nat_gateway), tags=tags))

    return program


def _raw_nat_program() -> None:
    """A hand-written VPC with a NAT gateway and no endpoints."""
    import pulumi
    import pulumi_aws as aws

    vpc_ = aws.ec2.Vpc("raw-vpc", cidr_block="10.9.0.0/16", tags=STAGING)
    igw = aws.ec2.InternetGateway("raw-igw", vpc_id=vpc_.id, tags=STAGING)
    sub = aws.ec2.Subnet("raw-public", vpc_id=vpc_.id, cidr_block="10.9.0.0/24", tags=STAGING)
    eip = aws.ec2.Eip("raw-eip", domain="vpc", tags=STAGING)
    aws.ec2.NatGateway(
        "raw-nat",
        allocation_id=eip.id,
        subnet_id=sub.id,
        tags=STAGING,
        opts=pulumi.ResourceOptions(depends_on=[igw]),
    )


def test_synthesized_network_per_az_nat_in_staging() -> None:
    from gcmod.synth import run_program

    g = run_program(
        _network_program("per-az", STAGING), project="gcmod", stack="stg", region=REGION
    )
    report = check(g)
    [v] = report.by_rule("GCM-NET-001")
    assert v.mandatory and v.resource_name == "net-nat-ap-northeast-1c"
    # gcmod's Network keeps its endpoints next to the NAT gateways: no advice.
    assert report.by_rule("GCM-NET-002") == []
    assert report.mandatory == [v]
    g = run_program(
        _network_program("single", STAGING), project="gcmod", stack="stg", region=REGION
    )
    assert check(g).violations == []


def test_synthesized_raw_nat_without_endpoints_is_advised() -> None:
    from gcmod.synth import run_program

    g = run_program(_raw_nat_program, project="raw", stack="stg", region=REGION)
    [v] = check(g).by_rule("GCM-NET-002")
    assert v.resource_name == "raw-vpc" and "raw-nat" in v.message.en
