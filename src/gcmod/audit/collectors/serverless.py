"""Serverless collectors: Lambda functions, DynamoDB tables.

Inputs use the pulumi_aws argument names of ``aws:lambda/function:Function``
(``memorySize``, ``timeout``, ``architectures``, ``loggingConfig``) and
``aws:dynamodb/table:Table`` (``billingMode``, ``readCapacity``,
``globalSecondaryIndexes``), which GCM-COST-002, GCM-FN-001, GCM-LOG-002,
GCM-COST-007 and the backup rules read. Tags come from the Resource Groups
Tagging API (one call per page), not one tag call per resource.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from gcmod.audit.collect import CollectContext, collector
from gcmod.audit.collectors.data import prune
from gcmod.audit.collectors.ops import error_code, log_group_nodes
from gcmod.graph import ResourceNode

LAMBDA_FUNCTION = "aws:lambda/function:Function"
DYNAMODB_TABLE = "aws:dynamodb/table:Table"
#: Where Lambda writes a function's logs unless told otherwise (Lambda Developer
#: Guide, "Sending Lambda function logs to CloudWatch Logs"; checked 2026-12).
LAMBDA_LOG_PREFIX = "/aws/lambda/"
#: ListFunctions returns at most 50 functions per page (Lambda API Reference,
#: ListFunctions ``MaxItems``: 1-50; checked 2026-12).
_FUNCTIONS_PER_PAGE = 50
#: ListTables returns at most 100 names per page (DynamoDB API Reference,
#: ListTables ``Limit``: 1-100; checked 2026-12).
_TABLES_PER_PAGE = 100


# ---------------------------------------------------------------------------
# Lambda
# ---------------------------------------------------------------------------
def lambda_inputs(fn: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    """The Function inputs of one ListFunctions entry.

    ``loggingConfig.logGroup`` is kept only when it is not the default
    ``/aws/lambda/<name>``: Lambda reports the default group for every function,
    while a Pulumi program that names none leaves it out (GCM-LOG-002 then looks
    for that group among the account's log groups). Environment variables are
    never read into the graph: they may hold secrets and no rule needs them."""
    name = fn["FunctionName"]
    logging = fn.get("LoggingConfig") or {}
    group = logging.get("LogGroup")
    vpc = fn.get("VpcConfig") or {}
    inputs = {
        "name": name,
        "description": fn.get("Description") or None,
        "runtime": fn.get("Runtime"),
        "handler": fn.get("Handler"),
        "role": fn.get("Role"),
        "packageType": fn.get("PackageType"),
        "memorySize": fn.get("MemorySize"),
        "timeout": fn.get("Timeout"),
        "architectures": fn.get("Architectures"),
        "ephemeralStorage": {"size": (fn.get("EphemeralStorage") or {}).get("Size")},
        "kmsKeyArn": fn.get("KMSKeyArn"),
        "layers": [layer["Arn"] for layer in fn.get("Layers") or () if layer.get("Arn")],
        "tracingConfig": {"mode": (fn.get("TracingConfig") or {}).get("Mode")},
        "deadLetterConfig": {"targetArn": (fn.get("DeadLetterConfig") or {}).get("TargetArn")},
        "vpcConfig": {
            "subnetIds": vpc.get("SubnetIds"),
            "securityGroupIds": vpc.get("SecurityGroupIds"),
        }
        if vpc.get("SubnetIds")
        else None,
        "loggingConfig": {
            "logFormat": logging.get("LogFormat"),
            "logGroup": group if group and group != f"{LAMBDA_LOG_PREFIX}{name}" else None,
            "applicationLogLevel": logging.get("ApplicationLogLevel"),
            "systemLogLevel": logging.get("SystemLogLevel"),
        },
        "tags": dict(tags),
    }
    return prune(inputs)


@collector(
    "lambda.functions",
    "lambda",
    ["lambda:ListFunctions", "tag:GetResources", "logs:DescribeLogGroups"],
)
def lambda_functions(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Lambda functions (their ``$LATEST`` configuration) from ListFunctions, one
    call per page of 50: memory, timeout and architecture come with the listing,
    so no call is made per function. Tags come from the Tagging API pages.

    Each function is followed by the log group it writes to, when it exists:
    the log-group listing is the one ``logs.log-groups`` makes (shared, no
    extra call), so GCM-LOG-002 sees the groups in the same graph even when the
    log collector is not run, and a function is never reported without a group
    because the groups could not be read (that listing failing fails this
    collector: a gap, not a false finding)."""
    functions = list(ctx.paginate("lambda", "list_functions", "Functions",
                                  MaxItems=_FUNCTIONS_PER_PAGE))  # fmt: skip
    if not functions:
        return
    tagged = ctx.tags_by_arn("lambda:function")
    groups = {n.inputs.get("name"): n for n in log_group_nodes(ctx)}
    yielded: set[str] = set()
    for fn in functions:
        arn = fn["FunctionArn"]
        inputs = lambda_inputs(fn, tagged.get(arn, {}))
        yield ctx.node(LAMBDA_FUNCTION, fn["FunctionName"], arn, inputs)
        own = (inputs.get("loggingConfig") or {}).get("logGroup")
        group = groups.get(own or f"{LAMBDA_LOG_PREFIX}{fn['FunctionName']}")
        if group is not None and group.urn not in yielded:
            yielded.add(group.urn)
            yield group


# ---------------------------------------------------------------------------
# DynamoDB
# ---------------------------------------------------------------------------
def _key(schema: Any, kind: str) -> str | None:
    return next((k["AttributeName"] for k in schema or () if k.get("KeyType") == kind), None)


def _capacity(throughput: Mapping[str, Any] | None, provisioned: bool) -> dict[str, Any]:
    """readCapacity/writeCapacity of a provisioned table or index; none on demand
    (DynamoDB reports 0 there, a Pulumi program sets none)."""
    if not provisioned:
        return {}
    t = throughput or {}
    return {
        "readCapacity": t.get("ReadCapacityUnits"),
        "writeCapacity": t.get("WriteCapacityUnits"),
    }


def table_inputs(t: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    """The Table inputs of one DescribeTable ``Table``. ``billingMode`` is left out
    when DynamoDB reports no BillingModeSummary (tables created before on-demand
    existed, which are provisioned: the rule's default)."""
    mode = (t.get("BillingModeSummary") or {}).get("BillingMode")
    provisioned = mode != "PAY_PER_REQUEST"
    stream = t.get("StreamSpecification") or {}
    sse = t.get("SSEDescription") or {}
    inputs = {
        "name": t["TableName"],
        "billingMode": mode,
        **_capacity(t.get("ProvisionedThroughput"), provisioned),
        "hashKey": _key(t.get("KeySchema"), "HASH"),
        "rangeKey": _key(t.get("KeySchema"), "RANGE"),
        "attributes": [
            {"name": a["AttributeName"], "type": a.get("AttributeType")}
            for a in t.get("AttributeDefinitions") or ()
        ],
        "globalSecondaryIndexes": [
            {
                "name": g["IndexName"],
                "hashKey": _key(g.get("KeySchema"), "HASH"),
                "rangeKey": _key(g.get("KeySchema"), "RANGE"),
                "projectionType": (g.get("Projection") or {}).get("ProjectionType"),
                **_capacity(g.get("ProvisionedThroughput"), provisioned),
            }
            for g in t.get("GlobalSecondaryIndexes") or ()
        ],
        "streamEnabled": stream.get("StreamEnabled"),
        "streamViewType": stream.get("StreamViewType"),
        "tableClass": (t.get("TableClassSummary") or {}).get("TableClass"),
        "deletionProtectionEnabled": t.get("DeletionProtectionEnabled"),
        "serverSideEncryption": {
            "enabled": sse.get("Status") in ("ENABLED", "ENABLING"),
            "kmsKeyArn": sse.get("KMSMasterKeyArn"),
        }
        if sse
        else None,
        "replicas": [{"regionName": r["RegionName"]} for r in t.get("Replicas") or ()],
        "tags": dict(tags),
    }
    return prune(inputs)


@collector(
    "dynamodb.tables",
    "dynamodb",
    ["dynamodb:ListTables", "dynamodb:DescribeTable", "tag:GetResources"],
    per_parent={
        "dynamodb.DescribeTable": "ListTables returns names only and DescribeTable takes one "
        "TableName per request (DynamoDB API Reference); one call per table.",
    },
)
def dynamodb_tables(ctx: CollectContext) -> Iterator[ResourceNode]:
    """DynamoDB tables: ListTables (one call per page of 100 names), then one
    DescribeTable per table, the only source of billing mode and capacity (no
    batch form: a declared per-parent call). Tags come from the Tagging API pages."""
    names = list(ctx.paginate("dynamodb", "list_tables", "TableNames", Limit=_TABLES_PER_PAGE))
    if not names:
        return
    ddb = ctx.client("dynamodb")
    tagged = ctx.tags_by_arn("dynamodb:table")
    for name in names:
        try:
            t = ddb.describe_table(TableName=name)["Table"]
        except ClientError as exc:
            if error_code(exc) == "ResourceNotFoundException":
                continue  # deleted since the listing
            raise
        arn = t.get("TableArn") or ctx.urn(f"table/{name}")
        yield ctx.node(DYNAMODB_TABLE, name, arn, table_inputs(t, tagged.get(arn, {})))
