"""Estimated monthly waste of a finding: what the violating resource costs.

Method (an upper bound, stated as such in every report):

* The violating resource is priced with the cost model's own pricer for its
  type (:data:`gcmod.cost.pricers.PRICERS`) in the context of the whole
  account graph, and the charges are priced with :func:`price_charges` and the
  catalogue (:class:`gcmod.pricing.catalog.Catalog`) in the resource's region,
  on-demand list prices, 730 h a month unless a schedule in the graph says
  otherwise. The result is the resource's **full monthly cost**: fixing the
  finding (deleting an unattached volume, stopping an idle instance, moving to
  a cheaper class) saves at most that much, so it is the upper bound of the
  waste, not a prediction of the saving.
* Types the cost model knows to be free (:data:`FREE_TYPES`) give ``0.0``.
* ``None`` (unknown) when the type has no pricer, when pricing needs usage
  figures a deployed graph does not carry (traffic, log volume; the pricers
  refuse an unresolved usage profile), when any catalogue price is missing, or
  when the finding is about the stack as a whole rather than one resource.
  Unknown is never reported as zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcmod.cost.pricers import (
    FREE_TYPES,
    PRICED_VIA,
    PRICERS,
    PriceSource,
    PricingContext,
    price_charges,
    scheduled_hours,
)
from gcmod.cost.usage import Usage
from gcmod.graph import ResourceGraph, ResourceNode

METHOD = (
    "upper bound: the violating resource's full on-demand monthly cost "
    "(gcmod cost pricers × price catalogue, 730 h/month unless scheduled); "
    "unknown when it cannot be priced from the deployed configuration alone"
)


@dataclass(frozen=True)
class Waste:
    monthly_usd: float | None
    basis: str
    """How the figure was found, or why it is unknown."""


class WasteEstimator:
    """Prices violating resources of one account graph (caches per URN)."""

    def __init__(self, graph: ResourceGraph, catalog: PriceSource | None) -> None:
        self.graph = graph
        self.catalog = catalog
        self._ctx: PricingContext | None = None
        self._cache: dict[str, Waste] = {}

    def _context(self) -> PricingContext:
        if self._ctx is None:
            try:
                hours = scheduled_hours(self.graph)
            except Exception:  # a deployed graph may carry partial schedules
                hours = {}
            self._ctx = PricingContext(self.graph, Usage(), hours)
        return self._ctx

    def for_urn(self, urn: str) -> Waste:
        if urn not in self._cache:
            node = self.graph.by_urn.get(urn)
            self._cache[urn] = (
                Waste(None, "finding is not about one resource")
                if node is None
                else self.for_node(node)
            )
        return self._cache[urn]

    def for_node(self, node: ResourceNode) -> Waste:
        if self.catalog is None:
            return Waste(None, "no price catalogue")
        if node.type in FREE_TYPES:
            return Waste(0.0, f"free: {FREE_TYPES[node.type]}")
        if node.type in PRICED_VIA:
            return Waste(None, PRICED_VIA[node.type])
        fn = PRICERS.get(node.type)
        if fn is None:
            return Waste(None, f"no pricer for {node.type}")
        try:
            charges = fn(node, self._context())
        except Exception as exc:  # usage-dependent pricers refuse unresolved usage
            return Waste(None, f"cannot be priced from the deployed configuration ({exc})")
        est = price_charges(node.name, charges, self.catalog)
        if est.missing:
            keys = ", ".join(sorted({f"{m.price_key}@{m.region}" for m in est.missing}))
            return Waste(None, f"catalogue lacks {keys}")
        parts = "; ".join(f"{li.description}: ${li.monthly_usd:,.2f}" for li in est.lines)
        return Waste(est.monthly_usd, parts or "no chargeable quantity")
