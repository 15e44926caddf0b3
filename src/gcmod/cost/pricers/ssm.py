"""AWS Systems Manager Parameter Store."""

from __future__ import annotations

from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import (
    Charge,
    PricingContext,
    pricer,
)
from gcmod.graph import ResourceNode

#: Parameter Store tiers in Japanese.
TIER_JA = {
    "standard": "標準階層",
    "advanced": "アドバンスト階層",
    "intelligent-tiering": "自動選択",
}


@pricer("aws:ssm/parameter:Parameter")
def price_ssm_parameter(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A Parameter Store parameter: Standard tier at the catalogue's price
    (free on the AWS pricing page); Advanced tier per parameter-month."""
    tier = str(node.inputs.get("tier") or "Standard").lower()
    key = "ssm.standard-parameter-month" if tier == "standard" else f"ssm.{tier}-parameter-month"
    return [
        ctx.charge(
            node,
            "operations",
            Phrase(f"SSM parameter ({tier} tier)", f"SSM パラメーター ({TIER_JA.get(tier, tier)})"),
            key,
            1,
            ctx.tenant(node),
        )
    ]
