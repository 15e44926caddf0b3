"""Calls grow with pages, not resources; per-parent calls are declared and counted
apart; collection gaps closed (account public access block, AWS managed vault key,
global clusters, scalable-target tags); assumed-role credentials refresh. In-process
moto with fake credentials only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
from test_audit_runner import fake_aws  # noqa: F401  (autouse: fake credentials, mock_aws)

from gcmod.audit.clients import client_factory
from gcmod.audit.collect import (
    CallCounter,
    CollectContext,
    SharedCache,
    all_collectors,
    per_parent_calls,
)
from gcmod.audit.collectors import data, ops
from gcmod.audit.iampolicy import audit_actions
from gcmod.audit.report import finding_message, html_report, table, to_json
from gcmod.audit.runner import Finding, run_audit
from gcmod.audit.scope import AccountTarget, Scope, assume_role_session, single_account_scope
from gcmod.audit.waste import Waste
from gcmod.graph import ResourceGraph
from gcmod.policies.harness import check_graph

HOME, OSAKA = "ap-northeast-1", "ap-northeast-3"
ACCOUNT = "123456789012"


def _session() -> Any:
    return boto3.Session(region_name=HOME)


def _ctx(counter: CallCounter, region: str = HOME, shared: SharedCache | None = None):
    return CollectContext(_session(), ACCOUNT, region, HOME, client_factory(counter), shared)


def _graph(nodes) -> ResourceGraph:
    return ResourceGraph("audit", ACCOUNT, HOME, tuple(sorted(nodes, key=lambda n: n.urn)))


def _buckets(n: int, start: int = 0) -> None:
    s3 = boto3.client("s3", region_name=HOME)
    for i in range(start, start + n):
        name = f"eff-bucket-{i:03d}"
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": HOME})
        s3.put_bucket_tagging(
            Bucket=name, Tagging={"TagSet": [{"Key": "gcmod:system", "Value": f"s{i}"}]}
        )


def _s3_calls(region: str = HOME) -> tuple[CallCounter, list]:
    counter = CallCounter()
    nodes = list(ops.s3_buckets.collect(_ctx(counter, region)))
    return counter, nodes


# ---------------------------------------------------------------------------
# S3: tags and regions from listings, per-bucket calls declared
# ---------------------------------------------------------------------------
def test_more_buckets_add_no_tag_or_location_calls() -> None:
    _buckets(3)
    few, nodes = _s3_calls()
    buckets = {n.name: n for n in nodes if n.type == "aws:s3/bucket:Bucket"}
    assert len(buckets) == 3
    assert buckets["eff-bucket-001"].tags == {"gcmod:system": "s1"}
    _buckets(7, start=3)
    many, _ = _s3_calls()
    for op in ("s3.ListBuckets", "resourcegroupstaggingapi.GetResources"):
        assert many.calls[op] == few.calls[op] == 1, op
    for op in ("s3.GetBucketTagging", "s3.GetBucketLocation"):
        assert op not in many.calls
    # What AWS only offers per bucket: exactly one call per bucket, and declared.
    for op in ("s3.GetBucketLifecycleConfiguration", "s3.GetPublicAccessBlock"):
        assert (few.calls[op], many.calls[op]) == (3, 10)
        assert op in ops.s3_buckets.per_parent
    split = many.split([ops.s3_buckets])
    assert split["perParent"] == 20 and split["perPage"] == 2
    assert "one call per bucket" in split["parents"]["s3.GetPublicAccessBlock"]["reason"]


def test_buckets_are_read_in_their_own_region() -> None:
    _buckets(2)
    boto3.client("s3", region_name=OSAKA).create_bucket(
        Bucket="eff-osaka", CreateBucketConfiguration={"LocationConstraint": OSAKA}
    )
    home = {n.name for n in _s3_calls(HOME)[1]}
    osaka_counter, osaka_nodes = _s3_calls(OSAKA)
    assert home == {"eff-bucket-000", "eff-bucket-001"}
    (osaka,) = osaka_nodes
    assert (osaka.name, osaka.region, osaka.provider is not None) == ("eff-osaka", OSAKA, True)
    assert osaka_counter.calls["s3.ListBuckets"] == 1


# ---------------------------------------------------------------------------
# Shared listings and deduplicated per-parent calls
# ---------------------------------------------------------------------------
def _ecs(services: int, task_defs: int) -> None:
    ecs = boto3.client("ecs", region_name=HOME)
    ecs.create_cluster(clusterName="eff")
    arns = []
    for i in range(task_defs):
        td = ecs.register_task_definition(
            family=f"eff-{i}",
            containerDefinitions=[{"name": "app", "image": "app:1", "memory": 512}],
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
        )
        arns.append(td["taskDefinition"]["taskDefinitionArn"])
    for i in range(services):
        ecs.create_service(
            cluster="eff", serviceName=f"svc-{i}", taskDefinition=arns[i % task_defs],
            desiredCount=1,
        )  # fmt: skip


def test_ecs_collectors_share_one_listing_and_dedupe_task_definitions() -> None:
    _ecs(services=12, task_defs=2)
    counter, shared = CallCounter(), SharedCache()
    for col in (data.ecs_clusters, data.ecs_services, data.ecs_task_definitions):
        nodes = list(col.collect(_ctx(counter, shared=shared)))
        assert nodes, col.name
    assert counter.calls["ecs.ListClusters"] == 1  # shared by the three collectors
    assert counter.calls["ecs.ListServices"] == 1  # one cluster
    assert counter.calls["ecs.DescribeServices"] == 2  # 12 services, 10 per call
    assert counter.calls["ecs.DescribeTaskDefinition"] == 2  # 12 services, 2 definitions
    declared = per_parent_calls([data.ecs_services, data.ecs_task_definitions])
    assert set(declared) == {"ecs.ListServices", "ecs.DescribeTaskDefinition"}


def test_listeners_reuse_the_load_balancer_listing() -> None:
    ec2 = boto3.client("ec2", region_name=HOME)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"{HOME}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ac")
    ]
    elb = boto3.client("elbv2", region_name=HOME)
    for i in range(3):
        lb = elb.create_load_balancer(Name=f"eff-{i}", Subnets=subnets)["LoadBalancers"][0]
        elb.create_listener(
            LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
            DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {
                "StatusCode": "404"}}],
        )  # fmt: skip
    from gcmod.audit.collectors import elbv2

    counter, shared = CallCounter(), SharedCache()
    lbs = list(elbv2.load_balancers.collect(_ctx(counter, shared=shared)))
    listeners = list(elbv2.listeners.collect(_ctx(counter, shared=shared)))
    assert (len(lbs), len(listeners)) == (3, 3)
    assert counter.calls["elbv2.DescribeLoadBalancers"] == 1
    assert counter.calls["elbv2.DescribeListeners"] == 3  # per load balancer: declared
    assert "elbv2.DescribeListeners" in elbv2.listeners.per_parent


# ---------------------------------------------------------------------------
# Backup plans and schedule groups: tags from the Tagging API pages
# ---------------------------------------------------------------------------
def _plans(n: int) -> list[str]:
    backup = boto3.client("backup", region_name=HOME)
    backup.create_backup_vault(BackupVaultName="eff-vault", BackupVaultTags={"k": "v"})
    arns = []
    for i in range(n):
        p = backup.create_backup_plan(
            BackupPlan={
                "BackupPlanName": f"eff-plan-{i}",
                "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "eff-vault",
                           "Lifecycle": {"DeleteAfterDays": 35}}],
            },
            BackupPlanTags={"gcmod:environment": "development"},
        )  # fmt: skip
        arns.append(p["BackupPlanArn"])
    return arns


def _index_plans(monkeypatch) -> None:
    """Make moto's Tagging API return backup plans, as AWS's GetResources does
    (moto 5.2 indexes only vaults)."""
    from moto.backup.models import BackupBackend
    from moto.core.resource_tagging import TaggedResource

    vaults_only = BackupBackend.iter_tagged_resources

    def with_plans(self):
        yield from vaults_only(self)
        for plan in self.plans.values():
            yield TaggedResource(
                arn=plan.backup_plan_arn,
                tags=self.tagger.get_tag_dict_for_resource(plan.backup_plan_arn),
                resource_type="backup:backup-plan",
            )

    monkeypatch.setattr(BackupBackend, "iter_tagged_resources", with_plans)


def test_plan_tags_need_no_per_plan_call_when_the_tagging_api_returns_them(
    monkeypatch,
) -> None:
    _plans(4)
    _index_plans(monkeypatch)
    counter, shared = CallCounter(), SharedCache()
    list(ops.backup_vaults.collect(_ctx(counter, shared=shared)))
    plans = list(ops.backup_plans.collect(_ctx(counter, shared=shared)))
    assert {p.tags["gcmod:environment"] for p in plans} == {"development"}
    assert "backup.ListTags" not in counter.calls
    assert counter.calls["resourcegroupstaggingapi.GetResources"] == 1  # vaults and plans
    assert counter.calls["backup.GetBackupPlan"] == 4  # no batch form: declared
    assert set(ops.backup_plans.per_parent) == {"backup.GetBackupPlan", "backup.ListTags"}


def test_plans_the_tagging_api_misses_fall_back_to_list_tags() -> None:
    _plans(3)  # moto's Tagging API does not index plans
    counter = CallCounter()
    plans = list(ops.backup_plans.collect(_ctx(counter)))
    assert {p.tags["gcmod:environment"] for p in plans} == {"development"}
    assert counter.calls["backup.ListTags"] == 3


# ---------------------------------------------------------------------------
# Collection gaps closed
# ---------------------------------------------------------------------------
def test_account_public_access_block_silences_sec020() -> None:
    s3 = boto3.client("s3", region_name=HOME)
    s3.create_bucket(Bucket="eff-open", CreateBucketConfiguration={"LocationConstraint": HOME})

    def flagged() -> list[str]:
        counter = CallCounter()
        nodes = list(ops.s3_buckets.collect(_ctx(counter)))
        nodes += list(ops.account_public_access_block.collect(_ctx(counter)))
        report = check_graph(_graph(nodes))
        return [v.resource_name for v in report.by_rule("GCM-SEC-020") if v.mandatory]

    assert flagged() == ["eff-open"]
    flags = dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
    )
    boto3.client("s3control", region_name=HOME).put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration=flags
    )
    counter = CallCounter()
    (node,) = ops.account_public_access_block.collect(_ctx(counter))
    assert node.type == "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
    assert node.inputs["blockPublicPolicy"] is True and node.inputs["accountId"] == ACCOUNT
    assert counter.calls == {"s3control.GetPublicAccessBlock": 1}
    assert list(ops.account_public_access_block.collect(_ctx(counter, OSAKA))) == []
    assert flagged() == []


def test_vault_with_the_aws_managed_key_has_no_kms_key_arn(monkeypatch) -> None:
    from moto.kms.utils import RESERVED_ALIASE_TARGET_KEY_IDS

    # AWS lists alias/aws/backup once AWS Backup has made its managed key; moto 5.2
    # lists other AWS managed aliases only.
    monkeypatch.setitem(
        RESERVED_ALIASE_TARGET_KEY_IDS, "alias/aws/backup", "0b5c9d3e-1f2a-4b6c-8d7e-9f0a1b2c3d4e"
    )
    kms = boto3.client("kms", region_name=HOME)
    managed = next(
        a["TargetKeyId"]
        for a in kms.list_aliases()["Aliases"]
        if a["AliasName"] == "alias/aws/backup"
    )
    custom = kms.create_key()["KeyMetadata"]["Arn"]
    backup = boto3.client("backup", region_name=HOME)
    backup.create_backup_vault(
        BackupVaultName="eff-managed",
        EncryptionKeyArn=f"arn:aws:kms:{HOME}:{ACCOUNT}:key/{managed}",
    )
    backup.create_backup_vault(BackupVaultName="eff-custom", EncryptionKeyArn=custom)
    counter = CallCounter()
    vaults = {v.name: v for v in ops.backup_vaults.collect(_ctx(counter))}
    assert "kmsKeyArn" not in vaults["eff-managed"].inputs
    assert vaults["eff-custom"].inputs["kmsKeyArn"] == custom
    assert counter.calls["kms.ListAliases"] == 1
    assert "kms.DescribeKey" not in counter.calls
    report = check_graph(
        _graph(vaults.values()), config={"gcm-sec-021": {"requireCustomerKeyForVaults": True}}
    )
    assert [v.resource_name for v in report.by_rule("GCM-SEC-021")] == ["eff-managed"]


def test_global_cluster_is_collected_once_and_flagged_as_warm_standby() -> None:
    boto3.client("rds", region_name=HOME).create_global_cluster(
        GlobalClusterIdentifier="eff-global", Engine="aurora-postgresql"
    )
    nodes = list(data.rds_global_clusters.collect(_ctx(CallCounter())))
    assert [n.type for n in nodes] == ["aws:rds/globalCluster:GlobalCluster"]
    assert list(data.rds_global_clusters.collect(_ctx(CallCounter(), OSAKA))) == []
    report = check_graph(_graph(nodes))
    assert [v.resource_name for v in report.by_rule("GCM-DR-001") if v.mandatory] == ["eff-global"]


def test_scalable_target_tags_not_collected_are_unknown_not_missing() -> None:
    _ecs(services=1, task_defs=1)
    boto3.client("application-autoscaling", region_name=HOME).register_scalable_target(
        ServiceNamespace="ecs", ResourceId="service/eff/svc-0",
        ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=2,
    )  # fmt: skip
    counter = CallCounter()
    (target,) = data.scalable_targets.collect(_ctx(counter))
    assert "application-autoscaling.ListTagsForResource" not in counter.calls
    report = check_graph(_graph([target]))
    (v,) = report.by_rule("GCM-TAG-001")
    assert v.unknown and not v.mandatory
    assert v.unknown_at == ".tags"
    # The audit says what it did not collect, not the engine's "during preview".
    msg = finding_message(Finding("123456789012", HOME, v, Waste(None, "n/a")))
    assert msg.en == "could not decide: .tags was not collected by the audit"
    assert ".tags" in msg.ja and "収集できなかった" in msg.ja
    assert "preview" in v.message.en and "プレビュー" in v.message.ja


# ---------------------------------------------------------------------------
# Accounting in the run's output, declarations in the IAM policy
# ---------------------------------------------------------------------------
def test_run_reports_per_page_and_per_parent_calls() -> None:
    _buckets(2)
    cols = [ops.s3_buckets, ops.account_public_access_block]
    result = run_audit(single_account_scope(_session(), (HOME,), HOME), collectors=cols,
                       catalog=False)  # fmt: skip
    calls = to_json(result)["apiCalls"]
    assert calls["perParent"] == 4
    assert calls["perPage"] + calls["perParent"] == calls["total"]
    assert calls["perParentByOperation"]["s3.GetPublicAccessBlock"]["calls"] == 2
    footer = table(result).splitlines()
    assert any(
        line.startswith("API calls:") and "4 per parent" in line and "s3.GetPublicAccessBlock 2"
        in line for line in footer
    )  # fmt: skip
    assert any("親リソース単位 4 回" in line for line in table(result, "ja").splitlines())
    page = html_report(result, "en")
    assert f"{calls['perPage']} per page, 4 per parent resource" in page
    assert "s3.GetPublicAccessBlock 2" in page
    assert "親リソース単位 4 回" in html_report(result, "ja")


def test_every_declared_call_is_read_only_and_in_the_policy() -> None:
    actions = set(audit_actions())
    for needed in ("s3:GetAccountPublicAccessBlock", "kms:ListAliases",
                   "rds:DescribeGlobalClusters", "tag:GetResources"):  # fmt: skip
        assert needed in actions
    assert "s3:GetBucketTagging" not in actions
    for col in all_collectors():
        for op, why in col.per_parent.items():
            _, _, name = op.partition(".")
            assert name.startswith(("Describe", "List", "Get")), op
            assert " one " in why and len(why) > 40, (col.name, op)


# ---------------------------------------------------------------------------
# Assumed-role credentials refresh before they expire
# ---------------------------------------------------------------------------
def test_assumed_role_credentials_are_refreshed_near_expiry() -> None:
    counter = CallCounter()
    session = assume_role_session(_session(), f"arn:aws:iam::{ACCOUNT}:role/audit", counter)
    creds = session.get_credentials()
    first = creds.get_frozen_credentials().access_key
    assert counter.calls == {"sts.AssumeRole": 1}
    # Still fresh: no new AssumeRole.
    session.client("ec2", region_name=HOME).describe_vpcs()
    assert counter.calls["sts.AssumeRole"] == 1
    # An hour later: within botocore's refresh window, the next call assumes the role again.
    creds._expiry_time = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    session.client("ec2", region_name=HOME).describe_vpcs()
    assert counter.calls["sts.AssumeRole"] == 2
    assert creds.get_frozen_credentials().access_key != first


def test_scope_sessions_for_member_accounts_refresh_too() -> None:
    counter = CallCounter()
    target = AccountTarget(
        "222222222222", role_arn="arn:aws:iam::222222222222:role/audit", base_session=_session()
    )
    scope = Scope((HOME,), HOME, [target], "audit")
    session = scope.accounts[0].get_session(counter)
    creds = session.get_credentials()
    assert creds.method == "sts-assume-role" and creds.refresh_needed() is False
    creds._expiry_time = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert creds.refresh_needed() is True
    creds.get_frozen_credentials()
    assert counter.calls["sts.AssumeRole"] == 2 and creds.refresh_needed() is False
