"""Usage profile: what the resource graph cannot say (data size, traffic, log volume).

In the manner of Infracost's usage file: the graph says *what* is deployed
(a Fargate service of two 1-vCPU tasks, an Aurora cluster of 0.5–8 ACU, log
groups with retentions); how much data, traffic and logging that estate
carries is a usage input. Every input has a default, and
:func:`assumptions` reports each value with where it came from, so an
estimate never hides what it assumed.

Where the values come from, in order:

1. the optional file ``usage.<stack>.yaml`` beside the stack file
   (``stacks/usage.saas-prod.yaml`` for ``stacks/Pulumi.saas-prod.yaml``):
   camelCase keys, all optional, unknown keys are errors (reported like the
   stack config's, with :class:`gcmod.config.ConfigError`);
2. the stack config (``database.dataGb``, the tenants, the log classes);
3. **presets by municipality population band**, per tenant, summed over the
   tenants of the stack (:data:`PRESETS`, :func:`band_of`);
4. the documented defaults of :class:`Usage`'s fields.

Example ``stacks/usage.saas-prod.yaml``::

    requestsPerMonth: 2500000
    logGbPerMonth:
      application: 12
    auroraUtilisation: 0.15
    tenantRequestsPerMonth:
      "012033": 900000

These are **assumptions**, not measurements: replace them with measured
figures (ALB ``RequestCount``, log groups' ``IncomingBytes``, the database's
size) as soon as a system runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, PrivateAttr, ValidationError
from pydantic.alias_generators import to_camel

from gcmod import reference as ref
from gcmod.config import MODEL_CONFIG, ConfigError, StackConfig, read_yaml
from gcmod.cost.arithmetic import HOURS_PER_MONTH
from gcmod.cost.phrase import Phrase, join
from gcmod.terminology import ENVIRONMENTS_JA

#: Environments in Japanese (docs/terminology.md).
ENVIRONMENT_JA = ENVIRONMENTS_JA
#: Where a figure came from when it is the field's documented default.
DEFAULT = Phrase("default", "既定値")


def band_ja(band: str) -> str:
    """A population band's Japanese name (指定都市, 中核市, 一般市, 町村)."""
    return ref.MUNICIPALITY_CLASSES.get(band, (band, 0))[0]


# ---------------------------------------------------------------------------
# Population bands
# ---------------------------------------------------------------------------
#: Population from which a tenant is sized like a designated city (指定都市):
#: the Local Autonomy Act (地方自治法) art. 252-19 designates cities "with a
#: population of 500,000 or more" by cabinet order. Presets follow population,
#: not legal status (a city designated at 700,000 and a 520,000 city that is
#: not designated get the same preset).
DESIGNATED_CITY_POPULATION = 500_000
#: Core city (中核市): Local Autonomy Act art. 252-22, population 200,000 or more.
CORE_CITY_POPULATION = 200_000
#: City (市): Local Autonomy Act art. 8(1)(i), population 50,000 or more to
#: become a city. Below: the town and village band (町村).
CITY_POPULATION = 50_000


def band_of(population: int) -> str:
    """The size band (a key of :data:`gcmod.reference.MUNICIPALITY_CLASSES`) of a population."""
    if population >= DESIGNATED_CITY_POPULATION:
        return "designated-city"
    if population >= CORE_CITY_POPULATION:
        return "core-city"
    if population >= CITY_POPULATION:
        return "city"
    return "town-village"


@dataclass(frozen=True)
class Preset:
    """Typical usage of one tenant of a band for one standard business system."""

    band: str
    staff_users: int
    """Municipal staff using the system (an assumption of the order of magnitude)."""
    requests_per_user_day: int
    """HTTP requests per user per office day (screens, searches, API calls)."""

    @property
    def requests_per_month(self) -> float:
        return float(self.staff_users * self.requests_per_user_day * OFFICE_DAYS_PER_MONTH)


#: Office days a month (weekdays less national holidays, about 20). Source:
#: the municipal calendar in the brief (weekdays, closed on holidays and
#: 29 Dec – 3 Jan): 243 office days in 2026 ÷ 12 ≈ 20.
OFFICE_DAYS_PER_MONTH = 20

#: Presets by band. **Assumptions** of the order of magnitude for one
#: staff-facing back-office system (e.g. the resident registry): staff users ×
#: 1,000 requests a day × 20 office days. Residents do not use these systems
#: directly; counter staff do. Replace with measured ALB ``RequestCount``.
PRESETS: dict[str, Preset] = {
    "designated-city": Preset("designated-city", staff_users=750, requests_per_user_day=1000),
    "core-city": Preset("core-city", staff_users=200, requests_per_user_day=1000),
    "city": Preset("city", staff_users=50, requests_per_user_day=1000),
    "town-village": Preset("town-village", staff_users=8, requests_per_user_day=1000),
}
assert set(PRESETS) == set(ref.MUNICIPALITY_CLASSES)

#: Share of the production preset a non-production stack serves: testers and
#: test scripts, not counter staff. Assumptions.
ENVIRONMENT_REQUEST_FACTOR: dict[str, float] = {
    "production": 1.0,
    "staging": 0.10,
    "development": 0.02,
}

#: Log bytes written per request, by log class (assumptions): a structured
#: application log line or three, one access log line, half an audit record.
LOG_BYTES_PER_REQUEST: dict[str, int] = {"application": 3000, "access": 1000, "audit": 500}
#: Log bytes per request for a class not named above.
OTHER_LOG_BYTES_PER_REQUEST = 1000
#: CloudWatch Logs storage per ingested GB (compressed). Source: the AWS Pricing
#: Calculator's CloudWatch "Storage compression factor" 0.15 ("log volume is
#: estimated to be 15 % of the ingested volume once archived"), as quoted by
#: Classmethod DevelopersIO (https://dev.classmethod.jp/articles/
#: compare-archive-cost-cloudwatchlogs-s3/, 2021-09-18; secondary, read 2026-12-02).
LOG_STORAGE_COMPRESSION = 0.15
#: Bytes the load balancer processes per request, request and response
#: together (an assumption: a form screen with its JSON).
PROCESSED_BYTES_PER_REQUEST = 50_000
#: GB processed per hour that make one Load Balancer Capacity Unit for an
#: Application Load Balancer with EC2/IP targets. Source: Elastic Load
#: Balancing pricing page, "LCU details" (1 GB per hour; 25 new connections
#: per second, 3,000 active connections per minute, 1,000 rule evaluations per
#: second are the other dimensions, far from reached by a back-office system).
LCU_GB_PER_HOUR = 1.0


# ---------------------------------------------------------------------------
# The usage profile
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class UsageBasis:
    """What :meth:`Usage.resolve` reads besides the usage file: a stack config's
    tenants, environment, data size and log classes, or a program's defaults."""

    tenants: tuple[tuple[str, int], ...]
    """(local government code, population) of each tenant; empty for a program."""
    environment: str
    data_gb: float
    data_gb_source: Phrase
    log_classes: dict[str, bool]
    """Log class -> whether it is archived."""
    requests: tuple[float, Phrase] | None = None
    """Requests a month and where the figure comes from, when there are no tenants."""

    @classmethod
    def of(cls, cfg: StackConfig) -> UsageBasis:
        return cls(
            tenants=tuple((t.code, t.population) for t in cfg.tenants),
            environment=cfg.environment,
            data_gb=cfg.database.data_gb,
            data_gb_source=Phrase(
                "config gcmod:database.dataGb", "スタック設定 gcmod:database.dataGb"
            ),
            log_classes={c: lc.archive_days is not None for c, lc in cfg.logging.classes.items()},
        )


#: The band whose preset sizes a Pulumi program that is not a gcmod stack (it
#: names no tenants): a city (市, 50,000–200,000 residents), the most common
#: size of municipality a vendor's environment serves. An assumption; set
#: ``requestsPerMonth`` in ``usage.<stack>.yaml`` beside the stack file.
PROGRAM_BAND = "city"


def program_basis() -> UsageBasis:
    """The documented defaults for a Pulumi program without gcmod config:
    production, the :data:`PROGRAM_BAND` preset's requests, a gcmod stack's
    default data size and log classes (a log group is priced when the last
    part of its name is one of them)."""
    from gcmod.config import DatabaseConfig, LoggingConfig

    preset = PRESETS[PROGRAM_BAND]
    return UsageBasis(
        tenants=(),
        environment="production",
        data_gb=DatabaseConfig().data_gb,
        data_gb_source=Phrase(
            "default of a gcmod stack's database.dataGb (no gcmod config)",
            "gcmod のスタック設定 database.dataGb の既定値 (gcmod の設定がないため)",
        ),
        log_classes={c: lc.archive_days is not None for c, lc in LoggingConfig().classes.items()},
        requests=(
            preset.requests_per_month,
            Phrase(
                f"preset {PROGRAM_BAND} ({preset.staff_users} staff users × "
                f"{preset.requests_per_user_day:,} requests a day × {OFFICE_DAYS_PER_MONTH} "
                "office days): the program names no tenants",
                f"プリセット {band_ja(PROGRAM_BAND)} (職員 {preset.staff_users}人 × 1日 "
                f"{preset.requests_per_user_day:,}件 × 開庁日 {OFFICE_DAYS_PER_MONTH}日): "
                "プログラムに利用団体の指定がないため",
            ),
        ),
    )


#: Upper bound of every usage quantity (GB, requests, LCUs, API calls a month):
#: 10^12 is far beyond any municipal system, and keeps every product finite.
MAX_QUANTITY = 1e12
NonNegative = Annotated[float, Field(ge=0, le=MAX_QUANTITY)]
Share = Annotated[float, Field(ge=0, le=1)]
Ratio = Annotated[float, Field(gt=0, le=1)]


class Usage(BaseModel):
    """Per-stack usage inputs. ``None`` and empty maps mean "derive it"
    (see each field's ``@default``); :meth:`resolve` fills them in."""

    model_config = MODEL_CONFIG

    data_gb: NonNegative | None = None
    """Data the database holds today (GB): Aurora storage, the size of each
    backup. @default the stack config's ``database.dataGb``."""
    requests_per_month: NonNegative | None = None
    """HTTP requests a month to the stack, all tenants together (drives Aurora
    I/O, ALB LCUs and the derived log volumes). @default the sum over the
    tenants of their ``tenantRequestsPerMonth``."""
    tenant_requests_per_month: dict[str, NonNegative] = Field(default_factory=dict)
    """Requests a month per tenant (local government code), for the usage-based
    cost shares. @default each tenant's population band preset (``PRESETS``:
    staff users × 1,000 requests a day × 20 office days), × 0.10 for staging
    and × 0.02 for development (``ENVIRONMENT_REQUEST_FACTOR``)."""
    log_gb_per_month: dict[str, NonNegative] = Field(default_factory=dict)
    """GB ingested a month per log class (the stack's ``logging.classes``).
    @default ``requestsPerMonth`` × bytes per request of the class
    (application 3,000, access 1,000, audit 500, others 1,000)."""
    alb_lcu: NonNegative | None = None
    """Average Load Balancer Capacity Units of each Application Load Balancer.
    @default ``requestsPerMonth`` × 50 kB processed per request ÷ 730 h ÷ 1 GB
    per LCU-hour."""
    aurora_utilisation: Share = 0.10
    """Average share of the Aurora Serverless v2 scaling range in use: the
    average capacity is ``minAcu + share × (maxAcu − minAcu)``. @default 0.10:
    back-office load is low outside office hours, and the cluster sits at its
    minimum most of the 730 hours."""
    aurora_io_per_request: NonNegative = 10.0
    """Aurora storage I/O operations per HTTP request (reads missing the buffer
    cache, page writes). @default 10"""
    backup_daily_change_rate: Share = 0.02
    """Share of the data changed each day, the size of an incremental backup.
    @default 0.02 (2 % a day)"""
    secrets_api_calls_per_month: NonNegative = 10_000.0
    """Secrets Manager API calls a month (tasks reading the database secret at
    start, rotation). @default 10,000"""
    kms_requests_per_month: NonNegative = 10_000.0
    """Requests a month to customer managed KMS keys (backup encryption).
    @default 10,000"""
    firehose_gb_per_month: NonNegative | None = None
    """GB a month through Amazon Data Firehose (the archived log classes).
    @default the archived classes' ``logGbPerMonth`` × ``archiveCompressionRatio``."""
    endpoint_gb_per_month: NonNegative | None = None
    """GB a month processed by the interface VPC endpoints, priced on the
    CloudWatch Logs endpoint (the others carry negligible bytes).
    @default the total ``logGbPerMonth``."""
    nat_gb_per_month: NonNegative = 0.0
    """GB a month processed by NAT gateways (split among them). @default 0: the
    platform reaches AWS services through VPC endpoints; set it when a NAT
    gateway carries traffic."""
    sqs_requests_per_month: NonNegative = 0.0
    """SQS requests a month (split among the queues). @default 0: the only
    queue is the shutdown schedule's dead-letter queue, idle unless a start fails."""
    log_storage_ratio: Ratio = LOG_STORAGE_COMPRESSION
    """CloudWatch Logs stored GB per ingested GB: log storage is billed on the
    compressed size. @default 0.15, the AWS Pricing Calculator's "storage
    compression factor" for CloudWatch Logs (secondary: quoted by Classmethod
    DevelopersIO, "Amazon S3とCloudWatch Logsのログ保存料金とサイズを見てみた",
    2021-09-18); measure ``storedBytes`` ÷ ``IncomingBytes`` of a log group and
    set it."""
    archive_compression_ratio: Ratio = 1.0
    """Archived (S3) GB per ingested GB. @default 1.0, an upper bound:
    CloudWatch Logs delivers subscription data gzip-compressed, so the archive
    is smaller; set it from a measured ratio."""

    _sources: dict[str, Phrase] = PrivateAttr(default_factory=dict)
    _bands: dict[str, str] = PrivateAttr(default_factory=dict)
    _resolved: bool = PrivateAttr(default=False)

    # -- resolution -------------------------------------------------------
    @property
    def resolved(self) -> bool:
        return self._resolved

    def resolve(self, cfg: StackConfig | UsageBasis, source: str | None = None) -> Usage:
        """A copy with every derived value filled in from ``cfg`` and the presets.

        ``cfg`` is a stack config, or the :class:`UsageBasis` of a program
        without one (:func:`program_basis`). ``source`` names where the
        explicitly set values came from (a file); raises :class:`ConfigError`
        for tenants or log classes ``cfg`` does not have.
        """
        if self._resolved:
            return self
        basis = cfg if isinstance(cfg, UsageBasis) else UsageBasis.of(cfg)
        origin = (
            Phrase(f"file {source}", f"ファイル {source}") if source else Phrase("given", "指定値")
        )
        problems: list[str] = []
        codes = {code for code, _pop in basis.tenants}
        for code in sorted(set(self.tenant_requests_per_month) - codes):
            problems.append(
                f"tenantRequestsPerMonth.{code}: not a tenant of this stack; tenants: "
                + (", ".join(sorted(codes)) or "none (the program names no tenants)")
            )
        classes = list(basis.log_classes)
        for cls in sorted(set(self.log_gb_per_month) - set(classes)):
            problems.append(
                f"logGbPerMonth.{cls}: not a log class of this stack; classes: "
                + ", ".join(classes)
            )
        if problems:
            raise ConfigError(source or "usage", problems)

        sources: dict[str, Phrase] = {}
        explicit = self.model_fields_set
        bands = {code: band_of(pop) for code, pop in basis.tenants}

        factor = ENVIRONMENT_REQUEST_FACTOR[basis.environment]
        tenant_req: dict[str, float] = {}
        preset_codes: list[str] = []
        for code, _pop in basis.tenants:
            if code in self.tenant_requests_per_month:
                tenant_req[code] = self.tenant_requests_per_month[code]
            else:
                tenant_req[code] = PRESETS[bands[code]].requests_per_month * factor
                preset_codes.append(code)
        counts: dict[str, int] = {}
        for code in preset_codes:
            counts[bands[code]] = counts.get(bands[code], 0) + 1
        preset_text = Phrase("preset ", "プリセット ") + join(
            (
                Phrase(
                    f"{b} ×{n} ({PRESETS[b].requests_per_month * factor:,.0f}/month each)",
                    f"{band_ja(b)} ×{n} (各 月{PRESETS[b].requests_per_month * factor:,.0f}件)",
                )
                for b, n in sorted(counts.items())
            ),
            ", ",
            "、",
        )
        if factor != 1:
            env = basis.environment
            preset_text += Phrase(
                f" (× {factor:g} for {env})", f" ({ENVIRONMENT_JA.get(env, env)}は × {factor:g})"
            )
        if not basis.tenants:
            sources["tenantRequestsPerMonth"] = Phrase(
                "no tenants: the program names none",
                "利用団体なし: プログラムに利用団体の指定がない",
            )
        elif not preset_codes:
            sources["tenantRequestsPerMonth"] = origin
        elif len(preset_codes) == len(tenant_req):
            sources["tenantRequestsPerMonth"] = preset_text
        else:
            sources["tenantRequestsPerMonth"] = (
                origin + Phrase("; others ", "、その他は") + preset_text
            )

        def pick(name: str, derived: Any, how: Phrase) -> Any:
            alias = to_camel(name)
            if name in explicit and getattr(self, name) is not None:
                sources[alias] = origin
                return getattr(self, name)
            sources[alias] = how
            return derived

        requests = pick(
            "requests_per_month",
            *(
                basis.requests
                or (
                    sum(tenant_req.values()),
                    Phrase(
                        "sum of tenantRequestsPerMonth over the tenants",
                        "利用団体ごとの tenantRequestsPerMonth の合計",
                    ),
                )
            ),
        )
        data_gb = pick("data_gb", basis.data_gb, basis.data_gb_source)

        logs: dict[str, float] = {}
        log_how: list[Phrase] = []
        for cls in classes:
            if cls in self.log_gb_per_month:
                logs[cls] = self.log_gb_per_month[cls]
                log_how.append(f"{cls}: " + origin)
            else:
                b = LOG_BYTES_PER_REQUEST.get(cls, OTHER_LOG_BYTES_PER_REQUEST)
                logs[cls] = requests * b / 1e9
                log_how.append(Phrase.same(f"{cls}: requestsPerMonth × {b} B"))
        sources["logGbPerMonth"] = join(log_how)

        lcu = pick(
            "alb_lcu",
            requests * PROCESSED_BYTES_PER_REQUEST / 1e9 / HOURS_PER_MONTH / LCU_GB_PER_HOUR,
            Phrase(
                f"requestsPerMonth × {PROCESSED_BYTES_PER_REQUEST:,} B ÷ 730 h ÷ "
                f"{LCU_GB_PER_HOUR:g} GB per LCU-hour",
                f"requestsPerMonth × {PROCESSED_BYTES_PER_REQUEST:,} B ÷ 730時間 ÷ "
                f"LCU 時間あたり {LCU_GB_PER_HOUR:g} GB",
            ),
        )
        archived = [c for c, arch in basis.log_classes.items() if arch]
        firehose = pick(
            "firehose_gb_per_month",
            sum(logs[c] for c in archived) * self.archive_compression_ratio,
            Phrase(
                "logGbPerMonth of the archived classes ("
                + (", ".join(archived) or "none")
                + ") × archiveCompressionRatio",
                "アーカイブするログ区分 ("
                + ("、".join(archived) or "なし")
                + ") の logGbPerMonth × archiveCompressionRatio",
            ),
        )
        endpoint = pick(
            "endpoint_gb_per_month",
            sum(logs.values()),
            Phrase("total logGbPerMonth", "logGbPerMonth の合計"),
        )
        for name in (
            "aurora_utilisation",
            "aurora_io_per_request",
            "backup_daily_change_rate",
            "secrets_api_calls_per_month",
            "kms_requests_per_month",
            "nat_gb_per_month",
            "sqs_requests_per_month",
            "log_storage_ratio",
            "archive_compression_ratio",
        ):
            sources[to_camel(name)] = origin if name in explicit else DEFAULT

        out = self.model_copy(
            update={
                "data_gb": float(data_gb),
                "requests_per_month": float(requests),
                "tenant_requests_per_month": tenant_req,
                "log_gb_per_month": logs,
                "alb_lcu": float(lcu),
                "firehose_gb_per_month": float(firehose),
                "endpoint_gb_per_month": float(endpoint),
            }
        )
        out._sources = sources
        out._bands = bands
        out._resolved = True
        return out

    # -- accessors for resolved profiles -------------------------------------
    def _need(self) -> None:
        if not self._resolved:
            raise RuntimeError("resolve the usage profile against the stack config first")

    @property
    def data(self) -> float:
        self._need()
        return float(self.data_gb or 0.0)

    @property
    def requests(self) -> float:
        self._need()
        return float(self.requests_per_month or 0.0)

    @property
    def lcu(self) -> float:
        self._need()
        return float(self.alb_lcu or 0.0)

    @property
    def total_log_gb(self) -> float:
        self._need()
        return sum(self.log_gb_per_month.values())

    @property
    def bands(self) -> dict[str, str]:
        """Population band of each tenant (local government code -> band)."""
        self._need()
        return dict(self._bands)

    @property
    def sources(self) -> dict[str, str]:
        """Where each figure came from (camelCase key -> English text)."""
        self._need()
        return {k: v.en for k, v in self._sources.items()}

    @property
    def sources_ja(self) -> dict[str, str]:
        """The same in Japanese."""
        self._need()
        return {k: v.ja for k, v in self._sources.items()}

    def tenant_weight(self, code: str) -> float:
        """The tenant's share of the stack's requests (0–1)."""
        self._need()
        total = sum(self.tenant_requests_per_month.values())
        if total <= 0:
            return 1 / len(self.tenant_requests_per_month)
        return self.tenant_requests_per_month[code] / total


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
def usage_path(stack_path: Path) -> Path:
    """``usage.<stack>.yaml`` beside ``Pulumi.<stack>.yaml``."""
    name = stack_path.name
    if name.startswith("Pulumi.") and name.endswith(".yaml"):
        stack = name[len("Pulumi.") : -len(".yaml")]
    else:
        stack = stack_path.stem
    return stack_path.parent / f"usage.{stack}.yaml"


def _allowed() -> str:
    return ", ".join(sorted(f.alias or n for n, f in Usage.model_fields.items()))


def _problem(err: dict[str, Any], data: Any) -> str:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    key = ".".join(str(p) for p in loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        return f"{key}: unknown key; allowed keys: {_allowed()}"
    cur = data
    for p in loc:
        try:
            cur = cur[p]
        except (KeyError, IndexError, TypeError):
            cur = None
            break
    got = ""
    if cur is not None and not isinstance(cur, dict):
        shown = json.dumps(cur, ensure_ascii=False, default=str)
        got = f" (got {shown[:77] + '...' if len(shown) > 80 else shown})"
    return f"{key}: {err['msg'].removeprefix('Value error, ')}{got}"


def load_usage_file(path: Path) -> Usage:
    """Read and validate a usage file (not resolved)."""
    source = str(path)
    # Integer keys are read here (and refused below unless six digits).
    doc = read_yaml(path, "usage file", int_keys=True)
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ConfigError(source, [f"the file must hold a mapping of usage keys ({_allowed()})"])
    # Local government codes written without quotes arrive as ints (and with a
    # leading zero, as YAML 1.1 octal): keep six-digit ones, refuse the rest.
    problems: list[str] = []
    for key in ("tenantRequestsPerMonth", "tenant_requests_per_month"):
        if isinstance(doc.get(key), dict):
            codes: dict[str, Any] = {}
            for k, v in doc[key].items():
                if isinstance(k, int) and len(str(k)) != 6:
                    problems.append(
                        f'{key}.{k}: quote local government codes in YAML (e.g. "012033") '
                        "so a leading zero is kept"
                    )
                codes[str(k)] = v
            doc[key] = codes
    if problems:
        raise ConfigError(source, problems)
    try:
        return Usage.model_validate(doc)
    except ValidationError as exc:
        raise ConfigError(source, [_problem(e, doc) for e in exc.errors()]) from None


def usage_for(cfg: StackConfig | UsageBasis, stack_path: Path | None) -> Usage:
    """The resolved usage profile of a stack: its usage file if there is one,
    else the config and the presets."""
    path = usage_path(stack_path) if stack_path is not None else None
    if path is not None and path.is_file():
        return load_usage_file(path).resolve(cfg, str(path))
    return Usage().resolve(cfg)


def assumptions(usage: Usage) -> dict[str, dict[str, Any]]:
    """Each usage input (camelCase, as in the file) with its value and source."""
    usage._need()
    out: dict[str, dict[str, Any]] = {}
    sources = usage.sources
    for name, field in Usage.model_fields.items():
        alias = field.alias or name
        value = getattr(usage, name)
        out[alias] = {"value": dict(value) if isinstance(value, dict) else value}
        out[alias]["source"] = sources.get(alias, "default")
    out["tenantBands"] = {"value": usage.bands, "source": BANDS_SOURCE.en}
    return out


#: How a tenant's population band is decided.
BANDS_SOURCE = Phrase(
    f"population: ≥{DESIGNATED_CITY_POPULATION:,} designated-city, "
    f"≥{CORE_CITY_POPULATION:,} core-city, ≥{CITY_POPULATION:,} city, else "
    "town-village (Local Autonomy Act arts. 252-19, 252-22, 8)",
    f"人口: {DESIGNATED_CITY_POPULATION:,}人以上は指定都市、{CORE_CITY_POPULATION:,}人以上は"
    f"中核市、{CITY_POPULATION:,}人以上は一般市、それ以外は町村 (地方自治法 第252条の19、"
    "第252条の22、第8条)",
)


def assumptions_ja(usage: Usage) -> dict[str, dict[str, Any]]:
    """The Japanese of :func:`assumptions`: each input's source."""
    usage._need()
    sources = usage.sources_ja
    out: dict[str, dict[str, Any]] = {
        (field.alias or name): {"source": sources.get(field.alias or name, DEFAULT.ja)}
        for name, field in Usage.model_fields.items()
    }
    out["tenantBands"] = {"source": BANDS_SOURCE.ja}
    return out
