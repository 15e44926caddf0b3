"""The collector contract: read-only boto3 calls in, graph nodes out.

A collector lists one kind of deployed resource in one account and region and
normalises each into a :class:`~gcmod.graph.ResourceNode` shaped like the
Pulumi resource that would have created it (type token, camelCase inputs), so
the policy rules run on it unchanged. Each collector declares the IAM actions
it needs; the audit role's least-privilege policy is generated from those
declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gcmod.graph import ResourceNode


@dataclass
class CallCounter:
    """API calls made, per ``service.Operation`` (for the efficiency benchmark)."""

    calls: dict[str, int] = field(default_factory=dict)

    def add(self, key: str) -> None:
        self.calls[key] = self.calls.get(key, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())


class CollectContext:
    """What a collector gets: guarded clients for one account and region."""

    def __init__(
        self,
        session: Any,
        account_id: str,
        region: str,
        home_region: str,
        client_factory: Callable[[Any, str, str], Any],
    ) -> None:
        self.session = session
        self.account_id = account_id
        self.region = region
        self.home_region = home_region
        self._factory = client_factory
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        """A read-only, retrying, counted boto3 client for ``service`` here."""
        if service not in self._clients:
            self._clients[service] = self._factory(self.session, service, self.region)
        return self._clients[service]

    def paginate(self, service: str, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
        """Every item under ``key`` across all pages of ``operation``."""
        client = self.client(service)
        if client.can_paginate(operation):
            for page in client.get_paginator(operation).paginate(**kwargs):
                yield from page.get(key, [])
        else:
            yield from getattr(client, operation)(**kwargs).get(key, [])

    def tags_by_arn(self, resource_type: str) -> dict[str, dict[str, str]]:
        """Tags of every tagged resource of ``resource_type`` (``logs``, ``s3``, ...)
        here, from the Resource Groups Tagging API: one call per page of 100
        resources instead of one tag call per resource. Untagged resources are
        absent (their tags are empty)."""
        out: dict[str, dict[str, str]] = {}
        for item in self.paginate(
            "resourcegroupstaggingapi",
            "get_resources",
            "ResourceTagMappingList",
            ResourceTypeFilters=[resource_type],
            ResourcesPerPage=100,
        ):
            out[item["ResourceARN"]] = {t["Key"]: t["Value"] for t in item.get("Tags", [])}
        return out

    def urn(self, arn_or_id: str) -> str:
        """The node URN of a deployed resource: its ARN (or account/region/id)."""
        if arn_or_id.startswith("arn:"):
            return arn_or_id
        return f"arn:aws:gcmod:{self.region}:{self.account_id}:{arn_or_id}"

    def node(
        self,
        type_token: str,
        name: str,
        arn_or_id: str,
        inputs: dict[str, Any],
        dependencies: Iterable[str] = (),
    ) -> ResourceNode:
        """A graph node for a deployed resource; resources outside the home region
        are placed behind an explicit regional provider, as a Pulumi program
        reaching a second region would be."""
        return ResourceNode(
            urn=self.urn(arn_or_id),
            type=type_token,
            name=name,
            custom=True,
            inputs=inputs,
            dependencies=tuple(dependencies),
            provider=None if self.region == self.home_region else provider_urn(self.region),
            region=self.region,
        )


def provider_urn(region: str) -> str:
    return f"urn:pulumi:audit::gcmod::pulumi:providers:aws::{region}"


@dataclass(frozen=True)
class Collector:
    """One kind of deployed resource."""

    name: str
    """``<service>.<kind>``, e.g. ``ec2.instances``."""
    service: str
    """boto3 client name."""
    iam_actions: tuple[str, ...]
    """Exactly the read-only actions ``collect`` calls."""
    collect: Callable[[CollectContext], Iterable[ResourceNode]]


_COLLECTORS: dict[str, Collector] = {}


def collector(name: str, service: str, iam_actions: Iterable[str]):
    """Register ``fn(ctx) -> Iterable[ResourceNode]`` as a collector."""

    def wrap(fn: Callable[[CollectContext], Iterable[ResourceNode]]) -> Collector:
        if name in _COLLECTORS:
            raise ValueError(f"duplicate collector {name}")
        c = Collector(name, service, tuple(iam_actions), fn)
        _COLLECTORS[name] = c
        return c

    return wrap


def all_collectors() -> list[Collector]:
    """Every registered collector (imports the collector modules)."""
    from gcmod.audit import collectors  # noqa: F401  (registers them)

    return sorted(_COLLECTORS.values(), key=lambda c: c.name)
