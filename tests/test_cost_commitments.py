"""Commitment discounts: an option beside the estimate, never applied."""

from __future__ import annotations

import pytest

from gcmod.cost import report
from gcmod.cost.model import EstimateResult
from gcmod.pricing import Catalog


def test_production_shows_the_option_without_applying_it(
    sample_estimates: dict[str, EstimateResult], catalog: Catalog
) -> None:
    prod = sample_estimates["saas-prod"]
    opt = prod.assumptions["commitments"]["value"]
    assert opt["eligible"] == ["saas-prod-app-service"]
    assert "saas-prod-db-cluster" in opt["notEligible"]  # Aurora Serverless v2: no RIs
    base = [
        li
        for li in prod.planned.lines
        if li.resource == "saas-prod-app-service" and "[peak" not in li.description
    ]
    on_demand = sum(li.monthly_usd for li in base)
    for term, key in (("1yr", "commitment.fargate.compute-sp-1yr-no-upfront"),
                      ("3yr", "commitment.fargate.compute-sp-3yr-no-upfront")):  # fmt: skip
        t = opt["terms"][term]
        ratio = catalog.get(key, "ap-northeast-1")
        assert t["onDemandUsd"] == pytest.approx(on_demand)
        assert t["committedUsd"] == pytest.approx(on_demand * ratio.usd)
        assert t["plannedTotalUsd"] == pytest.approx(prod.planned.monthly_usd - t["savingUsd"])
        assert key in t["sources"] and "checked" in t["sources"][key]
    assert opt["terms"]["3yr"]["savingUsd"] > opt["terms"]["1yr"]["savingUsd"] > 0
    # Not applied: the planned total is on-demand.
    assert report.to_json(prod)["planned"]["monthlyUsd"] == pytest.approx(prod.planned.monthly_usd)
    assert "Option, not applied" in report.table(prod, "en")


def test_non_production_has_no_commitment_option(
    sample_estimates: dict[str, EstimateResult],
) -> None:
    for name in ("saas-dev", "saas-staging"):
        assert "commitments" not in sample_estimates[name].assumptions
