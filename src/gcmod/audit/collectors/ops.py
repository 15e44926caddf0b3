"""Operations collectors: CloudWatch Logs, AWS Backup, EventBridge Scheduler, S3.

Inputs use the pulumi_aws argument names (``aws:cloudwatch/logGroup:LogGroup``
``retentionInDays``, ``aws:backup/plan:Plan`` ``rules[].lifecycle.deleteAfter``,
...). Where an API returns no tags with its listing, one tag call per resource
is made and the collector's docstring says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from gcmod.audit.collect import CollectContext, collector, provider_urn
from gcmod.audit.collectors.data import prune, tag_dict
from gcmod.graph import ResourceNode

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BACKUP_VAULT = "aws:backup/vault:Vault"
VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
BACKUP_PLAN = "aws:backup/plan:Plan"
SCHEDULE_GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup"
SCHEDULE = "aws:scheduler/schedule:Schedule"
S3_BUCKET = "aws:s3/bucket:Bucket"
S3_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
S3_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


# ---------------------------------------------------------------------------
# CloudWatch Logs
# ---------------------------------------------------------------------------
@collector(
    "logs.log-groups",
    "logs",
    ["logs:DescribeLogGroups", "tag:GetResources"],
)
def log_groups(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Log groups. DescribeLogGroups returns no tags, so the tags (the
    environment tag sets the retention limit GCM-LOG-001 applies) come from the
    Resource Groups Tagging API, one call per page: calls grow with pages."""
    tagged = ctx.tags_by_arn("logs")
    for g in ctx.paginate("logs", "describe_log_groups", "logGroups"):
        name = g["logGroupName"]
        arn = g.get("logGroupArn") or str(g.get("arn", "")).removesuffix(":*")
        tags = tagged.get(arn, {})
        inputs = {
            "name": name,
            "retentionInDays": g.get("retentionInDays"),
            "kmsKeyId": g.get("kmsKeyId"),
            "logGroupClass": g.get("logGroupClass"),
            "tags": tags,
        }
        yield ctx.node(LOG_GROUP, name, arn, prune(inputs))


# ---------------------------------------------------------------------------
# AWS Backup
# ---------------------------------------------------------------------------
@collector("backup.vaults", "backup", ["backup:ListBackupVaults", "tag:GetResources"])
def backup_vaults(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Backup vaults, and a VaultLockConfiguration node (depending on its vault)
    for each locked one. ListBackupVaults returns no tags: they come from the
    Resource Groups Tagging API, one call per page."""
    tagged = ctx.tags_by_arn("backup")
    for v in ctx.paginate("backup", "list_backup_vaults", "BackupVaultList"):
        name, arn = v["BackupVaultName"], v["BackupVaultArn"]
        tags = tagged.get(arn, {})
        inputs = {"name": name, "kmsKeyArn": v.get("EncryptionKeyArn"), "tags": tags}
        vault = ctx.node(BACKUP_VAULT, name, arn, prune(inputs))
        yield vault
        if v.get("Locked") or v.get("LockDate") or v.get("MinRetentionDays") is not None:
            lock = {
                "backupVaultName": name,
                "minRetentionDays": v.get("MinRetentionDays"),
                "maxRetentionDays": v.get("MaxRetentionDays"),
            }
            yield ctx.node(VAULT_LOCK, f"{name}-lock", f"{arn}/lock", prune(lock), [vault.urn])


def _lifecycle(lc: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not lc:
        return None
    return {
        "deleteAfter": lc.get("DeleteAfterDays"),
        "coldStorageAfter": lc.get("MoveToColdStorageAfterDays"),
        "optInToArchiveForSupportedResources": lc.get("OptInToArchiveForSupportedResources"),
    }


def _vault_arn(ctx: CollectContext, plan_arn: str, vault_name: str) -> str:
    """The ARN of a vault named in a plan (same partition, region and account)."""
    head = plan_arn.split(":backup-plan:", 1)[0]
    return f"{head}:backup-vault:{vault_name}"


@collector(
    "backup.plans",
    "backup",
    ["backup:ListBackupPlans", "backup:GetBackupPlan", "backup:ListTags"],
)
def backup_plans(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Backup plans with their rules. ListBackupPlans returns neither rules nor
    tags, so each plan takes one GetBackupPlan and one ListTags call. A plan
    depends on its target vaults and its copy destinations (ARNs; a vault in
    another region is that region's node)."""
    backup = ctx.client("backup")
    for p in ctx.paginate("backup", "list_backup_plans", "BackupPlansList"):
        arn = p["BackupPlanArn"]
        body = backup.get_backup_plan(BackupPlanId=p["BackupPlanId"]).get("BackupPlan") or {}
        tags = backup.list_tags(ResourceArn=arn).get("Tags") or {}
        deps: list[str] = []
        rules = []
        for r in body.get("Rules") or ():
            vault = r.get("TargetBackupVaultName")
            if vault:
                deps.append(ctx.urn(_vault_arn(ctx, arn, vault)))
            copies = []
            for ca in r.get("CopyActions") or ():
                dest = ca.get("DestinationBackupVaultArn")
                if dest:
                    deps.append(ctx.urn(dest))
                copies.append(
                    {"destinationVaultArn": dest, "lifecycle": _lifecycle(ca.get("Lifecycle"))}
                )
            rules.append(
                {
                    "ruleName": r.get("RuleName"),
                    "targetVaultName": vault,
                    "schedule": r.get("ScheduleExpression"),
                    "scheduleExpressionTimezone": r.get("ScheduleExpressionTimezone"),
                    "startWindow": r.get("StartWindowMinutes"),
                    "completionWindow": r.get("CompletionWindowMinutes"),
                    "enableContinuousBackup": r.get("EnableContinuousBackup"),
                    "lifecycle": _lifecycle(r.get("Lifecycle")),
                    "copyActions": copies,
                    "recoveryPointTags": r.get("RecoveryPointTags"),
                }
            )
        inputs = {"name": body.get("BackupPlanName") or p.get("BackupPlanName"), "rules": rules,
                  "tags": tags}  # fmt: skip
        name = inputs["name"] or p["BackupPlanId"]
        yield ctx.node(BACKUP_PLAN, name, arn, prune(inputs), sorted(set(deps)))


# ---------------------------------------------------------------------------
# EventBridge Scheduler
# ---------------------------------------------------------------------------
def _group_arn(ctx: CollectContext, name: str) -> str:
    return f"arn:aws:scheduler:{ctx.region}:{ctx.account_id}:schedule-group/{name}"


@collector(
    "scheduler.schedule-groups",
    "scheduler",
    ["scheduler:ListScheduleGroups", "scheduler:ListTagsForResource"],
)
def schedule_groups(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Schedule groups other than the implicit ``default`` one. ListScheduleGroups
    returns no tags (gcmod:schedule-horizon-end lives there): one
    ListTagsForResource call per group."""
    scheduler = ctx.client("scheduler")
    for g in ctx.paginate("scheduler", "list_schedule_groups", "ScheduleGroups"):
        name = g["Name"]
        if name == "default":
            continue
        arn = g.get("Arn") or _group_arn(ctx, name)
        tags = tag_dict(scheduler.list_tags_for_resource(ResourceArn=arn).get("Tags"))
        yield ctx.node(SCHEDULE_GROUP, name, arn, prune({"name": name, "tags": tags}))


@collector("scheduler.schedules", "scheduler", ["scheduler:ListSchedules"])
def schedules(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Schedules of every group in one paginated ListSchedules (no GroupName
    filter, so not one call per group). The rules need name, group, state and
    target ARN, which the listing returns; the expression would take a
    GetSchedule per schedule and is not collected."""
    for s in ctx.paginate("scheduler", "list_schedules", "Schedules"):
        group = s.get("GroupName") or "default"
        inputs = {
            "name": s["Name"],
            "groupName": group,
            "state": s.get("State"),
            "target": {"arn": (s.get("Target") or {}).get("Arn")},
        }
        arn = s.get("Arn") or ctx.urn(f"schedule/{group}/{s['Name']}")
        deps = [] if group == "default" else [_group_arn(ctx, group)]
        yield ctx.node(SCHEDULE, f"{group}/{s['Name']}", arn, prune(inputs), deps)


# ---------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------
def _optional(call, missing: str, **kwargs: Any) -> dict[str, Any] | None:
    """``call(**kwargs)``, or None when the bucket has no such configuration."""
    try:
        return call(**kwargs)
    except ClientError as exc:
        if _error_code(exc) == missing:
            return None
        raise


def _lifecycle_rule(r: Mapping[str, Any]) -> dict[str, Any]:
    exp = r.get("Expiration") or {}
    flt = r.get("Filter") or {}
    nce = r.get("NoncurrentVersionExpiration") or {}
    abort = r.get("AbortIncompleteMultipartUpload") or {}
    return {
        "id": r.get("ID"),
        "status": r.get("Status"),
        "filter": {"prefix": flt.get("Prefix")} if "Prefix" in flt else None,
        "expiration": {
            "days": exp.get("Days"),
            "date": str(exp["Date"]) if exp.get("Date") else None,
            "expiredObjectDeleteMarker": exp.get("ExpiredObjectDeleteMarker"),
        },
        "transitions": [
            {"days": t.get("Days"), "storageClass": t.get("StorageClass")}
            for t in r.get("Transitions") or ()
        ],
        "noncurrentVersionExpiration": {"noncurrentDays": nce.get("NoncurrentDays")},
        "abortIncompleteMultipartUpload": {"daysAfterInitiation": abort.get("DaysAfterInitiation")},
    }


def _in_region(node: ResourceNode, ctx: CollectContext, region: str) -> ResourceNode:
    """A node placed in the bucket's own region (behind that region's provider)."""
    if region == ctx.region:
        return node
    provider = None if region == ctx.home_region else provider_urn(region)
    return dataclasses.replace(node, region=region, provider=provider)


@collector(
    "s3.buckets",
    "s3",
    [
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation",
        "s3:GetBucketTagging",
        "s3:GetLifecycleConfiguration",
        "s3:GetBucketPublicAccessBlock",
    ],
)
def s3_buckets(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Buckets, with a BucketLifecycleConfiguration and a BucketPublicAccessBlock
    node (each depending on its bucket) where the bucket has one. Buckets are
    global: collected once, in the home region only, each placed in its own
    region. The API is per bucket for tags, lifecycle and public access block
    (and for the location when ListBuckets does not return BucketRegion): up to
    four calls per bucket."""
    if ctx.region != ctx.home_region:
        return
    s3 = ctx.client("s3")
    for b in ctx.paginate("s3", "list_buckets", "Buckets"):
        name = b["Name"]
        region = b.get("BucketRegion")
        if not region:
            loc = s3.get_bucket_location(Bucket=name).get("LocationConstraint")
            region = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(loc, loc)
        arn = f"arn:aws:s3:::{name}"
        tagging = _optional(s3.get_bucket_tagging, "NoSuchTagSet", Bucket=name) or {}
        bucket = ctx.node(
            S3_BUCKET, name, arn, prune({"bucket": name, "tags": tag_dict(tagging.get("TagSet"))})
        )
        yield _in_region(bucket, ctx, region)
        lc = _optional(
            s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", Bucket=name
        )
        if lc is not None:
            inputs = {"bucket": name, "rules": [_lifecycle_rule(r) for r in lc.get("Rules") or ()]}
            node = ctx.node(S3_LIFECYCLE, f"{name}-lifecycle", f"{arn}#lifecycle", prune(inputs),
                            [bucket.urn])  # fmt: skip
            yield _in_region(node, ctx, region)
        pab = _optional(
            s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", Bucket=name
        )
        if pab is not None:
            cfg = pab.get("PublicAccessBlockConfiguration") or {}
            inputs = {
                "bucket": name,
                "blockPublicAcls": cfg.get("BlockPublicAcls"),
                "blockPublicPolicy": cfg.get("BlockPublicPolicy"),
                "ignorePublicAcls": cfg.get("IgnorePublicAcls"),
                "restrictPublicBuckets": cfg.get("RestrictPublicBuckets"),
            }
            node = ctx.node(S3_PUBLIC_ACCESS_BLOCK, f"{name}-public-access-block",
                            f"{arn}#public-access-block", prune(inputs), [bucket.urn])  # fmt: skip
            yield _in_region(node, ctx, region)
