"""GCM-DB-002 (RDS native backup and Performance Insights retention), engine path."""

from __future__ import annotations

from ruletest import assert_documented, node, only

from gcmod.graph import UNKNOWN, ResourceGraph
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.rules import database

RULES = [database.native_retention]
RDS, CLUSTER, MEMBER = database.RDS_INSTANCE, database.RDS_CLUSTER, database.RDS_CLUSTER_INSTANCE
DEV = {"Env": "dev"}
STG = {"Environment": "staging"}
PROD = {"Environment": "Production"}


def run(*nodes, config: dict | None = None) -> CheckReport:
    graph = ResourceGraph("gcmod", "t", "ap-northeast-1", tuple(nodes))
    return check_graph(graph, config, rules=RULES)


def test_rule_metadata() -> None:
    assert_documented(RULES)


def test_db002_retention_within_needs_passes() -> None:
    report = run(
        node(RDS, "dev-db", {"backupRetentionPeriod": 1, "tags": DEV}),
        node(RDS, "console-default", {"backupRetentionPeriod": 7, "tags": DEV}),
        node(CLUSTER, "prod-aurora", {"backupRetentionPeriod": 35, "tags": PROD}),
        node(
            MEMBER,
            "prod-aurora-1",
            {"performanceInsightsEnabled": True, "performanceInsightsRetentionPeriod": 31,
             "tags": PROD},
        ),
        # retention set but Performance Insights off: nothing is kept
        node(RDS, "pi-off", {"performanceInsightsRetentionPeriod": 731, "tags": DEV}),
        node(RDS, "pi-free", {"performanceInsightsEnabled": True,
                              "performanceInsightsRetentionPeriod": 7, "tags": STG}),
    )  # fmt: skip
    assert report.by_rule("GCM-DB-002") == []


def test_db002_long_retention_flagged() -> None:
    report = run(
        node(RDS, "dev-db", {"backupRetentionPeriod": 35, "tags": DEV}),
        node(CLUSTER, "stg-cluster", {"backupRetentionPeriod": 21, "tags": STG}),
        node(
            MEMBER,
            "stg-aurora-1",
            {"performanceInsightsEnabled": True, "performanceInsightsRetentionPeriod": 731,
             "tags": STG},
        ),
        node(
            RDS,
            "prod-db",
            {"backupRetentionPeriod": 14, "performanceInsightsEnabled": True,
             "performanceInsightsRetentionPeriod": 93, "tags": PROD},
        ),
    )  # fmt: skip
    v = only(report, "GCM-DB-002", "dev-db")
    assert "automated backups 35 days; the development maximum is 7" in v.message.en
    assert "開発環境の上限 7 日" in v.message.ja
    assert "staging maximum is 14" in only(report, "GCM-DB-002", "stg-cluster").message.en
    pi = only(report, "GCM-DB-002", "stg-aurora-1")
    assert "Performance Insights 731 days" in pi.message.en
    assert "Performance Insights 93 days; the production maximum is 31" in (
        only(report, "GCM-DB-002", "prod-db").message.en
    )


def test_db002_thresholds_from_policy_config() -> None:
    db = node(RDS, "dev-db", {"backupRetentionPeriod": 14, "tags": DEV})
    assert len(run(db).by_rule("GCM-DB-002")) == 1
    config = {"GCM-DB-002": {"maxBackupRetentionDays": {"production": 35, "staging": 14,
                                                        "development": 14}}}  # fmt: skip
    assert run(db, config=config).by_rule("GCM-DB-002") == []


def test_db002_unknown_retention_cant_run() -> None:
    [v] = run(node(RDS, "later", {"backupRetentionPeriod": UNKNOWN, "tags": DEV})).by_rule(
        "GCM-DB-002"
    )
    assert v.unknown and not v.mandatory
