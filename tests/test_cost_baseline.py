"""The lift-and-shift baseline and the lever waterfall."""

from __future__ import annotations

import itertools
import math
from dataclasses import fields
from typing import Any

import pytest

from gcmod.cost import baseline as bl
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


def test_each_lever_does_what_it_says(results: dict[str, EstimateResult]) -> None:
    prod, dev, town = results["saas-prod"], results["saas-dev"], results["town-prod"]
    # Three municipalities share one environment; a single town has nothing to share.
    assert saving(prod, "multi-tenancy") > 0
    assert saving(town, "multi-tenancy") == 0
    # Production drops its warm standby; non-production never had one (and saas-dev
    # copies no backups).
    assert saving(prod, "dr") > 0 and saving(town, "dr") > 0
    assert saving(dev, "dr") == 0
    # Production runs 24/7 unless it opts in; development is stopped out of hours.
    assert saving(prod, "operating-hours") == 0
    assert saving(dev, "operating-hours") > 0
    for res in (prod, dev, town):
        for lever in ("managed-services", "sizing", "storage", "logs"):
            assert saving(res, lever) > 0, (res.stack, lever)


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
    m = _model(sample_stacks, "saas-prod")
    charges = bl.scenario_charges(bl.BASELINE, m)
    tenants = {c.tenant for c in charges}
    assert tenants == {t.code for t in m.cfg.tenants}
    # Per municipality: two app servers of the band's size, a Multi-AZ DB server,
    # a backup and a monitoring server, all 730 h; gp2 sized five years ahead.
    for t in m.tenants:
        mine = [c for c in charges if c.tenant == t.code]
        app = [c for c in mine if c.resource.endswith("/app") and c.price_key.startswith("ec2.")]
        assert [(c.price_key, c.quantity) for c in app] == [
            (f"ec2.instance-hour.{bl.APP_INSTANCE_BY_BAND['city']}", 2 * 730)
        ]
        db = [c for c in mine if c.price_key.startswith("rds.instance-hour.postgres-multiaz.")]
        assert [c.quantity for c in db] == [730]
        ops = [
            c
            for c in mine
            if c.resource_type == "baseline:ops-server" and "instance" in c.price_key
        ]
        assert len(ops) == len(bl.OPS_SERVERS)
        storage = [c for c in mine if c.price_key == "rds.storage.gp2-multiaz.gb-month"]
        assert [c.quantity for c in storage] == pytest.approx(
            [m.usage.data * t.data_share * bl.STORAGE_GROWTH_FACTOR]
        )
        # Warm standby in Osaka, running.
        standby = [c for c in mine if c.region == OSAKA]
        assert any(c.price_key.startswith("ec2.") for c in standby)
        assert any(c.price_key.startswith("rds.instance-hour.postgres.") for c in standby)
        # Logs never expire: the five-year average is stored.
        logs = [c for c in mine if c.price_key == "logs.storage.gb-month"]
        assert all("never expires" in c.description for c in logs)
        # Full copies every night, kept the stack's retention.
        (backup,) = [c for c in mine if c.category == "backup"]
        assert backup.price_key == "ebs.snapshot.gb-month"
        assert backup.quantity == pytest.approx(
            m.usage.data * t.data_share * m.cfg.backup.retention_days
        )


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
    notes = bl.baseline_assumptions()
    assert notes
    for name, note in notes.items():
        assert set(note) == {"value", "source"}, name
        assert note["source"], name


def test_baseline_types_are_in_the_catalogue(catalog: Catalog) -> None:
    for region in (TOKYO, OSAKA):
        for itype in [*bl.APP_INSTANCE_BY_BAND.values(), *bl.OPS_SERVERS.values()]:
            assert catalog.find(f"ec2.instance-hour.{itype}", region), (itype, region)
        for cls in bl.DB_CLASS_BY_BAND.values():
            assert catalog.find(f"rds.instance-hour.postgres-multiaz.{cls}", region)
            assert catalog.find(f"rds.instance-hour.postgres.{cls}", region)
