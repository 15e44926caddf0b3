"""``gcmod prices refresh``: re-read the catalogue's prices from the AWS Price List API.

Read-only: the only call is ``pricing:GetProducts`` on the us-east-1 endpoint
(the Price List API answers there for every region). Each catalogue key that
can be asked for is mapped below (:data:`QUERIES`) to a service code and
TERM_MATCH filters; the region is added as a ``regionCode`` filter, and usage
types carry the region's billing prefix (``APN1`` Tokyo, ``APN3`` Osaka). Keys
without a mapping are reported as not refreshable and left as they are.

A refreshed entry gets the API's on-demand price (tiers from
``beginRange``/``endRange``), ``checked`` = today and a ``source`` naming the
service code and usage type. Guards keep a wrong mapping from poisoning the
catalogue: an answer with several different prices is *ambiguous*, an answer
with no product is *not found*, and a price that moves by more than
``max_ratio`` against the stored one is *implausible* -- each is reported as a
failure and the entry is left unchanged. An API error for one key is reported
and the other keys go on.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from gcmod.loader import parse_yaml, read_text
from gcmod.pricing.catalog import Catalog, CatalogError
from gcmod.reference import GOV_REGIONS, dr_partner
from gcmod.safewrite import write_file

DEFAULT_REGIONS = GOV_REGIONS

#: Billing prefixes of usage types (``APN1-BoxUsage:...``) per region.
USAGE_PREFIX = {
    "ap-northeast-1": "APN1",
    "ap-northeast-2": "APN2",
    "ap-northeast-3": "APN3",
    "us-east-1": "USE1",
}


@dataclass(frozen=True)
class Query:
    """How to ask GetProducts for one catalogue key in one region.

    ``filters`` are TERM_MATCH (field, value) pairs; ``{P}`` in a value is the
    region's usage-type prefix, ``{Q}`` the DR partner region's. ``scale``
    turns the API's price unit into the catalogue's (per request -> per
    million requests: 1e6); tier bounds are divided by it.
    """

    service_code: str
    filters: tuple[tuple[str, str], ...]
    scale: float = 1.0

    def resolve(self, region: str) -> list[dict[str, str]]:
        prefix = USAGE_PREFIX.get(region, region)
        partner = USAGE_PREFIX.get(dr_partner(region) or "", "")
        filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]
        for name, value in self.filters:
            value = value.replace("{P}", prefix).replace("{Q}", partner)
            filters.append({"Type": "TERM_MATCH", "Field": name, "Value": value})
        return filters

    def describe(self, region: str) -> str:
        """The ``source`` text of a refreshed entry."""
        values = {f["Field"]: f["Value"] for f in self.resolve(region)}
        what = values.get("usagetype") or ", ".join(
            f"{k}={v}" for k, v in values.items() if k != "regionCode"
        )
        return f"AWS Price List API {self.service_code} {what}"


def _usage(service: str, usagetype: str, scale: float = 1.0, **extra: str) -> Query:
    return Query(service, (("usagetype", usagetype), *extra.items()), scale)


EC2_TYPES = (
    "t3.medium", "t3.large", "m4.large", "m4.xlarge", "m4.2xlarge", "m5.large", "m5.xlarge",
    "m5.2xlarge", "m5.4xlarge", "m6i.xlarge", "m6i.2xlarge", "m7g.large", "m7g.xlarge",
    "m7g.2xlarge", "c4.xlarge", "c4.2xlarge", "c5.xlarge", "c5.2xlarge", "r4.xlarge",
    "r5.xlarge", "r5.2xlarge", "r5.4xlarge", "r6i.2xlarge", "r6i.4xlarge", "t4g.medium",
)  # fmt: skip
RDS_CLASSES = (
    "db.t3.medium", "db.m4.large", "db.m5.large", "db.m5.xlarge", "db.m5.2xlarge", "db.r5.large",
    "db.r5.xlarge", "db.r5.2xlarge", "db.m7g.large", "db.r7g.large",
)  # fmt: skip


def _ec2(instance_type: str) -> Query:
    return Query(
        "AmazonEC2",
        (
            ("instanceType", instance_type),
            ("operatingSystem", "Linux"),
            ("tenancy", "Shared"),
            ("preInstalledSw", "NA"),
            ("licenseModel", "No License required"),
            ("capacitystatus", "Used"),
            ("locationType", "AWS Region"),
        ),
    )


def _rds(instance_class: str, deployment: str) -> Query:
    return Query(
        "AmazonRDS",
        (
            ("instanceType", instance_class),
            ("databaseEngine", "PostgreSQL"),
            ("deploymentOption", deployment),
            ("locationType", "AWS Region"),
        ),
    )


#: Catalogue keys deliberately left out of :data:`QUERIES`, and why. A refresh
#: reports them as "not refreshable" and leaves them as they are.
NOT_REFRESHABLE: dict[str, str] = {
    "backup.warm.gb-month": "AWS Backup bills Aurora/RDS backups at the service's snapshot "
    "price; no single Backup SKU",
    "backup.cold.gb-month": "cold tier is priced per resource type (EFS, DynamoDB, VMware); "
    "not applicable to Aurora/RDS",
    "scheduler.million-invocations": "EventBridge Scheduler has no stable service code and "
    "usage type in the Price List API",
    "ssm.standard-parameter-month": "standard parameters are free: there is no SKU",
    "s3.lifecycle-transition.glacier-ir.thousand-requests": "the S3 usage type of lifecycle "
    "transition requests is not mapped yet; check the S3 pricing page by hand",
    "s3.lifecycle-transition.deep-archive.thousand-requests": "the S3 usage type of lifecycle "
    "transition requests is not mapped yet; check the S3 pricing page by hand",
    "datatransfer.out-internet.gb": "tiered AWSDataTransfer SKU not mapped yet; check the EC2 "
    "pricing page's data transfer section by hand",
    "datatransfer.inter-az.gb": "AWSDataTransfer intra-region SKU not mapped yet; check by hand",
    "vpn.connection-hour": "AmazonVPC VPN usage type not mapped yet; check by hand",
    "tgw.attachment-hour": "AmazonVPC Transit Gateway usage type not mapped yet; check by hand",
    "tgw.gb": "AmazonVPC Transit Gateway usage type not mapped yet; check by hand",
    "route53.hosted-zone-month": "Route 53 is a global service with no regional SKU",
    "cloudwatch.dashboard-month": "the AmazonCloudWatch dashboard usage type is not mapped "
    "yet; check the CloudWatch pricing page's dashboards section by hand",
    "budgets.budget-day": "AWS Budgets is a global service with no regional SKU; check the "
    "AWS Budgets pricing page by hand",
    "sns.million-publishes": "the AmazonSNS request usage type is not mapped yet; check the "
    "SNS pricing page by hand",
    "sns.100k-email-notifications": "the AmazonSNS e-mail delivery usage type is not mapped "
    "yet; check the SNS pricing page by hand",
    **{
        f"commitment.{k}": "a ratio of a Savings Plans / reserved offer to on-demand, not an "
        "on-demand SKU; check the AWS Pricing Calculator by hand"
        for k in (
            "fargate.compute-sp-1yr-no-upfront",
            "fargate.compute-sp-3yr-no-upfront",
            "ec2.compute-sp-1yr-no-upfront",
            "ec2.compute-sp-3yr-no-upfront",
            "rds.ri-1yr-no-upfront",
            "rds.ri-3yr-partial-upfront",
        )
    },
}

#: Catalogue key -> Price List query. Usage types follow the Price List API's
#: naming (``<prefix>-<usage>``); every answer still passes the guards above.
QUERIES: dict[str, Query] = {
    "fargate.vcpu-hour.arm64": _usage("AmazonECS", "{P}-Fargate-ARM-vCPU-Hours:perCPU"),
    "fargate.gb-hour.arm64": _usage("AmazonECS", "{P}-Fargate-ARM-GB-Hours"),
    "fargate.vcpu-hour.x86_64": _usage("AmazonECS", "{P}-Fargate-vCPU-Hours:perCPU"),
    "fargate.gb-hour.x86_64": _usage("AmazonECS", "{P}-Fargate-GB-Hours"),
    **{f"ec2.instance-hour.{t}": _ec2(t) for t in EC2_TYPES},
    **{f"rds.instance-hour.postgres.{c}": _rds(c, "Single-AZ") for c in RDS_CLASSES},
    **{f"rds.instance-hour.postgres-multiaz.{c}": _rds(c, "Multi-AZ") for c in RDS_CLASSES},
    "aurora.acu-hour": _usage(
        "AmazonRDS", "{P}-Aurora:ServerlessV2Usage", databaseEngine="Aurora PostgreSQL"
    ),
    "aurora.storage.gb-month": _usage("AmazonRDS", "{P}-Aurora:StorageUsage"),
    "aurora.io.million-requests": _usage("AmazonRDS", "{P}-Aurora:StorageIOUsage", 1e6),
    "aurora.backup.gb-month": _usage("AmazonRDS", "{P}-Aurora:BackupUsage"),
    "rds.storage.gp2.gb-month": _usage(
        "AmazonRDS", "{P}-RDS:GP2-Storage", databaseEngine="PostgreSQL"
    ),
    "rds.storage.gp3.gb-month": _usage(
        "AmazonRDS", "{P}-RDS:GP3-Storage", databaseEngine="PostgreSQL"
    ),
    "rds.storage.gp2-multiaz.gb-month": _usage(
        "AmazonRDS", "{P}-RDS:Multi-AZ-GP2-Storage", databaseEngine="PostgreSQL"
    ),
    "rds.storage.gp3-multiaz.gb-month": _usage(
        "AmazonRDS", "{P}-RDS:Multi-AZ-GP3-Storage", databaseEngine="PostgreSQL"
    ),
    "rds.snapshot.gb-month": _usage("AmazonRDS", "{P}-RDS:ChargedBackupUsage"),
    "ebs.gp2.gb-month": _usage("AmazonEC2", "{P}-EBS:VolumeUsage.gp2"),
    "ebs.gp3.gb-month": _usage("AmazonEC2", "{P}-EBS:VolumeUsage.gp3"),
    "ebs.io1.gb-month": _usage("AmazonEC2", "{P}-EBS:VolumeUsage.piops"),
    "ebs.snapshot.gb-month": _usage("AmazonEC2", "{P}-EBS:SnapshotUsage"),
    "s3.standard.gb-month": _usage("AmazonS3", "{P}-TimedStorage-ByteHrs"),
    "s3.standard-ia.gb-month": _usage("AmazonS3", "{P}-TimedStorage-SIA-ByteHrs"),
    "s3.glacier-ir.gb-month": _usage("AmazonS3", "{P}-TimedStorage-GIR-ByteHrs"),
    "s3.deep-archive.gb-month": _usage("AmazonS3", "{P}-TimedStorage-GDA-ByteHrs"),
    "s3.put.thousand-requests": _usage("AmazonS3", "{P}-Requests-Tier1", 1e3),
    "logs.ingest.gb": _usage("AmazonCloudWatch", "{P}-DataProcessing-Bytes"),
    "logs.ingest-ia.gb": _usage("AmazonCloudWatch", "{P}-DataProcessingIA-Bytes"),
    "logs.storage.gb-month": _usage("AmazonCloudWatch", "{P}-TimedStorage-ByteHrs"),
    "logs.vended.gb": _usage("AmazonCloudWatch", "{P}-VendedLog-Bytes"),
    "backup.cross-region-transfer.gb": _usage("AWSDataTransfer", "{P}-{Q}-AWS-Out-Bytes"),
    "natgateway.hour": _usage("AmazonEC2", "{P}-NatGateway-Hours"),
    "natgateway.gb": _usage("AmazonEC2", "{P}-NatGateway-Bytes"),
    "vpce.interface.hour": _usage("AmazonVPC", "{P}-VpcEndpoint-Hours"),
    "vpce.gb": _usage("AmazonVPC", "{P}-VpcEndpoint-Bytes"),
    "alb.hour": _usage(
        "AWSELB", "{P}-LoadBalancerUsage", productFamily="Load Balancer-Application"
    ),
    "alb.lcu-hour": _usage("AWSELB", "{P}-LCUUsage", productFamily="Load Balancer-Application"),
    "publicipv4.hour": _usage("AmazonVPC", "{P}-PublicIPv4:InUseAddress"),
    "secretsmanager.secret-month": _usage("AWSSecretsManager", "{P}-AWSSecretsManager-Secrets"),
    "secretsmanager.10k-api-calls": _usage(
        "AWSSecretsManager", "{P}-AWSSecretsManager-APIRequest", 1e4
    ),
    "kms.key-month": _usage("awskms", "{P}-KMS-Keys"),
    "kms.10k-requests": _usage("awskms", "{P}-KMS-Requests", 1e4),
    "cloudwatch.alarm-month": _usage("AmazonCloudWatch", "{P}-CW:AlarmMonitorUsage"),
    "cloudwatch.custom-metric-month": _usage("AmazonCloudWatch", "{P}-CW:MetricMonitorUsage"),
    "firehose.gb": _usage("AmazonKinesisFirehose", "{P}-BilledBytes"),
    "sqs.million-requests": _usage("AWSQueueService", "{P}-Requests-Tier1", 1e6),
}


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    key: str
    region: str
    old_usd: float
    new_usd: float
    tiers_changed: bool = False


@dataclass(frozen=True)
class Failure:
    key: str
    region: str
    reason: str


@dataclass
class RefreshReport:
    """What a refresh did, entry by entry."""

    path: Path
    checked: date
    updated: list[Change] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    not_refreshable: list[tuple[str, str, str]] = field(default_factory=list)
    """(key, region, reason)"""
    failed: list[Failure] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        lines = [
            f"{self.path}: {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.not_refreshable)} not refreshable, {len(self.failed)} failed"
            + ("" if self.written else " (file not written)")
        ]
        for c in self.updated:
            extra = " (tiers changed)" if c.tiers_changed else ""
            lines.append(f"  updated  {c.key} @ {c.region}: {c.old_usd:g} -> {c.new_usd:g}{extra}")
        for f in self.failed:
            lines.append(f"  failed   {f.key} @ {f.region}: {f.reason}")
        for key, region, reason in self.not_refreshable:
            lines.append(f"  manual   {key} @ {region}: {reason}")
        return "\n".join(lines)


class RefreshError(Exception):
    """A failure that stops a whole refresh (for example, missing credentials)."""


Progress = Callable[[str, str, str], None]
"""``progress(key, region, outcome)``; outcome is updated/unchanged/failed/manual."""


# ---------------------------------------------------------------------------
# refresh
# ---------------------------------------------------------------------------
def refresh(
    catalog_path: Path | str,
    *,
    client: Any = None,
    regions: Sequence[str] = DEFAULT_REGIONS,
    progress: Progress | None = None,
    today: date | None = None,
    keys: Iterable[str] | None = None,
    max_ratio: float = 5.0,
    write: bool = True,
) -> RefreshReport:
    """Refresh the prices in ``catalog_path`` for ``regions`` and write the file back.

    ``client`` is a boto3 ``pricing`` client (default: a new one on us-east-1).
    ``keys`` limits the refresh to those keys. With ``write=False`` nothing is
    written (a dry run). Raises :class:`CatalogError` if the file is not a valid
    catalogue before or after the refresh.
    """
    path = Path(catalog_path)
    regions = (regions,) if isinstance(regions, str) else tuple(regions)
    Catalog.load(path)  # refuse to touch a catalogue that does not validate
    text = read_text(path)
    doc = parse_yaml(text, path)
    day = today or date.today()
    report = RefreshReport(path=path, checked=day)
    wanted = set(keys) if keys is not None else None
    if client is None:
        client = default_client()

    def tell(key: str, region: str, outcome: str) -> None:
        if progress is not None:
            progress(key, region, outcome)

    for entry in doc["prices"]:
        key, region = entry["key"], entry["region"]
        if region not in regions or (wanted is not None and key not in wanted):
            continue
        query = QUERIES.get(key)
        if query is None:
            report.not_refreshable.append((key, region, NOT_REFRESHABLE.get(key, "no mapping")))
            tell(key, region, "manual")
            continue
        try:
            found = fetch_price(client, query, region)
        except LookupError as exc:
            report.failed.append(Failure(key, region, str(exc)))
            tell(key, region, "failed")
            continue
        except Exception as exc:  # botocore ClientError, BotoCoreError, bad JSON
            if _is_credentials_error(exc):
                raise RefreshError(f"cannot call the AWS Price List API: {exc}") from exc
            report.failed.append(Failure(key, region, _api_reason(exc)))
            tell(key, region, "failed")
            continue
        usd, tiers = found
        old = float(entry["usd"])
        if old > 0 and usd > 0 and max(usd / old, old / usd) > max_ratio:
            report.failed.append(
                Failure(
                    key,
                    region,
                    f"implausible: API says {usd:g}, catalogue has {old:g} "
                    f"(more than x{max_ratio:g}); check the mapping",
                )
            )
            tell(key, region, "failed")
            continue
        old_tiers = _tiers_of(entry)
        same = math.isclose(old, usd, rel_tol=1e-9, abs_tol=1e-12) and _same_tiers(old_tiers, tiers)
        entry["usd"] = usd
        if tiers:
            entry["tiers"] = [{"upTo": up, "usd": p} for up, p in tiers]
        else:
            entry.pop("tiers", None)
        entry["checked"] = day
        entry["source"] = query.describe(region)
        note = entry.get("note")
        if isinstance(note, str) and note.lower().startswith("unverified"):
            entry.pop("note")  # the API has now confirmed it
        if same:
            report.unchanged.append((key, region))
            tell(key, region, "unchanged")
        else:
            report.updated.append(
                Change(key, region, old, usd, tiers_changed=not _same_tiers(old_tiers, tiers))
            )
            tell(key, region, "updated")

    new_text = _header(text) + dump_catalog(doc)
    Catalog.from_document(parse_yaml(new_text, path), path)  # never write a broken file
    if write:
        write_file(path, new_text)
        report.written = True
    return report


def default_client() -> Any:
    """A boto3 Price List client on us-east-1 (needs credentials; read-only use)."""
    try:
        import boto3
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RefreshError("prices refresh needs boto3: pip install boto3") from exc
    return boto3.client("pricing", region_name="us-east-1")


def fetch_price(
    client: Any, query: Query, region: str
) -> tuple[float, list[tuple[float | None, float]]]:
    """Ask GetProducts (following NextToken) and return (usd, tiers).

    Raises LookupError when no product matches or the products disagree.
    """
    request: dict[str, Any] = {
        "ServiceCode": query.service_code,
        "Filters": query.resolve(region),
        "FormatVersion": "aws_v1",
        "MaxResults": 100,
    }
    candidates: dict[tuple[tuple[float | None, float], ...], str] = {}
    while True:
        answer = client.get_products(**request)
        for item in answer.get("PriceList", []):
            product = json.loads(item) if isinstance(item, str) else item
            dims = _on_demand_dimensions(product)
            if not dims:
                continue
            sku = str(product.get("product", {}).get("sku", "?"))
            candidates.setdefault(tuple(dims), sku)
        token = answer.get("NextToken")
        if not token:
            break
        request["NextToken"] = token
    if not candidates:
        raise LookupError(f"not found: no on-demand product for {query.describe(region)}")
    if len(candidates) > 1:
        prices = sorted({p for dims in candidates for _, p in dims})
        shown = ", ".join(f"{p:g}" for p in prices[:5])
        raise LookupError(
            f"ambiguous: {len(candidates)} products with different prices ({shown}); "
            "narrow the filters"
        )
    dims = next(iter(candidates))
    scaled = [
        (None if up is None else up / query.scale, _round(price * query.scale))
        for up, price in dims
    ]
    if len(scaled) == 1:
        return scaled[0][1], []
    headline = next((p for _, p in scaled if p > 0), scaled[0][1])
    return headline, scaled


def _on_demand_dimensions(product: dict[str, Any]) -> list[tuple[float | None, float]]:
    """Price dimensions of the on-demand offer as (upTo, usd), sorted by beginRange."""
    by_sku = product.get("terms", {}).get("OnDemand", {})  # terms.OnDemand.<sku>.<offer>
    offers = [offer for sku_offers in by_sku.values() for offer in sku_offers.values()]
    rows: list[tuple[float, float | None, float]] = []
    for offer in offers:
        for dim in offer.get("priceDimensions", {}).values():
            usd = dim.get("pricePerUnit", {}).get("USD")
            if usd is None:
                continue
            begin = float(dim.get("beginRange", "0") or 0)
            end = dim.get("endRange", "Inf")
            up = None if end in (None, "", "Inf") else float(end)
            rows.append((begin, up, float(usd)))
    rows.sort(key=lambda r: r[0])
    return [(up, usd) for _, up, usd in rows]


def _round(value: float) -> float:
    return float(f"{value:.10g}")


def _tiers_of(entry: dict[str, Any]) -> list[tuple[float | None, float]]:
    return [
        (None if t.get("upTo") is None else float(t["upTo"]), float(t["usd"]))
        for t in entry.get("tiers") or []
    ]


def _same_tiers(a: list[tuple[float | None, float]], b: list[tuple[float | None, float]]) -> bool:
    if len(a) != len(b):
        return False
    for (ua, pa), (ub, pb) in zip(a, b, strict=True):
        if (ua is None) != (ub is None) or (ua is not None and not math.isclose(ua, ub or 0)):
            return False
        if not math.isclose(pa, pb, rel_tol=1e-9, abs_tol=1e-12):
            return False
    return True


def _is_credentials_error(exc: Exception) -> bool:
    return type(exc).__name__ in {"NoCredentialsError", "PartialCredentialsError"}


def _api_reason(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        err = response["Error"]
        return f"API error {err.get('Code', '?')}: {err.get('Message', '')}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------
_FIELD_ORDER = ("key", "region", "unit", "usd", "source", "checked", "tiers", "note")


class _Dumper(yaml.SafeDumper):
    """Block style for entries, flow style for tiers, no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _tier_representer(dumper: yaml.SafeDumper, data: _FlowMap) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(data), flow_style=True)


class _FlowMap(dict):  # type: ignore[type-arg]
    pass


_Dumper.add_representer(_FlowMap, _tier_representer)


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def dump_catalog(doc: dict[str, Any]) -> str:
    """The catalogue document as YAML in the packaged file's layout.

    Entries keep their order; within an entry the fields come in the
    documented order, then any others as they were.
    """
    out: dict[str, Any] = {}
    for name in ("currency", "fx"):
        if name in doc:
            out[name] = doc[name]
    entries = []
    for entry in doc.get("prices", []):
        ordered = {k: entry[k] for k in _FIELD_ORDER if k in entry}
        ordered.update({k: v for k, v in entry.items() if k not in ordered})
        if "tiers" in ordered and isinstance(ordered["tiers"], list):
            ordered["tiers"] = [
                _FlowMap({"upTo": _number(t.get("upTo")), "usd": t.get("usd")})
                for t in ordered["tiers"]
            ]
        entries.append(ordered)
    out["prices"] = entries
    for name, value in doc.items():
        if name not in out:
            out[name] = value
    text = yaml.dump(out, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
    # a blank line between entries keeps the file readable and diffs local
    return re.sub(r"\n- key: ", "\n\n- key: ", text).replace("prices:\n\n", "prices:\n", 1)


def _header(text: str) -> str:
    """The leading comment block of a catalogue file (kept across refreshes)."""
    lines = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#") or (lines and not line.strip()):
            lines.append(line)
            continue
        break
    while lines and not lines[-1].strip():
        lines.pop()
    return "".join(lines) + ("\n" if lines else "")


__all__ = [
    "DEFAULT_REGIONS",
    "NOT_REFRESHABLE",
    "QUERIES",
    "CatalogError",
    "Change",
    "Failure",
    "Query",
    "RefreshError",
    "RefreshReport",
    "dump_catalog",
    "fetch_price",
    "refresh",
]
