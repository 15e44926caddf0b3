"""Serverless rules (policies/rules/serverless.py) and GCM-COST-002's Lambda part,
through the engine path. Fixtures are shaped as raw pulumi_aws programs send them
(vendor tag keys, inline code archives, names built from outputs)."""

from __future__ import annotations

from ruletest import assert_documented, hits, node, only

from gcmod.graph import UNKNOWN, ResourceGraph
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import Rule, get_rule
from gcmod.policies.rules import serverless

RULES: list[Rule] = [v for v in vars(serverless).values() if isinstance(v, Rule)]
FN = serverless.LAMBDA_FUNCTION
LOG = serverless.LOG_GROUP
TABLE = serverless.DYNAMODB_TABLE
DEV = {"Environment": "development", "System": "juki"}
PROD = {"Environment": "production", "System": "juki"}
#: As the engine sends a pulumi.AssetArchive({"index.py": StringAsset(...)}).
ARCHIVE = {
    "4dabf18193072939515e22adb298388d": "0def7320c3a5731c473e5ecbe6d01bc7",
    "assets": {
        "index.py": {
            "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17",
            "text": "def handler(e, c): return 1",
        }
    },
}


def run(*nodes, config: dict | None = None, rules: list[Rule] = RULES) -> CheckReport:
    graph = ResourceGraph("gcmod", "t", "ap-northeast-1", tuple(nodes))
    return check_graph(graph, config, rules=rules)


def fn(logical: str, tags: dict = DEV, /, **inputs) -> object:
    """A function with inline code; ``name=`` is the function name input."""
    base = {"runtime": "python3.12", "handler": "index.handler", "role": UNKNOWN}
    return node(FN, logical, {**base, "code": ARCHIVE, "tags": tags, **inputs})


def test_rules_metadata() -> None:
    assert {r.id for r in RULES} == {"GCM-FN-001", "GCM-LOG-002", "GCM-COST-007"}
    assert_documented(RULES)


# ---------------------------------------------------------------------------
# GCM-FN-001
# ---------------------------------------------------------------------------
def test_fn001_within_caps_pass() -> None:
    report = run(
        fn("defaults"),  # 128 MB, 3 s
        fn("dev-api", memorySize=1024, timeout=120),
        fn("prod-batch", PROD, memorySize=4096, timeout=900),
    )
    assert report.by_rule("GCM-FN-001") == []


def test_fn001_above_caps_flagged() -> None:
    report = run(
        fn("dev-big", memorySize=3008, timeout=30),
        fn("dev-slow", memorySize=512, timeout=900),
        fn("prod-huge", PROD, memorySize=10240),
    )
    v = only(report, "GCM-FN-001", "dev-big")
    assert "memorySize 3008 MB exceeds the development cap of 1024 MB" in v.message.en
    assert "開発環境の上限 1024 MB" in v.message.ja
    assert "timeout 900 s" in only(report, "GCM-FN-001", "dev-slow").message.en
    assert "production cap of 4096" in only(report, "GCM-FN-001", "prod-huge").message.en


def test_fn001_caps_from_policy_config() -> None:
    big = fn("dev-big", memorySize=3008)
    assert hits(run(big), "GCM-FN-001")
    config = {
        "GCM-FN-001": {"maxMemoryMb": {"production": 4096, "staging": 4096, "development": 4096}}
    }
    assert run(big, config=config).by_rule("GCM-FN-001") == []


def test_fn001_unknown_memory_cant_run() -> None:
    [v] = run(fn("later", memorySize=UNKNOWN)).by_rule("GCM-FN-001")
    assert v.unknown and not v.mandatory


# ---------------------------------------------------------------------------
# GCM-LOG-002
# ---------------------------------------------------------------------------
def test_log002_functions_with_their_log_group_pass() -> None:
    named = fn("named", name="juki-export")
    autonamed = fn("autonamed")
    custom_group = node(LOG, "shared-logs", {"name": "juki-functions", "retentionInDays": 30})
    custom = fn("custom", loggingConfig={"logFormat": "JSON", "logGroup": UNKNOWN})
    report = run(
        named,
        node(LOG, "named-logs", {"name": "/aws/lambda/juki-export", "retentionInDays": 30}),
        autonamed,
        # name=fn.name.apply(lambda n: f"/aws/lambda/{n}")
        node(LOG, "autonamed-logs", {"name": UNKNOWN, "retentionInDays": 14}, (autonamed,)),
        custom_group,
        custom,
        # a group managed by another stack, by name
        fn("elsewhere", loggingConfig={"logGroup": "central-functions"}),
    )
    assert report.by_rule("GCM-LOG-002") == []


def test_log002_function_without_log_group_flagged() -> None:
    report = run(
        fn("no-group", name="juki-import"),
        fn("autonamed"),
        # a group for another function does not count
        node(LOG, "other", {"name": "/aws/lambda/juki-other", "retentionInDays": 30}),
    )
    v = only(report, "GCM-LOG-002", "no-group")
    assert "/aws/lambda/juki-import" in v.message.en and "kept forever" in v.message.en
    assert "無期限保存" in v.message.ja
    assert "/aws/lambda/<name>" in only(report, "GCM-LOG-002", "autonamed").message.en


def test_log002_unknown_names_cant_run_but_others_reported() -> None:
    report = run(
        fn("computed", name=UNKNOWN),
        node(LOG, "some-group", {"name": "/aws/lambda/something", "retentionInDays": 30}),
        fn("plain", name="juki-plain"),
    )
    only(report, "GCM-LOG-002", "plain")
    unknown = [v for v in report.by_rule("GCM-LOG-002") if v.unknown]
    assert len(unknown) == 1 and not unknown[0].mandatory


# ---------------------------------------------------------------------------
# GCM-COST-007
# ---------------------------------------------------------------------------
def test_cost007_on_demand_and_small_tables_pass() -> None:
    report = run(
        node(TABLE, "on-demand", {"billingMode": "PAY_PER_REQUEST", "tags": DEV}),
        node(TABLE, "small", {"readCapacity": 5, "writeCapacity": 5, "tags": DEV}),
        node(
            TABLE,
            "prod-busy",
            {"billingMode": "PROVISIONED", "readCapacity": 500, "writeCapacity": 200, "tags": PROD},
        ),
    )
    assert report.by_rule("GCM-COST-007") == []


def test_cost007_large_provisioned_outside_production_flagged() -> None:
    report = run(
        node(TABLE, "dev-big", {"readCapacity": 100, "writeCapacity": 50, "tags": DEV}),
        node(
            TABLE,
            "dev-gsi",
            {
                "billingMode": "PROVISIONED",
                "readCapacity": 5,
                "writeCapacity": 5,
                "globalSecondaryIndexes": [
                    {"name": "by-date", "readCapacity": 10, "writeCapacity": 10}
                ],
                "tags": DEV,
            },
        ),
    )
    v = only(report, "GCM-COST-007", "dev-big")
    assert "150 read + write capacity units in development (cap 20)" in v.message.en
    assert "PAY_PER_REQUEST" in v.message.ja
    assert "30 read + write" in only(report, "GCM-COST-007", "dev-gsi").message.en


def test_cost007_cap_from_policy_config() -> None:
    table = node(TABLE, "dev-big", {"readCapacity": 100, "writeCapacity": 50, "tags": DEV})
    config = {
        "GCM-COST-007": {
            "maxProvisionedCapacityUnits": {"production": None, "staging": 50, "development": 200}
        }
    }
    assert run(table, config=config).by_rule("GCM-COST-007") == []


# ---------------------------------------------------------------------------
# GCM-COST-002 (Lambda)
# ---------------------------------------------------------------------------
def test_cost002_lambda_x86_advised_arm64_and_al1_runtimes_pass() -> None:
    report = run(
        fn("arm", architectures=["arm64"]),
        fn("old-go", runtime="go1.x"),  # Amazon Linux 1: x86_64 only
        fn("default-arch"),
        fn("explicit-x86", architectures=["x86_64"]),
        rules=[get_rule("GCM-COST-002")],
    )
    found = {v.resource_name: v for v in report.by_rule("GCM-COST-002")}
    assert sorted(found) == ["default-arch", "explicit-x86"]
    v = found["default-arch"]
    assert v.enforcement == "advisory"
    assert "not set (Lambda default x86_64)" in v.message.en and "20%" in v.message.en
    assert "arm64" in v.message.ja
