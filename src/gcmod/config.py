"""Typed stack configuration, validated once at the edge.

A stack file ``stacks/Pulumi.<stack>.yaml`` holds ``gcmod:<key>`` entries (and
``aws:region``). :func:`load_stack_file` (offline) and :func:`from_engine_config`
(under ``pulumi up``) both go through :func:`parse_config`, which either
returns a frozen :class:`StackConfig` the rest of the code can trust, or raises
:class:`ConfigError` naming the file, the key, the bad value and what is
allowed. Unknown keys are errors.

Every default is documented on its field (``@default``), and
``docs/configuration.md`` lists them all.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel

from gcmod import reference as ref
from gcmod.loader import LoadError, load_yaml, shown

PROJECT = "gcmod"
"""Pulumi project name, and so the config namespace (``gcmod:``)."""

Environment = Literal["production", "staging", "development"]


class ConfigError(Exception):
    """A stack configuration that cannot be used. ``str()`` is the user message."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = [f"設定エラー / configuration error in {source}:"]
        lines += [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


#: Settings of every model read from a user's YAML (stack and usage files):
#: unknown keys are errors, camelCase keys, frozen, field docstrings kept;
#: numbers are finite (``.inf``, ``.nan``, ``"1e999"`` are refused).
MODEL_CONFIG = ConfigDict(
    extra="forbid",
    allow_inf_nan=False,
    frozen=True,
    alias_generator=to_camel,
    populate_by_name=True,
    str_strip_whitespace=True,
    use_attribute_docstrings=True,
)


class _Model(BaseModel):
    model_config = MODEL_CONFIG


def _not_below(v: Any, info: ValidationInfo, lower_field: str) -> Any:
    """Cross-field check: this field must not be below ``lower_field``."""
    lo = info.data.get(lower_field)
    if lo is not None and v < lo:
        raise ValueError(f"must not be less than {to_camel(lower_field)} ({lo:g})")
    return v


# ---------------------------------------------------------------------------
# Tenants
# ---------------------------------------------------------------------------
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOST_RE = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


def one_line(v: str) -> str:
    """Validator: one line of printable text by the Unicode definition. Refuses
    control and format characters (category C: ``\\x0b``, ``\\x0c``, ``\\x85``, the
    bidi controls U+200E/F, U+202A–202E, U+2066–2069, ...), the line and paragraph
    separators U+2028/2029 (categories Zl, Zp) and anything ``str.splitlines``
    breaks on. The one place names written into generated files are checked."""
    bad = next(
        (
            c
            for c in v
            if unicodedata.category(c)[0] == "C"
            or unicodedata.category(c) in ("Zl", "Zp")
            or len(f"a{c}a".splitlines()) > 1
        ),
        None,
    )
    if bad is not None:
        raise ValueError(
            "must be one line of printable text (no control characters): "
            f"U+{ord(bad):04X} ({unicodedata.name(bad, 'a control character')}) is not "
            "allowed, nor any line or paragraph separator, format or bidirectional control"
        )
    return v


def _japan_region(v: str) -> str:
    """Validator: one of :data:`gcmod.reference.JAPAN_REGIONS`."""
    if v not in ref.JAPAN_REGIONS:
        raise ValueError("must be a region in Japan: " + ", ".join(ref.JAPAN_REGIONS))
    return v


class Tenant(_Model):
    """A municipality served by the shared environment."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    """Municipality name as its residents write it, e.g. ``札幌市``. Required."""
    code: str
    """Six-digit local government code (全国地方公共団体コード) with its check
    digit, e.g. ``011002``. Required."""
    population: Annotated[int, Field(gt=0, le=40_000_000)]
    """Resident population; used for size presets and cost shares. Required."""
    host: str | None = None
    """Host name routed to this tenant on the shared load balancer.
    @default ``<code>.<domain>``"""

    _name = field_validator("name")(lambda cls, v: one_line(v))

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v: Any) -> str:
        s = str(v) if isinstance(v, int) else v
        if not isinstance(s, str) or not ref.is_valid_lg_code(s):
            raise ValueError(
                "must be a six-digit local government code whose sixth digit is the check "
                "digit (11 − (6·d1+5·d2+4·d3+3·d4+2·d5) mod 11) mod 10, e.g. 011002 (Sapporo); "
                "quote it in YAML so leading zeros are kept"
            )
        return s

    @field_validator("host")
    @classmethod
    def _host(cls, v: str | None) -> str | None:
        if v is not None and not _HOST_RE.match(v):
            raise ValueError("must be a lower-case DNS host name such as 011002.example.lg.jp")
        return v


# ---------------------------------------------------------------------------
# Service
# ---------------------------------------------------------------------------
_APPSCALING_CRON = re.compile(r"^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$")


class Peak(_Model):
    """A known load peak served by scheduled scaling (e.g. month-end)."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")]
    """Short id, lower-case letters, digits and ``-``. Required."""
    start: str
    """Application Auto Scaling cron for the start of the peak, Asia/Tokyo,
    e.g. ``cron(0 8 25-31 * ? *)``. Required."""
    end: str
    """Cron for the end of the peak, when the normal bounds return. Required."""
    min_tasks: Annotated[int, Field(ge=0, le=1000)]
    """Task minimum during the peak. Required."""
    max_tasks: Annotated[int, Field(ge=1, le=1000)]
    """Task maximum during the peak. Required."""

    @field_validator("start", "end")
    @classmethod
    def _cron(cls, v: str) -> str:
        if not _APPSCALING_CRON.match(v):
            raise ValueError("must be a six-field cron expression such as cron(0 8 25-31 * ? *)")
        return v

    _max = field_validator("max_tasks")(lambda cls, v, info: _not_below(v, info, "min_tasks"))


class ServiceConfig(_Model):
    """The stateless container service (ECS on Fargate)."""

    image: str = "public.ecr.aws/nginx/nginx-unprivileged:stable"
    """Container image. @default NGINX's unprivileged image from ECR Public (listens
    on 8080, writes only to /tmp), a placeholder for the vendor's
    standard-compliant application image."""
    cpu: int = 512
    """Fargate CPU units per task. @default 512 (0.5 vCPU): size from measured
    utilisation, not from the on-premises server (guide lever 1)."""
    memory: int = 1024
    """Fargate memory (MiB) per task; must be a size Fargate offers for ``cpu``.
    @default 1024"""
    architecture: Literal["ARM64", "X86_64"] = "ARM64"
    """CPU architecture. @default ARM64 (Graviton: a lower price per vCPU-hour and
    GB-hour than X86_64 on the AWS Fargate pricing page, checked 2026-11)."""
    container_port: Annotated[int, Field(ge=1, le=65535)] = 8080
    """Port the container listens on. @default 8080"""
    health_check_path: Annotated[str, Field(pattern=r"^/\S*$")] = "/"
    """HTTP path the load balancer checks. @default / (the placeholder image's
    page; point it at the application's health endpoint)"""
    min_tasks: Annotated[int, Field(ge=0, le=1000)] = 1
    """Autoscaling minimum outside peaks. @default 1"""
    max_tasks: Annotated[int, Field(ge=1, le=1000)] = 4
    """Autoscaling maximum outside peaks. @default 4"""
    target_cpu_percent: Annotated[float, Field(ge=10, le=90)] = 60.0
    """Target-tracking CPU utilisation. @default 60"""
    peaks: tuple[Peak, ...] = ()
    """Scheduled scaling for known peaks. @default none"""
    certificate_arn: str | None = None
    """ACM certificate for the HTTPS listener. @default a DNS-validated ACM
    certificate for ``*.<domain>`` is requested."""

    @field_validator("cpu")
    @classmethod
    def _cpu(cls, v: int) -> int:
        if v not in ref.FARGATE_SIZES:
            raise ValueError(
                "not a Fargate task size; allowed CPU units: "
                + ", ".join(map(str, ref.FARGATE_SIZES))
            )
        return v

    @field_validator("memory")
    @classmethod
    def _memory(cls, v: int, info: ValidationInfo) -> int:
        cpu = info.data.get("cpu")
        if cpu is not None and v not in ref.FARGATE_SIZES[cpu]:
            raise ValueError(
                f"Fargate does not offer {v} MiB with cpu {cpu}; "
                f"allowed: {ref.fargate_memory_choices(cpu)}"
            )
        return v

    _max = field_validator("max_tasks")(lambda cls, v, info: _not_below(v, info, "min_tasks"))

    @field_validator("certificate_arn")
    @classmethod
    def _cert(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith("arn:aws:acm:"):
            raise ValueError("must be an ACM certificate ARN (arn:aws:acm:...)")
        return v

    @property
    def vcpu(self) -> float:
        return self.cpu / 1024


# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------
class DatabaseConfig(_Model):
    """The managed database (Aurora PostgreSQL Serverless v2)."""

    min_acu: float = 0.5
    """Serverless v2 minimum capacity (ACU). @default 0.5"""
    max_acu: float = 4.0
    """Serverless v2 maximum capacity (ACU). @default 4"""
    multi_az: bool = False
    """Add a reader in a second AZ. @default false: only where the availability
    grade asks for it (the standard's 99.5% does not)."""
    engine_version: Annotated[str, Field(pattern=r"^\d+\.\d+$")] = (
        ref.DEFAULT_AURORA_POSTGRES_VERSION
    )
    """Aurora PostgreSQL engine version. @default 16.6"""
    data_gb: Annotated[float, Field(gt=0, le=131072)] = 20.0
    """Data held today (GB), declared for estimates and storage checks; Aurora
    storage grows on demand, so nothing is provisioned for five years ahead.
    @default 20"""
    deletion_protection: bool | None = None
    """@default true in production, false elsewhere."""
    restore_from: str | None = None
    """Create the cluster from this recovery point: an Aurora cluster snapshot
    ARN, e.g. the AWS Backup copy in the DR vault. @default none: an empty
    database"""

    @field_validator("restore_from")
    @classmethod
    def _snapshot(cls, v: str | None) -> str | None:
        if v is not None and not re.match(
            r"^arn:aws:rds:[a-z0-9-]+:\d{12}:cluster-snapshot:[A-Za-z0-9:_-]+$", v
        ):
            raise ValueError(
                "must be an Aurora cluster snapshot ARN "
                "(arn:aws:rds:<region>:<account>:cluster-snapshot:<name>)"
            )
        return v

    @field_validator("min_acu", "max_acu")
    @classmethod
    def _acu(cls, v: float) -> float:
        if not (ref.ACU_MIN <= v <= ref.ACU_MAX) or (v / ref.ACU_STEP) % 1:
            raise ValueError(
                f"must be between {ref.ACU_MIN:g} and {ref.ACU_MAX:g} ACU "
                f"in steps of {ref.ACU_STEP:g}"
            )
        return v

    @field_validator("max_acu")
    @classmethod
    def _max_acu(cls, v: float, info: ValidationInfo) -> float:
        if v < 1:
            raise ValueError("must be at least 1 ACU")
        return _not_below(v, info, "min_acu")


# ---------------------------------------------------------------------------
# Schedule
# ---------------------------------------------------------------------------
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class BusinessHoursConfig(_Model):
    """When non-production runs on office days (Asia/Tokyo)."""

    start: str = "08:00"
    """Start of the running window. @default 08:00: 30 minutes before offices
    open at 08:30, so the service is warm."""
    end: str = "18:00"
    """End of the running window. @default 18:00: 45 minutes after offices
    close at 17:15."""

    @field_validator("start", "end", mode="before")
    @classmethod
    def _hhmm(cls, v: Any) -> str:
        if isinstance(v, int) and 0 <= v < 24 * 60:
            # YAML 1.1 reads 08:00 as a sexagesimal integer (480).
            v = f"{v // 60:02d}:{v % 60:02d}"
        if not isinstance(v, str) or not _HHMM.match(v):
            raise ValueError("must be a time HH:MM (24 h), e.g. 08:00")
        return v

    @field_validator("end")
    @classmethod
    def _after_start(cls, v: str, info: ValidationInfo) -> str:
        start = info.data.get("start")
        if start is not None and v <= start:
            raise ValueError(f"must be after start ({start})")
        return v

    @property
    def start_time(self) -> dt.time:
        return dt.time.fromisoformat(self.start)

    @property
    def end_time(self) -> dt.time:
        return dt.time.fromisoformat(self.end)


class ScheduleConfig(_Model):
    """Scheduled shutdown outside municipal business hours."""

    enabled: bool | None = None
    """Stop outside business hours, weekends, national holidays and 29 Dec –
    3 Jan. @default true outside production; production only when set true."""
    business_hours: BusinessHoursConfig = BusinessHoursConfig()
    """@default 08:00–18:00"""
    horizon_months: Annotated[int, Field(ge=1, le=24)] = 12
    """How many calendar months of holiday-aware schedules are generated.
    @default 12"""
    horizon_start: dt.date | None = None
    """First day of the horizon; the horizon must end within the years the
    Japanese holiday calendar covers (the ``holidays`` package: 1949–2099).
    @default the first day of the current month (Asia/Tokyo) when the program runs."""

    @field_validator("horizon_start")
    @classmethod
    def _horizon_in_calendar(cls, v: dt.date | None, info: ValidationInfo) -> dt.date | None:
        import holidays

        if v is None:
            return v
        first, last = holidays.Japan.start_year, holidays.Japan.end_year
        months = info.data.get("horizon_months") or 1
        end_month = v.year * 12 + v.month - 1 + months  # month after the horizon (exclusive)
        if v.year < first or (end_month - 1) // 12 > last:
            raise ValueError(
                f"the horizon ({months} months from {v.isoformat()}) must lie within "
                f"{first}–{last}, the years with Japanese holiday data; e.g. the first day "
                "of this month"
            )
        return v


# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------
class LogClass(_Model):
    """A class of logs with one retention."""

    retention_days: int
    """CloudWatch Logs retention in days; one of the values CloudWatch accepts.
    Required."""
    archive_days: Annotated[int, Field(ge=1, le=36500)] | None = None
    """Keep an archive in S3 (moving to archive tiers) for this many days.
    @default none: no archive."""

    @field_validator("retention_days")
    @classmethod
    def _retention(cls, v: int) -> int:
        if v not in ref.LOG_RETENTION_DAYS:
            raise ValueError(
                "must be one of the CloudWatch Logs retention values: "
                + ", ".join(map(str, ref.LOG_RETENTION_DAYS))
            )
        return v

    @field_validator("archive_days")
    @classmethod
    def _archive(cls, v: int | None, info: ValidationInfo) -> int | None:
        keep = info.data.get("retention_days")
        if v is not None and keep is not None and v < keep:
            raise ValueError(f"must not be shorter than retentionDays ({keep})")
        return v


def _default_log_classes() -> dict[str, LogClass]:
    return {
        "application": LogClass(retention_days=30),
        "access": LogClass(retention_days=90),
        "audit": LogClass(retention_days=400, archive_days=1827),
    }


class LoggingConfig(_Model):
    """Managed logging: one CloudWatch log group per class."""

    classes: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")], LogClass] = Field(
        default_factory=_default_log_classes
    )
    """Log classes by name. @default application 30 days; access 90 days;
    audit 400 days, archived to S3 for 1827 days (five years)."""

    @field_validator("classes")
    @classmethod
    def _nonempty(cls, v: dict[str, LogClass]) -> dict[str, LogClass]:
        if not v:
            raise ValueError("at least one log class is needed")
        return v


# ---------------------------------------------------------------------------
# Backup and DR
# ---------------------------------------------------------------------------
class BackupConfig(_Model):
    """Managed backup (AWS Backup)."""

    retention_days: Annotated[int, Field(ge=1, le=36500)] = 35
    """Days each daily recovery point is kept. @default 35"""
    cold_storage_after_days: Annotated[int, Field(ge=1, le=36500)] | None = None
    """Move recovery points to cold storage after this many days (only pays
    for long retention; AWS needs 90 days in cold). @default none"""
    vault_lock: bool | None = None
    """Lock the vault (WORM). @default true in production."""
    restore_testing: bool | None = None
    """Run an AWS Backup restore testing plan. @default true in production."""

    @field_validator("cold_storage_after_days")
    @classmethod
    def _cold(cls, v: int | None, info: ValidationInfo) -> int | None:
        keep = info.data.get("retention_days")
        if v is not None and keep is not None and keep < v + 90:
            raise ValueError(
                f"retentionDays ({keep}) must be at least this + 90 ({v + 90}): "
                "AWS Backup keeps cold recovery points 90 days at least"
            )
        return v


class DrConfig(_Model):
    """Disaster recovery: backup-only (構成C)."""

    region: str = ref.DR_REGION
    """Region that receives backup copies; nothing runs there.
    @default ap-northeast-3 (Osaka)"""
    copy_backups: bool = True
    """Copy each recovery point to the DR region. @default true"""
    retention_days: Annotated[int, Field(ge=1, le=36500)] = 35
    """Days copies are kept in the DR vault. @default 35"""

    _region = field_validator("region")(_japan_region)


# ---------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------
class NetworkConfig(_Model):
    """The VPC."""

    cidr: str = "10.0.0.0/16"
    """VPC CIDR block. @default 10.0.0.0/16"""
    az_count: Annotated[int, Field(ge=2, le=3)] = 2
    """Availability zones with a private subnet. @default 2"""
    nat_gateway: Literal["none", "single", "per-az"] = "none"
    """Outbound internet. @default none: VPC endpoints (ECR, Logs, S3, Secrets
    Manager) serve what the platform needs."""

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, v: str) -> str:
        try:
            net = ipaddress.IPv4Network(v, strict=True)
        except ValueError as exc:
            raise ValueError(f"must be an IPv4 CIDR block such as 10.0.0.0/16 ({exc})") from None
        if not net.is_private or not 16 <= net.prefixlen <= 24:
            raise ValueError("must be a private IPv4 block from /16 to /24")
        return v


# ---------------------------------------------------------------------------
# Observability and cost guardrails
# ---------------------------------------------------------------------------
#: Largest monthly budget accepted (USD): far beyond any municipal system, and it
#: keeps the amount a finite number AWS Budgets takes.
MAX_BUDGET_USD = 10_000_000.0
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BudgetUsd = Annotated[float, Field(gt=0, le=MAX_BUDGET_USD)]


class ObservabilityConfig(_Model):
    """Per-tenant visibility and cost guardrails: a CloudWatch dashboard (service
    level, errors, latency, requests per tenant), an AWS Budget for the environment
    and one per tenant (cost-allocation tags), alerting an SNS topic at 80 % of the
    actual and 100 % of the forecast cost."""

    enabled: bool = True
    """Build the dashboard, the budgets and the alert topic. @default true"""
    monthly_budget_usd: BudgetUsd | None = None
    """Monthly cost budget of the environment (USD), over the costs tagged with
    the stack's ``gcmod:system`` and ``gcmod:environment``. @default 1.5 × the
    modelled monthly cost of the capacity this config declares (gcmod's cost
    model: service and database 24/7, storage, backups, network, at the packaged
    catalogue's list prices, without the traffic-driven part, so adding a tenant
    does not move it), rounded up to whole 10 USD; ``gcmod estimate --json``
    compares it with the plan (assumption ``observability.budgets``)."""
    tenant_budgets: bool = True
    """A budget per tenant, over the costs tagged with its code (``gcmod:tenant``).
    In a shared environment those are the tenant's own resources (its listener rule
    and parameter, and whatever else is tagged with it); its share of the shared
    ones is in the estimate's tenant shares, which AWS Budgets cannot split.
    @default true"""
    tenant_budgets_usd: dict[str, BudgetUsd] = Field(default_factory=dict)
    """Monthly budget per tenant (local government code -> USD). @default 10 USD
    each: the tenant's own resources cost nothing in gcmod's platform, so the
    budget alerts as soon as resources dedicated to one tenant cost money."""
    alert_emails: tuple[str, ...] = ()
    """E-mail addresses subscribed to the alert topic (each confirms by e-mail).
    @default none: subscribe the operators' addresses or a chat integration yourself."""

    @field_validator("tenant_budgets_usd", mode="before")
    @classmethod
    def _codes_quoted(cls, v: Any) -> Any:
        if isinstance(v, dict):
            for k in v:
                if not isinstance(k, str):
                    raise ValueError(
                        f"{k!r} is not a local government code: quote the six digits in YAML "
                        '(e.g. "012033"), or a leading zero is lost'
                    )
        return v

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for email in v:
            if not _EMAIL.match(email):
                raise ValueError(f"{email!r} is not an e-mail address (name@example.lg.jp)")
        if len(set(v)) != len(v):
            raise ValueError("an address is listed twice")
        return v

    @field_validator("tenant_budgets_usd")
    @classmethod
    def _tenant_budgets(cls, v: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        if v and info.data.get("tenant_budgets") is False:
            raise ValueError("tenant budgets are off (tenantBudgets: false); remove these amounts")
        return v


# ---------------------------------------------------------------------------
# The stack
# ---------------------------------------------------------------------------
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")


class StackConfig(_Model):
    """Everything a gcmod stack can set."""

    environment: Environment
    """production, staging or development. Required."""
    system: str
    """The standard business system the stack runs: one of the 20
    standardised businesses (e.g. ``jumin-kihon-daicho``). Required."""
    region: str = ref.PRIMARY_REGION
    """From ``aws:region``. @default ap-northeast-1 (Tokyo)"""
    domain: str = "gcmod.internal"
    """Domain under which tenants get host names. @default gcmod.internal"""
    tenants: tuple[Tenant, ...]
    """Municipalities served by this one environment. Required."""
    service: ServiceConfig = ServiceConfig()
    """The stateless container service (see ``service.*``)."""
    database: DatabaseConfig = DatabaseConfig()
    """The managed database (see ``database.*``)."""
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig, validate_default=True)
    """Scheduled shutdown (see ``schedule.*``)."""
    logging: LoggingConfig = LoggingConfig()
    """Managed logging (see ``logging.*``)."""
    backup: BackupConfig = BackupConfig()
    """Managed backup (see ``backup.*``)."""
    dr: DrConfig = Field(default_factory=DrConfig, validate_default=True)
    """Backup-only disaster recovery (see ``dr.*``)."""
    network: NetworkConfig = NetworkConfig()
    """The VPC (see ``network.*``)."""
    observability: ObservabilityConfig = Field(
        default_factory=ObservabilityConfig, validate_default=True
    )
    """Dashboard, budgets and alerts (see ``observability.*``)."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Extra tags on every taggable resource. @default none"""

    @field_validator("tenants")
    @classmethod
    def _tenants(cls, v: tuple[Tenant, ...], info: ValidationInfo) -> tuple[Tenant, ...]:
        if not v:
            raise ValueError("at least one tenant (municipality) is needed")
        codes = Counter(t.code for t in v)  # linear: stacks may serve 1,000+ tenants
        dup = sorted(c for c, n in codes.items() if n > 1)
        if dup:
            raise ValueError(f"duplicate local government code(s) {', '.join(dup)}")
        domain = info.data.get("domain", "gcmod.internal")
        hosts = Counter(t.host or f"{t.code}.{domain}" for t in v)
        duph = sorted(h for h, n in hosts.items() if n > 1)
        if duph:
            raise ValueError(f"duplicate host name(s) {', '.join(duph)}")
        return v

    @field_validator("schedule")
    @classmethod
    def _peaks_vs_shutdown(cls, v: ScheduleConfig, info: ValidationInfo) -> ScheduleConfig:
        service, env = info.data.get("service"), info.data.get("environment")
        enabled = v.enabled if v.enabled is not None else env != "production"
        if enabled and service is not None and service.peaks:
            raise ValueError(
                "service.peaks and a shutdown schedule conflict: a peak's scheduled scaling "
                "would start a stopped service on a closed day; drop the peaks or set "
                "schedule.enabled: false"
            )
        return v

    @field_validator("dr")
    @classmethod
    def _dr_remote(cls, v: DrConfig, info: ValidationInfo) -> DrConfig:
        primary = info.data.get("region")
        if v.region == primary:
            raise ValueError(
                f"dr.region ({v.region}) must differ from the primary region ({primary}): "
                "backups go to one remote location (A.3.2.1)"
            )
        return v

    @field_validator("observability")
    @classmethod
    def _budget_tenants(cls, v: ObservabilityConfig, info: ValidationInfo) -> ObservabilityConfig:
        tenants = info.data.get("tenants")
        if tenants is None:
            return v
        codes = {t.code for t in tenants}
        unknown = sorted(set(v.tenant_budgets_usd) - codes)
        if unknown:
            raise ValueError(
                f"tenantBudgetsUsd names {', '.join(unknown)}, not a tenant of this stack; "
                f"tenants: {', '.join(sorted(codes))}"
            )
        return v

    @field_validator("system")
    @classmethod
    def _system(cls, v: str) -> str:
        if v not in ref.BUSINESS_BY_ID:
            raise ValueError(
                "must be one of the 20 standardised businesses: "
                + ", ".join(f"{b.id} ({b.ja})" for b in ref.BUSINESSES)
            )
        return v

    _region = field_validator("region")(_japan_region)

    @field_validator("domain")
    @classmethod
    def _domain(cls, v: str) -> str:
        if not _HOST_RE.match(v) or "." not in v:
            raise ValueError("must be a lower-case DNS domain such as example.lg.jp")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        for k, val in v.items():
            if not _TAG_KEY.match(k) or k.lower().startswith("aws:"):
                raise ValueError(f"tag key {k!r} is not a valid AWS tag key")
            if len(val) > 256:
                raise ValueError(f"tag {k!r}: value longer than 256 characters")
        return v

    # -- resolved defaults -------------------------------------------------
    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def schedule_enabled(self) -> bool:
        e = self.schedule.enabled
        return (not self.is_production) if e is None else e

    @property
    def deletion_protection(self) -> bool:
        d = self.database.deletion_protection
        return self.is_production if d is None else d

    @property
    def vault_lock(self) -> bool:
        v = self.backup.vault_lock
        return self.is_production if v is None else v

    @property
    def restore_testing(self) -> bool:
        v = self.backup.restore_testing
        return self.is_production if v is None else v

    def tenant_host(self, tenant: Tenant) -> str:
        return tenant.host or f"{tenant.code}.{self.domain}"

    @property
    def business(self) -> ref.Business:
        return ref.BUSINESS_BY_ID[self.system]


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
#: Keys outside the ``gcmod:`` namespace that a stack file may set.
ALLOWED_FOREIGN_KEYS = {"aws:region": "region", "aws:profile": None}
#: Top-level keys Pulumi itself writes into stack files.
ALLOWED_FILE_KEYS = {"config", "secretsprovider", "encryptedkey", "encryptionsalt"}


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return sorted(f.alias or n for n, f in model.model_fields.items())


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that owns the value at ``loc`` (for listing allowed keys)."""
    model: Any = StackConfig
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            return model
        ann = field.annotation
        model = _unwrap_model(ann)
    return model


def _unwrap_model(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        m = _unwrap_model(arg)
        if m is not None:
            return m
    meta = getattr(ann, "__origin__", None)
    if meta is not None and isinstance(meta, type) and issubclass(meta, BaseModel):
        return meta
    return None


def _key_path(loc: tuple[Any, ...]) -> str:
    if not loc:
        return f"{PROJECT}:"
    head, *rest = loc
    out = "aws:region" if head == "region" else f"{PROJECT}:{head}"
    for part in rest:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _lookup(data: Any, loc: tuple[Any, ...]) -> Any:
    cur = data
    for part in loc:
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def _describe(err: dict[str, Any], data: Mapping[str, Any]) -> str:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    key = _key_path(loc)
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        keys = _allowed_keys(parent) if parent else []
        if parent is StackConfig:
            keys.remove("region")
        allowed = ", ".join(keys) or "none"
        return f"{key}: unknown key; allowed keys here: {allowed}"
    if kind == "missing":
        return f"{key}: required key is missing"
    msg = err["msg"].removeprefix("Value error, ")
    value = _lookup(data, loc) if loc else None
    text = shown(value) if value is not None else None
    got = f" (got {text})" if text is not None and not isinstance(value, dict) else ""
    return f"{key}: {msg}{got}"


def parse_config(raw: Mapping[str, Any], source: str) -> StackConfig:
    """Validate a stack's ``config:`` mapping (namespaced keys) into a StackConfig."""
    problems: list[str] = []
    data: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or ":" not in key:
            problems.append(f"{key}: config keys are namespaced, e.g. {PROJECT}:environment")
            continue
        ns, _, name = key.partition(":")
        if ns == PROJECT:
            data[name] = value
        elif key in ALLOWED_FOREIGN_KEYS:
            field = ALLOWED_FOREIGN_KEYS[key]
            if field:
                data[field] = value
        else:
            allowed = ", ".join([f"{PROJECT}:<key>", *ALLOWED_FOREIGN_KEYS])
            problems.append(f"{key}: unknown key; allowed: {allowed}")
    if "region" in data and f"{PROJECT}:region" in raw:
        problems.append(f"{PROJECT}:region: set the region with aws:region")
    try:
        cfg = StackConfig.model_validate(data)
    except ValidationError as exc:
        problems += [_describe(e, data) for e in exc.errors()]
        cfg = None
    if problems:
        raise ConfigError(source, problems)
    assert cfg is not None
    return cfg


def read_yaml(path: Path, what: str = "file", *, int_keys: bool = False) -> Any:
    """A user's YAML file through :mod:`gcmod.loader`; any problem is a
    :class:`ConfigError` naming the file (``what`` names it when missing)."""
    source = str(path)
    try:
        return load_yaml(path, int_keys=int_keys)
    except FileNotFoundError:
        raise ConfigError(source, [f"{what} not found"]) from None
    except OSError as exc:
        raise ConfigError(source, [f"cannot read the file: {exc.strerror or exc}"]) from None
    except LoadError as exc:
        raise ConfigError(source, [exc.detail]) from None


def read_stack_file(path: Path) -> dict[str, Any]:
    """Read a ``Pulumi.<stack>.yaml`` file and return its ``config:`` mapping."""
    source = str(path)
    doc = read_yaml(path)
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ConfigError(source, ["the file must hold a mapping with a config: key"])
    extra = sorted(set(doc) - ALLOWED_FILE_KEYS)
    if extra:
        raise ConfigError(
            source,
            [
                f"{k}: unknown top-level key; allowed: {', '.join(sorted(ALLOWED_FILE_KEYS))}"
                for k in extra
            ],
        )
    config = doc.get("config") or {}
    if not isinstance(config, dict):
        raise ConfigError(source, ["config: must be a mapping of namespaced keys"])
    for key, value in config.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            raise ConfigError(
                source, [f"{key}: secret values are not used by gcmod stacks; remove it"]
            )
    return config


def load_stack_file(path: Path) -> StackConfig:
    """Read and validate one stack file."""
    return parse_config(read_stack_file(path), str(path))


def from_engine_config(config: Mapping[str, str], source: str) -> StackConfig:
    """Validate the config the Pulumi engine passes a program (all values strings;
    objects and lists JSON-encoded)."""
    raw: dict[str, Any] = {}
    for key, value in config.items():
        if key.startswith("pulumi:"):
            continue
        try:
            raw[key] = json.loads(value) if value[:1] in "{[" else value
        except json.JSONDecodeError:
            raw[key] = value
    return parse_config(raw, source)
