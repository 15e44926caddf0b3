"""Security rules peers also run (policies/rules/security.py), through the engine path."""

from __future__ import annotations

from ruletest import assert_documented, hits, node, only

from gcmod.graph import UNKNOWN, ResourceGraph
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import Rule
from gcmod.policies.rules import security

RULES: list[Rule] = [v for v in vars(security).values() if isinstance(v, Rule)]

RDS = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
KEY = "aws:kms/key:Key"


def run(*nodes, config: dict | None = None) -> CheckReport:
    graph = ResourceGraph("gcmod", "t", "ap-northeast-1", tuple(nodes))
    return check_graph(graph, config, rules=RULES)


def test_rules_metadata() -> None:
    assert {r.id for r in RULES} == {"GCM-SEC-030", "GCM-SEC-031"}
    assert_documented(RULES)
    assert all(r.lever == "security" for r in RULES)


# ---------------------------------------------------------------------------
# GCM-SEC-030
# ---------------------------------------------------------------------------
def test_sec030_private_databases_pass() -> None:
    report = run(
        node(RDS, "private", {"instanceClass": "db.t4g.micro", "publiclyAccessible": False}),
        node(RDS, "default", {"instanceClass": "db.t4g.micro"}),  # AWS default: private
        node(CLUSTER, "aurora", {"engine": "aurora-postgresql"}),
        node(CLUSTER_INSTANCE, "aurora-1", {"publiclyAccessible": False}),
    )
    assert report.by_rule("GCM-SEC-030") == []


def test_sec030_public_databases_flagged() -> None:
    report = run(
        # As vendors write it: a quick demo database "reachable from the office".
        node(RDS, "legacy-db", {"engine": "postgres", "publiclyAccessible": True}),
        node(CLUSTER, "multi-az", {"engine": "postgres", "publiclyAccessible": True}),
        node(CLUSTER_INSTANCE, "aurora-writer", {"publiclyAccessible": True}),
    )
    v = only(report, "GCM-SEC-030", "legacy-db")
    assert v.rule.severity == "critical"
    assert "publiclyAccessible: true" in v.message.en and "パブリックアクセス" in v.message.ja
    assert "RDS cluster" in only(report, "GCM-SEC-030", "multi-az").message.en
    assert "Aurora" in only(report, "GCM-SEC-030", "aurora-writer").message.en


def test_sec030_unknown_cant_run() -> None:
    report = run(node(RDS, "later", {"publiclyAccessible": UNKNOWN}))
    [v] = report.by_rule("GCM-SEC-030")
    assert v.unknown and not v.mandatory


# ---------------------------------------------------------------------------
# GCM-SEC-031
# ---------------------------------------------------------------------------
def test_sec031_rotated_and_unrotatable_keys_pass() -> None:
    report = run(
        node(KEY, "data-key", {"enableKeyRotation": True, "deletionWindowInDays": 30}),
        node(KEY, "signing", {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"}),
        node(KEY, "ecc", {"keySpec": "ECC_NIST_P256", "keyUsage": "SIGN_VERIFY"}),
        node(KEY, "hmac", {"customerMasterKeySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"}),
        node(KEY, "hsm", {"customKeyStoreId": "cks-1234567890abcdef0"}),
    )
    assert report.by_rule("GCM-SEC-031") == []


def test_sec031_unrotated_keys_flagged() -> None:
    report = run(
        node(KEY, "app-key", {"description": "app data"}),  # rotation absent: off
        node(KEY, "off-key", {"enableKeyRotation": False, "keySpec": "SYMMETRIC_DEFAULT"}),
    )
    v = only(report, "GCM-SEC-031", "app-key")
    assert "enableKeyRotation" in v.message.en and "ローテーション" in v.message.ja
    only(report, "GCM-SEC-031", "off-key")
    assert len(hits(report, "GCM-SEC-031")) == 2


def test_sec031_unknown_spec_cant_run() -> None:
    report = run(node(KEY, "later", {"keySpec": UNKNOWN}))
    [v] = report.by_rule("GCM-SEC-031")
    assert v.unknown and not v.mandatory
