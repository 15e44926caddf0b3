"""Override warnings: a component says at ``pulumi preview`` what the pack will reject.

In the manner of AWS Solutions Constructs, a component whose arguments move a
default to a value a rule of gcmod's policy pack rejects for the component's
environment logs one Pulumi warning per rule, naming the rule id, before any
policy run. The decision is the rule's own: the component builds the view of the
resource it is about to create (:class:`~gcmod.policies.model.Res`, camelCase
inputs as the engine sends them, tagged with the component's environment) and
runs the rule's ``check`` on it with the rule's default settings. No threshold is
copied here. A pack configured with other thresholds (``policy-config``) may
judge differently; the policy run is the authority.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from gcmod.components.tags import TAG_ENVIRONMENT


@dataclass
class Planned:
    """A resource the component is about to create, as the rules will see it."""

    type: str
    name: str
    props: Mapping[str, Any]
    region: str | None = None
    dependencies: Sequence[str] = field(default_factory=tuple)
    """Names of other :class:`Planned` resources this one depends on."""
    provider_name: str | None = None


def _views(planned: Sequence[Planned], environment: str) -> list[Any]:
    from gcmod.policies.model import Res

    views: dict[str, Res] = {}
    for p in planned:
        props = dict(p.props)
        tags = dict(props.get("tags") or {})
        tags[TAG_ENVIRONMENT] = environment
        props["tags"] = tags
        views[p.name] = Res(
            type=p.type,
            name=p.name,
            urn=f"urn:gcmod:planned::{p.type}::{p.name}",
            props=props,
            region=p.region,
            provider_name=p.provider_name,
        )
    for p in planned:
        views[p.name].dependencies = [views[d] for d in p.dependencies if d in views]
    return list(views.values())


def rejected(rule_id: str, planned: Sequence[Planned], environment: str) -> list[str]:
    """English+Japanese messages of the findings rule ``rule_id`` makes on ``planned``
    in ``environment`` (default settings); empty when it accepts them."""
    from pulumi_policy.proxy import UnknownValueError

    from gcmod.policies.model import Ctx, get_rule

    rule = get_rule(rule_id)
    ctx = Ctx(rule=rule, config={})
    views = _views(planned, environment)
    messages: list[str] = []
    try:
        if rule.scope == "stack":
            findings = list(rule.check(views, ctx))  # type: ignore[arg-type]
        else:
            findings = [
                f
                for v in views
                if rule.applies_to(v.type)
                for f in rule.check(v, ctx)  # type: ignore[arg-type]
            ]
    except UnknownValueError:
        return []
    for f in findings:
        messages.append(f"{f.message.en} / {f.message.ja}")
    return messages


def warn_if_rejected(
    resource: pulumi.Resource,
    rule_id: str,
    planned: Sequence[Planned],
    environment: str,
    argument: str,
) -> bool:
    """Log one warning on ``resource`` when rule ``rule_id`` rejects ``planned``;
    ``argument`` names what the caller set. Returns whether it warned."""
    messages = rejected(rule_id, planned, environment)
    if not messages:
        return False
    pulumi.log.warn(
        f"{rule_id}: {argument} overrides gcmod's {environment} default into a value the "
        f"policy pack rejects / 既定値の上書きがポリシー {rule_id} に違反します: "
        + "; ".join(messages),
        resource=resource,
    )
    return True
