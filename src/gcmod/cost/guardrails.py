"""The budget limits of a stack's cost guardrails (``gcmod:observability``).

A budget must be a known amount when the program runs, before any estimate of
the deployed graph exists, and the same under ``pulumi up`` and offline. So the
default is derived from what the config alone says, with gcmod's own cost model:
the **modern scenario** of the lever waterfall (:mod:`gcmod.cost.baseline`: the
stack's service, database, backups, logs and network as the config sizes them,
with the usage presets of its tenants' population bands, not the usage file),
the service and the database counted **24/7** (non-production stops outside
office hours, so its budget is looser, never noisy), at the **packaged
catalogue's** list prices. The limit is :data:`BUDGET_HEADROOM` times that,
rounded up to :data:`ROUND_USD`: the budgets alert at 80 % of the actual and
100 % of the forecast cost, so an ordinary month stays below both and a month
about 1.2× (actual) or 1.5× (forecast) the model alerts. The plan's own estimate
differs from the model (``plan_vs_model_usd`` in the estimate's assumptions;
within a few percent for the production samples); ``gcmod estimate`` says how the
environment budget compares with the plan.

Rules, not sources: the headroom 1.5 and the rounding are gcmod's choices,
stated here and in docs/configuration.md; a budget the operator knows is set
with ``observability.monthlyBudgetUsd``.
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
#: Default environment budgets are rounded up to a multiple of this (USD), so a small
#: change of a price or a size does not move the budget at every deployment.
ROUND_USD = 10


@cache
def _packaged() -> PriceSource:
    from gcmod.pricing import Catalog

    return Catalog.load()


def modelled_monthly_usd(cfg: StackConfig, catalog: PriceSource | None = None) -> float:
    """The modern scenario's monthly cost of ``cfg`` (USD), 24/7, usage presets."""
    from gcmod.cost.baseline import MODERN, model_inputs, scenario_estimate
    from gcmod.cost.usage import Usage

    inputs = model_inputs(cfg, Usage().resolve(cfg))
    cat = catalog if catalog is not None else _packaged()
    return scenario_estimate(MODERN, inputs, cat, "modelled").monthly_usd


def environment_budget_usd(cfg: StackConfig, catalog: PriceSource | None = None) -> float:
    """The environment budget: ``observability.monthlyBudgetUsd``, else the default
    (:data:`BUDGET_HEADROOM` × the model, rounded up to :data:`ROUND_USD`)."""
    given = cfg.observability.monthly_budget_usd
    if given is not None:
        return given
    model = modelled_monthly_usd(cfg, catalog)
    return float(max(ROUND_USD, math.ceil(BUDGET_HEADROOM * model / ROUND_USD) * ROUND_USD))


def tenant_budgets_usd(cfg: StackConfig, environment_usd: float) -> dict[str, float]:
    """Each tenant's budget: ``observability.tenantBudgetsUsd[code]``, else its
    population share of ``environment_usd`` rounded up to whole USD (at least 1);
    none when ``observability.tenantBudgets`` is false."""
    obs = cfg.observability
    if not obs.tenant_budgets:
        return {}
    population = sum(t.population for t in cfg.tenants)
    return {
        t.code: obs.tenant_budgets_usd.get(t.code)
        or float(max(1, math.ceil(environment_usd * t.population / population)))
        for t in cfg.tenants
    }
