"""The collector contract: read-only boto3 calls in, graph nodes out.

A collector lists one kind of deployed resource in one account and region and
normalises each into a :class:`~gcmod.graph.ResourceNode` shaped like the
Pulumi resource that would have created it (type token, camelCase inputs), so
the policy rules run on it unchanged. Each collector declares the IAM actions
it needs; the audit role's least-privilege policy is generated from those
declarations.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
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

    def split(self, collectors: Iterable[Collector] | None = None) -> dict[str, Any]:
        """The calls made, split into per-page calls (pages, batches, one-per-region or
        one-per-account calls: they grow with pages) and the per-parent calls the
        ``collectors`` declare (one per bucket, plan, load balancer...: they grow
        with resources), each with its count and the declared reason."""
        declared = per_parent_calls(collectors)
        parent = {
            op: {"calls": n, "reason": declared[op]}
            for op, n in sorted(self.calls.items())
            if op in declared
        }
        per_parent = sum(v["calls"] for v in parent.values())
        return {"perPage": self.total - per_parent, "perParent": per_parent, "parents": parent}


class SharedCache:
    """Listings several collectors need in one account and region (the ECS services,
    the load balancers, the Tagging API pages...), fetched once: the first
    collector to ask makes the calls, the others wait for and reuse the result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Any, Any] = {}
        self._locks: dict[Any, threading.Lock] = {}

    def get(self, key: Any, fetch: Callable[[], Any]) -> Any:
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = fetch()
            return self._values[key]


class CollectContext:
    """What a collector gets: guarded clients for one account and region."""

    def __init__(
        self,
        session: Any,
        account_id: str,
        region: str,
        home_region: str,
        client_factory: Callable[[Any, str, str], Any],
        shared: SharedCache | None = None,
    ) -> None:
        self.session = session
        self.account_id = account_id
        self.region = region
        self.home_region = home_region
        self._factory = client_factory
        self._clients: dict[str, Any] = {}
        self.shared = shared if shared is not None else SharedCache()
        """Shared by every collector run in this account and region."""

    def client(self, service: str) -> Any:
        """A read-only, retrying, counted boto3 client for ``service`` here."""
        if service not in self._clients:
            self._clients[service] = self._factory(self.session, service, self.region)
        return self._clients[service]

    def once(self, key: str, fetch: Callable[[], Any]) -> Any:
        """``fetch()`` once per account and region, shared across collectors."""
        return self.shared.get(key, fetch)

    def paginate(self, service: str, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
        """Every item under ``key`` across all pages of ``operation``."""
        client = self.client(service)
        if client.can_paginate(operation):
            for page in client.get_paginator(operation).paginate(**kwargs):
                yield from page.get(key, [])
        else:
            yield from getattr(client, operation)(**kwargs).get(key, [])

    def tags_by_arn(self, resource_type: str) -> dict[str, dict[str, str]]:
        """Tags of every tagged resource of ``resource_type`` (``logs``, ``s3``,
        ``backup``, ...) here, from the Resource Groups Tagging
        API: one call per page of 100 resources instead of one tag call per
        resource, made once per account, region and type however many collectors
        ask. GetResources returns every tagged (or once tagged) resource, so an
        absent one is untagged -- unless the endpoint does not index that type
        (moto does not index backup plans or schedule groups): see
        :meth:`tags_of`."""

        def fetch() -> dict[str, dict[str, str]]:
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

        return self.once(f"tags:{resource_type}", fetch)

    def tags_of(
        self, arn: str, resource_type: str, fallback: Callable[[], dict[str, str]]
    ) -> dict[str, str]:
        """Tags of ``arn`` from the Tagging API pages (:meth:`tags_by_arn`); for a
        resource it did not return, ``fallback()`` (the service's own per-resource
        tag call). In AWS the fallback runs only for untagged resources, which it
        confirms; against an endpoint that does not index the type it keeps the
        tags right at one call per resource."""
        tagged = self.tags_by_arn(resource_type)
        if arn in tagged:
            return tagged[arn]
        return fallback()

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
    per_parent: Mapping[str, str] = field(default_factory=dict)
    """Calls made once per parent resource (``service.Operation`` -> why: the AWS
    API has no batch or listing form), as opposed to once per page."""


_COLLECTORS: dict[str, Collector] = {}


def collector(
    name: str,
    service: str,
    iam_actions: Iterable[str],
    per_parent: Mapping[str, str] | None = None,
):
    """Register ``fn(ctx) -> Iterable[ResourceNode]`` as a collector. ``per_parent``
    declares each call made once per parent resource rather than once per page
    (``"s3.GetBucketLifecycleConfiguration": "no batch form: ..."``)."""

    def wrap(fn: Callable[[CollectContext], Iterable[ResourceNode]]) -> Collector:
        if name in _COLLECTORS:
            raise ValueError(f"duplicate collector {name}")
        c = Collector(name, service, tuple(iam_actions), fn, dict(per_parent or {}))
        _COLLECTORS[name] = c
        return c

    return wrap


def all_collectors() -> list[Collector]:
    """Every registered collector (imports the collector modules)."""
    from gcmod.audit import collectors  # noqa: F401  (registers them)

    return sorted(_COLLECTORS.values(), key=lambda c: c.name)


def per_parent_calls(collectors: Iterable[Collector] | None = None) -> dict[str, str]:
    """Every declared per-parent call (``service.Operation`` -> reason)."""
    cols = list(collectors) if collectors is not None else all_collectors()
    out: dict[str, str] = {}
    for c in cols:
        for op, why in c.per_parent.items():
            out.setdefault(op, why)
    return dict(sorted(out.items()))
