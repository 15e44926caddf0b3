"""The municipality's own as-is system as the baseline (--baseline, --baseline-project)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from gcmod.config import ConfigError
from gcmod.cost import asis, report
from gcmod.cost.model import EstimateResult
from gcmod.pricing import Catalog
from gcmod.stackfiles import samples_dir

SAMPLE = samples_dir() / "baseline.sample-town.yaml"
TOKYO, OSAKA = "ap-northeast-1", "ap-northeast-3"


def test_sample_inventory_is_priced_item_by_item(catalog: Catalog) -> None:
    given = asis.baseline_from_file(SAMPLE, catalog, region=TOKYO)
    est = given.estimate
    assert est.missing == []
    by = {(li.resource, li.price_key): li for li in est.lines}
    # ap-1: 2 × (4 vCPU, 16 GB): the cheapest type with at least that is m5.xlarge, 730 h each.
    ap = by[("ap-1", "ec2.instance-hour.m5.xlarge")]
    assert ap.quantity == 2 * 730
    assert ap.monthly_usd == pytest.approx(2 * 730 * catalog.get(ap.price_key, TOKYO).usd)
    assert by[("ap-1", "ebs.gp2.gb-month")].quantity == 200  # 100 GB per server
    # jukidb (8 GB, Multi-AZ) and its warm standby in Osaka (Single-AZ).
    assert by[("jukidb", "rds.instance-hour.postgres-multiaz.db.m5.large")].quantity == 730
    dr = [li for li in est.lines if li.region == OSAKA]
    assert {li.resource for li in dr} == {"ap-dr", "jukidb-dr"}
    # Full nightly copies of 40 GB kept 14 days.
    (bk,) = [li for li in est.lines if li.category == "backup"]
    assert bk.quantity == pytest.approx(40 * 14)
    assert est.monthly_usd == pytest.approx(math.fsum(li.monthly_usd for li in est.lines))
    assert given.notes["baseline.quotationMonthlyJpy"]["value"] == 260000


def test_cheapest_type_never_rounds_down(catalog: Catalog) -> None:
    for vcpu, mem in [(1, 1), (3, 12), (4, 20), (8, 48), (16, 100)]:
        name = asis._cheapest(asis.EC2_TYPES, vcpu, mem, "ec2.instance-hour.{}", TOKYO, catalog)
        (row,) = [r for r in asis.EC2_TYPES if r[0] == name]
        assert row[1] >= vcpu and row[2] >= mem


def test_bad_inventory_names_the_key_and_value(tmp_path: Path) -> None:
    bad = tmp_path / "inv.yaml"
    bad.write_text(
        "name: x\nservers:\n  - name: a\n    vcpu: -2\n    memoryGb: 4\n    cpus: 3\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as exc:
        asis.load_inventory(bad)
    text = str(exc.value)
    assert str(bad) in text
    assert "servers[0].vcpu" in text and "-2" in text
    assert "servers[0].cpus: unknown key" in text


def test_csv_inventory_with_japanese_names(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "現行.csv"
    path.write_text(
        "kind,name,role,vcpu,memoryGb,os,engine,count,storageType,storageGb,hoursPerMonth,"
        "multiAz,region\n"
        "server,業務AP,app,4,16,linux,,2,gp2,100,,,\n"
        "database,住記DB,,2,8,,postgres,,gp2,200,,true,\n",
        encoding="utf-8-sig",
    )
    inv = asis.load_inventory(path)
    assert [s.name for s in inv.servers] == ["業務AP"] and inv.servers[0].count == 2
    assert inv.databases[0].multi_az is True
    est = asis.baseline_from_file(path, catalog, region=TOKYO).estimate
    assert {li.resource for li in est.lines} == {"業務AP", "住記DB"}
    path.write_text("kind,name,vcpus\nserver,a,2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown column"):
        asis.load_inventory(path)


def test_given_baseline_replaces_the_built_in_one(
    sample_estimates: dict[str, EstimateResult], catalog: Catalog
) -> None:
    town = sample_estimates["town-prod"]
    given = asis.baseline_from_file(SAMPLE, catalog, region=TOKYO)
    res = asis.apply_baseline(town, given)
    assert res.baseline is given.estimate and res.levers == [] and res.baseline_range is None
    doc = report.to_json(res)
    assert doc["saving"]["monthlyUsd"] == pytest.approx(
        given.estimate.monthly_usd - town.planned.monthly_usd
    )
    # Without levers the whole saving is not attributed, and it adds up in yen.
    assert doc["unattributedJpy"] == doc["saving"]["monthlyJpy"]
    assert "percentLowerRange" not in doc
    assert not any(k.startswith("baseline.") and k != "baseline.quotationMonthlyJpy"
                   for k in doc["assumptions"])  # fmt: skip


@pytest.fixture(scope="module")
def liftshift_graph():
    from fixtures.projects import project_graph

    return project_graph("liftshift", "prod")


def test_liftshift_program_as_baseline(
    liftshift_graph, sample_estimates: dict[str, EstimateResult], catalog: Catalog
) -> None:
    # One synth of the fixture program (~10 s) for the whole module.
    given = asis.baseline_from_program(liftshift_graph, catalog, label="liftshift/prod")
    est = given.estimate
    keys = {li.price_key for li in est.lines}
    assert any(k.startswith("ec2.instance-hour.m4.") for k in keys)  # its m4 servers
    assert any(k.startswith("rds.instance-hour.postgres-multiaz.") for k in keys)
    assert {li.region for li in est.lines} >= {TOKYO, OSAKA}  # the warm standby
    res = asis.apply_baseline(sample_estimates["town-prod"], given)
    assert res.baseline.monthly_usd == est.monthly_usd > res.planned.monthly_usd


def test_compare_a_stack_with_the_liftshift_program(
    liftshift_graph, sample_estimates: dict[str, EstimateResult], catalog: Catalog
) -> None:
    from gcmod.cost import compare as cmp
    from gcmod.cost.estimate import estimate_program
    from gcmod.cost.usage import Usage

    lift = report.to_json(estimate_program(liftshift_graph, catalog, Usage(), stack="lift/prod"))
    town = report.to_json(sample_estimates["town-prod"])
    c = cmp.compare(lift, town)
    planned = next(r for r in c.totals if r.key == "planned")
    assert planned.delta_usd == pytest.approx(
        town["planned"]["monthlyUsd"] - lift["planned"]["monthlyUsd"]
    )
    assert planned.delta_usd < 0  # the modern town is cheaper than the lifted program
    # The program has no baseline or levers: only the planned totals are compared.
    assert [r.key for r in c.totals] == ["planned"] and c.levers == []
    assert sum(r.delta_jpy for r in c.resources) == planned.delta_jpy
    assert c.count("removed") > 0 and c.count("added") > 0
    assert all(r.delta_usd == 0 for r in cmp.compare(lift, lift).resources)
