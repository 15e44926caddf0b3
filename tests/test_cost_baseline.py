"""The lift-and-shift baseline and the lever waterfall."""

from __future__ import annotations

import itertools
import math
from dataclasses import fields
from typing import Any

import pytest

from gcmod.cost import baseline as bl
from gcmod.cost import sizing as sz
from gcmod.cost.model import LEVER_ORDER, EstimateResult
from gcmod.cost.usage import Usage
from gcmod.pricing import Catalog

TOKYO, OSAKA = "ap-northeast-1", "ap-northeast-3"


@pytest.fixture(scope="module")
def results(sample_estimates: dict[str, EstimateResult]) -> dict[str, EstimateResult]:
    return sample_estimates


def saving(res: EstimateResult, lever: str) -> float:
    return next(lv.monthly_usd for lv in res.levers if lv.lever == lever)


def test_baseline_for_saas_prod_is_dearer_than_the_plan(results: dict[str, EstimateResult]) -> None:
    res = results["saas-prod"]
    assert res.baseline.monthly_usd > res.planned.monthly_usd > 0
    assert 0 < res.ratio < 1
    assert res.saving_usd == pytest.approx(res.baseline.monthly_usd - res.planned.monthly_usd)


@pytest.mark.parametrize("name", ["saas-prod", "saas-dev", "saas-staging", "town-prod", "saas-dr"])
def test_lever_savings_sum_exactly_to_baseline_minus_modern(
    results: dict[str, EstimateResult], name: str
) -> None:
    res = results[name]
    assert [lv.lever for lv in res.levers] == list(LEVER_ORDER)
    total = math.fsum(lv.monthly_usd for lv in res.levers)
    assert math.isclose(
        total, res.baseline.monthly_usd - res.assumptions["modern_model_usd"]["value"], abs_tol=1e-9
    )
    steps = res.assumptions["waterfall"]["value"]
    assert steps[0]["monthlyUsd"] == res.baseline.monthly_usd
    for before, after in itertools.pairwise(steps):
        assert after["savingUsd"] == pytest.approx(before["monthlyUsd"] - after["monthlyUsd"])
    assert all(lv.explanation for lv in res.levers)


def test_baseline_and_model_are_fully_priced(results: dict[str, EstimateResult]) -> None:
    for name, res in results.items():
        assert res.baseline.missing == [], name
        assert "missingInModel" not in res.assumptions, name


def _high(res: EstimateResult, lever: str) -> float:
    assert res.baseline_range is not None
    return next(lv.monthly_usd for lv in res.baseline_range.levers_high if lv.lever == lever)


def test_each_lever_does_what_it_says(results: dict[str, EstimateResult], catalog: Catalog) -> None:
    # The headline levers are the low (conservative) end's; the high end's are kept too.
    prod, dev, town = results["saas-prod"], results["saas-dev"], results["town-prod"]
    # Three municipalities share one environment; a single town has nothing to share.
    assert saving(prod, "multi-tenancy") > 0 and _high(prod, "multi-tenancy") > 0
    assert saving(town, "multi-tenancy") == 0
    # The low end has no standby: backup-only DR only adds its copies (a cost);
    # the high end drops the warm standby of production. saas-dev copies nothing.
    assert saving(prod, "dr") < 0 < _high(prod, "dr")
    assert _high(town, "dr") > 0
    assert saving(dev, "dr") == 0 == _high(dev, "dr")
    # Production runs 24/7 unless it opts in; development is stopped out of hours.
    assert saving(prod, "operating-hours") == 0
    assert saving(dev, "operating-hours") > 0
    for res in (prod, town):
        for lever in ("managed-services", "sizing"):
            assert saving(res, lever) > 0, (res.stack, lever)
        for lever in ("managed-services", "sizing", "storage", "logs"):
            assert _high(res, lever) > 0, (res.stack, lever)
    # Development has no operations servers of its own at either end: the lever
    # only adds the CloudWatch alarms and the service dashboard that monitor it.
    monitoring = (
        bl.MANAGED_ALARMS_PER_ENV * catalog.get("cloudwatch.alarm-month", TOKYO).usd
        + bl.MANAGED_DASHBOARDS_PER_ENV * catalog.get("cloudwatch.dashboard-month", TOKYO).usd
    )
    assert 0 < monitoring < 5
    for s in (saving(dev, "managed-services"), _high(dev, "managed-services")):
        assert s == pytest.approx(-monitoring)
    assert saving(dev, "sizing") > 0


def test_baseline_range_low_is_the_headline(results: dict[str, EstimateResult]) -> None:
    for name, res in results.items():
        rng = res.baseline_range
        assert rng is not None, name
        assert rng.low is res.baseline
        assert 0 < rng.low.monthly_usd <= rng.high.monthly_usd, name
        for end in (rng.assumptions_low, rng.assumptions_high):
            for key, note in end.items():
                assert note["source"], (name, key)  # type: ignore[index]
    # Development is sized as development: no Multi-AZ, no standby, one server, at both ends.
    dev = results["saas-dev"].baseline_range
    assert dev is not None
    for est in (dev.low, dev.high):
        keys = {li.price_key for li in est.lines}
        assert not any("multiaz" in k for k in keys)
        assert {li.region for li in est.lines if li.category == "compute"} == {TOKYO}


def test_plan_vs_model_is_reported_not_hidden(results: dict[str, EstimateResult]) -> None:
    for res in results.values():
        a = res.assumptions
        assert a["plan_vs_model_usd"]["value"] == pytest.approx(
            res.planned.monthly_usd - a["modern_model_usd"]["value"]
        )
        assert "source" in a["plan_vs_model_usd"]
        # The abstract modern scenario lands near the plan (same order of magnitude).
        assert 0.5 < a["modern_model_usd"]["value"] / res.planned.monthly_usd < 2


def _model(sample_stacks: dict[str, Any], name: str) -> bl.ModelInputs:
    cfg, _ = sample_stacks[name]
    return bl.model_inputs(cfg, Usage().resolve(cfg))


def test_baseline_has_an_environment_per_municipality(sample_stacks: dict[str, Any]) -> None:
    cfg, _ = sample_stacks["saas-prod"]
    u = Usage().resolve(cfg)
    for sizing in (sz.LOW, sz.HIGH):
        m = bl.model_inputs(cfg, u, sizing=sizing)
        charges = bl.scenario_charges(bl.BASELINE, m)
        assert {c.tenant for c in charges} == {t.code for t in m.cfg.tenants}
        for t in m.tenants:
            mine = [c for c in charges if c.tenant == t.code]
            app = [
                c for c in mine if c.resource.endswith("/app") and c.price_key.startswith("ec2.")
            ]
            itype = sizing.app_type(cfg.service, t.request_share)
            assert [(c.price_key, c.quantity) for c in app] == [
                (f"ec2.instance-hour.{itype}", sizing.app_servers_production * 730)
            ]
            maz = "-multiaz" if sizing.db_multi_az_production else ""
            db = [c for c in mine if c.price_key.startswith(f"rds.instance-hour.postgres{maz}.db")]
            assert [c.quantity for c in db] == [730]
            ops = [
                c
                for c in mine
                if c.resource_type == "baseline:ops-server" and "instance" in c.price_key
            ]
            assert len(ops) == len(sizing.ops_servers_production)
            disk = sizing.root_volume[0]
            storage = [c for c in mine if c.price_key == f"rds.storage.{disk}{maz}.gb-month"]
            assert [c.quantity for c in storage] == pytest.approx(
                [m.usage.data * t.data_share * sizing.storage_growth_factor]
            )
            standby = [c for c in mine if c.region == OSAKA]
            assert bool(standby) is sizing.warm_standby
            logs = [c for c in mine if c.price_key == "logs.storage.gb-month"]
            never = sizing.log_retention_days is None
            assert all(("never expires" in c.description.en) is never for c in logs)
            (backup,) = [c for c in mine if c.category == "backup"]
            if sizing.full_backups:  # full copies every night, kept the stack's retention
                assert backup.price_key == "ebs.snapshot.gb-month"
                assert backup.quantity == pytest.approx(
                    m.usage.data * t.data_share * m.cfg.backup.retention_days
                )
            else:
                assert backup.price_key == "rds.snapshot.gb-month"


def test_app_sizes_follow_the_documented_rules(sample_stacks: dict[str, Any]) -> None:
    cfg, _ = sample_stacks["saas-prod"]
    svc = cfg.service
    # Low end: the plan's peak (max tasks × task size) on the smallest m5 that holds it.
    peak = sz.LOW.app_type(svc, 1.0)
    vcpu, mem = svc.max_tasks * svc.vcpu, svc.max_tasks * svc.memory / 1024
    (row,) = [r for r in sz.EC2_LADDER if r[0] == peak]
    assert row[1] >= vcpu and row[2] >= mem
    # High end: the average need (min tasks) at the guide example's 30% CPU.
    high = sz.HIGH.app_type(svc, 1.0)
    (hrow,) = [r for r in sz.EC2_LADDER if r[0] == high]
    assert hrow[1] >= svc.min_tasks * svc.vcpu / 0.3
    # Never above the guide's 16 vCPU / 128 GB box.
    assert sz.ec2_for(1000, 1000) == "r5.4xlarge"
    assert sz.db_class_for(0.5) == "db.t3.medium"


def test_modern_scenario_mirrors_the_stack(sample_stacks: dict[str, Any]) -> None:
    m = _model(sample_stacks, "saas-prod")
    charges = bl.scenario_charges(bl.MODERN, m)
    assert {c.tenant for c in charges} == {"shared"}
    keys = {c.price_key for c in charges}
    assert not any(k.startswith(("ec2.", "rds.instance-hour", "rds.storage")) for k in keys)
    assert {"fargate.vcpu-hour.arm64", "aurora.acu-hour", "aurora.backup.gb-month"} <= keys
    assert all(c.region == TOKYO for c in charges if c.price_key != "aurora.backup.gb-month")
    assert bl.MODERN == bl.Scenario(True, "backup-only", True, True, True, True, True)


def test_levers_change_one_field_each() -> None:
    assert tuple(bl.LEVER_STEPS) == LEVER_ORDER
    touched = [k for step in bl.LEVER_STEPS.values() for k in step]
    assert sorted(touched) == sorted(f.name for f in fields(bl.Scenario))


def test_every_assumption_has_a_value_and_a_source() -> None:
    for sizing in (sz.LOW, sz.HIGH):
        notes = bl.baseline_assumptions(sizing)
        assert notes
        for name, note in notes.items():
            assert set(note) == {"value", "source"}, name
            assert note["source"], name


def test_baseline_types_are_in_the_catalogue(catalog: Catalog) -> None:
    for region in (TOKYO, OSAKA):
        ops = {*sz.LOW.ops_servers_production.values(), *sz.HIGH.ops_servers_production.values()}
        for itype in [*(r[0] for r in sz.EC2_LADDER), *ops]:
            assert catalog.find(f"ec2.instance-hour.{itype}", region), (itype, region)
        for cls in (r[0] for r in sz.DB_LADDER):
            assert catalog.find(f"rds.instance-hour.postgres-multiaz.{cls}", region)
            assert catalog.find(f"rds.instance-hour.postgres.{cls}", region)


def test_reports_show_the_range_and_json_has_both_ends(
    results: dict[str, EstimateResult],
) -> None:
    from gcmod.cost import report

    prod = results["saas-prod"]
    rng = prod.baseline_range
    assert rng is not None
    doc = report.to_json(prod)
    b = doc["baseline"]
    assert b["monthlyUsdLow"] == pytest.approx(prod.baseline.monthly_usd)
    assert b["monthlyUsdHigh"] == pytest.approx(rng.high.monthly_usd)
    assert b["assumptionsLow"]["appServers"]["value"]["production"] == 1
    assert b["assumptionsHigh"]["warmStandby"]["value"] is True
    pr = doc["percentLowerRange"]
    assert pr["headline"] == "low" and pr["low"] == doc["percentLower"] <= pr["high"]
    for text in (report.table(prod, "en"), report.html(prod, "ja")):
        assert "docs/baseline.md" in text
