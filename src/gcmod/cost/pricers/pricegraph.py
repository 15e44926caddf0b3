"""A whole graph -> charges -> estimate (every registered pricer, stack-level charges)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from gcmod.cost.model import Estimate
from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import (
    FREE_TYPES,
    PRICED_VIA,
    PRICERS,
    Charge,
    PriceSource,
    PricingContext,
    _n,
    price_charges,
)
from gcmod.cost.usage import Usage
from gcmod.graph import ResourceGraph


def _stack_level(ctx: PricingContext, charges: list[Charge]) -> list[Charge]:
    """Usage charges of the stack as a whole, on the first resource they concern:
    Secrets Manager API calls, KMS requests."""
    out: list[Charge] = []
    secrets = [c for c in charges if c.price_key == "secretsmanager.secret-month"]
    if secrets:
        s = secrets[0]
        n = ctx.usage.secrets_api_calls_per_month
        out.append(
            Charge(
                s.resource,
                s.resource_type,
                "security",
                Phrase(
                    f"Secrets Manager API calls ({_n(n)})",
                    f"Secrets Manager の API 呼び出し ({_n(n)}回)",
                ),
                "secretsmanager.10k-api-calls",
                s.region,
                n / 1e4,
                s.tenant,
            )
        )
    keys = [c for c in charges if c.price_key == "kms.key-month" and c.region == ctx.graph.region]
    if keys:
        k = keys[0]
        n = ctx.usage.kms_requests_per_month
        out.append(
            Charge(
                k.resource,
                k.resource_type,
                "security",
                Phrase(f"KMS requests ({_n(n)})", f"KMS リクエスト ({_n(n)}件)"),
                "kms.10k-requests",
                k.region,
                n / 1e4,
                k.tenant,
            )
        )
    return out


# ---------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------
def scheduled_hours(graph: ResourceGraph) -> dict[str, dict[str, dict[str, float]]]:
    """Average monthly running hours of each scheduled target, by schedule group
    and resource kind, from the running calendar the graph's schedules make."""
    from gcmod.runcalendar import GROUP_TYPE, SCHEDULE_TYPE, from_graph

    cal = from_graph(graph)
    if cal is None:
        return {}
    groups = [str(g.inputs.get("name") or g.name) for g in graph.of_type(GROUP_TYPE)]
    # Which group's schedules start and stop each target (schedule names are
    # ``<group>-<target>-<start|stop>-...``).
    members: dict[str, set[str]] = {g: set() for g in groups}
    for s in graph.of_type(SCHEDULE_TYPE):
        g = str(s.inputs.get("groupName") or "")
        name = str(s.inputs.get("name") or s.name)
        if g in members and name.startswith(g + "-"):
            rest = name[len(g) + 1 :]
            members[g].add(re.split(r"-(?:start|stop)-", rest, maxsplit=1)[0])
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, tc in cal.targets.items():
        monthly = tc.monthly_hours()
        avg = sum(monthly.values()) / len(monthly) if monthly else 0.0
        owners = [g for g in groups if name in members[g]] or groups
        for g in owners:
            out.setdefault(g, {}).setdefault(tc.resource_kind, {})[name] = avg
    return out


@dataclass
class GraphPricing:
    """The charges of a graph and what could not be priced."""

    charges: list[Charge]
    notes: dict[str, list[str]]
    unpriced: dict[str, list[str]]
    """Type token -> resource names, for types with no pricer that are not known-free."""
    hours: dict[str, dict[str, dict[str, float]]]
    notes_ja: dict[str, list[str]] = field(default_factory=dict)
    """``notes`` in Japanese, item for item."""


def graph_charges(graph: ResourceGraph, usage: Usage) -> GraphPricing:
    """Every charge of ``graph`` under ``usage`` (resolved)."""
    ctx = PricingContext(graph, usage, scheduled_hours(graph))
    charges: list[Charge] = []
    unpriced: dict[str, list[str]] = defaultdict(list)
    for node in graph.custom_resources:
        fn = PRICERS.get(node.type)
        if fn is not None:
            charges += fn(node, ctx)
        elif node.type not in FREE_TYPES and node.type not in PRICED_VIA:
            unpriced[node.type].append(node.name)
    charges += _stack_level(ctx, charges)
    return GraphPricing(charges, dict(ctx.notes), dict(unpriced), ctx.scheduled, dict(ctx.notes_ja))


def price_graph(
    graph: ResourceGraph, usage: Usage, catalog: PriceSource, label: str = "planned"
) -> tuple[Estimate, GraphPricing]:
    """The planned monthly estimate of ``graph`` and the pricing notes."""
    gp = graph_charges(graph, usage)
    return price_charges(label, gp.charges, catalog), gp
