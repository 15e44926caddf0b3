"""Backup and DR rules (policies/rules/backup.py) through the real engine path (check_graph)."""

from __future__ import annotations

import pytest
from ruletest import assert_documented, hits, only

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import Rule
from gcmod.policies.rules import backup

RULES: list[Rule] = [v for v in vars(backup).values() if isinstance(v, Rule)]
IDS = {"GCM-BAK-001", "GCM-BAK-002", "GCM-BAK-003", "GCM-BAK-004", "GCM-DR-001", "GCM-DR-002"}
STACK, PROJECT = "main", "gcmod"  # a stack name that names no environment
TOKYO, OSAKA = "ap-northeast-1", "ap-northeast-3"

PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
REGION_SETTINGS = "aws:backup/regionSettings:RegionSettings"
CLUSTER = "aws:rds/cluster:Cluster"
RDS = "aws:rds/instance:Instance"
GLOBAL = "aws:rds/globalCluster:GlobalCluster"
ECS_SERVICE = "aws:ecs/service:Service"
TABLE = "aws:dynamodb/table:Table"
LAMBDA = "aws:lambda/function:Function"
SCHEDULE = "aws:scheduler/schedule:Schedule"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
PROVIDER = "pulumi:providers:aws"
PROD = {"gcmod:environment": "production"}
STAGING = {"gcmod:environment": "staging"}

DR_PROVIDER = ResourceNode(
    f"urn:pulumi:{STACK}::{PROJECT}::{PROVIDER}::osaka",
    PROVIDER,
    "osaka",
    True,
    {"region": OSAKA},
    region=OSAKA,
)


def node(
    type_: str,
    name: str,
    deps: tuple[ResourceNode, ...] = (),
    /,
    *,
    dr: bool = False,
    chain: str = "",
    **inputs,
) -> ResourceNode:
    """A resource; ``dr`` puts it in Osaka through an explicit provider; ``chain``
    prefixes parent types to its URN (``gcmod:backup:ManagedBackup$``)."""
    return ResourceNode(
        f"urn:pulumi:{STACK}::{PROJECT}::{chain}{type_}::{name}",
        type_,
        name,
        True,
        inputs,
        dependencies=tuple(d.urn for d in deps),
        provider=DR_PROVIDER.urn if dr else None,
        region=OSAKA if dr else TOKYO,
    )


def run(*nodes: ResourceNode, config: dict | None = None, region: str = TOKYO) -> CheckReport:
    graph = ResourceGraph(PROJECT, STACK, region, (DR_PROVIDER, *nodes))
    return check_graph(graph, config, rules=RULES)


def rule_(days: float | None = 35.0, copies: list | None = None) -> dict:
    r: dict = {"ruleName": "daily", "targetVaultName": UNKNOWN, "schedule": "cron(0 2 * * ? *)"}
    if days is not None:
        r["lifecycle"] = {"deleteAfter": days}
    if copies is not None:
        r["copyActions"] = copies
    return r


def copy(arn=UNKNOWN, days: float | None = 35.0) -> dict:
    c: dict = {"destinationVaultArn": arn}
    if days is not None:
        c["lifecycle"] = {"deleteAfter": days}
    return c


def prod_backup(name: str = "bk", copy_to_dr: bool = True) -> list[ResourceNode]:
    """gcmod's shape: a vault and lock in each region, a plan copying to Osaka."""
    vault = node(VAULT, f"{name}-vault", kmsKeyArn=UNKNOWN, tags=PROD)
    lock = node(LOCK, f"{name}-vault-lock", (vault,), backupVaultName=UNKNOWN)
    out = [vault, lock]
    copies = None
    if copy_to_dr:
        dr_vault = node(VAULT, f"{name}-dr-vault", dr=True, kmsKeyArn=UNKNOWN, tags=PROD)
        dr_lock = node(LOCK, f"{name}-dr-vault-lock", (dr_vault,), dr=True, backupVaultName=UNKNOWN)
        out += [dr_vault, dr_lock]
        copies = [copy()]
    deps = tuple(n for n in out if n.type == VAULT)
    out.append(node(PLAN, f"{name}-plan", deps, rules=[rule_(35.0, copies)], tags=PROD))
    return out


# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------
def test_rules_metadata() -> None:
    assert {r.id for r in RULES} == IDS
    assert_documented(RULES)
    for rid in ("GCM-DR-001", "GCM-DR-002"):
        rationale = next(r for r in RULES if r.id == rid).rationale
        assert "A.3.2.1" in rationale.en and "A.3.2.1" in rationale.ja
    assert "A.1.4.1" in next(r for r in RULES if r.id == "GCM-DR-001").rationale.ja


# ---------------------------------------------------------------------------
# GCM-BAK-001
# ---------------------------------------------------------------------------
def test_bak001_bounded_retention_passes() -> None:
    report = run(
        *prod_backup(),
        node(PLAN, "stg-plan", rules=[rule_(7.0)], tags=STAGING),
    )
    assert report.by_rule("GCM-BAK-001") == []


def test_bak001_forever_and_out_of_bounds_flagged() -> None:
    report = run(
        node(PLAN, "forever", rules=[rule_(None)], tags=PROD),
        node(PLAN, "ten-years", rules=[rule_(3650.0)], tags=PROD),
        node(PLAN, "copy-forever", rules=[rule_(35.0, [copy(days=None)])], tags=PROD),
        node(PLAN, "stg-long", rules=[rule_(90.0)], tags=STAGING),
        node(PLAN, "too-short", rules=[rule_(3.0)], tags=PROD),
    )
    v = only(report, "GCM-BAK-001", "forever")
    assert "forever (no lifecycle.deleteAfter)" in v.message.en and "7-400" in v.message.en
    assert "永久に保存" in v.message.ja
    assert "3650 days" in only(report, "GCM-BAK-001", "ten-years").message.en
    assert "copy action #0" in only(report, "GCM-BAK-001", "copy-forever").message.en
    v = only(report, "GCM-BAK-001", "stg-long")
    assert "90 days; staging allows 1-35" in v.message.en
    assert "3 days" in only(report, "GCM-BAK-001", "too-short").message.en


def test_bak001_settings_override_and_partial_tables() -> None:
    plan = node(PLAN, "ten-years", rules=[rule_(3650.0)], tags=PROD)
    assert hits(run(plan), "GCM-BAK-001")
    # only production given: the other environments keep their defaults
    config = {"GCM-BAK-001": {"maxRetentionDays": {"production": 3653}}}
    assert run(plan, config=config).by_rule("GCM-BAK-001") == []
    stg = node(PLAN, "stg-long", rules=[rule_(90.0)], tags=STAGING)
    assert hits(run(stg, config=config), "GCM-BAK-001", "stg-long")


def test_bak001_unknown_is_advisory() -> None:
    report = run(node(PLAN, "later", rules=[rule_(UNKNOWN)], tags=PROD))
    [v] = report.by_rule("GCM-BAK-001")
    assert v.unknown and not v.mandatory and v.enforcement == "advisory"


# ---------------------------------------------------------------------------
# GCM-BAK-002
# ---------------------------------------------------------------------------
def test_bak002_snapshot_resources_and_scripts_flagged() -> None:
    report = run(
        node("aws:ebs/snapshot:Snapshot", "manual-snap", volumeId="vol-1"),
        node("aws:rds/clusterSnapshot:ClusterSnapshot", "pre-upgrade", dbClusterIdentifier="c"),
        node("aws:dlm/lifecyclePolicy:LifecyclePolicy", "ebs-policy", description="x"),
        node(LAMBDA, "nightly-job", name="db-snapshot-runner", role=UNKNOWN),
        node(
            SCHEDULE,
            "nightly",
            target={"arn": "arn:aws:scheduler:::aws-sdk:rds:createDBClusterSnapshot"},
        ),
        node(EVENT_RULE, "weekly-backup", scheduleExpression="cron(0 3 ? * SUN *)"),
    )
    v = only(report, "GCM-BAK-002", "manual-snap")
    assert "outside AWS Backup" in v.message.en and "AWS Backup の外" in v.message.ja
    only(report, "GCM-BAK-002", "pre-upgrade")
    only(report, "GCM-BAK-002", "ebs-policy")
    assert "'snapshot'" in only(report, "GCM-BAK-002", "nightly-job").message.en
    assert "createDBClusterSnapshot" in only(report, "GCM-BAK-002", "nightly").message.en
    assert "'backup'" in only(report, "GCM-BAK-002", "weekly-backup").message.en


def test_bak002_other_jobs_and_gcmod_backup_pass() -> None:
    report = run(
        node(LAMBDA, "api-handler", name="api", role=UNKNOWN),
        node(SCHEDULE, "app-stop", description="stop at 18:00", target={"arn": UNKNOWN}),
        node(
            SCHEDULE,
            "bk-backup-window",
            chain="gcmod:platform:GovCloudPlatform$gcmod:backup:ManagedBackup$",
            target={"arn": "arn:aws:scheduler:::aws-sdk:backup:startBackupJob"},
        ),
    )
    assert report.by_rule("GCM-BAK-002") == []


def test_bak002_keywords_setting() -> None:
    job = node(LAMBDA, "db-dump", name="db-dump", role=UNKNOWN)
    assert run(job).by_rule("GCM-BAK-002") == []
    report = run(job, config={"GCM-BAK-002": {"keywords": ["dump"]}})
    only(report, "GCM-BAK-002", "db-dump")


# ---------------------------------------------------------------------------
# GCM-BAK-003
# ---------------------------------------------------------------------------
def test_bak003_locked_and_protected_pass() -> None:
    named = node(VAULT, "named-vault", name="town-vault", tags=PROD)
    report = run(
        *prod_backup(),
        named,
        node(LOCK, "named-lock", backupVaultName="town-vault"),  # matched by name
        node(CLUSTER, "db", deletionProtection=True, tags=PROD),
        node(VAULT, "stg-vault", tags=STAGING),  # staging needs no lock
        node(RDS, "stg-db", deletionProtection=False, tags=STAGING),
    )
    assert report.by_rule("GCM-BAK-003") == []


def test_bak003_unlocked_vault_and_unprotected_db_flagged() -> None:
    report = run(
        node(VAULT, "open-vault", kmsKeyArn=UNKNOWN, tags=PROD),
        node(RDS, "fragile-db", deletionProtection=False, tags=PROD),
        node(CLUSTER, "default-cluster", storageEncrypted=True),  # untagged: production
    )
    v = only(report, "GCM-BAK-003", "open-vault")
    assert "no vault lock" in v.message.en and "ボールトロックがありません" in v.message.ja
    assert "deletionProtection false" in only(report, "GCM-BAK-003", "fragile-db").message.en
    v = only(report, "GCM-BAK-003", "default-cluster")
    assert "unset" in v.message.en and "未設定" in v.message.ja


def test_bak003_default_environment_setting() -> None:
    cluster = node(CLUSTER, "default-cluster", storageEncrypted=True)
    config = {"GCM-BAK-003": {"defaultEnvironment": "development"}}
    assert run(cluster, config=config).by_rule("GCM-BAK-003") == []


def test_bak003_unknown_is_advisory_and_others_reported() -> None:
    report = run(
        node(RDS, "later-db", deletionProtection=UNKNOWN, tags=PROD),
        node(RDS, "fragile-db", deletionProtection=False, tags=PROD),
    )
    only(report, "GCM-BAK-003", "fragile-db")
    unknown = [v for v in report.by_rule("GCM-BAK-003") if v.unknown]
    assert len(unknown) == 1 and not unknown[0].mandatory


# ---------------------------------------------------------------------------
# GCM-DR-001
# ---------------------------------------------------------------------------
def test_dr001_backup_only_passes() -> None:
    report = run(
        *prod_backup(),
        node(ECS_SERVICE, "app", cluster=UNKNOWN),
        node(CLUSTER, "db", storageEncrypted=True),
        node(RDS, "same-region-replica", replicateSourceDb="db-1"),
    )
    assert report.by_rule("GCM-DR-001") == []


def test_dr001_standby_flagged() -> None:
    report = run(
        node(ECS_SERVICE, "standby-app", dr=True, cluster=UNKNOWN),
        node(RDS, "osaka-replica", dr=True, replicateSourceDb="arn:aws:rds:ap-northeast-1:1:db:x"),
        node(GLOBAL, "global-db", globalClusterIdentifier="g"),
        node(CLUSTER, "primary-in-global", globalClusterIdentifier=UNKNOWN),
        node(TABLE, "sessions", replicas=[{"regionName": OSAKA}]),
    )
    v = only(report, "GCM-DR-001", "standby-app")
    assert "DR region ap-northeast-3" in v.message.en and "構成C" in v.message.en
    assert "DR リージョン ap-northeast-3 で稼働" in v.message.ja
    only(report, "GCM-DR-001", "osaka-replica")
    assert "warm standby" in only(report, "GCM-DR-001", "global-db").message.en
    assert "globalClusterIdentifier" in only(report, "GCM-DR-001", "primary-in-global").message.en
    assert "global table replica" in only(report, "GCM-DR-001", "sessions").message.en


def test_dr001_settings_grade_and_rebuild_stack() -> None:
    standby = node(ECS_SERVICE, "standby-app", dr=True, cluster=UNKNOWN)
    assert hits(run(standby), "GCM-DR-001")
    high = {"GCM-DR-001": {"availabilityGrade": "high"}}
    assert run(standby, config=high).by_rule("GCM-DR-001") == []
    # A stack that rebuilds the system in Osaka after a disaster: its own
    # (default-provider) region is Osaka, so nothing there is a standby.
    rebuild = node(ECS_SERVICE, "rebuilt-app", cluster=UNKNOWN)
    assert run(rebuild, region=OSAKA).by_rule("GCM-DR-001") == []
    config = {"GCM-DR-001": {"primaryRegion": OSAKA}}
    assert run(rebuild, config=config, region=OSAKA).by_rule("GCM-DR-001") == []
    # ... while the same service reached through an explicit Osaka provider from a
    # Tokyo stack is a standby (standby-app above).


def test_dr001_unknown_is_advisory() -> None:
    report = run(node(TABLE, "maybe", replicas=[{"regionName": UNKNOWN}]))
    [v] = report.by_rule("GCM-DR-001")
    assert v.unknown and not v.mandatory


# ---------------------------------------------------------------------------
# GCM-DR-002
# ---------------------------------------------------------------------------
def test_dr002_copy_to_osaka_passes() -> None:
    assert run(*prod_backup()).by_rule("GCM-DR-002") == []
    known = node(
        PLAN,
        "known-arn",
        rules=[rule_(35.0, [copy("arn:aws:backup:ap-northeast-3:123456789012:backup-vault:v")])],
        tags=PROD,
    )
    assert run(known).by_rule("GCM-DR-002") == []
    # non-production needs no copy
    assert run(node(PLAN, "stg", rules=[rule_(7.0)], tags=STAGING)).by_rule("GCM-DR-002") == []


def test_dr002_missing_copy_flagged() -> None:
    report = run(*prod_backup(copy_to_dr=False), node(CLUSTER, "db", tags=PROD))
    v = only(report, "GCM-DR-002", "bk-plan")
    assert "ap-northeast-3" in v.message.en and "A.3.2.1" in v.message.ja
    assert hits(report, "GCM-DR-002", "db") == []  # the plan is named, not each store
    tokyo = node(
        PLAN,
        "tokyo-copy",
        rules=[rule_(35.0, [copy("arn:aws:backup:ap-northeast-1:123456789012:backup-vault:v")])],
        tags=PROD,
    )
    only(run(tokyo), "GCM-DR-002", "tokyo-copy")
    # production data with no backup plan at all
    v = only(run(node(CLUSTER, "lonely-db", tags=PROD)), "GCM-DR-002", "lonely-db")
    assert "no backup plan" in v.message.en


def test_dr002_dr_region_setting() -> None:
    nodes = prod_backup()
    config = {"GCM-DR-002": {"drRegion": "ap-southeast-1"}}
    report = run(*nodes, config=config)
    assert report.by_rule("GCM-DR-002") and all(v.unknown for v in report.by_rule("GCM-DR-002"))
    known = node(
        PLAN,
        "known-arn",
        rules=[rule_(35.0, [copy("arn:aws:backup:ap-northeast-3:123456789012:backup-vault:v")])],
        tags=PROD,
    )
    assert "ap-southeast-1" in only(run(known, config=config), "GCM-DR-002", "known-arn").message.en


def test_dr002_unresolvable_destination_is_advisory() -> None:
    vault = node(VAULT, "tokyo-vault", kmsKeyArn=UNKNOWN, tags=PROD)
    plan = node(PLAN, "plan", (vault,), rules=[rule_(35.0, [copy()])], tags=PROD)
    [v] = run(vault, plan).by_rule("GCM-DR-002")
    assert v.unknown and not v.mandatory and "can't run" in v.message.en


# ---------------------------------------------------------------------------
# The sample stacks
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples(sample_stacks):
    """The built-in samples (synthesized once per session in conftest)."""
    return {n: g for n, (_c, g) in sample_stacks.items()}


def test_sample_without_dr_copy_or_lock_is_caught(samples) -> None:
    g = samples["saas-prod"]
    dr_urns = {r.urn for r in g.resources if r.region == OSAKA}
    kept = []
    for r in g.resources:
        if r.urn in dr_urns or r.type == LOCK:
            continue
        if r.type == PLAN:
            rules = [{k: v for k, v in x.items() if k != "copyActions"} for x in r.inputs["rules"]]
            deps = tuple(d for d in r.dependencies if d not in dr_urns)
            r = ResourceNode(
                r.urn, r.type, r.name, r.custom, {**r.inputs, "rules": rules}, r.parent, deps
            )
        kept.append(r)
    report = check_graph(ResourceGraph(g.project, g.stack, g.region, tuple(kept)), rules=RULES)
    assert [v.resource_name for v in report.by_rule("GCM-DR-002")] == ["saas-prod-backup-plan"]
    assert [v.resource_name for v in report.by_rule("GCM-BAK-003")] == ["saas-prod-backup-vault"]
    assert all(v.mandatory for v in report.violations)


# ---------------------------------------------------------------------------
# GCM-BAK-004
# ---------------------------------------------------------------------------
OPTED_IN = {"Aurora": True, "RDS": True, "EBS": True, "DynamoDB": True}


def test_bak004_databases_opted_in_pass() -> None:
    report = run(
        node(REGION_SETTINGS, "tokyo", resourceTypeOptInPreference=OPTED_IN),
        node(
            REGION_SETTINGS, "osaka", dr=True, resourceTypeOptInPreference={**OPTED_IN, "S3": False}
        ),
        node(REGION_SETTINGS, "no-preference"),
    )
    assert hits(report, "GCM-BAK-004") == []


@pytest.mark.parametrize(
    ("off", "named"),
    [({"RDS": False}, "RDS"), ({"Aurora": False}, "Aurora"),
     ({"Aurora": False, "RDS": False}, "Aurora and RDS")],
)  # fmt: skip
def test_bak004_database_opted_out_flagged(off: dict, named: str) -> None:
    report = run(node(REGION_SETTINGS, "osaka", dr=True,
                      resourceTypeOptInPreference={**OPTED_IN, **off}))  # fmt: skip
    v = only(report, "GCM-BAK-004", "osaka")
    assert f"opt out of {named}" in v.message.en and OSAKA in v.message.en
    assert named.replace(" and ", "・") in v.message.ja
    assert v.rule.severity == "high"


def test_bak004_unknown_preference_is_advisory() -> None:
    report = run(node(REGION_SETTINGS, "tokyo", resourceTypeOptInPreference={
        **OPTED_IN, "RDS": UNKNOWN}))  # fmt: skip
    (v,) = report.by_rule("GCM-BAK-004")
    assert v.unknown and not v.mandatory
