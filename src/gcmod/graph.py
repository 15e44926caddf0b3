"""The resource graph: what a stack program declares, as offline synth sees it.

This is the stable structure later stages (policies, cost model, reports)
consume. JSON form (``gcmod synth --json``)::

    {
      "schemaVersion": 1,
      "project": "gcmod", "stack": "saas-prod", "region": "ap-northeast-1",
      "resources": [
        {
          "urn": "urn:pulumi:saas-prod::gcmod::gcmod:network:Network$aws:ec2/vpc:Vpc::net-vpc",
          "type": "aws:ec2/vpc:Vpc",          # Pulumi type token
          "name": "net-vpc",                  # logical name
          "custom": true,                     # false for components
          "inputs": {"cidrBlock": "10.0.0.0/16", ...},   # camelCase, as the engine sees them
          "parent": "urn:...",                # or null for top-level resources
          "dependencies": ["urn:..."],        # resources this one waits for
          "propertyDependencies": {"vpcId": ["urn:..."]},
          "provider": "urn:...",              # explicit provider resource, or null (default)
          "region": "ap-northeast-1",         # region the resource lives in (AWS), or null
          "source": {"file": "__main__.py", "line": 18}   # where the program declared it, or null
        }
      ]
    }

Assets and archives (``pulumi.StringAsset``, ``AssetArchive``, ...) keep the
engine's form: a map with the signature key ``4dabf181...`` set to the asset or
archive signature and ``text``/``path``/``uri`` (``assets`` for an asset archive).
Values only the provider computes (ids, ARNs) are unknown before deployment,
as under ``pulumi preview``; they appear as the string :data:`UNKNOWN`.
Numbers are floats where the engine sends floats. Resources are sorted by
URN (registration order varies from run to run), and so are dependency lists,
so the same program and config always give the same JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1

#: Placeholder for a value that is not known before deployment.
UNKNOWN = "<unknown>"
#: The engine's marker for a value not known before deployment, as it reaches a policy.
ENGINE_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def engine_value(value: Any) -> Any:
    """A graph value as the engine hands it to a policy (a protobuf ``Struct`` round
    trip): numbers become floats, tuples lists, :data:`UNKNOWN` the engine's marker;
    assets and archives are already in the engine's signature-keyed form (synth
    records them so) and pass through as mappings. The one conversion used by the
    offline harness and by the audit's SDK-free evaluator."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return ENGINE_UNKNOWN if value == UNKNOWN else value
    if isinstance(value, Mapping):
        return {str(k): engine_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [engine_value(v) for v in value]
    return value


@dataclass(frozen=True)
class SourceLocation:
    """The line of the user's program that declared a resource.

    The innermost frame of the registration's stack that is the user's code, not
    gcmod's components, the Pulumi SDK, an installed package or the standard
    library: for a resource created inside a gcmod component, the line that
    calls the component. ``file`` is relative to the program's project directory
    (POSIX separators) when it lies inside it, else absolute.
    """

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SourceLocation:
        return cls(file=str(d["file"]), line=int(d["line"]))


@dataclass(frozen=True)
class ResourceNode:
    """One registered resource (or component)."""

    urn: str
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    provider: str | None = None
    region: str | None = None
    source: SourceLocation | None = None
    """Where the user's program declared it (see :class:`SourceLocation`)."""

    @property
    def package(self) -> str:
        return self.type.split(":", 1)[0]

    def get(self, path: str, default: Any = None) -> Any:
        """Input at a dotted path (``serverlessv2ScalingConfiguration.maxCapacity``)."""
        cur: Any = self.inputs
        for part in path.split("."):
            if isinstance(cur, dict) and part in cur:
                cur = cur[part]
            elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
                cur = cur[int(part)]
            else:
                return default
        return cur

    @property
    def tags(self) -> dict[str, Any]:
        t = self.inputs.get("tags")
        return t if isinstance(t, dict) else {}

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "custom": self.custom,
            "inputs": self.inputs,
            "parent": self.parent,
            "dependencies": list(self.dependencies),
            "propertyDependencies": {k: list(v) for k, v in self.property_dependencies.items()},
            "provider": self.provider,
            "region": self.region,
            "source": self.source.to_json() if self.source else None,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ResourceNode:
        return cls(
            urn=d["urn"],
            type=d["type"],
            name=d["name"],
            custom=bool(d.get("custom", True)),
            inputs=dict(d.get("inputs") or {}),
            parent=d.get("parent"),
            dependencies=tuple(d.get("dependencies") or ()),
            property_dependencies={
                k: tuple(v) for k, v in (d.get("propertyDependencies") or {}).items()
            },
            provider=d.get("provider"),
            region=d.get("region"),
            source=SourceLocation.from_json(d["source"]) if d.get("source") else None,
        )


@dataclass(frozen=True)
class ResourceGraph:
    """All resources of one stack, in registration order."""

    project: str
    stack: str
    region: str
    resources: tuple[ResourceNode, ...]

    def __iter__(self) -> Iterator[ResourceNode]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    @property
    def by_urn(self) -> dict[str, ResourceNode]:
        cache = self.__dict__.get("_by_urn")
        if cache is None:
            cache = {r.urn: r for r in self.resources}
            object.__setattr__(self, "_by_urn", cache)
        return cache

    def of_type(self, *types: str) -> list[ResourceNode]:
        return [r for r in self.resources if r.type in types]

    def named(self, name: str) -> ResourceNode:
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]

    def children(self, urn: str) -> list[ResourceNode]:
        return [r for r in self.resources if r.parent == urn]

    def descendants(self, urn: str) -> list[ResourceNode]:
        out: list[ResourceNode] = []
        todo = [urn]
        while todo:
            cur = todo.pop()
            kids = self.children(cur)
            out += kids
            todo += [k.urn for k in kids]
        return out

    def ancestors(self, node: ResourceNode) -> list[ResourceNode]:
        out = []
        cur = node.parent
        while cur is not None and cur in self.by_urn:
            parent = self.by_urn[cur]
            out.append(parent)
            cur = parent.parent
        return out

    @property
    def custom_resources(self) -> list[ResourceNode]:
        return [r for r in self.resources if r.custom and not r.type.startswith("pulumi:")]

    def to_json(self) -> dict[str, Any]:
        return {
            "schemaVersion": SCHEMA_VERSION,
            "project": self.project,
            "stack": self.stack,
            "region": self.region,
            "resources": [r.to_json() for r in self.resources],
        }

    def dumps(self, **kw: Any) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, **kw)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ResourceGraph:
        if d.get("schemaVersion") != SCHEMA_VERSION:
            raise ValueError(f"unsupported graph schemaVersion {d.get('schemaVersion')!r}")
        return cls(
            project=d["project"],
            stack=d["stack"],
            region=d["region"],
            resources=tuple(ResourceNode.from_json(r) for r in d["resources"]),
        )


def short_type(token: str) -> str:
    """``aws:ec2/vpc:Vpc`` -> ``aws:ec2:Vpc`` for narrow tables."""
    pkg, _, rest = token.partition(":")
    mod, _, typ = rest.partition(":")
    return f"{pkg}:{mod.split('/')[0]}:{typ}" if typ else token


def iter_values(value: Any) -> Iterable[Any]:
    """Every scalar inside a nested input value."""
    if isinstance(value, dict):
        for v in value.values():
            yield from iter_values(v)
    elif isinstance(value, list):
        for v in value:
            yield from iter_values(v)
    else:
        yield value
