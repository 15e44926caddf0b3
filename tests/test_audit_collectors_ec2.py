"""EC2 / EBS / Auto Scaling / ELBv2 collectors and CloudWatch utilisation, in moto.

One moto account is seeded once per module (ap-northeast-1 home, ap-northeast-3
DR) with boto3; every collector runs through a real :class:`CollectContext`
with gcmod's guarded, counted clients, and the nodes go through the policy
pack unchanged (``check_graph``). No network: moto intercepts every call.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from awsmock import moto_account

from gcmod.audit import metrics
from gcmod.audit.clients import client_factory
from gcmod.audit.collect import CallCounter, CollectContext, all_collectors, provider_urn
from gcmod.audit.collectors import ec2 as ec2c
from gcmod.audit.collectors import elbv2 as elbc
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.policies.harness import check_graph

moto = pytest.importorskip("moto")

HOME, DR = "ap-northeast-1", "ap-northeast-3"
ACCOUNT = "123456789012"  # moto's default account

OURS = (
    "ec2.vpcs",
    "ec2.subnets",
    "ec2.instances",
    "ec2.volumes",
    "ec2.nat-gateways",
    "ec2.vpc-endpoints",
    "ec2.security-groups",
    "ec2.addresses",
    "ec2.launch-templates",
    "autoscaling.groups",
    "elbv2.load-balancers",
    "elbv2.listeners",
)


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def aws() -> Iterator[dict[str, Any]]:
    """Fake credentials, no metadata endpoint, one seeded moto account."""
    with pytest.MonkeyPatch.context() as mp, moto_account(mp, HOME):
        yield _seed()


def _tag(name: str, kind: str = "instance") -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def _seed() -> dict[str, Any]:
    ec2 = boto3.client("ec2", region_name=HOME)
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]
    root = ami["RootDeviceName"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=_tag("app-vpc", "vpc"))
    vpc_id = vpc["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=f"10.0.{i}.0/24",
            AvailabilityZone=f"{HOME}{az}",
            TagSpecifications=_tag(f"app-private-{az}", "subnet"),
        )["Subnet"]["SubnetId"]
        for i, az in enumerate("ac")
    ]
    old = ec2.run_instances(
        ImageId=ami["ImageId"],
        MinCount=1,
        MaxCount=1,
        InstanceType="m4.xlarge",
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
        NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": subnets[0], "AssociatePublicIpAddress": True}
        ],
        TagSpecifications=_tag("legacy-ap"),
    )["Instances"][0]["InstanceId"]
    new = ec2.run_instances(
        ImageId=ami["ImageId"],
        MinCount=1,
        MaxCount=1,
        InstanceType="m7g.large",
        SubnetId=subnets[1],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        BlockDeviceMappings=[
            {"DeviceName": root, "Ebs": {"VolumeType": "gp3", "VolumeSize": 30, "Encrypted": True}}
        ],
        TagSpecifications=_tag("modern-ap"),
    )["Instances"][0]["InstanceId"]
    ec2.create_volume(
        AvailabilityZone=f"{HOME}a",
        Size=2000,
        VolumeType="gp2",
        TagSpecifications=_tag("big-gp2", "volume"),
    )
    ec2.create_volume(
        AvailabilityZone=f"{HOME}a",
        Size=50,
        VolumeType="gp3",
        Encrypted=True,
        TagSpecifications=_tag("small-gp3", "volume"),
    )
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.create_nat_gateway(
        SubnetId=subnets[0], AllocationId=eip, TagSpecifications=_tag("nat-a", "natgateway")
    )
    ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName=f"com.amazonaws.{HOME}.s3",
        VpcEndpointType="Gateway",
        TagSpecifications=_tag("s3-gw", "vpc-endpoint"),
    )
    open_sg = ec2.create_security_group(
        GroupName="ssh-world", Description="ssh from anywhere", VpcId=vpc_id
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=open_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    vpc_sg = ec2.create_security_group(
        GroupName="https-vpc", Description="https from the VPC", VpcId=vpc_id
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=vpc_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
            }
        ],
    )
    lt = ec2.create_launch_template(
        LaunchTemplateName="web-lt",
        LaunchTemplateData={
            "ImageId": ami["ImageId"],
            "InstanceType": "t4g.small",
            "MetadataOptions": {"HttpTokens": "required"},
        },
    )["LaunchTemplate"]["LaunchTemplateId"]
    boto3.client("autoscaling", region_name=HOME).create_auto_scaling_group(
        AutoScalingGroupName="web-asg",
        MinSize=2,
        MaxSize=2,
        DesiredCapacity=2,
        LaunchTemplate={"LaunchTemplateId": lt, "Version": "$Default"},
        VPCZoneIdentifier=",".join(subnets),
    )

    elb = boto3.client("elbv2", region_name=HOME)
    lb_arn = elb.create_load_balancer(
        Name="app-alb", Subnets=subnets, SecurityGroups=[vpc_sg], Scheme="internal"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(Name="app-tg", Protocol="HTTP", Port=80, VpcId=vpc_id)
    tg_arn = tg["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}],
    )
    elb.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTP",
        Port=8080,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )

    # The DR region: one compliant server left running there (warm standby).
    ec2_dr = boto3.client("ec2", region_name=DR)
    ami_dr = ec2_dr.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    dr_vpc = ec2_dr.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    dr_subnet = ec2_dr.create_subnet(
        VpcId=dr_vpc, CidrBlock="10.1.0.0/24", AvailabilityZone=f"{DR}a"
    )["Subnet"]["SubnetId"]
    ec2_dr.run_instances(
        ImageId=ami_dr,
        MinCount=1,
        MaxCount=1,
        InstanceType="m7g.large",
        SubnetId=dr_subnet,
        MetadataOptions={"HttpTokens": "required"},
        TagSpecifications=_tag("standby-ap"),
    )
    return {
        "vpc": vpc_id,
        "subnets": subnets,
        "old": old,
        "new": new,
        "open_sg": open_sg,
        "vpc_sg": vpc_sg,
        "lb": lb_arn,
        "tg": tg_arn,
    }


def _ctx(region: str, counter: CallCounter | None = None, session: Any = None) -> CollectContext:
    return CollectContext(
        session or boto3.session.Session(),
        ACCOUNT,
        region,
        HOME,
        client_factory(counter if counter is not None else CallCounter()),
    )


def _run(name: str, region: str = HOME, counter: CallCounter | None = None) -> list:
    c = next(c for c in all_collectors() if c.name == name)
    return list(c.collect(_ctx(region, counter)))


def _named(nodes: list[ResourceNode], name: str) -> ResourceNode:
    found = [n for n in nodes if n.name == name]
    assert len(found) == 1, [n.name for n in nodes]
    return found[0]


@pytest.fixture(scope="module")
def collected(aws: dict[str, Any]) -> dict[str, dict[str, list[ResourceNode]]]:
    out: dict[str, dict[str, list[ResourceNode]]] = {}
    session = boto3.session.Session()
    for region in (HOME, DR):
        ctx = _ctx(region, session=session)  # one context per region: clients reused
        regs = {c.name: c for c in all_collectors()}
        out[region] = {name: list(regs[name].collect(ctx)) for name in OURS}
    return out


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------
def test_collectors_registered_with_read_only_actions() -> None:
    regs = {c.name: c for c in all_collectors()}
    for name in OURS:
        assert name in regs, name
        for action in regs[name].iam_actions:
            svc, _, op = action.partition(":")
            assert svc in ("ec2", "autoscaling", "elasticloadbalancing", "cloudwatch")
            assert op.startswith(("Describe", "Get", "List")), action
    assert regs["ec2.instances"].iam_actions == (
        "ec2:DescribeInstances",
        "ec2:DescribeVolumes",
        "cloudwatch:GetMetricData",
    )
    assert regs["elbv2.listeners"].iam_actions == (
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
    )


# ---------------------------------------------------------------------------
# Normalised inputs
# ---------------------------------------------------------------------------
def test_network_inputs(aws: dict[str, Any], collected: dict) -> None:
    home = collected[HOME]
    vpc = _named(home["ec2.vpcs"], "app-vpc")
    assert vpc.type == ec2c.VPC
    assert vpc.urn == f"arn:aws:gcmod:{HOME}:{ACCOUNT}:{aws['vpc']}"
    assert vpc.inputs["cidrBlock"] == "10.0.0.0/16"
    sub = _named(home["ec2.subnets"], "app-private-a")
    assert sub.inputs["mapPublicIpOnLaunch"] is False
    assert sub.inputs["vpcId"] == aws["vpc"]
    assert sub.dependencies == (vpc.urn,)

    (nat,) = home["ec2.nat-gateways"]
    assert nat.type == ec2c.NAT_GATEWAY and nat.name == "nat-a"
    assert vpc.urn in nat.dependencies
    assert nat.inputs["subnetId"] == aws["subnets"][0]
    assert nat.inputs["allocationId"].startswith("eipalloc-")

    (ep,) = home["ec2.vpc-endpoints"]
    assert ep.type == ec2c.VPC_ENDPOINT
    assert ep.inputs["serviceName"] == f"com.amazonaws.{HOME}.s3"
    assert ep.inputs["vpcEndpointType"] == "Gateway"
    assert ep.dependencies == (vpc.urn,)

    (eip,) = home["ec2.addresses"]
    assert eip.type == ec2c.EIP and eip.inputs["domain"] == "vpc"

    sg = _named(home["ec2.security-groups"], "ssh-world")
    assert sg.type == ec2c.SECURITY_GROUP
    assert sg.inputs["ingress"] == [
        {
            "protocol": "tcp",
            "fromPort": 22,
            "toPort": 22,
            "cidrBlocks": ["0.0.0.0/0"],
            "ipv6CidrBlocks": [],
            "prefixListIds": [],
            "securityGroups": [],
        }
    ]
    assert sg.dependencies == (vpc.urn,)
    assert all(n.provider is None and n.region == HOME for n in home["ec2.security-groups"])


def test_instance_and_volume_inputs(aws: dict[str, Any], collected: dict) -> None:
    home = collected[HOME]
    old = _named(home["ec2.instances"], "legacy-ap")
    assert old.type == ec2c.INSTANCE
    assert old.urn.endswith(aws["old"])
    assert old.inputs["instanceType"] == "m4.xlarge"
    assert old.inputs["metadataOptions"]["httpTokens"] == "optional"
    assert old.inputs["associatePublicIpAddress"] is True
    assert old.inputs["subnetId"] == aws["subnets"][0]
    assert old.inputs["tags"] == {"Name": "legacy-ap"}
    assert "gcmodObserved" not in old.inputs  # moto keeps no CPU datapoints

    new = _named(home["ec2.instances"], "modern-ap")
    assert new.inputs["metadataOptions"] == {
        "httpTokens": "required",
        "httpEndpoint": "enabled",
        "httpPutResponseHopLimit": 1,
        "instanceMetadataTags": "disabled",
    }
    assert new.inputs["associatePublicIpAddress"] is False
    rbd = new.inputs["rootBlockDevice"]
    assert (rbd["volumeType"], rbd["volumeSize"], rbd["encrypted"]) == ("gp3", 30, True)
    assert new.inputs["ebsBlockDevices"] == []
    assert f"arn:aws:gcmod:{HOME}:{ACCOUNT}:{aws['subnets'][1]}" in new.dependencies

    # Only volumes attached to no instance become aws.ebs.Volume nodes.
    vols = {n.name: n for n in home["ec2.volumes"]}
    assert set(vols) == {"big-gp2", "small-gp3"}
    big = vols["big-gp2"].inputs
    assert vols["big-gp2"].type == ec2c.VOLUME
    assert (big["type"], big["size"], big["encrypted"]) == ("gp2", 2000, False)

    (lt,) = home["ec2.launch-templates"]
    assert lt.inputs["instanceType"] == "t4g.small"
    assert lt.inputs["metadataOptions"] == {"httpTokens": "required"}
    (asg,) = home["autoscaling.groups"]
    assert asg.type == ec2c.AUTOSCALING_GROUP
    assert (asg.inputs["minSize"], asg.inputs["maxSize"], asg.inputs["desiredCapacity"]) == (
        2,
        2,
        2,
    )
    assert asg.inputs["vpcZoneIdentifiers"] == aws["subnets"]
    assert lt.urn in asg.dependencies


def test_load_balancer_and_listener_inputs(aws: dict[str, Any], collected: dict) -> None:
    home = collected[HOME]
    (lb,) = home["elbv2.load-balancers"]
    assert lb.type == elbc.LOAD_BALANCER and lb.urn == aws["lb"]
    assert lb.inputs["internal"] is True
    assert lb.inputs["loadBalancerType"] == "application"
    assert sorted(lb.inputs["subnets"]) == sorted(aws["subnets"])
    listeners = {n.inputs["port"]: n for n in home["elbv2.listeners"]}
    fwd, redirect = listeners[80], listeners[8080]
    assert fwd.type == elbc.LISTENER
    assert fwd.inputs["protocol"] == "HTTP"
    assert fwd.inputs["defaultActions"][0]["type"] == "forward"
    assert fwd.inputs["defaultActions"][0]["targetGroupArn"] == aws["tg"]
    assert fwd.dependencies == (lb.urn,)
    assert redirect.inputs["defaultActions"][0]["redirect"]["protocol"] == "HTTPS"
    assert redirect.inputs["defaultActions"][0]["redirect"]["statusCode"] == "HTTP_301"


# ---------------------------------------------------------------------------
# The rules, unchanged, on the collected nodes
# ---------------------------------------------------------------------------
def _graph(collected: dict) -> ResourceGraph:
    nodes: list[ResourceNode] = [
        ResourceNode(
            urn=provider_urn(DR),
            type="pulumi:providers:aws",
            name=DR,
            custom=True,
            inputs={"region": DR},
            region=DR,
        )
    ]
    for region in (HOME, DR):
        for name in OURS:
            nodes += collected[region][name]
    return ResourceGraph("gcmod", "audit", HOME, tuple(nodes))


def test_rules_fire_on_collected_resources(collected: dict) -> None:
    report = check_graph(_graph(collected))

    def hit(rule_id: str) -> set[str]:
        return {v.resource_name for v in report.by_rule(rule_id)}

    assert "legacy-ap" in hit("GCM-COST-001")
    assert "modern-ap" not in hit("GCM-COST-001")
    assert "web-lt" not in hit("GCM-COST-001")
    assert "legacy-ap" in hit("GCM-SEC-001")
    assert not hit("GCM-SEC-001") & {"modern-ap", "web-lt", "standby-ap"}
    assert "legacy-ap" in hit("GCM-SEC-002")
    assert not hit("GCM-SEC-002") & {"modern-ap", "app-private-a", "app-private-c"}
    assert "big-gp2" in hit("GCM-STO-001")
    assert not hit("GCM-STO-001") & {"small-gp3", "modern-ap"}
    assert "ssh-world" in hit("GCM-SEC-010")
    assert "https-vpc" not in hit("GCM-SEC-010")
    sec011 = {v.resource_name: v for v in report.by_rule("GCM-SEC-011")}
    assert set(sec011) == {"app-alb-http-80"}
    assert "forward" in sec011["app-alb-http-80"].message.en
    assert "big-gp2" in hit("GCM-STO-002")  # 2,000 GB with no gcmod:data-gb tag
    assert "web-asg" in hit("GCM-COST-005")  # fixed fleet min = max = 2
    # GCM-NET-002: the NAT gateway's VPC has the S3 gateway endpoint, not the others.
    (net002,) = report.by_rule("GCM-NET-002")
    assert "ecr.api" in net002.message.en and "s3," not in net002.message.en
    # DR-001: the server in Osaka is standby capacity; nothing in Tokyo is.
    assert hit("GCM-DR-001") == {"standby-ap"}


# ---------------------------------------------------------------------------
# Efficiency: calls grow with pages, not resources
# ---------------------------------------------------------------------------
class PagedContext(CollectContext):
    """A context that asks for small pages, to make pagination visible."""

    page_size = 10

    def paginate(self, service: str, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
        if self.client(service).can_paginate(operation):
            kwargs.setdefault("PaginationConfig", {"PageSize": self.page_size})
        return super().paginate(service, operation, key, **kwargs)


def test_calls_grow_with_pages_not_resources(aws: dict[str, Any]) -> None:
    region = "ap-southeast-2"  # a region of its own: only what this test seeds
    ec2 = boto3.client("ec2", region_name=region)
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    for _ in range(60):
        ec2.create_volume(AvailabilityZone=f"{region}a", Size=10, VolumeType="gp3")
    for _ in range(25):  # 25 reservations: DescribeInstances pages by reservation
        ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t4g.small")

    counter = CallCounter()
    ctx = PagedContext(boto3.session.Session(), ACCOUNT, region, HOME, client_factory(counter))
    vols = list(ec2c.volumes.collect(ctx))
    assert len(vols) == 60
    # moto answers DescribeVolumes in one page whatever MaxResults says: one call.
    assert counter.calls == {"ec2.DescribeVolumes": 1}

    counter.calls.clear()
    insts = list(ec2c.instances.collect(ctx))
    assert len(insts) == 25
    # The volumes listing is shared by the two collectors of one account and region
    # (issue 15: it was listed twice), so the instances add no DescribeVolumes call.
    assert counter.calls == {
        "ec2.DescribeInstances": math.ceil(25 / PagedContext.page_size),  # 3 pages
        "cloudwatch.GetMetricData": 1,  # 25 instances in one batch
    }
    assert all(n.inputs["rootBlockDevice"]["volumeSize"] for n in insts)
    counter.calls.clear()
    alone = PagedContext(boto3.session.Session(), ACCOUNT, region, HOME, client_factory(counter))
    assert len(list(ec2c.instances.collect(alone))) == 25
    assert counter.calls["ec2.DescribeVolumes"] == 1  # on its own, it lists them once


def test_utilisation_batches_500_queries_per_call(aws: dict[str, Any]) -> None:
    counter = CallCounter()
    ids = [f"i-{n:017x}" for n in range(1200)]
    out = metrics.collect_utilisation(_ctx(HOME, counter), ids)
    assert out == {}  # moto keeps no CPU datapoints for these
    assert counter.calls == {"cloudwatch.GetMetricData": 3}
    assert metrics.collect_utilisation(_ctx(HOME, counter), []) == {}
    assert counter.calls == {"cloudwatch.GetMetricData": 3}


class _FakeCloudWatch:
    """GetMetricData in two pages per batch, with values for every other id."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def get_metric_data(self, **kw: Any) -> dict[str, Any]:
        self.calls.append(kw)
        queries = kw["MetricDataQueries"]
        assert len(queries) <= metrics.MAX_QUERIES
        half = "NextToken" in kw
        results = [
            {"Id": q["Id"], "Values": [80.0] if half else [10.0, 20.0]}
            for n, q in enumerate(queries)
            if n % 2 == 0
        ]
        return {"MetricDataResults": results, **({} if half else {"NextToken": "t"})}


class _FakeCtx:
    def __init__(self) -> None:
        self.cw = _FakeCloudWatch()

    def client(self, service: str) -> Any:
        assert service == "cloudwatch"
        return self.cw


def test_utilisation_aggregates_across_pages() -> None:
    ctx = _FakeCtx()
    out = metrics.collect_utilisation(ctx, [f"i-{n}" for n in range(600)], days=7)
    assert len(ctx.cw.calls) == 4  # 2 batches (500 + 100) x 2 pages
    assert ctx.cw.calls[1]["NextToken"] == "t"
    assert len(out) == 300
    assert out["i-0"] == {"cpuAverage": 36.67, "cpuMax": 80.0, "days": 7, "datapoints": 3}
    assert "i-1" not in out
    q = ctx.cw.calls[0]["MetricDataQueries"][0]
    assert q["MetricStat"]["Metric"]["Dimensions"] == [{"Name": "InstanceId", "Value": "i-0"}]
    assert q["MetricStat"]["Stat"] == "Average" and q["MetricStat"]["Period"] == 3600


def test_instances_carry_observed_utilisation(monkeypatch: pytest.MonkeyPatch, aws: dict) -> None:
    def fake(ctx: Any, ids: list[str], days: int = 14) -> dict[str, dict[str, float]]:
        return {aws["old"]: {"cpuAverage": 3.5, "cpuMax": 12.0}}

    monkeypatch.setattr(metrics, "collect_utilisation", fake)
    nodes = {n.name: n for n in _run("ec2.instances")}
    assert nodes["legacy-ap"].inputs["gcmodObserved"] == {"cpuAverage": 3.5, "cpuMax": 12.0}
    assert "gcmodObserved" not in nodes["modern-ap"].inputs
