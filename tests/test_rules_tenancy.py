"""Tenancy rules (GCM-TEN-001, GCM-DB-001, GCM-TAG-001) through the real engine path.

Hand-built fixtures and a synthesized "B: IaaS type" program (one VPC, ECS
cluster and RDS instance per municipality) go through
:func:`gcmod.policies.harness.check_graph`, which calls the analyzer servicer
exactly as ``pulumi preview --policy-pack`` does.
"""

from __future__ import annotations

from typing import Any

import pytest

from gcmod.components.tags import cost_tags, with_tenant
from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import Rule
from gcmod.policies.rules import tenancy

REGION = "ap-northeast-1"
RULES: list[Rule] = [
    tenancy.one_shared_environment,
    tenancy.multi_az_only_where_needed,
    tenancy.cost_allocation_tags,
]
PRODUCTION = cost_tags("juki", "production")
STAGING = cost_tags("juki", "staging")
MUNICIPALITIES = ("小樽市", "江別市", "北広島市")


# ---------------------------------------------------------------------------
# Fixture helpers
# ---------------------------------------------------------------------------
def node(
    type_: str,
    name: str,
    inputs: dict[str, Any] | None = None,
    deps: tuple[ResourceNode, ...] = (),
    provider: str | None = None,
) -> ResourceNode:
    return ResourceNode(
        urn=f"urn:pulumi:test::gcmod::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        inputs=inputs if inputs is not None else {"tags": PRODUCTION},
        dependencies=tuple(d.urn for d in deps),
        provider=provider,
        region=REGION,
    )


def graph(*nodes: ResourceNode) -> ResourceGraph:
    return ResourceGraph("gcmod", "test", REGION, tuple(nodes))


def check(g: ResourceGraph, config: dict[str, Any] | None = None) -> CheckReport:
    return check_graph(g, config, rules=RULES)


def assert_cant_run(report: CheckReport, rule_id: str) -> None:
    found = report.by_rule(rule_id)
    assert found, f"{rule_id} reported nothing"
    assert all(v.unknown and v.enforcement == "advisory" for v in found)
    assert "can't run policy" in found[0].message.en
    assert not [v for v in report.mandatory if v.rule.id == rule_id]


# ---------------------------------------------------------------------------
# The samples: zero mandatory violations (each synthesized once)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples(sample_stacks):
    """The built-in samples (synthesized once per session in conftest)."""
    return sample_stacks


def test_saas_prod_serves_three_tenants_from_one_environment(samples) -> None:
    cfg, g = samples["saas-prod"]
    assert len(cfg.tenants) == 3
    assert len(g.of_type(tenancy.ECS_CLUSTER)) == 1
    assert len(g.of_type(tenancy.RDS_CLUSTER)) == 1
    assert check(g).by_rule("GCM-TEN-001") == []


# ---------------------------------------------------------------------------
# GCM-TEN-001
# ---------------------------------------------------------------------------
def _fleet_program() -> None:
    """The "B: IaaS type" shape: a VPC, an ECS cluster and an RDS instance per town."""
    import pulumi_aws as aws

    for i, town in enumerate(MUNICIPALITIES):
        tags = {"Municipality": town, "Environment": "prod"}
        aws.ec2.Vpc(f"vpc-{i}", cidr_block=f"10.{i}.0.0/16", tags=tags)
        aws.ecs.Cluster(f"ecs-{i}", tags=tags)
        aws.rds.Instance(
            f"db-{i}",
            engine="postgres",
            instance_class="db.m7g.large",
            allocated_storage=100,
            username="admin",
            manage_master_user_password=True,
            tags=tags,
        )


@pytest.fixture(scope="module")
def fleet() -> ResourceGraph:
    from gcmod.synth import run_program

    return run_program(_fleet_program, project="fleet", stack="prod", region=REGION)


def test_ten001_synthesized_per_municipality_environments_fail(fleet) -> None:
    found = check(fleet).by_rule("GCM-TEN-001")
    by_name = {v.resource_name: v for v in found}
    assert set(by_name) == {"vpc-1", "ecs-1", "db-1"}
    assert all(v.mandatory for v in found)
    v = by_name["vpc-1"]
    assert "3 VPCs in production (ap-northeast-1)" in v.message.en
    assert "vpc-0, vpc-1, vpc-2" in v.message.en and "at most 1" in v.message.en
    assert "per-tenant copies" in v.message.en
    for town in MUNICIPALITIES:
        assert town in v.message.en and town in v.message.ja
    assert "テナントごとの複製" in v.message.ja and "本番環境" in v.message.ja
    assert "3 ECS clusters" in by_name["ecs-1"].message.en
    assert "3 standalone RDS instances" in by_name["db-1"].message.en


def test_ten001_settings_override(fleet) -> None:
    assert check(fleet, {"gcm-ten-001": {"maxEnvironments": 3}}).by_rule("GCM-TEN-001") == []
    [*found] = check(fleet, {"gcm-ten-001": {"maxEnvironments": 2}}).by_rule("GCM-TEN-001")
    assert {v.resource_name for v in found} == {"vpc-2", "ecs-2", "db-2"}


def test_ten001_duplicates_without_tenant_tags_are_still_duplicates() -> None:
    g = graph(node(tenancy.ECS_CLUSTER, "ecs-a"), node(tenancy.ECS_CLUSTER, "ecs-b"))
    [v] = check(g).by_rule("GCM-TEN-001")
    assert v.resource_name == "ecs-b" and "2 ECS clusters" in v.message.en
    assert "per-tenant" not in v.message.en


def test_ten001_one_of_each_per_environment_and_region_passes() -> None:
    osaka = ResourceNode(
        urn="urn:pulumi:test::gcmod::pulumi:providers:aws::osaka",
        type="pulumi:providers:aws",
        name="osaka",
        custom=True,
        inputs={"region": "ap-northeast-3"},
    )
    g = graph(
        osaka,
        node(tenancy.VPC, "prod-vpc"),
        node(tenancy.VPC, "staging-vpc", {"tags": STAGING}),
        # A copy in Osaka is the DR rules' business, not duplicated tenancy.
        node(tenancy.VPC, "osaka-vpc", provider=osaka.urn),
        node(tenancy.ECS_CLUSTER, "ecs"),
        node(tenancy.RDS_CLUSTER, "aurora", {"engine": "aurora-postgresql", "tags": PRODUCTION}),
        node(tenancy.LOAD_BALANCERS[0], "alb", {"internal": True, "tags": PRODUCTION}),
        node(tenancy.LOAD_BALANCERS[0], "nlb", {"loadBalancerType": "network", "tags": PRODUCTION}),
        node(tenancy.RDS_INSTANCE, "db", {"engine": "postgres", "tags": PRODUCTION}),
        node(tenancy.RDS_INSTANCE, "db-replica", {"replicateSourceDb": "db", "tags": PRODUCTION}),
    )
    assert check(g).by_rule("GCM-TEN-001") == []


def test_ten001_two_application_load_balancers_fail() -> None:
    g = graph(
        node(tenancy.LOAD_BALANCERS[0], "alb-a", {"tags": with_tenant(PRODUCTION, "012033")}),
        node(tenancy.LOAD_BALANCERS[1], "alb-b", {"tags": with_tenant(PRODUCTION, "012173")}),
    )
    [v] = check(g).by_rule("GCM-TEN-001")
    assert v.resource_name == "alb-b" and "2 application load balancers" in v.message.en
    assert "tenants: 012033, 012173" in v.message.en


def test_ten001_unknown_environment_cannot_run() -> None:
    g = graph(node(tenancy.VPC, "a", {"tags": UNKNOWN}), node(tenancy.VPC, "b", {"tags": UNKNOWN}))
    assert_cant_run(check(g), "GCM-TEN-001")


# ---------------------------------------------------------------------------
# GCM-DB-001
# ---------------------------------------------------------------------------
def _aurora(*zones: str | None) -> ResourceGraph:
    cluster = node(
        tenancy.RDS_CLUSTER, "aurora", {"engine": "aurora-postgresql", "tags": PRODUCTION}
    )
    instances = [
        node(
            tenancy.RDS_CLUSTER_INSTANCE,
            f"aurora-{i}",
            {"clusterIdentifier": UNKNOWN, "instanceClass": "db.serverless", "tags": PRODUCTION}
            | ({"availabilityZone": z} if z else {}),
            (cluster,),
        )
        for i, z in enumerate(zones)
    ]
    return graph(cluster, *instances)


def test_db001_multi_az_rds_instance_fails() -> None:
    g = graph(node(tenancy.RDS_INSTANCE, "db", {"multiAz": True, "tags": PRODUCTION}))
    [v] = check(g).by_rule("GCM-DB-001")
    assert v.mandatory and v.resource_name == "db"
    assert "multiAz true" in v.message.en and "standard availability grade" in v.message.en
    assert "可用性区分 standard" in v.message.ja


def test_db001_aurora_reader_in_second_az_fails() -> None:
    [v] = check(_aurora("ap-northeast-1a", "ap-northeast-1c")).by_rule("GCM-DB-001")
    assert v.resource_name == "aurora" and "2 instances (aurora-0, aurora-1)" in v.message.en
    # Without pinned zones RDS spreads instances over AZs.
    [v] = check(_aurora(None, None)).by_rule("GCM-DB-001")
    assert v.resource_name == "aurora"


def test_db001_aurora_linked_by_literal_identifier() -> None:
    cluster = node(
        tenancy.RDS_CLUSTER,
        "aurora",
        {"engine": "aurora-postgresql", "clusterIdentifier": "juki-db", "tags": PRODUCTION},
    )
    insts = [
        node(tenancy.RDS_CLUSTER_INSTANCE, f"i{n}", {"clusterIdentifier": "juki-db"})
        for n in range(2)
    ]
    [v] = check(graph(cluster, *insts)).by_rule("GCM-DB-001")
    assert v.resource_name == "aurora"
    # A cluster outside the stack, named by identifier.
    outside = [
        node(tenancy.RDS_CLUSTER_INSTANCE, f"o{n}", {"clusterIdentifier": "legacy"})
        for n in range(2)
    ]
    [v] = check(graph(*outside)).by_rule("GCM-DB-001")
    assert "legacy (outside this stack)" in v.message.en and v.resource_name == "o1"


def test_db001_multi_az_db_cluster_fails() -> None:
    g = graph(
        node(
            tenancy.RDS_CLUSTER,
            "maz",
            {"engine": "postgres", "dbClusterInstanceClass": "db.m7g.large", "tags": PRODUCTION},
        )
    )
    [v] = check(g).by_rule("GCM-DB-001")
    assert v.resource_name == "maz" and "Multi-AZ DB cluster" in v.message.en


def test_db001_single_az_passes() -> None:
    assert check(_aurora("ap-northeast-1a")).by_rule("GCM-DB-001") == []
    # Two instances pinned to one AZ are a read scale-out, not Multi-AZ.
    assert check(_aurora("ap-northeast-1a", "ap-northeast-1a")).by_rule("GCM-DB-001") == []
    g = graph(node(tenancy.RDS_INSTANCE, "db", {"multiAz": False, "tags": PRODUCTION}))
    assert check(g).by_rule("GCM-DB-001") == []


def test_db001_high_grade_allows_multi_az() -> None:
    config = {"gcm-db-001": {"availabilityGrade": "high"}}
    g = _aurora("ap-northeast-1a", "ap-northeast-1c")
    assert check(g, config).by_rule("GCM-DB-001") == []


def test_db001_unknown_multi_az_cannot_run() -> None:
    g = graph(node(tenancy.RDS_INSTANCE, "db", {"multiAz": UNKNOWN, "tags": PRODUCTION}))
    assert_cant_run(check(g), "GCM-DB-001")


# ---------------------------------------------------------------------------
# GCM-TAG-001
# ---------------------------------------------------------------------------
def test_tag001_taggable_is_derived_from_pulumi_aws() -> None:
    assert tenancy.taggable("aws:ec2/vpc:Vpc") is True
    assert tenancy.taggable("aws:ec2/route:Route") is False
    assert tenancy.taggable("aws:scheduler/schedule:Schedule") is False
    assert tenancy.taggable("aws:lambda/function:Function") is True  # module lambda_
    assert tenancy.taggable("aws:nosuch/thing:Thing") is None
    assert tenancy.taggable("random:index/randomId:RandomId") is None


def test_tag001_missing_tags_fail() -> None:
    g = graph(
        node(tenancy.VPC, "bare", {"cidrBlock": "10.0.0.0/16"}),
        node(tenancy.ECS_CLUSTER, "half", {"tags": {"gcmod:system": "juki", "gcmod:tenant": ""}}),
    )
    found = {v.resource_name: v for v in check(g).by_rule("GCM-TAG-001")}
    assert set(found) == {"bare", "half"}
    assert all(v.mandatory for v in found.values())
    bare = found["bare"].message
    # issue 13: the tenant is asked only of multi-tenant builds (gcmod's tags or a
    # tenant key); an untagged resource is asked for system and environment.
    assert "lacks cost-allocation tag(s) gcmod:system, gcmod:environment;" in bare.en
    assert "gcmod:tenant" not in bare.en.split("(aliases")[0]
    assert "aws:ec2/vpc:Vpc" in bare.en and "コスト配分タグ" in bare.ja
    assert (
        "lacks cost-allocation tag(s) gcmod:environment, gcmod:tenant;" in found["half"].message.en
    )


def test_tag001_vendor_keys_aliases_and_multi_tenant() -> None:
    """A vendor's own keys (System/Environment, any case) satisfy the rule; the tenant
    is asked where the build is multi-tenant, or when the config says so."""
    vendor = {"System": "juki", "environment": "development", "CostCenter": "1234"}
    g = graph(node(tenancy.VPC, "vendor-vpc", {"tags": vendor}))
    assert check(g).by_rule("GCM-TAG-001") == []
    [v] = check(g, {"gcm-tag-001": {"multiTenant": "yes"}}).by_rule("GCM-TAG-001")
    assert "lacks cost-allocation tag(s) gcmod:tenant;" in v.message.en
    assert "Municipality" in v.message.en and "別名も可" in v.message.ja
    tenant = node(tenancy.VPC, "t-vpc", {"tags": {**vendor, "Municipality": ""}})
    [v] = check(graph(tenant)).by_rule("GCM-TAG-001")  # a tenant key, left empty
    assert "lacks cost-allocation tag(s) gcmod:tenant;" in v.message.en
    own = {"gcm-tag-001": {"tagAliases": {"system": ["Sys"]}}}
    g = graph(node(tenancy.VPC, "sys", {"tags": {"Sys": "juki", "Env": "prod"}}))
    assert check(g, own).by_rule("GCM-TAG-001") == []
    assert check(g).by_rule("GCM-TAG-001") != []


def test_tag001_tagged_and_untaggable_pass() -> None:
    v = node(tenancy.VPC, "vpc")
    g = graph(
        v,
        node("aws:ec2/route:Route", "route", {"destinationCidrBlock": "0.0.0.0/0"}),
        node("aws:nosuch/thing:Thing", "unknown-type", {}),
        # A tag whose value is only known after deployment is present.
        node(tenancy.ECS_CLUSTER, "ecs", {"tags": {**PRODUCTION, "gcmod:tenant": UNKNOWN}}),
    )
    assert check(g).by_rule("GCM-TAG-001") == []


def test_tag001_settings_override() -> None:
    g = graph(node(tenancy.VPC, "vpc", {"tags": {"CostCenter": "juki"}}))
    config = {"gcm-tag-001": {"requiredTags": ["CostCenter"]}}
    assert check(g, config).by_rule("GCM-TAG-001") == []
    [v] = check(g, {"gcm-tag-001": {"requiredTags": ["CostCenter", "Owner"]}}).by_rule(
        "GCM-TAG-001"
    )
    assert "lacks cost-allocation tag(s) Owner;" in v.message.en
    # Enforcement can be relaxed for programs gcmod did not build.
    [v] = check(g, {"gcm-tag-001": "advisory"}).by_rule("GCM-TAG-001")
    assert v.enforcement == "advisory" and not v.mandatory


def test_tag001_unknown_tags_cannot_run() -> None:
    assert_cant_run(check(graph(node(tenancy.VPC, "vpc", {"tags": UNKNOWN}))), "GCM-TAG-001")


def test_provider_default_tags_count_as_cost_tags() -> None:
    from gcmod.graph import ResourceGraph, ResourceNode
    from gcmod.policies.harness import check_graph
    from gcmod.policies.model import get_rule

    provider = ResourceNode(
        "urn:p", "pulumi:providers:aws", "tagged", True,
        {"region": "ap-northeast-1", "defaultTags": {"tags": {"gcmod:system": "koseki",
         "gcmod:environment": "production", "gcmod:tenant": "shared"}}},
    )  # fmt: skip
    vpc = ResourceNode("urn:v", "aws:ec2/vpc:Vpc", "vpc", True, {"cidrBlock": "10.0.0.0/16"},
                       provider="urn:p")  # fmt: skip
    bare = ResourceNode("urn:b", "aws:ec2/vpc:Vpc", "bare", True, {"cidrBlock": "10.1.0.0/16"})
    g = ResourceGraph("p", "s", "ap-northeast-1", (provider, vpc, bare))
    found = check_graph(g, rules=[get_rule("GCM-TAG-001")]).by_rule("GCM-TAG-001")
    assert [v.resource_name for v in found] == ["bare"]


def test_ten001_names_the_same_copy_whatever_the_input_order() -> None:
    from ruletest import node

    from gcmod.components.tags import cost_tags
    from gcmod.graph import ResourceGraph
    from gcmod.policies.harness import check_graph
    from gcmod.policies.model import get_rule

    vpcs = [
        node("aws:ec2/vpc:Vpc", n, {"tags": cost_tags("juki", "production", t)})
        for n, t in (("vpc-b", "011002"), ("vpc-a", "012033"), ("vpc-c", "131016"))
    ]
    rule = [get_rule("GCM-TEN-001")]
    names = {
        tuple(v.resource_name for v in check_graph(
            ResourceGraph("p", "s", "ap-northeast-1", tuple(order)), rules=rule
        ).by_rule("GCM-TEN-001"))
        for order in (vpcs, vpcs[::-1], vpcs[1:] + vpcs[:1])
    }  # fmt: skip
    assert names == {("vpc-b",)}
