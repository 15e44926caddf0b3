"""The audit's rule evaluation (gcmod.audit.evaluate) is the pack's, without the SDK."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gcmod.audit.evaluate import check_account, engine_value
from gcmod.graph import UNKNOWN, ResourceGraph


@pytest.fixture(scope="module")
def demo_graph(demo_audit) -> ResourceGraph:
    """The demo estate's graph as the audit collected it (the session's
    ``gcmod audit --demo`` result, tests/conftest.py; read, never changed)."""
    return demo_audit.accounts[0].graph


def _key(v) -> tuple:
    return (v.rule.id, v.enforcement, v.message.en, v.message.ja, v.urn, v.resource_type,
            v.resource_name, v.unknown, v.unknown_at)  # fmt: skip


def test_same_violations_as_the_engine_path(demo_graph) -> None:
    """Every violation, message, level and unknown the servicer reports, in its order
    (the demo graph has both estates and values the audit could not collect)."""
    from gcmod.policies.harness import check_graph

    engine = check_graph(demo_graph)
    fast = check_account(demo_graph)
    assert [_key(v) for v in fast.violations] == [_key(v) for v in engine.violations]
    assert any(v.unknown for v in fast.violations)  # the unknown path is exercised
    assert fast.resources == engine.resources


def test_same_violations_with_a_config(demo_graph) -> None:
    from gcmod.policies.harness import check_graph

    config = {"gcm-tag-001": "disabled", "gcm-net-001": {"maxNatGateways": {"development": 0}},
              "gcm-log-001": "advisory"}  # fmt: skip
    engine, fast = check_graph(demo_graph, config), check_account(demo_graph, config)
    assert [_key(v) for v in fast.violations] == [_key(v) for v in engine.violations]
    assert not fast.by_rule("GCM-TAG-001") and fast.by_rule("GCM-NET-001")


def test_engine_values() -> None:
    assert engine_value({"a": 1, "b": (2, True), "c": UNKNOWN, "d": None}) == {
        "a": 1.0, "b": [2.0, True], "c": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "d": None
    }  # fmt: skip


def test_the_audit_path_imports_neither_pulumi_nor_pulumi_aws() -> None:
    """Collect (no AWS here), evaluate every rule and price: no SDK in the process."""
    code = (
        "import sys\n"
        "from gcmod.audit.runner import evaluate_account\n"
        "from gcmod.audit.scope import AccountTarget\n"
        "from gcmod.graph import ResourceNode\n"
        "from gcmod.pricing.catalog import Catalog\n"
        "n = ResourceNode(urn='arn:aws:gcmod:ap-northeast-1:1:i-1', "
        "type='aws:ec2/instance:Instance', name='i-1', custom=True, "
        "inputs={'instanceType': 'm4.xlarge', 'tags': {}}, region='ap-northeast-1')\n"
        "a = evaluate_account(AccountTarget('1'), 'ap-northeast-1', [n], Catalog.load(), None)\n"
        "assert any(f.violation.rule.id == 'GCM-COST-001' for f in a.findings)\n"
        "print(sorted(m for m in ('pulumi', 'pulumi_aws', 'pulumi_policy', 'grpc') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stderr


#: The types the audit's collectors emit and whether the SDK lets them take tags.
AUDIT_TAGGABLE: dict[str, bool] = {
    "aws:alb/loadBalancer:LoadBalancer": True,
    "aws:appautoscaling/policy:Policy": False,
    "aws:appautoscaling/target:Target": True,
    "aws:autoscaling/group:Group": True,
    "aws:backup/plan:Plan": True,
    "aws:backup/regionSettings:RegionSettings": False,
    "aws:backup/vault:Vault": True,
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": False,
    "aws:cloudwatch/logGroup:LogGroup": True,
    "aws:ebs/snapshot:Snapshot": True,
    "aws:ebs/volume:Volume": True,
    "aws:ec2/eip:Eip": True,
    "aws:ec2/instance:Instance": True,
    "aws:ec2/launchTemplate:LaunchTemplate": True,
    "aws:ec2/natGateway:NatGateway": True,
    "aws:ec2/securityGroup:SecurityGroup": True,
    "aws:ec2/subnet:Subnet": True,
    "aws:ec2/vpc:Vpc": True,
    "aws:ec2/vpcEndpoint:VpcEndpoint": True,
    "aws:ecs/cluster:Cluster": True,
    "aws:ecs/service:Service": True,
    "aws:ecs/taskDefinition:TaskDefinition": True,
    "aws:lb/listener:Listener": True,
    "aws:lb/loadBalancer:LoadBalancer": True,
    "aws:rds/cluster:Cluster": True,
    "aws:rds/clusterInstance:ClusterInstance": True,
    "aws:rds/globalCluster:GlobalCluster": True,
    "aws:rds/instance:Instance": True,
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": False,
    "aws:s3/bucket:Bucket": True,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": False,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": False,
    "aws:scheduler/schedule:Schedule": False,
    "aws:scheduler/scheduleGroup:ScheduleGroup": True,
}


def test_audit_types_are_answered_by_the_generated_table() -> None:
    """The audit answers "does this type take tags?" from gcmod's generated table
    (src/gcmod/data/awstypes.json, kept equal to the SDK by tests/test_awstypes.py),
    so it never imports pulumi_aws for it; every type it emits is in the table."""
    from gcmod.awstypes import taggable

    assert {t: taggable(t) for t in AUDIT_TAGGABLE} == AUDIT_TAGGABLE
