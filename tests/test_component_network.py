"""Tests for gcmod.components.network (offline synth under the Pulumi mocks)."""

from __future__ import annotations

import ipaddress
from itertools import combinations
from typing import Any

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gcmod.awstypes import taggable as aws_taggable
from gcmod.components.network import (
    INTERFACE_ENDPOINT_SERVICES,
    Network,
    NetworkArgs,
    plan_subnets,
)
from gcmod.components.tags import cost_tags
from gcmod.config import NetworkConfig
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.synth import AVAILABILITY_ZONES, run_program

REGION = "ap-northeast-1"
TAGS = cost_tags("jumin-kihon-daicho", "staging", extra={"owner": "infra"})
COMPONENT = "gcmod:network:Network"
SUBNET = "aws:ec2/subnet:Subnet"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ROUTE = "aws:ec2/route:Route"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
IGW = "aws:ec2/internetGateway:InternetGateway"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def taggable(token: str) -> bool:
    """Whether the pulumi_aws resource behind ``token`` accepts ``tags``."""
    return bool(aws_taggable(token))


def synth(
    config: NetworkConfig | None = None, region: str = REGION
) -> tuple[ResourceGraph, dict[str, Any]]:
    """Synthesize one Network; also return the outputs it registered."""
    registered: dict[str, Any] = {}
    original = pulumi.ComponentResource.register_outputs

    def spy(self: pulumi.ComponentResource, outputs: Any) -> None:
        if isinstance(self, Network):
            registered.update(outputs)
        original(self, outputs)

    def program() -> None:
        pulumi.ComponentResource.register_outputs = spy  # type: ignore[method-assign]
        try:
            net = Network("net", NetworkArgs(config=config or NetworkConfig(), tags=TAGS))
        finally:
            pulumi.ComponentResource.register_outputs = original  # type: ignore[method-assign]
        registered["__component__"] = net

    graph = run_program(program, project="gcmod", stack="test", region=region)
    return graph, registered


@pytest.fixture(scope="module")
def default() -> tuple[ResourceGraph, dict[str, Any]]:
    return synth()


def private_subnets(graph: ResourceGraph) -> list[ResourceNode]:
    return [s for s in graph.of_type(SUBNET) if "-private-" in s.name]


def public_subnets(graph: ResourceGraph) -> list[ResourceNode]:
    return [s for s in graph.of_type(SUBNET) if "-public-" in s.name]


# --- defaults -----------------------------------------------------------------
def test_vpc_has_dns_and_the_configured_cidr(default):
    graph, _ = default
    (vpc,) = graph.of_type("aws:ec2/vpc:Vpc")
    assert vpc.inputs["cidrBlock"] == "10.0.0.0/16"
    assert vpc.inputs["enableDnsSupport"] is True
    assert vpc.inputs["enableDnsHostnames"] is True


def test_one_private_subnet_per_az_inside_the_vpc_without_overlap(default):
    graph, _ = default
    subnets = private_subnets(graph)
    assert len(subnets) == NetworkConfig().az_count == 2
    zones = [s.inputs["availabilityZone"] for s in subnets]
    assert sorted(zones) == [z for z, _ in AVAILABILITY_ZONES[REGION][:2]]
    vpc = ipaddress.ip_network("10.0.0.0/16")
    nets = [ipaddress.ip_network(s.inputs["cidrBlock"]) for s in subnets]
    assert all(n.subnet_of(vpc) for n in nets)
    assert not any(a.overlaps(b) for a, b in combinations(nets, 2))
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)


def test_no_internet_path_by_default(default):
    graph, _ = default
    assert graph.of_type(NAT) == []
    assert graph.of_type(IGW) == []
    assert graph.of_type(EIP) == []
    assert graph.of_type(ROUTE) == []
    assert public_subnets(graph) == []


def test_each_private_subnet_has_its_own_route_table(default):
    graph, _ = default
    tables = {t.urn for t in graph.of_type("aws:ec2/routeTable:RouteTable")}
    assocs = graph.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
    subnet_urns = {s.urn for s in private_subnets(graph)}
    pairs = {
        (a.property_dependencies["subnetId"][0], a.property_dependencies["routeTableId"][0])
        for a in assocs
    }
    assert {s for s, _ in pairs} == subnet_urns
    assert {t for _, t in pairs} == tables
    assert len(tables) == len(subnet_urns)


def test_vpc_endpoints_for_the_platform_services(default):
    graph, _ = default
    endpoints = {e.inputs["serviceName"]: e for e in graph.of_type(ENDPOINT)}
    expected = {f"com.amazonaws.{REGION}.{svc}" for svc in INTERFACE_ENDPOINT_SERVICES}
    assert set(endpoints) == expected | {f"com.amazonaws.{REGION}.s3"}
    s3 = endpoints[f"com.amazonaws.{REGION}.s3"]
    assert s3.inputs["vpcEndpointType"] == "Gateway"
    tables = {t.urn for t in graph.of_type("aws:ec2/routeTable:RouteTable")}
    assert set(s3.property_dependencies["routeTableIds"]) == tables
    (sg,) = graph.of_type("aws:ec2/securityGroup:SecurityGroup")
    for svc in expected:
        ep = endpoints[svc]
        assert ep.inputs["vpcEndpointType"] == "Interface"
        assert ep.inputs["privateDnsEnabled"] is True
        assert len(ep.inputs["subnetIds"]) == 2
        assert set(ep.property_dependencies["subnetIds"]) == {s.urn for s in private_subnets(graph)}
        assert ep.property_dependencies["securityGroupIds"] == (sg.urn,)


def test_endpoint_security_group_admits_only_https_from_the_vpc(default):
    graph, _ = default
    (sg,) = graph.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert not sg.inputs.get("ingress")
    (rule,) = graph.of_type(INGRESS)
    assert rule.property_dependencies["securityGroupId"] == (sg.urn,)
    assert rule.inputs["ipProtocol"] == "tcp"
    assert rule.inputs["fromPort"] == rule.inputs["toPort"] == 443
    assert rule.inputs["cidrIpv4"] == "10.0.0.0/16"
    assert "cidrIpv6" not in rule.inputs


def test_default_security_group_is_emptied(default):
    graph, _ = default
    (dsg,) = graph.of_type("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert dsg.inputs["ingress"] == [] and dsg.inputs["egress"] == []


def test_no_open_ingress_anywhere(default):
    graph, _ = default
    for node in graph.of_type(INGRESS, "aws:ec2/securityGroup:SecurityGroup"):
        text = repr(node.inputs)
        assert "0.0.0.0/0" not in text and "::/0" not in text, node.name


def test_taggable_resources_carry_the_tags(default):
    graph, _ = default
    checked = 0
    for node in graph.custom_resources:
        if taggable(node.type):
            checked += 1
            assert node.tags.items() >= TAGS.items(), node.name
    assert checked >= 10


def test_children_are_parented_and_prefixed(default):
    graph, _ = default
    (component,) = graph.of_type(COMPONENT)
    children = graph.custom_resources
    assert children
    assert all(c.parent == component.urn for c in children)
    assert all(c.name.startswith("net-") for c in children)


def test_registered_outputs_and_attributes(default):
    _, outputs = default
    net = outputs.pop("__component__")
    assert outputs["cidrBlock"] == net.cidr_block == "10.0.0.0/16"
    assert (
        outputs["availabilityZones"]
        == net.availability_zones
        == ["ap-northeast-1a", "ap-northeast-1c"]
    )
    assert len(outputs["privateSubnetIds"]) == 2
    assert len(outputs["privateRouteTableIds"]) == 2
    assert outputs["natGatewayIds"] == [] and outputs["publicSubnetIds"] == []
    for key in ("vpcId", "endpointSecurityGroupId"):
        assert isinstance(outputs[key], pulumi.Output)
    assert net.private_subnet_ids == outputs["privateSubnetIds"]


# --- options --------------------------------------------------------------------
def test_three_azs():
    graph, _ = synth(NetworkConfig(az_count=3))
    zones = sorted(s.inputs["availabilityZone"] for s in private_subnets(graph))
    assert zones == [z for z, _ in AVAILABILITY_ZONES[REGION]]
    for ep in graph.of_type(ENDPOINT):
        if ep.inputs["vpcEndpointType"] == "Interface":
            assert len(ep.inputs["subnetIds"]) == 3


def test_other_region_uses_its_service_names_and_zones():
    graph, _ = synth(region="ap-northeast-3")
    names = {e.inputs["serviceName"] for e in graph.of_type(ENDPOINT)}
    assert "com.amazonaws.ap-northeast-3.ecr.dkr" in names
    assert not any(REGION in n for n in names)
    zones = {s.inputs["availabilityZone"] for s in private_subnets(graph)}
    assert zones == {"ap-northeast-3a", "ap-northeast-3b"}


@pytest.mark.parametrize(("mode", "nats"), [("single", 1), ("per-az", 2)])
def test_nat_gateway_modes(mode, nats):
    graph, outputs = synth(NetworkConfig(nat_gateway=mode))
    assert len(graph.of_type(NAT)) == nats
    assert len(graph.of_type(EIP)) == nats
    assert all(e.inputs["domain"] == "vpc" for e in graph.of_type(EIP))
    assert len(graph.of_type(IGW)) == 1
    publics = public_subnets(graph)
    assert len(publics) == 2
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in publics)
    nets = [ipaddress.ip_network(s.inputs["cidrBlock"]) for s in graph.of_type(SUBNET)]
    assert not any(a.overlaps(b) for a, b in combinations(nets, 2))
    # NAT gateways live in public subnets.
    public_urns = {s.urn for s in publics}
    for nat in graph.of_type(NAT):
        assert nat.property_dependencies["subnetId"][0] in public_urns
    # Every private route table has a default route to a NAT gateway.
    private_tables = {
        t.urn for t in graph.of_type("aws:ec2/routeTable:RouteTable") if "-private-" in t.name
    }
    nat_routes = [r for r in graph.of_type(ROUTE) if "natGatewayId" in r.inputs]
    assert all(r.inputs["destinationCidrBlock"] == "0.0.0.0/0" for r in nat_routes)
    assert {r.property_dependencies["routeTableId"][0] for r in nat_routes} == private_tables
    targets = {r.property_dependencies["natGatewayId"][0] for r in nat_routes}
    assert len(targets) == nats
    assert len(outputs["natGatewayIds"]) == nats
    for node in graph.custom_resources:
        if taggable(node.type):
            assert node.tags.items() >= TAGS.items(), node.name


def test_per_az_nat_keeps_traffic_in_its_zone():
    graph, _ = synth(NetworkConfig(nat_gateway="per-az"))
    by_urn = graph.by_urn
    for route in graph.of_type(ROUTE):
        if "natGatewayId" not in route.inputs:
            continue
        table = by_urn[route.property_dependencies["routeTableId"][0]]
        nat = by_urn[route.property_dependencies["natGatewayId"][0]]
        subnet = by_urn[nat.property_dependencies["subnetId"][0]]
        assert table.name.removeprefix("net-private-") == subnet.name.removeprefix("net-public-")


# --- address plan ----------------------------------------------------------------
def test_plan_subnets_examples():
    assert plan_subnets("10.0.0.0/16", 2) == (
        ["10.0.0.0/18", "10.0.64.0/18"],
        ["10.0.192.0/20", "10.0.208.0/20"],
    )
    assert plan_subnets("192.168.1.0/24", 3) == (
        ["192.168.1.0/26", "192.168.1.64/26", "192.168.1.128/26"],
        ["192.168.1.192/28", "192.168.1.208/28", "192.168.1.224/28"],
    )


@given(
    prefix=st.integers(min_value=16, max_value=24),
    base=st.sampled_from(["10.0.0.0", "172.16.0.0", "192.168.0.0"]),
    az_count=st.integers(min_value=2, max_value=3),
)
def test_plan_subnets_stays_inside_without_overlap(prefix, base, az_count):
    vpc = ipaddress.ip_network(f"{base}/{prefix}", strict=False)
    private, public = plan_subnets(str(vpc), az_count)
    nets = [ipaddress.ip_network(c) for c in private + public]
    assert len(private) == len(public) == az_count
    assert all(n.subnet_of(vpc) and n.prefixlen <= 28 for n in nets)
    assert not any(a.overlaps(b) for a, b in combinations(nets, 2))


def test_impossible_az_count_is_refused_before_anything_is_created():
    cfg = NetworkConfig.model_construct(cidr="10.0.0.0/16", az_count=4, nat_gateway="none")
    with pytest.raises(ValueError, match="az_count"):
        Network("net", NetworkArgs(config=cfg))


def test_extra_interface_endpoints_are_added_once() -> None:
    from gcmod.components.network import Network, NetworkArgs
    from gcmod.synth import run_program

    g = run_program(
        lambda: Network("net", NetworkArgs(extra_interface_endpoints=("ssm", "logs", "ssm"))),
        project="gcmod",
        stack="test",
        region="ap-northeast-1",
    )
    names = sorted(e.inputs["serviceName"] for e in g.of_type("aws:ec2/vpcEndpoint:VpcEndpoint"))
    assert names == sorted(
        f"com.amazonaws.ap-northeast-1.{s}"
        for s in ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "s3")
    )
