"""The audit feeds the issue-13 rules it has collectors for (moto, no network).

Deployed Elastic IPs (GCM-NET-003), RDS instances (GCM-SEC-030, GCM-DB-002) and
ECS scalable targets (GCM-COST-005's fixed fleet) reach the rules through the
audit's own collectors, unchanged. KMS keys, Lambda functions, DynamoDB tables,
bucket versioning and bucket policies (GCM-SEC-031, GCM-FN-001, GCM-LOG-002,
GCM-COST-007, GCM-STO-004, GCM-SEC-022) are fed by the collectors tested in
tests/test_audit_collectors_serverless.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from awsmock import moto_account

from gcmod.audit.clients import client_factory
from gcmod.audit.collect import CallCounter, CollectContext, all_collectors
from gcmod.graph import ResourceGraph
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import get_rule

pytest.importorskip("moto")

HOME = "ap-northeast-1"
ACCOUNT = "123456789012"  # moto's default account
COLLECTORS = ("ec2.addresses", "ec2.nat-gateways", "rds.instances")
RULES = ("GCM-NET-003", "GCM-SEC-030", "GCM-DB-002")


@pytest.fixture(scope="module")
def report() -> Iterator[CheckReport]:
    """One seeded moto account, collected and checked once for the module (the
    setup takes ~15 s on the shared 2-core machine, mostly moto starting its EC2
    and RDS backends; the tests themselves take milliseconds)."""
    with pytest.MonkeyPatch.context() as mp, moto_account(mp, HOME):
        ec2 = boto3.client("ec2", region_name=HOME)
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
        ec2.allocate_address(
            Domain="vpc",
            TagSpecifications=[
                {"ResourceType": "elastic-ip", "Tags": [{"Key": "Name", "Value": "spare"}]}
            ],
        )
        used = ec2.allocate_address(
            Domain="vpc",
            TagSpecifications=[
                {"ResourceType": "elastic-ip", "Tags": [{"Key": "Name", "Value": "nat-ip"}]}
            ],
        )
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=used["AllocationId"])
        rds = boto3.client("rds", region_name=HOME)
        rds.create_db_instance(
            DBInstanceIdentifier="dev-db",
            DBInstanceClass="db.t4g.micro",
            Engine="postgres",
            AllocatedStorage=20,
            MasterUsername="app",
            MasterUserPassword="not-a-secret-123",
            PubliclyAccessible=True,
            BackupRetentionPeriod=35,
            Tags=[{"Key": "Environment", "Value": "development"}],
        )
        rds.create_db_instance(
            DBInstanceIdentifier="prod-db",
            DBInstanceClass="db.t4g.micro",
            Engine="postgres",
            AllocatedStorage=20,
            MasterUsername="app",
            MasterUserPassword="not-a-secret-123",
            PubliclyAccessible=False,
            BackupRetentionPeriod=7,
            Tags=[{"Key": "Environment", "Value": "production"}],
        )
        ctx = CollectContext(
            boto3.session.Session(), ACCOUNT, HOME, HOME, client_factory(CallCounter())
        )
        regs = {c.name: c for c in all_collectors()}
        nodes = [n for name in COLLECTORS for n in regs[name].collect(ctx)]
        yield check_graph(
            ResourceGraph("gcmod", "audit", HOME, tuple(nodes)),
            rules=[get_rule(r) for r in RULES],
        )


def hit(report: CheckReport, rule_id: str) -> set[str]:
    return {v.resource_name for v in report.by_rule(rule_id) if not v.unknown}


def test_idle_elastic_ip_flagged_nat_address_not(report: CheckReport) -> None:
    assert hit(report, "GCM-NET-003") == {"spare"}


def test_public_database_and_long_retention_flagged(report: CheckReport) -> None:
    assert hit(report, "GCM-SEC-030") == {"dev-db"}
    assert hit(report, "GCM-DB-002") == {"dev-db"}
    [v] = report.by_rule("GCM-DB-002")
    assert "35 days; the development maximum is 7" in v.message.en
