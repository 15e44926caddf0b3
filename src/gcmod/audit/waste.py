"""What fixing a finding would save each month, in a form a finance officer can add up.

Each finding of a deployed account carries only the monthly cost its fix would
save, with the method named (:class:`Waste`):

=====================  ==========================================================
method                 saving
=====================  ==========================================================
``delete``             the resource's whole monthly cost: an idle or orphaned
                       resource (GCM-IDLE-001, 003, 004; an Elastic IP attached to
                       nothing, GCM-NET-003), an extra NAT gateway (GCM-NET-001), a
                       warm standby in the DR region (GCM-DR-001)
``volumes``            the monthly cost of the volumes a long-stopped instance
                       keeps (GCM-IDLE-006; a stopped instance bills no hours)
``snapshot``           source volume size × snapshot GB-month price (GCM-IDLE-005;
                       an upper bound: snapshots are incremental)
``current-generation`` the price difference to the same size in the first current
                       generation of the family (m4→m5, c4→c5, r4→r5, t2→t3,
                       db.m4→db.m5 ...; GCM-COST-001): the conservative end, no
                       change of architecture
``single-az``          the price difference without Multi-AZ (GCM-DB-001)
``gp3``                the price difference of the same storage on gp3 (GCM-STO-001)
``off-hours``          the off-hours share of the running (hourly) charges: the
                       office calendar's running hours (:mod:`gcmod.officecalendar`,
                       08:00-18:00 on office days) over the next 12 months against
                       730 h a month (GCM-SCHED-001)
``none``               0: tags, locks, security and reliability findings save nothing
                       by themselves
``not-estimated``      unknown (None): a cost finding whose saving depends on a choice
                       the audit cannot make (which smaller size, which retention)
=====================  ==========================================================

Every figure is the cost model's own pricer (:data:`gcmod.cost.pricers.PRICERS`)
applied to the deployed resource and to the resource as fixed (the same inputs
with the new type, class or storage), priced from the sourced catalogue
(:class:`gcmod.pricing.catalog.Catalog`), on-demand list prices, 730 h a month.
A price the catalogue lacks makes the saving unknown, never zero.

Overlaps are counted once: the findings of one resource are applied in the
order of :data:`ORDER`, each to the resource as the previous fixes left it
(deleting it first leaves nothing for the others; a cheaper generation makes
the off-hours share smaller). So the savings of a resource add up to what all
its fixes save together, and totals by rule, by lever and for the estate are
plain sums of the findings' figures, each rounded to the cent (and to the yen).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers import (
    FREE_TYPES,
    PRICERS,
    Charge,
    PriceSource,
    PricingContext,
    price_charges,
)
from gcmod.cost.usage import Usage
from gcmod.graph import ResourceGraph, ResourceNode

METHOD = (
    "the monthly saving of each fix, once per resource (on-demand list prices × the "
    "cost model's pricers; methods: delete, volumes, snapshot, current-generation, "
    "single-az, gp3, off-hours; none for tags, locks and security; unknown where the "
    "saving depends on a choice the audit cannot make)"
)

#: Rule -> saving method. Rules of the levers in :data:`NO_SAVING_LEVERS` save
#: nothing directly; any other rule not listed is not estimated.
METHODS: dict[str, str] = {
    "GCM-IDLE-001": "delete",
    "GCM-IDLE-003": "delete",
    "GCM-IDLE-004": "delete",
    "GCM-NET-001": "delete",
    "GCM-NET-003": "delete",  # an Elastic IP attached to nothing (issue 13's graph rule)
    "GCM-DR-001": "delete",
    "GCM-IDLE-006": "volumes",
    "GCM-IDLE-005": "snapshot",
    "GCM-COST-001": "current-generation",
    "GCM-DB-001": "single-az",
    "GCM-STO-001": "gp3",
    "GCM-SCHED-001": "off-hours",
}
#: The order fixes are applied to one resource (removals first).
ORDER = (
    "delete",
    "volumes",
    "snapshot",
    "current-generation",
    "single-az",
    "gp3",
    "off-hours",
)
NO_SAVING_LEVERS = frozenset({"tagging", "security", "reliability"})

#: Previous-generation family -> the first current generation of the same family
#: (AWS's "Previous generation instances" upgrade paths; Amazon RDS DB instance
#: classes). The conservative end: newer families (m7g, m7i) cost less still.
SUCCESSOR: dict[str, str] = {
    "m1": "m5", "m2": "r5", "m3": "m5", "m4": "m5", "c1": "c5", "c3": "c5", "c4": "c5",
    "r3": "r5", "r4": "r5", "t1": "t3", "t2": "t3", "i2": "i3", "d2": "d3",
    "db.m1": "db.m5", "db.m2": "db.r5", "db.m3": "db.m5", "db.m4": "db.m5",
    "db.r3": "db.r5", "db.r4": "db.r5", "db.t1": "db.t3", "db.t2": "db.t3",
}  # fmt: skip
#: Price-key prefixes of charges billed per running hour (what a schedule stops).
HOURLY_KEYS = ("ec2.instance-hour.", "rds.instance-hour.", "fargate.", "aurora.acu-hour")
#: Volume types moved to gp3 by GCM-STO-001.
_TO_GP3 = frozenset({"gp2", "standard", "io1", "io2"})
_TYPE = re.compile(r"^(db\.)?([a-z]+\d[a-z0-9-]*)\.(.+)$")


@dataclass(frozen=True)
class Waste:
    """The monthly saving of one finding."""

    monthly_usd: float | None
    basis: str
    """How the figure was found, or why it is unknown."""
    method: str = "not-estimated"
    monthly_jpy: int | None = None


def off_hours_share(today: date | None = None) -> tuple[float, float]:
    """(share of 730 h a month the office calendar does not run, running hours a month)
    over the 12 months from ``today``'s month."""
    from gcmod.officecalendar import monthly_running_hours

    today = today or date.today()
    months = [((today.month - 1 + i) // 12 + today.year, (today.month - 1 + i) % 12 + 1)
              for i in range(12)]  # fmt: skip
    running = sum(monthly_running_hours(y, m) for y, m in months) / 12
    return 1 - running / 730, running


def successor(instance_type: Any) -> str | None:
    """``m4.xlarge`` -> ``m5.xlarge``, ``db.m4.large`` -> ``db.m5.large``; None if none."""
    m = _TYPE.match(instance_type) if isinstance(instance_type, str) else None
    if m is None:
        return None
    family = (m.group(1) or "") + m.group(2)
    new = SUCCESSOR.get(family)
    return f"{new}.{m.group(3)}" if new else None


def _to_gp3(node: ResourceNode) -> ResourceNode:
    inputs = dict(node.inputs)
    if node.type == "aws:ebs/volume:Volume":
        if str(inputs.get("type") or "gp2").lower() in _TO_GP3:
            inputs["type"] = "gp3"
            inputs.pop("iops", None)
    elif node.type.startswith("aws:rds/"):
        if str(inputs.get("storageType") or "").lower() in _TO_GP3:
            inputs["storageType"] = "gp3"
            inputs.pop("iops", None)
    else:
        for key in ("rootBlockDevice", "ebsBlockDevices"):
            value = inputs.get(key)
            devices = [value] if isinstance(value, dict) else value
            if not isinstance(devices, list):
                continue
            fixed = []
            for d in devices:
                if isinstance(d, dict) and str(d.get("volumeType", "")).lower() in _TO_GP3:
                    d = {**d, "volumeType": "gp3"}
                    d.pop("iops", None)
                fixed.append(d)
            inputs[key] = fixed[0] if isinstance(value, dict) else fixed
    return replace(node, inputs=inputs)


def _to_successor(node: ResourceNode) -> ResourceNode | None:
    field = "instanceClass" if node.type.startswith("aws:rds/") else "instanceType"
    new = successor(node.inputs.get(field))
    return replace(node, inputs={**node.inputs, field: new}) if new else None


class WasteEstimator:
    """Prices the savings of the findings of one account graph."""

    def __init__(
        self, graph: ResourceGraph, catalog: PriceSource | None, today: date | None = None
    ) -> None:
        self.graph = graph
        self.catalog = catalog
        self.today = today
        self._ctx: PricingContext | None = None
        self._share: tuple[float, float] | None = None

    def _context(self) -> PricingContext:
        if self._ctx is None:
            # Deployed resources run 730 h unless the audit observed otherwise; the
            # schedule rule's finding is what prices the hours a schedule would save.
            # No traffic figures: the audit does not read them, so usage-priced
            # charges (GB processed, LCUs, stored GB) count zero and a saving is the
            # fixed charges only -- the conservative end.
            usage = Usage()
            usage._resolved = True  # every usage figure zero, on purpose
            self._ctx = PricingContext(self.graph, usage, {})
        return self._ctx

    def _yen(self, usd: float | None) -> int | None:
        if usd is None or self.catalog is None:
            return None
        return round(usd * self.catalog.jpy_per_usd)

    def _waste(self, usd: float | None, basis: str, method: str) -> Waste:
        usd = None if usd is None else round(usd + 0.0, 2)
        return Waste(usd, basis, method, self._yen(usd))

    def _charges(self, node: ResourceNode) -> list[Charge]:
        if node.type == "aws:ebs/snapshot:Snapshot":
            seen = node.inputs.get("gcmodObserved") or {}
            gb = seen.get("volumeSize") if isinstance(seen, dict) else None
            if not isinstance(gb, int | float):
                raise ValueError("the snapshot's volume size is not known")
            return [
                Charge(node.name, node.type, "storage",
                       Phrase(f"EBS snapshot (≤ {gb:g} GB, the source volume's size)",
                              f"EBS スナップショット (≤ {gb:g} GB、元のボリュームのサイズ)"),
                       "ebs.snapshot.gb-month", node.region or self.graph.region, float(gb))
            ]  # fmt: skip
        fn = PRICERS.get(node.type)
        if fn is None:
            raise ValueError(f"no pricer for {node.type}")
        return fn(node, self._context())

    def cost(self, node: ResourceNode, keys: Sequence[str] | None = None) -> tuple[float, str]:
        """(monthly USD, description) of ``node``'s charges (only those whose price key
        starts with one of ``keys`` when given). Raises when it cannot be priced."""
        if node.type in FREE_TYPES:
            return 0.0, f"free: {FREE_TYPES[node.type]}"
        charges = self._charges(node)
        if keys is not None:
            charges = [c for c in charges if c.price_key.startswith(tuple(keys))]
        # Usage-priced charges (GB processed, LCUs) need traffic the audit does not
        # read: a removal saves at least the fixed charges, which is what is counted.
        charges = [c for c in charges if c.price_key not in ("natgateway.gb", "alb.lcu-hour")]
        est = price_charges(node.name, charges, self.catalog)  # type: ignore[arg-type]
        if est.missing:
            keys_ = ", ".join(sorted({f"{m.price_key}@{m.region}" for m in est.missing}))
            raise LookupError(f"catalogue lacks {keys_}")
        text = "; ".join(f"{li.description}: ${li.monthly_usd:,.2f}" for li in est.lines)
        return est.monthly_usd, text or "no chargeable quantity"

    def assign(self, violations: Iterable[Any]) -> list[Waste]:
        """The saving of each violation (same order), overlaps counted once per resource."""
        violations = list(violations)
        out: list[Waste | None] = [None] * len(violations)
        by_urn: dict[str, list[int]] = {}
        for i, v in enumerate(violations):
            method = METHODS.get(v.rule.id)
            if v.unknown:
                out[i] = self._waste(None, "the rule could not decide", "not-estimated")
            elif self.catalog is None:
                out[i] = self._waste(None, "no price catalogue", method or "not-estimated")
            elif method is None:
                if v.rule.lever in NO_SAVING_LEVERS:
                    out[i] = self._waste(0.0, f"no direct saving ({v.rule.lever})", "none")
                else:
                    out[i] = self._waste(None, "saving depends on a choice the audit cannot "
                                         "make", "not-estimated")  # fmt: skip
            elif v.urn not in self.graph.by_urn:
                out[i] = self._waste(None, "finding is not about one resource", method)
            else:
                by_urn.setdefault(v.urn, []).append(i)
        for urn, idx in by_urn.items():
            idx.sort(key=lambda i: ORDER.index(METHODS[violations[i].rule.id]))
            node: ResourceNode | None = self.graph.by_urn[urn]
            removed_by = ""
            seen_methods: set[str] = set()
            for i in idx:
                rule_id = violations[i].rule.id
                method = METHODS[rule_id]
                if node is None:
                    out[i] = self._waste(0.0, f"counted under {removed_by}", method)
                    continue
                if method in seen_methods:  # the same fix found twice on one resource
                    out[i] = self._waste(0.0, f"counted under the first {method} finding", method)
                    continue
                seen_methods.add(method)
                try:
                    usd, basis, node = self._apply(method, node)
                except (LookupError, ValueError, KeyError, TypeError) as exc:
                    out[i] = self._waste(None, f"cannot be priced ({exc})", method)
                    continue
                out[i] = self._waste(usd, basis, method)
                if node is None:
                    removed_by = rule_id
        return [w for w in out if w is not None]

    def _apply(self, method: str, node: ResourceNode) -> tuple[float, str, ResourceNode | None]:
        """(saving, basis, the resource after the fix or None when removed)."""
        if method in ("delete", "snapshot"):
            usd, text = self.cost(node)
            return usd, f"its monthly cost: {text}", None
        if method == "volumes":
            usd, text = self.cost(node, ["ebs."])
            return usd, f"its volumes' monthly cost: {text}", None
        if method == "off-hours":
            if self._share is None:
                self._share = off_hours_share(self.today)
            share, running = self._share
            usd, text = self.cost(node, HOURLY_KEYS)
            return (
                usd * share,
                f"{share:.1%} of the running charges ({text}): the office calendar runs "
                f"{running:.1f} h of 730 h a month",
                node,
            )
        fixed = _to_successor(node) if method == "current-generation" else (
            replace(node, inputs={**node.inputs, "multiAz": False})
            if method == "single-az" else _to_gp3(node)
        )  # fmt: skip
        if fixed is None:
            raise LookupError("no current-generation successor known for this type")
        before, text_before = self.cost(node)
        after, text_after = self.cost(fixed)
        return before - after, f"{text_before} → {text_after}", fixed
