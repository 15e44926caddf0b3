"""A stack's estimate: the planned graph against the lift-and-shift it replaces.

:func:`estimate_stack` prices a synthesized graph (:mod:`gcmod.cost.pricers`),
builds the lift-and-shift baseline and the lever waterfall
(:mod:`gcmod.cost.baseline`), splits the planned total among the tenants
(:mod:`gcmod.cost.shares`) and records every assumption with its source in
``EstimateResult.assumptions``. :func:`estimate_file` does the same from a
stack file (synth, usage file, packaged catalogue).
"""

from __future__ import annotations

from typing import Any

from gcmod.config import StackConfig
from gcmod.cost.arithmetic import HOURS_PER_MONTH
from gcmod.cost.baseline import (
    baseline_assumptions,
    missing_in,
    model_inputs,
    steps_table,
    waterfall,
)
from gcmod.cost.commitments import commitment_options
from gcmod.cost.model import BaselineRange, Estimate, EstimateResult
from gcmod.cost.pricers import GraphPricing, PriceSource, price_graph
from gcmod.cost.shares import tenant_shares
from gcmod.cost.sizing import HIGH, LOW
from gcmod.cost.usage import Usage, assumptions, usage_for
from gcmod.graph import ResourceGraph
from gcmod.stackfiles import StackRef


def _catalogue_text(catalog: PriceSource) -> str:
    prices = list(getattr(catalog, "prices", {}).values())
    dates = sorted(p.checked for p in prices if getattr(p, "checked", None))
    fx_date = getattr(catalog, "fx_date", None)
    text = f"{len(prices)} prices"
    if dates:
        text += f", checked {dates[0].isoformat()} to {dates[-1].isoformat()}"
    text += f"; {catalog.jpy_per_usd:g} JPY/USD"
    if fx_date is not None:
        text += f" ({fx_date.isoformat()})"
    return text


def _kind_hours(hours: dict[str, dict[str, dict[str, float]]], kind: str) -> float | None:
    found = [h for group in hours.values() for h in group.get(kind, {}).values()]
    return max(found) if found else None


def _usage_notes(
    catalog: PriceSource,
    gp: GraphPricing,
    usage: Usage,
    app_hours: float | None,
    db_hours: float | None,
) -> dict[str, Any]:
    """The catalogue, the hours and each usage input, with their sources."""
    notes: dict[str, Any] = {
        "catalogue": {
            "value": str(getattr(catalog, "path", "")),
            "source": _catalogue_text(catalog),
        },
        "hoursPerMonth": {
            "value": HOURS_PER_MONTH,
            "source": "AWS Pricing Calculator FAQ: 730 hours a month (24/7)",
        },
        "runningHours": {
            "value": {"app": app_hours or HOURS_PER_MONTH, "db": db_hours or HOURS_PER_MONTH},
            "source": (
                "average monthly hours of the running calendar read back from the stack's "
                "shutdown schedules"
                if gp.hours
                else "not scheduled: 24/7"
            ),
        },
    }
    for key, note in assumptions(usage).items():
        notes[f"usage.{key}"] = note
    return notes


#: A price older than this is stale (as `gcmod prices list` marks it).
STALE_AFTER_DAYS = 365


def price_notes(catalog: PriceSource, *estimates: Estimate) -> dict[str, Any]:
    """Every catalogue price the estimates use, with its source and date, and the
    unverified or stale ones among them (listed in the estimate, not hidden)."""
    import datetime as dt

    today = dt.date.today()
    used: dict[tuple[str, str], dict[str, Any]] = {}
    for est in estimates:
        for li in est.lines:
            ident = (li.price_key, li.region)
            if ident in used:
                continue
            find = getattr(catalog, "find", None)
            price = find(*ident) if find is not None else None
            if price is None:
                continue
            used[ident] = {
                "key": price.key,
                "region": price.region,
                "usd": price.usd,
                "unit": price.unit,
                "source": price.source,
                "checked": price.checked.isoformat(),
                "verified": price.verified,
                "stale": (today - price.checked).days > STALE_AFTER_DAYS,
            }
    rows = [used[k] for k in sorted(used)]
    flagged = [
        f"{r['key']} @ {r['region']}: "
        + ", ".join(
            x
            for x in (
                "unverified" if not r["verified"] else "",
                f"stale (checked {r['checked']})" if r["stale"] else "",
            )
            if x
        )
        for r in rows
        if r["stale"] or not r["verified"]
    ]
    return {
        "pricesUsed": {
            "value": rows,
            "source": "the price catalogue: each price used by this estimate, its source and "
            "the date it was checked",
        },
        "unverifiedOrStalePrices": {
            "value": flagged,
            "source": f"prices nobody could confirm, or checked more than {STALE_AFTER_DAYS} "
            "days ago (`gcmod prices list`); the figures using them are less certain",
        },
    }


def _pricing_notes(gp: GraphPricing) -> dict[str, Any]:
    """What pricing the graph could not price or had to assume."""
    notes: dict[str, Any] = {}
    notes["unpriced"] = {
        "value": [{"type": t, "resources": names} for t, names in sorted(gp.unpriced.items())],
        "source": "resource types with no pricer and not known to be free: not counted",
    }
    for topic, items in sorted(gp.notes.items()):
        notes[f"notes.{topic}"] = {"value": items, "source": "pricing the graph"}
    return notes


def budget_note(cfg: StackConfig, planned_usd: float) -> dict[str, Any] | None:
    """The stack's budget limits beside the plan (none when observability is off),
    with a warning where the actual-cost alert (80 % of the environment budget)
    would fire in an ordinary month."""
    from gcmod.cost.guardrails import (
        ACTUAL_ALERT_SHARE,
        BUDGET_HEADROOM,
        ROUND_USD,
        environment_budget_usd,
        tenant_budgets_usd,
    )

    obs = cfg.observability
    if not obs.enabled:
        return None
    env = environment_budget_usd(cfg)
    source = (
        "gcmod:observability.monthlyBudgetUsd"
        if obs.monthly_budget_usd is not None
        else f"default: {BUDGET_HEADROOM:g} × the modelled monthly cost of the capacity the "
        "config declares (24/7, without the traffic-driven part, packaged catalogue), rounded "
        f"up to {ROUND_USD} USD (gcmod.cost.guardrails)"
    )
    actual = ACTUAL_ALERT_SHARE
    if planned_usd > 0 and actual * env < planned_usd:
        source += (
            f"; warning: {actual:.0%} of the environment budget (${actual * env:,.2f}) is below "
            f"this estimate (${planned_usd:,.2f}): its actual-cost alert would fire every month"
        )
    return {
        "value": {
            "environmentUsd": env,
            "timesPlan": env / planned_usd if planned_usd > 0 else None,
            "tenantsUsd": tenant_budgets_usd(cfg),
        },
        "source": source,
    }


def estimate_stack(
    cfg: StackConfig,
    graph: ResourceGraph,
    catalog: PriceSource,
    usage: Usage,
    *,
    stack: str,
) -> EstimateResult:
    """Planned and baseline monthly estimates of one stack, with the lever
    waterfall, the tenants' shares and the assumptions behind them."""
    usage = usage.resolve(cfg)
    planned, gp = price_graph(graph, usage, catalog)
    app_hours = _kind_hours(gp.hours, "ecs-service")
    db_hours = _kind_hours(gp.hours, "aurora-cluster")
    w = waterfall(model_inputs(cfg, usage, app_hours, db_hours, LOW), catalog)
    w_high = waterfall(model_inputs(cfg, usage, app_hours, db_hours, HIGH), catalog)
    final = w.final
    notes = _usage_notes(catalog, gp, usage, app_hours, db_hours)
    notes["baseline.range"] = {
        "value": {"lowUsd": w.baseline.monthly_usd, "highUsd": w_high.baseline.monthly_usd},
        "source": "two ends built from the evidence that exists (gcmod.cost.sizing, "
        "docs/baseline.md); the headline saving uses the low (conservative) end",
    }
    for key, note in baseline_assumptions(LOW).items():
        notes[f"baseline.{key}"] = note
    notes["waterfall"] = {
        "value": steps_table(w),
        "source": "the baseline, then each lever applied in order and re-priced; "
        "saving = cost before the step − cost after it",
    }
    notes["modern_model_usd"] = {
        "value": final.monthly_usd,
        "source": "the waterfall's last step: an abstract modern scenario built from the "
        "stack config and usage, not from the graph",
    }
    notes["plan_vs_model_usd"] = {
        "value": planned.monthly_usd - final.monthly_usd,
        "source": "planned estimate minus the modern scenario: the scenario has a NAT gateway "
        "per AZ and leaves out VPC endpoints, KMS keys, secrets, scheduler, metrics, scheduled "
        "peaks and S3 requests, which the plan prices from its graph",
    }
    budget = budget_note(cfg, planned.monthly_usd)
    if budget is not None:
        notes["observability.budgets"] = budget
    notes.update(_pricing_notes(gp))
    notes.update(price_notes(catalog, planned, w.baseline, w_high.baseline))
    options = commitment_options(
        planned, catalog, production=cfg.is_production, app_hours=app_hours
    )
    if options is not None:
        notes["commitments"] = {
            "value": options,
            "source": "an option, not applied: 1-year / 3-year Compute Savings Plans and RDS "
            "reserved instances for the always-on production compute and databases "
            "(gcmod.cost.commitments; the estimate checklist asks about volume discounts)",
        }
    missing_model = missing_in(w)
    if missing_model:
        notes["missingInModel"] = {
            "value": missing_model,
            "source": "prices the baseline/waterfall could not find (those steps look cheaper)",
        }
    return EstimateResult(
        stack=stack,
        region=cfg.region,
        planned=planned,
        baseline=w.baseline,
        levers=w.levers,
        shares=tenant_shares(cfg, planned, usage),
        jpy_per_usd=catalog.jpy_per_usd,
        fx_source=catalog.fx_source,
        assumptions=notes,
        baseline_range=BaselineRange(
            low=w.baseline,
            high=w_high.baseline,
            assumptions_low=dict(baseline_assumptions(LOW)),
            assumptions_high=dict(baseline_assumptions(HIGH)),
            levers_high=w_high.levers,
        ),
    )


def estimate_file(ref: StackRef, catalog: PriceSource | None = None) -> EstimateResult:
    """Synthesize a stack file offline and estimate it (usage file beside it,
    packaged catalogue unless one is given)."""
    from gcmod.config import load_stack_file
    from gcmod.pricing import Catalog
    from gcmod.program import synth_config

    cfg = load_stack_file(ref.path)
    usage = usage_for(cfg, ref.path)  # a bad usage file is refused before the synth
    graph = synth_config(cfg, ref.name)
    return estimate_stack(
        cfg, graph, catalog if catalog is not None else Catalog.load(), usage, stack=ref.name
    )


#: Why a program that is not a gcmod stack has no lift-and-shift baseline.
NO_BASELINE = (
    "none: the lift-and-shift baseline and the lever waterfall are modelled from a gcmod "
    "stack config (tenants, service, database); a vendor's program is itself the "
    "architecture under review, so it is priced as planned and `gcmod check` names what "
    "would lower it"
)


def estimate_program(
    graph: ResourceGraph, catalog: PriceSource, usage: Usage, *, stack: str
) -> EstimateResult:
    """The planned monthly estimate of a Pulumi program that is not a gcmod stack.

    Priced from the graph alone with ``usage`` (resolved against
    :func:`gcmod.cost.usage.program_basis` unless a usage file was given):
    no baseline, no levers and no tenant shares (the program names no tenants).
    """
    from gcmod.cost.usage import program_basis

    usage = usage.resolve(program_basis())
    planned, gp = price_graph(graph, usage, catalog)
    notes = _usage_notes(catalog, gp, usage, None, None)
    notes["baseline"] = {"value": "none", "source": NO_BASELINE}
    notes["tenants"] = {
        "value": "unknown",
        "source": "a Pulumi program does not say which municipalities it serves: no "
        "per-tenant shares; the usage preset stands for one city-sized system",
    }
    notes.update(_pricing_notes(gp))
    notes.update(price_notes(catalog, planned))
    return EstimateResult(
        stack=stack,
        region=graph.region,
        planned=planned,
        baseline=Estimate(label="baseline: not applicable"),
        levers=[],
        shares=[],
        jpy_per_usd=catalog.jpy_per_usd,
        fx_source=catalog.fx_source,
        assumptions=notes,
    )
