"""Run the collectors over accounts × regions, then the SAME policy rules.

:func:`run_audit` runs every collector in every account and region of a
:class:`~gcmod.audit.scope.Scope` in a bounded thread pool, builds one
:class:`~gcmod.graph.ResourceGraph` per account (project ``audit``, stack =
account id, region = home region; resources outside the home region sit behind
an explicit ``pulumi:providers:aws`` node for their region, as in a Pulumi
program) and hands it to :func:`gcmod.policies.harness.check_graph`, the very
function's view without the SDK (:func:`gcmod.audit.evaluate.check_account`:
the same rules, the same :class:`Res`), so a rule decides identically on a
planned stack and a deployed account. No rule logic lives here.

Each violation is paired with the monthly saving its fix would bring
(:mod:`gcmod.audit.waste`), overlaps counted once per resource.

Failures never abort the audit: a collector that is denied (AccessDenied,
UnauthorizedOperation, ...), meets a region that is not enabled or not
reachable, exhausts its retries or fails in any other way is recorded as a
:class:`Gap`, and everything else completes. Throttling is retried inside the
client (botocore adaptive mode, :mod:`gcmod.audit.clients`).

Exit code (:attr:`AuditResult.exit_code`):

* ``1`` — at least one mandatory violation, complete or not: what was read is
  enough to fail a CI gate, whatever could not be read.
* ``3`` — incomplete (at least one gap: something could not be read, so a clean
  result would not be trustworthy) and no mandatory violation.
* ``0`` — complete, no mandatory violation (advisory findings may exist).

Both facts are reported separately (``complete`` and the mandatory count in
``--json``), so a reader never has to infer one from the exit code.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
)

from gcmod.audit.clients import DEFAULT_MAX_ATTEMPTS, client_factory
from gcmod.audit.collect import (
    CallCounter,
    CollectContext,
    Collector,
    SharedCache,
    all_collectors,
    provider_urn,
)
from gcmod.audit.evaluate import check_account
from gcmod.audit.guard import ReadOnlyViolation
from gcmod.audit.scope import AccountTarget, Scope
from gcmod.audit.waste import METHOD, Waste, WasteEstimator
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, Violation

Progress = Callable[[int, int, str], None]

ACCESS_DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthFailure",
        "Forbidden",
    }
)
REGION_UNAVAILABLE = frozenset(
    {
        "OptInRequired",
        "InvalidClientTokenId",  # STS/IAM in a region not enabled for the account
        "UnrecognizedClientException",  # same, for JSON-protocol services
        "SubscriptionRequiredException",
        "InvalidAction",  # the service does not exist in this region
        "UnsupportedOperation",
    }
)
THROTTLED = frozenset(
    {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
)
ASSUME_ROLE = "sts.assume-role"


@dataclass(frozen=True)
class Gap:
    """Something the audit could not read: the result is incomplete there."""

    account: str
    region: str
    collector: str
    reason: str
    kind: str = "error"
    """access-denied | region-unavailable | endpoint | throttled | read-only-guard | error"""


@dataclass(frozen=True)
class Finding:
    """One rule violation in a deployed account, with its estimated waste."""

    account: str
    region: str | None
    violation: Violation
    waste: Waste

    @property
    def waste_usd(self) -> float | None:
        return self.waste.monthly_usd

    @property
    def mandatory(self) -> bool:
        return self.violation.mandatory


@dataclass
class AccountReport:
    account_id: str
    name: str | None
    graph: ResourceGraph
    report: CheckReport
    findings: list[Finding]

    @property
    def resource_counts(self) -> dict[str, int]:
        """Resources per Pulumi type token (providers excluded)."""
        return dict(sorted(Counter(r.type for r in self.graph.custom_resources).items()))

    @property
    def waste_usd(self) -> float:
        """Sum of the known savings of the findings (they never overlap)."""
        return round(sum(f.waste_usd for f in self.findings if f.waste_usd is not None), 2)

    @property
    def waste_jpy(self) -> int:
        return sum(f.waste.monthly_jpy for f in self.findings if f.waste.monthly_jpy is not None)


@dataclass
class AuditResult:
    scope: Scope
    accounts: list[AccountReport] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    calls: CallCounter = field(default_factory=CallCounter)
    waste_method: str = METHOD
    collectors: list[Collector] = field(default_factory=list)
    """The collectors that ran (their per-parent call declarations split ``calls``)."""

    @property
    def call_split(self) -> dict[str, Any]:
        """``calls`` split into per-page and declared per-parent calls."""
        return self.calls.split(self.collectors)

    @property
    def reports(self) -> dict[str, AccountReport]:
        return {a.account_id: a for a in self.accounts}

    @property
    def findings(self) -> list[Finding]:
        return [f for a in self.accounts for f in a.findings]

    @property
    def mandatory(self) -> list[Finding]:
        return [f for f in self.findings if f.mandatory]

    @property
    def resource_counts(self) -> dict[str, dict[str, int]]:
        """Account id -> type token -> count."""
        return {a.account_id: a.resource_counts for a in self.accounts}

    @property
    def complete(self) -> bool:
        return not self.gaps

    @property
    def exit_code(self) -> int:
        """1 if any mandatory finding (complete or not), else 3 if any gap, else 0."""
        if self.mandatory:
            return 1
        if self.gaps:
            return 3
        return 0


def classify(exc: BaseException) -> tuple[str, str]:
    """(kind, reason) of a collector failure."""
    if isinstance(exc, ReadOnlyViolation):
        return "read-only-guard", str(exc)
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        msg = f"{code}: {err.get('Message', '')}".strip(": ")
        op = getattr(exc, "operation_name", None)
        if op:
            msg = f"{op}: {msg}"
        if code in ACCESS_DENIED or code.startswith("AccessDenied"):
            return "access-denied", msg
        if code in REGION_UNAVAILABLE:
            return "region-unavailable", msg
        if code in THROTTLED:
            return "throttled", f"{msg} (retries exhausted)"
        return "error", msg
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        return "endpoint", str(exc)
    if isinstance(exc, NoCredentialsError | NoRegionError | BotoCoreError):
        return "error", str(exc)
    return "error", f"{type(exc).__name__}: {exc}"


def _run_one(
    target: AccountTarget,
    region: str,
    home: str,
    col: Collector,
    factory: Callable[[Any, str, str], Any],
    counter: CallCounter,
    shared: SharedCache | None = None,
) -> list[ResourceNode]:
    session = target.get_session(counter)
    ctx = CollectContext(session, target.account_id, region, home, factory, shared)
    return list(col.collect(ctx))


def _account_graph(account: str, home: str, nodes: list[ResourceNode]) -> ResourceGraph:
    by_urn: dict[str, ResourceNode] = {}
    for n in nodes:  # global listings (S3) may repeat a resource per region
        by_urn.setdefault(n.urn, n)
    regions = sorted({n.region for n in by_urn.values() if n.region and n.region != home})
    for r in regions:
        p = ResourceNode(
            urn=provider_urn(r),
            type="pulumi:providers:aws",
            name=r,
            custom=True,
            inputs={"region": r},
            region=r,
        )
        by_urn.setdefault(p.urn, p)
    resources = tuple(sorted(by_urn.values(), key=lambda n: n.urn))
    return ResourceGraph(project="audit", stack=account, region=home, resources=resources)


def evaluate_account(
    target: AccountTarget,
    home: str,
    nodes: list[ResourceNode],
    catalog: Any,
    policy_config: Mapping[str, Any] | None,
    today: date | None = None,
) -> AccountReport:
    """Graph, rules, waste for one account (no AWS calls). ``today`` dates the office
    calendar of the off-hours savings (default: the current month)."""
    graph = _account_graph(target.account_id, home, nodes)
    report = check_account(graph, policy_config, source="audit policy config")
    savings = WasteEstimator(graph, catalog, today).assign(report.violations)
    findings = []
    for v, waste in zip(report.violations, savings, strict=True):
        node = graph.by_urn.get(v.urn)
        findings.append(Finding(target.account_id, node.region if node else None, v, waste))
    return AccountReport(target.account_id, target.name, graph, report, findings)


def run_audit(
    scope: Scope,
    *,
    collectors: list[Collector] | None = None,
    concurrency: int = 4,
    catalog: Any = None,
    progress: Progress | None = None,
    endpoint_url: str | None = None,
    policy_config: Mapping[str, Any] | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    counter: CallCounter | None = None,
) -> AuditResult:
    """Audit every account × region × collector of ``scope``; see the module doc.

    ``catalog``: a price catalogue for waste estimates (default: the packaged
    :class:`~gcmod.pricing.catalog.Catalog`; pass ``False`` to skip pricing).
    ``progress(done, total, label)`` is called from the calling thread after
    each collector run."""
    cols = list(collectors) if collectors is not None else all_collectors()
    if catalog is None:
        from gcmod.pricing.catalog import Catalog

        catalog = Catalog.load()
    elif catalog is False:
        catalog = None
    result = AuditResult(scope, calls=counter or CallCounter(), collectors=cols)
    factory = client_factory(result.calls, endpoint_url, max_attempts=max_attempts)
    for t in scope.accounts:
        if t.endpoint_url is None:
            t.endpoint_url = endpoint_url

    tasks = [(t, r, c) for t in scope.accounts for r in scope.regions for c in cols]
    total = len(tasks)
    nodes: dict[str, list[ResourceNode]] = {t.account_id: [] for t in scope.accounts}
    failed_accounts: dict[str, Gap] = {}
    lock = threading.Lock()
    # One cache per account and region: listings several collectors need
    # (ECS services, load balancers, Tagging API pages) are fetched once.
    shared = {(t.account_id, r): SharedCache() for t in scope.accounts for r in scope.regions}

    def work(t: AccountTarget, r: str, c: Collector) -> list[ResourceNode]:
        with lock:
            if t.account_id in failed_accounts:
                return []
        try:
            t.get_session(result.calls)
        except Exception as exc:
            kind, reason = classify(exc)
            with lock:
                failed_accounts.setdefault(
                    t.account_id, Gap(t.account_id, "*", ASSUME_ROLE, reason, kind)
                )
            return []
        return _run_one(t, r, scope.home_region, c, factory, result.calls, shared[t.account_id, r])

    done = 0
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = {pool.submit(work, t, r, c): (t, r, c) for t, r, c in tasks}
        for fut in as_completed(futures):
            t, r, c = futures[fut]
            try:
                nodes[t.account_id].extend(fut.result())
            except Exception as exc:
                kind, reason = classify(exc)
                result.gaps.append(Gap(t.account_id, r, c.name, reason, kind))
            done += 1
            if progress is not None:
                progress(done, total, f"{t.account_id} {r} {c.name}")

    result.gaps.extend(failed_accounts.values())
    result.gaps.sort(key=lambda g: (g.account, g.region, g.collector))
    for t in scope.accounts:
        if t.account_id in failed_accounts:
            continue
        result.accounts.append(
            evaluate_account(t, scope.home_region, nodes[t.account_id], catalog, policy_config)
        )
    return result
