"""Storage rules: volume type, capacity for today, S3 lifecycle, public access, encryption.

Guidance: the Digital Agency's cost-optimisation approach guide
(「ガバメントクラウドの適切な利用によるコスト最適化のアプローチガイド」 v1.0, 2025-03-24), lever 4 "storage type and capacity" (right type; capacity
for today, not five years ahead, because cloud storage grows on demand), the
estimate checklist (見積チェックリスト, 2025-04: storage sized for current data),
and the source deck (2025-10) that summarises both.

Declaring the data size: tag a volume, an EC2 instance, a launch template or an
RDS instance with ``gcmod:data-gb`` (:data:`DATA_GB_TAG`), the data it holds
today in GB (e.g. ``"120"``). GCM-STO-002 compares the provisioned size with
it. Without the tag only an absolute ceiling (``maxUndeclaredGb``) applies.

The helpers at the top (:func:`peek`, :func:`each`, :func:`env_setting`, ...)
are shared with :mod:`gcmod.policies.rules.backup`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from gcmod.policies.model import Ctx, Finding, Res, Setting, Text, rule
from gcmod.policies.rulekit import (
    ENV_JA,
    GUIDE_JA,
    UNKNOWN,
    each,
    items,
    known,
    peek,
    truthy,
)
from gcmod.terminology import ja_join

# ---------------------------------------------------------------------------
# Resource types
# ---------------------------------------------------------------------------
EBS_VOLUME = "aws:ebs/volume:Volume"
EC2_INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
BACKUP_VAULT = "aws:backup/vault:Vault"
S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
S3_LIFECYCLES = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
S3_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
S3_ACLS = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")
S3_POLICY = "aws:s3/bucketPolicy:BucketPolicy"

#: Tag declaring the data a volume or database holds today, in GB.
DATA_GB_TAG = "gcmod:data-gb"
#: Tag naming what a bucket is for (``logs``, ``backup``, ``archive``, ...).
PURPOSE_TAG = "gcmod:purpose"

# ---------------------------------------------------------------------------
# AWS facts
# ---------------------------------------------------------------------------
#: gp3 provisions 3,000-16,000 IOPS per volume (EC2 API Reference, CreateVolume
#: ``Iops``: "gp3: 3,000 - 16,000 IOPS"; checked 2026-11). Below this io1/io2
#: buys nothing gp3 cannot give, at a higher price per GB and per IOPS.
GP3_MAX_IOPS = 16000
#: RDS gp3 storage provisions up to 64,000 IOPS (RDS User Guide, "Amazon RDS DB
#: instance storage", gp3 storage table, for Db2, MariaDB, MySQL, Oracle and
#: PostgreSQL; checked 2026-11).
RDS_GP3_MAX_IOPS = 64000
#: RDS gp3 lets you provision IOPS above the 3,000 baseline only from 400 GiB
#: (MariaDB, MySQL, PostgreSQL; RDS User Guide, gp3 storage; checked 2026-11).
RDS_GP3_PROVISIONED_IOPS_MIN_GB = 400
RDS_GP3_BASELINE_IOPS = 3000
#: Largest IOPS-to-GiB ratio: io1 50:1 for EBS (EC2 User Guide, "Provisioned
#: IOPS SSD volumes") and RDS (CreateDBInstance ``Iops``: "a multiple between
#: .5 and 50 of the storage amount"); io2 allows more, 500:1 is a conservative
#: bound for both (checked 2026-11). A volume this large is needed for its IOPS.
MAX_IOPS_PER_GB = {"io1": 50, "io2": 500}
#: RDS io1/io2 storage starts at 100 GiB (RDS User Guide, Provisioned IOPS SSD
#: storage; checked 2026-11).
RDS_PIOPS_MIN_GB = 100
#: EC2 CreateVolume's ``VolumeType`` default is gp2 (EC2 API Reference and the
#: pulumi-aws ``ebs.Volume`` docs: "Default: gp2"; checked 2026-11).
EBS_DEFAULT_TYPE = "gp2"
#: Previous-generation or costlier-than-needed general purpose types.
OLD_TYPES = ("gp2", "standard")
PIOPS_TYPES = ("io1", "io2")
#: Canned ACLs that open a bucket beyond its account (S3 User Guide, "Canned
#: ACL"; ``authenticated-read`` is any AWS account; checked 2026-11).
PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


# ---------------------------------------------------------------------------
# Helpers (also used by backup.py)
# ---------------------------------------------------------------------------
def env_setting(ctx: Ctx, name: str, res: Res) -> Any:
    """A per-environment setting for ``res``'s environment; an override that
    leaves an environment out falls back to the default for it."""
    env = ctx.environment(res)
    table = ctx.setting(name)
    if isinstance(table, Mapping) and env in table:
        return table[env]
    return next(s.default for s in ctx.rule.settings if s.name == name)[env]


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words of a name (``saas-prod-logs`` -> saas, prod, logs)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


def matches_keyword(texts: Iterable[Any], keywords: Iterable[str]) -> str | None:
    """The first keyword one of ``texts`` names: a whole word, or the start or
    end of a word for keywords of four letters or more (``alblogs``, ``cloudtrail``)."""
    kws = [k.lower() for k in keywords if isinstance(k, str) and k]
    for text in texts:
        if not isinstance(text, str):
            continue
        for word in words(text):
            for k in kws:
                if word == k or (len(k) >= 4 and (word.startswith(k) or word.endswith(k))):
                    return k
    return None


def depends_on(res: Res, target: Res, match_input: str, target_input: str) -> bool:
    """``res`` configures ``target``: it depends on it, or its ``match_input`` equals
    ``target``'s known ``target_input`` (a name set in code)."""
    if any(d.urn == target.urn for d in res.dependencies):
        return True
    mine, theirs = peek(res, match_input), peek(target, target_input)
    return isinstance(mine, str) and isinstance(theirs, str) and mine == theirs


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _what(res: Res) -> str:
    return {
        EBS_VOLUME: "EBS volume",
        EC2_INSTANCE: "EC2 instance",
        LAUNCH_TEMPLATE: "launch template",
        LAUNCH_CONFIGURATION: "launch configuration",
        RDS_INSTANCE: "RDS instance",
        RDS_CLUSTER: "RDS cluster",
        EFS_FILE_SYSTEM: "EFS file system",
        BACKUP_VAULT: "backup vault",
    }.get(res.type, res.type)


def _what_ja(res: Res) -> str:
    return {
        EBS_VOLUME: "EBS ボリューム",
        EC2_INSTANCE: "EC2 インスタンス",
        LAUNCH_TEMPLATE: "起動テンプレート",
        LAUNCH_CONFIGURATION: "起動設定",
        RDS_INSTANCE: "RDS インスタンス",
        RDS_CLUSTER: "RDS クラスター",
        EFS_FILE_SYSTEM: "EFS ファイルシステム",
        BACKUP_VAULT: "バックアップボールト",
    }.get(res.type, res.type)


def _volume_id(device: Mapping[str, Any]) -> str:
    """`` vol-...`` when a deployed device names its volume (the audit), else ''."""
    vid = peek(device, "volumeId")
    return f" {vid}" if isinstance(vid, str) and vid else ""


def block_devices(res: Res) -> list[tuple[str, str, Mapping[str, Any]]]:
    """(English label, Japanese label, settings) of each block device an EC2
    instance, launch configuration or launch template declares."""
    out: list[tuple[str, str, Mapping[str, Any]]] = []
    if res.type in (EC2_INSTANCE, LAUNCH_CONFIGURATION):
        root = res.get("rootBlockDevice")
        if isinstance(root, Mapping):
            vid = _volume_id(root)
            out.append((f"root volume{vid}", f"ルートボリューム{vid}", root))
        for i, dev in enumerate(items(res.get("ebsBlockDevices"))):
            if isinstance(dev, Mapping):
                name = (dev.get("deviceName") or f"#{i}") + _volume_id(dev)
                out.append((f"EBS device {name}", f"EBS デバイス {name}", dev))
    elif res.type == LAUNCH_TEMPLATE:
        for i, mapping in enumerate(items(res.get("blockDeviceMappings"))):
            ebs = mapping.get("ebs") if isinstance(mapping, Mapping) else None
            if isinstance(ebs, Mapping):
                name = mapping.get("deviceName") or f"#{i}"
                out.append((f"block device {name}", f"ブロックデバイス {name}", ebs))
    return out


# ---------------------------------------------------------------------------
# GCM-STO-001 gp3
# ---------------------------------------------------------------------------
@rule(
    id="GCM-STO-001",
    title=Text(
        en="Block storage is gp3 unless the IOPS need more",
        ja="ブロックストレージは gp3 を使う (IOPS 要件がある場合を除く)",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="storage",
    resource_types=(
        EBS_VOLUME,
        EC2_INSTANCE,
        LAUNCH_TEMPLATE,
        LAUNCH_CONFIGURATION,
        RDS_INSTANCE,
        RDS_CLUSTER,
    ),
    rationale=Text(
        en="The Digital Agency's cost-optimisation guide (v1.0, 2025-03-24), lever 4, asks for "
        "the right storage type; the source deck (2025-10) repeats it. gp3 is the current "
        "general purpose SSD: 3,000 IOPS and 125 MiB/s are included at any size, and it costs "
        "less per GB than gp2. Provisioned IOPS volumes (io1/io2) charge for every provisioned "
        "IOPS and pay off only beyond what gp3 can deliver (16,000 IOPS per EBS volume, 64,000 "
        "on RDS). Magnetic 'standard' is a previous generation.",
        ja=f"{GUIDE_JA} の施策4は適切なストレージ種別の"
        "選択を求めており、資料 (2025年10月) も同じ点を挙げている。gp3 は現行の汎用 SSD で、容量に"
        "かかわらず 3,000 IOPS・125 MiB/s が含まれ、GB 単価も gp2 より安い。プロビジョンド IOPS "
        "(io1/io2) は IOPS ごとに課金され、gp3 の上限 (EBS 1 ボリューム 16,000 IOPS、RDS 64,000 "
        "IOPS) を超える性能が必要な場合にのみ見合う。磁気ディスク (standard) は旧世代である。",
    ),
    remediation=Text(
        en="Set the volume type (EBS type, volumeType, RDS storageType) to gp3; provision extra "
        "IOPS or throughput on gp3 if measurements need them. Keep io1/io2 only for a measured "
        "need above the gp3 maximum (setting minProvisionedIops / minProvisionedIopsRds).",
        ja="ボリューム種別 (EBS の `type`、volumeType、RDS の storageType) を gp3 にする。"
        "実測で必要なら gp3 で IOPS やスループットを追加する。io1/io2 は gp3 の上限を超える実測の"
        "必要がある場合に限る (設定 minProvisionedIops / minProvisionedIopsRds)。",
    ),
    settings=(
        Setting(
            "minProvisionedIops",
            "number",
            GP3_MAX_IOPS,
            "io1/io2 EBS volumes are accepted only from this many provisioned IOPS (the gp3 "
            "maximum per volume, 16,000).",
        ),
        Setting(
            "minProvisionedIopsRds",
            "number",
            RDS_GP3_MAX_IOPS,
            "io1/io2 RDS storage is accepted only from this many provisioned IOPS (the RDS gp3 "
            "maximum, 64,000).",
        ),
    ),
)
def storage_type(res: Res, ctx: Ctx) -> Iterator[Finding]:
    rds = res.type in (RDS_INSTANCE, RDS_CLUSTER)
    floor = ctx.setting("minProvisionedIopsRds" if rds else "minProvisionedIops")
    # (en label, ja label, type, iops)
    volumes: list[tuple[str, str, Any, Any]] = []
    if res.type == EBS_VOLUME:
        volumes.append(("", "", res.get("type") or EBS_DEFAULT_TYPE, res.get("iops")))
    elif res.type == RDS_INSTANCE:
        iops = res.get("iops")
        # No storageType: RDS picks io1 when iops is set, otherwise gp3 (RDS API
        # Reference, CreateDBInstance StorageType default; checked 2026-11).
        volumes.append(("", "", res.get("storageType") or ("io1" if iops else "gp3"), iops))
    elif res.type == RDS_CLUSTER:
        kind = res.get("storageType")  # aurora / aurora-iopt1 / Multi-AZ DB cluster types
        if kind in (*OLD_TYPES, *PIOPS_TYPES):
            volumes.append(("", "", kind, res.get("iops")))
    else:
        for en, ja, dev in block_devices(res):
            kind = dev.get("volumeType")
            if kind:  # none given: the AMI's block device mapping decides
                volumes.append((f" {en}", f" の{ja}", kind, dev.get("iops")))
    for en, ja, kind, iops in volumes:
        kind = str(kind).lower()
        if kind in OLD_TYPES:
            yield Finding(
                Text(
                    en=f"{_what(res)} {res.name}{en} uses {kind}; use gp3 (cheaper per GB, "
                    "3,000 IOPS included)",
                    ja=f"{_what_ja(res)} {res.name}{ja} は {kind} です。gp3 を使ってください "
                    "(GB 単価が安く 3,000 IOPS を含む)",
                )
            )
        elif kind in PIOPS_TYPES and not (_num(iops) is not None and _num(iops) >= floor):
            have = f"{_num(iops):g} IOPS" if _num(iops) is not None else "no IOPS given"
            have_ja = f"{_num(iops):g} IOPS" if _num(iops) is not None else "IOPS 指定なし"
            yield Finding(
                Text(
                    en=f"{_what(res)} {res.name}{en} uses {kind} with {have}; provisioned IOPS "
                    f"storage is allowed only from {floor:g} IOPS, use gp3 below that",
                    ja=f"{_what_ja(res)} {res.name}{ja} は {kind} ({have_ja}) です。プロビジョンド "
                    f"IOPS は {floor:g} IOPS 以上の場合のみ認められます。それ未満は gp3 を"
                    "使ってください",
                )
            )


# ---------------------------------------------------------------------------
# GCM-STO-002 capacity for today
# ---------------------------------------------------------------------------
def _provisioned(res: Res) -> tuple[float | None, float]:
    """(provisioned GB or None when not given, GB needed anyway for IOPS or minimums)."""
    if res.type == EBS_VOLUME:
        size, kind, iops = res.get("size"), res.get("type") or EBS_DEFAULT_TYPE, res.get("iops")
        needed = 0.0
        if kind in MAX_IOPS_PER_GB and _num(iops):
            needed = _num(iops) / MAX_IOPS_PER_GB[kind]
        return _num(size), needed
    if res.type == RDS_INSTANCE:
        size, iops = res.get("allocatedStorage"), _num(res.get("iops"))
        kind = res.get("storageType") or ("io1" if iops else "gp3")
        needed = 0.0
        if kind in MAX_IOPS_PER_GB:
            needed = max(RDS_PIOPS_MIN_GB, (iops or 0) / MAX_IOPS_PER_GB[kind])
        elif kind == "gp3" and iops and iops > RDS_GP3_BASELINE_IOPS:
            needed = RDS_GP3_PROVISIONED_IOPS_MIN_GB
        return _num(size), needed
    sizes = [_num(dev.get("volumeSize")) for _, _, dev in block_devices(res)]
    known = [s for s in sizes if s is not None]
    return (sum(known) if known else None), 0.0


@rule(
    id="GCM-STO-002",
    title=Text(
        en="Storage is sized for the data held today",
        ja="ストレージ容量は現在のデータ量に見合っている",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="storage",
    resource_types=(EBS_VOLUME, EC2_INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION, RDS_INSTANCE),
    rationale=Text(
        en="The cost-optimisation guide (v1.0, 2025-03-24), lever 4, and the estimate checklist "
        "(2025-04) ask for capacity sized for the current data, not for five years ahead: cloud "
        "storage grows on demand (EBS volumes and RDS storage can be enlarged online, RDS storage "
        "autoscaling grows it automatically), while provisioned GB are billed every month "
        "whether used or not.",
        ja=f"{GUIDE_JA} の施策4と見積チェックリスト (2025年4月) は、"
        "5年先ではなく現在のデータ量に見合う容量を求めている。クラウドのストレージは必要に応じて"
        "拡張でき (EBS も RDS もオンラインで拡張可能、RDS はストレージ自動スケーリングも可能)、"
        "確保した容量は使っていなくても毎月課金される。",
    ),
    remediation=Text(
        en=f"Declare the data held today with the tag {DATA_GB_TAG} (GB) and provision at most "
        "overProvisionFactor times it; grow the volume when monitoring shows it filling up "
        "(on RDS set maxAllocatedStorage for storage autoscaling).",
        ja=f"現在のデータ量をタグ {DATA_GB_TAG} (GB) で宣言し、その overProvisionFactor 倍以内で"
        "確保する。使用量を監視し、足りなくなったら拡張する (RDS は maxAllocatedStorage で"
        "ストレージ自動スケーリングを設定する)。",
    ),
    settings=(
        Setting(
            "overProvisionFactor",
            "number",
            2.0,
            f"Largest provisioned size as a multiple of the declared data ({DATA_GB_TAG}).",
        ),
        Setting(
            "maxUndeclaredGb",
            "number",
            500,
            f"Largest size (GB) accepted without a {DATA_GB_TAG} declaration.",
        ),
        Setting(
            "minAllowanceGb",
            "number",
            50,
            "Sizes up to this (GB) are never flagged: boot volumes and engine minimums cost "
            "little.",
        ),
    ),
)
def storage_capacity(res: Res, ctx: Ctx) -> Iterator[Finding]:
    size, needed = _provisioned(res)
    if size is None:
        return
    floor = max(float(ctx.setting("minAllowanceGb")), needed)
    declared_raw = res.tags.get(DATA_GB_TAG)
    if declared_raw is None:
        limit = max(float(ctx.setting("maxUndeclaredGb")), needed)
        if size > limit:
            yield Finding(
                Text(
                    en=f"{_what(res)} {res.name} provisions {size:g} GB with no {DATA_GB_TAG} "
                    f"tag; above {limit:g} GB declare the data held today",
                    ja=f"{_what_ja(res)} {res.name} は {size:g} GB を確保していますが、タグ "
                    f"{DATA_GB_TAG} がありません。{limit:g} GB を超える場合は現在のデータ量を"
                    "宣言してください",
                )
            )
        return
    try:
        declared = float(str(declared_raw).strip())
    except ValueError:
        declared = -1.0
    if declared < 0:
        yield Finding(
            Text(
                en=f"{_what(res)} {res.name}: tag {DATA_GB_TAG}={declared_raw!s} is not a number "
                "of GB",
                ja=f"{_what_ja(res)} {res.name}: タグ {DATA_GB_TAG}={declared_raw!s} は GB 単位の"
                "数値ではありません",
            )
        )
        return
    factor = float(ctx.setting("overProvisionFactor"))
    limit = max(factor * declared, floor)
    if size > limit:
        yield Finding(
            Text(
                en=f"{_what(res)} {res.name} provisions {size:g} GB for {declared:g} GB of "
                f"declared data; at most {limit:g} GB ({factor:g}x) is allowed",
                ja=f"{_what_ja(res)} {res.name} は宣言データ量 {declared:g} GB に対して "
                f"{size:g} GB を確保しています。上限は {limit:g} GB ({factor:g} 倍) です",
            )
        )


# ---------------------------------------------------------------------------
# GCM-STO-003 lifecycle on buckets holding logs, backups, dumps or archives
# ---------------------------------------------------------------------------
S3_OBJECTS = ("aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2")
S3_LOGGINGS = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
_LBS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
#: What writes logs, backups or exports into a bucket: type -> (input naming the
#: bucket, gate input that must be truthy or equal to the value given, English
#: and Japanese description). pulumi-aws input names; the bucket is named by
#: name, ARN (``arn:aws:s3:::name[/prefix]``) or domain (``name.s3.amazonaws.com``).
DELIVERIES: dict[str, tuple[tuple[str, tuple[str, Any] | None, str, str], ...]] = {
    **{lb: (("accessLogs.bucket", ("accessLogs.enabled", True),
             "access logs of load balancer", "ロードバランサーのアクセスログ"),
            ("connectionLogs.bucket", ("connectionLogs.enabled", True),
             "connection logs of load balancer", "ロードバランサーの接続ログ"))
       for lb in _LBS},
    "aws:cloudtrail/trail:Trail": (
        ("s3BucketName", None, "CloudTrail trail", "CloudTrail 証跡"),),
    "aws:ec2/flowLog:FlowLog": (
        ("logDestination", ("logDestinationType", "s3"), "VPC flow log", "VPC フローログ"),),
    **{t: (("targetBucket", None, "S3 server access logging", "S3 サーバーアクセスログ"),)
       for t in S3_LOGGINGS},
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": (
        ("extendedS3Configuration.bucketArn", None, "Firehose delivery stream",
         "`Firehose` 配信ストリーム"),
        ("s3Configuration.bucketArn", None, "Firehose delivery stream",
         "`Firehose` 配信ストリーム")),
    "aws:cloudfront/distribution:Distribution": (
        ("loggingConfig.bucket", None, "CloudFront access logs", "CloudFront アクセスログ"),),
    "aws:cfg/deliveryChannel:DeliveryChannel": (
        ("s3BucketName", None, "AWS Config delivery channel", "AWS Config 配信チャネル"),),
    "aws:rds/exportTask:ExportTask": (
        ("s3BucketName", None, "RDS snapshot export", "RDS スナップショットのエクスポート"),),
    "aws:dynamodb/tableExport:TableExport": (
        ("s3Bucket", None, "DynamoDB table export", "DynamoDB テーブルのエクスポート"),),
}  # fmt: skip


def _rule_ages_out(r: Any, inline: bool) -> bool:
    """A lifecycle rule that is enabled and expires or transitions current objects."""
    if not isinstance(r, Mapping):
        return False
    if inline:
        if not truthy(peek(r, "enabled")):
            return False
    elif str(peek(r, "status", "")).lower() != "enabled":
        return False
    exp = peek(r, "expiration")
    exps = items(exp) if not isinstance(exp, Mapping) else [exp]
    for e in exps:
        if isinstance(e, Mapping) and (peek(e, "days") or peek(e, "date")):
            return True
    return bool(items(peek(r, "transitions")))


def bucket_name_in(value: str) -> str:
    """The bucket a known reference names: a name, an ARN
    (``arn:<partition>:s3:::name[/prefix]``), an ``s3://`` URL or a domain
    (``name.s3.amazonaws.com``, ``name.s3.<region>.amazonaws.com``)."""
    v = value.strip()
    if v.startswith("arn:") and ":s3:::" in v:
        v = v.split(":s3:::", 1)[1]
    elif v.startswith("s3://"):
        v = v[5:]
    return v.split("/", 1)[0].split(".s3", 1)[0]


class BucketIndex:
    """The stack's buckets by URN and by known name, to find in one lookup the
    bucket(s) an input names (stack rules stay linear in the stack's size)."""

    def __init__(self, resources: Sequence[Res]) -> None:
        self.buckets = [r for r in resources if r.type in S3_BUCKETS]
        self.by_urn = {b.urn: b for b in self.buckets}
        self.by_name: dict[str, Res] = {}
        for b in self.buckets:
            name = known(b, "bucket")
            if isinstance(name, str) and name:
                self.by_name.setdefault(name, b)

    def named_by(self, res: Res, path: str) -> list[Res]:
        """Buckets ``res``'s input at ``path`` names: by a known value, or, unknown
        before deployment, through the engine's property dependencies of its
        top-level input (else, where the runner sends none, its dependencies)."""
        value = peek(res, path)
        if value is None:
            return []
        if isinstance(value, str):
            found = self.by_name.get(bucket_name_in(value))
            return [found] if found is not None else []
        if res.property_dependencies:
            deps = res.property_dependencies.get(path.split(".", 1)[0], [])
        else:
            deps = res.dependencies
        return [self.by_urn[d.urn] for d in deps if d.urn in self.by_urn]

    def configured_by(self, res: Res) -> list[Res]:
        """Buckets a per-bucket configuration (``bucket`` input) applies to: named
        by its ``bucket`` input, or any bucket it depends on (as :func:`depends_on`)."""
        found = {b.urn: b for b in self.named_by(res, "bucket")}
        for d in res.dependencies:
            if d.urn in self.by_urn:
                found.setdefault(d.urn, self.by_urn[d.urn])
        return list(found.values())

    def group(self, configs: Sequence[Res]) -> dict[str, list[Res]]:
        """Bucket URN -> the ``configs`` that apply to it."""
        out: dict[str, list[Res]] = {}
        for c in configs:
            for b in self.configured_by(c):
                out.setdefault(b.urn, []).append(c)
        return out


def _gate_open(res: Res, gate: tuple[str, Any] | None) -> bool:
    if gate is None:
        return True
    value = peek(res, gate[0])
    if gate[1] is True:
        return truthy(value) or value is UNKNOWN
    return value is UNKNOWN or str(value).lower() == str(gate[1]).lower()


def _keyword_in(text: Any, keywords: Sequence[str]) -> str | None:
    """:func:`matches_keyword`, plus keywords in Japanese matched as substrings."""
    word = matches_keyword([text], [k for k in keywords if k.isascii()])
    if word is None and isinstance(text, str):
        word = next((k for k in keywords if not k.isascii() and k in text), None)
    return word


def written_evidence(
    index: BucketIndex, resources: Sequence[Res], ctx: Ctx
) -> dict[str, tuple[str, str]]:
    """Bucket URN -> (English, Japanese) evidence from what writes into it: dump
    objects, another bucket's server access logging, a log or export delivery (the
    first found, in that order; one pass over the stack)."""
    out: dict[str, tuple[str, str]] = {}
    suffixes = tuple(s.lower() for s in ctx.setting("objectSuffixes"))
    for obj in (r for r in resources if r.type in S3_OBJECTS):
        key = known(obj, "key")
        if isinstance(key, str) and key.lower().endswith(suffixes):
            for b in index.named_by(obj, "bucket"):
                out.setdefault(b.urn, (f"object {key}", f"オブジェクト {key}"))
    for src in index.buckets:
        paths = [f"loggings.{i}.targetBucket" for i in range(len(items(peek(src, "loggings"))))]
        for path in (*paths, "logging.targetBucket"):
            for b in index.named_by(src, path):
                if b is not src:
                    out.setdefault(b.urn, (f"S3 server access logging of bucket {src.name}",
                                           f"バケット {src.name} の S3 サーバーアクセスログ"))  # fmt: skip
    for r in (r for r in resources if r.type in DELIVERIES):
        for path, gate, en, ja in DELIVERIES[r.type]:
            if _gate_open(r, gate):
                for b in index.named_by(r, path):
                    out.setdefault(
                        b.urn, (f"destination of {en} {r.name}", f"{ja} {r.name} の出力先")
                    )
    return out


def holding_evidence(
    bucket: Res, written: Mapping[str, tuple[str, str]], ctx: Ctx
) -> tuple[str, str] | None:
    """(English, Japanese) evidence that ``bucket`` holds logs, backups, dumps or
    archives, in the documented order, or None: its names, its tags, then what
    writes into it (``written``, from :func:`written_evidence`). See the rule's
    rationale."""
    keywords = [k for k in ctx.setting("keywords") if isinstance(k, str) and k]
    for text in (bucket.name, peek(bucket, "bucket"), peek(bucket, "bucketPrefix")):
        word = _keyword_in(text, keywords)
        if word is not None:
            return f"'{word}' in its name", f"名前に「{word}」"
    purpose = known(bucket, f"tags.{PURPOSE_TAG}")
    if isinstance(purpose, str):
        return f"{PURPOSE_TAG}={purpose}", f"{PURPOSE_TAG}={purpose}"
    tags = peek(bucket, "tags")
    tag_keys = {str(k).lower() for k in ctx.setting("purposeTagKeys")}
    if isinstance(tags, Mapping):
        for key in list(tags):
            if str(key).lower() not in tag_keys:
                continue
            value = known(bucket, f"tags.{key}")
            word = _keyword_in(value, keywords)
            if word is not None:
                return f"tag {key}={value}", f"タグ {key}={value}"
    return written.get(bucket.urn)


@rule(
    id="GCM-STO-003",
    title=Text(
        en="Buckets holding logs, backups, dumps or archives have lifecycle rules",
        ja="ログ・バックアップ・ダンプ・アーカイブを保存する S3 バケットにライフサイクルルールがある",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="storage",
    scope="stack",
    rationale=Text(
        en="The guide (v1.0, 2025-03-24) asks to define which logs and backups are needed and "
        "for how long, and to keep the minimum (lever 4 and the log retention lever; source "
        "deck 2025-10). A bucket of logs, backups, database dumps or exports without a "
        "lifecycle rule keeps every object in S3 Standard forever, so its bill only grows. "
        "A bucket counts as holding them on any of this evidence, checked in this order: a "
        "keyword (setting keywords: log, backup, dump, export, snapshot, archive, バックアップ, "
        "...) in its logical name, bucket name or prefix; a gcmod:purpose tag; a keyword in "
        "the value of a purpose-like tag (setting purposeTagKeys: Name, Purpose, Usage, ...); "
        "an object in it whose key ends in a dump or backup suffix (setting objectSuffixes: "
        ".dump, .bak, .sql.gz, ...); being the target of another bucket's server access "
        "logging; being the destination of load balancer access logs, a CloudTrail trail, VPC "
        "flow logs, a Firehose stream, CloudFront logs, an AWS Config delivery channel, an RDS "
        "snapshot export or a DynamoDB table export. Peers: checkov CKV2_AWS_61 ('Ensure that "
        "an S3 bucket has a lifecycle configuration') and Cloud Custodian's s3 resource with "
        "the lifecycle filter / configure-lifecycle action.",
        ja="ガイド (v1.0, 2025年3月24日) は必要なログとバックアップおよびその保存期間を定め、最小限を"
        "保管するよう求めている (施策4とログ保存、資料 2025年10月)。ライフサイクルルールのない"
        "ログ・バックアップ・データベースのダンプ・エクスポート用バケットは全オブジェクトを S3 標準に"
        "永久に保存し、費用は増え続ける。次の根拠のいずれか (この順に確認) があれば対象とする: "
        "論理名・バケット名・接頭辞のキーワード (設定 `keywords`: `log`、`backup`、`dump`、`export`、"
        "`snapshot`、`archive`、バックアップなど)、gcmod:purpose タグ、用途を表すタグ (設定 "
        "`purposeTagKeys`: `Name`、`Purpose`、`Usage` 等) の値のキーワード、ダンプ・バックアップの拡張子 "
        "(設定 `objectSuffixes`: `.dump`、`.bak`、`.sql.gz` 等) で終わるキーのオブジェクト、他のバケットの "
        "S3 サーバーアクセスログの出力先、ロードバランサーのアクセスログ・CloudTrail 証跡・VPC "
        "フローログ・`Firehose` 配信ストリーム・CloudFront のログ・`AWS Config` 配信チャネル・RDS "
        "スナップショットのエクスポート・DynamoDB テーブルのエクスポートの出力先。同様の検査: "
        "`checkov` CKV2_AWS_61、`Cloud Custodian` の s3 リソース (lifecycle フィルター / "
        "configure-lifecycle アクション)。",
    ),
    remediation=Text(
        en="Add an s3.BucketLifecycleConfiguration for the bucket with an enabled rule that "
        "expires objects at the end of their retention and moves older ones to cheaper storage "
        "classes (gcmod's ManagedLogging archive does this).",
        ja="バケットに s3.BucketLifecycleConfiguration を追加し、保存期間の終わりにオブジェクトを"
        "削除 (expiration) し、古いものを安価なストレージクラスへ移行 (transition) する有効な"
        "ルールを設定する (gcmod の ManagedLogging のアーカイブはこの構成)。",
    ),
    settings=(
        Setting(
            "keywords",
            "array",
            [
                "log",
                "logs",
                "logging",
                "backup",
                "backups",
                "archive",
                "archives",
                "audit",
                "trail",
                "dump",
                "dumps",
                "export",
                "exports",
                "snapshot",
                "snapshots",
                "バックアップ",
                "ログ",
                "ダンプ",
                "アーカイブ",
                "エクスポート",
            ],
            "Words in a bucket's name or in a purpose-like tag value that mark it as holding "
            "logs, backups, dumps or archives (ASCII words match whole words or word starts/"
            "ends; Japanese ones match anywhere).",
        ),
        Setting(
            "purposeTagKeys",
            "array",
            ["Name", "Purpose", "Usage", "Role", "Description", "Contents", "用途"],
            "Tag keys (case-insensitive) whose values are searched for the keywords.",
        ),
        Setting(
            "objectSuffixes",
            "array",
            [".bak", ".backup", ".dump", ".dmp", ".sql", ".sql.gz", ".sql.bz2", ".sql.zst"],
            "Object key endings (case-insensitive) that mark a bucket's objects as dumps or "
            "backups.",
        ),
    ),
)
def bucket_lifecycle(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    index = BucketIndex(resources)
    lifecycles = index.group([r for r in resources if r.type in S3_LIFECYCLES])
    written = written_evidence(index, resources, ctx)

    def check(bucket: Res) -> Iterator[Finding]:
        evidence = holding_evidence(bucket, written, ctx)
        if evidence is None:
            return
        if any(_rule_ages_out(r, True) for r in items(peek(bucket, "lifecycleRules"))):
            return
        for lc in lifecycles.get(bucket.urn, ()):
            if any(_rule_ages_out(r, False) for r in items(lc.get("rules"))):
                return
        why, why_ja = evidence
        yield Finding(
            Text(
                en=f"S3 bucket {bucket.name} holds logs/backups ({why}) but no enabled lifecycle "
                "rule expires or transitions its objects; add a BucketLifecycleConfiguration "
                "with an expiration or transition",
                ja=f"S3 バケット {bucket.name} はログ・バックアップ用 ({why_ja}) ですが、オブジェクトを"
                "削除または移行する有効なライフサイクルルールがありません。expiration または "
                "transition を持つ BucketLifecycleConfiguration を追加してください",
            ),
            bucket.urn,
        )

    yield from each((r for r in resources if r.type in S3_BUCKETS), check)


# ---------------------------------------------------------------------------
# GCM-STO-004 versioned buckets expire noncurrent versions
# ---------------------------------------------------------------------------
S3_VERSIONINGS = (
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
)


def _versioned_by(bucket: Res, versionings: Sequence[Res]) -> str | None:
    """What turns versioning on for ``bucket`` (for the message), or None.
    Unknown values the decision needs raise."""
    if truthy(bucket.get("versioning.enabled")):
        return "versioning.enabled"
    if any(truthy(peek(v, "enabled")) for v in items(peek(bucket, "versionings"))):
        return "versionings"
    if truthy(peek(bucket, "objectLockEnabled")):
        return "objectLockEnabled (Object Lock needs versioning)"
    for v in versionings:  # the versioning configurations of this bucket
        if str(v.get("versioningConfiguration.status") or "").lower() == "enabled":
            return v.name
    return None


def _noncurrent_days(rule_: Any, inline: bool) -> list[float]:
    """Days after which an enabled lifecycle rule expires noncurrent versions."""
    if not isinstance(rule_, Mapping):
        return []
    enabled = truthy(rule_.get("enabled")) if inline else (
        str(rule_.get("status") or "").lower() == "enabled"
    )  # fmt: skip
    if not enabled:
        return []
    out: list[float] = []
    for key in ("noncurrentVersionExpiration", "noncurrentVersionExpirations"):
        value = rule_.get(key)
        for exp in [value] if isinstance(value, Mapping) else items(value):
            if not isinstance(exp, Mapping):
                continue
            days = _num(exp.get("noncurrentDays")) or _num(exp.get("days"))
            if days:
                out.append(days)
    return out


@rule(
    id="GCM-STO-004",
    title=Text(
        en="Versioned buckets expire noncurrent versions",
        ja="バージョニングを有効にしたバケットで旧バージョンを削除している",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="storage",
    scope="stack",
    rationale=Text(
        en="With versioning on, every overwrite and delete keeps the previous object as a "
        "noncurrent version, billed like any object until a lifecycle rule expires it (S3 "
        "User Guide, 'Retaining multiple versions of objects with S3 Versioning' and "
        "'Lifecycle configuration elements', NoncurrentVersionExpiration; checked 2026-12). "
        "Without such a rule a versioned bucket's bill only grows. The guide (v1.0, "
        "2025-03-24), lever 4, asks for capacity for today and retention with a reason. "
        "Peers flag the same: the AWS Config managed rule / AWS Guard rule "
        "s3-version-lifecycle-policy-check, and Cloud Custodian's s3 resource (versioning "
        "and lifecycle filters).",
        ja="バージョニングを有効にすると、上書きや削除のたびに以前のオブジェクトが旧バージョン"
        "(`noncurrent`) として残り、ライフサイクルルールで削除するまで通常のオブジェクトと同様に"
        "課金される (S3 ユーザーガイド「S3 バージョニング」「ライフサイクル設定の要素」"
        f"NoncurrentVersionExpiration)。そのルールがないとバケットの費用は増え続ける。{GUIDE_JA} "
        "の施策4は現在に見合う容量と理由のある保存期間を求めている。同じ点を `AWS Config` マネージド"
        "ルール / `AWS Guard` ルール s3-version-lifecycle-policy-check、`Cloud Custodian` の s3 "
        "リソース (`versioning`・`lifecycle` フィルター) も検出する。",
    ),
    remediation=Text(
        en="Add to the bucket's BucketLifecycleConfiguration an enabled rule with "
        "noncurrentVersionExpiration.noncurrentDays within maxNoncurrentDays (and "
        "expiredObjectDeleteMarker cleanup), or turn versioning off where nothing needs it.",
        ja="バケットの BucketLifecycleConfiguration に、noncurrentVersionExpiration."
        "noncurrentDays が maxNoncurrentDays 以内の有効なルール (削除マーカーの整理を含む) を"
        "追加する。必要のないバケットではバージョニングを無効にする。",
    ),
    settings=(
        Setting(
            "maxNoncurrentDays",
            "object",
            {"production": 400, "staging": 90, "development": 30},
            "Longest time (days) noncurrent object versions may be kept, per environment.",
        ),
    ),
)
def noncurrent_versions(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    index = BucketIndex(resources)
    versionings = index.group([r for r in resources if r.type in S3_VERSIONINGS])
    lifecycles = index.group([r for r in resources if r.type in S3_LIFECYCLES])

    def check(bucket: Res) -> Iterator[Finding]:
        by = _versioned_by(bucket, versionings.get(bucket.urn, []))
        if by is None:
            return
        days = [d for r in items(bucket.get("lifecycleRules")) for d in _noncurrent_days(r, True)]
        for lc in lifecycles.get(bucket.urn, ()):
            days += [d for r in items(lc.get("rules")) for d in _noncurrent_days(r, False)]
        env = ctx.environment(bucket)
        if not days:
            yield Finding(
                Text(
                    en=f"S3 bucket {bucket.name} is versioned ({by}) but no enabled lifecycle rule "
                    "expires noncurrent versions: every overwrite and delete is kept and billed "
                    "forever",
                    ja=f"S3 バケット {bucket.name} はバージョニングが有効 ({by}) ですが、旧バージョンを"
                    "削除する有効なライフサイクルルールがありません。上書き・削除のたびに旧バージョンが"
                    "永久に残り課金されます",
                ),
                bucket.urn,
            )
            return
        cap = _num(ctx.per_environment("maxNoncurrentDays", bucket))
        if cap is not None and min(days) > cap:
            yield Finding(
                Text(
                    en=f"S3 bucket {bucket.name} keeps noncurrent versions {min(days):g} days; "
                    f"the {env} maximum is {cap:g}",
                    ja=f"S3 バケット {bucket.name} は旧バージョンを {min(days):g} 日保存します。"
                    f"{ENV_JA.get(env, env)}環境の上限は {cap:g} 日です",
                ),
                bucket.urn,
            )

    yield from each((r for r in resources if r.type in S3_BUCKETS), check)


# ---------------------------------------------------------------------------
# GCM-SEC-020 public access blocked
# ---------------------------------------------------------------------------
def _all_flags(pab: Res) -> list[str]:
    """Flags of a public access block that are not true (reading them may raise)."""
    return [f for f in PAB_FLAGS if pab.get(f) is not True]


@rule(
    id="GCM-SEC-020",
    title=Text(
        en="S3 buckets block all public access",
        ja="S3 バケットのパブリックアクセスがすべてブロックされている",
    ),
    severity="critical",
    enforcement="mandatory",
    lever="security",
    scope="stack",
    rationale=Text(
        en="Municipal core systems hold residents' personal data; the Government Cloud's "
        "security baseline and the guide's premise (v1.0, 2025-03-24: cost optimisation never "
        "lowers the required security) rule out any public bucket. S3 Block Public Access with "
        "all four settings overrides any ACL or policy that would open a bucket (S3 User Guide, "
        "'Blocking public access to your Amazon S3 storage', checked 2026-11).",
        ja="自治体の基幹業務システムは住民の個人情報を扱う。ガバメントクラウドのセキュリティ基準と"
        "ガイド (v1.0, 2025年3月24日) の前提 (コスト最適化でも必要なセキュリティは下げない) から、"
        "公開バケットは認められない。S3 ブロックパブリックアクセスの4設定をすべて有効にすると、"
        "バケットを公開する ACL やポリシーは無効になる。",
    ),
    remediation=Text(
        en="Add an s3.BucketPublicAccessBlock for every bucket with blockPublicAcls, "
        "blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true (or one "
        "s3.AccountPublicAccessBlock with all four); drop public ACLs and policies; serve "
        "public content through CloudFront with origin access control.",
        ja="全バケットに s3.BucketPublicAccessBlock を追加し、blockPublicAcls・blockPublicPolicy・"
        "ignorePublicAcls・restrictPublicBuckets をすべて true にする (または4設定すべて true の "
        "s3.AccountPublicAccessBlock を1つ置く)。公開 ACL・公開ポリシーは削除する。公開コンテンツ"
        "は CloudFront のオリジンアクセスコントロール経由で配信する。",
    ),
)
def bucket_public_access(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    index = BucketIndex(resources)
    pabs = index.group([r for r in resources if r.type == S3_PUBLIC_ACCESS_BLOCK])
    acls = index.group([r for r in resources if r.type in S3_ACLS])
    account_blocked = False
    for a in (r for r in resources if r.type == S3_ACCOUNT_PUBLIC_ACCESS_BLOCK):
        flags = [peek(a, f) for f in PAB_FLAGS]
        account_blocked = account_blocked or all(f is True for f in flags)

    def check(bucket: Res) -> Iterator[Finding]:
        acl = peek(bucket, "acl")
        if acl in PUBLIC_ACLS:
            yield Finding(
                Text(
                    en=f"S3 bucket {bucket.name} has the public ACL {acl}; use private",
                    ja=f"S3 バケット {bucket.name} に公開 ACL {acl} が設定されています。"
                    "private にしてください",
                ),
                bucket.urn,
            )
        for a in acls.get(bucket.urn, ()):
            a_acl = peek(a, "acl")
            if a_acl in PUBLIC_ACLS:
                yield Finding(
                    Text(
                        en=f"S3 bucket {bucket.name} gets the public ACL {a_acl} from "
                        f"{a.name}; use private",
                        ja=f"S3 バケット {bucket.name} に {a.name} で公開 ACL {a_acl} が設定"
                        "されています。private にしてください",
                    ),
                    bucket.urn,
                )
        if account_blocked:
            return
        mine = pabs.get(bucket.urn, [])
        if not mine:
            yield Finding(
                Text(
                    en=f"S3 bucket {bucket.name} has no BucketPublicAccessBlock; add one with "
                    "all four settings true",
                    ja=f"S3 バケット {bucket.name} に BucketPublicAccessBlock がありません。"
                    "4設定すべて true で追加してください",
                ),
                bucket.urn,
            )
            return
        if all(_all_flags(p) for p in mine):
            off = _all_flags(mine[0])
            yield Finding(
                Text(
                    en=f"S3 bucket {bucket.name}: public access block {mine[0].name} leaves "
                    f"{', '.join(off)} off; all four must be true",
                    ja=f"S3 バケット {bucket.name}: パブリックアクセスブロック {mine[0].name} の "
                    f"{', '.join(off)} が無効です。4設定すべて true にしてください",
                ),
                bucket.urn,
            )

    yield from each((r for r in resources if r.type in S3_BUCKETS), check)


# ---------------------------------------------------------------------------
# GCM-SEC-022 bucket policies do not allow everyone
# ---------------------------------------------------------------------------
#: Condition keys that, with fixed values, make a statement non-public in S3's
#: own terms (S3 API Reference, PublicAccessBlockConfiguration, and S3 User Guide,
#: "The meaning of 'public'": aws:SourceIp CIDRs, aws:SourceArn, aws:SourceVpc,
#: aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, the SSE-KMS key id,
#: aws:userid; checked 2026-12), plus the organisation/account/principal keys that
#: fix who the caller is (IAM User Guide, global condition context keys).
RESTRICTING_CONDITION_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SourceIp", "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceOwner",
        "aws:SourceAccount", "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:userid",
        "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount",
        "aws:PrincipalArn", "aws:SourceOrgID", "aws:SourceOrgPaths",
    )
)  # fmt: skip
_OPEN_CIDRS = ("0.0.0.0/0", "::/0")


def _fixed(value: Any) -> bool:
    """A condition value without wildcards or policy variables (S3: "fixed")."""
    values = items(value) if not isinstance(value, str) else [value]
    return bool(values) and all(
        isinstance(v, str) and v and "*" not in v and "?" not in v and "${" not in v
        and v not in _OPEN_CIDRS
        for v in values
    )  # fmt: skip


def _restricts(condition: Any) -> bool:
    """A statement's Condition limits who can use it (unknown parts raise)."""
    if not isinstance(condition, Mapping):
        return False
    for operator in list(condition):
        op = str(operator).lower().split(":")[-1]
        if op.startswith(("stringnot", "arnnot", "notip", "null", "bool")):
            continue  # negations and flags (aws:SecureTransport) do not say who
        if op.endswith("ifexists"):
            continue  # a request without the key (anonymous, from the internet) passes
        block = condition[operator]
        if not isinstance(block, Mapping):
            continue
        for key in list(block):
            if str(key).lower() in RESTRICTING_CONDITION_KEYS and _fixed(block[key]):
                return True
    return False


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        for kind in ("AWS", "CanonicalUser"):
            value = principal.get(kind)
            if value == "*" or "*" in items(value):
                return True
    return False


def public_statements(policy: Any) -> list[str]:
    """Sids (or ``#index``) of the Allow statements that grant everyone access
    without a restricting condition, in a known policy (a JSON string or an
    object). Unknown parts a decision needs raise UnknownValueError."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return []  # not JSON: AWS rejects it, nothing is granted
    if not isinstance(policy, Mapping):
        return []
    stmts = policy["Statement"] if "Statement" in list(policy) else None
    stmts = [stmts] if isinstance(stmts, Mapping) else items(stmts)
    found: list[str] = []
    for i, s in enumerate(stmts):
        if not isinstance(s, Mapping) or s.get("Effect") != "Allow":
            continue
        keys = list(s)
        to_all = ("NotPrincipal" in keys) or _everyone(s.get("Principal"))
        if to_all and not _restricts(s.get("Condition")):
            sid = peek(s, "Sid")
            found.append(str(sid) if isinstance(sid, str) and sid else f"#{i}")
    return found


def _blocks_public_policies(pab: Res) -> bool:
    """Public access block settings under which no public policy takes effect
    (RestrictPublicBuckets) and none can be put (BlockPublicPolicy)."""
    return peek(pab, "restrictPublicBuckets") is True and peek(pab, "blockPublicPolicy") is True


@rule(
    id="GCM-SEC-022",
    title=Text(
        en="Bucket policies do not allow everyone",
        ja="バケットポリシーで全員 (`Principal *`) に許可していない",
    ),
    severity="critical",
    enforcement="mandatory",
    lever="security",
    scope="stack",
    rationale=Text(
        en="A bucket policy statement that allows Principal '*' (or {'AWS': '*'}, or "
        "NotPrincipal) without a condition fixing the caller's network, account or "
        "organisation opens the bucket to anyone on the internet; municipal systems hold "
        "residents' personal data and the guide (v1.0, 2025-03-24) never trades security for "
        "cost. S3's own definition of a public policy decides which conditions restrict (S3 "
        "User Guide, 'The meaning of \"public\"'; checked 2026-12). Peers flag the same: "
        "checkov CKV_AWS_70 ('Ensure S3 bucket does not allow an action with any Principal'), "
        "the AWS Config managed rules / AWS Guard rules s3-bucket-public-read-prohibited and "
        "s3-bucket-public-write-prohibited, and Cloud Custodian's s3 resource with the "
        "has-statement / cross-account filters. A policy whose text is only known after "
        "deployment (built from the bucket's ARN) is judged by the bucket's public access "
        "block: with blockPublicPolicy and restrictPublicBuckets on, no public statement can "
        "take effect; otherwise the rule says it could not decide.",
        ja="条件 (呼び出し元のネットワーク・アカウント・組織を固定するもの) なしで `Principal '*'` "
        "({'AWS': '*'} や NotPrincipal を含む) に許可するバケットポリシーの記述は、バケットを"
        "インターネット上の誰にでも開放する。自治体のシステムは住民の個人情報を扱い、ガイド (v1.0, "
        "2025年3月24日) はコストのためにセキュリティを下げない。どの条件が制限になるかは S3 自身の"
        "「パブリック」の定義に従う。同じ点を `checkov` CKV_AWS_70、`AWS Config` マネージドルール / "
        "`AWS Guard` ルール s3-bucket-public-read-prohibited・s3-bucket-public-write-prohibited、"
        "`Cloud Custodian` の s3 リソース (has-statement / cross-account フィルター) も検出する。"
        "デプロイ後にしか内容が決まらないポリシー (バケットの ARN から組み立てたもの) は、バケットの"
        "パブリックアクセスブロックで判定する。blockPublicPolicy と restrictPublicBuckets が有効なら"
        "公開の記述は効力を持たない。そうでなければ判定できなかったことを報告する。",
    ),
    remediation=Text(
        en="Name the principals that need access (roles, accounts, service principals with "
        "aws:SourceArn / aws:SourceAccount), or add a condition on aws:SourceVpce, "
        "aws:PrincipalOrgID or the like; serve public content through CloudFront with origin "
        "access control; keep the bucket's public access block all true (GCM-SEC-020).",
        ja="アクセスが必要なプリンシパル (ロール、アカウント、aws:SourceArn / aws:SourceAccount "
        "付きのサービスプリンシパル) を指定するか、aws:SourceVpce・aws:PrincipalOrgID 等の条件を"
        "付ける。公開コンテンツは CloudFront のオリジンアクセスコントロール経由で配信する。バケット"
        "のパブリックアクセスブロックは4設定すべて true にする (GCM-SEC-020)。",
    ),
)
def bucket_policy_not_public(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    index = BucketIndex(resources)
    pabs = index.group([r for r in resources if r.type == S3_PUBLIC_ACCESS_BLOCK])
    account_blocks = any(
        _blocks_public_policies(a)
        for a in resources
        if a.type == S3_ACCOUNT_PUBLIC_ACCESS_BLOCK
    )  # fmt: skip

    def targets(p: Res) -> list[Res]:
        if p.type in S3_BUCKETS:
            return [p]
        return index.configured_by(p)

    def check(p: Res) -> Iterator[Finding]:
        policy = peek(p, "policy")
        if policy is None:
            return
        mine = targets(p)
        if policy is UNKNOWN:
            blocked = account_blocks or (
                bool(mine)
                and all(any(_blocks_public_policies(x) for x in pabs.get(b.urn, ())) for b in mine)
            )
            if not blocked:
                p.get("policy")  # raises: the engine's "can't run" for this policy
            return
        public = public_statements(p.props["policy"])
        if not public:
            return
        on = ", ".join(b.name for b in mine) or str(known(p, "bucket") or "?")
        what = "bucket" if p.type in S3_BUCKETS else "bucket policy"
        what_ja = "バケット" if p.type in S3_BUCKETS else "バケットポリシー"
        yield Finding(
            Text(
                en=f"{what} {p.name} (on {on}): statement {', '.join(public)} allows everyone "
                "(Principal *) without a condition restricting the caller",
                ja=f"{what_ja} {p.name} ({on}): ステートメント {', '.join(public)} が呼び出し元を"
                "制限する条件なしで全員 (`Principal *`) に許可しています",
            ),
            p.urn,
        )

    yield from each((r for r in resources if r.type == S3_POLICY or r.type in S3_BUCKETS), check)


# ---------------------------------------------------------------------------
# GCM-SEC-021 encryption at rest
# ---------------------------------------------------------------------------
@rule(
    id="GCM-SEC-021",
    title=Text(
        en="Data is encrypted at rest",
        ja="保存データが暗号化されている",
    ),
    severity="high",
    enforcement="mandatory",
    lever="security",
    resource_types=(
        EBS_VOLUME,
        EC2_INSTANCE,
        LAUNCH_TEMPLATE,
        LAUNCH_CONFIGURATION,
        RDS_INSTANCE,
        RDS_CLUSTER,
        EFS_FILE_SYSTEM,
        BACKUP_VAULT,
    ),
    rationale=Text(
        en="Residents' personal data must be encrypted at rest on the Government Cloud; the "
        "guide (v1.0, 2025-03-24) optimises cost without lowering security. Encryption with "
        "KMS costs nothing extra on EBS, RDS and EFS, but cannot be turned on for an existing "
        "volume or database without a copy and restore. S3 encrypts every new object with "
        "SSE-S3 by default since 2023-01-05 (S3 User Guide, 'Setting default server-side "
        "encryption behavior'; checked 2026-11), so buckets pass. AWS Backup vaults are always "
        "encrypted, with the AWS managed key when no key is given (AWS Backup Developer Guide, "
        "'Encryption for backups'; checked 2026-11); a customer managed key keeps the copies "
        "restorable and under the municipality's control.",
        ja="ガバメントクラウド上の住民の個人情報は保存時に暗号化しなければならない。ガイド (v1.0, "
        "2025年3月24日) はセキュリティを下げずにコストを最適化するものである。EBS・RDS・EFS の KMS "
        "暗号化は追加料金がないが、既存のボリュームやデータベースには複製と復元なしでは後から有効に"
        "できない。S3 は 2023年1月5日以降すべての新規オブジェクトを既定で SSE-S3 暗号化するため、"
        "バケットは対象外とする。AWS Backup のボールトは常に暗号化され、キー未指定なら AWS マネージド"
        "キーが使われる。カスタマーマネージドキーを使うと、複製の復元可否とキー管理を自らの"
        "管理下に置ける。",
    ),
    remediation=Text(
        en="Set encrypted: true on EBS volumes and block devices (or turn on EBS encryption by "
        "default), storageEncrypted: true on RDS instances and clusters, encrypted: true on EFS, "
        "and give AWS Backup vaults a customer managed KMS key (kmsKeyArn). gcmod's Database "
        "and ManagedBackup components do this.",
        ja="EBS ボリュームとブロックデバイスに encrypted: true (または EBS のデフォルト暗号化を有効化)、"
        "RDS インスタンス・クラスターに storageEncrypted: true、EFS に encrypted: true を設定し、"
        "AWS Backup のボールトにはカスタマーマネージド KMS キー (kmsKeyArn) を指定する。gcmod の "
        "Database と ManagedBackup コンポーネントはこの構成になっている。",
    ),
    settings=(
        Setting(
            "requireCustomerKeyForVaults",
            "boolean",
            True,
            "Require AWS Backup vaults to name a customer managed KMS key (kmsKeyArn).",
        ),
    ),
)
def encryption_at_rest(res: Res, ctx: Ctx) -> Iterator[Finding]:
    def unencrypted(en: str, ja: str, field: str) -> Finding:
        return Finding(
            Text(
                en=f"{_what(res)} {res.name}{en} is not encrypted ({field} is not true); "
                "encrypt it at rest",
                ja=ja_join(f"{_what_ja(res)} {res.name}", ja, "が暗号化されていません")
                + f" ({field} が true ではありません)。保存時暗号化を有効にしてください",
            )
        )

    if res.type == BACKUP_VAULT:
        if ctx.setting("requireCustomerKeyForVaults") and peek(res, "kmsKeyArn") in (None, ""):
            # Present but unknown (a key created in the same program) is a customer key.
            yield Finding(
                Text(
                    en=f"backup vault {res.name} has no kmsKeyArn, so AWS Backup uses the AWS "
                    "managed key; give it a customer managed KMS key",
                    ja=f"バックアップボールト {res.name} に kmsKeyArn がなく、AWS マネージドキーで"
                    "暗号化されます。カスタマーマネージド KMS キーを指定してください",
                )
            )
    elif res.type == EBS_VOLUME:
        from_snapshot = res.get("snapshotId") and res.get("encrypted") is None
        if res.get("encrypted") is not True and not from_snapshot:
            # A volume from a snapshot without `encrypted` follows the snapshot.
            yield unencrypted("", "", "encrypted")
    elif res.type in (RDS_INSTANCE, RDS_CLUSTER):
        # Copies of a snapshot, replicas and Aurora global secondaries inherit the
        # source's encryption when storageEncrypted is left out.
        inherits = ("snapshotIdentifier", "replicateSourceDb", "replicationSourceIdentifier",
                    "globalClusterIdentifier")  # fmt: skip
        if res.get("storageEncrypted") is True:
            return
        if res.get("storageEncrypted") is None and any(peek(res, k) is not None for k in inherits):
            return
        if res.type == RDS_CLUSTER and res.get("engineMode") == "serverless":
            return  # Aurora Serverless v1 clusters are always encrypted
        yield unencrypted("", "", "storageEncrypted")
    elif res.type == EFS_FILE_SYSTEM:
        if res.get("encrypted") is not True:
            yield unencrypted("", "", "encrypted")
    else:
        devices = block_devices(res)
        if res.type in (EC2_INSTANCE, LAUNCH_CONFIGURATION) and not any(
            en == "root volume" for en, _, _ in devices
        ):
            yield unencrypted(" root volume", "のルートボリューム", "rootBlockDevice.encrypted")
        for en, ja, dev in devices:
            if truthy(dev.get("encrypted")):
                continue
            if dev.get("snapshotId") and dev.get("encrypted") is None:
                continue  # encryption follows the snapshot (encrypted cannot be set with it)
            yield unencrypted(f" {en}", ja_join("の", ja), "encrypted")
