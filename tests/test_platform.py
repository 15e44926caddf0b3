"""GovCloudPlatform end to end: the synthesized graphs of the sample stacks.

Each sample is synthesized once per run (``horizon_start`` fixed, so the
shutdown schedules are deterministic) and the tests read the resource graph:
the architecture, cost-allocation tags, production vs non-production,
backup-only DR, multi-tenancy (including what adding a tenant changes) and the
``gcmod synth`` command.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from gcmod.awstypes import taggable as aws_taggable
from gcmod.cli import main
from gcmod.config import PROJECT, StackConfig, parse_config, read_stack_file
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.program import build
from gcmod.stackfiles import list_stacks, resolve, samples_dir
from gcmod.synth import run_program

HORIZON_START = dt.date(2026, 12, 1)
SAMPLES = ("saas-prod", "saas-staging", "saas-dev", "town-prod")
PRODUCTION = ("saas-prod", "town-prod")
NON_PRODUCTION = ("saas-staging", "saas-dev")
DR_REGION = "ap-northeast-3"

# Type tokens.
ECS_CLUSTER = "aws:ecs/cluster:Cluster"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition"
CAPACITY = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
EC2_INSTANCE = "aws:ec2/instance:Instance"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
SUBNET = "aws:ec2/subnet:Subnet"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
AURORA = "aws:rds/cluster:Cluster"
AURORA_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
ALB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
SSM_PARAMETER = "aws:ssm/parameter:Parameter"
BUDGET = "aws:budgets/budget:Budget"
#: What each tenant owns: its host rule and its settings parameter.
#: What a tenant owns: its routing, its settings and (observability on) its budget.
TENANT_TYPES = {LISTENER_RULE, SSM_PARAMETER, BUDGET}
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
VAULT = "aws:backup/vault:Vault"
VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
RESTORE_TESTING_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
SHUTDOWN = "gcmod:schedule:ScheduledShutdown"
SCHEDULE = "aws:scheduler/schedule:Schedule"
SCHEDULE_GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup"
AWS_PROVIDER = "pulumi:providers:aws"

COST_KEYS = ("gcmod:system", "gcmod:environment", "gcmod:tenant", "gcmod:managed-by")
SERVICES_BEHIND_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "s3")
BACKUP_TAG = ("gcmod:backup", "daily")
SCHEDULE_TAG = "gcmod:schedule"
HORIZON_END_TAG = "gcmod:schedule-horizon-end"

#: A fourth municipality for the tenant-addition test (Sapporo).
SAPPORO = {"name": "札幌市", "code": "011002", "population": 1_960_000}


# ---------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------
Synth = tuple[StackConfig, ResourceGraph]


@pytest.fixture(scope="module")
def synthesized() -> dict[str, Synth]:
    """Every sample stack, synthesized once for the run: through the session's graph
    cache (tests/conftest.py), which also holds the sample_stacks fixture's graphs
    when HORIZON_START is the current month."""
    from gcmod import graphcache

    return {
        name: graphcache.synth_stack(resolve(name, samples_dir()), horizon_start=HORIZON_START)
        for name in SAMPLES
    }


@pytest.fixture(params=SAMPLES)
def sample(request: pytest.FixtureRequest, synthesized: dict[str, Synth]) -> Synth:
    return synthesized[request.param]


@pytest.fixture(params=PRODUCTION)
def prod(request: pytest.FixtureRequest, synthesized: dict[str, Synth]) -> Synth:
    return synthesized[request.param]


@pytest.fixture(params=NON_PRODUCTION)
def nonprod(request: pytest.FixtureRequest, synthesized: dict[str, Synth]) -> Synth:
    return synthesized[request.param]


def one(graph: ResourceGraph, token: str) -> ResourceNode:
    nodes = graph.of_type(token)
    assert len(nodes) == 1, f"{graph.stack}: {len(nodes)} x {token}"
    return nodes[0]


def deps(node: ResourceNode, prop: str) -> set[str]:
    """URNs the input ``prop`` was computed from (ids and ARNs are unknown before deploy)."""
    return set(node.property_dependencies.get(prop, ()))


@cache
def accepts_tags(token: str) -> bool:
    """Whether the pulumi_aws resource behind ``token`` accepts ``tags``."""
    return bool(aws_taggable(token))


def in_region(graph: ResourceGraph, region: str) -> list[ResourceNode]:
    return [r for r in graph if r.region == region]


# ---------------------------------------------------------------------------
# 1. Architecture of each sample
# ---------------------------------------------------------------------------
def test_samples_are_the_expected_ones() -> None:
    assert set(SAMPLES) <= set(list_stacks(samples_dir()))


def test_one_fargate_service_on_graviton_and_no_servers(sample: Synth) -> None:
    cfg, g = sample
    cluster = one(g, ECS_CLUSTER)
    service = one(g, ECS_SERVICE)
    task = one(g, TASK_DEF)
    assert g.of_type(EC2_INSTANCE) == []
    assert deps(service, "cluster") == {cluster.urn}
    assert deps(service, "taskDefinition") == {task.urn}
    # Fargate capacity: through the capacity-provider strategy (or launch type).
    strategies = service.inputs.get("capacityProviderStrategies") or []
    providers = {s["capacityProvider"] for s in strategies}
    assert providers <= {"FARGATE", "FARGATE_SPOT"}
    assert providers or service.inputs.get("launchType") == "FARGATE"
    capacity = one(g, CAPACITY)
    assert deps(capacity, "clusterName") == {cluster.urn}
    assert "FARGATE" in capacity.inputs["capacityProviders"]
    assert service.get("networkConfiguration.assignPublicIp") is False
    assert service.inputs["desiredCount"] == cfg.service.min_tasks
    # Task: Fargate, ARM64 (Graviton), sized from the config.
    assert task.inputs["requiresCompatibilities"] == ["FARGATE"]
    assert task.get("runtimePlatform.cpuArchitecture") == "ARM64" == cfg.service.architecture
    assert task.inputs["cpu"] == str(cfg.service.cpu)
    assert task.inputs["memory"] == str(cfg.service.memory)


def test_one_encrypted_aurora_serverless_v2_cluster(sample: Synth) -> None:
    cfg, g = sample
    db = one(g, AURORA)
    assert db.inputs["engine"] == "aurora-postgresql"
    assert db.inputs["engineVersion"] == cfg.database.engine_version
    assert db.inputs["storageEncrypted"] is True
    assert db.get("serverlessv2ScalingConfiguration.minCapacity") == cfg.database.min_acu
    assert db.get("serverlessv2ScalingConfiguration.maxCapacity") == cfg.database.max_acu
    instances = g.of_type(AURORA_INSTANCE)
    assert len(instances) == (2 if cfg.database.multi_az else 1)
    for inst in instances:
        assert inst.inputs["instanceClass"] == "db.serverless"
        assert inst.inputs["publiclyAccessible"] is False
        assert deps(inst, "clusterIdentifier") == {db.urn}
    assert g.of_type("aws:rds/instance:Instance") == []


def test_internal_alb_with_https_listener(sample: Synth) -> None:
    _cfg, g = sample
    alb = one(g, ALB)
    assert alb.inputs["internal"] is True
    assert alb.inputs.get("loadBalancerType", "application") == "application"
    listeners = g.of_type(LISTENER)
    assert listeners, "no listener"
    for lis in listeners:
        assert deps(lis, "loadBalancerArn") == {alb.urn}
        assert lis.inputs["protocol"] == "HTTPS"
        assert lis.inputs["port"] == 443
        assert lis.inputs.get("certificateArn")
    assert [lis.inputs["protocol"] for lis in listeners] == ["HTTPS"]


def test_private_network_without_nat(sample: Synth) -> None:
    cfg, g = sample
    assert g.of_type(NAT_GATEWAY) == []
    assert g.of_type(INTERNET_GATEWAY) == []
    assert g.of_type("aws:ec2/eip:Eip") == []
    subnets = g.of_type(SUBNET)
    assert subnets
    assert all(s.inputs.get("mapPublicIpOnLaunch") is not True for s in subnets)
    azs = {s.inputs["availabilityZone"] for s in subnets}
    assert len(azs) >= 2
    assert len(azs) == cfg.network.az_count


def test_vpc_endpoints_replace_nat(sample: Synth) -> None:
    cfg, g = sample
    names = {e.inputs["serviceName"] for e in g.of_type(VPC_ENDPOINT)}
    wanted = {f"com.amazonaws.{cfg.region}.{s}" for s in SERVICES_BEHIND_ENDPOINTS}
    assert wanted <= names, f"missing endpoints: {sorted(wanted - names)}"


def test_one_log_group_per_class_with_its_retention(sample: Synth) -> None:
    cfg, g = sample
    groups = {lg.inputs["name"]: lg for lg in g.of_type(LOG_GROUP)}
    assert len(groups) == len(g.of_type(LOG_GROUP))
    expected = {
        f"/gcmod/{g.stack}/{cls}": c.retention_days for cls, c in cfg.logging.classes.items()
    }
    assert {n: groups[n].inputs["retentionInDays"] for n in groups} == expected


def test_backup_plan_selects_the_database_by_tag(sample: Synth) -> None:
    _cfg, g = sample
    plan = one(g, PLAN)
    selection = one(g, SELECTION)
    assert deps(selection, "planId") == {plan.urn}
    assert {(t["type"], t["key"], t["value"]) for t in selection.inputs["selectionTags"]} == {
        ("STRINGEQUALS", *BACKUP_TAG)
    }
    assert plan.get("rules.0.scheduleExpressionTimezone") == "Asia/Tokyo"
    # The tagged store is the database: the tag is on the cluster.
    db = one(g, AURORA)
    assert db.tags.get(BACKUP_TAG[0]) == BACKUP_TAG[1]
    tagged = {r.type for r in g.custom_resources if r.tags.get(BACKUP_TAG[0]) == BACKUP_TAG[1]}
    assert tagged <= {AURORA, AURORA_INSTANCE}


# ---------------------------------------------------------------------------
# 2. Cost-allocation tags
# ---------------------------------------------------------------------------
def test_tag_derivation_reads_the_resource_classes() -> None:
    assert accepts_tags("aws:ec2/vpc:Vpc")
    assert accepts_tags(AURORA)
    assert accepts_tags(SCHEDULE_GROUP)
    # Schedules and inline role policies have no tags in AWS.
    assert not accepts_tags(SCHEDULE)
    assert not accepts_tags("aws:iam/rolePolicy:RolePolicy")


def test_every_taggable_resource_carries_the_cost_tags(sample: Synth) -> None:
    cfg, g = sample
    codes = {t.code for t in cfg.tenants}
    taggable = [r for r in g.custom_resources if accepts_tags(r.type)]
    assert len(taggable) > 30
    problems = []
    for r in taggable:
        tags = r.tags
        want = {
            "gcmod:system": cfg.system,
            "gcmod:environment": cfg.environment,
            "gcmod:managed-by": "gcmod",
            **cfg.tags,
        }
        got = {k: tags.get(k) for k in want}
        if got != want:
            problems.append(f"{r.type} {r.name}: {got} != {want}")
        missing = [k for k in COST_KEYS if k not in tags]
        if missing:
            problems.append(f"{r.type} {r.name}: missing {missing}")
        tenant = tags.get("gcmod:tenant")
        if tenant != "shared" and not (r.type in TENANT_TYPES and tenant in codes):
            problems.append(f"{r.type} {r.name}: gcmod:tenant={tenant!r}")
    assert problems == []
    # No resource sets tags its class does not accept (the engine would reject it).
    assert [
        r.name for r in g.custom_resources if "tags" in r.inputs and not accepts_tags(r.type)
    ] == []


def test_extra_tags_of_saas_prod_reach_every_taggable_resource(
    synthesized: dict[str, Synth],
) -> None:
    cfg, g = synthesized["saas-prod"]
    assert cfg.tags == {"CostCenter": "juki-saas"}
    taggable = [r for r in g.custom_resources if accepts_tags(r.type)]
    assert all(r.tags.get("CostCenter") == "juki-saas" for r in taggable)
    # ... and only saas-prod sets it.
    _, dev = synthesized["saas-dev"]
    assert not any("CostCenter" in r.tags for r in dev.custom_resources)


def test_tenant_resources_are_tagged_with_the_tenant_code(sample: Synth) -> None:
    cfg, g = sample
    by_tenant = {
        r.tags["gcmod:tenant"]: r
        for r in g.custom_resources
        if r.tags.get("gcmod:tenant") not in (None, "shared")
    }
    assert set(by_tenant) == {t.code for t in cfg.tenants}
    assert {r.type for r in by_tenant.values()} <= TENANT_TYPES


# ---------------------------------------------------------------------------
# 3. Production vs non-production
# ---------------------------------------------------------------------------
def test_production_protects_and_tests_its_data(prod: Synth) -> None:
    cfg, g = prod
    assert cfg.is_production
    assert one(g, AURORA).inputs["deletionProtection"] is True
    primary = [v for v in g.of_type(VAULT) if v.region == cfg.region]
    assert len(primary) == 1
    locks = [lk for lk in g.of_type(VAULT_LOCK) if deps(lk, "backupVaultName") == {primary[0].urn}]
    assert len(locks) == 1
    assert locks[0].inputs["minRetentionDays"] >= 1
    assert len(g.of_type(RESTORE_TESTING_PLAN)) == 1


def test_production_never_shuts_down(prod: Synth) -> None:
    _cfg, g = prod
    assert g.of_type(SHUTDOWN) == []
    assert g.of_type(SCHEDULE, SCHEDULE_GROUP) == []
    assert not any(SCHEDULE_TAG in r.tags for r in g.custom_resources)


def test_non_production_has_no_production_extras(nonprod: Synth) -> None:
    cfg, g = nonprod
    assert not cfg.is_production
    assert one(g, AURORA).inputs["deletionProtection"] is False
    assert g.of_type(VAULT_LOCK) == []
    assert g.of_type(RESTORE_TESTING_PLAN) == []


def test_non_production_shuts_down_service_and_database(nonprod: Synth) -> None:
    _cfg, g = nonprod
    shutdown = one(g, SHUTDOWN)
    group = one(g, SCHEDULE_GROUP)
    group_name = group.inputs["name"]
    service, db = one(g, ECS_SERVICE), one(g, AURORA)
    schedules = [s for s in g.descendants(shutdown.urn) if s.type == SCHEDULE]
    assert schedules and len(schedules) == len(g.of_type(SCHEDULE))
    assert {s.inputs["groupName"] for s in schedules} == {group_name}
    assert {s.inputs["scheduleExpressionTimezone"] for s in schedules} == {"Asia/Tokyo"}

    def kinds(target: ResourceNode) -> set[str]:
        return {
            kind
            for s in schedules
            if target.urn in deps(s, "target")
            for kind in ("start", "stop")
            if f"-{kind}-" in s.name
        }

    assert kinds(service) == {"start", "stop"}
    assert kinds(db) == {"start", "stop"}
    db_actions = {s.get("target.arn") for s in schedules if db.urn in deps(s, "target")}
    assert db_actions == {
        "arn:aws:scheduler:::aws-sdk:rds:startDBCluster",
        "arn:aws:scheduler:::aws-sdk:rds:stopDBCluster",
    }
    # The stopped resources name their schedule group; the group its horizon end.
    assert service.tags[SCHEDULE_TAG] == group_name
    assert db.tags[SCHEDULE_TAG] == group_name
    assert group.tags[HORIZON_END_TAG] == "2027-12-01"


def test_schedules_cover_the_horizon_from_the_fixed_start(nonprod: Synth) -> None:
    cfg, g = nonprod
    months = {s.name.rsplit("-", 1)[-1] for s in g.of_type(SCHEDULE) if "-start-" in s.name}
    expected = {
        f"{2026 + (11 + i) // 12}{(11 + i) % 12 + 1:02d}"
        for i in range(cfg.schedule.horizon_months)
    }
    assert months == expected
    assert "202612" in months and "202711" in months and "202712" not in months


# ---------------------------------------------------------------------------
# 4. Backup-only DR
# ---------------------------------------------------------------------------
FORBIDDEN_IN_DR = (
    "aws:ecs/",
    "aws:lambda/",
    "aws:lb/",
    "aws:alb/",
    "aws:elasticloadbalancing",
    "aws:autoscaling/group:",
    EC2_INSTANCE,
    AURORA,
    AURORA_INSTANCE,
    "aws:rds/instance:Instance",
    "aws:rds/globalCluster:GlobalCluster",
)


def test_backups_are_copied_to_osaka_through_an_explicit_provider(
    synthesized: dict[str, Synth],
) -> None:
    cfg, g = synthesized["saas-prod"]
    assert cfg.dr.copy_backups and cfg.dr.region == DR_REGION
    plan = one(g, PLAN)
    rules = plan.inputs["rules"]
    assert len(rules) == 1
    copies = rules[0].get("copyActions") or []
    assert len(copies) == 1
    assert copies[0]["lifecycle"]["deleteAfter"] == cfg.dr.retention_days
    # The destination ARN is unknown before deployment: follow the dependency.
    vaults = [g.by_urn[u] for u in deps(plan, "rules") if g.by_urn[u].type == VAULT]
    remote = [v for v in vaults if v.region == DR_REGION]
    assert len(remote) == 1
    dr_vault = remote[0]
    assert dr_vault.provider is not None
    provider = g.by_urn[dr_vault.provider]
    assert provider.type == AWS_PROVIDER
    assert provider.inputs["region"] == DR_REGION
    # The primary vault stays in Tokyo on the default provider.
    assert {v.region for v in vaults} == {cfg.region, DR_REGION}


def test_nothing_runs_in_the_dr_region(synthesized: dict[str, Synth]) -> None:
    _cfg, g = synthesized["saas-prod"]
    dr = in_region(g, DR_REGION)
    assert any(r.type == VAULT for r in dr)
    running = [r.type for r in dr if r.type.startswith(FORBIDDEN_IN_DR)]
    assert running == []
    # Every DR resource goes through the explicit provider, not the default one.
    assert all(r.provider is not None for r in dr if r.type != AWS_PROVIDER)


@pytest.mark.parametrize("stack", ["saas-dev", "saas-staging"])
def test_no_dr_copies_means_nothing_in_osaka(stack: str, synthesized: dict[str, Synth]) -> None:
    cfg, g = synthesized[stack]
    assert cfg.dr.copy_backups is False
    assert in_region(g, DR_REGION) == []
    assert g.of_type(AWS_PROVIDER) == []
    assert not one(g, PLAN).get("rules.0.copyActions")


# ---------------------------------------------------------------------------
# 5. Multi-tenancy
# ---------------------------------------------------------------------------
def test_saas_prod_shares_one_environment_among_three_tenants(
    synthesized: dict[str, Synth],
) -> None:
    cfg, g = synthesized["saas-prod"]
    assert len(cfg.tenants) == 3
    for token in (ECS_CLUSTER, ECS_SERVICE, AURORA, ALB):
        one(g, token)


def test_one_listener_rule_per_tenant_routes_its_host(sample: Synth) -> None:
    cfg, g = sample
    listener, tg = one(g, LISTENER), one(g, TARGET_GROUP)
    rules = g.of_type(LISTENER_RULE)
    assert len(rules) == len(cfg.tenants)
    by_code = {r.tags["gcmod:tenant"]: r for r in rules}
    assert set(by_code) == {t.code for t in cfg.tenants}
    for t in cfg.tenants:
        rule = by_code[t.code]
        hosts = [c["hostHeader"]["values"] for c in rule.inputs["conditions"] if "hostHeader" in c]
        assert hosts == [[f"{t.code}.{cfg.domain}"]]
        assert deps(rule, "listenerArn") == {listener.urn}
        assert deps(rule, "actions") == {tg.urn}
        assert [a["type"] for a in rule.inputs["actions"]] == ["forward"]
    priorities = [r.inputs["priority"] for r in rules]
    assert len(set(priorities)) == len(priorities)
    assert all(1 <= p <= 50_000 for p in priorities)


def test_requests_are_counted_per_tenant(sample: Synth) -> None:
    _cfg, g = sample
    mf = one(g, METRIC_FILTER)
    assert "Tenant" in mf.get("metricTransformation.dimensions", {})
    app_log = next(lg for lg in g.of_type(LOG_GROUP) if lg.inputs["name"].endswith("/application"))
    assert deps(mf, "logGroupName") == {app_log.urn}


def _synth_platform(cfg: StackConfig, stack: str) -> tuple[ResourceGraph, dict[str, Any]]:
    """Synthesize like :func:`gcmod.program.synth_config`, keeping the platform's
    summary (the ``platform`` stack output), which the graph does not hold."""
    kept: list[Any] = []
    graph = run_program(
        lambda: kept.append(build(cfg, stack, HORIZON_START)),
        project=PROJECT,
        stack=stack,
        region=cfg.region,
    )
    return graph, kept[0].summary


def _comparable(node: ResourceNode) -> dict[str, Any]:
    """A node without the order of its dependency lists (which the engine does not keep)."""
    d = node.to_json()
    d["dependencies"] = sorted(d["dependencies"])
    d["propertyDependencies"] = {k: sorted(v) for k, v in d["propertyDependencies"].items()}
    return d


def test_adding_a_tenant_changes_only_that_tenants_resources() -> None:
    path = samples_dir() / "Pulumi.saas-prod.yaml"
    raw = read_stack_file(path)
    before_cfg = parse_config(raw, str(path))
    after_cfg = parse_config({**raw, "gcmod:tenants": [*raw["gcmod:tenants"], SAPPORO]}, "+sapporo")
    assert len(after_cfg.tenants) == len(before_cfg.tenants) + 1
    before, before_summary = _synth_platform(before_cfg, "saas-prod")
    after, after_summary = _synth_platform(after_cfg, "saas-prod")
    a, b = before.by_urn, after.by_urn

    # Added: exactly Sapporo's resources (its budget, its listener rule and its
    # settings parameter); nothing removed.
    added = [b[u] for u in sorted(set(b) - set(a))]
    assert set(a) - set(b) == set()
    assert sorted((r.type, r.tags.get("gcmod:tenant")) for r in added) == [
        (BUDGET, "011002"),
        (LISTENER_RULE, "011002"),
        (SSM_PARAMETER, "011002"),
    ]
    (budget,) = [r for r in added if r.type == BUDGET]
    assert budget.get("costFilters.0.values") == ["user:gcmod:tenant$011002"]
    (rule,) = [r for r in added if r.type == LISTENER_RULE]
    assert rule.get("conditions.0.hostHeader.values") == ["011002.juki.example.lg.jp"]
    assert rule.inputs["priority"] not in {
        r.inputs["priority"] for r in before.of_type(LISTENER_RULE)
    }
    (param,) = [r for r in added if r.type == SSM_PARAMETER]
    assert param.inputs["name"] == "/gcmod/saas-prod/tenants/011002"
    assert json.loads(param.inputs["insecureValue"])["host"] == "011002.juki.example.lg.jp"

    # Changed: nothing that already existed. The application reads tenants from
    # the parameter path, so the task definition does not list them.
    changed = {u for u in set(a) & set(b) if _comparable(a[u]) != _comparable(b[u])}
    assert changed == set()
    task = one(before, TASK_DEF)
    assert "GCMOD_TENANT" not in json.dumps(task.inputs).replace("GCMOD_TENANT_PARAMETER_PATH", "")

    # The stack output lists tenants: it gains Sapporo, nothing else moves.
    assert after_summary["tenants"] == {
        **before_summary["tenants"],
        "011002": "011002.juki.example.lg.jp",
    }
    assert {k: v for k, v in after_summary.items() if k != "tenants"} == {
        k: v for k, v in before_summary.items() if k != "tenants"
    }


# ---------------------------------------------------------------------------
# 6. Offline synth through the command line
# ---------------------------------------------------------------------------
@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner outside any Pulumi project, so stack names resolve to the samples."""
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _no_traceback(result: Any) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_synth_json(runner: CliRunner) -> None:
    result = runner.invoke(main, ["synth", "saas-prod", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schemaVersion"] == 1
    assert data["stack"] == "saas-prod" and data["project"] == "gcmod"
    graph = ResourceGraph.from_json(data)
    assert len(graph.of_type(ECS_SERVICE)) == 1
    assert len(graph.of_type(LISTENER_RULE)) == 3
    assert {r.region for r in graph if r.region} == {"ap-northeast-1", DR_REGION}


def test_cli_unknown_stack_lists_the_available_ones(runner: CliRunner) -> None:
    result = runner.invoke(main, ["synth", "nope"])
    assert result.exit_code == 2
    _no_traceback(result)
    assert "'nope'" in result.output
    for name in SAMPLES:
        assert name in result.output


def test_cli_bad_value_names_file_key_and_value(runner: CliRunner, tmp_path: Path) -> None:
    doc = yaml.safe_load((samples_dir() / "Pulumi.saas-prod.yaml").read_text(encoding="utf-8"))
    doc["config"]["gcmod:service"]["cpu"] = 300
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(main, ["synth", str(bad)])
    assert result.exit_code == 2
    _no_traceback(result)
    assert str(bad) in result.output
    assert "gcmod:service.cpu" in result.output
    assert "300" in result.output


def test_cli_missing_stack_file(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "Pulumi.missing.yaml"
    result = runner.invoke(main, ["synth", str(missing)])
    assert result.exit_code == 2
    _no_traceback(result)
    assert str(missing) in result.output
    assert "not found" in result.output
