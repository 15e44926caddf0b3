"""Tests for gcmod.components.database (offline synth under the Pulumi mocks)."""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pytest

from gcmod.awstypes import taggable as aws_taggable
from gcmod.components.database import (
    MASTER_USERNAME,
    Database,
    DatabaseArgs,
    parameter_group_family,
)
from gcmod.components.tags import cost_tags
from gcmod.config import DatabaseConfig
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.synth import SynthError, run_program

TAGS = cost_tags("kotei-shisanzei", "production", extra={"owner": "db-team"})
SUBNETS = ["subnet-aaa", "subnet-ccc"]
ZONES = ["ap-northeast-1a", "ap-northeast-1c"]
COMPONENT = "gcmod:database:Database"
CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
#: RDS identifier rule: a letter first, letters/digits/hyphens, no "--", no trailing "-".
RDS_IDENTIFIER = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,254}(?<!-)$")


def taggable(token: str) -> bool:
    """Whether the pulumi_aws resource behind ``token`` accepts ``tags``."""
    return bool(aws_taggable(token))


def synth(allow: dict[str, str] | None = None, **kw: Any) -> tuple[ResourceGraph, dict]:
    """Synthesize one Database (plus ``allow_from`` rules); also return its outputs."""
    registered: dict[str, Any] = {}
    original = pulumi.ComponentResource.register_outputs

    def spy(self: pulumi.ComponentResource, outputs: Any) -> None:
        if isinstance(self, Database):
            registered.update(outputs)
        original(self, outputs)

    def program() -> None:
        pulumi.ComponentResource.register_outputs = spy  # type: ignore[method-assign]
        try:
            db = Database("db", DatabaseArgs(vpc_id="vpc-123", subnet_ids=SUBNETS, tags=TAGS, **kw))
        finally:
            pulumi.ComponentResource.register_outputs = original  # type: ignore[method-assign]
        registered["__component__"] = db
        for name, sg in (allow or {}).items():
            db.allow_from(name, sg)

    graph = run_program(program, project="gcmod", stack="test", region="ap-northeast-1")
    return graph, registered


@pytest.fixture(scope="module")
def default() -> tuple[ResourceGraph, dict]:
    return synth()


def cluster_of(graph: ResourceGraph) -> ResourceNode:
    (cluster,) = graph.of_type(CLUSTER)
    return cluster


# --- defaults -----------------------------------------------------------------
def test_aurora_postgresql_serverless_v2(default):
    graph, _ = default
    c = cluster_of(graph)
    assert c.inputs["engine"] == "aurora-postgresql"
    assert c.inputs["engineMode"] == "provisioned"
    assert c.inputs["engineVersion"] == DatabaseConfig().engine_version == "16.6"
    assert c.get("serverlessv2ScalingConfiguration.minCapacity") == 0.5
    assert c.get("serverlessv2ScalingConfiguration.maxCapacity") == 4
    assert c.inputs["storageType"] == "aurora"
    assert c.inputs["port"] == 5432


def test_encrypted_with_managed_password_and_iam_auth(default):
    graph, _ = default
    c = cluster_of(graph)
    assert c.inputs["storageEncrypted"] is True
    assert c.inputs["manageMasterUserPassword"] is True
    assert c.inputs["masterUsername"] == MASTER_USERNAME
    assert c.inputs["iamDatabaseAuthenticationEnabled"] is True
    for node in graph.custom_resources:
        assert "masterPassword" not in node.inputs
        assert "masterPasswordWo" not in node.inputs


def test_backups_and_deletion_defaults(default):
    # TAGS say production: deletion protection is on by default there (issue 20:
    # environment-aware defaults); elsewhere it is off and no final snapshot is kept.
    graph, _ = default
    c = cluster_of(graph)
    assert c.inputs["backupRetentionPeriod"] == 1
    assert c.inputs["copyTagsToSnapshot"] is True
    assert c.inputs["deletionProtection"] is True
    assert c.inputs["skipFinalSnapshot"] is False
    graph, _ = synth(env="development", scheduled_shutdown=False)
    c = cluster_of(graph)
    assert c.inputs["deletionProtection"] is False
    assert c.inputs["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in c.inputs


def test_one_private_serverless_writer(default):
    graph, _ = default
    (writer,) = graph.of_type(INSTANCE)
    assert writer.inputs["instanceClass"] == "db.serverless"
    assert writer.inputs["engine"] == "aurora-postgresql"
    assert writer.inputs["publiclyAccessible"] is False
    assert writer.inputs["performanceInsightsEnabled"] is False
    assert "availabilityZone" not in writer.inputs
    assert writer.property_dependencies["clusterIdentifier"] == (cluster_of(graph).urn,)


def test_subnet_group_and_security_group_wiring(default):
    graph, _ = default
    (group,) = graph.of_type("aws:rds/subnetGroup:SubnetGroup")
    assert group.inputs["subnetIds"] == SUBNETS
    (sg,) = graph.of_type(SG)
    assert sg.inputs["vpcId"] == "vpc-123"
    c = cluster_of(graph)
    assert c.property_dependencies["vpcSecurityGroupIds"] == (sg.urn,)
    assert c.property_dependencies["dbSubnetGroupName"] == (group.urn,)


def test_no_ingress_until_allow_from(default):
    graph, _ = default
    (sg,) = graph.of_type(SG)
    assert not sg.inputs.get("ingress")
    assert graph.of_type(INGRESS) == []


def test_tls_is_required_through_the_cluster_parameter_group(default):
    graph, _ = default
    (params,) = graph.of_type("aws:rds/clusterParameterGroup:ClusterParameterGroup")
    assert params.inputs["family"] == "aurora-postgresql16"
    assert {p["name"]: p["value"] for p in params.inputs["parameters"]} == {"rds.force_ssl": "1"}
    assert cluster_of(graph).property_dependencies["dbClusterParameterGroupName"] == (params.urn,)


def test_taggable_resources_carry_the_tags_and_are_children(default):
    graph, _ = default
    (component,) = graph.of_type(COMPONENT)
    checked = 0
    for node in graph.custom_resources:
        assert node.parent == component.urn, node.name
        assert node.name.startswith("db-"), node.name
        if taggable(node.type):
            checked += 1
            assert node.tags.items() >= TAGS.items(), node.name
    assert checked == 5  # subnet group, security group, parameter group, cluster, writer


def test_registered_outputs(default):
    _, outputs = default
    db = outputs.pop("__component__")
    assert set(outputs) == {
        "clusterArn",
        "clusterIdentifier",
        "endpoint",
        "readerEndpoint",
        "port",
        "securityGroupId",
        "secretArn",
        "environment",
        "deletionProtection",
        "scheduleGroupName",
    }
    plain = {"environment": "production", "deletionProtection": True, "scheduleGroupName": None}
    assert {k: outputs.pop(k) for k in plain} == plain
    assert all(isinstance(v, pulumi.Output) for v in outputs.values())
    assert isinstance(db.cluster, pulumi.CustomResource)
    assert db.secret_arn is outputs["secretArn"]


# --- allow_from -----------------------------------------------------------------
def test_allow_from_admits_5432_from_that_security_group_only():
    graph, _ = synth(allow={"app": "sg-app", "saas_prod.batch": "sg-batch"})
    (sg,) = graph.of_type(SG)
    rules = graph.of_type(INGRESS)
    assert {r.inputs["referencedSecurityGroupId"] for r in rules} == {"sg-app", "sg-batch"}
    for rule in rules:
        assert rule.property_dependencies["securityGroupId"] == (sg.urn,)
        assert rule.inputs["ipProtocol"] == "tcp"
        assert rule.inputs["fromPort"] == rule.inputs["toPort"] == 5432
        assert not {"cidrIpv4", "cidrIpv6", "prefixListId"} & set(rule.inputs)
        assert rule.tags.items() >= TAGS.items()
    (component,) = graph.of_type(COMPONENT)
    assert {r.name for r in rules} == {"db-from-app", "db-from-saas_prod.batch"}
    assert all(r.parent == component.urn for r in rules)


# --- options --------------------------------------------------------------------
def test_multi_az_adds_a_reader_in_another_zone():
    graph, _ = synth(config=DatabaseConfig(multi_az=True), availability_zones=ZONES)
    instances = graph.of_type(INSTANCE)
    assert len(instances) == 2
    by_name = {i.name: i.inputs for i in instances}
    assert by_name["db-writer"]["availabilityZone"] == ZONES[0]
    assert by_name["db-reader"]["availabilityZone"] == ZONES[1]
    assert by_name["db-writer"]["promotionTier"] == 0
    assert by_name["db-reader"]["promotionTier"] == 1
    assert all(i.inputs["instanceClass"] == "db.serverless" for i in instances)


def test_zones_without_multi_az_pin_only_the_writer():
    graph, _ = synth(availability_zones=ZONES)
    (writer,) = graph.of_type(INSTANCE)
    assert writer.inputs["availabilityZone"] == ZONES[0]


def test_custom_capacity():
    graph, _ = synth(config=DatabaseConfig(min_acu=1, max_acu=16, engine_version="15.10"))
    c = cluster_of(graph)
    assert c.get("serverlessv2ScalingConfiguration.minCapacity") == 1
    assert c.get("serverlessv2ScalingConfiguration.maxCapacity") == 16
    assert c.inputs["engineVersion"] == "15.10"
    (params,) = graph.of_type("aws:rds/clusterParameterGroup:ClusterParameterGroup")
    assert params.inputs["family"] == "aurora-postgresql15"


def test_deletion_protection_keeps_a_final_snapshot():
    graph, _ = synth(deletion_protection=True)
    c = cluster_of(graph)
    assert c.inputs["deletionProtection"] is True
    assert c.inputs["skipFinalSnapshot"] is False
    assert RDS_IDENTIFIER.match(c.inputs["finalSnapshotIdentifier"])


def test_performance_insights_opt_in():
    graph, _ = synth(performance_insights=True)
    (writer,) = graph.of_type(INSTANCE)
    assert writer.inputs["performanceInsightsEnabled"] is True


# --- validation -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"subnet_ids": ["subnet-a"]}, "two subnets"),
        ({"subnet_ids": "subnet-a"}, "two subnets"),
        (
            {"config": DatabaseConfig(multi_az=True), "availability_zones": ["ap-northeast-1a"]},
            "second AZ",
        ),
        ({"availability_zones": ["ap-northeast-1a", "ap-northeast-1a"]}, "distinct"),
    ],
)
def test_conflicting_args_are_refused(kw, match):
    args = {"vpc_id": "vpc-1", "subnet_ids": SUBNETS, **kw}
    with pytest.raises(ValueError, match=match):
        Database("db", DatabaseArgs(**args))


def test_allow_from_rejects_a_bad_name():
    def program() -> None:
        db = Database("db", DatabaseArgs(vpc_id="vpc-1", subnet_ids=SUBNETS))
        db.allow_from("app tier!", "sg-1")

    with pytest.raises(SynthError, match="ValueError: db: allow_from name"):
        run_program(program, project="gcmod", stack="test", region="ap-northeast-1")


@pytest.mark.parametrize(
    ("version", "family"), [("16.6", "aurora-postgresql16"), ("13.15", "aurora-postgresql13")]
)
def test_parameter_group_family(version, family):
    assert parameter_group_family(version) == family


def test_cluster_tags_go_on_the_cluster_only() -> None:
    from gcmod.components.database import Database, DatabaseArgs
    from gcmod.synth import run_program

    def prog() -> None:
        Database(
            "db",
            DatabaseArgs(
                vpc_id="vpc-1",
                subnet_ids=["subnet-a", "subnet-b"],
                tags={"t": "1"},
                cluster_tags={"gcmod:backup": "daily"},
            ),
        )

    g = run_program(prog, project="gcmod", stack="test", region="ap-northeast-1")
    (cluster,) = g.of_type("aws:rds/cluster:Cluster")
    # The caller's tags, completed with gcmod's cost-allocation keys (issue 20); the
    # stack "test" is development, so the cluster also names its own shutdown schedule.
    assert cluster.tags == {
        "t": "1",
        "gcmod:backup": "daily",
        "gcmod:system": "gcmod",
        "gcmod:environment": "development",
        "gcmod:tenant": "shared",
        "gcmod:managed-by": "gcmod",
        "gcmod:schedule": "db-shutdown",
    }
    others = [r for r in g.custom_resources if r.urn != cluster.urn and r.tags]
    assert others and all("gcmod:backup" not in r.tags for r in others)
