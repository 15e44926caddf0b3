"""What the catalogue knows of a template: each stack synthesized, checked and priced.

Nothing is decided here: the policy results come from
:func:`gcmod.policies.harness.check_graph` (the same run as ``gcmod check``),
the costs from :func:`gcmod.cost.estimate.estimate_stack` (as ``gcmod
estimate``); this module only collects them per template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from gcmod import reference as ref
from gcmod.catalog import CatalogEntry, StackInput
from gcmod.config import StackConfig
from gcmod.cost.model import EstimateResult
from gcmod.graph import ResourceGraph
from gcmod.policies.harness import CheckReport
from gcmod.policies.model import Rule

if TYPE_CHECKING:
    from gcmod.pricing import Catalog

Status = Literal["pass", "mandatory", "advisory", "unknown", "n/a", "disabled"]
ENV_ORDER = ("production", "staging", "development")


@dataclass
class StackResult:
    stack: StackInput
    cfg: StackConfig
    graph: ResourceGraph
    report: CheckReport
    estimate: EstimateResult

    @property
    def environment(self) -> str:
        return self.cfg.environment

    @property
    def is_dr(self) -> bool:
        """A standby stack in the DR region (Osaka) rather than the home region."""
        return self.cfg.region != ref.PRIMARY_REGION

    def rule_status(self, rule: Rule) -> tuple[Status, int]:
        """How ``rule`` came out on this stack, and how many findings it made."""
        found = self.report.by_rule(rule.id)
        if rule.enforcement == "disabled" and not found:
            return "disabled", 0
        if any(v.mandatory for v in found):
            return "mandatory", sum(v.mandatory for v in found)
        if any(v.unknown for v in found):
            return "unknown", len(found)
        if found:
            return "advisory", len(found)
        if rule.scope == "resource" and not any(
            rule.applies_to(r.type) for r in self.graph.custom_resources
        ):
            return "n/a", 0
        return "pass", 0

    def rules_passed(self) -> tuple[int, int]:
        """(rules with no finding, rules that ran): disabled and not-applicable
        rules count in neither."""
        ran = [
            s for s, _ in map(self.rule_status, self.report.rules) if s not in ("n/a", "disabled")
        ]
        return sum(s == "pass" for s in ran), len(ran)


@dataclass
class TemplateResult:
    entry: CatalogEntry
    stacks: list[StackResult]

    @property
    def primary(self) -> StackResult:
        """The production stack in the home region (else the first stack): the one
        the diagram, the cost breakdown and the index show."""
        for s in self.stacks:
            if s.environment == "production" and not s.is_dr:
                return s
        return self.stacks[0]

    @property
    def environments(self) -> list[str]:
        return sorted({s.environment for s in self.stacks}, key=ENV_ORDER.index)

    @property
    def rules(self) -> list[Rule]:
        return self.primary.report.rules


def _order(s: StackResult) -> tuple[int, bool, str]:
    return (ENV_ORDER.index(s.environment), s.is_dr, s.stack.name)


def analyse_stack(
    stack: StackInput, catalog: Catalog, synth: Callable[[Any], tuple[Any, Any]] | None = None
) -> StackResult:
    """Synthesize, check and estimate one stack file (errors as ``gcmod check``'s;
    ``synth``: ``StackRef -> (config, graph)``, default :func:`gcmod.program.synth_stack`)."""
    from gcmod.cost.estimate import estimate_stack
    from gcmod.cost.usage import usage_for
    from gcmod.policies.harness import check_graph
    from gcmod.program import synth_stack
    from gcmod.stackfiles import StackRef

    cfg, graph = (synth or synth_stack)(StackRef(stack.name, stack.path))
    report = check_graph(graph)
    usage = usage_for(cfg, stack.path)
    est = estimate_stack(cfg, graph, catalog, usage, stack=stack.name)
    return StackResult(stack, cfg, graph, report, est)


def analyse(
    entry: CatalogEntry,
    catalog: Catalog,
    progress: Callable[[str], None] | None = None,
    synth: Callable[[Any], tuple[Any, Any]] | None = None,
) -> TemplateResult:
    """Every stack of ``entry``; ``progress(stack_name)`` before each."""
    results = []
    for s in entry.stacks:
        if progress:
            progress(s.name)
        results.append(analyse_stack(s, catalog, synth))
    return TemplateResult(entry, sorted(results, key=_order))
