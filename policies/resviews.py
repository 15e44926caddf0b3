"""The rules' view (:class:`~gcmod.policies.model.Res`) of a synthesized or
collected graph, without the Pulumi SDK.

The pack's adapter builds a ``Res`` from what the engine sends; the audit's
evaluator and the estimate build it from a :class:`~gcmod.graph.ResourceGraph`:
engine-shaped values (:func:`gcmod.graph.engine_value`) wrapped in
pulumi_policy's unknown-checking proxy, the provider's props and name, the
region decided by :func:`gcmod.policies.evidence.region_of`; for stack-wide
evidence, parents and dependencies linked. One builder for both.

pulumi_policy's ``proxy`` module is plain Python; :func:`load_unknown_proxy`
loads it on its own so that the rule modules' ``from pulumi_policy.proxy import
UnknownValueError`` does not import the SDK (gRPC, protobuf).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from gcmod.graph import ResourceGraph, ResourceNode, engine_value

_PROXY = "pulumi_policy.proxy"


def load_unknown_proxy() -> ModuleType:
    """``pulumi_policy.proxy`` without importing the ``pulumi_policy`` package (which
    imports the Pulumi SDK and gRPC). The module only needs ``typing``; once in
    ``sys.modules`` it is the one the package itself uses if it is imported later,
    so ``UnknownValueError`` stays one class."""
    mod = sys.modules.get(_PROXY)
    if mod is not None:
        return mod
    spec = importlib.util.find_spec("pulumi_policy")  # finds, does not import, the package
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pulumi_policy is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "proxy.py"
    mspec = importlib.util.spec_from_file_location(_PROXY, path)
    if mspec is None or mspec.loader is None:
        raise ImportError(f"cannot load {path}")
    mod = importlib.util.module_from_spec(mspec)
    sys.modules[_PROXY] = mod
    try:
        mspec.loader.exec_module(mod)
    except BaseException:
        del sys.modules[_PROXY]
        raise
    return mod


class ResourceViews:
    """``Res`` of each node of ``graph``, built once per node on first use."""

    def __init__(self, graph: ResourceGraph) -> None:
        self.graph = graph
        self._wrap = load_unknown_proxy().unknown_checking_proxy
        self._default_aws = {"region": graph.region}
        self._cache: dict[str, Any] = {}
        self._linked: list[Any] | None = None

    def of(self, node: ResourceNode) -> Any:
        """The rules' view of ``node``."""
        r = self._cache.get(node.urn)
        if r is None:
            from gcmod.policies.evidence import region_of
            from gcmod.policies.model import Res

            graph = self.graph
            p = graph.by_urn.get(node.provider) if node.provider else None
            given = p.inputs if p else (self._default_aws if node.package == "aws" else {})
            r = Res(
                node.type,
                node.name,
                node.urn,
                self._wrap(engine_value(node.inputs)),
                provider_props=self._wrap(engine_value(given)),
                provider_name=p.name if p else "default",
            )
            r.region = region_of(r).value  # decided as the pack decides it (evidence)
            self._cache[node.urn] = r
        return r

    def linked(self) -> list[Any]:
        """Every resource's view, with parents and dependencies linked (what stack
        rules and stack-wide evidence read)."""
        if self._linked is None:
            resources = self.graph.resources
            everything = [self.of(n) for n in resources]
            for n, r in zip(resources, everything, strict=True):
                r.parent = self._cache.get(n.parent) if n.parent else None
                r.dependencies = [self._cache[d] for d in n.dependencies if d in self._cache]
            self._linked = everything
        return self._linked
