"""Planned estimates from the resource graph, recomputed by hand from the catalogue."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from fixtures import liftshift
from hypothesis import given, settings
from hypothesis import strategies as st

from gcmod.config import Tenant
from gcmod.cost.estimate import estimate_file, estimate_stack
from gcmod.cost.model import LEVER_ORDER, Estimate, EstimateResult, LineItem
from gcmod.cost.pricers import FREE_TYPES, PRICED_VIA, PRICERS, price_graph
from gcmod.cost.shares import tenant_shares
from gcmod.cost.usage import Usage
from gcmod.pricing import Catalog, packaged_path
from gcmod.reference import lg_code_check_digit
from gcmod.runcalendar import from_graph
from gcmod.stackfiles import resolve, samples_dir

TOKYO, OSAKA = "ap-northeast-1", "ap-northeast-3"
H = 730.0


@pytest.fixture(scope="module")
def results(sample_estimates: dict[str, EstimateResult]) -> dict[str, EstimateResult]:
    return sample_estimates


def by_line(est: Estimate) -> dict[tuple[str, str, str], float]:
    out: dict[tuple[str, str, str], float] = defaultdict(float)
    for li in est.lines:
        out[(li.resource, li.price_key, li.region)] += li.monthly_usd
    return dict(out)


# ---------------------------------------------------------------------------
# saas-prod, line by line
# ---------------------------------------------------------------------------
def test_saas_prod_recomputed_line_by_line(
    sample_stacks: dict[str, Any], results: dict[str, EstimateResult], catalog: Catalog
) -> None:
    cfg, _ = sample_stacks["saas-prod"]
    res = results["saas-prod"]
    u = Usage().resolve(cfg)

    def p(key: str, region: str = TOKYO) -> float:
        return catalog.get(key, region).usd

    def cost(key: str, q: float, region: str = TOKYO) -> float:  # tier-aware
        return catalog.cost(key, region, q)

    exp: dict[tuple[str, str, str], float] = defaultdict(float)

    def add(resource: str, key: str, usd: float, region: str = TOKYO) -> None:
        exp[(f"saas-prod-{resource}", key, region)] += usd

    svc, db = cfg.service, cfg.database
    tasks, vcpu, mem = svc.min_tasks, svc.cpu / 1024, svc.memory / 1024
    assert (tasks, vcpu, mem, svc.architecture) == (2, 1.0, 2.0, "ARM64")
    # Fargate: tasks × vCPU × price × 730 + tasks × GB × price × 730 ...
    add("app-service", "fargate.vcpu-hour.arm64", tasks * vcpu * p("fargate.vcpu-hour.arm64") * H)
    add("app-service", "fargate.gb-hour.arm64", tasks * mem * p("fargate.gb-hour.arm64") * H)
    # ... plus the month-end peak: one more task from the 25th 08:00 to the 1st 00:00.
    (peak,) = svc.peaks
    extra, peak_h = peak.min_tasks - tasks, H - (24 * 24 + 8)
    add(
        "app-service",
        "fargate.vcpu-hour.arm64",
        extra * vcpu * p("fargate.vcpu-hour.arm64") * peak_h,
    )
    add("app-service", "fargate.gb-hour.arm64", extra * mem * p("fargate.gb-hour.arm64") * peak_h)
    # Internal ALB: 730 h + LCUs (3 cities × 1M requests × 50 kB ÷ 730 h ÷ 1 GB/LCU-h).
    lcu = 3_000_000 * 50_000 / 1e9 / H
    add("app-alb", "alb.hour", H * p("alb.hour"))
    add("app-alb", "alb.lcu-hour", lcu * H * p("alb.lcu-hour"))
    # Aurora Serverless v2: average ACU = min + 10 % of the range, 24/7.
    acu = db.min_acu + 0.10 * (db.max_acu - db.min_acu)
    add("db-cluster", "aurora.acu-hour", acu * H * p("aurora.acu-hour"))
    add("db-cluster", "aurora.storage.gb-month", db.data_gb * p("aurora.storage.gb-month"))
    add("db-cluster", "aurora.io.million-requests", 30.0 * p("aurora.io.million-requests"))
    add("db-cluster", "secretsmanager.secret-month", p("secretsmanager.secret-month"))
    # One Aurora instance, app tasks in two AZs: half the requests' 50 kB cross AZs,
    # billed in both directions at the inter-AZ rate.
    cross_gb = 3_000_000 * 50_000 / 1e9 * (1 - 1 / 2) * 2
    add("db-cluster", "datatransfer.inter-az.gb", cross_gb * p("datatransfer.inter-az.gb"))
    # The target tracking policy's two CloudWatch alarms (scale out, scale in).
    add("app-cpu", "cloudwatch.alarm-month", 2 * p("cloudwatch.alarm-month"))
    add("db-cluster", "secretsmanager.10k-api-calls", cost("secretsmanager.10k-api-calls", 1.0))
    # Five interface endpoints in two AZs; the logs endpoint carries the log volume.
    for ep in ("ecr-api", "ecr-dkr", "logs", "secretsmanager", "ssm"):
        add(f"net-{ep}", "vpce.interface.hour", 2 * H * p("vpce.interface.hour"))
    log_gb = {"application": 9.0, "access": 3.0, "audit": 1.5}  # 3M requests × 3000/1000/500 B
    assert u.log_gb_per_month == pytest.approx(log_gb)
    add("net-logs", "vpce.gb", sum(log_gb.values()) * p("vpce.gb"))
    # Logs: ingestion + steady-state storage (GB a day × retention days).
    for cls, lc in cfg.logging.classes.items():
        add(f"logs-{cls}", "logs.ingest.gb", log_gb[cls] * p("logs.ingest.gb"))
        # stored on the compressed size: × 0.15 (the Pricing Calculator's factor)
        stored = log_gb[cls] / (H / 24) * lc.retention_days * 0.15
        add(f"logs-{cls}", "logs.storage.gb-month", stored * p("logs.storage.gb-month"))
    # Audit archive: Firehose (one object per 900 s buffer), S3 tiers 0-30-180-1827 days.
    audit_daily = log_gb["audit"] / (H / 24)
    objects = H * 3600 / 900
    add("logs-audit", "firehose.gb", log_gb["audit"] * p("firehose.gb"))
    add("logs-audit", "s3.put.thousand-requests", objects / 1000 * p("s3.put.thousand-requests"))
    add("logs-archive", "s3.standard.gb-month", cost("s3.standard.gb-month", audit_daily * 30))
    add("logs-archive", "s3.glacier-ir.gb-month", audit_daily * 150 * p("s3.glacier-ir.gb-month"))
    add(
        "logs-archive",
        "s3.deep-archive.gb-month",
        audit_daily * (1827 - 180) * p("s3.deep-archive.gb-month"),
    )
    missing_keys = set()
    for tier in ("glacier-ir", "deep-archive"):
        key = f"s3.lifecycle-transition.{tier}.thousand-requests"
        if catalog.find(key, TOKYO) is None:
            missing_keys.add(key)
        else:
            add("logs-archive", key, cost(key, objects / 1000))
    # AWS Backup: 35 daily Aurora snapshots of 60 GB, each billed at the full
    # volume once older than the cluster's 1-day automated backup (Aurora User
    # Guide, backup storage usage): 34 × 60 = 2,040 GB-month; daily full copy to
    # Osaka (Aurora snapshot copies are always full), 35 copies kept there.
    full, keep = db.data_gb, cfg.backup.retention_days
    assert (full, keep) == (60, 35)
    add("backup-plan", "aurora.backup.gb-month", 2040 * p("aurora.backup.gb-month"))
    add(
        "backup-plan",
        "backup.cross-region-transfer.gb",
        full * H / 24 * p("backup.cross-region-transfer.gb"),
    )
    add(
        "backup-plan",
        "aurora.backup.gb-month",
        full * cfg.dr.retention_days * p("aurora.backup.gb-month", OSAKA),
        OSAKA,
    )
    # KMS: a key per vault (Tokyo and Osaka), yearly rotation → 2.4 key-months on average.
    add("backup-key", "kms.key-month", 2.4 * p("kms.key-month"))
    add("backup-dr-key", "kms.key-month", 2.4 * p("kms.key-month", OSAKA), OSAKA)
    add("backup-key", "kms.10k-requests", cost("kms.10k-requests", 1.0))
    # The per-tenant request metric: one custom metric per tenant.
    add(
        "requests-by-tenant",
        "cloudwatch.custom-metric-month",
        cost("cloudwatch.custom-metric-month", 3),
    )
    for t in cfg.tenants:
        add(
            f"tenant-{t.code}-settings",
            "ssm.standard-parameter-month",
            p("ssm.standard-parameter-month"),
        )
    # Observability (on by default): one dashboard-month (the account's free
    # dashboards not credited); a budget for the environment and one per tenant,
    # each 30.42 budget-days; their 2 alerts each publish at most once a month.
    add("obs-dashboard", "cloudwatch.dashboard-month", p("cloudwatch.dashboard-month"))
    budgets = ["obs-production", *(f"obs-tenant-{t.code}" for t in cfg.tenants)]
    for b in budgets:
        add(b, "budgets.budget-day", H / 24 * p("budgets.budget-day"))
    add("obs-alerts", "sns.million-publishes", 2 * len(budgets) / 1e6 * p("sns.million-publishes"))

    got = by_line(res.planned)
    assert set(got) == set(exp)
    for k, v in exp.items():
        assert got[k] == pytest.approx(v, rel=1e-9, abs=1e-9), k
    assert res.planned.monthly_usd == pytest.approx(math.fsum(exp.values()), rel=1e-9)
    assert {m.price_key for m in res.planned.missing} == missing_keys
    # Every line says where its price came from and in which region.
    for li in res.planned.lines:
        assert catalog.find(li.price_key, li.region) is not None
        assert li.unit == catalog.get(li.price_key, li.region).unit
    # The SSM parameters are the tenants' own resources.
    assert {li.tenant for li in res.planned.lines if li.price_key.startswith("ssm.")} == {
        t.code for t in cfg.tenants
    }


def test_dr_region_resources_use_osaka_prices(results: dict[str, EstimateResult]) -> None:
    osaka = [li for li in results["saas-prod"].planned.lines if li.region == OSAKA]
    assert {li.resource for li in osaka} == {"saas-prod-backup-plan", "saas-prod-backup-dr-key"}
    # The rebuilt stack in Osaka is priced in Osaka, its copies go back to Tokyo.
    dr = results["saas-dr"].planned
    assert {li.resource for li in dr.lines if li.region == TOKYO} == {
        "saas-dr-backup-plan",
        "saas-dr-backup-dr-key",
    }
    assert {li.region for li in dr.lines if li.price_key.startswith("fargate.")} == {OSAKA}


def test_saas_dev_uses_its_scheduled_hours(
    sample_stacks: dict[str, Any], results: dict[str, EstimateResult], catalog: Catalog
) -> None:
    cfg, graph = sample_stacks["saas-dev"]
    cal = from_graph(graph)
    assert cal is not None
    app = cal.targets["app"].monthly_hours()
    dbh = cal.targets["db"].monthly_hours()
    app_h, db_h = sum(app.values()) / len(app), sum(dbh.values()) / len(dbh)
    assert 100 < app_h < db_h < 730  # the database starts 15 min earlier, stops 15 min later
    got = by_line(results["saas-dev"].planned)
    vcpu = cfg.service.cpu / 1024
    assert got[("saas-dev-app-service", "fargate.vcpu-hour.arm64", TOKYO)] == pytest.approx(
        cfg.service.min_tasks * vcpu * catalog.get("fargate.vcpu-hour.arm64", TOKYO).usd * app_h
    )
    acu = cfg.database.min_acu + 0.1 * (cfg.database.max_acu - cfg.database.min_acu)
    assert got[("saas-dev-db-cluster", "aurora.acu-hour", TOKYO)] == pytest.approx(
        acu * db_h * catalog.get("aurora.acu-hour", TOKYO).usd
    )
    # Storage is billed while stopped; the load balancer and endpoints run 24/7.
    assert got[("saas-dev-app-alb", "alb.hour", TOKYO)] == pytest.approx(
        H * catalog.get("alb.hour", TOKYO).usd
    )
    hours = results["saas-dev"].assumptions["runningHours"]["value"]
    assert hours == {"app": pytest.approx(app_h), "db": pytest.approx(db_h)}
    # The scheduler's invocations are priced on its group.
    assert any(
        li.price_key == "scheduler.million-invocations" for li in results["saas-dev"].planned.lines
    )


def without(tmp_path: Path, *keys: str) -> Catalog:
    """The packaged catalogue without ``keys`` (in every region)."""
    doc = yaml.safe_load(packaged_path().read_text(encoding="utf-8"))
    doc["prices"] = [e for e in doc["prices"] if e["key"] not in keys]
    path = tmp_path / "prices.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return Catalog.load(path)


def test_a_missing_price_is_reported_never_zero(
    sample_stacks: dict[str, Any],
    results: dict[str, EstimateResult],
    tmp_path: Path,
) -> None:
    cfg, graph = sample_stacks["saas-prod"]
    partial = without(tmp_path, "aurora.acu-hour")
    res = estimate_stack(cfg, graph, partial, Usage(), stack="saas-prod")
    (mp,) = [m for m in res.planned.missing if m.price_key == "aurora.acu-hour"]
    assert (mp.resource, mp.region) == ("saas-prod-db-cluster", TOKYO)
    assert "ACU-hours" in mp.reason and "not counted" in mp.reason
    assert not [li for li in res.planned.lines if li.price_key == "aurora.acu-hour"]
    full = results["saas-prod"].planned
    acu_usd = sum(li.monthly_usd for li in full.lines if li.price_key == "aurora.acu-hour")
    assert acu_usd > 0
    assert res.planned.monthly_usd == pytest.approx(full.monthly_usd - acu_usd)
    # The waterfall's Aurora steps cannot be priced either, and say so.
    assert "aurora.acu-hour@ap-northeast-1" in res.assumptions["missingInModel"]["value"]["logs"]


def test_every_sample_resource_is_priced_free_or_priced_with_another(
    sample_stacks: dict[str, Any], results: dict[str, EstimateResult]
) -> None:
    for name, (_, graph) in sample_stacks.items():
        assert results[name].assumptions["unpriced"]["value"] == [], name
        for node in graph.custom_resources:
            assert node.type in PRICERS or node.type in FREE_TYPES or node.type in PRICED_VIA


def test_registry_has_one_pricer_per_type() -> None:
    assert not set(PRICERS) & set(FREE_TYPES)
    assert not set(PRICERS) & set(PRICED_VIA)
    for token in (
        "aws:ecs/service:Service",
        "aws:rds/cluster:Cluster",
        "aws:rds/instance:Instance",
        "aws:ec2/instance:Instance",
        "aws:ebs/volume:Volume",
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:s3/bucket:Bucket",
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "aws:backup/plan:Plan",
        "aws:secretsmanager/secret:Secret",
        "aws:kms/key:Key",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:sqs/queue:Queue",
        "aws:ec2/eip:Eip",
        "aws:ssm/parameter:Parameter",
    ):
        assert token in PRICERS


def test_lift_and_shift_estate_is_priced_from_its_graph(
    sample_stacks: dict[str, Any], results: dict[str, EstimateResult], catalog: Catalog
) -> None:
    """The same pricers price the lift-and-shift fixture: servers, Multi-AZ RDS,
    gp2 volumes, NAT per AZ, never-expiring logs; a type the catalogue lacks is
    reported, not priced at zero."""
    cfg, _ = sample_stacks["saas-prod"]
    est, gp = price_graph(liftshift.graph(), Usage().resolve(cfg), catalog)
    missing = {(m.resource, m.price_key) for m in est.missing}
    assert ("otaru-dev-ap", "ec2.instance-hour.r4.4xlarge") in missing
    keys = {li.price_key for li in est.lines}
    assert {
        "ec2.instance-hour.m4.xlarge",
        "ec2.instance-hour.c4.2xlarge",
        "rds.instance-hour.postgres-multiaz.db.m4.large",
        "rds.storage.gp2-multiaz.gb-month",
        "ebs.gp2.gb-month",
        "natgateway.hour",
        "publicipv4.hour",
    } <= keys
    nat = [li for li in est.lines if li.price_key == "natgateway.hour" and li.region == TOKYO]
    assert len(nat) == 3 * 3 * 2  # a NAT per AZ in production and development, per town
    # The Osaka standby is priced at Osaka prices.
    assert any(li.region == OSAKA and li.price_key.startswith("ec2.") for li in est.lines)
    assert est.monthly_usd > 10 * results["saas-prod"].planned.monthly_usd
    assert gp.unpriced == {}


# ---------------------------------------------------------------------------
# Shares
# ---------------------------------------------------------------------------
def test_shares_sum_to_the_total_for_every_sample(results: dict[str, EstimateResult]) -> None:
    for name, res in results.items():
        total = res.planned.monthly_usd
        for attr in ("equal_usd", "population_usd", "usage_usd"):
            assert math.fsum(getattr(s, attr) for s in res.shares) == pytest.approx(
                total, rel=1e-12
            ), (name, attr)


def test_population_share_follows_residents(results: dict[str, EstimateResult]) -> None:
    shares = {s.code: s for s in results["saas-prod"].shares}
    assert shares["012173"].population_usd > shares["012033"].population_usd
    assert shares["012343"].population_usd < shares["012343"].equal_usd


def _cfg_with(tenants: list[Tenant]) -> Any:
    class Cfg:  # tenant_shares reads only the tenants
        pass

    c = Cfg()
    c.tenants = tuple(tenants)  # type: ignore[attr-defined]
    return c


def test_usage_share_gives_tagged_lines_to_their_tenant() -> None:
    a, b = (
        Tenant(name=n, code=c, population=p) for n, c, p in (("A", "011002", 1), ("B", "131016", 3))
    )
    line = dict(resource="r", resource_type="t", category="other", description="d", quantity=1,
                unit="u", unit_price_usd=1, price_key="k", region=TOKYO)  # fmt: skip
    est = Estimate(
        "x", [LineItem(**line, monthly_usd=10, tenant="011002"), LineItem(**line, monthly_usd=90)]
    )
    usage = Usage(tenant_requests_per_month={"011002": 1, "131016": 1})
    sa, sb = tenant_shares(_cfg_with([a, b]), est, usage)
    assert (sa.usage_usd, sb.usage_usd) == pytest.approx((55, 45))
    assert (sa.equal_usd, sb.equal_usd) == pytest.approx((50, 50))
    assert (sa.population_usd, sb.population_usd) == pytest.approx((25, 75))


def _code(prefix: int) -> str:
    first5 = f"{prefix:05d}"
    return first5 + str(lg_code_check_digit(first5))


tenant_lists = st.lists(
    st.tuples(st.integers(min_value=1000, max_value=47999), st.integers(1, 4_000_000)),
    min_size=1,
    max_size=8,
    unique_by=lambda t: t[0],
)


@settings(max_examples=60, deadline=None)
@given(
    tenant_lists,
    st.lists(
        st.tuples(st.floats(0, 1e5, allow_nan=False), st.integers(-1, 7)), min_size=0, max_size=20
    ),
    st.lists(st.floats(0, 1e8, allow_nan=False), min_size=8, max_size=8),
)
def test_shares_always_sum_to_the_total(
    tenants: list[tuple[int, int]], lines: list[tuple[float, int]], requests: list[float]
) -> None:
    ts = [Tenant(name=f"t{p}", code=_code(p), population=pop) for p, pop in tenants]
    line = dict(resource="r", resource_type="t", category="other", description="d", quantity=1,
                unit="u", unit_price_usd=1, price_key="k", region=TOKYO)  # fmt: skip
    items = [
        LineItem(**line, monthly_usd=usd, tenant=ts[i].code if 0 <= i < len(ts) else "shared")
        for usd, i in lines
    ]
    est = Estimate("x", items)
    usage = Usage(tenant_requests_per_month={t.code: r for t, r in zip(ts, requests, strict=False)})
    shares = tenant_shares(_cfg_with(ts), est, usage)
    total = est.monthly_usd
    for attr in ("equal_usd", "population_usd", "usage_usd"):
        assert math.isclose(
            math.fsum(getattr(s, attr) for s in shares), total, rel_tol=1e-9, abs_tol=1e-6
        )


# ---------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------
def test_result_carries_fx_levers_and_assumptions(
    results: dict[str, EstimateResult], catalog: Catalog
) -> None:
    res = results["saas-prod"]
    assert res.stack == "saas-prod" and res.region == TOKYO
    assert res.jpy_per_usd == catalog.jpy_per_usd and res.fx_source == catalog.fx_source
    assert [lv.lever for lv in res.levers] == list(LEVER_ORDER)
    a = res.assumptions
    for key in ("catalogue", "waterfall", "hoursPerMonth", "runningHours", "unpriced"):
        assert key in a
    assert a["plan_vs_model_usd"]["value"] == pytest.approx(
        res.planned.monthly_usd - a["modern_model_usd"]["value"]
    )
    assert a["usage.requestsPerMonth"]["value"] == 3_000_000


def test_estimate_file_reads_the_usage_file_beside_the_stack(tmp_path: Path) -> None:
    src = samples_dir() / "Pulumi.town-prod.yaml"
    (tmp_path / "Pulumi.town-prod.yaml").write_text(
        src.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "usage.town-prod.yaml").write_text("dataGb: 50\n", encoding="utf-8")
    res = estimate_file(resolve(str(tmp_path / "Pulumi.town-prod.yaml")))
    assert res.assumptions["usage.dataGb"]["value"] == 50
    storage = [li for li in res.planned.lines if li.price_key == "aurora.storage.gb-month"]
    assert [li.quantity for li in storage] == [50]
