"""The municipality's own as-is system as the baseline (``--baseline``).

Two ways to give it, both priced with the same catalogue and the same pricing
function as the plan (:func:`gcmod.cost.pricers.price_charges`):

* an **inventory** (YAML or CSV) in the form vendors' quotations list it:
  servers (vCPU, memory, OS, storage type and size, hours), databases, DR
  style, backup style, log retention, and the quotation's monthly total if
  known (:func:`baseline_from_file`; sample: ``stacks/baseline.sample-town.yaml``);
* a vendor's **lift-and-shift Pulumi program**, synthesized offline and priced
  from its graph (:func:`baseline_from_program`).

A server is priced as the **cheapest catalogued instance type with at least
its vCPU and memory** (:data:`EC2_TYPES`), a database as the cheapest RDS
class with at least its memory (:data:`DB_CLASSES`): the inventory's own
sizes, rounded up to what AWS sells and never down. Windows servers and
engines the catalogue lacks become missing prices (reported, never zero).
With a given baseline there is no lever waterfall (the levers are modelled
from gcmod's own baseline scenario): the whole saving is "not attributed".

CSV form: one row per server or database, columns ``kind`` (``server`` or
``database``), ``name``, ``role``, ``vcpu``, ``memoryGb``, ``os``,
``engine``, ``count``, ``storageType``, ``storageGb``, ``hoursPerMonth``,
``multiAz``, ``region``; empty cells take the defaults. DR, backup, logs and
the quotation total need the YAML form.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError

from gcmod.config import MODEL_CONFIG, ConfigError
from gcmod.cost.arithmetic import HOURS_PER_MONTH
from gcmod.cost.model import Estimate, EstimateResult
from gcmod.cost.notes import Notes
from gcmod.cost.phrase import EMPTY, Phrase
from gcmod.cost.pricers import (
    Charge,
    PriceSource,
    backup_charges,
    ebs_charges,
    log_group_charges,
    price_charges,
)

#: EC2 types an inventory server may be priced as: (type, vCPU, GiB).
EC2_TYPES: tuple[tuple[str, int, int], ...] = (
    ("t3.medium", 2, 4),
    ("t3.large", 2, 8),
    ("m5.large", 2, 8),
    ("c5.xlarge", 4, 8),
    ("m5.xlarge", 4, 16),
    ("r5.xlarge", 4, 32),
    ("c5.2xlarge", 8, 16),
    ("m5.2xlarge", 8, 32),
    ("r5.2xlarge", 8, 64),
    ("m5.4xlarge", 16, 64),
    ("r5.4xlarge", 16, 128),
)
#: RDS classes an inventory database may be priced as: (class, vCPU, GiB).
DB_CLASSES: tuple[tuple[str, int, int], ...] = (
    ("db.t3.medium", 2, 4),
    ("db.m5.large", 2, 8),
    ("db.r5.large", 2, 16),
    ("db.m5.xlarge", 4, 16),
    ("db.r5.xlarge", 4, 32),
    ("db.m5.2xlarge", 8, 32),
    ("db.r5.2xlarge", 8, 64),
)

Positive = Annotated[float, Field(gt=0)]


class _Inv(BaseModel):
    model_config = MODEL_CONFIG


class Storage(_Inv):
    type: Literal["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"] = "gp2"
    gb: Annotated[float, Field(ge=0)] = 0.0


class Server(_Inv):
    name: str
    role: Literal["app", "batch", "web", "ops", "backup", "monitoring", "other"] = "app"
    vcpu: Positive
    memory_gb: Positive
    os: Literal["linux", "windows"] = "linux"
    count: Annotated[int, Field(ge=1, le=1000)] = 1
    storage: Storage = Storage()
    hours_per_month: Annotated[float, Field(ge=0, le=HOURS_PER_MONTH)] = HOURS_PER_MONTH
    region: str | None = None


class Database(_Inv):
    name: str
    engine: Literal["postgres", "mysql", "oracle-se2", "sqlserver-se"] = "postgres"
    vcpu: Positive = 2
    memory_gb: Positive
    multi_az: bool = False
    storage: Storage = Storage(type="gp2", gb=100)
    hours_per_month: Annotated[float, Field(ge=0, le=HOURS_PER_MONTH)] = HOURS_PER_MONTH
    region: str | None = None


class Dr(_Inv):
    style: Literal["none", "backup-only", "warm-standby", "active-active"] = "none"
    region: str = "ap-northeast-3"
    servers: list[Server] = []
    """What runs in the DR region (warm standby / active-active)."""
    databases: list[Database] = []


class Backup(_Inv):
    style: Literal["full", "incremental"] = "full"
    data_gb: Annotated[float, Field(ge=0)] = 0.0
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 7
    daily_change_rate: Annotated[float, Field(ge=0, le=1)] = 0.02
    copy_to_dr: bool = False


class Logs(_Inv):
    gb_per_month: Annotated[float, Field(ge=0)] = 0.0
    retention_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    """None: never expire (the CloudWatch Logs default)."""


class Network(_Inv):
    nat_gateways: Annotated[int, Field(ge=0, le=100)] = 0
    load_balancers: Annotated[int, Field(ge=0, le=100)] = 0


class Inventory(_Inv):
    """An as-is system as a vendor's quotation lists it."""

    name: str
    region: str | None = None
    """Default region of every item (the estimate's region when absent)."""
    quotation_monthly_jpy: Annotated[int, Field(ge=0)] | None = None
    """The quotation's monthly cloud total if known (compared, not used as the price)."""
    servers: list[Server] = []
    databases: list[Database] = []
    dr: Dr = Dr()
    backup: Backup = Backup()
    logs: Logs = Logs()
    network: Network = Network()


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _problems(exc: ValidationError) -> list[str]:
    out = []
    for e in exc.errors():
        key = _key_path(tuple(e["loc"]))
        if e["type"] == "extra_forbidden":
            out.append(f"{key}: unknown key")
        elif e["type"] == "missing":
            out.append(f"{key}: required key is missing")
        else:
            got = e.get("input")
            shown = "" if isinstance(got, dict) else f" (got {got!r})"
            out.append(f"{key}: {e['msg'].removeprefix('Value error, ')}{shown}")
    return out


_CSV_COLUMNS = (
    "kind", "name", "role", "vcpu", "memoryGb", "os", "engine", "count", "storageType",
    "storageGb", "hoursPerMonth", "multiAz", "region",
)  # fmt: skip


def _from_csv(path: Path) -> dict[str, Any]:
    from gcmod.loader import read_text

    text = read_text(path).removeprefix("\ufeff")
    with io.StringIO(text, newline="") as fh:
        reader = csv.DictReader(fh)
        unknown = [c for c in reader.fieldnames or [] if c not in _CSV_COLUMNS]
        if unknown:
            raise ConfigError(
                str(path), [f"unknown column(s) {', '.join(unknown)}; allowed: "
                            + ", ".join(_CSV_COLUMNS)]
            )  # fmt: skip
        servers, dbs, problems = [], [], []
        for i, row in enumerate(reader, start=2):
            item: dict[str, Any] = {k: v.strip() for k, v in row.items() if k and v and v.strip()}
            kind = item.pop("kind", "")
            storage = {}
            if "storageType" in item:
                storage["type"] = item.pop("storageType")
            if "storageGb" in item:
                storage["gb"] = item.pop("storageGb")
            if storage:
                item["storage"] = storage
            if "multiAz" in item:
                item["multiAz"] = item["multiAz"].lower() in ("true", "yes", "1")
            if kind == "server":
                item.pop("engine", None)
                servers.append(item)
            elif kind == "database":
                for k in ("role", "os", "count"):
                    item.pop(k, None)
                dbs.append(item)
            else:
                problems.append(f"line {i}: kind must be server or database (got {kind!r})")
        if problems:
            raise ConfigError(str(path), problems)
    return {"name": path.stem, "servers": servers, "databases": dbs}


def load_inventory(path: Path) -> Inventory:
    """Read and validate an inventory file (YAML or CSV); errors name the key and value."""
    from gcmod.loader import LoadError, load_yaml

    path = Path(path)
    try:
        data: Any = _from_csv(path) if path.suffix.lower() == ".csv" else load_yaml(path)
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read the file: {exc}"]) from None
    except LoadError as exc:
        raise ConfigError(str(path), [exc.detail]) from None
    if not isinstance(data, dict):
        raise ConfigError(str(path), ["the file must hold a mapping (name, servers, ...)"])
    try:
        return Inventory.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(str(path), _problems(exc)) from None


def _cheapest(
    options: tuple[tuple[str, int, int], ...],
    vcpu: float,
    mem: float,
    key: str,
    region: str,
    catalog: PriceSource,
) -> str:
    """The cheapest option with at least ``vcpu`` and ``mem`` priced in ``region``
    (the largest when none is big enough or none is priced)."""
    fits = [o for o in options if o[1] >= vcpu - 1e-9 and o[2] >= mem - 1e-9]
    find = getattr(catalog, "find", None)
    priced = []
    for name, _c, _m in fits:
        p = find(key.format(name), region) if find else None
        if p is not None:
            priced.append((p.usd, name))
    if priced:
        return min(priced)[1]
    return (fits or [options[-1]])[0][0]


def _server_charges(s: Server, region: str, catalog: PriceSource, what: Phrase) -> list[Charge]:
    rtype = "baseline:server"
    r = s.region or region
    itype = _cheapest(EC2_TYPES, s.vcpu, s.memory_gb, "ec2.instance-hour.{}", r, catalog)
    os_key = "" if s.os == "linux" else "windows."
    out = [
        Charge(
            s.name, rtype, "compute",
            what + Phrase(
                f"{s.role} server {itype} for {s.vcpu:g} vCPU / {s.memory_gb:g} GB "
                f"({s.count} × {s.hours_per_month:g} h, {s.os})",
                f"{s.role} サーバー {itype} ({s.vcpu:g} vCPU / {s.memory_gb:g} GB 向け、"
                f"{s.count}台 × {s.hours_per_month:g}時間、{s.os})",
            ),
            f"ec2.instance-hour.{os_key}{itype}", r, s.count * s.hours_per_month,
        )
    ]  # fmt: skip
    if s.storage.gb:
        out += ebs_charges(s.name, rtype, r, volume_type=s.storage.type, gb=s.storage.gb * s.count)
    return out


def _db_charges(d: Database, region: str, catalog: PriceSource, what: Phrase) -> list[Charge]:
    r = d.region or region
    az = "-multiaz" if d.multi_az else ""
    cls = _cheapest(
        DB_CLASSES, d.vcpu, d.memory_gb, f"rds.instance-hour.{d.engine}{az}.{{}}", r, catalog
    )
    return [
        Charge(
            d.name, "baseline:database", "database",
            what + Phrase(
                f"RDS {d.engine} {cls}{' Multi-AZ' if d.multi_az else ''} for "
                f"{d.vcpu:g} vCPU / {d.memory_gb:g} GB ({d.hours_per_month:g} h)",
                f"RDS {d.engine} {cls}{' マルチ AZ' if d.multi_az else ''} "
                f"({d.vcpu:g} vCPU / {d.memory_gb:g} GB 向け、{d.hours_per_month:g}時間)",
            ),
            f"rds.instance-hour.{d.engine}{az}.{cls}", r, d.hours_per_month,
        ),
        Charge(
            d.name, "baseline:database", "database",
            what + Phrase(
                f"RDS {d.storage.type} storage ({d.storage.gb:g} GB)",
                f"RDS {d.storage.type} ストレージ ({d.storage.gb:g} GB)",
            ),
            f"rds.storage.{d.storage.type}{az}.gb-month", r, d.storage.gb,
        ),
    ]  # fmt: skip


#: Backup styles of an inventory, in words.
BACKUP_STYLES = {
    "full": Phrase("full", "フル"),
    "incremental": Phrase("incremental", "増分"),
}


def inventory_charges(inv: Inventory, catalog: PriceSource, region: str) -> list[Charge]:
    """Every charge of an inventory (see the module docstring)."""
    region = inv.region or region
    out: list[Charge] = []
    for s in inv.servers:
        out += _server_charges(s, region, catalog, EMPTY)
    for d in inv.databases:
        out += _db_charges(d, region, catalog, EMPTY)
    if inv.dr.style in ("warm-standby", "active-active"):
        for s in inv.dr.servers:
            out += _server_charges(s.model_copy(update={"region": inv.dr.region}), region,
                                   catalog, Phrase.same("DR "))  # fmt: skip
        for d in inv.dr.databases:
            out += _db_charges(d.model_copy(update={"region": inv.dr.region}), region,
                               catalog, Phrase.same("DR "))  # fmt: skip
    b = inv.backup
    if b.data_gb:
        copy = inv.dr.region if (b.copy_to_dr or inv.dr.style == "backup-only") else None
        out += backup_charges(
            "backup", "baseline:backup", region,
            kind="snapshot-script" if b.style == "full" else "ebs",
            full_gb=b.data_gb, daily_change=b.daily_change_rate,
            retention_days=b.retention_days, incremental=b.style == "incremental",
            copy_region=copy, copy_retention_days=b.retention_days,
            what=BACKUP_STYLES.get(b.style, Phrase.same(b.style)),
        )  # fmt: skip
    if inv.logs.gb_per_month:
        out += log_group_charges(
            "logs", "baseline:logs", region, log_class=Phrase("all", "すべてのログ"),
            gb_per_month=inv.logs.gb_per_month, retention_days=inv.logs.retention_days,
            storage_ratio=1.0,
        )  # fmt: skip
    n = inv.network
    if n.nat_gateways:
        out.append(Charge("network", "baseline:network", "network",
                          Phrase(f"NAT gateway ({n.nat_gateways} × 730 h)",
                                 f"NAT ゲートウェイ ({n.nat_gateways} × 730時間)"),
                          "natgateway.hour", region,
                          n.nat_gateways * HOURS_PER_MONTH))  # fmt: skip
    if n.load_balancers:
        out.append(Charge("network", "baseline:network", "network",
                          Phrase(f"ALB ({n.load_balancers} × 730 h)",
                                 f"ALB ({n.load_balancers} × 730時間)"), "alb.hour", region,
                          n.load_balancers * HOURS_PER_MONTH))  # fmt: skip
    return out


class GivenBaseline:
    """A priced as-is baseline and where it came from."""

    def __init__(self, estimate: Estimate, source: str, notes: Notes):
        self.estimate = estimate
        self.source = source
        self.notes = notes.en
        self.notes_ja = notes.ja


def baseline_from_file(path: Path, catalog: PriceSource, *, region: str) -> GivenBaseline:
    """Price an inventory file as the baseline."""
    inv = load_inventory(path)
    est = price_charges(f"baseline: {inv.name} (as-is inventory)",
                        inventory_charges(inv, catalog, region), catalog)  # fmt: skip
    notes = Notes()
    notes.add(
        "baseline",
        inv.name,
        Phrase(
            f"inventory {path}: each server priced as the cheapest catalogued type with at "
            "least its vCPU and memory, each database as the cheapest RDS class with at least "
            "its memory (gcmod.cost.asis)",
            f"機器一覧 {path}: 各サーバーはその vCPU とメモリー以上の最も安いカタログのタイプ、"
            "各データベースはそのメモリー以上の最も安い RDS のクラスで積算 (gcmod.cost.asis)",
        ),
    )
    if inv.quotation_monthly_jpy is not None:
        jpy = est.monthly_usd * catalog.jpy_per_usd
        vendor = Phrase("the vendor's quotation", "ベンダーの見積額")
        if jpy:
            diff = (inv.quotation_monthly_jpy / jpy - 1) * 100
            vendor += Phrase(
                f"; priced from the inventory at list prices: ¥{jpy:,.0f} ({diff:+.1f}% "
                "quotation vs list)",
                f"。機器一覧を定価で積算すると {jpy:,.0f}円 (見積額は定価比 {diff:+.1f}%)",
            )
        notes.add("baseline.quotationMonthlyJpy", inv.quotation_monthly_jpy, vendor)
    return GivenBaseline(est, str(path), notes)


def baseline_from_program(
    graph: Any, catalog: PriceSource, *, label: str, usage_file: Path | None = None
) -> GivenBaseline:
    """Price a vendor's lift-and-shift Pulumi program's graph as the baseline."""
    from gcmod.cost.pricers import price_graph
    from gcmod.cost.usage import program_basis, usage_for

    usage = usage_for(program_basis(), usage_file) if usage_file else None
    if usage is None:
        from gcmod.cost.usage import Usage

        usage = Usage()
    usage = usage.resolve(program_basis())
    est, gp = price_graph(graph, usage, catalog, label=f"baseline: {label} (program)")
    notes = Notes()
    notes.add(
        "baseline",
        label,
        Phrase(
            "a lift-and-shift Pulumi program, synthesized offline and priced from its graph "
            "with the program usage defaults (docs/projects.md)",
            "リフト&シフトの Pulumi プログラム。オフラインで合成し、プログラム用の使用量の"
            "既定値で構成から積算 (docs/projects.md)",
        ),
    )
    if gp.unpriced:
        notes.add(
            "baseline.unpriced",
            [{"type": t, "resources": n} for t, n in sorted(gp.unpriced.items())],
            Phrase(
                "types of the baseline program gcmod cannot price: not counted",
                "gcmod が積算できないリフト&シフトのプログラムのリソースの種類: 合計に含めていない",
            ),
        )
    return GivenBaseline(est, label, notes)


def apply_baseline(result: EstimateResult, given: GivenBaseline) -> EstimateResult:
    """``result`` with ``given`` as its baseline: no modelled levers or range."""
    dropped = ("waterfall", "modern_model_usd", "plan_vs_model_usd", "missingInModel", "baseline")
    notes = Notes()
    notes.merge(
        {
            k: v
            for k, v in result.assumptions.items()
            if not k.startswith("baseline.") and k not in dropped
        },
        result.assumptions_ja,
    )
    notes.merge(given.notes, given.notes_ja)
    notes.add(
        "levers",
        "none",
        Phrase(
            "the lever waterfall is modelled from gcmod's own baseline scenario; with a given "
            "baseline the whole saving is shown as not attributed",
            "施策の段階は gcmod 自身のリフト&シフトのモデルから求める。リフト&シフトを与えた"
            "場合は、削減額の全体を施策によらない削減として示す",
        ),
        value_ja="なし",
    )
    return replace(
        result,
        baseline=given.estimate,
        levers=[],
        baseline_range=None,
        assumptions=notes.en,
        assumptions_ja=notes.ja,
    )


__all__ = [
    "GivenBaseline",
    "Inventory",
    "apply_baseline",
    "baseline_from_file",
    "baseline_from_program",
    "inventory_charges",
    "load_inventory",
]
