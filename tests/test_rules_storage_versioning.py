"""GCM-STO-004 (versioned buckets expire noncurrent versions), through the engine path."""

from __future__ import annotations

from ruletest import node, only

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.rules import storage

BUCKET = "aws:s3/bucketV2:BucketV2"
LEGACY = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioningV2:BucketVersioningV2"
VERSIONING_V7 = "aws:s3/bucketVersioning:BucketVersioning"
LIFECYCLE = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
DEV = {"Environment": "dev"}
PROD = {"Environment": "prod"}


def versioned(name: str, *rules: dict, tags: dict = PROD, kind: str = VERSIONING):
    b = node(BUCKET, name, {"tags": tags})
    out = [b, node(kind, f"{name}-versioning", {"bucket": UNKNOWN,
                                                "versioningConfiguration": {"status": "Enabled"}},
                   (b,))]  # fmt: skip
    if rules:
        out.append(node(LIFECYCLE, f"{name}-lc", {"bucket": UNKNOWN, "rules": list(rules)}, (b,)))
    return out


def noncurrent(days: float, status: str = "Enabled") -> dict:
    return {"id": "old-versions", "status": status, "filter": {},
            "noncurrentVersionExpiration": {"noncurrentDays": days}}  # fmt: skip


def run(*nodes: ResourceNode) -> CheckReport:
    graph = ResourceGraph("vendor", "t", "ap-northeast-1", tuple(nodes))
    return check_graph(graph, rules=[storage.noncurrent_versions])


def test_sto004_versioned_buckets_that_expire_old_versions_pass() -> None:
    report = run(
        *versioned("records", noncurrent(365)),
        *versioned("v7-style", noncurrent(30), tags=DEV, kind=VERSIONING_V7),
        node(
            LEGACY,
            "legacy",
            {"versioning": {"enabled": True}, "tags": DEV,
             "lifecycleRules": [{"enabled": True, "noncurrentVersionExpiration": {"days": 7}}]},
        ),
        node(BUCKET, "plain", {"tags": DEV}),  # not versioned
        *[n for n in versioned("suspended") if n.type != VERSIONING],  # versioning resource gone
    )  # fmt: skip
    assert report.by_rule("GCM-STO-004") == []


def test_sto004_versioned_buckets_keeping_old_versions_flagged() -> None:
    expire_current = {"id": "x", "status": "Enabled", "expiration": {"days": 90}}
    report = run(
        *versioned("forever"),
        *versioned("current-only", expire_current),
        *versioned("disabled", noncurrent(30, status="Disabled")),
        *versioned("dev-long", noncurrent(365), tags=DEV),
        node(LEGACY, "legacy", {"versioning": {"enabled": True}, "tags": PROD}),
        node(BUCKET, "locked", {"objectLockEnabled": True, "tags": PROD}),
    )
    v = only(report, "GCM-STO-004", "forever")
    assert "versioned (forever-versioning)" in v.message.en
    assert "billed forever" in v.message.en and "旧バージョン" in v.message.ja
    only(report, "GCM-STO-004", "current-only")
    only(report, "GCM-STO-004", "disabled")
    d = only(report, "GCM-STO-004", "dev-long")
    assert "365 days; the development maximum is 30" in d.message.en
    assert "開発環境の上限は 30 日" in d.message.ja
    assert "versioning.enabled" in only(report, "GCM-STO-004", "legacy").message.en
    assert "Object Lock" in only(report, "GCM-STO-004", "locked").message.en


def test_sto004_threshold_from_policy_config() -> None:
    nodes = versioned("dev-long", noncurrent(60), tags=DEV)
    graph = ResourceGraph("vendor", "t", "ap-northeast-1", tuple(nodes))
    rules = [storage.noncurrent_versions]
    assert len(check_graph(graph, rules=rules).by_rule("GCM-STO-004")) == 1
    config = {"GCM-STO-004": {"maxNoncurrentDays": {"production": 400, "staging": 90,
                                                    "development": 90}}}  # fmt: skip
    assert check_graph(graph, config, rules=rules).by_rule("GCM-STO-004") == []


def test_sto004_unknown_status_cant_run_but_others_reported() -> None:
    b = node(BUCKET, "later", {"tags": PROD})
    report = run(
        b,
        node(VERSIONING, "later-versioning",
             {"bucket": UNKNOWN, "versioningConfiguration": {"status": UNKNOWN}}, (b,)),
        *versioned("forever"),
    )  # fmt: skip
    only(report, "GCM-STO-004", "forever")
    unknown = [v for v in report.by_rule("GCM-STO-004") if v.unknown]
    assert len(unknown) == 1 and not unknown[0].mandatory
