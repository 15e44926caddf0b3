"""Operations collectors: CloudWatch Logs, AWS Backup, EventBridge Scheduler, S3.

Inputs use the pulumi_aws argument names (``aws:cloudwatch/logGroup:LogGroup``
``retentionInDays``, ``aws:backup/plan:Plan`` ``rules[].lifecycle.deleteAfter``,
...). Where an API returns no tags with its listing, one tag call per resource
is made and the collector's docstring says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from gcmod.audit.collect import CollectContext, collector
from gcmod.audit.collectors.data import prune, tag_dict
from gcmod.graph import ResourceNode

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BACKUP_VAULT = "aws:backup/vault:Vault"
VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_REGION_SETTINGS = "aws:backup/regionSettings:RegionSettings"
SCHEDULE_GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup"
SCHEDULE = "aws:scheduler/schedule:Schedule"
S3_BUCKET = "aws:s3/bucket:Bucket"
S3_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
S3_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
S3_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
S3_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def error_code(exc: ClientError) -> str:
    """The AWS error code of a client error (``NoSuchBucketPolicy``...)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


# ---------------------------------------------------------------------------
# CloudWatch Logs
# ---------------------------------------------------------------------------
def log_group_nodes(ctx: CollectContext) -> list[ResourceNode]:
    """Every log group here as a node, listed once per account and region and
    shared: ``logs.log-groups`` yields them all, ``lambda.functions`` the groups
    its functions write to (GCM-LOG-002 needs them in the same graph). The nodes
    are the same objects the graph holds, so sharing them costs no memory."""

    def fetch() -> list[ResourceNode]:
        tagged = ctx.tags_by_arn("logs")
        out: list[ResourceNode] = []
        for g in ctx.paginate("logs", "describe_log_groups", "logGroups"):
            name = g["logGroupName"]
            arn = g.get("logGroupArn") or str(g.get("arn", "")).removesuffix(":*")
            inputs = {
                "name": name,
                "retentionInDays": g.get("retentionInDays"),
                "kmsKeyId": g.get("kmsKeyId"),
                "logGroupClass": g.get("logGroupClass"),
                "tags": tagged.get(arn, {}),
            }
            out.append(ctx.node(LOG_GROUP, name, arn, prune(inputs)))
        return out

    return ctx.once("logs:group-nodes", fetch)


@collector(
    "logs.log-groups",
    "logs",
    ["logs:DescribeLogGroups", "tag:GetResources"],
)
def log_groups(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Log groups. DescribeLogGroups returns no tags, so the tags (the
    environment tag sets the retention limit GCM-LOG-001 applies) come from the
    Resource Groups Tagging API, one call per page: calls grow with pages."""
    yield from log_group_nodes(ctx)


# ---------------------------------------------------------------------------
# AWS Backup
# ---------------------------------------------------------------------------
#: The alias of the AWS managed key AWS Backup uses when a vault names none.
AWS_BACKUP_KEY_ALIAS = "alias/aws/backup"


def aws_managed_backup_key(ctx: CollectContext) -> str | None:
    """The key id behind ``alias/aws/backup`` here (kms ListAliases, one call per
    page, once per account and region), or None when that key does not exist yet."""
    for a in kms_aliases(ctx):
        if a.get("AliasName") == AWS_BACKUP_KEY_ALIAS and a.get("TargetKeyId"):
            return str(a["TargetKeyId"])
    return None


def kms_aliases(ctx: CollectContext) -> list[dict[str, Any]]:
    """kms ListAliases here (one call per page of 100), once per account and
    region: shared by ``backup.vaults`` (the ``aws/backup`` key) and ``kms.keys``
    (AWS managed keys are the targets of ``alias/aws/*``)."""
    return ctx.once(
        "kms:aliases", lambda: list(ctx.paginate("kms", "list_aliases", "Aliases", Limit=100))
    )


def customer_key(ctx: CollectContext, key_arn: str | None) -> str | None:
    """``key_arn``, or None when it is the AWS managed ``aws/backup`` key (a vault
    created without ``kmsKeyArn`` reports that key's ARN; the Pulumi program that
    made it would not have set one)."""
    if not key_arn:
        return None
    managed = aws_managed_backup_key(ctx)
    if managed and key_arn.rsplit("/", 1)[-1] == managed:
        return None
    return key_arn


@collector(
    "backup.vaults",
    "backup",
    ["backup:ListBackupVaults", "tag:GetResources", "kms:ListAliases"],
)
def backup_vaults(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Backup vaults, and a VaultLockConfiguration node (depending on its vault)
    for each locked one. ListBackupVaults returns no tags: they come from the
    Resource Groups Tagging API, one call per page. A vault encrypted with the AWS
    managed key (told apart by kms ListAliases' ``alias/aws/backup``, one call per
    page per region, not DescribeKey per key) has no ``kmsKeyArn``, as in the
    Pulumi program that would have made it."""
    tagged = ctx.tags_by_arn("backup")
    for v in ctx.paginate("backup", "list_backup_vaults", "BackupVaultList"):
        name, arn = v["BackupVaultName"], v["BackupVaultArn"]
        tags = tagged.get(arn, {})
        key = customer_key(ctx, v.get("EncryptionKeyArn"))
        inputs = {"name": name, "kmsKeyArn": key, "tags": tags}
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


#: Why a per-resource tag call may remain after the Tagging API pages.
_TAG_FALLBACK = (
    "only for a resource the Resource Groups Tagging API pages did not return: in AWS an "
    "untagged one (GetResources returns every tagged resource), everywhere against an "
    "endpoint that does not index the type (moto indexes neither backup plans nor "
    "schedule groups)."
)


@collector(
    "backup.plans",
    "backup",
    ["backup:ListBackupPlans", "backup:GetBackupPlan", "tag:GetResources", "backup:ListTags"],
    per_parent={
        "backup.GetBackupPlan": "ListBackupPlans returns no rules and GetBackupPlan takes "
        "one BackupPlanId per request (AWS Backup API Reference); one call per plan.",
        "backup.ListTags": f"ListTags takes one ResourceArn; {_TAG_FALLBACK}",
    },
)
def backup_plans(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Backup plans with their rules. ListBackupPlans returns no rules, so each
    plan takes one GetBackupPlan call (the API has no batch form). Tags come from
    the Tagging API pages the vault collector also reads (one call per page),
    with ListTags only for a plan those pages did not return. A plan depends on
    its target vaults and its copy destinations (ARNs; a vault in another region
    is that region's node)."""
    backup = ctx.client("backup")
    for p in ctx.paginate("backup", "list_backup_plans", "BackupPlansList"):
        arn = p["BackupPlanArn"]
        body = backup.get_backup_plan(BackupPlanId=p["BackupPlanId"]).get("BackupPlan") or {}
        tags = ctx.tags_of(
            arn, "backup", lambda arn=arn: backup.list_tags(ResourceArn=arn).get("Tags") or {}
        )
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


@collector("backup.region-settings", "backup", ["backup:DescribeRegionSettings"])
def backup_region_settings(ctx: CollectContext) -> Iterator[ResourceNode]:
    """The region's AWS Backup service opt-in (DescribeRegionSettings, one call per
    region): an ``aws:backup/regionSettings:RegionSettings`` node. A database type
    opted out here is silently not backed up by any plan (GCM-BAK-004)."""
    resp = ctx.client("backup").describe_region_settings()
    inputs = {
        "resourceTypeOptInPreference": resp.get("ResourceTypeOptInPreference"),
        "resourceTypeManagementPreference": resp.get("ResourceTypeManagementPreference"),
    }
    arn = f"arn:aws:backup:{ctx.region}:{ctx.account_id}:region-settings"
    yield ctx.node(BACKUP_REGION_SETTINGS, f"backup-settings-{ctx.region}", arn, prune(inputs))


# ---------------------------------------------------------------------------
# EventBridge Scheduler
# ---------------------------------------------------------------------------
def _group_arn(ctx: CollectContext, name: str) -> str:
    return f"arn:aws:scheduler:{ctx.region}:{ctx.account_id}:schedule-group/{name}"


@collector(
    "scheduler.schedule-groups",
    "scheduler",
    ["scheduler:ListScheduleGroups", "tag:GetResources", "scheduler:ListTagsForResource"],
    per_parent={
        "scheduler.ListTagsForResource": f"ListTagsForResource takes one ResourceArn; "
        f"{_TAG_FALLBACK}",
    },
)
def schedule_groups(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Schedule groups other than the implicit ``default`` one. ListScheduleGroups
    returns no tags (gcmod:schedule-horizon-end lives there): they come from the
    Tagging API, one call per page, with ListTagsForResource only for a group
    those pages did not return."""
    scheduler = ctx.client("scheduler")

    def own_tags(arn: str) -> dict[str, str]:
        return tag_dict(scheduler.list_tags_for_resource(ResourceArn=arn).get("Tags"))

    for g in ctx.paginate("scheduler", "list_schedule_groups", "ScheduleGroups"):
        name = g["Name"]
        if name == "default":
            continue
        arn = g.get("Arn") or _group_arn(ctx, name)
        tags = ctx.tags_of(arn, "scheduler", lambda arn=arn: own_tags(arn))
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
        if error_code(exc) == missing:
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


def buckets_here(ctx: CollectContext) -> list[tuple[str, str]]:
    """(name, ARN) of the buckets in this region: ListBuckets with ``BucketRegion``
    (one call per page), once per account and region, shared by the S3 collectors."""

    def fetch() -> list[tuple[str, str]]:
        out = []
        for b in ctx.paginate("s3", "list_buckets", "Buckets", BucketRegion=ctx.region):
            name = b["Name"]
            arn = b.get("BucketArn") or f"arn:aws:s3:::{name}"
            if not arn.startswith("arn:aws:s3:::"):
                arn = f"arn:aws:s3:::{name}"
            out.append((name, arn))
        return out

    return ctx.once("s3:buckets", fetch)


@collector(
    "s3.buckets",
    "s3",
    [
        "s3:ListAllMyBuckets",
        "tag:GetResources",
        "s3:GetLifecycleConfiguration",
        "s3:GetBucketPublicAccessBlock",
    ],
    per_parent={
        "s3.GetBucketLifecycleConfiguration": "GetBucketLifecycleConfiguration takes one "
        "Bucket per request and no listing returns lifecycle rules (S3 API Reference); one "
        "call per bucket.",
        "s3.GetPublicAccessBlock": "GetPublicAccessBlock takes one Bucket per request (S3 API "
        "Reference); one call per bucket (the account-level block is one call per account, "
        "collector s3.account-public-access-block).",
    },
)
def s3_buckets(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Buckets of this region, with a BucketLifecycleConfiguration and a
    BucketPublicAccessBlock node (each depending on its bucket) where the bucket
    has one.

    ListBuckets with ``BucketRegion`` set to the audited region (one call per page
    of buckets, in every audited region) gives each bucket's region without a
    GetBucketLocation per bucket; buckets in regions outside the audit's scope
    are not read, as for every other resource; the listing is shared with
    ``s3.bucket-versioning`` and ``s3.bucket-policies``. Tags come from the Resource
    Groups Tagging API (one call per page, no GetBucketTagging per bucket).
    Lifecycle and public access block have no batch form: one call per bucket
    each (declared per-parent calls)."""
    s3 = ctx.client("s3")
    buckets = buckets_here(ctx)
    if not buckets:
        return
    tagged = ctx.tags_by_arn("s3")
    for name, arn in buckets:
        tags = tagged.get(arn, {})
        bucket = ctx.node(S3_BUCKET, name, arn, prune({"bucket": name, "tags": tags}))
        yield bucket
        lc = _optional(
            s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", Bucket=name
        )
        if lc is not None:
            inputs = {"bucket": name, "rules": [_lifecycle_rule(r) for r in lc.get("Rules") or ()]}
            yield ctx.node(S3_LIFECYCLE, f"{name}-lifecycle", f"{arn}#lifecycle", prune(inputs),
                           [bucket.urn])  # fmt: skip
        pab = _optional(
            s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", Bucket=name
        )
        if pab is not None:
            inputs = {"bucket": name, **_pab_flags(pab)}
            yield ctx.node(S3_PUBLIC_ACCESS_BLOCK, f"{name}-public-access-block",
                           f"{arn}#public-access-block", prune(inputs), [bucket.urn])  # fmt: skip


def _pab_flags(resp: Mapping[str, Any]) -> dict[str, Any]:
    cfg = resp.get("PublicAccessBlockConfiguration") or {}
    return {
        "blockPublicAcls": cfg.get("BlockPublicAcls"),
        "blockPublicPolicy": cfg.get("BlockPublicPolicy"),
        "ignorePublicAcls": cfg.get("IgnorePublicAcls"),
        "restrictPublicBuckets": cfg.get("RestrictPublicBuckets"),
    }


@collector(
    "s3.account-public-access-block",
    "s3control",
    ["s3:GetAccountPublicAccessBlock"],
)
def account_public_access_block(ctx: CollectContext) -> Iterator[ResourceNode]:
    """The account's S3 Block Public Access (s3control GetPublicAccessBlock), one
    call per account, in the home region: an
    ``aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock`` node, which
    GCM-SEC-020 honours for every bucket. None when the account has none."""
    if ctx.region != ctx.home_region:
        return
    s3control = ctx.client("s3control")
    resp = _optional(
        s3control.get_public_access_block,
        "NoSuchPublicAccessBlockConfiguration",
        AccountId=ctx.account_id,
    )
    if resp is None:
        return
    inputs = {"accountId": ctx.account_id, **_pab_flags(resp)}
    urn = f"arn:aws:s3::{ctx.account_id}:account-public-access-block"
    yield ctx.node(S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, f"{ctx.account_id}-s3-public-access-block",
                   urn, prune(inputs))  # fmt: skip


@collector(
    "s3.bucket-versioning",
    "s3",
    ["s3:ListAllMyBuckets", "s3:GetBucketVersioning"],
    per_parent={
        "s3.GetBucketVersioning": "GetBucketVersioning takes one Bucket per request and no "
        "listing returns a bucket's versioning state (S3 API Reference); one call per bucket.",
    },
)
def s3_bucket_versioning(ctx: CollectContext) -> Iterator[ResourceNode]:
    """A BucketVersioning node (depending on its bucket) for each bucket of this
    region whose versioning was ever turned on (``Enabled`` or ``Suspended``); a
    bucket never versioned has none, as in a Pulumi program that sets none.
    GCM-STO-004 joins it with the bucket's lifecycle rules (``s3.buckets``).
    One GetBucketVersioning per bucket: the API has no batch form (declared
    per-parent call); the bucket listing is shared with ``s3.buckets``."""
    s3 = ctx.client("s3")
    for name, arn in buckets_here(ctx):
        resp = s3.get_bucket_versioning(Bucket=name)
        if not resp.get("Status"):
            continue
        inputs = {
            "bucket": name,
            "versioningConfiguration": {
                "status": resp["Status"],
                "mfaDelete": resp.get("MFADelete"),
            },
        }
        yield ctx.node(S3_VERSIONING, f"{name}-versioning", f"{arn}#versioning", prune(inputs),
                       [ctx.urn(arn)])  # fmt: skip


@collector(
    "s3.bucket-policies",
    "s3",
    ["s3:ListAllMyBuckets", "s3:GetBucketPolicy"],
    per_parent={
        "s3.GetBucketPolicy": "GetBucketPolicy takes one Bucket per request and no listing "
        "returns bucket policies (S3 API Reference); one call per bucket.",
    },
)
def s3_bucket_policies(ctx: CollectContext) -> Iterator[ResourceNode]:
    """A BucketPolicy node (``policy``: the policy's JSON text, depending on its
    bucket) for each bucket of this region that has a policy; GCM-SEC-022 reads
    its statements. One GetBucketPolicy per bucket: the API has no batch form
    (declared per-parent call); the bucket listing is shared with ``s3.buckets``."""
    s3 = ctx.client("s3")
    for name, arn in buckets_here(ctx):
        resp = _optional(s3.get_bucket_policy, "NoSuchBucketPolicy", Bucket=name)
        if not resp or not resp.get("Policy"):
            continue
        inputs = {"bucket": name, "policy": resp["Policy"]}
        yield ctx.node(S3_POLICY, f"{name}-policy", f"{arn}#policy", inputs, [ctx.urn(arn)])
