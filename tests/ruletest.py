"""Hand-built graph nodes for rule fixtures (shared by the rule test modules)."""

from __future__ import annotations

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
