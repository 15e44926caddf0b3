"""The audit feeds the rules it could not feed before: KMS key rotation (GCM-SEC-031),
Lambda architecture, size and log group (GCM-COST-002, GCM-FN-001, GCM-LOG-002),
DynamoDB provisioned capacity (GCM-COST-007), bucket versioning without noncurrent
expiry (GCM-STO-004), public bucket policies (GCM-SEC-022) and Performance Insights
retention (GCM-DB-002).

One moto estate (in-process, fake credentials) holds a passing and a failing
resource of each kind; the collectors' inputs and the unchanged rules' findings
are asserted on it. moto 5.2 returns no Performance Insights fields from
DescribeDBInstances and no LoggingConfig from ListFunctions: those mappings are
tested with botocore's Stubber and with ListFunctions-shaped entries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from awsmock import moto_account
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from gcmod.audit.clients import client_factory, make_client
from gcmod.audit.collect import CallCounter, CollectContext, all_collectors
from gcmod.audit.collectors import data, kms, ops, serverless
from gcmod.audit.iampolicy import audit_actions
from gcmod.audit.runner import run_audit
from gcmod.audit.scope import single_account_scope
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import get_rule

pytest.importorskip("moto")

HOME = "ap-northeast-1"
ACCOUNT = "123456789012"  # moto's default account
NEW = (
    "kms.keys",
    "lambda.functions",
    "dynamodb.tables",
    "s3.bucket-versioning",
    "s3.bucket-policies",
)
COLLECTORS = (*NEW, "s3.buckets", "logs.log-groups")
RULES = (
    "GCM-SEC-031",
    "GCM-COST-002",
    "GCM-FN-001",
    "GCM-LOG-002",
    "GCM-COST-007",
    "GCM-STO-004",
    "GCM-SEC-022",
)
DEV = {"Environment": "development"}
#: Stands in for the AWS managed key behind alias/aws/backup (moto lists the
#: alias, not the key: it is pointed at a key the estate creates).
MANAGED_ALIAS = "alias/aws/backup"


def _zip() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


def _seed_kms(mp: pytest.MonkeyPatch) -> dict[str, str]:
    from moto.kms.utils import RESERVED_ALIASE_TARGET_KEY_IDS

    k = boto3.client("kms", region_name=HOME)
    tags = [{"TagKey": "Environment", "TagValue": "development"}]
    ids = {}
    for name in ("rotating", "stale", "signing", "leaving", "managed"):
        spec = {"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"} if name == "signing" else {}
        ids[name] = k.create_key(Description=f"app {name}", Tags=tags, **spec)["KeyMetadata"][
            "KeyId"
        ]
        if name != "managed":
            k.create_alias(AliasName=f"alias/app-{name}", TargetKeyId=ids[name])
    k.enable_key_rotation(KeyId=ids["rotating"], RotationPeriodInDays=180)
    k.schedule_key_deletion(KeyId=ids["leaving"], PendingWindowInDays=7)
    mp.setitem(RESERVED_ALIASE_TARGET_KEY_IDS, MANAGED_ALIAS, ids["managed"])
    return ids


def _seed_lambda() -> None:
    role = boto3.client("iam", region_name=HOME).create_role(
        RoleName="app-fn", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    lam = boto3.client("lambda", region_name=HOME)
    common = {
        "Runtime": "python3.12",
        "Role": role,
        "Handler": "app.handler",
        "Code": {"ZipFile": _zip()},
        "Tags": DEV,
    }
    # x86 by default, over the development caps (1024 MB, 120 s), never logged.
    lam.create_function(
        FunctionName="app-big-x86",
        MemorySize=2048,
        Timeout=300,
        Environment={"Variables": {"DB_PASSWORD": "not-in-the-graph"}},
        **common,
    )
    # arm64, within the caps, its log group made with a retention.
    lam.create_function(
        FunctionName="app-arm", MemorySize=512, Timeout=30, Architectures=["arm64"], **common
    )
    logs = boto3.client("logs", region_name=HOME)
    logs.create_log_group(logGroupName="/aws/lambda/app-arm", tags=DEV)
    logs.put_retention_policy(logGroupName="/aws/lambda/app-arm", retentionInDays=14)


def _seed_dynamodb() -> None:
    ddb = boto3.client("dynamodb", region_name=HOME)
    key = {
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "owner", "AttributeType": "S"},
        ],
    }
    gsi = {
        "IndexName": "by-owner",
        "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    ddb.create_table(
        TableName="dev-provisioned",
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 50, "WriteCapacityUnits": 50},
        GlobalSecondaryIndexes=[
            {**gsi, "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 10}}
        ],
        Tags=[{"Key": "Environment", "Value": "development"}],
        **key,
    )
    ddb.create_table(
        TableName="dev-on-demand",
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[gsi],
        Tags=[{"Key": "Environment", "Value": "development"}],
        **key,
    )


def _seed_s3() -> None:
    s3 = boto3.client("s3", region_name=HOME)
    for name in ("app-versioned-bare", "app-versioned-expiring", "app-plain", "app-vpce-only"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": HOME})
        s3.put_bucket_tagging(
            Bucket=name, Tagging={"TagSet": [{"Key": "Environment", "Value": "development"}]}
        )
    for name in ("app-versioned-bare", "app-versioned-expiring"):
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(
        Bucket="app-versioned-expiring",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "old-versions",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                }
            ]
        },
    )

    def policy(bucket: str, condition: dict[str, Any] | None) -> str:
        stmt: dict[str, Any] = {
            "Sid": "Read",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        }
        if condition:
            stmt["Condition"] = condition
        return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})

    s3.put_bucket_policy(Bucket="app-plain", Policy=policy("app-plain", None))
    s3.put_bucket_policy(
        Bucket="app-vpce-only",
        Policy=policy("app-vpce-only", {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}),
    )


@pytest.fixture(scope="module")
def estate() -> Iterator[dict[str, Any]]:
    """The seeded moto account, collected once (counted) for the module."""
    with pytest.MonkeyPatch.context() as mp, moto_account(mp, HOME):
        keys = _seed_kms(mp)
        _seed_lambda()
        _seed_dynamodb()
        _seed_s3()
        counter = CallCounter()
        ctx = CollectContext(boto3.session.Session(), ACCOUNT, HOME, HOME, client_factory(counter))
        regs = {c.name: c for c in all_collectors()}
        by_collector = {name: list(regs[name].collect(ctx)) for name in COLLECTORS}
        nodes: dict[str, ResourceNode] = {}
        for found in by_collector.values():
            for n in found:
                nodes.setdefault(n.urn, n)  # as the runner does
        graph = ResourceGraph(
            "audit", ACCOUNT, HOME, tuple(sorted(nodes.values(), key=lambda n: n.urn))
        )
        report = check_graph(graph, rules=[get_rule(r) for r in RULES])
        yield {
            "keys": keys,
            "counter": counter,
            "nodes": by_collector,
            "graph": graph,
            "report": report,
            "mp": mp,
        }


def _hit(report: CheckReport, rule_id: str) -> set[str]:
    return {v.resource_name for v in report.by_rule(rule_id) if not v.unknown}


def _by_name(nodes: list[ResourceNode], type_token: str) -> dict[str, ResourceNode]:
    return {n.name: n for n in nodes if n.type == type_token}


# ---------------------------------------------------------------------------
# Registration and the IAM policy
# ---------------------------------------------------------------------------
def test_new_collectors_are_read_only_declared_and_in_the_policy() -> None:
    cols = {c.name: c for c in all_collectors()}
    actions = set(audit_actions())
    for name in NEW:
        col = cols[name]
        for action in col.iam_actions:
            assert action.partition(":")[2].startswith(("Describe", "List", "Get")), action
            assert action in actions, action
    assert {
        "kms:GetKeyRotationStatus",
        "lambda:ListFunctions",
        "dynamodb:DescribeTable",
        "s3:GetBucketVersioning",
        "s3:GetBucketPolicy",
    } <= actions
    assert set(cols["kms.keys"].per_parent) == {"kms.DescribeKey", "kms.GetKeyRotationStatus"}
    assert set(cols["dynamodb.tables"].per_parent) == {"dynamodb.DescribeTable"}
    assert cols["lambda.functions"].per_parent == {}  # everything comes with the listing


# ---------------------------------------------------------------------------
# KMS: GCM-SEC-031
# ---------------------------------------------------------------------------
def test_kms_keys_inputs_and_rotation(estate: dict[str, Any]) -> None:
    keys = _by_name(estate["nodes"]["kms.keys"], kms.KMS_KEY)
    # AWS managed (alias/aws/*) and pending-deletion keys are not program resources.
    assert set(keys) == {"alias/app-rotating", "alias/app-stale", "alias/app-signing"}
    rotating = keys["alias/app-rotating"].inputs
    assert rotating["enableKeyRotation"] is True
    # moto 5.2 keeps but does not return RotationPeriodInDays; AWS does (API Reference).
    meta = {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS"}
    status = {"KeyRotationEnabled": True, "RotationPeriodInDays": 180}
    assert kms.key_inputs(meta, status, {})[1]["rotationPeriodInDays"] == 180
    assert rotating["customerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert rotating["tags"] == DEV
    assert keys["alias/app-stale"].inputs["enableKeyRotation"] is False
    signing = keys["alias/app-signing"].inputs
    assert signing["keyUsage"] == "SIGN_VERIFY" and "enableKeyRotation" not in signing
    assert _hit(estate["report"], "GCM-SEC-031") == {"alias/app-stale"}


def test_kms_calls_skip_managed_keys_and_unrotatable_ones(estate: dict[str, Any]) -> None:
    calls = estate["counter"].calls
    assert calls["kms.ListKeys"] == 1
    assert calls["kms.ListAliases"] == 1  # the listing backup.vaults shares
    assert calls["kms.DescribeKey"] == 4  # not the alias/aws/* key
    assert calls["kms.GetKeyRotationStatus"] == 2  # not the signing key, not the leaving one


def test_kms_replica_and_external_keys_take_their_own_types() -> None:
    replica = {
        "KeyId": "mrk-1",
        "Origin": "AWS_KMS",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "KeyUsage": "ENCRYPT_DECRYPT",
        "Enabled": True,
        "MultiRegion": True,
        "MultiRegionConfiguration": {
            "MultiRegionKeyType": "REPLICA",
            "PrimaryKey": {"Arn": "arn:aws:kms:x:1:key/mrk-1"},
        },
    }
    assert not kms.rotatable(replica)
    assert kms.key_inputs(replica, None, {}) == (
        kms.KMS_REPLICA_KEY,
        {"enabled": True, "primaryKeyArn": "arn:aws:kms:x:1:key/mrk-1"},
    )
    external = {
        "KeyId": "k",
        "Origin": "EXTERNAL",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "KeyUsage": "ENCRYPT_DECRYPT",
        "Enabled": True,
        "MultiRegion": False,
    }
    assert not kms.rotatable(external)
    assert kms.key_inputs(external, None, {})[0] == kms.KMS_EXTERNAL_KEY
    hsm = {**external, "Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": "cks-1"}
    assert not kms.rotatable(hsm)
    type_token, inputs = kms.key_inputs(hsm, None, {})
    assert type_token == kms.KMS_KEY and inputs["customKeyStoreId"] == "cks-1"
    # The rule leaves a custom key store key alone (AWS cannot rotate it).
    node = ResourceNode("arn:aws:kms:x:1:key/k", kms.KMS_KEY, "hsm-key", True, inputs)
    report = check_graph(
        ResourceGraph("audit", ACCOUNT, HOME, (node,)), rules=[get_rule("GCM-SEC-031")]
    )
    assert report.by_rule("GCM-SEC-031") == []


# ---------------------------------------------------------------------------
# Lambda: GCM-COST-002, GCM-FN-001, GCM-LOG-002
# ---------------------------------------------------------------------------
def test_lambda_inputs(estate: dict[str, Any]) -> None:
    found = estate["nodes"]["lambda.functions"]
    fns = _by_name(found, serverless.LAMBDA_FUNCTION)
    assert set(fns) == {"app-big-x86", "app-arm"}
    big = fns["app-big-x86"].inputs
    assert (big["memorySize"], big["timeout"], big["architectures"]) == (2048, 300, ["x86_64"])
    assert big["runtime"] == "python3.12" and big["tags"] == DEV
    assert "not-in-the-graph" not in json.dumps(big)  # environment variables are not read
    assert fns["app-arm"].inputs["architectures"] == ["arm64"]
    # The function's log group comes with it (shared listing, same node as the log collector's).
    groups = _by_name(found, ops.LOG_GROUP)
    assert set(groups) == {"/aws/lambda/app-arm"}
    assert groups["/aws/lambda/app-arm"] in estate["nodes"]["logs.log-groups"]
    assert [n.name for n in estate["graph"] if n.name == "/aws/lambda/app-arm"] == [
        "/aws/lambda/app-arm"
    ]


def test_lambda_rules_fire_on_the_failing_function_only(estate: dict[str, Any]) -> None:
    report = estate["report"]
    assert _hit(report, "GCM-COST-002") == {"app-big-x86"}
    assert _hit(report, "GCM-FN-001") == {"app-big-x86"}
    messages = " ".join(v.message.en for v in report.by_rule("GCM-FN-001"))
    assert "memorySize 2048 MB exceeds the development cap of 1024" in messages
    assert "timeout 300 s exceeds the development cap of 120" in messages
    assert _hit(report, "GCM-LOG-002") == {"app-big-x86"}


def test_lambda_listing_makes_no_call_per_function(estate: dict[str, Any]) -> None:
    calls = estate["counter"].calls
    assert calls["lambda.ListFunctions"] == 1
    assert not [op for op in calls if op.startswith("lambda.") and op != "lambda.ListFunctions"]
    assert calls["logs.DescribeLogGroups"] == 1  # shared by logs.log-groups and lambda.functions


def test_lambda_default_log_group_is_left_out_a_custom_one_kept() -> None:
    entry = {
        "FunctionName": "fn",
        "FunctionArn": "arn:aws:lambda:x:1:function:fn",
        "MemorySize": 128,
        "Timeout": 3,
        "Architectures": ["x86_64"],
        "Environment": {"Variables": {"SECRET": "s3cr3t"}},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": "/aws/lambda/fn"},
    }
    default = serverless.lambda_inputs(entry, {})
    assert default["loggingConfig"] == {"logFormat": "Text"}
    assert "s3cr3t" not in json.dumps(default)
    custom = serverless.lambda_inputs(
        {**entry, "LoggingConfig": {"LogFormat": "JSON", "LogGroup": "/app/shared"}}, {}
    )
    assert custom["loggingConfig"] == {"logFormat": "JSON", "logGroup": "/app/shared"}
    # The rule: the default group absent -> flagged; a group of its own -> not.
    nodes = [
        ResourceNode(
            "arn:aws:lambda:x:1:function:fn", serverless.LAMBDA_FUNCTION, "fn", True, default
        ),
        ResourceNode(
            "arn:aws:lambda:x:1:function:own",
            serverless.LAMBDA_FUNCTION,
            "own",
            True,
            {**custom, "name": "own"},
        ),
    ]
    report = check_graph(
        ResourceGraph("audit", ACCOUNT, HOME, tuple(nodes)), rules=[get_rule("GCM-LOG-002")]
    )
    assert _hit(report, "GCM-LOG-002") == {"fn"}


# ---------------------------------------------------------------------------
# DynamoDB: GCM-COST-007
# ---------------------------------------------------------------------------
def test_dynamodb_inputs_and_rule(estate: dict[str, Any]) -> None:
    tables = _by_name(estate["nodes"]["dynamodb.tables"], serverless.DYNAMODB_TABLE)
    prov = tables["dev-provisioned"].inputs
    assert (prov["billingMode"], prov["readCapacity"], prov["writeCapacity"]) == (
        "PROVISIONED",
        50,
        50,
    )
    (gsi,) = prov["globalSecondaryIndexes"]
    assert (gsi["name"], gsi["hashKey"], gsi["readCapacity"], gsi["writeCapacity"]) == (
        "by-owner",
        "owner",
        10,
        10,
    )
    assert prov["hashKey"] == "id" and prov["tags"] == DEV
    demand = tables["dev-on-demand"].inputs
    assert demand["billingMode"] == "PAY_PER_REQUEST"
    assert (
        "readCapacity" not in demand and "readCapacity" not in demand["globalSecondaryIndexes"][0]
    )
    assert _hit(estate["report"], "GCM-COST-007") == {"dev-provisioned"}
    (v,) = estate["report"].by_rule("GCM-COST-007")
    assert "provisions 120 read + write capacity units in development (cap 20)" in v.message.en
    calls = estate["counter"].calls
    assert (calls["dynamodb.ListTables"], calls["dynamodb.DescribeTable"]) == (1, 2)


def test_dynamodb_table_without_billing_summary_is_provisioned() -> None:
    old = {
        "TableName": "legacy",
        "TableArn": "arn:aws:dynamodb:x:1:table/legacy",
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        "Replicas": [{"RegionName": "ap-northeast-3"}],
    }
    inputs = serverless.table_inputs(old, {})
    assert "billingMode" not in inputs  # the rule's default: PROVISIONED
    assert (inputs["readCapacity"], inputs["replicas"]) == (5, [{"regionName": "ap-northeast-3"}])


# ---------------------------------------------------------------------------
# S3: GCM-STO-004, GCM-SEC-022
# ---------------------------------------------------------------------------
def test_bucket_versioning_nodes_and_rule(estate: dict[str, Any]) -> None:
    found = estate["nodes"]["s3.bucket-versioning"]
    assert {n.inputs["bucket"] for n in found} == {"app-versioned-bare", "app-versioned-expiring"}
    for n in found:
        assert n.type == "aws:s3/bucketVersioning:BucketVersioning"
        assert n.inputs["versioningConfiguration"]["status"] == "Enabled"
        assert n.dependencies == (f"arn:aws:s3:::{n.inputs['bucket']}",)
    assert _hit(estate["report"], "GCM-STO-004") == {"app-versioned-bare"}


def test_bucket_policy_nodes_and_rule(estate: dict[str, Any]) -> None:
    found = {n.inputs["bucket"]: n for n in estate["nodes"]["s3.bucket-policies"]}
    assert set(found) == {"app-plain", "app-vpce-only"}
    assert found["app-plain"].type == "aws:s3/bucketPolicy:BucketPolicy"
    assert json.loads(found["app-plain"].inputs["policy"])["Statement"][0]["Principal"] == "*"
    assert _hit(estate["report"], "GCM-SEC-022") == {"app-plain-policy"}


def test_s3_listing_shared_per_bucket_calls_declared(estate: dict[str, Any]) -> None:
    calls = estate["counter"].calls
    assert calls["s3.ListBuckets"] == 1  # shared by the three S3 collectors
    assert calls["s3.GetBucketVersioning"] == calls["s3.GetBucketPolicy"] == 4  # one per bucket
    declared = estate["counter"].split(all_collectors())["parents"]
    assert {
        "s3.GetBucketVersioning",
        "s3.GetBucketPolicy",
        "kms.DescribeKey",
        "kms.GetKeyRotationStatus",
        "dynamodb.DescribeTable",
    } <= set(declared)


# ---------------------------------------------------------------------------
# RDS: GCM-DB-002 Performance Insights retention (moto returns no PI fields)
# ---------------------------------------------------------------------------
def _db(ident: str, pi_days: int) -> dict[str, Any]:
    return {
        "DBInstanceIdentifier": ident,
        "DBInstanceArn": f"arn:aws:rds:{HOME}:{ACCOUNT}:db:{ident}",
        "Engine": "postgres",
        "DBInstanceClass": "db.t4g.medium",
        "BackupRetentionPeriod": 1,
        "PerformanceInsightsEnabled": True,
        "PerformanceInsightsRetentionPeriod": pi_days,
        "TagList": [{"Key": "Environment", "Value": "development"}],
    }


def test_rds_performance_insights_retention_reaches_the_rule() -> None:
    # Stubbed: the response never leaves the process (fake credentials, no request sent).
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=HOME
    )
    client = make_client(session, "rds", HOME, CallCounter())
    with Stubber(client) as stub:
        stub.add_response(
            "describe_db_instances", {"DBInstances": [_db("pi-free", 7), _db("pi-long", 731)]}
        )
        ctx = CollectContext(session, ACCOUNT, HOME, HOME, lambda *_: client)
        nodes = {n.name: n for n in data.rds_instances.collect(ctx)}
        stub.assert_no_pending_responses()
    assert nodes["pi-long"].inputs["performanceInsightsRetentionPeriod"] == 731
    assert nodes["pi-free"].inputs["performanceInsightsRetentionPeriod"] == 7
    report = check_graph(
        ResourceGraph("audit", ACCOUNT, HOME, tuple(nodes.values())), rules=[get_rule("GCM-DB-002")]
    )
    assert _hit(report, "GCM-DB-002") == {"pi-long"}
    (v,) = report.by_rule("GCM-DB-002")
    assert "Performance Insights 731 days; the development maximum is 7" in v.message.en


# ---------------------------------------------------------------------------
# The runner: the new collectors end to end, and their gaps
# ---------------------------------------------------------------------------
def test_run_audit_reports_the_new_findings(estate: dict[str, Any]) -> None:
    regs = {c.name: c for c in all_collectors()}
    scope = single_account_scope(boto3.Session(region_name=HOME), (HOME,), HOME)
    result = run_audit(scope, collectors=[regs[n] for n in COLLECTORS], catalog=False)
    assert result.complete
    found = {(f.violation.rule.id, f.violation.resource_name) for f in result.findings}
    assert {
        ("GCM-SEC-031", "alias/app-stale"),
        ("GCM-LOG-002", "app-big-x86"),
        ("GCM-COST-007", "dev-provisioned"),
        ("GCM-STO-004", "app-versioned-bare"),
        ("GCM-SEC-022", "app-plain-policy"),
    } <= found
    assert result.exit_code == 1  # mandatory findings
    (acct,) = result.accounts
    # The function's log group reaches the graph once, from both collectors.
    assert acct.resource_counts[ops.LOG_GROUP] == 1


def _deny(session: Any, event: str, operation: str) -> None:
    def refuse(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}, operation
        )

    session._session.register(event, refuse)


def test_denied_calls_are_gaps_not_false_findings(estate: dict[str, Any]) -> None:
    session = boto3.Session(region_name=HOME)
    _deny(session, "before-call.cloudwatch-logs.DescribeLogGroups", "DescribeLogGroups")
    _deny(session, "before-call.kms.GetKeyRotationStatus", "GetKeyRotationStatus")
    regs = {c.name: c for c in all_collectors()}
    cols = [regs[n] for n in ("logs.log-groups", "lambda.functions", "kms.keys")]
    result = run_audit(single_account_scope(session, (HOME,), HOME), collectors=cols, catalog=False)
    gaps = {(g.collector, g.kind) for g in result.gaps}
    assert gaps == {
        ("logs.log-groups", "access-denied"),
        ("lambda.functions", "access-denied"),
        ("kms.keys", "access-denied"),
    }
    # No function is reported without a log group because the groups could not be read.
    assert result.findings == []
    assert (result.complete, result.exit_code) == (False, 3)
