"""Backup and DR rules: managed, bounded backups; backup-only DR (構成C) copied to Osaka.

Guidance: the Digital Agency's cost-optimisation approach guide
(「ガバメントクラウドの適切な利用によるコスト最適化のアプローチガイド」 v1.0, 2025-03-24): lever 3 (backup as a managed service, not self-built
scripts), lever 4 (incremental rather than full backups, a justified
frequency and retention) and lever 5 (DR: backup-only, 構成C, instead of warm
standby 構成B or active/active 構成A), the estimate checklist (2025-04) and the
source deck (2025-10). Backup-only DR still meets the non-functional
requirement standard's A.1.4.1 (restart within one month after a large
disaster), A.3.1.1 (rebuild with the same configuration, here from the same
code) and A.3.2.1 (off-site backup in one remote location).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from gcmod.policies.evidence import in_stack_region
from gcmod.policies.model import Ctx, Finding, Res, Setting, Text, rule
from gcmod.policies.rulekit import GUIDE_JA, UNKNOWN, each, env_ja, items, peek
from gcmod.policies.rules.storage import (
    BACKUP_VAULT,
    EBS_VOLUME,
    EC2_INSTANCE,
    EFS_FILE_SYSTEM,
    LAUNCH_CONFIGURATION,
    LAUNCH_TEMPLATE,
    RDS_CLUSTER,
    RDS_INSTANCE,
    depends_on,
    env_setting,
)
from gcmod.reference import DR_REGION
from gcmod.terminology import ja_join

BACKUP_PLAN = "aws:backup/plan:Plan"
VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
REGION_SETTINGS = "aws:backup/regionSettings:RegionSettings"
EBS_SNAPSHOT = "aws:ebs/snapshot:Snapshot"
EBS_SNAPSHOT_COPY = "aws:ebs/snapshotCopy:SnapshotCopy"
RDS_SNAPSHOT = "aws:rds/snapshot:Snapshot"
RDS_SNAPSHOT_COPY = "aws:rds/snapshotCopy:SnapshotCopy"
RDS_CLUSTER_SNAPSHOT = "aws:rds/clusterSnapshot:ClusterSnapshot"
RDS_CLUSTER_SNAPSHOT_COPY = "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy"
DLM_POLICY = "aws:dlm/lifecyclePolicy:LifecyclePolicy"
LAMBDA_FUNCTION = "aws:lambda/function:Function"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
SCHEDULE = "aws:scheduler/schedule:Schedule"
ASG = "aws:autoscaling/group:Group"
SPOT_REQUEST = "aws:ec2/spotInstanceRequest:SpotInstanceRequest"
EC2_FLEET = "aws:ec2/fleet:Fleet"
ECS_CLUSTER = "aws:ecs/cluster:Cluster"
ECS_SERVICE = "aws:ecs/service:Service"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster"
LOAD_BALANCERS = (
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/loadBalancer:LoadBalancer",
    "aws:elb/loadBalancer:LoadBalancer",
)
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
DYNAMODB_TABLE = "aws:dynamodb/table:Table"
DYNAMODB_REPLICA = "aws:dynamodb/tableReplica:TableReplica"

#: gcmod's own AWS Backup component (its resources are the managed service).
MANAGED_BACKUP_TYPE = "gcmod:backup:ManagedBackup"
#: Stores whose data a production backup plan must protect (GCM-DR-002).
DATA_STORES = (RDS_CLUSTER, RDS_INSTANCE, EBS_VOLUME, EFS_FILE_SYSTEM, DYNAMODB_TABLE)

_DR_SETTINGS = (
    Setting(
        "drRegion",
        "string",
        DR_REGION,
        "The remote region that holds backup copies (Osaka for the Government Cloud).",
    ),
)

_KIND = {
    EC2_INSTANCE: ("EC2 instance", "EC2 インスタンス"),
    ASG: ("Auto Scaling group", "Auto Scaling グループ"),
    LAUNCH_TEMPLATE: ("launch template", "起動テンプレート"),
    LAUNCH_CONFIGURATION: ("launch configuration", "起動設定"),
    SPOT_REQUEST: ("spot instance request", "スポットインスタンスリクエスト"),
    EC2_FLEET: ("EC2 fleet", "EC2 フリート"),
    ECS_CLUSTER: ("ECS cluster", "ECS クラスター"),
    ECS_SERVICE: ("ECS service", "ECS サービス"),
    EKS_CLUSTER: ("EKS cluster", "EKS クラスター"),
    RDS_INSTANCE: ("RDS instance", "RDS インスタンス"),
    RDS_CLUSTER: ("RDS cluster", "RDS クラスター"),
    RDS_CLUSTER_INSTANCE: ("RDS cluster instance", "RDS クラスターインスタンス"),
    RDS_GLOBAL_CLUSTER: ("Aurora global database", "Aurora グローバルデータベース"),
    LAMBDA_FUNCTION: ("Lambda function", "Lambda 関数"),
    NAT_GATEWAY: ("NAT gateway", "NAT ゲートウェイ"),
    DYNAMODB_TABLE: ("DynamoDB table", "DynamoDB テーブル"),
    DYNAMODB_REPLICA: ("DynamoDB table replica", "DynamoDB テーブルレプリカ"),
    EBS_VOLUME: ("EBS volume", "EBS ボリューム"),
    EFS_FILE_SYSTEM: ("EFS file system", "EFS ファイルシステム"),
    BACKUP_PLAN: ("backup plan", "バックアッププラン"),
    BACKUP_VAULT: ("backup vault", "バックアップボールト"),
    EBS_SNAPSHOT: ("EBS snapshot", "EBS スナップショット"),
    EBS_SNAPSHOT_COPY: ("EBS snapshot copy", "EBS スナップショットのコピー"),
    RDS_SNAPSHOT: ("RDS snapshot", "RDS スナップショット"),
    RDS_SNAPSHOT_COPY: ("RDS snapshot copy", "RDS スナップショットのコピー"),
    RDS_CLUSTER_SNAPSHOT: ("RDS cluster snapshot", "RDS クラスタースナップショット"),
    RDS_CLUSTER_SNAPSHOT_COPY: ("RDS cluster snapshot copy", "RDS クラスタースナップショットのコピー"),
    DLM_POLICY: ("Data Lifecycle Manager policy", "Data Lifecycle Manager ポリシー"),
    EVENT_RULE: ("EventBridge rule", "EventBridge ルール"),
    EVENT_TARGET: ("EventBridge target", "EventBridge ターゲット"),
    SCHEDULE: ("EventBridge Scheduler schedule", "EventBridge Scheduler スケジュール"),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("ElastiCache replication group",
                                                           "ElastiCache レプリケーショングループ"),
    "aws:elasticache/cluster:Cluster": ("ElastiCache cluster", "ElastiCache クラスター"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("VPC endpoint", "VPC エンドポイント"),
    "aws:ec2/eip:Eip": ("Elastic IP", "Elastic IP"),
    "aws:opensearch/domain:Domain": ("OpenSearch domain", "OpenSearch ドメイン"),
    **{t: ("load balancer", "ロードバランサー") for t in LOAD_BALANCERS},
}  # fmt: skip


def kind(res: Res) -> tuple[str, str]:
    """(English, Japanese) name of a resource's kind."""
    return _KIND.get(res.type, (res.type, res.type))


# ---------------------------------------------------------------------------
# GCM-BAK-001 retention within bounds
# ---------------------------------------------------------------------------
@rule(
    id="GCM-BAK-001",
    title=Text(
        en="Backup retention is set and within the environment's bounds",
        ja="バックアップの保存期間が設定され、環境ごとの範囲内にある",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="storage",
    resource_types=(BACKUP_PLAN,),
    rationale=Text(
        en="The cost-optimisation guide (v1.0, 2025-03-24), lever 4, and the estimate checklist "
        "(2025-04) ask for a justified backup frequency and retention; the source deck "
        "(2025-10) lists over-specified backups among the causes of higher costs. A recovery "
        "point without deleteAfter is kept forever. The production minimum (7 days) keeps a "
        "recovery point from before the longest office closure (the 29 Dec - 3 Jan break) so "
        "the one-business-day RPO of the non-functional standard can still be met after it; "
        "the maximum (400 days, a fiscal year and a month) covers year-end audits. Records the "
        "law requires for years belong in the business system's own data and archives, not in "
        "backups. Non-production holds test data and needs days, not months.",
        ja=f"{GUIDE_JA} の施策4と見積チェックリスト (2025年4月) "
        "はバックアップの頻度と保存期間の妥当性を求めており、資料 (2025年10月) は過剰なバック"
        "アップをコスト増の一因に挙げている。deleteAfter のない復旧ポイントは永久に残る。本番の"
        "下限 (7日) は最長の閉庁期間 (12月29日〜1月3日) より前の復旧ポイントを残し、閉庁明けでも"
        "非機能要求の RPO (1営業日前) を満たすため、上限 (400日 = 1会計年度と1か月) は年度末の"
        "監査に対応するためである。法令で長期保存が必要な記録は業務システム自身のデータや"
        "アーカイブで保存し、バックアップで代替しない。本番以外はテストデータであり、数か月では"
        "なく数日の保存で足りる。",
    ),
    remediation=Text(
        en="Give every backup plan rule and copy action a lifecycle.deleteAfter within the "
        "bounds (gcmod: backup.retentionDays and dr.retentionDays).",
        ja="バックアッププランの各ルールとコピーアクションに範囲内の lifecycle.deleteAfter を設定"
        "する (gcmod: backup.retentionDays と dr.retentionDays)。",
    ),
    settings=(
        Setting(
            "minRetentionDays",
            "object",
            {"production": 7, "staging": 1, "development": 1},
            "Shortest retention (days) per environment.",
        ),
        Setting(
            "maxRetentionDays",
            "object",
            {"production": 400, "staging": 35, "development": 14},
            "Longest retention (days) per environment.",
        ),
    ),
)
def backup_retention(res: Res, ctx: Ctx) -> Iterator[Finding]:
    lo = float(env_setting(ctx, "minRetentionDays", res))
    hi = float(env_setting(ctx, "maxRetentionDays", res))
    env = ctx.environment(res)
    for i, r in enumerate(items(res.get("rules"))):
        if not isinstance(r, Mapping):
            continue
        name = r.get("ruleName") or f"#{i}"
        targets = [("", "", r.get("lifecycle"))]
        for j, ca in enumerate(items(r.get("copyActions"))):
            if isinstance(ca, Mapping):
                targets.append(
                    (f" copy action #{j}", f" のコピーアクション #{j}", ca.get("lifecycle"))
                )
        for en, ja, lifecycle in targets:
            days = lifecycle.get("deleteAfter") if isinstance(lifecycle, Mapping) else None
            where_en = f"backup plan {res.name} rule {name}{en}"
            where_ja = f"バックアッププラン {res.name} のルール {name}{ja}"
            if not days:
                yield Finding(
                    Text(
                        en=f"{where_en} keeps recovery points forever (no lifecycle.deleteAfter); "
                        f"{env} allows {lo:g}-{hi:g} days",
                        ja=f"{where_ja} は復旧ポイントを永久に保存します (lifecycle.deleteAfter "
                        f"未設定)。{env_ja(env)}環境の範囲は {lo:g}〜{hi:g} 日です",
                    )
                )
            elif not lo <= days <= hi:
                yield Finding(
                    Text(
                        en=f"{where_en} keeps recovery points {days:g} days; {env} allows "
                        f"{lo:g}-{hi:g} days",
                        ja=f"{where_ja} の保存期間 {days:g} 日は{env_ja(env)}環境の範囲 {lo:g}〜{hi:g} 日の"
                        "外です",
                    )
                )


# ---------------------------------------------------------------------------
# GCM-BAK-002 no self-built snapshot scripts
# ---------------------------------------------------------------------------
_SNAPSHOT_TYPES = (EBS_SNAPSHOT, EBS_SNAPSHOT_COPY, RDS_SNAPSHOT, RDS_SNAPSHOT_COPY,
                   RDS_CLUSTER_SNAPSHOT, RDS_CLUSTER_SNAPSHOT_COPY, DLM_POLICY)  # fmt: skip
_SCRIPT_TYPES = (LAMBDA_FUNCTION, EVENT_RULE, EVENT_TARGET, SCHEDULE)


def _in_managed_backup(res: Res) -> bool:
    """Inside gcmod's ManagedBackup (the URN's type chain names its parents)."""
    parts = res.urn.split("::")
    return len(parts) > 2 and MANAGED_BACKUP_TYPE in parts[2].split("$")


@rule(
    id="GCM-BAK-002",
    title=Text(
        en="Backups run in AWS Backup, not in snapshot scripts",
        ja="バックアップは AWS Backup で取得し、独自のスナップショット処理を作らない",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="managed-services",
    resource_types=_SNAPSHOT_TYPES + _SCRIPT_TYPES,
    rationale=Text(
        en="The cost-optimisation guide (v1.0, 2025-03-24) asks for backup as a managed service "
        "(lever 3) and incremental rather than full backups (lever 4); the estimate checklist "
        "(2025-04) asks for automated operations. Snapshots taken by hand, by Data Lifecycle "
        "Manager or by scheduled functions sit outside the one backup plan: they escape its "
        "retention, vault lock and DR copy, manual RDS and Aurora snapshots are kept until "
        "someone deletes them (RDS User Guide, 'Creating a DB snapshot'; checked 2026-11), and "
        "the scripts are self-built operations to maintain. AWS Backup takes incremental "
        "backups of EBS, EFS and RDS/Aurora under one policy.",
        ja=f"{GUIDE_JA} はバックアップのマネージドサービス化 "
        "(施策3) とフルではなく増分のバックアップ (施策4) を求め、見積チェックリスト (2025年4月) は"
        "運用の自動化を求めている。手動、Data Lifecycle Manager、定期実行の関数で取るスナップ"
        "ショットは一つのバックアッププランの外にあり、保存期間・ボールトロック・DR コピーが効かず、"
        "RDS と Aurora の手動スナップショットは削除するまで残り続け、スクリプトは自前で保守する"
        "運用になる。AWS Backup は EBS・EFS・RDS/Aurora の増分バックアップを一つの方針で取得する。",
    ),
    remediation=Text(
        en="Remove the snapshot resources and scripts; tag the resources for the AWS Backup "
        "plan (gcmod: gcmod:backup=daily selects them for ManagedBackup).",
        ja="スナップショットのリソースとスクリプトを削除し、対象リソースに AWS Backup プランの"
        "タグを付ける (gcmod: `gcmod:backup=daily` で ManagedBackup の対象になる)。",
    ),
    settings=(
        Setting(
            "keywords",
            "array",
            ["snapshot", "backup"],
            "Words in the name, description or target of a Lambda function, EventBridge rule, "
            "target or schedule that mark it as a self-built backup job.",
        ),
    ),
)
def snapshot_scripts(res: Res, ctx: Ctx) -> Iterator[Finding]:
    en_kind, ja_kind = kind(res)
    if res.type in _SNAPSHOT_TYPES:
        yield Finding(
            Text(
                en=f"{en_kind} {res.name} takes snapshots outside AWS Backup; use the AWS "
                "Backup plan (incremental, with retention and DR copy)",
                ja=f"{ja_kind} {res.name} は AWS Backup の外でスナップショットを取得します。"
                "AWS Backup のプラン (増分、保存期間・DR コピー付き) を使ってください",
            )
        )
        return
    if _in_managed_backup(res):
        return
    keywords = [k.lower() for k in ctx.setting("keywords") if isinstance(k, str) and k]
    texts = [res.name, peek(res, "name"), peek(res, "namePrefix"), peek(res, "description"),
             peek(res, "target.arn"), peek(res, "arn")]  # fmt: skip
    for text in texts:
        if not isinstance(text, str):
            continue
        hit = next((k for k in keywords if k in text.lower()), None)
        if hit:
            yield Finding(
                Text(
                    en=f"{en_kind} {res.name} looks like a self-built backup job ('{hit}' in "
                    f"{text!r}); back up with the AWS Backup plan instead",
                    ja=f"{ja_kind} {res.name} は独自のバックアップ処理と見られます ({text!r} に "
                    f"'{hit}')。AWS Backup のプランでバックアップしてください",
                )
            )
            return


# ---------------------------------------------------------------------------
# GCM-BAK-003 production vaults locked, databases deletion-protected
# ---------------------------------------------------------------------------
@rule(
    id="GCM-BAK-003",
    title=Text(
        en="Production backup vaults are locked and databases deletion-protected",
        ja="本番のバックアップボールトはロックされ、データベースは削除保護されている",
    ),
    severity="high",
    enforcement="mandatory",
    lever="reliability",
    scope="stack",
    rationale=Text(
        en="Backup-only DR (構成C, the guide's lever 5, v1.0 2025-03-24) relies on the backups "
        "alone: if they can be deleted early, by mistake or by ransomware, nothing is left to "
        "restart from within the one month of A.1.4.1. AWS Backup Vault Lock refuses deleting "
        "recovery points before their retention ends and refuses lifecycles outside its bounds "
        "(AWS Backup Developer Guide, 'AWS Backup Vault Lock'; checked 2026-11). Deletion "
        "protection stops a production database from being deleted by a stray 'pulumi destroy' "
        "or API call (RDS User Guide, 'Deletion protection'; checked 2026-11).",
        ja="バックアップのみの DR (構成C。2025年3月24日のガイド v1.0 の施策5) はバックアップだけが頼り"
        "である。誤操作やランサムウェアで早期に削除されれば、A.1.4.1 の1か月以内の再開に使うものが"
        "残らない。AWS Backup Vault Lock は保存期間前の復旧ポイント削除と範囲外のライフサイクルを"
        "拒否する。削除保護は誤った `pulumi destroy` や API 呼び出しによる本番データベースの削除を"
        "防ぐ。",
    ),
    remediation=Text(
        en="Add an aws.backup.VaultLockConfiguration for every production vault (gcmod: "
        "vault lock is on in production) and set deletionProtection: true on production RDS "
        "instances and clusters (gcmod: database.deletionProtection).",
        ja="本番の各ボールトに aws.backup.VaultLockConfiguration を追加し (gcmod は本番でボールト"
        "ロックを有効にする)、本番の RDS インスタンス・クラスターに deletionProtection: true を"
        "設定する (gcmod: database.deletionProtection)。",
    ),
)
def production_protection(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    locks = [r for r in resources if r.type == VAULT_LOCK]

    def check(res: Res) -> Iterator[Finding]:
        if ctx.environment(res) != "production":
            return
        en_kind, ja_kind = kind(res)
        if res.type == BACKUP_VAULT:
            if not any(depends_on(lock, res, "backupVaultName", "name") for lock in locks):
                yield Finding(
                    Text(
                        en=f"production backup vault {res.name} has no vault lock; add a "
                        "VaultLockConfiguration",
                        ja=f"本番のバックアップボールト {res.name} にボールトロックがありません。"
                        "VaultLockConfiguration を追加してください",
                    ),
                    res.urn,
                )
        elif res.get("deletionProtection") is not True:
            value = res.get("deletionProtection")
            yield Finding(
                Text(
                    en=f"production {en_kind} {res.name} has deletionProtection "
                    f"{str(value).lower() if value is not None else 'unset'}; it must be true",
                    ja=ja_join("本番の", ja_kind) + f" {res.name} の deletionProtection が "
                    f"{str(value).lower() if value is not None else '未設定'} です。true に"
                    "してください",
                ),
                res.urn,
            )

    yield from each(
        (r for r in resources if r.type in (BACKUP_VAULT, RDS_CLUSTER, RDS_INSTANCE)), check
    )


# ---------------------------------------------------------------------------
# GCM-BAK-004 AWS Backup may back up Aurora and RDS in the region
# ---------------------------------------------------------------------------
#: AWS Backup's resource type names for the databases (ResourceTypeOptInPreference keys).
DB_BACKUP_TYPES = ("Aurora", "RDS")


@rule(
    id="GCM-BAK-004",
    title=Text(
        en="AWS Backup is opted in to back up Aurora and RDS in the region",
        ja="リージョンの AWS Backup で Aurora と RDS のバックアップがオプトインされている",
    ),
    severity="high",
    enforcement="mandatory",
    lever="reliability",
    resource_types=(REGION_SETTINGS,),
    rationale=Text(
        en="Backup as a managed service (the cost-optimisation guide's lever 3, v1.0 "
        "2025-03-24) and backup-only DR (lever 5, 構成C) rely on AWS Backup actually backing "
        "the databases up. AWS Backup only protects resource types the region's service opt-in "
        "enables: a backup plan that selects an Aurora cluster or RDS instance while 'Aurora' "
        "or 'RDS' is opted out creates no recovery point for it, and nothing fails loudly "
        "(AWS Backup Developer Guide, 'Service opt-in' and DescribeRegionSettings / "
        "UpdateRegionSettings in the AWS Backup API Reference; checked 2026-11). Without those "
        "recovery points the non-functional requirement standard's A.1.4.1 (restart within "
        "one month) and A.3.2.1 (off-site backup) cannot be met.",
        ja=f"マネージドサービスとしてのバックアップ ({GUIDE_JA} の施策3) とバックアップのみの DR "
        "(施策5、構成C) は、AWS Backup が実際にデータベースをバックアップしていることが前提である。"
        "AWS Backup はリージョンのサービスのオプトインで有効にしたリソースタイプしか保護しない。"
        "Aurora や RDS をオプトアウトしたままでは、バックアッププランが Aurora クラスターや RDS "
        "インスタンスを選択していても復旧ポイントは作られず、エラーにもならない (AWS Backup "
        "開発者ガイド「サービスのオプトイン」、AWS Backup API リファレンスの DescribeRegionSettings・"
        "UpdateRegionSettings)。復旧ポイントがなければ非機能要求標準の A.1.4.1 (1か月以内の再開) と"
        " A.3.2.1 (遠隔地へのバックアップ保管) は満たせない。",
    ),
    remediation=Text(
        en="Set resourceTypeOptInPreference Aurora and RDS to true in aws.backup.RegionSettings "
        "(or in the AWS Backup console: Settings > Service opt-in) in every region that holds "
        "databases or receives their backup copies.",
        ja="データベースを置くリージョンとそのバックアップのコピー先のリージョンすべてで、"
        "aws.backup.RegionSettings の resourceTypeOptInPreference の Aurora と RDS を true に"
        "する (または AWS Backup コンソールの「設定」>「サービスのオプトイン」で有効にする)。",
    ),
)
def database_opt_in(res: Res, ctx: Ctx) -> Iterator[Finding]:
    prefs = res.get("resourceTypeOptInPreference")
    if not isinstance(prefs, Mapping):
        return
    off = [t for t in DB_BACKUP_TYPES if prefs.get(t) is False]
    if not off:
        return
    where = res.region or "?"
    yield Finding(
        Text(
            en=f"AWS Backup region settings {res.name} ({where}) opt out of {' and '.join(off)}: "
            "backup plans silently create no recovery point for those databases; set them to "
            "true",
            ja=f"AWS Backup のリージョン設定 {res.name} ({where}) で {'・'.join(off)} がオプトアウト"
            "されています。バックアッププランがあってもそれらのデータベースの復旧ポイントは作られ"
            "ません。true にしてください",
        )
    )


# ---------------------------------------------------------------------------
# GCM-DR-001 only data at rest in the DR region
# ---------------------------------------------------------------------------
#: Whole modules allowed in the DR region: backup copies, their keys and buckets,
#: and global services whose resources have no region of their own.
DR_ALLOWED_MODULES = (
    "aws:backup/", "aws:kms/", "aws:s3/", "aws:iam/", "aws:route53/", "aws:cloudfront/",
    "aws:organizations/", "aws:budgets/", "aws:costexplorer/",
)  # fmt: skip
#: Types allowed in the DR region: data at rest billed by the GB only (snapshots,
#: image copies, repositories, secrets, log groups) and definitions that cost
#: nothing and run nothing (the network every account has, topics, parameters).
DR_ALLOWED_TYPES = frozenset({
    EBS_SNAPSHOT, EBS_SNAPSHOT_COPY, RDS_SNAPSHOT, RDS_SNAPSHOT_COPY, RDS_CLUSTER_SNAPSHOT,
    RDS_CLUSTER_SNAPSHOT_COPY, "aws:rds/instanceAutomatedBackupsReplication:"
    "InstanceAutomatedBackupsReplication", "aws:ec2/amiCopy:AmiCopy",
    "aws:ecr/repository:Repository", "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:secretsmanager/secret:Secret",
    "aws:secretsmanager/secretVersion:SecretVersion", "aws:ssm/parameter:Parameter",
    "aws:cloudwatch/logGroup:LogGroup", "aws:sns/topic:Topic",
    "aws:sns/topicPolicy:TopicPolicy", "aws:sns/topicSubscription:TopicSubscription",
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
    "aws:ec2/internetGateway:InternetGateway", "aws:ec2/networkAcl:NetworkAcl",
    "aws:ec2/networkAclRule:NetworkAclRule", "aws:ec2/vpcDhcpOptions:VpcDhcpOptions",
    "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation",
    "aws:ec2/defaultVpc:DefaultVpc", "aws:ec2/defaultSubnet:DefaultSubnet",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/defaultRouteTable:DefaultRouteTable", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
    "aws:ec2/keyPair:KeyPair",
})  # fmt: skip


def allowed_in_dr_region(type_token: str, extra: Sequence[str] = ()) -> bool:
    """Whether a resource of ``type_token`` may exist in the DR region under
    backup-only DR (:data:`DR_ALLOWED_MODULES`, :data:`DR_ALLOWED_TYPES`, ``extra``)."""
    return (
        type_token in DR_ALLOWED_TYPES
        or type_token in extra
        or type_token.startswith(DR_ALLOWED_MODULES)
        or not type_token.startswith("aws:")
    )


@rule(
    id="GCM-DR-001",
    title=Text(
        en="DR is backup-only: only data at rest in the DR region",
        ja="DR はバックアップのみ (構成C): DR リージョンには保存データのみを置く",
    ),
    severity="high",
    enforcement="mandatory",
    lever="dr",
    rationale=Text(
        en="The cost-optimisation guide (v1.0, 2025-03-24), lever 5, recommends backup-only DR "
        "(構成C: backups copied to a remote region, rebuilt from code after a disaster) over "
        "warm standby (構成B) or active/active (構成A); the source deck (2025-10) names DR "
        "levels above need among the causes of the 2.3x cost rise. Backup-only DR meets the "
        "non-functional requirement standard: A.1.4.1 restart within one month after a large "
        "disaster, A.3.1.1 rebuild with the same configuration, A.3.2.1 off-site backup in one "
        "remote location. So the DR region holds only what keeps data at rest and costs "
        "nothing while idle (backup vaults and their locks, KMS keys, S3 buckets, snapshots, "
        "IAM, the free network definitions every account has): anything else there - "
        "servers, databases, caches, replicas, load balancers, NAT gateways, endpoints, "
        "whatever the service - is standby capacity billed by the hour. An Aurora global "
        "database or a DynamoDB global table replica in the DR region is one too.",
        ja=f"{GUIDE_JA} の施策5は、ウォームスタンバイ (構成B) や"
        "アクティブ/アクティブ (構成A) ではなく、バックアップのみの DR (構成C: バックアップを遠隔"
        "リージョンに複製し、被災時はコードから再構築) を推奨しており、資料 (2025年10月) も必要以上"
        "の DR をコスト増 (2.3倍) の一因に挙げている。構成C でも非機能要求標準の A.1.4.1 (大規模"
        "災害時は1か月以内に再開)、A.3.1.1 (同一構成での再構築)、A.3.2.1 (遠隔地1か所への"
        "バックアップ保管) を満たす。したがって DR リージョンに置くのは、データを保存するだけで待機中"
        "に費用のかからないもの (バックアップボールトとそのロック、KMS キー、S3 バケット、"
        "スナップショット、IAM、どのアカウントにもある無料のネットワーク定義) に限る。それ以外の"
        "サーバー・データベース・キャッシュ・レプリカ・ロードバランサー・NAT ゲートウェイ・"
        "エンドポイントなどは、サービスを問わず毎時課金される待機容量である。Aurora グローバル"
        "データベースや DR リージョンの DynamoDB グローバルテーブルのレプリカも同様である。",
    ),
    remediation=Text(
        en="Remove the resource from the DR region and keep only backup copies there (gcmod: "
        "ManagedBackup copies to Osaka); rebuild from the same code after a disaster. If the "
        "system's availability grade truly needs warm standby, set availabilityGrade to high "
        "and record the justification; a data-at-rest type gcmod does not know can be listed "
        "in allowedInDrRegion.",
        ja="DR リージョンからリソースを削除し、そこにはバックアップのコピーのみを置く (gcmod の "
        "ManagedBackup は大阪へコピーする)。被災時は同じコードから再構築する。システムの可用性区分"
        "が本当にウォームスタンバイを必要とする場合は availabilityGrade を high にし、その根拠を"
        "記録する。gcmod が知らない保存データのタイプは allowedInDrRegion に追加できる。",
    ),
    settings=(
        *_DR_SETTINGS,
        Setting(
            "primaryRegion",
            "string",
            "ap-northeast-1",
            "The region the system runs in; resources there are never DR standby (set it to "
            "the DR region for a stack that rebuilds the system there after a disaster).",
        ),
        Setting(
            "availabilityGrade",
            "string",
            "standard",
            "The system's availability grade: 'standard' (backup-only DR) or 'high' (warm "
            "standby justified; the rule then allows resources in the DR region).",
        ),
        Setting(
            "allowedInDrRegion",
            "array",
            [],
            "Further type tokens (aws:x/y:Z) that only hold data at rest and may exist in the "
            "DR region, besides the built-in allow-list (docs/rules.md).",
        ),
    ),
)
def backup_only_dr(res: Res, ctx: Ctx) -> Iterator[Finding]:
    if str(ctx.setting("availabilityGrade")).strip().lower() == "high":
        return
    dr, primary = ctx.setting("drRegion"), ctx.setting("primaryRegion")
    en_kind, ja_kind = kind(res)
    tail_en = (
        "backup-only DR (構成C) keeps only backup copies there; allowed only when "
        "availabilityGrade is high"
    )
    tail_ja = (
        "バックアップのみの DR (構成C) では DR リージョンにバックアップのコピーのみを置きます "
        "(availabilityGrade が high の場合のみ可)"
    )
    if res.type == RDS_GLOBAL_CLUSTER:
        yield Finding(
            Text(
                en=f"{en_kind} {res.name} keeps a live replica in a second region (warm "
                f"standby); {tail_en}",
                ja=f"{ja_kind} {res.name} は別リージョンに稼働中のレプリカを持ちます (ウォーム"
                f"スタンバイ)。{tail_ja}",
            )
        )
        return
    # A stack whose own region (its default provider's) is the DR region is the
    # rebuild after a disaster: the DR plan working, not a standby.
    extra = [t for t in ctx.setting("allowedInDrRegion") or [] if isinstance(t, str)]
    if (
        res.region == dr
        and res.region != primary
        and not in_stack_region(res)
        and not allowed_in_dr_region(res.type, extra)
    ):
        yield Finding(
            Text(
                en=f"{en_kind} {res.name} runs in the DR region {dr}; {tail_en}",
                ja=f"{ja_kind} {res.name} が DR リージョン {dr} で稼働します。{tail_ja}",
            )
        )
        return
    if res.type == RDS_CLUSTER:
        for field in ("globalClusterIdentifier", "replicationSourceIdentifier"):
            if peek(res, field) is not None:  # set, even if only known after deployment
                yield Finding(
                    Text(
                        en=f"{en_kind} {res.name} is a cross-region replica or global database "
                        f"member ({field} is set); {tail_en}",
                        ja=f"{ja_kind} {res.name} はリージョン間レプリカまたはグローバル"
                        f"データベースのメンバーです ({field} を設定)。{tail_ja}",
                    )
                )
                return
    if res.type == DYNAMODB_TABLE:
        regions = [
            r.get("regionName") for r in items(res.get("replicas")) if isinstance(r, Mapping)
        ]
        if dr in regions:
            yield Finding(
                Text(
                    en=f"{en_kind} {res.name} has a global table replica in the DR region "
                    f"{dr}; {tail_en}",
                    ja=f"{ja_kind} {res.name} は DR リージョン {dr} にグローバルテーブルの"
                    f"レプリカを持ちます。{tail_ja}",
                )
            )


# ---------------------------------------------------------------------------
# GCM-DR-002 production backups copied to the DR region
# ---------------------------------------------------------------------------
def copies_to(plan: Res, region: str) -> bool:
    """Some rule of ``plan`` copies to a vault in ``region``: a known destination ARN
    in that region, or an unknown one while the plan depends on a vault there.
    Raises UnknownValueError when only unresolvable destinations are left."""
    vault_there = any(d.type == BACKUP_VAULT and d.region == region for d in plan.dependencies)
    unresolved: list[str] = []
    for i, r in enumerate(items(plan.get("rules"))):
        for j, ca in enumerate(items(peek(r, "copyActions"))):
            arn = peek(ca, "destinationVaultArn")
            if isinstance(arn, str) and f":{region}:" in arn:
                return True
            if arn is UNKNOWN:
                if vault_there:
                    return True
                unresolved.append(f"rules.{i}.copyActions.{j}.destinationVaultArn")
    if unresolved:
        raise UnknownValueError(UNKNOWN_STRING_VALUE, unresolved[0].split("."))
    return False


@rule(
    id="GCM-DR-002",
    title=Text(
        en="Production backups are copied to the DR region",
        ja="本番のバックアップが DR リージョンにコピーされている",
    ),
    severity="high",
    enforcement="mandatory",
    lever="dr",
    scope="stack",
    rationale=Text(
        en="Backup-only DR (構成C, the cost-optimisation guide's lever 5, v1.0 2025-03-24) is "
        "only DR if the backups leave the primary region: the non-functional requirement "
        "standard's A.3.2.1 asks for off-site backup in one remote location, and A.1.4.1 "
        "(restart within one month) needs the copies when Tokyo is lost. For the Government "
        "Cloud the remote region is Osaka (ap-northeast-3), which keeps the data in Japan.",
        ja=f"バックアップのみの DR (構成C、{GUIDE_JA} の施策5) は、"
        "バックアップが主リージョンの外にあって初めて DR になる。非機能要求標準の A.3.2.1 は遠隔地"
        "1か所へのバックアップ保管を求め、A.1.4.1 (1か月以内の再開) も東京が失われたときにその"
        "コピーを必要とする。ガバメントクラウドでは、データを国内に置いたまま遠隔地となる大阪 "
        "(ap-northeast-3) を使う。",
    ),
    remediation=Text(
        en="Add a copy action to the production backup plan rule whose destination is a vault "
        "in the DR region, with its own lifecycle (gcmod: dr.copyBackups, on by default).",
        ja="本番のバックアッププランのルールに、DR リージョンのボールトを宛先とするコピーアクション"
        "を保存期間付きで追加する (gcmod: dr.copyBackups、既定で有効)。",
    ),
    settings=_DR_SETTINGS,
)
def dr_copy(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    dr = ctx.setting("drRegion")
    prod = [r for r in resources if _is_production(r, ctx)]
    plans = [r for r in prod if r.type == BACKUP_PLAN]
    stores = [r for r in prod if r.type in DATA_STORES and r.region != dr]
    pending: UnknownValueError | None = None
    for plan in plans:
        try:
            if copies_to(plan, dr):
                return
        except UnknownValueError as exc:
            pending = pending or exc
    if pending is not None:
        raise pending
    for plan in plans:
        yield Finding(
            Text(
                en=f"production backup plan {plan.name} copies no recovery point to a vault in "
                f"the DR region {dr}; add a copy action there (A.3.2.1)",
                ja=f"本番のバックアッププラン {plan.name} は DR リージョン {dr} のボールトへ復旧"
                "ポイントをコピーしていません。コピーアクションを追加してください (A.3.2.1)",
            ),
            plan.urn,
        )
    if not plans:
        for store in stores:
            en_kind, ja_kind = kind(store)
            yield Finding(
                Text(
                    en=f"production {en_kind} {store.name} has no backup plan copying to the DR "
                    f"region {dr}; add an AWS Backup plan with a copy action there (A.3.2.1)",
                    ja=ja_join("本番の", ja_kind) + f" {store.name} を DR リージョン {dr} へコピーする"
                    "バックアッププランがありません。コピーアクション付きの AWS Backup プランを"
                    "追加してください (A.3.2.1)",
                ),
                store.urn,
            )


def _is_production(res: Res, ctx: Ctx) -> bool:
    if res.type not in (BACKUP_PLAN, *DATA_STORES):
        return False
    try:
        return ctx.environment(res) == "production"
    except UnknownValueError:
        return True  # tags unknown: assume the strictest environment
