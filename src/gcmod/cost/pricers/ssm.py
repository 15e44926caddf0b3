"""AWS Systems Manager Parameter Store."""

from __future__ import annotations

from gcmod.cost.pricers.core import (
    Charge,
    PricingContext,
    pricer,
)
from gcmod.graph import ResourceNode


@pricer("aws:ssm/parameter:Parameter")
def price_ssm_parameter(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A Parameter Store parameter: Standard tier at the catalogue's price
    (free on the AWS pricing page); Advanced tier per parameter-month."""
    tier = str(node.inputs.get("tier") or "Standard").lower()
    key = "ssm.standard-parameter-month" if tier == "standard" else f"ssm.{tier}-parameter-month"
    return [
        Charge(
            node.name,
            node.type,
            "operations",
            f"SSM parameter ({tier} tier)",
            key,
            ctx.region(node),
            1,
            ctx.tenant(node),
        )
    ]
