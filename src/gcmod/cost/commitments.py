"""Commitment discounts as an option, never the default (issue 16, item 8).

The estimate checklist (見積チェックリスト, 2025-04) asks whether volume
discounts were applied. For a **production** stack, the compute and databases
that run around the clock can be covered by a 1-year or 3-year commitment:

* Fargate and EC2: Compute Savings Plans (AWS Savings Plans User Guide: they
  apply to EC2, Fargate and Lambda usage);
* provisioned RDS DB instances: reserved DB instances;
* Aurora Serverless v2 ACUs are not covered by reserved DB instances (Amazon
  Aurora User Guide, "Reserved DB instances": they apply to provisioned
  instance classes), so they are listed as not eligible.

Only the always-on part is eligible: the base tasks of a service that runs 730
hours (not its scheduled peaks) and DB instances billed 730 hours. The
committed price is the on-demand line × the catalogue's ratio for that plan
and term (each with its source and date; unverified ones say so). The result
is shown beside the estimate; the estimate itself stays on-demand.
"""

from __future__ import annotations

from typing import Any

from gcmod.cost.arithmetic import HOURS_PER_MONTH
from gcmod.cost.model import Estimate, LineItem
from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers import PriceSource
from gcmod.pricing.catalog import MissingPriceError

#: (term, plan) -> catalogue key of the ratio, by kind of line.
PLANS: dict[str, dict[str, str]] = {
    "1yr": {
        "fargate": "commitment.fargate.compute-sp-1yr-no-upfront",
        "ec2": "commitment.ec2.compute-sp-1yr-no-upfront",
        "rds": "commitment.rds.ri-1yr-no-upfront",
    },
    "3yr": {
        "fargate": "commitment.fargate.compute-sp-3yr-no-upfront",
        "ec2": "commitment.ec2.compute-sp-3yr-no-upfront",
        "rds": "commitment.rds.ri-3yr-partial-upfront",
    },
}


def _kind(li: LineItem, always_on_app: bool) -> str | None:
    if li.price_key.startswith("fargate.") and always_on_app and "[peak" not in li.description:
        return "fargate"
    if li.price_key.startswith("ec2.instance-hour.") and li.quantity % HOURS_PER_MONTH == 0:
        return "ec2"
    if li.price_key.startswith("rds.instance-hour.") and li.quantity == HOURS_PER_MONTH:
        return "rds"
    return None


#: Why Aurora Serverless v2 capacity has no commitment option.
NOT_ELIGIBLE_SERVERLESS = Phrase(
    "Aurora Serverless v2 capacity: reserved DB instances cover provisioned classes",
    "Aurora Serverless v2 の容量: リザーブド DB インスタンスの対象はプロビジョニング済みのクラス",
)


def commitment_options(
    planned: Estimate, catalog: PriceSource, *, production: bool, app_hours: float | None
) -> dict[str, Any] | None:
    """The 1-year and 3-year options for a production estimate (None otherwise)."""
    if not production:
        return None
    always_on_app = app_hours is None or app_hours >= HOURS_PER_MONTH
    eligible = [(li, k) for li in planned.lines if (k := _kind(li, always_on_app))]
    not_eligible = sorted(
        {li.resource for li in planned.lines if li.price_key.endswith(".acu-hour")}
    )
    base = sum(li.monthly_usd for li, _ in eligible)
    terms: dict[str, Any] = {}
    for term, keys in PLANS.items():
        committed = 0.0
        sources = {}
        for li, kind in eligible:
            try:
                ratio = catalog.get(keys[kind], li.region)
            except MissingPriceError:
                committed += li.monthly_usd
                continue
            committed += li.monthly_usd * ratio.usd
            sources[keys[kind]] = f"{ratio.source} (checked {ratio.checked.isoformat()})" + (
                "" if ratio.verified else " [unverified]"
            )
        terms[term] = {
            "onDemandUsd": base,
            "committedUsd": committed,
            "savingUsd": base - committed,
            "plannedTotalUsd": planned.monthly_usd - base + committed,
            "sources": sources,
        }
    return {
        "eligible": sorted({li.resource for li, _ in eligible}),
        "notEligible": {r: NOT_ELIGIBLE_SERVERLESS.en for r in not_eligible},
        "terms": terms,
    }
