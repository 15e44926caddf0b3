"""Idle and orphaned resources (GCM-IDLE-001, 003-006, and GCM-NET-003 for Elastic IPs)
on moto, with CloudWatch metrics put into it: each rule finds the idle resource and
leaves the busy one alone, and each finding's saving is the list-price arithmetic done
by hand."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from gcmod.audit.collect import all_collectors
from gcmod.audit.evaluate import check_account
from gcmod.audit.runner import AuditResult, run_audit
from gcmod.audit.scope import Scope, single_account_scope
from gcmod.audit.waste import METHODS
from gcmod.policies.model import get_rule

HOME = "ap-northeast-1"
AMI = "ami-04681a1dbd79675a5"  # in moto's default AMI list
COLLECTORS = {
    "ec2.volumes", "ec2.addresses", "ec2.nat-gateways", "elbv2.load-balancers",
    "ec2.snapshots", "ec2.instances", "ec2.subnets", "ec2.vpcs",
}  # fmt: skip
#: Thresholds lowered so resources moto made seconds ago can be judged.
NOW = {
    "gcm-idle-001": {"minAgeDays": 0},
    "gcm-idle-003": {"minAgeDays": 0},
    "gcm-idle-004": {"minAgeDays": 0},
    "gcm-idle-005": {"maxAgeDays": 0},
    "gcm-idle-006": {"minStoppedDays": 0},
}
#: Tokyo list prices of the catalogue (src/gcmod/data/prices.yaml), checked below.
PRICES = {
    "ebs.gp2.gb-month": 0.12,
    "publicipv4.hour": 0.005,
    "natgateway.hour": 0.062,
    "alb.hour": 0.0243,
    "ebs.snapshot.gb-month": 0.05,
}


def _tags(kind: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def _seed() -> dict[str, Any]:
    ec2 = boto3.client("ec2", region_name=HOME)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"{HOME}{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in enumerate("ac")
    ]
    out: dict[str, Any] = {}
    # IDLE-001: an unattached 10 GB gp2 volume.
    out["loose"] = ec2.create_volume(
        AvailabilityZone=f"{HOME}a", Size=10, VolumeType="gp2",
        TagSpecifications=_tags("volume", "loose-vol"),
    )["VolumeId"]  # fmt: skip
    # IDLE-006: a stopped instance (8 GB gp2 root volume) and a running one.
    run = ec2.run_instances(
        ImageId=AMI, MinCount=2, MaxCount=2, InstanceType="t3.medium", SubnetId=subnets[0],
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda",
                              "Ebs": {"VolumeSize": 8, "VolumeType": "gp2"}}],
    )["Instances"]  # fmt: skip
    stopped, running = (i["InstanceId"] for i in run)
    ec2.create_tags(Resources=[stopped], Tags=[{"Key": "Name", "Value": "parked"}])
    ec2.create_tags(Resources=[running], Tags=[{"Key": "Name", "Value": "busy"}])
    ec2.stop_instances(InstanceIds=[stopped])
    # GCM-NET-003: one address associated with the running instance, one with nothing.
    spare = ec2.allocate_address(Domain="vpc", TagSpecifications=_tags("elastic-ip", "spare-ip"))
    used = ec2.allocate_address(Domain="vpc", TagSpecifications=_tags("elastic-ip", "used-ip"))
    ec2.associate_address(AllocationId=used["AllocationId"], InstanceId=running)
    out["spare_ip"] = spare["AllocationId"]
    # IDLE-004: two NAT gateways; CloudWatch has bytes for one.
    nats = {}
    for name, subnet in (("quiet-nat", subnets[0]), ("busy-nat", subnets[1])):
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nats[name] = ec2.create_nat_gateway(
            SubnetId=subnet, AllocationId=eip, TagSpecifications=_tags("natgateway", name)
        )["NatGateway"]["NatGatewayId"]
    # IDLE-005: a hand-made snapshot, and one an AMI owns.
    ec2.create_snapshot(VolumeId=out["loose"], Description="before the upgrade",
                        TagSpecifications=_tags("snapshot", "old-snap"))  # fmt: skip
    ec2.create_snapshot(VolumeId=out["loose"], Description="Created by CreateImage(i-1) for ami-1",
                        TagSpecifications=_tags("snapshot", "ami-snap"))  # fmt: skip
    # IDLE-003: an internal ALB with no target, one with a healthy target and requests.
    elb = boto3.client("elbv2", region_name=HOME)
    lbs = {}
    for name in ("empty-alb", "busy-alb"):
        lbs[name] = elb.create_load_balancer(Name=name, Subnets=subnets, Scheme="internal")[
            "LoadBalancers"
        ][0]["LoadBalancerArn"]
    tg = elb.create_target_group(
        Name="busy-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": running, "Port": 80}])
    elb.create_listener(LoadBalancerArn=lbs["busy-alb"], Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])  # fmt: skip
    cw = boto3.client("cloudwatch", region_name=HOME)
    at = datetime.now(UTC) - timedelta(hours=2)
    cw.put_metric_data(Namespace="AWS/NATGateway", MetricData=[{
        "MetricName": "BytesOutToDestination", "Value": 123456.0, "Timestamp": at,
        "Dimensions": [{"Name": "NatGatewayId", "Value": nats["busy-nat"]}]}])  # fmt: skip
    dim = lbs["busy-alb"].split(":loadbalancer/", 1)[1]
    cw.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=[{
        "MetricName": "RequestCount", "Value": 42.0, "Timestamp": at,
        "Dimensions": [{"Name": "LoadBalancer", "Value": dim}]}])  # fmt: skip
    return out


def _audit(config: dict[str, Any] | None, catalog: Any) -> AuditResult:
    scope = single_account_scope(boto3.Session(region_name=HOME))
    scope = Scope(regions=(HOME,), home_region=HOME, accounts=scope.accounts)
    cols = [c for c in all_collectors() if c.name in COLLECTORS]
    return run_audit(scope, collectors=cols, catalog=catalog, policy_config=config)


@pytest.fixture(scope="module")
def audits(catalog) -> Iterator[dict[str, Any]]:
    """One moto estate, one audit (lowered thresholds); the default thresholds are
    judged on the same collected graph. ~20-30 s on the shared machine: moto lists
    its whole AMI catalogue's snapshots, which the snapshot collector must page."""
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": HOME}  # fmt: skip
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws():
            _seed()
            now = _audit(NOW, catalog)
            default = check_account(now.accounts[0].graph)
            yield {"now": now, "default": default}
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _found(result: AuditResult, rule_id: str) -> dict[str, Any]:
    return {f.violation.resource_name: f for f in result.findings if f.violation.rule.id == rule_id}


def test_the_catalogue_prices_used_below(catalog) -> None:
    for key, usd in PRICES.items():
        assert catalog.get(key, HOME).usd == usd, key


def test_audit_is_complete(audits) -> None:
    assert audits["now"].gaps == []


@pytest.mark.parametrize(
    ("rule_id", "idle", "busy", "usd"),
    [
        ("GCM-IDLE-001", "loose-vol", None, 10 * 0.12),  # 10 GB gp2, deleted
        # issue 13's graph rule, fed by the audit's Elastic IPs (the NAT gateways' are used)
        ("GCM-NET-003", "spare-ip", "used-ip", 730 * 0.005),  # one public IPv4 address
        ("GCM-IDLE-003", "empty-alb", "busy-alb", 730 * 0.0243),  # internal: ALB hours
        ("GCM-IDLE-004", "quiet-nat", "busy-nat", 730 * 0.062),  # NAT hours (no bytes)
        ("GCM-IDLE-005", "old-snap", "ami-snap", 10 * 0.05),  # ≤ the 10 GB source volume
        ("GCM-IDLE-006", "parked", "busy", 8 * 0.12),  # the stopped one's 8 GB root volume
    ],
)
def test_idle_rule_finds_the_idle_one_not_the_busy_one(audits, rule_id, idle, busy, usd):
    found = _found(audits["now"], rule_id)
    assert set(found) == {idle}, [f.violation.message.en for f in found.values()]
    f = found[idle]
    assert idle in f.violation.message.en and idle in f.violation.message.ja
    assert f.waste_usd == pytest.approx(round(usd, 2), abs=0.001)
    assert f.waste.method == METHODS[rule_id]
    assert f.waste.monthly_jpy == round(round(usd, 2) * 157)
    if busy is not None:
        assert busy not in found


def test_default_thresholds_leave_new_resources_alone(audits) -> None:
    """Resources made seconds ago are not idle by the defaults (minAgeDays 7, snapshots
    older than 400 days, instances stopped 60 days); an unassociated address is, at once,
    and the NAT gateways' addresses are not."""
    report = audits["default"]
    found = {v.rule.id for v in report.violations}
    assert found & {"GCM-IDLE-001", "GCM-IDLE-003", "GCM-IDLE-004", "GCM-IDLE-005",
                    "GCM-IDLE-006"} == set()  # fmt: skip
    assert [v.resource_name for v in report.by_rule("GCM-NET-003")] == ["spare-ip"]


def test_idle_rules_are_documented_and_cite_their_peers() -> None:
    for n in (1, 3, 4, 5, 6):
        r = get_rule(f"GCM-IDLE-00{n}")
        assert r.title.en != r.title.ja and r.remediation.en and r.remediation.ja
        assert "Cloud Custodian" in r.rationale.en and "Steampipe" in r.rationale.en
        assert "Cloud Custodian" in r.rationale.ja
        assert "2025" in r.rationale.en and "2025" in r.rationale.ja
