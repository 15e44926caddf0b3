"""The one place that decides environment, region and provider (policies/evidence.py),
alone and through the engine path (check_graph), with the evidence every finding carries."""

from __future__ import annotations

import json

import pytest

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies import evidence
from gcmod.policies.harness import PolicyConfigError, check_graph
from gcmod.policies.model import Res, get_rule
from gcmod.policies.report import table, to_json

TOKYO, OSAKA = "ap-northeast-1", "ap-northeast-3"
EC2 = "aws:ec2/instance:Instance"
ECS_SERVICE = "aws:ecs/service:Service"
RDS = "aws:rds/instance:Instance"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def res(tags=None, stack="main", provider_props=None, provider_name=None, **props) -> Res:
    if tags is not None:
        props["tags"] = tags
    return Res(
        EC2,
        "vm",
        f"urn:pulumi:{stack}::p::{EC2}::vm",
        props,
        provider_props=provider_props or {},
        provider_name=provider_name,
    )


def provider(name: str, stack: str = "main", **inputs) -> ResourceNode:
    return ResourceNode(
        urn=f"urn:pulumi:{stack}::p::pulumi:providers:aws::{name}",
        type="pulumi:providers:aws",
        name=name,
        custom=True,
        inputs=inputs,
        region=inputs.get("region"),
    )


def node(type_, name, inputs=None, prov: ResourceNode | None = None, stack="main"):
    return ResourceNode(
        urn=f"urn:pulumi:{stack}::p::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        inputs=inputs or {},
        provider=prov.urn if prov else None,
        region=(prov.inputs.get("region") if prov else TOKYO),
    )


# --------------------------------------------------------------------------- words
@pytest.mark.parametrize(
    ("word", "env"),
    [
        ("prod", "production"), ("PRODUCTION", "production"), (" 本番 ", "production"),
        ("stg", "staging"), ("Staging", "staging"), ("検証", "staging"),
        ("dev", "development"), ("Development", "development"), ("開発", "development"),
        ("test", "development"), ("shared", None), ("", None), ("produce", None),
    ],
)  # fmt: skip
def test_environment_from_word(word: str, env: str | None) -> None:
    assert evidence.environment_from_word(word) == env


def test_stack_names_are_read_by_their_parts() -> None:
    assert evidence.environment_from_name("saas-prod") == "production"
    assert evidence.environment_from_name("jumin_dev_01") == "development"
    assert evidence.environment_from_name("main") is None


def test_default_provider_names_are_the_engines_only() -> None:
    for name in (None, "default", "default_7_12_0", "default_7_0_0_alpha_1"):
        assert evidence.is_default_provider_name(name), name
    for name in ("default-osaka", "defaults", "osaka", "default_osaka"):
        assert not evidence.is_default_provider_name(name), name


# --------------------------------------------------------------------------- environment
def test_environment_evidence_in_documented_order() -> None:
    dt = json.dumps({"tags": {"Environment": "development"}})
    r = res(
        {"gcmod:environment": "production", "env": "staging"},
        stack="x-dev",
        provider_props={"defaultTags": dt},
        provider_name="p",
    )
    forced = evidence.environment_of(r, {"environment": "stg"})
    assert (forced.value, forced.source.en) == ("staging", "policy config environment=stg")
    d = evidence.environment_of(r)
    assert (d.value, d.source.en) == ("production", "tag gcmod:environment=production")
    r.props = {"tags": {"env": "Staging"}}
    d = evidence.environment_of(r)
    assert (d.value, d.source.en) == ("staging", "tag env=Staging")  # key case-insensitive
    r.props = {}
    d = evidence.environment_of(r)
    assert (d.value, d.source.en) == (
        "development",
        "provider p defaultTags Environment=development",
    )
    assert "プロバイダー p の defaultTags" in d.source.ja
    r.provider_props = {}
    d = evidence.environment_of(r, {"defaultEnvironment": "production"})
    assert (d.value, d.source.en) == ("development", "stack name x-dev")
    r.urn = r.urn.replace("x-dev", "main")
    d = evidence.environment_of(r, {"defaultEnvironment": "production"})
    assert (d.value, d.source.en) == ("production", "policy config defaultEnvironment=production")
    d = evidence.environment_of(r, {"defaultEnvironment": ""})
    assert d.value is None and d.source.en.startswith("unknown")


def test_default_tags_in_mapping_and_json_string_forms() -> None:
    mapping = {"defaultTags": {"tags": {"Stage": "prod"}}}
    text = {"defaultTags": json.dumps({"tags": {"Stage": "prod"}})}
    for props in (mapping, text):
        r = res(provider_props=props, provider_name="default")
        assert evidence.environment_of(r).value == "production"
        assert dict(r.effective_tags) == {"Stage": "prod"}
    bad = res(provider_props={"defaultTags": "{not json"}, provider_name="default")
    assert dict(bad.effective_tags) == {}


# --------------------------------------------------------------------------- region
def test_region_own_input_beats_provider_beats_stack() -> None:
    r = res(region=OSAKA, provider_props={"region": TOKYO}, provider_name="default")
    assert evidence.region_of(r).value == OSAKA
    assert evidence.region_of(r).source.en == f"input region={OSAKA}"
    assert not evidence.in_stack_region(r)
    r.props = {}
    assert evidence.region_of(r).source.en == f"stack aws:region={TOKYO} (default provider)"
    assert evidence.in_stack_region(r)
    r.provider_name, r.provider_props = "default-osaka", {"region": OSAKA}
    d = evidence.region_of(r)
    assert (d.value, d.source.en) == (OSAKA, f"provider default-osaka region={OSAKA}")
    assert not evidence.in_stack_region(r)
    r.provider_props = {}
    assert evidence.region_of(r).value is None


# --------------------------------------------------------------------------- engine path
def test_explicit_provider_default_tags_json_decide_development_through_the_pack() -> None:
    """pulumi-aws sends an explicit provider's defaultTags as a JSON string: a stack on
    such a provider tagged development is judged as development, and says so."""
    tags = json.dumps({"tags": {"Environment": "development", "System": "juki"}})
    p = provider("tokyo", region=TOKYO, defaultTags=tags)
    lg = node(LOG_GROUP, "app-logs", {"retentionInDays": 90}, p)
    g = ResourceGraph("p", "main", TOKYO, (p, lg))
    report = check_graph(g, rules=[get_rule("GCM-LOG-001")])
    [v] = report.by_rule("GCM-LOG-001")
    assert "development" in v.message.en
    assert v.environment == "development"
    assert v.environment_from.en == "provider tokyo defaultTags Environment=development"
    assert v.region == TOKYO and v.region_from.en == f"provider tokyo region={TOKYO}"
    data = to_json(report)["violations"][0]
    assert data["environmentFrom"] == "provider tokyo defaultTags Environment=development"
    assert data["regionFrom"] == f"provider tokyo region={TOKYO}"
    assert "provider tokyo defaultTags Environment=development" in table(report)
    assert "プロバイダー tokyo の defaultTags" in table(report, "ja")


def test_unknown_environment_is_reported_with_the_case_the_rule_took() -> None:
    lg = node(LOG_GROUP, "app-logs", {"retentionInDays": 3650})
    report = check_graph(ResourceGraph("p", "main", TOKYO, (lg,)), rules=[get_rule("GCM-LOG-001")])
    [v] = report.by_rule("GCM-LOG-001")
    assert v.environment == "unknown"
    assert "judged as production" in v.environment_from.en
    assert "本番" in v.environment_from.ja


def test_per_resource_region_in_osaka_is_dr_standby() -> None:
    """pulumi-aws 7 ``region=`` on a Tokyo stack's resource places it in Osaka."""
    svc = node(ECS_SERVICE, "app", {"region": OSAKA, "desiredCount": 1})
    tokyo = node(ECS_SERVICE, "app-tokyo", {"desiredCount": 1})
    report = check_graph(
        ResourceGraph("p", "main", TOKYO, (svc, tokyo)), rules=[get_rule("GCM-DR-001")]
    )
    [v] = report.by_rule("GCM-DR-001")
    assert v.resource_name == "app" and OSAKA in v.message.en
    assert v.region_from.en == f"input region={OSAKA}"


def test_explicit_provider_named_default_something_is_not_the_default() -> None:
    p = provider("default-osaka", region=OSAKA)
    db = node(RDS, "db-standby", {"instanceClass": "db.t4g.medium"}, p)
    report = check_graph(ResourceGraph("p", "main", TOKYO, (p, db)), rules=[get_rule("GCM-DR-001")])
    [v] = report.by_rule("GCM-DR-001")
    assert v.resource_name == "db-standby"


def test_rebuild_stack_in_osaka_on_its_default_provider_is_not_standby() -> None:
    db = node(RDS, "db", {"instanceClass": "db.t4g.medium", "region": OSAKA})
    g = ResourceGraph("p", "main", OSAKA, (db,))
    cfg = {"gcm-dr-001": {"primaryRegion": TOKYO}}
    assert check_graph(g, cfg, rules=[get_rule("GCM-DR-001")]).violations == []


def test_tenancy_counts_a_per_resource_osaka_copy_in_osaka() -> None:
    tags = {"gcmod:environment": "production"}
    a = node(RDS, "db", {"tags": tags})
    b = node(RDS, "db-osaka", {"tags": tags, "region": OSAKA})
    report = check_graph(ResourceGraph("p", "main", TOKYO, (a, b)), rules=[get_rule("GCM-TEN-001")])
    assert report.violations == []


def test_environment_settings_are_checked() -> None:
    g = ResourceGraph("p", "main", TOKYO, (node(LOG_GROUP, "x", {"retentionInDays": UNKNOWN}),))
    with pytest.raises(PolicyConfigError) as err:
        check_graph(g, {"gcm-log-001": {"environment": "prodd"}}, rules=[get_rule("GCM-LOG-001")])
    assert 'gcm-log-001.environment: must be one of "", production, staging' in str(err.value)


# --------------------------------------------------------------------------- GCM-DR-001
def test_dr_region_is_an_allow_list() -> None:
    """In Osaka only data at rest: vault, lock, key, bucket pass; an ElastiCache
    replication group (a service the old deny-list did not name) is a finding."""
    p = provider("osaka", region=OSAKA)
    ok = [
        node("aws:kms/key:Key", "dr-key", {}, p),
        node("aws:backup/vault:Vault", "dr-vault", {}, p),
        node("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "dr-lock", {}, p),
        node("aws:s3/bucketV2:BucketV2", "dr-bucket", {}, p),
        node("aws:ec2/vpc:Vpc", "dr-vpc", {}, p),
    ]
    cache = node("aws:elasticache/replicationGroup:ReplicationGroup", "sessions", {}, p)
    endpoint = node("aws:ec2/vpcEndpoint:VpcEndpoint", "dr-ssm", {}, p)
    g = ResourceGraph("p", "main", TOKYO, (p, *ok, cache, endpoint))
    report = check_graph(g, rules=[get_rule("GCM-DR-001")])
    assert {v.resource_name for v in report.by_rule("GCM-DR-001")} == {"sessions", "dr-ssm"}
    [v] = [v for v in report.violations if v.resource_name == "sessions"]
    assert "ElastiCache replication group sessions" in v.message.en
    assert "ElastiCache レプリケーショングループ sessions" in v.message.ja
    extra = {"gcm-dr-001": {"allowedInDrRegion": ["aws:ec2/vpcEndpoint:VpcEndpoint"]}}
    report = check_graph(g, extra, rules=[get_rule("GCM-DR-001")])
    assert {v.resource_name for v in report.violations} == {"sessions"}


def test_cost_tags_from_an_explicit_providers_json_default_tags() -> None:
    """pulumi-aws sends default_tags as a JSON string: the tags still count (GCM-TAG-001)."""
    tags = json.dumps({"tags": {"Environment": "production", "System": "juki"}})
    p = provider("tokyo", region=TOKYO, defaultTags=tags)
    vpc = node("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"}, p)
    bare = node("aws:ec2/vpc:Vpc", "bare", {"cidrBlock": "10.1.0.0/16"})
    report = check_graph(
        ResourceGraph("p", "main", TOKYO, (p, vpc, bare)), rules=[get_rule("GCM-TAG-001")]
    )
    assert [v.resource_name for v in report.violations] == ["bare"]


def test_synth_records_a_per_resource_region_as_the_nodes_region() -> None:
    """pulumi-aws 7 ``region=``: the graph (and so the cost model) places it in Osaka."""
    import pulumi_aws as aws

    from gcmod.synth import run_program

    def program() -> None:
        aws.ecs.Cluster("tokyo")
        aws.ecs.Cluster("osaka", region=OSAKA)

    g = run_program(program, project="p", stack="main", region=TOKYO)
    assert (g.named("tokyo").region, g.named("osaka").region) == (TOKYO, OSAKA)


def test_region_value_is_region_of_without_the_evidence() -> None:
    """The runners set Res.region from region_value: the value region_of decides,
    for every case (own input, provider, default provider, unknown, none)."""
    from pulumi_policy.proxy import unknown_checking_proxy

    unknown = unknown_checking_proxy({"region": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
    cases = [
        res(region=OSAKA, provider_props={"region": TOKYO}, provider_name="default"),
        res(provider_props={"region": TOKYO}, provider_name="default"),
        res(provider_props={"region": OSAKA}, provider_name="osaka"),
        res(region="", provider_props={"region": "<unknown>"}, provider_name="x"),
        res(provider_props=unknown, provider_name="default"),
        res(),
    ]
    cases.append(Res(EC2, "vm", "urn:x", unknown, provider_props={"region": OSAKA}))
    values = [evidence.region_value(r) for r in cases]
    assert values == [evidence.region_of(r).value for r in cases]
    assert values == [OSAKA, TOKYO, OSAKA, None, None, None, OSAKA]
