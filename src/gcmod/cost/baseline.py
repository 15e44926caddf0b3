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

The baseline scenario, per municipality (one environment each):

* **app servers**: :data:`APP_SERVERS_PER_ENV` EC2 instances sized like the
  on-premises box of the tenant's population band (:data:`APP_INSTANCE_BY_BAND`),
  24/7, each with a :data:`ROOT_VOLUME_GB` GB gp2 root volume;
* **a DB server**: RDS for PostgreSQL Multi-AZ of the band's class
  (:data:`DB_CLASS_BY_BAND`), 24/7, on gp2 sized five years ahead
  (today's data × :data:`STORAGE_GROWTH_FACTOR`);
* **warm standby in Osaka** (構成B, production stacks only): the app servers at
  :data:`STANDBY_APP_SERVERS` instance(s), a Single-AZ copy of the DB server and
  its storage, a load balancer and a NAT gateway, all running 24/7, plus the
  replication traffic;
* **self-built operations servers** (:data:`OPS_SERVERS`): a backup server and
  a monitoring server per environment, 24/7;
* **full daily backups**: a full copy of the data every night kept the stack's
  ``backup.retentionDays``, as EBS snapshots taken by the backup server;
* **unbounded logs**: every log class in a log group that never expires
  (priced at the five-year average, see :mod:`gcmod.cost.arithmetic`);
* **network**: a NAT gateway (and its public IPv4 address) per AZ and an
  Application Load Balancer per environment.

The levers, in :data:`gcmod.cost.model.LEVER_ORDER`, each change one thing
(:data:`LEVER_STEPS`):

1. **multi-tenancy**: one environment for all tenants, sized on the band of
   their summed population, instead of one per municipality;
2. **dr**: backup-only DR (構成C: daily copies to the DR region, rebuild from
   code) instead of the warm standby; copies only if ``dr.copyBackups``;
3. **managed-services**: no backup or monitoring servers; AWS Backup takes over
   the backups (the stored volume does not change until step 6) and CloudWatch
   alarms (:data:`MANAGED_ALARMS_PER_ENV`) do the monitoring;
4. **sizing**: the stack's right-sized Fargate service (Graviton by default)
   and Aurora Serverless v2 instead of on-premises-sized VMs and DB classes;
   the database storage is still the five-year gp2 volume until step 6;
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
from gcmod.cost.usage import Usage, band_of

# ---------------------------------------------------------------------------
# Assumptions (each one sourced; they are assumptions, not facts)
# ---------------------------------------------------------------------------
#: Application servers per environment: two, for redundancy, as lift-and-shift
#: vendors duplicate the on-premises pair (the deck's "B: IaaS type"; the
#: lift-and-shift fixture's ap-1/ap-2). Assumption.
APP_SERVERS_PER_ENV = 2
#: App server instance type by population band, sized like the on-premises
#: server rather than from measured use. The guide's lever-1 example is a
#: 16 vCPU / 128 GB server averaging 30 % CPU: r5.4xlarge (16 vCPU, 128 GiB)
#: for the largest tenants; m5.2xlarge (8 vCPU, 32 GiB) for mid-sized cities,
#: m5.xlarge (4 vCPU, 16 GiB) for small ones. Assumption (Digital Agency
#: cost-optimisation approach guide v1.0, 2025-03-24, lever 1 example).
APP_INSTANCE_BY_BAND: dict[str, str] = {
    "designated-city": "r5.4xlarge",
    "core-city": "r5.2xlarge",
    "city": "m5.2xlarge",
    "town-village": "m5.xlarge",
}
#: DB server (RDS for PostgreSQL) class by band, one step below the app server's
#: memory, Multi-AZ (:data:`DB_MULTI_AZ`). Assumption.
DB_CLASS_BY_BAND: dict[str, str] = {
    "designated-city": "db.r5.2xlarge",
    "core-city": "db.r5.xlarge",
    "city": "db.m5.xlarge",
    "town-village": "db.m5.large",
}
#: The lift-and-shift DB server is Multi-AZ (the fixture's RDS; a higher
#: service level than needed is one of the deck's reasons costs rose).
DB_MULTI_AZ = True
#: Database storage provisioned five years ahead: today's data × this factor.
#: The estimate checklist (April 2025) asks for "storage sized for current
#: data, not five years ahead"; the factor 5 (data growing by its own size
#: every 15 months or so, with headroom) is an assumption.
STORAGE_GROWTH_FACTOR = 5.0
#: Root volume of every lift-and-shift server (GB, gp2 until the storage
#: lever). Assumption, as in the lift-and-shift fixture.
ROOT_VOLUME_GB = 100.0
#: Self-built operations servers per environment, running 24/7 (guide lever 3:
#: backup, monitoring, logging and job control as managed services instead).
#: The brief names a backup server and a monitoring server; instance types
#: are assumptions.
OPS_SERVERS: dict[str, str] = {"backup": "m5.large", "monitoring": "m5.large"}
#: App servers kept running in the warm standby (構成B: "reduced count").
STANDBY_APP_SERVERS = 1
#: NAT gateways in the standby (one, not one per AZ). Assumption.
STANDBY_NAT_GATEWAYS = 1
#: GB a month each environment sends through NAT besides its logs (OS
#: patches, agent updates). Assumption.
NAT_OTHER_GB_PER_ENV = 10.0
#: CloudWatch alarms that replace a monitoring server (managed-services lever).
#: Assumption: CPU, memory, 5xx, DB connections, backup failures.
MANAGED_ALARMS_PER_ENV = 5

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

    @property
    def region(self) -> str:
        return self.cfg.region

    @property
    def dr_region(self) -> str:
        return self.cfg.dr.region


def model_inputs(
    cfg: StackConfig, usage: Usage, app_hours: float | None = None, db_hours: float | None = None
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
    return ModelInputs(cfg, usage, tenants, app_hours, db_hours, archive)


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
    u, cfg = m.usage, m.cfg
    out: list[Charge] = []
    app_h = monthly_hours(m.app_hours) if sc.scheduled_hours else HOURS_PER_MONTH
    db_h = monthly_hours(m.db_hours) if sc.scheduled_hours else HOURS_PER_MONTH
    disk = "gp3" if sc.storage_for_today else "gp2"
    region, dr_region = m.region, m.dr_region
    standby = sc.dr == "warm-standby" and cfg.is_production
    copies = sc.dr == "backup-only" and cfg.dr.copy_backups
    svc, db = cfg.service, cfg.database
    for env in _envs(sc, m):
        t = env.tenant
        data = u.data * env.data_share
        requests = u.requests * env.request_share
        db_storage = data if sc.storage_for_today else data * STORAGE_GROWTH_FACTOR
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
            if not sc.storage_for_today:  # still the five-year gp2 volume
                az = "-multiaz" if db.multi_az else ""
                aurora = [c for c in aurora if c.price_key != "aurora.storage.gb-month"] + [
                    Charge(
                        db_res,
                        "baseline:database",
                        "database",
                        f"database storage still provisioned five years ahead, gp2 "
                        f"({data:.4g} GB × {STORAGE_GROWTH_FACTOR:g})",
                        f"rds.storage.gp2{az}.gb-month",
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
                instance_type=APP_INSTANCE_BY_BAND[env.band],
                count=APP_SERVERS_PER_ENV,
                hours=app_h,
                volumes=[(disk, ROOT_VOLUME_GB)],
                tenant=t,
                what=f"app server ({env.band}-sized)",
            )
            out += rds_instance_charges(
                db_res,
                "baseline:db-server",
                region,
                engine="postgres",
                instance_class=DB_CLASS_BY_BAND[env.band],
                multi_az=DB_MULTI_AZ,
                hours=db_h,
                storage_type=disk,
                storage_gb=db_storage,
                tenant=t,
                what=f"DB server ({env.band}-sized)",
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
                    what="standby",
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
                    instance_type=APP_INSTANCE_BY_BAND[env.band],
                    count=STANDBY_APP_SERVERS,
                    hours=HOURS_PER_MONTH,
                    volumes=[(disk, ROOT_VOLUME_GB)],
                    tenant=t,
                    what="standby app server",
                )
                out += rds_instance_charges(
                    sb,
                    "baseline:standby",
                    dr_region,
                    engine="postgres",
                    instance_class=DB_CLASS_BY_BAND[env.band],
                    multi_az=False,
                    hours=HOURS_PER_MONTH,
                    storage_type=disk,
                    storage_gb=db_storage,
                    tenant=t,
                    what="standby DB server",
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
                    f"replication to {dr_region} ({data:.4g} GB × "
                    f"{u.backup_daily_change_rate:g} changed a day × {DAYS_PER_MONTH:.4g} days; "
                    "inter-region transfer price)",
                    "backup.cross-region-transfer.gb",
                    region,
                    data * u.backup_daily_change_rate * DAYS_PER_MONTH,
                    t,
                )
            )

        # -- operations: self-built servers or managed services ---------------
        if not sc.managed:
            for role, itype in OPS_SERVERS.items():
                out += ec2_charges(
                    f"{env.name}/{role}-server",
                    "baseline:ops-server",
                    region,
                    instance_type=itype,
                    count=1,
                    hours=HOURS_PER_MONTH,
                    volumes=[(disk, ROOT_VOLUME_GB)],
                    tenant=t,
                    what=f"{role} server",
                )
        else:
            out.append(
                Charge(
                    f"{env.name}/monitoring",
                    "baseline:managed-monitoring",
                    "operations",
                    f"CloudWatch alarms instead of a monitoring server ({MANAGED_ALARMS_PER_ENV})",
                    "cloudwatch.alarm-month",
                    region,
                    MANAGED_ALARMS_PER_ENV,
                    t,
                )
            )

        # -- backups ------------------------------------------------------------
        # Full copies are EBS snapshots (what the backup server made; AWS Backup
        # takes the job over at the managed-services step, the volume stays);
        # then AWS Backup's recovery points of the database, billed by the rule
        # of its kind (pricers.backup.BACKUP_RULES: RDS incremental beyond its
        # provisioned storage, Aurora full snapshots beyond the automated window).
        if not sc.storage_for_today:
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
            incremental=sc.storage_for_today,
            automated_days=AURORA_AUTOMATED_BACKUP_DAYS,
            allowance_gb=db_storage if kind == "rds" else 0.0,
            copy_region=dr_region if copies else None,
            copy_retention_days=cfg.dr.retention_days,
            tenant=t,
            what="daily" if sc.managed else "backup-server snapshots,",
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
                retention_days=lc.retention_days if sc.bounded_logs else None,
                storage_ratio=u.log_storage_ratio,
                tenant=t,
            )
            if sc.bounded_logs and lc.archive_days is not None:
                archived = gb * u.archive_compression_ratio
                out += archive_charges(
                    f"{env.name}/logs-{cls}",
                    "baseline:logs",
                    region,
                    label=f"{cls} archive",
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
                        f"Firehose ingestion, {cls} ({archived:.4g} GB)",
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


def _explain_ja(lever: Lever, m: ModelInputs, before: Estimate, after: Estimate) -> str:
    """:func:`_explain` in Japanese."""
    n = len(m.tenants)
    cfg = m.cfg
    pop = sum(t.population for t in m.tenants)
    band = band_of(pop)
    if cfg.is_production:
        dr_text = f"{cfg.dr.region} のウォームスタンバイを廃止" + (
            f"、代わりに日次バックアップのコピーを {cfg.dr.retention_days} 日保持 (構成C)"
            if cfg.dr.copy_backups
            else "、バックアップのコピーなし (dr.copyBackups: false)"
        )
    else:
        dr_text = "非本番: 移行前構成にスタンバイなし" + (
            "、日次バックアップのコピーを追加" if cfg.dr.copy_backups else ""
        )
    text = {
        "multi-tenancy": (
            f"団体ごとの {n} 環境を、住民 {pop:,} 人 ({band} 区分) 向けの共通の 1 環境に集約"
        ),
        "dr": dr_text,
        "managed-services": (
            f"自前の {'・'.join(OPS_SERVERS)} サーバーを廃止し、AWS Backup と CloudWatch "
            f"アラーム {MANAGED_ALARMS_PER_ENV} 個で代替"
        ),
        "sizing": (
            f"{APP_INSTANCE_BY_BAND[band]} × {APP_SERVERS_PER_ENV} 台と "
            f"{DB_CLASS_BY_BAND[band]} マルチAZ を、{cfg.service.vcpu:g} vCPU / "
            f"{cfg.service.memory / 1024:g} GB の Fargate {cfg.service.architecture} タスク "
            f"{cfg.service.min_tasks} 個と Aurora Serverless v2 "
            f"{cfg.database.min_acu:g}–{cfg.database.max_acu:g} ACU に"
        ),
        "operating-hours": (
            f"月 730 時間ではなく、アプリ {monthly_hours(m.app_hours):.0f} 時間・データベース "
            f"{monthly_hours(m.db_hours):.0f} 時間 "
            + ("(業務時間外の自動停止)" if cfg.schedule_enabled else "(本番は常時稼働)")
        ),
        "storage": (
            f"gp2 で {STORAGE_GROWTH_FACTOR:g} 倍ではなく現在のデータ {m.usage.data:g} GB 分の"
            "ストレージ、日次のフルバックアップではなく増分バックアップ"
        ),
        "logs": (
            "無期限保存のロググループではなく区分ごとの保存期間 ("
            + "、".join(
                f"{c} {lc.retention_days} 日"
                + (f"・アーカイブ {lc.archive_days} 日" if lc.archive_days else "")
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
    if cfg.is_production:
        dr_text = f"no warm standby in {cfg.dr.region}" + (
            f"; daily backup copies kept {cfg.dr.retention_days} days instead (構成C)"
            if cfg.dr.copy_backups
            else "; the stack copies no backups (dr.copyBackups false)"
        )
    else:
        dr_text = "non-production: the baseline has no standby" + (
            "; daily backup copies added" if cfg.dr.copy_backups else ""
        )
    text = {
        "multi-tenancy": (
            f"{n} environment(s), one per municipality, become one shared environment sized "
            f"for {pop:,} residents ({band_of(pop)} band)"
        ),
        "dr": dr_text,
        "managed-services": (
            f"no self-built {' and '.join(OPS_SERVERS)} servers; AWS Backup and "
            f"{MANAGED_ALARMS_PER_ENV} CloudWatch alarms instead"
        ),
        "sizing": (
            f"{APP_SERVERS_PER_ENV} × {APP_INSTANCE_BY_BAND[band_of(pop)]} and "
            f"{DB_CLASS_BY_BAND[band_of(pop)]} Multi-AZ become {cfg.service.min_tasks} Fargate "
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
            f"×{STORAGE_GROWTH_FACTOR:g} on gp2; incremental instead of full daily backups"
        ),
        "logs": (
            "retention per class ("
            + ", ".join(
                f"{c} {lc.retention_days} d"
                + (f", archive {lc.archive_days} d" if lc.archive_days else "")
                for c, lc in cfg.logging.classes.items()
            )
            + ") instead of never-expiring log groups"
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


def baseline_assumptions() -> dict[str, dict[str, Any]]:
    """The model's constants with where each comes from (for the estimate's notes)."""
    src_deck = "source deck (MIC advisor, 2025-10), 'B: IaaS type'"
    src_guide = "Digital Agency cost-optimisation approach guide v1.0 (2025-03-24)"
    src_check = "estimate checklist (見積チェックリスト, 2025-04)"
    return {
        "environments": {
            "value": "one per municipality",
            "source": f"{src_deck}: tens of environments instead of one multi-tenant SaaS",
        },
        "appServersPerEnvironment": {
            "value": APP_SERVERS_PER_ENV,
            "source": f"assumption: a redundant pair, as lifted from on-premises ({src_deck})",
        },
        "appInstanceByBand": {
            "value": dict(APP_INSTANCE_BY_BAND),
            "source": f"assumption, scaled from the {src_guide} lever-1 example of a "
            "16 vCPU / 128 GB on-premises server (r5.4xlarge)",
        },
        "dbClassByBand": {
            "value": dict(DB_CLASS_BY_BAND),
            "source": "assumption: RDS for PostgreSQL Multi-AZ, a class below the app server",
        },
        "storageGrowthFactor": {
            "value": STORAGE_GROWTH_FACTOR,
            "source": f"assumption: capacity five years ahead, which the {src_check} flags",
        },
        "rootVolumeGb": {"value": ROOT_VOLUME_GB, "source": "assumption: gp2 per server"},
        "opsServers": {
            "value": dict(OPS_SERVERS),
            "source": f"{src_guide} lever 3: self-built backup and monitoring servers 24/7",
        },
        "warmStandby": {
            "value": {
                "appServers": STANDBY_APP_SERVERS,
                "db": "Single-AZ, same class",
                "natGateways": STANDBY_NAT_GATEWAYS,
                "loadBalancers": 1,
                "productionOnly": True,
            },
            "source": f"{src_guide} lever 5: warm standby (構成B) instead of backup-only (構成C)",
        },
        "backups": {
            "value": "full copy every night, kept backup.retentionDays, EBS snapshots",
            "source": f"{src_check}: differential rather than full backups",
        },
        "logs": {
            "value": "never expire (5-year average stored)",
            "source": f"{src_guide}: define which logs are needed and for how long",
        },
        "natOtherGbPerEnvironment": {
            "value": NAT_OTHER_GB_PER_ENV,
            "source": "assumption: OS patches and agents, beside the logs sent through NAT",
        },
        "managedAlarmsPerEnvironment": {
            "value": MANAGED_ALARMS_PER_ENV,
            "source": "assumption: alarms replacing a monitoring server",
        },
        "hoursPerMonth": {
            "value": HOURS_PER_MONTH,
            "source": "AWS Pricing Calculator FAQ: 730 hours a month",
        },
    }


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
    "model_inputs",
    "scenario_charges",
    "scenario_estimate",
    "waterfall",
]
