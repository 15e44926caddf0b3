"""The lift-and-shift baseline ("B: IaaS type") and the lever waterfall.

What the same workload costs the way the source deck says vendors built it
(October 2025 MIC advisor deck, "B: IaaS type": tens of environments instead of
one multi-tenant SaaS; operating cost 2.3× on average after the move), and how
much each of the Digital Agency guide's levers takes off, one at a time.

The model is **abstract**: it does not read the planned graph's resources, it
builds a :class:`Scenario` from the stack config, the usage profile and the
documented assumptions below, and prices it with the same functions as the
planned estimate (:func:`gcmod.cost.pricers.price_charges` and the building
blocks beside it). Every number here is an **assumption** with its source;
change a constant and the whole waterfall moves consistently.

The baseline scenario, per municipality (one environment each), at one end
of the range of :mod:`gcmod.cost.sizing` (``ModelInputs.sizing``; the low,
conservative end is the headline, docs/baseline.md explains both):

* **app servers** (count and size from the sizing end), 24/7, with root volumes;
* **a DB server**: RDS for PostgreSQL (Multi-AZ in production at the high
  end), 24/7, storage for today's data × the end's growth factor;
* **warm standby in Osaka** (構成B, production, high end only): one app
  server, a Single-AZ copy of the DB server, a load balancer and a NAT
  gateway running 24/7, plus the replication traffic;
* **self-built operations servers** of the end, 24/7;
* **backups**: full nightly copies (high) or incremental snapshots (low);
* **logs**: never expire (high) or kept a year (low);
* **network**: a NAT gateway (and its public IPv4 address) per AZ and an
  Application Load Balancer per environment.

The levers, in :data:`gcmod.cost.model.LEVER_ORDER`, each change one thing
(:data:`LEVER_STEPS`):

1. **multi-tenancy**: one environment for all tenants, sized on the band of
   their summed population, instead of one per municipality;
2. **dr**: backup-only DR (構成C: daily copies to the DR region, rebuild from
   code) instead of the warm standby; copies only if ``dr.copyBackups``;
3. **managed-services**: no backup or monitoring servers; AWS Backup takes over
   the backups (the stored volume does not change until step 6), CloudWatch
   alarms (:data:`MANAGED_ALARMS_PER_ENV`) and the service dashboard
   (:data:`MANAGED_DASHBOARDS_PER_ENV`) do the monitoring;
4. **sizing**: the stack's right-sized Fargate service (Graviton by default)
   and Aurora Serverless v2 instead of on-premises-sized VMs and DB classes;
   the database storage is still the lifted volume until step 6;
5. **operating-hours**: the stack's scheduled running hours (from its running
   calendar) instead of 730; production runs 730 unless it opts in;
6. **storage**: storage for today's data (Aurora storage, gp3); incremental
   snapshots of the database (its backup storage price) instead of full
   copies kept as EBS snapshots;
7. **logs**: the stack's retention per log class (with its S3 archive)
   instead of never-expiring log groups.

A lever's saving is the cost before its step minus the cost after it, so the
savings add up to the baseline minus the final ("modern") scenario exactly.
The final scenario is an abstraction of the planned stack, not the plan; the
difference between them is reported (``plan_vs_model_usd``), not hidden: the
plan has items the model leaves out (VPC endpoints instead of NAT gateways,
KMS keys, secrets, scheduler, metrics, peaks, S3 requests), and the model has
a NAT gateway per AZ the plan replaces with endpoints.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from gcmod.components.database import BACKUP_RETENTION_DAYS as _DB_BACKUP_DAYS
from gcmod.config import StackConfig
from gcmod.cost.arithmetic import DAYS_PER_MONTH, HOURS_PER_MONTH, monthly_hours
from gcmod.cost.model import CATEGORY_NAMES, LEVER_NAMES, LEVER_ORDER, Estimate, Lever, LeverSaving
from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers import (
    Charge,
    PriceSource,
    alb_charges,
    archive_charges,
    aurora_charges,
    backup_charges,
    ec2_charges,
    fargate_charges,
    log_group_charges,
    nat_charges,
    price_charges,
    public_ip_charge,
    rds_instance_charges,
)
from gcmod.cost.pricers.s3 import archive_label
from gcmod.cost.sizing import CAPACITY_NAMES, END_NAMES, LOW, Sizing, ops_role
from gcmod.cost.usage import Usage, band_ja, band_of

# ---------------------------------------------------------------------------
# Assumptions (each one sourced or a stated rule; the sizes of each end of the
# range are in gcmod.cost.sizing)
# ---------------------------------------------------------------------------
#: App servers kept running in the warm standby: the deck's warm standby is "a
#: minimal, reduced environment" (最小限の縮退環境) in another region; one server.
STANDBY_APP_SERVERS = 1
#: NAT gateways in the standby (one, not one per AZ). Rule (the reduced environment).
STANDBY_NAT_GATEWAYS = 1
#: GB a month each environment sends through NAT besides its logs (OS
#: patches, agent updates). Rule, no source: small against the logs.
NAT_OTHER_GB_PER_ENV = 10.0
#: CloudWatch alarms that replace a monitoring server (managed-services lever).
#: Rule: CPU, memory, 5xx, DB connections, backup failures.
MANAGED_ALARMS_PER_ENV = 5
#: CloudWatch dashboards that replace a monitoring server's screens (managed-services
#: lever): the platform's one service dashboard per environment (gcmod's
#: Observability component: service level, errors, latency, requests per tenant).
#: Its budgets and alert topic cost nothing or next to nothing and are left out.
MANAGED_DASHBOARDS_PER_ENV = 1

#: Retention of the modern Aurora cluster's own automated backup (the database
#: component's default): AWS Backup's snapshots younger than it are not billed.
AURORA_AUTOMATED_BACKUP_DAYS = float(_DB_BACKUP_DAYS)

Dr = Literal["warm-standby", "backup-only"]


@dataclass(frozen=True)
class Scenario:
    """One point of the waterfall: which levers have been applied."""

    multi_tenant: bool = False
    dr: Dr = "warm-standby"
    managed: bool = False
    right_sized: bool = False
    scheduled_hours: bool = False
    storage_for_today: bool = False
    bounded_logs: bool = False


#: The change each lever makes to the scenario.
LEVER_STEPS: dict[Lever, dict[str, Any]] = {
    "multi-tenancy": {"multi_tenant": True},
    "dr": {"dr": "backup-only"},
    "managed-services": {"managed": True},
    "sizing": {"right_sized": True},
    "operating-hours": {"scheduled_hours": True},
    "storage": {"storage_for_today": True},
    "logs": {"bounded_logs": True},
}
assert tuple(LEVER_STEPS) == LEVER_ORDER

BASELINE = Scenario()
MODERN = Scenario(**{k: v for step in LEVER_STEPS.values() for k, v in step.items()})


# ---------------------------------------------------------------------------
# Inputs of the model
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TenantInput:
    code: str
    name: str
    population: int
    request_share: float
    """Share of the stack's requests (traffic, logs, LCUs)."""
    data_share: float
    """Share of the stack's data (by population)."""


@dataclass(frozen=True)
class ModelInputs:
    """What the scenario model reads: the stack config, usage and running hours."""

    cfg: StackConfig
    usage: Usage
    tenants: tuple[TenantInput, ...]
    app_hours: float | None = None
    """Scheduled monthly hours of the app service (None: not scheduled, 730)."""
    db_hours: float | None = None
    archive_transitions: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    sizing: Sizing = LOW
    """Which end of the baseline range (:mod:`gcmod.cost.sizing`)."""

    @property
    def region(self) -> str:
        return self.cfg.region

    @property
    def dr_region(self) -> str:
        return self.cfg.dr.region


def model_inputs(
    cfg: StackConfig,
    usage: Usage,
    app_hours: float | None = None,
    db_hours: float | None = None,
    sizing: Sizing = LOW,
) -> ModelInputs:
    """Model inputs from a stack config and its resolved usage profile."""
    pop = sum(t.population for t in cfg.tenants)
    tenants = tuple(
        TenantInput(t.code, t.name, t.population, usage.tenant_weight(t.code), t.population / pop)
        for t in cfg.tenants
    )
    archive: dict[str, list[tuple[float, str]]] = {}
    for cls, lc in cfg.logging.classes.items():
        if lc.archive_days is not None:
            from gcmod.components.logs import archive_transitions

            archive[cls] = [(float(d), sc) for d, sc in archive_transitions(lc.archive_days)]
    return ModelInputs(cfg, usage, tenants, app_hours, db_hours, archive, sizing)


# ---------------------------------------------------------------------------
# The scenario -> charges
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Env:
    name: str
    tenant: str
    population: int
    request_share: float
    data_share: float

    @property
    def band(self) -> str:
        return band_of(self.population)


def _envs(sc: Scenario, m: ModelInputs) -> list[_Env]:
    if sc.multi_tenant or len(m.tenants) == 1:
        return [
            _Env(
                "shared-env",
                "shared" if len(m.tenants) > 1 else m.tenants[0].code,
                sum(t.population for t in m.tenants),
                1.0,
                1.0,
            )
        ]
    return [
        _Env(f"env-{t.code}", t.code, t.population, t.request_share, t.data_share)
        for t in m.tenants
    ]


def scenario_charges(sc: Scenario, m: ModelInputs) -> list[Charge]:
    """The charges of scenario ``sc`` (see the module docstring)."""
    u, cfg, s = m.usage, m.cfg, m.sizing
    prod = cfg.is_production
    out: list[Charge] = []
    app_h = monthly_hours(m.app_hours) if sc.scheduled_hours else HOURS_PER_MONTH
    db_h = monthly_hours(m.db_hours) if sc.scheduled_hours else HOURS_PER_MONTH
    disk = "gp3" if sc.storage_for_today else s.root_volume[0]
    root_gb = s.root_volume[1]
    region, dr_region = m.region, m.dr_region
    standby = sc.dr == "warm-standby" and prod and s.warm_standby
    copies = sc.dr == "backup-only" and cfg.dr.copy_backups
    svc, db = cfg.service, cfg.database
    app_servers = s.app_servers_production if prod else s.app_servers_other
    ops_servers = s.ops_servers_production if prod else s.ops_servers_other
    for env in _envs(sc, m):
        t = env.tenant
        data = u.data * env.data_share
        requests = u.requests * env.request_share
        growth = 1.0 if sc.storage_for_today else s.storage_growth_factor
        db_storage = data * growth
        app_type = s.app_type(svc, env.request_share)
        db_class = s.db_class(db, env.request_share)
        app_res = f"{env.name}/app"
        db_res = f"{env.name}/db"

        # -- application and database -------------------------------------
        if sc.right_sized:
            out += fargate_charges(
                app_res,
                "baseline:app-service",
                region,
                tasks=svc.min_tasks,
                vcpu=svc.vcpu,
                memory_gb=svc.memory / 1024,
                arch=svc.architecture,
                hours=app_h,
                tenant=t,
            )
            aurora = aurora_charges(
                db_res,
                "baseline:database",
                region,
                instances=2 if db.multi_az else 1,
                min_acu=db.min_acu,
                max_acu=db.max_acu,
                utilisation=u.aurora_utilisation,
                hours=db_h,
                data_gb=data,
                io_requests=requests * u.aurora_io_per_request,
                tenant=t,
            )
            if not sc.storage_for_today:  # still the lifted volume
                az = "-multiaz" if db.multi_az else ""
                aurora = [c for c in aurora if c.price_key != "aurora.storage.gb-month"] + [
                    Charge(
                        db_res,
                        "baseline:database",
                        "database",
                        Phrase(
                            f"database storage still provisioned as lifted, {disk} "
                            f"({data:.4g} GB × {growth:g})",
                            f"移行時のままプロビジョニングしたデータベースのストレージ、{disk} "
                            f"({data:.4g} GB × {growth:g})",
                        ),
                        f"rds.storage.{disk}{az}.gb-month",
                        region,
                        db_storage,
                        t,
                    )
                ]
            out += aurora
        else:
            out += ec2_charges(
                app_res,
                "baseline:app-server",
                region,
                instance_type=app_type,
                count=app_servers,
                hours=app_h,
                volumes=[(disk, root_gb)],
                tenant=t,
                what=Phrase(
                    f"app server ({s.end} end: {s.app_capacity})",
                    f"アプリサーバー ({END_NAMES[s.end].ja}: {CAPACITY_NAMES[s.app_capacity].ja})",
                ),
            )
            out += rds_instance_charges(
                db_res,
                "baseline:db-server",
                region,
                engine="postgres",
                instance_class=db_class,
                multi_az=s.db_multi_az_production and prod,
                hours=db_h,
                storage_type=disk,
                storage_gb=db_storage,
                tenant=t,
                what=Phrase(f"DB server ({s.end} end)", f"DB サーバー ({END_NAMES[s.end].ja})"),
            )

        # -- warm standby in the DR region -----------------------------------
        if standby:
            sb = f"{env.name}/standby"
            if sc.right_sized:
                out += fargate_charges(
                    sb,
                    "baseline:standby",
                    dr_region,
                    tasks=STANDBY_APP_SERVERS,
                    vcpu=svc.vcpu,
                    memory_gb=svc.memory / 1024,
                    arch=svc.architecture,
                    hours=HOURS_PER_MONTH,
                    tenant=t,
                    what=Phrase("standby", "スタンバイ"),
                )
                out += aurora_charges(
                    sb,
                    "baseline:standby",
                    dr_region,
                    instances=1,
                    min_acu=db.min_acu,
                    max_acu=db.max_acu,
                    utilisation=0.0,
                    hours=HOURS_PER_MONTH,
                    data_gb=data,
                    io_requests=0.0,
                    tenant=t,
                )
            else:
                out += ec2_charges(
                    sb,
                    "baseline:standby",
                    dr_region,
                    instance_type=app_type,
                    count=STANDBY_APP_SERVERS,
                    hours=HOURS_PER_MONTH,
                    volumes=[(disk, root_gb)],
                    tenant=t,
                    what=Phrase("standby app server", "スタンバイのアプリサーバー"),
                )
                out += rds_instance_charges(
                    sb,
                    "baseline:standby",
                    dr_region,
                    engine="postgres",
                    instance_class=db_class,
                    multi_az=False,
                    hours=HOURS_PER_MONTH,
                    storage_type=disk,
                    storage_gb=db_storage,
                    tenant=t,
                    what=Phrase("standby DB server", "スタンバイの DB サーバー"),
                )
            out += alb_charges(sb, "baseline:standby", dr_region, lcu=0.0, tenant=t)
            out += nat_charges(
                sb, "baseline:standby", dr_region, count=STANDBY_NAT_GATEWAYS, gb=0.0, tenant=t
            )
            out.append(
                public_ip_charge(
                    sb, "baseline:standby", dr_region, count=STANDBY_NAT_GATEWAYS, tenant=t
                )
            )
            out.append(
                Charge(
                    sb,
                    "baseline:standby",
                    "network",
                    Phrase(
                        f"replication to {dr_region} ({data:.4g} GB × "
                        f"{u.backup_daily_change_rate:g} changed a day × "
                        f"{DAYS_PER_MONTH:.4g} days; inter-region transfer price)",
                        f"{dr_region} への複製 ({data:.4g} GB × 1日の変更率 "
                        f"{u.backup_daily_change_rate:g} × {DAYS_PER_MONTH:.4g}日、"
                        "リージョン間転送の価格)",
                    ),
                    "backup.cross-region-transfer.gb",
                    region,
                    data * u.backup_daily_change_rate * DAYS_PER_MONTH,
                    t,
                )
            )

        # -- operations: self-built servers or managed services ---------------
        if not sc.managed:
            for role, itype in ops_servers.items():
                out += ec2_charges(
                    f"{env.name}/{role}-server",
                    "baseline:ops-server",
                    region,
                    instance_type=itype,
                    count=1,
                    hours=HOURS_PER_MONTH,
                    volumes=[(disk, root_gb)],
                    tenant=t,
                    what=Phrase(f"{role} server", f"{ops_role(role).ja}サーバー"),
                )
        else:
            out.append(
                Charge(
                    f"{env.name}/monitoring",
                    "baseline:managed-monitoring",
                    "operations",
                    Phrase(
                        "CloudWatch alarms instead of a monitoring server "
                        f"({MANAGED_ALARMS_PER_ENV})",
                        f"監視サーバーに代わる CloudWatch アラーム ({MANAGED_ALARMS_PER_ENV}個)",
                    ),
                    "cloudwatch.alarm-month",
                    region,
                    MANAGED_ALARMS_PER_ENV,
                    t,
                )
            )
            out.append(
                Charge(
                    f"{env.name}/dashboard",
                    "baseline:managed-monitoring",
                    "operations",
                    Phrase(
                        "CloudWatch dashboard instead of the monitoring server's screens "
                        f"({MANAGED_DASHBOARDS_PER_ENV})",
                        f"監視サーバーの画面に代わる CloudWatch ダッシュボード "
                        f"({MANAGED_DASHBOARDS_PER_ENV}個)",
                    ),
                    "cloudwatch.dashboard-month",
                    region,
                    MANAGED_DASHBOARDS_PER_ENV,
                    t,
                )
            )

        # -- backups ------------------------------------------------------------
        # Full copies are EBS snapshots (what the backup server made; AWS Backup
        # takes the job over at the managed-services step, the volume stays);
        # then AWS Backup's recovery points of the database, billed by the rule
        # of its kind (pricers.backup.BACKUP_RULES: RDS incremental beyond its
        # provisioned storage, Aurora full snapshots beyond the automated window).
        full_copies = s.full_backups and not sc.storage_for_today
        if full_copies:
            kind = "snapshot-script"
        else:
            kind = "aurora" if sc.right_sized else "rds"
        out += backup_charges(
            f"{env.name}/backup",
            "baseline:backup",
            region,
            kind=kind,
            full_gb=data,
            daily_change=u.backup_daily_change_rate,
            retention_days=cfg.backup.retention_days,
            incremental=not full_copies,
            automated_days=AURORA_AUTOMATED_BACKUP_DAYS,
            allowance_gb=db_storage if kind == "rds" else 0.0,
            copy_region=dr_region if copies else None,
            copy_retention_days=cfg.dr.retention_days,
            tenant=t,
            what=Phrase("daily", "日次")
            if sc.managed
            else Phrase("backup-server snapshots,", "バックアップサーバーのスナップショット、"),
        )

        # -- network --------------------------------------------------------------
        env_logs = sum(u.log_gb_per_month.values()) * env.request_share
        azs = cfg.network.az_count
        out += nat_charges(
            f"{env.name}/nat",
            "baseline:network",
            region,
            count=azs,
            gb=env_logs + NAT_OTHER_GB_PER_ENV,
            tenant=t,
        )
        out.append(
            public_ip_charge(f"{env.name}/nat", "baseline:network", region, count=azs, tenant=t)
        )
        out += alb_charges(
            f"{env.name}/alb", "baseline:network", region, lcu=u.lcu * env.request_share, tenant=t
        )

        # -- logs -----------------------------------------------------------------
        for cls, lc in cfg.logging.classes.items():
            gb = u.log_gb_per_month[cls] * env.request_share
            out += log_group_charges(
                f"{env.name}/logs-{cls}",
                "baseline:logs",
                region,
                log_class=cls,
                gb_per_month=gb,
                retention_days=lc.retention_days if sc.bounded_logs else s.log_retention_days,
                storage_ratio=u.log_storage_ratio,
                tenant=t,
            )
            if sc.bounded_logs and lc.archive_days is not None:
                archived = gb * u.archive_compression_ratio
                out += archive_charges(
                    f"{env.name}/logs-{cls}",
                    "baseline:logs",
                    region,
                    label=archive_label(cls),
                    gb_per_month=archived,
                    transitions=m.archive_transitions.get(cls, []),
                    expiry_days=lc.archive_days,
                    tenant=t,
                )
                out.append(
                    Charge(
                        f"{env.name}/logs-{cls}",
                        "baseline:logs",
                        "logs",
                        Phrase(
                            f"Firehose ingestion, {cls} ({archived:.4g} GB)",
                            f"Firehose の取り込み、{cls} ({archived:.4g} GB)",
                        ),
                        "firehose.gb",
                        region,
                        archived,
                        t,
                    )
                )
    return out


def scenario_estimate(sc: Scenario, m: ModelInputs, catalog: PriceSource, label: str) -> Estimate:
    return price_charges(label, scenario_charges(sc, m), catalog)


# ---------------------------------------------------------------------------
# The waterfall
# ---------------------------------------------------------------------------
@dataclass
class Waterfall:
    baseline: Estimate
    steps: list[tuple[Lever, Estimate]]
    levers: list[LeverSaving]

    @property
    def final(self) -> Estimate:
        return self.steps[-1][1] if self.steps else self.baseline


def _delta_text(before: Estimate, after: Estimate) -> str:
    b, a = before.by_category(), after.by_category()
    parts = []
    for cat in sorted(set(a) | set(b), key=lambda c: -(b.get(c, 0) - a.get(c, 0))):
        d = b.get(cat, 0.0) - a.get(cat, 0.0)
        if abs(d) >= 0.005:
            parts.append(f"{cat} {'−' if d > 0 else '+'}${abs(d):,.2f}")
    return "; ".join(parts) or "no change"


def _delta_text_ja(before: Estimate, after: Estimate) -> str:
    b, a = before.by_category(), after.by_category()
    parts = []
    for cat in sorted(set(a) | set(b), key=lambda c: -(b.get(c, 0) - a.get(c, 0))):
        d = b.get(cat, 0.0) - a.get(cat, 0.0)
        if abs(d) >= 0.005:
            name = CATEGORY_NAMES.get(cat, (cat, cat))[0]
            parts.append(f"{name} {'−' if d > 0 else '+'}${abs(d):,.2f}")
    return "、".join(parts) or "変化なし"


def _lifted(m: ModelInputs) -> tuple[str, int, str, bool, str]:
    """(app type, servers, DB class, Multi-AZ, ops servers) of the shared environment's
    lift-and-shift at this end of the range (what the sizing lever replaces)."""
    s, prod = m.sizing, m.cfg.is_production
    n = s.app_servers_production if prod else s.app_servers_other
    ops = s.ops_servers_production if prod else s.ops_servers_other
    return (
        s.app_type(m.cfg.service, 1.0),
        n,
        s.db_class(m.cfg.database, 1.0),
        s.db_multi_az_production and prod,
        "/".join(ops) or "-",
    )


def _explain_ja(lever: Lever, m: ModelInputs, before: Estimate, after: Estimate) -> str:
    """:func:`_explain` in Japanese."""
    n = len(m.tenants)
    cfg = m.cfg
    pop = sum(t.population for t in m.tenants)
    band = band_ja(band_of(pop))
    app, napp, dbc, maz, ops = _lifted(m)
    ops = "・".join(ops_role(r).ja for r in ops.split("/")) if ops != "-" else "-"
    if cfg.is_production and m.sizing.warm_standby:
        dr_text = f"{cfg.dr.region} のウォームスタンバイを廃止" + (
            f"、代わりに日次バックアップのコピーを{cfg.dr.retention_days}日保持 (構成C)"
            if cfg.dr.copy_backups
            else "、バックアップのコピーなし (dr.copyBackups: false)"
        )
    else:
        dr_text = "移行前構成にスタンバイなし" + (
            "、日次バックアップのコピーを追加" if cfg.dr.copy_backups else ""
        )
    text = {
        "multi-tenancy": (
            f"団体ごとの{n}環境を、住民 {pop:,}人 ({band}の規模) 向けの共通の1環境に集約"
        ),
        "dr": dr_text,
        "managed-services": (
            f"自前の運用サーバー ({ops}) を廃止し、AWS Backup と CloudWatch "
            f"アラーム {MANAGED_ALARMS_PER_ENV}個、ダッシュボード "
            f"{MANAGED_DASHBOARDS_PER_ENV}個で代替"
        ),
        "sizing": (
            f"{app} × {napp}台と "
            f"{dbc}{' マルチ AZ' if maz else ''} を、{cfg.service.vcpu:g} vCPU / "
            f"{cfg.service.memory / 1024:g} GB の Fargate {cfg.service.architecture} タスク "
            f"{cfg.service.min_tasks}個と Aurora Serverless v2 "
            f"{cfg.database.min_acu:g}–{cfg.database.max_acu:g} ACU に"
        ),
        "operating-hours": (
            f"月730時間ではなく、アプリ {monthly_hours(m.app_hours):.0f}時間・データベース "
            f"{monthly_hours(m.db_hours):.0f}時間 "
            + ("(業務時間外の自動停止)" if cfg.schedule_enabled else "(本番は常時稼働)")
        ),
        "storage": (
            f"{m.sizing.root_volume[0]} で{m.sizing.storage_growth_factor:g}倍ではなく現在の"
            f"データ {m.usage.data:g} GB 分のストレージ"
            + ("、日次のフルバックアップではなく AWS Backup" if m.sizing.full_backups else "")
        ),
        "logs": (
            "無期限保存のロググループではなく区分ごとの保存期間 ("
            + "、".join(
                f"{c} {lc.retention_days}日"
                + (f"・アーカイブ {lc.archive_days}日" if lc.archive_days else "")
                for c, lc in cfg.logging.classes.items()
            )
            + ")"
        ),
    }[lever]
    return f"{text}。{_delta_text_ja(before, after)}"


def _explain(lever: Lever, m: ModelInputs, before: Estimate, after: Estimate) -> str:
    n = len(m.tenants)
    cfg = m.cfg
    pop = sum(t.population for t in m.tenants)
    app, napp, dbc, maz, ops = _lifted(m)
    if cfg.is_production and m.sizing.warm_standby:
        dr_text = f"no warm standby in {cfg.dr.region}" + (
            f"; daily backup copies kept {cfg.dr.retention_days} days instead (構成C)"
            if cfg.dr.copy_backups
            else "; the stack copies no backups (dr.copyBackups false)"
        )
    else:
        dr_text = "the baseline has no standby at this end of the range" + (
            "; daily backup copies added" if cfg.dr.copy_backups else ""
        )
    text = {
        "multi-tenancy": (
            f"{n} environment(s), one per municipality, become one shared environment sized "
            f"for {pop:,} residents ({band_of(pop)} band)"
        ),
        "dr": dr_text,
        "managed-services": (
            f"no self-built operations servers ({ops}); AWS Backup, "
            f"{MANAGED_ALARMS_PER_ENV} CloudWatch alarms and {MANAGED_DASHBOARDS_PER_ENV} "
            "dashboard instead"
        ),
        "sizing": (
            f"{napp} × {app} and {dbc}{' Multi-AZ' if maz else ''} become "
            f"{cfg.service.min_tasks} Fargate "
            f"{cfg.service.architecture} task(s) of {cfg.service.vcpu:g} vCPU / "
            f"{cfg.service.memory / 1024:g} GB and Aurora Serverless v2 "
            f"{cfg.database.min_acu:g}–{cfg.database.max_acu:g} ACU"
        ),
        "operating-hours": (
            f"app {monthly_hours(m.app_hours):.0f} h and database "
            f"{monthly_hours(m.db_hours):.0f} h a month instead of 730 "
            + ("(scheduled shutdown)" if cfg.schedule_enabled else "(production runs 24/7)")
        ),
        "storage": (
            f"database storage for today's {m.usage.data:g} GB instead of "
            f"×{m.sizing.storage_growth_factor:g} on {m.sizing.root_volume[0]}"
            + ("; AWS Backup instead of full daily copies" if m.sizing.full_backups else "")
        ),
        "logs": (
            "retention per class ("
            + ", ".join(
                f"{c} {lc.retention_days} d"
                + (f", archive {lc.archive_days} d" if lc.archive_days else "")
                for c, lc in cfg.logging.classes.items()
            )
            + (
                ") instead of never-expiring log groups"
                if m.sizing.log_retention_days is None
                else f") instead of {m.sizing.log_retention_days} days everywhere"
            )
        ),
    }[lever]
    return f"{text}. {_delta_text(before, after)}"


def waterfall(m: ModelInputs, catalog: PriceSource) -> Waterfall:
    """Baseline, then each lever in order; saving = cost before − cost after the step."""
    sc = BASELINE
    base = scenario_estimate(sc, m, catalog, "baseline (lift-and-shift, IaaS type)")
    prev = base
    steps: list[tuple[Lever, Estimate]] = []
    levers: list[LeverSaving] = []
    for lever in LEVER_ORDER:
        sc = replace(sc, **LEVER_STEPS[lever])
        est = scenario_estimate(sc, m, catalog, f"after {LEVER_NAMES[lever][1]}")
        levers.append(
            LeverSaving(
                lever,
                prev.monthly_usd - est.monthly_usd,
                _explain(lever, m, prev, est),
                _explain_ja(lever, m, prev, est),
            )
        )
        steps.append((lever, est))
        prev = est
    return Waterfall(base, steps, levers)


def baseline_assumptions(sizing: Sizing = LOW) -> dict[str, dict[str, Any]]:
    """The model's figures at one end of the range, with where each comes from."""
    src_deck = "source deck (MIC advisor, 2025-10), 'B: IaaS type'"
    src_guide = "Digital Agency cost-optimisation approach guide v1.0 (2025-03-24)"
    notes = {
        "end": {
            "value": sizing.end,
            "source": "gcmod.cost.sizing: low = conservative (the headline), high = the "
            "practices the deck and the estimate checklist describe",
        },
        "environments": {
            "value": "one per municipality",
            "source": f"{src_deck}: tens of environments instead of one multi-tenant SaaS",
        },
    }
    notes.update(sizing.assumptions())
    notes.update(
        {
            "warmStandbyShape": {
                "value": {
                    "appServers": STANDBY_APP_SERVERS,
                    "db": "Single-AZ, same class",
                    "natGateways": STANDBY_NAT_GATEWAYS,
                    "loadBalancers": 1,
                },
                "source": f"{src_guide} DR lever: a minimal reduced environment running in "
                "another region (構成B); counts are a rule",
            },
            "natOtherGbPerEnvironment": {
                "value": NAT_OTHER_GB_PER_ENV,
                "source": "rule (no source): OS patches and agents beside the logs sent "
                "through NAT",
            },
            "managedAlarmsPerEnvironment": {
                "value": MANAGED_ALARMS_PER_ENV,
                "source": "rule (no source): CPU, memory, 5xx, DB connections, backup failures",
            },
            "managedDashboardsPerEnvironment": {
                "value": MANAGED_DASHBOARDS_PER_ENV,
                "source": "the platform's service dashboard (gcmod's Observability component), "
                "in place of the monitoring server's screens; its budgets are free",
            },
            "hoursPerMonth": {
                "value": HOURS_PER_MONTH,
                "source": "AWS Pricing Calculator FAQ: 730 hours a month; the estimate "
                "checklist (2025-04) flags production and test environments running 24/365",
            },
        }
    )
    return notes


def baseline_assumptions_ja(sizing: Sizing = LOW) -> dict[str, dict[str, Any]]:
    """The Japanese of :func:`baseline_assumptions`: each figure's source."""
    deck = "総務省 デジタル統括アドバイザーの資料 (2025-10)「B: IaaS 型」"
    guide = "デジタル庁「コスト最適化の考え方」v1.0 (2025-03-24)"
    notes: dict[str, dict[str, Any]] = {
        "end": {
            "source": "gcmod.cost.sizing: 下限 = 控えめ (見出しの比較に使用)、上限 = 資料と"
            "見積チェックリストが挙げる実務"
        },
        "environments": {"source": f"{deck}: 1つのマルチテナント SaaS ではなく数十の環境"},
    }
    notes.update(sizing.assumptions_ja())
    notes.update(
        {
            "warmStandbyShape": {
                "source": f"{guide} の DR の施策: 別リージョンで動く最小限の縮退環境 (構成B)。"
                "台数はルール"
            },
            "natOtherGbPerEnvironment": {
                "source": "ルール (出典なし): NAT を通るログ以外の OS パッチとエージェントの通信"
            },
            "managedDashboardsPerEnvironment": {
                "source": "プラットフォームのサービスダッシュボード (gcmod の監視コンポーネント) が"
                "監視サーバーの画面に代わる。予算 (AWS Budgets) は無料"
            },
            "managedAlarmsPerEnvironment": {
                "source": "ルール (出典なし): CPU、メモリー、5xx、DB 接続数、バックアップ失敗"
            },
            "hoursPerMonth": {
                "source": "AWS 料金見積ツールの FAQ: 月730時間。見積チェックリスト (2025-04) は"
                "本番環境とテスト環境の24時間365日稼働を指摘している"
            },
        }
    )
    return notes


def steps_table(w: Waterfall) -> list[dict[str, Any]]:
    """The waterfall as rows: step, cost after it, saving (for notes and reports)."""
    rows: list[dict[str, Any]] = [{"step": "baseline", "monthlyUsd": w.baseline.monthly_usd}]
    for (lever, est), saving in zip(w.steps, w.levers, strict=True):
        rows.append({"step": lever, "monthlyUsd": est.monthly_usd, "savingUsd": saving.monthly_usd})
    return rows


def missing_in(w: Waterfall) -> dict[str, list[str]]:
    """Price keys the model could not price, by step (they make a step look cheaper)."""
    out: dict[str, list[str]] = defaultdict(list)
    for label, est in [("baseline", w.baseline), *w.steps]:
        for mp in est.missing:
            key = f"{mp.price_key}@{mp.region}"
            if key not in out[label]:
                out[label].append(key)
    return dict(out)


__all__ = [
    "BASELINE",
    "LEVER_STEPS",
    "MODERN",
    "ModelInputs",
    "Scenario",
    "Waterfall",
    "baseline_assumptions",
    "baseline_assumptions_ja",
    "model_inputs",
    "scenario_charges",
    "scenario_estimate",
    "waterfall",
]
