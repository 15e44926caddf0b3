"""How big the lift-and-shift baseline is: two documented ends of a range.

No public source says how large the servers of a municipality's lifted system
are. The figures that exist are few, and each end of the range below is built
from them, or, where none exists, from a rule that is stated and errs the way
named beside it:

* the Digital Agency's cost-optimisation approach guide (v1.0, 2025-03-24,
  lever 1, p.22 of the guide as cited in the MIC advisor's deck, 2025-10): an
  on-premises-shaped server of **16 vCPU / 128 GB whose annual average CPU
  use is 30 %** is cut down (the largest size cited; r5.4xlarge);
* the deck (DR lever): the example estate runs a **warm standby (構成B)** in
  another region, judged excessive; the managed-services lever names
  **backup and monitoring servers running 24/7**;
* the estimate checklist (見積チェックリスト, 2025-04): storage **sized five
  years ahead**, **full instead of differential backups**, **test environments
  running 24/365**: the practices it asks estimators to look for;
* the non-functional requirement standard (第1.2版, secondary source via the
  brief): availability **99.5 %**; one EC2 instance and one Single-AZ RDS DB
  instance are each covered by AWS's 99.5 % instance-level SLA (Amazon Compute
  Service Level Agreement; Amazon RDS Service Level Agreement), so a single
  server meets it;
* AWS CloudWatch Logs: a log group without a retention setting keeps its
  events indefinitely (CloudWatch Logs User Guide, "Change log data retention").

**Low end (conservative; the headline uses it):** one app server per
municipality sized to the *plan's own peak* (the stack's maximum tasks; the
smallest m5 type that holds them), a Single-AZ DB instance holding the plan's
maximum Aurora capacity, no standby, one combined backup/monitoring server in
production, incremental backups, storage for today's data, log groups kept one
year. Everything the lift-and-shift would waste beyond that is left out, so
the saving is, if anything, understated.

**High end:** the pattern the deck and the checklist describe: a redundant pair
of app servers sized like the guide's example (the plan's *average* need at
30 % average CPU, capped at its 16 vCPU / 128 GB box), a Multi-AZ DB in
production, the warm standby, separate backup and monitoring servers, nightly
full copies, storage for five years of growth and never-expiring logs.

Development and staging are sized as such at both ends: one app server, a
Single-AZ database, no standby, no operations servers of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from gcmod.cost.phrase import Phrase

End = Literal["low", "high"]

#: The ends of the range, in words.
END_NAMES: dict[str, Phrase] = {
    "low": Phrase("low end (conservative)", "下限 (控えめ)"),
    "high": Phrase("high end", "上限"),
}
#: How an app server is sized (:attr:`Sizing.app_capacity`), in words.
CAPACITY_NAMES: dict[str, Phrase] = {
    "peak": Phrase("the plan's peak", "計画のピーク"),
    "average-at-30%": Phrase("average need at 30% CPU", "平均負荷 (CPU 使用率30%)"),
}
#: The operations servers of the lift-and-shift, by role.
OPS_ROLE_NAMES: dict[str, Phrase] = {
    "backup-monitoring": Phrase("backup and monitoring", "バックアップ・監視"),
    "backup": Phrase("backup", "バックアップ"),
    "monitoring": Phrase("monitoring", "監視"),
}


def ops_role(role: str) -> Phrase:
    return OPS_ROLE_NAMES.get(role, Phrase.same(role))


SRC_GUIDE = (
    "Digital Agency cost-optimisation approach guide v1.0 (2025-03-24), lever 1 example: "
    "16 vCPU / 128 GB server at 30% annual average CPU (via the MIC advisor deck, 2025-10)"
)
SRC_DECK_DR = "MIC advisor deck (2025-10), DR lever: the example estate runs a warm standby (構成B)"
SRC_DECK_OPS = (
    "MIC advisor deck (2025-10), managed-services lever: backup and monitoring servers run 24/7"
)
SRC_CHECKLIST = "estimate checklist (見積チェックリスト, 2025-04)"
SRC_SLA = (
    "non-functional standard 第1.2版 availability 99.5% (secondary source) and AWS's 99.5% "
    "instance-level SLA for one EC2 instance (Amazon Compute SLA) and one Single-AZ DB "
    "instance (Amazon RDS SLA)"
)
SRC_LOGS = (
    "CloudWatch Logs User Guide, 'Change log data retention': without a retention setting, "
    "log events are kept indefinitely"
)
# The same sources in Japanese (the estimate's reports).
SRC_GUIDE_JA = (
    "デジタル庁「コスト最適化の考え方」v1.0 (2025-03-24) 施策1の例: 年間平均 CPU 使用率30%の "
    "16 vCPU / 128 GB サーバー (総務省 デジタル統括アドバイザーの資料、2025-10 による)"
)
SRC_DECK_DR_JA = (
    "総務省 デジタル統括アドバイザーの資料 (2025-10) の DR の施策: 例の環境はウォームスタンバイ "
    "(構成B) を動かしている"
)
SRC_DECK_OPS_JA = (
    "総務省 デジタル統括アドバイザーの資料 (2025-10) のマネージドサービスの施策: バックアップと"
    "監視のサーバーが24時間365日動いている"
)
SRC_CHECKLIST_JA = "見積チェックリスト (2025-04)"
SRC_SLA_JA = (
    "非機能要求の標準 第1.2版の可用性 99.5% (二次出典) と、EC2 インスタンス1台 (Amazon Compute "
    "SLA) およびシングル AZ の DB インスタンス1台 (Amazon RDS SLA) に対する AWS の"
    "インスタンス単位の SLA 99.5%"
)
SRC_LOGS_JA = (
    "CloudWatch Logs ユーザーガイド「ログデータの保持期間を変更する」: 保持期間を設定しないと"
    "ログイベントは無期限に保持される"
)

#: EC2 types of the baseline (m5 family, the generation the checklist asks to
#: move on from; r5.4xlarge is the guide's 16 vCPU / 128 GB box): (vCPU, GiB).
EC2_LADDER: tuple[tuple[str, int, int], ...] = (
    ("m5.large", 2, 8),
    ("m5.xlarge", 4, 16),
    ("m5.2xlarge", 8, 32),
    ("m5.4xlarge", 16, 64),
    ("r5.4xlarge", 16, 128),
)
#: RDS for PostgreSQL classes of the baseline: (class, GiB of memory).
DB_LADDER: tuple[tuple[str, int], ...] = (
    ("db.t3.medium", 4),
    ("db.m5.large", 8),
    ("db.m5.xlarge", 16),
    ("db.m5.2xlarge", 32),
    ("db.r5.2xlarge", 64),
)
#: Memory of one Aurora capacity unit (Aurora User Guide, "How Aurora Serverless
#: v2 works": each ACU is approximately 2 GiB of memory).
GIB_PER_ACU = 2.0


def ec2_for(vcpu: float, memory_gib: float) -> str:
    """The smallest type of :data:`EC2_LADDER` with at least ``vcpu`` and
    ``memory_gib`` (the largest when none is big enough)."""
    for name, c, m in EC2_LADDER:
        if c >= vcpu - 1e-9 and m >= memory_gib - 1e-9:
            return name
    return EC2_LADDER[-1][0]


def db_class_for(memory_gib: float) -> str:
    """The smallest class of :data:`DB_LADDER` with at least ``memory_gib``."""
    for name, m in DB_LADDER:
        if m >= memory_gib - 1e-9:
            return name
    return DB_LADDER[-1][0]


@dataclass(frozen=True)
class Sizing:
    """One end of the baseline range: every figure with its source."""

    end: End
    app_servers_production: int
    app_servers_other: int
    app_capacity: Literal["peak", "average-at-30%"]
    """``peak``: the plan's maximum tasks; ``average-at-30%``: the plan's
    minimum tasks at the guide example's 30 % average CPU."""
    db_multi_az_production: bool
    warm_standby: bool
    ops_servers_production: dict[str, str]
    ops_servers_other: dict[str, str]
    full_backups: bool
    storage_growth_factor: float
    log_retention_days: int | None
    root_volume: tuple[str, float]
    sources: dict[str, str] = field(default_factory=dict)
    sources_ja: dict[str, str] = field(default_factory=dict)
    """``sources`` in Japanese (the estimate's reports)."""

    def app_type(self, svc: Any, share: float) -> str:
        """The app server type for a tenant with ``share`` of the stack's load."""
        mem_gib = svc.memory / 1024
        if self.app_capacity == "peak":
            return ec2_for(svc.max_tasks * svc.vcpu * share, svc.max_tasks * mem_gib * share)
        need = 1 / AVERAGE_CPU
        return ec2_for(
            svc.min_tasks * svc.vcpu * share * need, svc.min_tasks * mem_gib * share * need
        )

    def db_class(self, db: Any, share: float) -> str:
        """The DB class that holds ``share`` of the plan's maximum Aurora capacity."""
        return db_class_for(db.max_acu * GIB_PER_ACU * share)

    def assumptions(self) -> dict[str, dict[str, Any]]:
        """Each figure of this end with its source (for the estimate's notes)."""
        values: dict[str, Any] = {
            "appServers": {
                "production": self.app_servers_production,
                "other": self.app_servers_other,
            },
            "appCapacity": self.app_capacity,
            "dbMultiAzInProduction": self.db_multi_az_production,
            "warmStandby": self.warm_standby,
            "opsServers": {
                "production": dict(self.ops_servers_production),
                "other": dict(self.ops_servers_other),
            },
            "fullBackups": self.full_backups,
            "storageGrowthFactor": self.storage_growth_factor,
            "logRetentionDays": self.log_retention_days,
            "rootVolume": f"{self.root_volume[1]:g} GB {self.root_volume[0]}",
        }
        return {k: {"value": v, "source": self.sources[k]} for k, v in values.items()}

    def assumptions_ja(self) -> dict[str, dict[str, Any]]:
        """The Japanese of :meth:`assumptions`: each figure's source."""
        return {k: {"source": v} for k, v in self.sources_ja.items()}


#: The guide example's annual average CPU use of an on-premises-shaped server.
AVERAGE_CPU = 0.30

LOW = Sizing(
    end="low",
    app_servers_production=1,
    app_servers_other=1,
    app_capacity="peak",
    db_multi_az_production=False,
    warm_standby=False,
    ops_servers_production={"backup-monitoring": "m5.large"},
    ops_servers_other={},
    full_backups=False,
    storage_growth_factor=1.0,
    log_retention_days=365,
    root_volume=("gp3", 50.0),
    sources={
        "appServers": f"rule: one server meets availability 99.5% ({SRC_SLA})",
        "appCapacity": "rule (no source sizes a lifted server): the plan's own peak, the "
        "stack's maximum tasks × task size × the tenant's share of requests, on the smallest "
        "m5 type that holds it (at least m5.large); errs low",
        "dbMultiAzInProduction": f"rule: Single-AZ meets 99.5% ({SRC_SLA}); errs low",
        "warmStandby": "rule: no standby (backup-only DR is allowed by the standard, "
        "A.1.4.1/A.3.1.1/A.3.2.1); errs low",
        "opsServers": f"{SRC_DECK_OPS}; rule: one combined server, production only; errs low",
        "fullBackups": "rule: incremental snapshots, as the modern plan; errs low",
        "storageGrowthFactor": "rule: storage for today's data, no headroom; errs low",
        "logRetentionDays": "rule: one year, shorter than the never-expiring AWS default; errs low",
        "rootVolume": "rule: 50 GB gp3 per server; errs low",
    },
    sources_ja={
        "appServers": f"ルール: サーバー1台で可用性 99.5% を満たす ({SRC_SLA_JA})",
        "appCapacity": "ルール (移行したサーバーの大きさを示す出典はない): 計画自身のピーク、"
        "つまりスタックの最大タスク数 × タスクのサイズ × 利用団体のリクエストの割合を収める最小の "
        "m5 タイプ (m5.large 以上)。低めに見積もる",
        "dbMultiAzInProduction": f"ルール: シングル AZ で 99.5% を満たす ({SRC_SLA_JA})。"
        "低めに見積もる",
        "warmStandby": "ルール: スタンバイなし (標準はバックアップのみの DR を認めている: "
        "A.1.4.1/A.3.1.1/A.3.2.1)。低めに見積もる",
        "opsServers": f"{SRC_DECK_OPS_JA}。ルール: 本番環境だけに兼用のサーバー1台。低めに見積もる",
        "fullBackups": "ルール: モダン化後の計画と同じ増分スナップショット。低めに見積もる",
        "storageGrowthFactor": "ルール: 現在のデータ分のストレージ、余裕なし。低めに見積もる",
        "logRetentionDays": "ルール: 1年 (AWS の既定の無期限より短い)。低めに見積もる",
        "rootVolume": "ルール: サーバーごとに 50 GB gp3。低めに見積もる",
    },
)

HIGH = Sizing(
    end="high",
    app_servers_production=2,
    app_servers_other=1,
    app_capacity="average-at-30%",
    db_multi_az_production=True,
    warm_standby=True,
    ops_servers_production={"backup": "m5.large", "monitoring": "m5.large"},
    ops_servers_other={},
    full_backups=True,
    storage_growth_factor=2.0,
    log_retention_days=None,
    root_volume=("gp2", 100.0),
    sources={
        "appServers": "rule: a redundant pair in production, as lifted from on-premises "
        "(no source counts them); one in development and staging",
        "appCapacity": f"{SRC_GUIDE}: the plan's average need (minimum tasks) ÷ 30% average "
        "CPU, on the smallest m5/r5 type that holds it, capped at the guide's box (r5.4xlarge)",
        "dbMultiAzInProduction": "rule: a higher service level than needed, one of the deck's "
        "reasons costs rose (MIC advisor deck, 2025-10); Single-AZ outside production",
        "warmStandby": f"{SRC_DECK_DR}; production only: one app server, a Single-AZ DB, a "
        "load balancer and a NAT gateway running in Osaka",
        "opsServers": f"{SRC_DECK_OPS}; m5.large each (rule: the smallest m5)",
        "fullBackups": f"{SRC_CHECKLIST}: 'full instead of differential backups?'",
        "storageGrowthFactor": f"{SRC_CHECKLIST}: capacity 'five years ahead'; the factor 2 "
        "(data doubling in five years) is a rule, no source gives a growth rate",
        "logRetentionDays": f"null = never expire: {SRC_LOGS}",
        "rootVolume": "rule: 100 GB gp2 per server (the previous generation's default type)",
    },
    sources_ja={
        "appServers": "ルール: 本番環境はオンプレミスから移したままの冗長な2台 (台数を示す出典は"
        "ない)。開発環境と検証環境は1台",
        "appCapacity": f"{SRC_GUIDE_JA}: 計画の平均的な負荷 (最小タスク数) ÷ 平均 CPU 使用率30% を"
        "収める最小の m5/r5 タイプ。上限は手引きの例のサーバー (r5.4xlarge)",
        "dbMultiAzInProduction": "ルール: 必要以上のサービスレベル。費用が上がった理由の1つとして"
        "資料が挙げている (総務省 デジタル統括アドバイザーの資料、2025-10)。"
        "本番環境以外はシングル AZ",
        "warmStandby": f"{SRC_DECK_DR_JA}。本番環境のみ: 大阪でアプリサーバー1台、シングル AZ の "
        "DB、ロードバランサー、NAT ゲートウェイが動く",
        "opsServers": f"{SRC_DECK_OPS_JA}。それぞれ m5.large (ルール: 最小の m5)",
        "fullBackups": f"{SRC_CHECKLIST_JA}:「差分ではなくフルバックアップか」",
        "storageGrowthFactor": f"{SRC_CHECKLIST_JA}: 容量は「5年先」まで。倍率2 (5年でデータが"
        "倍になる) はルールで、増加率を示す出典はない",
        "logRetentionDays": f"null = 無期限: {SRC_LOGS_JA}",
        "rootVolume": "ルール: サーバーごとに 100 GB gp2 (旧世代の既定のタイプ)",
    },
)

ENDS: dict[End, Sizing] = {"low": LOW, "high": HIGH}
