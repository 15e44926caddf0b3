"""Amazon SQS queues."""

from __future__ import annotations

from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import (
    Charge,
    PricingContext,
    _n,
    pricer,
)
from gcmod.graph import ResourceNode


@pricer("aws:sqs/queue:Queue")
def price_sqs(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A queue: its share of ``sqsRequestsPerMonth`` (queues themselves are free)."""
    n = ctx.usage.sqs_requests_per_month / len(ctx.graph.of_type(node.type))
    return [
        ctx.charge(
            node,
            "operations",
            Phrase(f"SQS requests ({_n(n)})", f"SQS リクエスト ({_n(n)}件)"),
            "sqs.million-requests",
            n / 1e6,
            ctx.tenant(node),
        )
    ]
