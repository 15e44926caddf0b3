"""Hand-built graph nodes for rule fixtures (shared by the rule test modules)."""

from __future__ import annotations

import json
from typing import Any

from gcmod.graph import ResourceNode


def node(
    type_: str,
    name: str,
    inputs: dict[str, Any] | None = None,
    deps: tuple[ResourceNode, ...] = (),
    region: str = "ap-northeast-1",
) -> ResourceNode:
    """A custom resource ``name`` of ``type_`` with ``inputs``, depending on ``deps``."""
    return ResourceNode(
        urn=f"urn:pulumi:t::gcmod::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        inputs=inputs or {},
        dependencies=tuple(d.urn for d in deps),
        region=region,
    )


def assert_documented(rules: Any) -> None:
    """Every rule of a module is mandatory, has a known lever, distinct English and
    Japanese title, rationale (citing the 2025 guidance) and remediation, and
    JSON-serialisable setting schemas."""
    from gcmod.policies.model import LEVERS

    for r in rules:
        assert r.lever in LEVERS
        assert r.enforcement == "mandatory"
        for text in (r.title, r.rationale, r.remediation):
            assert text.en and text.ja and text.en != text.ja
        assert "2025" in r.rationale.en and "2025" in r.rationale.ja
        json.dumps([s.schema() for s in r.all_settings()])


def hits(report: Any, rule_id: str, name: str | None = None) -> list:
    """Decided violations of ``rule_id`` (on ``name`` when given)."""
    return [
        v
        for v in report.by_rule(rule_id)
        if not v.unknown and (name is None or v.resource_name == name)
    ]


def only(report: Any, rule_id: str, name: str):
    """The one mandatory violation of ``rule_id`` on ``name``, named in both languages."""
    found = hits(report, rule_id, name)
    assert len(found) == 1, [v.message.en for v in report.by_rule(rule_id)]
    v = found[0]
    assert v.mandatory and v.enforcement == "mandatory"
    assert name in v.message.en and name in v.message.ja
    return v
