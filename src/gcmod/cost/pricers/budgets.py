"""AWS Budgets: cost budgets and their alerts."""

from __future__ import annotations

from gcmod.cost.arithmetic import DAYS_PER_MONTH
from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import Charge, PricingContext, _n, pricer
from gcmod.graph import ResourceNode


@pricer("aws:budgets/budget:Budget")
def price_budget(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A budget is billed per budget-day (the catalogue's price: nothing for a budget
    without actions). Actions are separate resources (``BudgetAction``), not priced
    here, so they are listed as unpriced where a program has them."""
    alerts = len(node.inputs.get("notifications") or [])
    return [
        ctx.charge(
            node,
            "operations",
            Phrase(
                f"AWS Budgets budget without actions ({_n(DAYS_PER_MONTH)} budget-days; "
                f"{alerts} alert(s))",
                f"アクションなしの AWS Budgets の予算 ({_n(DAYS_PER_MONTH)} 予算日、"
                f"アラート {alerts}件)",
            ),
            "budgets.budget-day",
            DAYS_PER_MONTH,
            ctx.tenant(node),
        )
    ]
