"""Database rules: RDS's own retention settings (automated backups, Performance
Insights) no longer than the environment needs.

Guidance: the Digital Agency's cost-optimisation approach guide
(「ガバメントクラウドの適切な利用によるコスト最適化のアプローチガイド」 v1.0,
2025-03-24), lever 4 (a justified backup retention; keep the minimum), and the
source deck (2025-10), which lists over-specified backups among the causes of
higher costs. Long-term recovery points belong in AWS Backup (GCM-BAK-001 bounds
them); the database's native retention only serves point-in-time recovery.

Environment thresholds are read through :meth:`Ctx.per_environment`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gcmod.policies.model import Ctx, Finding, Res, Setting, Text, rule
from gcmod.policies.rulekit import GUIDE_JA, env_ja, truthy

RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"

_KIND = {
    RDS_INSTANCE: ("RDS instance", "RDS インスタンス"),
    RDS_CLUSTER: ("RDS cluster", "RDS クラスター"),
    RDS_CLUSTER_INSTANCE: ("Aurora cluster instance", "Aurora クラスターインスタンス"),
}
#: Performance Insights keeps 7 days of history at no charge; longer retention
#: (a multiple of 31 days, or 731) is billed per vCPU per month (Amazon RDS User
#: Guide, "Configuring Performance Insights" retention, and Amazon RDS Performance
#: Insights pricing; checked 2026-12).
PI_FREE_DAYS = 7


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@rule(
    id="GCM-DB-002",
    title=Text(
        en="RDS backup and Performance Insights retention within the environment's needs",
        ja="RDS の自動バックアップと `Performance Insights` の保存期間が環境に見合っている",
    ),
    severity="low",
    enforcement="mandatory",
    lever="storage",
    resource_types=(RDS_INSTANCE, RDS_CLUSTER, RDS_CLUSTER_INSTANCE),
    rationale=Text(
        en="The cost-optimisation guide (v1.0, 2025-03-24), lever 4, asks for a justified "
        "backup retention; the source deck (2025-10) lists over-specified backups among the "
        "causes of higher costs. RDS automated backups (backupRetentionPeriod, up to 35 days) "
        "serve point-in-time recovery; their storage is free up to the database's size and "
        "billed per GB-month beyond it (Amazon RDS pricing, backup storage; checked 2026-12), "
        "and the longer the window, the more changed data it holds. Long-term copies belong "
        "in AWS Backup, bounded by GCM-BAK-001. Performance Insights keeps 7 days free and "
        "bills longer retention per vCPU-month. Test data needs days, not weeks. Peers look "
        "at the same settings: Cloud Custodian's rds resource (value filter "
        "BackupRetentionPeriod, retention action with enforce: max) and the AWS Config managed "
        "rule db-instance-backup-enabled (backupRetentionMaximum parameter).",
        ja=f"{GUIDE_JA} の施策4はバックアップの保存期間の妥当性を求め、資料 (2025年10月) は過剰な"
        "バックアップをコスト増の一因に挙げている。RDS の自動バックアップ (backupRetentionPeriod、"
        "最大 35 日) はポイントインタイムリカバリのためのもので、そのストレージはデータベースの"
        "容量までは無料、超過分は GB 月単位で課金される (Amazon RDS 料金、バックアップストレージ)。"
        "期間が長いほど保持する変更データも増える。長期の複製は AWS Backup で保存し、GCM-BAK-001 "
        "がその範囲を定める。`Performance Insights` は 7 日間が無料で、それより長い保存は vCPU 月"
        "単位で課金される。テストデータに必要なのは数週間ではなく数日である。同じ設定を "
        "`Cloud Custodian` の rds リソース (BackupRetentionPeriod の `value` フィルター、`enforce: max` の "
        "`retention` アクション) や `AWS Config` マネージドルール db-instance-backup-enabled "
        "(backupRetentionMaximum パラメーター) も確認する。",
    ),
    remediation=Text(
        en="Set backupRetentionPeriod within maxBackupRetentionDays and "
        "performanceInsightsRetentionPeriod within maxPerformanceInsightsRetentionDays (7 is "
        "free); keep long-term recovery points in an AWS Backup plan (gcmod's ManagedBackup). "
        "gcmod's Database component keeps 1 day of native backups.",
        ja="backupRetentionPeriod を maxBackupRetentionDays 以内、performanceInsightsRetention"
        "Period を maxPerformanceInsightsRetentionDays 以内 (7 日は無料) にする。長期の復旧ポイント"
        "は AWS Backup のプラン (gcmod の ManagedBackup) で保存する。gcmod の Database コンポー"
        "ネントはネイティブのバックアップを 1 日としている。",
    ),
    settings=(
        Setting(
            "maxBackupRetentionDays",
            "object",
            {"production": 35, "staging": 14, "development": 7},
            "Longest RDS automated backup retention (backupRetentionPeriod, days) per "
            "environment; 35 is the RDS maximum.",
        ),
        Setting(
            "maxPerformanceInsightsRetentionDays",
            "object",
            {"production": 31, "staging": PI_FREE_DAYS, "development": PI_FREE_DAYS},
            "Longest Performance Insights retention (days) per environment; 7 days are free.",
        ),
    ),
)
def native_retention(res: Res, ctx: Ctx) -> Iterator[Finding]:
    en, ja = _KIND[res.type]
    env = ctx.environment(res)
    if res.type != RDS_CLUSTER_INSTANCE:  # cluster members follow their cluster
        days = _num(res.get("backupRetentionPeriod"))
        cap = _num(ctx.per_environment("maxBackupRetentionDays", res))
        if days is not None and cap is not None and days > cap:
            yield Finding(
                Text(
                    en=f"{en} {res.name} keeps automated backups {days:g} days; the {env} "
                    f"maximum is {cap:g} (keep long-term copies in AWS Backup)",
                    ja=f"{ja} {res.name} の自動バックアップ保存期間 {days:g} 日は{env_ja(env)}環境の"
                    f"上限 {cap:g} 日を超えています (長期の複製は AWS Backup で保存してください)",
                )
            )
    if not truthy(res.get("performanceInsightsEnabled")):
        return  # a retention without Performance Insights keeps nothing
    pi = _num(res.get("performanceInsightsRetentionPeriod"))
    cap = _num(ctx.per_environment("maxPerformanceInsightsRetentionDays", res))
    if pi is not None and cap is not None and pi > cap:
        yield Finding(
            Text(
                en=f"{en} {res.name} keeps Performance Insights {pi:g} days; the {env} maximum "
                f"is {cap:g} ({PI_FREE_DAYS} days are free)",
                ja=f"{ja} {res.name} の `Performance Insights` 保存期間 {pi:g} 日は{env_ja(env)}環境の"
                f"上限 {cap:g} 日を超えています ({PI_FREE_DAYS} 日間は無料)",
            )
        )
