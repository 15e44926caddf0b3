"""Compute rules (GCM-COST-001..005, GCM-SEC-001/002) through the real engine path."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from ruletest import node

import gcmod.policies.rules.compute as compute
from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import get_rule

RULE_IDS = (
    "GCM-COST-001",
    "GCM-COST-002",
    "GCM-COST-003",
    "GCM-COST-004",
    "GCM-COST-005",
    "GCM-SEC-001",
    "GCM-SEC-002",
)
RULES = [get_rule(i) for i in RULE_IDS]

IMDS = {"httpTokens": "required"}


def graph(*nodes: ResourceNode) -> ResourceGraph:
    return ResourceGraph("gcmod", "t", "ap-northeast-1", tuple(nodes))


def run(rule_id: str, *nodes: ResourceNode, config: dict | None = None) -> CheckReport:
    return check_graph(graph(*nodes), config, rules=[get_rule(rule_id)])


def names(report: CheckReport, rule_id: str) -> list[str]:
    return sorted(v.resource_name for v in report.by_rule(rule_id))


def ec2(name: str, itype: str = "m7g.large", **inputs: Any) -> ResourceNode:
    return node(
        compute.EC2_INSTANCE, name, {"instanceType": itype, "metadataOptions": IMDS, **inputs}
    )


def env_tags(env: str) -> dict[str, str]:
    return {"gcmod:environment": env}


# --------------------------------------------------------------------------- GCM-COST-001
def test_cost001_flags_previous_generation_ec2_and_rds() -> None:
    report = run(
        "GCM-COST-001",
        ec2("old-app", "m4.large"),
        node(compute.LAUNCH_TEMPLATE, "old-lt", {"instanceType": "t2.micro"}),
        node(compute.RDS_INSTANCE, "old-db", {"instanceClass": "db.r4.large", "engine": "mysql"}),
        node(compute.RDS_CLUSTER_INSTANCE, "old-writer", {"instanceClass": "db.t2.medium"}),
    )
    assert names(report, "GCM-COST-001") == ["old-app", "old-db", "old-lt", "old-writer"]
    assert all(v.mandatory for v in report.violations)
    by = {v.resource_name: v.message for v in report.violations}
    assert "instanceType m4.large" in by["old-app"].en
    assert "previous-generation EC2 family" in by["old-app"].en
    assert "m7g" in by["old-app"].en and "旧世代" in by["old-app"].ja
    assert "superseded" in by["old-lt"].en and "t4g" in by["old-lt"].en
    assert "instanceClass db.r4.large" in by["old-db"].en and "db.r7g" in by["old-db"].en
    assert "db.t4g" in by["old-writer"].en


def test_cost001_passes_current_generation_and_serverless() -> None:
    report = run(
        "GCM-COST-001",
        ec2("app", "m7g.large"),
        ec2("app-x86", "c7i.xlarge"),
        node(compute.RDS_CLUSTER_INSTANCE, "writer", {"instanceClass": "db.serverless"}),
        node(compute.RDS_INSTANCE, "db", {"instanceClass": "db.r7g.large"}),
        node(compute.LAUNCH_TEMPLATE, "lt-no-type", {}),
    )
    assert report.by_rule("GCM-COST-001") == []


def test_cost001_allow_families_through_pack_config() -> None:
    nodes = (
        ec2("legacy", "m4.large"),
        node(compute.RDS_INSTANCE, "db", {"instanceClass": "db.t2.small"}),
    )
    cfg = {"gcm-cost-001": {"allowFamilies": ["m4", "db.t2"]}}
    assert run("GCM-COST-001", *nodes, config=cfg).violations == []


def test_cost001_unknown_instance_type_is_cant_run_advisory() -> None:
    report = run("GCM-COST-001", ec2("app", UNKNOWN))
    [v] = report.by_rule("GCM-COST-001")
    assert v.unknown and not v.mandatory and v.enforcement == "advisory"
    assert "can't run" in v.message.en and report.mandatory == []


# --------------------------------------------------------------------------- GCM-COST-002
def test_cost002_advises_graviton_for_x86_families_and_fargate_tasks() -> None:
    report = run(
        "GCM-COST-002",
        ec2("web", "m5.large"),
        ec2("cache", "r6id.xlarge"),
        node(compute.RDS_INSTANCE, "pg", {"instanceClass": "db.r5.large", "engine": "postgres"}),
        node(compute.TASK_DEFINITION, "task-default", {"requiresCompatibilities": ["FARGATE"]}),
        node(
            compute.TASK_DEFINITION,
            "task-x86",
            {
                "requiresCompatibilities": ["FARGATE"],
                "runtimePlatform": {"cpuArchitecture": "X86_64"},
            },
        ),
    )
    assert names(report, "GCM-COST-002") == ["cache", "pg", "task-default", "task-x86", "web"]
    assert all(v.enforcement == "advisory" and not v.mandatory for v in report.violations)
    by = {v.resource_name: v.message for v in report.violations}
    assert "m5.large is x86" in by["web"].en and "m7g" in by["web"].en
    assert "r7gd" in by["cache"].en
    assert "db.r7g" in by["pg"].en and "Graviton" in by["pg"].ja
    assert "Fargate default X86_64" in by["task-default"].en
    assert "cpuArchitecture X86_64" in by["task-x86"].en and "20%" in by["task-x86"].en


def test_cost002_passes_graviton_and_engines_without_graviton() -> None:
    report = run(
        "GCM-COST-002",
        ec2("web", "m7g.large"),
        ec2("tiny", "t4g.micro"),
        node(
            compute.RDS_INSTANCE,
            "mssql",
            {"instanceClass": "db.m5.large", "engine": "sqlserver-se"},
        ),
        node(compute.RDS_CLUSTER_INSTANCE, "writer", {"instanceClass": "db.serverless"}),
        node(
            compute.TASK_DEFINITION,
            "task-arm",
            {
                "requiresCompatibilities": ["FARGATE"],
                "runtimePlatform": {"cpuArchitecture": "ARM64"},
            },
        ),
        node(compute.TASK_DEFINITION, "task-ec2", {"requiresCompatibilities": ["EC2"]}),
        node(
            compute.TASK_DEFINITION,
            "task-win",
            {
                "requiresCompatibilities": ["FARGATE"],
                "runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"},
            },
        ),
    )
    assert report.by_rule("GCM-COST-002") == []


# --------------------------------------------------------------------------- GCM-COST-003
def test_instance_size_table() -> None:
    assert compute.instance_size("t3.micro") == (2, 1)
    assert compute.instance_size("t2.micro") == (1, 1)
    assert compute.instance_size("m7g.large") == (2, 8)
    assert compute.instance_size("c7g.2xlarge") == (8, 16)
    assert compute.instance_size("r7g.xlarge") == (4, 32)
    assert compute.instance_size("db.r6g.large") == (2, 16)
    assert compute.instance_size("m6g.medium") == (1, 4)
    assert compute.instance_size("m7g.16xlarge") == (64, 256)
    assert compute.instance_size("inf2.xlarge") == (4, None)
    assert compute.instance_size("m7g.metal") is None
    assert compute.instance_size("db.serverless") is None


def test_cost003_flags_sizes_above_environment_caps() -> None:
    report = run(
        "GCM-COST-003",
        # the guide's example: a 16 vCPU / 128 GB box lifted as-is
        ec2("lifted", "r7i.4xlarge", tags=env_tags("production")),
        node(
            compute.TASK_DEFINITION,
            "dev-task",
            {"cpu": "4096", "memory": "8 GB", "tags": env_tags("development")},
        ),
        node(
            compute.RDS_CLUSTER,
            "stg-db",
            {
                "serverlessv2ScalingConfiguration": {"minCapacity": 0.5, "maxCapacity": 16.0},
                "tags": env_tags("staging"),
            },
        ),
        ec2("bare", "m7g.metal"),
    )
    msgs = [(v.resource_name, v.message) for v in report.by_rule("GCM-COST-003")]
    assert all(v.mandatory for v in report.violations)
    en = {f"{n}: {m.en}" for n, m in msgs}
    assert any("lifted" in e and "16 vCPU exceeds the production cap of 8 vCPU" in e for e in en)
    assert any(
        "lifted" in e and "~128 GiB memory exceeds the production cap of 32 GiB" in e for e in en
    )
    assert any("dev-task" in e and "4 vCPU exceeds the development cap of 2 vCPU" in e for e in en)
    assert any(
        "dev-task" in e and "8 GiB memory exceeds the development cap of 4 GiB" in e for e in en
    )
    assert any(
        "stg-db" in e and "maxCapacity 16 ACU exceeds the staging cap of 4 ACU" in e for e in en
    )
    assert any("bare" in e and "size table" in e for e in en)
    ja = " ".join(m.ja for _n, m in msgs)
    assert "上限" in ja and "超えています" in ja


def test_cost003_passes_sizes_within_caps() -> None:
    report = run(
        "GCM-COST-003",
        ec2("app", "m7g.2xlarge"),  # 8 vCPU / 32 GiB: exactly the production cap
        node(compute.TASK_DEFINITION, "task", {"cpu": "1024", "memory": "2048"}),
        node(
            compute.TASK_DEFINITION,
            "task-units",
            {"cpu": "0.5 vCPU", "memory": "1GB", "tags": env_tags("dev")},
        ),
        node(compute.RDS_CLUSTER, "db", {"serverlessv2ScalingConfiguration": {"maxCapacity": 8.0}}),
        node(compute.RDS_CLUSTER_INSTANCE, "writer", {"instanceClass": "db.serverless"}),
        node(compute.TASK_DEFINITION, "ec2-task", {"requiresCompatibilities": ["EC2"]}),
    )
    assert report.by_rule("GCM-COST-003") == []


def test_cost003_caps_from_pack_config() -> None:
    big = ec2("big", "m7g.4xlarge")  # 16 vCPU / 64 GiB
    assert len(run("GCM-COST-003", big).by_rule("GCM-COST-003")) == 2
    cfg = {
        "gcm-cost-003": {
            "maxVcpu": {"production": 16, "staging": 2, "development": 2},
            "maxMemoryGiB": {"production": 64},  # partial: other environments keep defaults
        }
    }
    assert run("GCM-COST-003", big, config=cfg).violations == []
    dev = node(
        compute.TASK_DEFINITION,
        "t",
        {"cpu": "4096", "memory": "8192", "tags": env_tags("development")},
    )
    assert len(run("GCM-COST-003", dev, config=cfg).by_rule("GCM-COST-003")) == 2


def test_cost003_unknown_capacity_is_cant_run_advisory() -> None:
    db = node(
        compute.RDS_CLUSTER, "db", {"serverlessv2ScalingConfiguration": {"maxCapacity": UNKNOWN}}
    )
    [v] = run("GCM-COST-003", db).violations
    assert v.unknown and not v.mandatory and "can't run" in v.message.en


# --------------------------------------------------------------------------- GCM-COST-004
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("zabbix01", "monitoring"),
        ("ZabbixServer", "monitoring"),
        ("backup-server", "backup"),
        ("juki-bkup-01", "backup"),
        ("syslog", "logging"),
        ("log-collector", "logging"),
        ("fluentd-aggregator", "logging"),
        ("elk-stack", "logging"),
        ("JP1-AJS", "job scheduling"),
        ("hinemos-manager", "job scheduling"),
        ("batch-scheduler", "job scheduling"),
        ("監視サーバ", "monitoring"),
        ("バックアップサーバ", "backup"),
        ("catalog-api", None),
        ("blog", None),
        ("login-portal", None),
        ("backlog-worker", None),
        ("logistics", None),
        ("カタログ", None),
        ("ログイン", None),
        ("app-server", None),
    ],
)
def test_ops_function_keywords(text: str, kind: str | None) -> None:
    assert compute.ops_function(text) == kind


def test_cost004_flags_self_built_operations_servers() -> None:
    report = run(
        "GCM-COST-004",
        ec2("zabbix01"),
        ec2("srv-a", tags={"Name": "Backup Server"}),
        node(
            compute.LAUNCH_TEMPLATE,
            "lt-a",
            {
                "tagSpecifications": [
                    {"resourceType": "instance", "tags": {"Name": "syslog-collector"}}
                ]
            },
        ),
        node(
            compute.AUTOSCALING_GROUP,
            "asg-a",
            {"tags": [{"key": "Name", "value": "JobScheduler", "propagateAtLaunch": True}]},
        ),
        ec2("srv-b", tags={"用途": "監視サーバ"}),
    )
    assert names(report, "GCM-COST-004") == ["asg-a", "lt-a", "srv-a", "srv-b", "zabbix01"]
    assert all(v.mandatory for v in report.violations)
    by = {v.resource_name: v.message for v in report.violations}
    assert "self-built monitoring server" in by["zabbix01"].en and "CloudWatch" in by["zabbix01"].en
    assert "self-built backup server" in by["srv-a"].en and "AWS Backup" in by["srv-a"].en
    assert "'Backup Server'" in by["srv-a"].en and "バックアップ" in by["srv-a"].ja
    assert "CloudWatch Logs" in by["lt-a"].en
    assert "EventBridge Scheduler" in by["asg-a"].en
    assert "監視" in by["srv-b"].ja


def test_cost004_passes_application_servers_and_near_misses() -> None:
    report = run(
        "GCM-COST-004",
        ec2("catalog-api", tags={"Name": "catalog-api"}),
        ec2("blog"),
        ec2(
            "app", tags={"Name": "login-portal", "gcmod:backup": "daily", "CostCenter": "logs-dept"}
        ),
        node(compute.AUTOSCALING_GROUP, "web-asg", {"tags": [{"key": "Name", "value": "web"}]}),
    )
    assert report.by_rule("GCM-COST-004") == []


# --------------------------------------------------------------------------- GCM-COST-005
def _scaled_service(
    prefix: str = "app", lo: float = 1.0, hi: float = 4.0, policy: bool = True
) -> list[ResourceNode]:
    svc = node(compute.ECS_SERVICE, f"{prefix}-service", {"desiredCount": lo})
    target = node(
        compute.SCALABLE_TARGET,
        f"{prefix}-scaling",
        {
            "serviceNamespace": "ecs",
            "scalableDimension": "ecs:service:DesiredCount",
            "resourceId": UNKNOWN,
            "minCapacity": lo,
            "maxCapacity": hi,
        },
        deps=(svc,),
    )
    out = [svc, target]
    if policy:
        out.append(
            node(
                compute.SCALING_POLICY,
                f"{prefix}-cpu",
                {"policyType": "TargetTrackingScaling", "resourceId": UNKNOWN},
                deps=(target,),
            )
        )
    return out


def test_cost005_passes_service_with_target_and_policy() -> None:
    asg = node(compute.AUTOSCALING_GROUP, "asg", {"minSize": 1.0, "maxSize": 3.0})
    single = node(compute.AUTOSCALING_GROUP, "single", {"minSize": 1.0, "maxSize": 1.0})
    report = run("GCM-COST-005", *_scaled_service(), asg, single)
    assert report.by_rule("GCM-COST-005") == []


def test_cost005_links_by_known_resource_id() -> None:
    svc = node(compute.ECS_SERVICE, "svc", {"name": "juki"})
    target = node(
        compute.SCALABLE_TARGET,
        "tgt",
        {
            "scalableDimension": "ecs:service:DesiredCount",
            "resourceId": "service/main/juki",
            "minCapacity": 1.0,
            "maxCapacity": 2.0,
        },
    )
    pol = node(compute.SCALING_POLICY, "pol", {"resourceId": "service/main/juki"})
    assert run("GCM-COST-005", svc, target, pol).violations == []


def test_cost005_flags_missing_or_bad_autoscaling() -> None:
    lonely = node(compute.ECS_SERVICE, "lonely-service", {"desiredCount": 2.0})
    fleet = node(
        compute.AUTOSCALING_GROUP, "fleet", {"minSize": 3.0, "maxSize": 3.0, "desiredCapacity": 3.0}
    )
    report = run(
        "GCM-COST-005",
        lonely,
        *_scaled_service("nopol", policy=False),
        *_scaled_service("inverted", lo=5.0, hi=2.0),
        *_scaled_service("huge", hi=80.0),
        *_scaled_service("zero", lo=0.0, hi=0.0),
        fleet,
    )
    vs = report.by_rule("GCM-COST-005")
    assert all(v.mandatory for v in vs)
    by = {v.resource_name: v.message.en for v in vs}
    assert "no Application Auto Scaling target" in by["lonely-service"]
    assert "タスク数が終日固定" in next(
        v.message.ja for v in vs if v.resource_name == "lonely-service"
    )
    assert "no scaling policy" in by["nopol-scaling"]
    assert "minCapacity 5 is above maxCapacity 2" in by["inverted-scaling"]
    assert "maxCapacity 80 exceeds the cap of 50 tasks" in by["huge-scaling"]
    assert "maxCapacity 0; it must be above 0" in by["zero-scaling"]
    assert "fixed fleet (minSize = maxSize = 3)" in by["fleet"]
    assert sorted(by) == [
        "fleet",
        "huge-scaling",
        "inverted-scaling",
        "lonely-service",
        "nopol-scaling",
        "zero-scaling",
    ]


def test_cost005_cap_from_pack_config() -> None:
    nodes = _scaled_service("huge", hi=80.0)
    assert len(run("GCM-COST-005", *nodes).violations) == 1
    assert (
        run("GCM-COST-005", *nodes, config={"gcm-cost-005": {"maxTasksCap": 100}}).violations == []
    )


def test_cost005_unknown_bound_defers_but_keeps_other_findings() -> None:
    svc, target, pol = _scaled_service("u")
    target = replace(target, inputs={**target.inputs, "maxCapacity": UNKNOWN})
    lonely = node(compute.ECS_SERVICE, "lonely-service", {})
    report = run("GCM-COST-005", svc, target, pol, lonely)
    vs = report.by_rule("GCM-COST-005")
    assert [v.resource_name for v in vs if v.mandatory] == ["lonely-service"]
    assert any(v.unknown and not v.mandatory and "can't run" in v.message.en for v in vs)


# --------------------------------------------------------------------------- GCM-SEC-001
def test_sec001_flags_imdsv1() -> None:
    report = run(
        "GCM-SEC-001",
        node(compute.EC2_INSTANCE, "no-options", {"instanceType": "t4g.small"}),
        node(
            compute.LAUNCH_TEMPLATE, "optional-lt", {"metadataOptions": {"httpTokens": "optional"}}
        ),
    )
    assert names(report, "GCM-SEC-001") == ["no-options", "optional-lt"]
    assert all(v.mandatory for v in report.violations)
    by = {v.resource_name: v.message for v in report.violations}
    assert "httpTokens is not set (IMDSv1 allowed)" in by["no-options"].en
    assert 'httpTokens is optional; it must be "required"' in by["optional-lt"].en
    assert "IMDSv1" in by["no-options"].ja


def test_sec001_passes_required_tokens() -> None:
    report = run(
        "GCM-SEC-001",
        ec2("app"),
        node(compute.LAUNCH_TEMPLATE, "lt", {"metadataOptions": {"httpTokens": "required"}}),
        node(
            compute.EC2_INSTANCE,
            "from-lt",
            {"launchTemplate": {"name": "lt", "version": "$Latest"}},
        ),
        node(compute.EC2_INSTANCE, "no-imds", {"metadataOptions": {"httpEndpoint": "disabled"}}),
    )
    assert report.by_rule("GCM-SEC-001") == []


# --------------------------------------------------------------------------- GCM-SEC-002
def test_sec002_flags_public_ips() -> None:
    report = run(
        "GCM-SEC-002",
        node(
            compute.ECS_SERVICE,
            "pub-svc",
            {"networkConfiguration": {"assignPublicIp": True, "subnets": ["s"]}},
        ),
        ec2("pub-vm", associatePublicIpAddress=True),
        node(
            compute.SUBNET, "pub-subnet", {"cidrBlock": "10.0.0.0/24", "mapPublicIpOnLaunch": True}
        ),
        node(
            compute.LAUNCH_TEMPLATE,
            "pub-lt",
            {"networkInterfaces": [{"associatePublicIpAddress": "true"}]},
        ),
    )
    assert names(report, "GCM-SEC-002") == ["pub-lt", "pub-subnet", "pub-svc", "pub-vm"]
    assert all(v.mandatory for v in report.violations)
    by = {v.resource_name: v.message for v in report.violations}
    assert "networkConfiguration.assignPublicIp is true" in by["pub-svc"].en
    assert "associatePublicIpAddress is true" in by["pub-vm"].en
    assert "mapPublicIpOnLaunch is true" in by["pub-subnet"].en
    assert "networkInterfaces[0].associatePublicIpAddress" in by["pub-lt"].en
    assert "パブリック IP" in by["pub-svc"].ja


def test_sec002_passes_private_resources() -> None:
    report = run(
        "GCM-SEC-002",
        node(compute.ECS_SERVICE, "svc", {"networkConfiguration": {"assignPublicIp": False}}),
        ec2("vm", associatePublicIpAddress=False),
        node(compute.SUBNET, "subnet", {"mapPublicIpOnLaunch": False}),
        node(compute.SUBNET, "subnet-default", {}),
        node(
            compute.LAUNCH_TEMPLATE,
            "lt",
            {"networkInterfaces": [{"associatePublicIpAddress": "false"}]},
        ),
    )
    assert report.by_rule("GCM-SEC-002") == []


# --------------------------------------------------------------------------- rule metadata
def test_rule_metadata_is_complete() -> None:
    for r in RULES:
        assert r.title.en and r.title.ja and r.rationale.ja and r.remediation.ja
        assert "2025" in r.rationale.en or r.lever == "security"
    levels = {r.id: r.enforcement for r in RULES}
    assert levels["GCM-COST-002"] == "advisory"
    assert all(levels[i] == "mandatory" for i in RULE_IDS if i != "GCM-COST-002")
    assert get_rule("GCM-COST-005").scope == "stack"


# --------------------------------------------------------------------------- samples


def test_cost006_measured_utilisation() -> None:
    from gcmod.graph import ResourceGraph
    from gcmod.policies.harness import check_graph
    from gcmod.policies.model import get_rule

    def inst(name: str, observed: dict | None) -> ResourceNode:
        inputs = {"instanceType": "m7g.xlarge"}
        if observed is not None:
            inputs["gcmodObserved"] = observed
        return node("aws:ec2/instance:Instance", name, inputs)

    g = ResourceGraph("p", "s", "ap-northeast-1", (
        inst("idle", {"cpuAverage": 4.2, "cpuMax": 18.0, "days": 14}),
        inst("busy", {"cpuAverage": 45.0, "cpuMax": 90.0, "days": 14}),
        inst("spiky", {"cpuAverage": 5.0, "cpuMax": 85.0, "days": 14}),
        inst("new", {"cpuAverage": 1.0, "cpuMax": 2.0, "days": 2}),
        inst("planned", None),
    ))  # fmt: skip
    report = check_graph(g, rules=[get_rule("GCM-COST-006")])
    found = report.by_rule("GCM-COST-006")
    assert [v.resource_name for v in found] == ["idle"]
    assert not found[0].mandatory
    assert "averaged 4.2% CPU" in found[0].message.en and "平均 4.2%" in found[0].message.ja
    strict = check_graph(g, {"gcm-cost-006": {"maxPeakCpuPercent": 95}},
                         rules=[get_rule("GCM-COST-006")])  # fmt: skip
    assert sorted(v.resource_name for v in strict.by_rule("GCM-COST-006")) == ["idle", "spiky"]


# --------------------------------------------------------------------------- GCM-COST-005 (ECS)
def test_cost005_flags_fixed_ecs_scalable_target_like_a_fixed_asg() -> None:
    """min = max on an ECS scalable target is the same fixed fleet as on an ASG (issue 13)."""
    fixed = _scaled_service("fixed", lo=4.0, hi=4.0)
    single = _scaled_service("single", lo=1.0, hi=1.0)  # one task: nothing to scale in
    ranged = _scaled_service("ranged", lo=1.0, hi=4.0)
    # A target whose service lives in another stack (the audit sees it this way too).
    orphan = node(
        compute.SCALABLE_TARGET,
        "other-stack-target",
        {
            "serviceNamespace": "ecs",
            "scalableDimension": "ecs:service:DesiredCount",
            "resourceId": "service/main/elsewhere",
            "minCapacity": 6.0,
            "maxCapacity": 6.0,
        },
    )
    dynamo = node(
        compute.SCALABLE_TARGET,
        "table-read",
        {"serviceNamespace": "dynamodb", "minCapacity": 5.0, "maxCapacity": 5.0},
    )
    report = run("GCM-COST-005", *fixed, *single, *ranged, orphan, dynamo)
    by = {v.resource_name: v for v in report.by_rule("GCM-COST-005")}
    assert sorted(by) == ["fixed-scaling", "other-stack-target"]
    v = by["fixed-scaling"]
    assert v.mandatory
    assert "ECS scalable target fixed-scaling is a fixed fleet" in v.message.en
    assert "(minCapacity = maxCapacity = 4)" in v.message.en
    assert "台数固定" in v.message.ja
    assert "minCapacity = maxCapacity = 6" in by["other-stack-target"].message.en
