"""The budget limits of a stack's cost guardrails (``gcmod:observability``).

A budget must be a known amount when the program runs, before any estimate of
the deployed graph exists, and the same under ``pulumi up`` and offline. So the
defaults are derived from what the config alone says:

* **the environment**: :data:`BUDGET_HEADROOM` × the modelled monthly cost of the
  **capacity the config declares**, rounded up to :data:`ROUND_USD`. The model is
  gcmod's own: the modern scenario of the lever waterfall (:mod:`gcmod.cost.baseline`:
  the service and the database as the config sizes them, counted **24/7**,
  storage for the declared data, backups and their DR copies, the load balancer
  and the network) at the **packaged catalogue's** list prices, **without the
  traffic-driven part** (requests, log volumes, load balancer capacity units),
  which depends on the tenants: adding a tenant leaves the environment budget
  as it is, as it leaves every shared resource. The budgets alert at 80 % of the
  actual and 100 % of the forecast cost, so an ordinary month (the traffic part
  is a few percent of a sample's plan) stays below both. Non-production stops
  outside office hours, so its budget is looser, never noisy. ``gcmod estimate``
  reports how the budget compares with the plan and warns when the actual-cost
  alert would fire in an ordinary month.
* **each tenant**: :data:`TENANT_BUDGET_USD`. A tenant's budget counts the costs
  tagged with its code: in gcmod's shared platform its listener rule and its
  standard SSM parameter, which cost nothing (its share of the shared resources is
  the estimate's tenant shares, which AWS Budgets cannot split). So the default
  alerts as soon as resources dedicated to one tenant start to cost money; a
  tenant's own figure is set with ``observability.tenantBudgetsUsd``.

Rules, not sources: the headroom, the rounding and the tenant amount are gcmod's
choices, stated here and in docs/configuration.md.
"""

from __future__ import annotations

import math
from functools import cache

from gcmod.config import StackConfig
from gcmod.cost.pricers import PriceSource

#: Default environment budget ÷ the modelled monthly cost (a rule: the 80 % actual
#: alert fires at 1.2× the model, the 100 % forecast alert at 1.5×).
BUDGET_HEADROOM = 1.5
#: Share of a budget at which its actual-cost alert fires: the Observability
#: component's ``BUDGET_ALERTS`` (ACTUAL, 80 %), repeated here so the estimate need
#: not import the component (and pulumi_aws); a test keeps the two equal.
ACTUAL_ALERT_SHARE = 0.8
#: Default budget of each tenant (USD a month; a rule, see the module docstring).
TENANT_BUDGET_USD = 10.0
#: Default environment budgets are rounded up to a multiple of this (USD), so a small
#: change of a price or a size does not move the budget at every deployment.
ROUND_USD = 10


@cache
def _packaged() -> PriceSource:
    from gcmod.pricing import Catalog

    return Catalog.load()


def modelled_capacity_usd(cfg: StackConfig, catalog: PriceSource | None = None) -> float:
    """The modern scenario's monthly cost of the capacity ``cfg`` declares (USD):
    24/7, no requests (so no log volume, no load balancer capacity units)."""
    from gcmod.cost.baseline import MODERN, model_inputs, scenario_estimate
    from gcmod.cost.usage import Usage

    inputs = model_inputs(cfg, Usage(requests_per_month=0).resolve(cfg))
    cat = catalog if catalog is not None else _packaged()
    return scenario_estimate(MODERN, inputs, cat, "capacity").monthly_usd


def environment_budget_usd(cfg: StackConfig, catalog: PriceSource | None = None) -> float:
    """The environment budget: ``observability.monthlyBudgetUsd``, else the default
    (:data:`BUDGET_HEADROOM` × :func:`modelled_capacity_usd`, rounded up to
    :data:`ROUND_USD`)."""
    given = cfg.observability.monthly_budget_usd
    if given is not None:
        return given
    model = modelled_capacity_usd(cfg, catalog)
    return float(max(ROUND_USD, math.ceil(BUDGET_HEADROOM * model / ROUND_USD) * ROUND_USD))


def tenant_budgets_usd(cfg: StackConfig) -> dict[str, float]:
    """Each tenant's budget: ``observability.tenantBudgetsUsd[code]``, else
    :data:`TENANT_BUDGET_USD`; none when ``observability.tenantBudgets`` is false."""
    obs = cfg.observability
    if not obs.tenant_budgets:
        return {}
    return {t.code: obs.tenant_budgets_usd.get(t.code, TENANT_BUDGET_USD) for t in cfg.tenants}
