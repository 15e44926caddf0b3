"""Run the policy rules over a deployed account's graph without the Pulumi SDK.

``gcmod check`` hands each resource to the rules through the CrossGuard
analyzer servicer (:func:`gcmod.policies.harness.check_graph`), exactly as
``pulumi preview`` does: one protobuf request per resource, and, per rule and
per resource, a fresh deserialisation of every property. On a deployed account
of a thousand resources that is most of the audit's time, and importing the
SDK (``pulumi``, gRPC, protobuf) is most of its start-up.

:func:`check_account` gives the same rules the same view without either:

* the very same ``Rule.check`` functions, with the same :class:`Res` the pack's
  adapter (:mod:`gcmod.policies.pack`) builds: engine-shaped values (numbers as
  the engine's ``double``, unknowns as the engine's sentinel) wrapped in
  pulumi_policy's own unknown-checking proxy, the resource's provider props and
  name, parents and dependencies for stack rules;
* the same configuration (:func:`normalize_pack_config`: levels, schema
  defaults, unknown keys refused) and the same reporting of a rule that meets
  an unknown value ("can't run policy ... during preview"), as a
  :class:`~gcmod.policies.harness.Violation` like the servicer's;
* built once per resource rather than once per rule and resource, and only for
  resources some rule looks at.

pulumi_policy's ``proxy`` module is plain Python; it is loaded on its own
(:func:`load_unknown_proxy`) so that the rule modules' ``from
pulumi_policy.proxy import UnknownValueError`` does not import the SDK. A test
checks that this function and ``check_graph`` report the same violations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gcmod.graph import ResourceGraph, engine_value
from gcmod.policies.resviews import ResourceViews, load_unknown_proxy

__all__ = ["audit_rules", "check_account", "load_unknown_proxy"]

#: What the engine reports as the pack's version in "can't run" messages (the
#: servicer the harness builds says 0.0.1, see gcmod.policies.pack.make_servicer).
_PACK_AT = "gcmod@v0.0.1"


def audit_rules() -> list[Any]:
    """Every rule, imported without the Pulumi SDK (see :func:`load_unknown_proxy`)."""
    load_unknown_proxy()
    from gcmod.policies.model import all_rules

    return all_rules()


def check_account(
    graph: ResourceGraph,
    config: Mapping[str, Any] | None = None,
    rules: list[Any] | None = None,
    source: str = "policy config",
) -> Any:
    """The :class:`~gcmod.policies.harness.CheckReport` ``check_graph`` would give."""
    proxy = load_unknown_proxy()
    from gcmod.policies.harness import (
        CheckReport,
        Violation,
        _unknown_ja,
        _unknown_path,
        analyzed_nodes,
        normalize_pack_config,
    )
    from gcmod.policies.model import Ctx, Text, all_rules

    rules = rules if rules is not None else all_rules()
    normalized = normalize_pack_config(config, rules, source)
    active = [(r, normalized[r.policy_name]) for r in rules]
    active = [(r, lvl, engine_value(props)) for r, (lvl, props) in active if lvl != "disabled"]
    nodes = analyzed_nodes(graph)
    report = CheckReport(graph.stack, graph.region, rules, len(nodes))
    unknown_error = proxy.UnknownValueError
    views = ResourceViews(graph)
    res_of = views.of

    from gcmod.policies.waivers import config_waivers, waiver_for

    def record(rule: Any, level: str, en: str, ja: str, urn: str, unknown: bool, at: str) -> None:
        target = graph.by_urn.get(urn)
        # A gcmod:waive tag on the deployed resource, decided as the pack decides it.
        waiver = None
        if not unknown and target is not None:
            waiver = waiver_for(rule, res_of(target), urn, config_waivers(normalized[
                rule.policy_name][1]))  # fmt: skip
        report.violations.append(
            Violation(
                rule=rule,
                enforcement=level,
                message=Text(en=en, ja=ja),
                urn=urn,
                resource_type=target.type if target else "",
                resource_name=target.name if target else "",
                unknown=unknown,
                unknown_at=at,
                waiver=waiver,
            )
        )

    def run(rule: Any, level: str, props: dict[str, Any], arg: Any, urn: str) -> None:
        try:
            for f in rule.check(arg, Ctx(rule, props)):
                record(rule, level, f.message.en, f.message.ja, f.urn or urn, False, "")
        except unknown_error as exc:
            msg = (
                f"can't run policy '{rule.policy_name}' from policy pack '{_PACK_AT}' "
                f"during preview: {exc.message}"
            )
            at = _unknown_path(msg)
            # The engine reports a rule it could not run as advisory, whatever its level.
            record(rule, "advisory", msg, _unknown_ja(at), urn, True, at)

    resource_rules = [a for a in active if a[0].scope != "stack"]
    for node in nodes:
        for rule, level, props in resource_rules:
            if rule.applies_to(node.type):
                run(rule, level, props, res_of(node), node.urn)
    stack_rules = [a for a in active if a[0].scope == "stack"]
    if stack_rules:
        everything = views.linked()
        for rule, level, props in stack_rules:
            run(rule, level, props, everything, "")
    return report
