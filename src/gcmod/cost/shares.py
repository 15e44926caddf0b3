"""Per-tenant shares of a shared environment's monthly cost, three ways side by side.

* **equal**: the total divided by the number of tenants;
* **population**: in proportion to each tenant's resident population;
* **usage**: line items tagged with a tenant (``gcmod:tenant``: its listener
  rule, its SSM parameter) go to that tenant; the shared rest is split by each
  tenant's share of the requests (``tenantRequestsPerMonth`` of the usage
  profile: the preset of its population band unless measured).

Each method's shares add up to the total. The methods are shown side by side
because the choice is political, not technical: the source deck (MIC advisor,
2025-10, on the operating cost after the move) warns that revising how costs
are allocated among municipalities (団体間の按分方法の見直し) tends to raise
costs most for the smallest ones (小規模団体ほど経費が増加する傾向). An equal
split charges a town of 5,000 what a city of 100,000 pays; population and
usage shares follow size, and a shared environment's fixed part (load
balancer, endpoints, the database minimum) is what such a split spreads.
"""

from __future__ import annotations

from gcmod.config import StackConfig
from gcmod.cost.arithmetic import prorate
from gcmod.cost.model import Estimate, TenantShare
from gcmod.cost.usage import Usage


def tenant_shares(cfg: StackConfig, estimate: Estimate, usage: Usage) -> list[TenantShare]:
    """Monthly USD per tenant of ``estimate`` by equal split, population and usage."""
    tenants = list(cfg.tenants)
    total = estimate.monthly_usd
    codes = [t.code for t in tenants]
    equal = prorate(total, [1.0] * len(tenants))
    by_pop = prorate(total, [float(t.population) for t in tenants])

    direct = dict.fromkeys(codes, 0.0)
    shared = 0.0
    for li in estimate.lines:
        if li.tenant in direct:
            direct[li.tenant] += li.monthly_usd
        else:
            shared += li.monthly_usd
    weights = [usage.tenant_requests_per_month.get(c, 0.0) for c in codes]
    split = prorate(shared, weights)
    by_usage = [direct[c] + s for c, s in zip(codes, split, strict=True)]
    # Keep the sum exact to the total (the direct parts were summed separately).
    by_usage[-1] = total - sum(by_usage[:-1])

    return [
        TenantShare(
            code=t.code,
            name=t.name,
            population=t.population,
            equal_usd=e,
            population_usd=p,
            usage_usd=u,
        )
        for t, e, p, u in zip(tenants, equal, by_pop, by_usage, strict=True)
    ]
