"""Tests for gcmod.components.backup (ManagedBackup), offline under the mock runtime."""

from __future__ import annotations

import json
import re

import pulumi
import pulumi_aws as aws
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcmod.awstypes import taggable as aws_taggable
from gcmod.components.backup import (
    BACKUP_MANAGED_POLICIES,
    ManagedBackup,
    ManagedBackupArgs,
    restore_testing_name,
)
from gcmod.config import BackupConfig, DrConfig
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.synth import SynthError, run_program

PRIMARY = "ap-northeast-1"
OSAKA = "ap-northeast-3"
TAGS = {"gcmod:system": "jumin-kihon-daicho", "gcmod:environment": "development"}
#: TAGS completed with gcmod's other cost-allocation keys (components add them, issue 20).
ALL_TAGS = {**TAGS, "gcmod:tenant": "shared", "gcmod:managed-by": "gcmod"}

T_KEY = "aws:kms/key:Key"
T_ALIAS = "aws:kms/alias:Alias"
T_VAULT = "aws:backup/vault:Vault"
T_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
T_PLAN = "aws:backup/plan:Plan"
T_SELECTION = "aws:backup/selection:Selection"
T_RT_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
T_RT_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection"
T_ROLE = "aws:iam/role:Role"
T_ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
T_PROVIDER = "pulumi:providers:aws"
T_COMPONENT = "gcmod:backup:ManagedBackup"

#: Every resource type the component may create, with its SDK class: a new type
#: fails test_every_taggable_resource_is_tagged until it is listed here.
CLASSES: dict[str, type[pulumi.CustomResource]] = {
    T_KEY: aws.kms.Key,
    T_ALIAS: aws.kms.Alias,
    T_VAULT: aws.backup.Vault,
    T_LOCK: aws.backup.VaultLockConfiguration,
    T_PLAN: aws.backup.Plan,
    T_SELECTION: aws.backup.Selection,
    T_RT_PLAN: aws.backup.RestoreTestingPlan,
    T_RT_SELECTION: aws.backup.RestoreTestingSelection,
    T_ROLE: aws.iam.Role,
    T_ATTACH: aws.iam.RolePolicyAttachment,
}
#: What may exist in the DR region: storage for copies, never compute or a database.
DR_ALLOWED = {T_KEY, T_ALIAS, T_VAULT, T_LOCK, T_PROVIDER}

PRODUCTION = {"vault_lock": True, "restore_testing": True}


def synth(
    name: str = "backup",
    stack_config: dict[str, str] | None = None,
    with_provider: bool = False,
    **kw,
) -> tuple[ResourceGraph, ManagedBackup]:
    """Run a program holding one ManagedBackup(name, ManagedBackupArgs(tags=TAGS, **kw));
    return the graph and the component."""
    made: list[ManagedBackup] = []

    # The shapes asserted here are the explicit 35-day retention with a DR copy
    # (the defaults before issue 20 made them follow the environment; development's
    # own defaults are tested in tests/test_component_environment.py).
    kw.setdefault("config", BackupConfig())
    kw.setdefault("dr", DrConfig())

    def program() -> None:
        if with_provider:
            kw["dr_provider"] = aws.Provider("osaka", region=OSAKA)
        made.append(ManagedBackup(name, ManagedBackupArgs(tags=TAGS, **kw)))

    graph = run_program(program, project="gcmod", stack="dev", region=PRIMARY, config=stack_config)
    return graph, made[0]


@pytest.fixture(scope="module")
def default() -> tuple[ResourceGraph, ManagedBackup]:
    return synth()


@pytest.fixture(scope="module")
def prod() -> tuple[ResourceGraph, ManagedBackup]:
    return synth(**PRODUCTION)


def one(graph: ResourceGraph, token: str) -> ResourceNode:
    found = graph.of_type(token)
    assert len(found) == 1, f"{len(found)} × {token}"
    return found[0]


def vaults(graph: ResourceGraph) -> tuple[ResourceNode, ResourceNode | None]:
    """(primary vault, DR vault or None), told apart by region."""
    primary = [v for v in graph.of_type(T_VAULT) if v.region == PRIMARY]
    dr = [v for v in graph.of_type(T_VAULT) if v.region != PRIMARY]
    assert len(primary) == 1 and len(dr) <= 1
    return primary[0], (dr[0] if dr else None)


def rule(graph: ResourceGraph) -> dict:
    rules = one(graph, T_PLAN).get("rules")
    assert isinstance(rules, list) and len(rules) == 1
    return rules[0]


# ---------------------------------------------------------------------------
# Defaults: the non-production shape
# ---------------------------------------------------------------------------
def test_default_vault_is_encrypted_with_a_rotating_customer_key(default):
    graph, _ = default
    vault, _ = vaults(graph)
    key = graph.by_urn[vault.property_dependencies["kmsKeyArn"][0]]
    assert key.type == T_KEY and key.region == PRIMARY
    assert key.get("enableKeyRotation") is True
    assert key.get("deletionWindowInDays") == 30
    alias = next(a for a in graph.of_type(T_ALIAS) if a.region == PRIMARY)
    assert alias.property_dependencies["targetKeyId"] == (key.urn,)
    assert alias.get("name").startswith("alias/")


def test_default_has_no_vault_lock_and_no_restore_testing(default):
    graph, comp = default
    assert graph.of_type(T_LOCK) == []
    assert graph.of_type(T_RT_PLAN, T_RT_SELECTION) == []
    assert comp.restore_testing_plan_name is None


def test_default_daily_rule(default):
    graph, _ = default
    r = rule(graph)
    assert r["schedule"] == "cron(0 2 * * ? *)"
    assert r["scheduleExpressionTimezone"] == "Asia/Tokyo"
    assert r["startWindow"] == 60 and r["completionWindow"] == 360
    assert r["enableContinuousBackup"] is False
    assert r["lifecycle"] == {"deleteAfter": 35}
    assert r["recoveryPointTags"] == ALL_TAGS
    vault, _ = vaults(graph)
    assert vault.urn in one(graph, T_PLAN).property_dependencies["rules"]


def test_default_copies_to_a_vault_in_osaka_through_an_explicit_provider(default):
    graph, comp = default
    vault, dr_vault = vaults(graph)
    assert dr_vault is not None
    assert dr_vault.region == OSAKA and dr_vault.provider is not None
    provider = graph.by_urn[dr_vault.provider]
    assert provider.type == T_PROVIDER and provider.get("region") == OSAKA
    copies = rule(graph)["copyActions"]
    assert len(copies) == 1 and copies[0]["lifecycle"] == {"deleteAfter": 35}
    # The copy action's destination is the DR vault's ARN (unknown before deployment).
    rule_deps = set(one(graph, T_PLAN).property_dependencies["rules"])
    assert rule_deps == {vault.urn, dr_vault.urn}
    dr_key = graph.by_urn[dr_vault.property_dependencies["kmsKeyArn"][0]]
    assert dr_key.region == OSAKA and dr_key.get("enableKeyRotation") is True
    assert comp.dr_region == OSAKA and comp.dr_vault_arn is not None


def test_dr_region_holds_only_backup_storage(default, prod):
    for graph, _ in (default, prod):
        in_dr = [n for n in graph if n.region == OSAKA]
        assert {n.type for n in in_dr} <= DR_ALLOWED
        assert {T_VAULT, T_KEY, T_ALIAS} <= {n.type for n in in_dr}
        assert not [n for n in in_dr if re.search(r":(ec2|ecs|rds|lambda|eks)/", n.type)]
        # Everything else stays in the primary region, on the default provider.
        for n in graph.custom_resources:
            if n.region != OSAKA:
                assert n.region == PRIMARY and n.provider is None, n.name


def test_creates_its_dr_provider_as_a_child(default):
    graph, comp = default
    provider = one(graph, T_PROVIDER)
    assert provider.name == "backup-dr" and provider.region == OSAKA
    assert provider.parent == one(graph, T_COMPONENT).urn
    assert comp.dr_provider is not None


def test_dr_provider_takes_the_stack_profile():
    graph, _ = synth(stack_config={"aws:profile": "gc-vendor"})
    assert one(graph, T_PROVIDER).get("profile") == "gc-vendor"


def test_selection_is_by_tag_only(default):
    graph, comp = default
    sel = one(graph, T_SELECTION)
    assert sel.get("selectionTags") == [
        {"type": "STRINGEQUALS", "key": "gcmod:backup", "value": "daily"}
    ]
    # Resources are ORed with ListOfTags by AWS Backup: "*" would select everything.
    assert "resources" not in sel.inputs and "conditions" not in sel.inputs
    assert sel.property_dependencies["planId"] == (one(graph, T_PLAN).urn,)
    assert sel.property_dependencies["iamRoleArn"] == (one(graph, T_ROLE).urn,)
    # The role's policies are attached before AWS Backup first assumes it.
    assert {a.urn for a in graph.of_type(T_ATTACH)} <= set(sel.dependencies)
    assert comp.selection_tag == ("gcmod:backup", "daily")


def test_custom_selection_tag():
    graph, _ = synth(selection_tag=("backup", "nightly"), **PRODUCTION)
    tag = one(graph, T_SELECTION).get("selectionTags")[0]
    assert (tag["key"], tag["value"]) == ("backup", "nightly")
    cond = one(graph, T_RT_SELECTION).get("protectedResourceConditions.stringEquals")
    assert cond == [{"key": "aws:ResourceTag/backup", "value": "nightly"}]


def test_backup_role_trusts_aws_backup_with_both_service_policies(default):
    graph, _ = default
    role = one(graph, T_ROLE)
    trust = json.loads(role.get("assumeRolePolicy"))
    (stmt,) = trust["Statement"]
    assert stmt["Principal"] == {"Service": "backup.amazonaws.com"}
    assert stmt["Action"] == "sts:AssumeRole" and stmt["Effect"] == "Allow"
    attached = {a.get("policyArn") for a in graph.of_type(T_ATTACH)}
    assert attached == {
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    }
    assert attached == set(BACKUP_MANAGED_POLICIES.values())
    for a in graph.of_type(T_ATTACH):
        assert a.property_dependencies["role"] == (role.urn,)


# ---------------------------------------------------------------------------
# Production: vault lock and restore testing
# ---------------------------------------------------------------------------
def test_production_locks_both_vaults_in_governance_mode(prod):
    graph, _ = prod
    vault, dr_vault = vaults(graph)
    locks = {lk.property_dependencies["backupVaultName"][0]: lk for lk in graph.of_type(T_LOCK)}
    assert set(locks) == {vault.urn, dr_vault.urn}
    keep = 35  # BackupConfig and DrConfig default retention
    for lock in locks.values():
        assert lock.get("minRetentionDays") <= keep <= lock.get("maxRetentionDays")
        assert "changeableForDays" not in lock.inputs  # governance, not compliance
    assert locks[dr_vault.urn].region == OSAKA


def test_vault_lock_bounds_follow_each_vaults_retention():
    graph, _ = synth(dr=DrConfig(retention_days=14), **PRODUCTION)
    vault, dr_vault = vaults(graph)
    by_vault = {lk.property_dependencies["backupVaultName"][0]: lk for lk in graph.of_type(T_LOCK)}
    assert by_vault[vault.urn].get("minRetentionDays") == 35
    assert by_vault[dr_vault.urn].get("maxRetentionDays") == 14
    assert by_vault[dr_vault.urn].get("minRetentionDays") == 14
    assert rule(graph)["copyActions"][0]["lifecycle"] == {"deleteAfter": 14}


def test_production_restore_testing_plan_and_aurora_selection(prod):
    graph, comp = prod
    vault, _ = vaults(graph)
    plan = one(graph, T_RT_PLAN)
    assert plan.get("scheduleExpression") == "cron(0 10 ? * 2#1 *)"
    assert plan.get("scheduleExpressionTimezone") == "Asia/Tokyo"
    sel = plan.get("recoveryPointSelection")
    assert sel["algorithm"] == "LATEST_WITHIN_WINDOW"
    assert sel["recoveryPointTypes"] == ["SNAPSHOT"]
    assert sel["selectionWindowDays"] == 7
    assert plan.property_dependencies["recoveryPointSelection"] == (vault.urn,)
    assert re.fullmatch(r"[A-Za-z0-9_]{1,50}", plan.get("name"))
    assert comp.restore_testing_plan_name == plan.get("name")
    assert plan.region == PRIMARY

    rts = one(graph, T_RT_SELECTION)
    assert rts.get("protectedResourceType") == "Aurora"
    assert rts.get("protectedResourceArns") == ["*"]
    assert rts.get("protectedResourceConditions") == {
        "stringEquals": [{"key": "aws:ResourceTag/gcmod:backup", "value": "daily"}]
    }
    assert rts.get("validationWindowHours") == 1
    assert re.fullmatch(r"[A-Za-z0-9_]{1,50}", rts.get("name"))
    assert rts.property_dependencies["restoreTestingPlanName"] == (plan.urn,)
    assert rts.property_dependencies["iamRoleArn"] == (one(graph, T_ROLE).urn,)


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dr_days", "dr_cold"),
    [(35, None), (400, 30)],  # DR copies go cold only when they stay 90 days there
)
def test_cold_storage(dr_days, dr_cold):
    graph, _ = synth(
        config=BackupConfig(retention_days=400, cold_storage_after_days=30),
        dr=DrConfig(retention_days=dr_days),
    )
    r = rule(graph)
    assert r["lifecycle"] == {"deleteAfter": 400, "coldStorageAfter": 30}
    copy_lifecycle = r["copyActions"][0]["lifecycle"]
    assert copy_lifecycle["deleteAfter"] == dr_days
    assert copy_lifecycle.get("coldStorageAfter") == dr_cold


def test_no_dr_copy():
    graph, comp = synth(dr=DrConfig(copy_backups=False), **PRODUCTION)
    assert graph.of_type(T_PROVIDER) == []
    assert len(graph.of_type(T_VAULT)) == 1 and len(graph.of_type(T_KEY)) == 1
    assert "copyActions" not in rule(graph)
    assert {n.region for n in graph.custom_resources} == {PRIMARY}
    assert len(graph.of_type(T_LOCK)) == 1
    assert comp.dr_vault_arn is None and comp.dr_region is None and comp.dr_provider is None


def test_explicit_dr_provider_is_used_and_none_is_created():
    graph, _ = synth(with_provider=True)
    (provider,) = graph.of_type(T_PROVIDER)
    assert provider.name == "osaka" and provider.parent is None
    _, dr_vault = vaults(graph)
    assert dr_vault.provider == provider.urn and dr_vault.region == OSAKA
    dr_nodes = [n for n in graph.custom_resources if n.provider is not None]
    assert {n.type for n in dr_nodes} == {T_KEY, T_ALIAS, T_VAULT}
    assert all(n.provider == provider.urn for n in dr_nodes)


# ---------------------------------------------------------------------------
# Tags, parents, names
# ---------------------------------------------------------------------------
def _taggable(token: str) -> bool:
    """Whether the pulumi_aws resource behind ``token`` accepts ``tags``."""
    return bool(aws_taggable(token))


def test_every_taggable_resource_is_tagged(prod):
    graph, _ = prod
    resources = graph.custom_resources
    assert {n.type for n in resources} <= set(CLASSES), "classify the new resource type"
    taggable = [n for n in resources if _taggable(n.type)]
    assert {n.type for n in taggable} == {T_KEY, T_VAULT, T_PLAN, T_RT_PLAN, T_ROLE}
    for n in taggable:
        assert n.tags == ALL_TAGS, n.name


def test_children_are_parented_and_prefixed(prod):
    graph, _ = prod
    comp = one(graph, T_COMPONENT)
    assert comp.parent is None
    others = [n for n in graph if n.urn != comp.urn]
    assert len(others) >= 15
    for n in others:
        assert n.parent == comp.urn, n.name
        assert n.name.startswith("backup-"), n.name


def test_component_name_prefixes_children_and_restore_testing_name():
    graph, comp = synth(name="jumin-backup", **PRODUCTION)
    assert all(n.name.startswith("jumin-backup-") for n in graph if n.type != T_COMPONENT)
    assert comp.restore_testing_plan_name == "gcmod_dev_jumin_backup"


# ---------------------------------------------------------------------------
# Conflicting or invalid arguments
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"config": BackupConfig(vault_lock=False), "vault_lock": True}, "vault_lock"),
        (
            {"config": BackupConfig(restore_testing=True), "restore_testing": False},
            "restore_testing",
        ),
        ({"selection_tag": ("aws:backup", "daily")}, "tag key"),
        ({"selection_tag": ("gcmod:backup", "")}, "value"),
    ],
)
def test_conflicting_args_are_rejected(kw, match):
    with pytest.raises(ValueError, match=match):
        ManagedBackupArgs(**kw)


def test_config_alone_decides_lock_and_restore_testing():
    # Issue 20: with the arguments left unset, the config's values are used (before,
    # the arguments defaulted to false and a config saying true was a conflict).
    graph, comp = synth(config=BackupConfig(vault_lock=True, restore_testing=True))
    assert len(graph.of_type(T_LOCK)) == 2
    assert comp.restore_testing_plan_name is not None


def test_consistent_explicit_config_is_accepted():
    args = ManagedBackupArgs(config=BackupConfig(vault_lock=True), vault_lock=True)
    assert args.vault_lock is True


def test_dr_provider_without_dr_copy_is_rejected():
    def program() -> None:
        ManagedBackupArgs(
            dr=DrConfig(copy_backups=False), dr_provider=aws.Provider("osaka", region=OSAKA)
        )

    with pytest.raises(SynthError, match="copy_backups"):
        run_program(program, project="gcmod", stack="dev", region=PRIMARY)


def test_dr_region_equal_to_the_stack_region_is_rejected():
    with pytest.raises(SynthError, match="remote location"):
        synth(dr=DrConfig(region=PRIMARY))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=4))
def test_restore_testing_names_are_always_valid(parts):
    assert re.fullmatch(r"[A-Za-z0-9_]{1,50}", restore_testing_name(*parts))
