"""Tests for gcmod.components.logs (offline synth under the Pulumi mocks)."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gcmod.awstypes import taggable as aws_taggable
from gcmod.components.logs import (
    ManagedLogging,
    ManagedLoggingArgs,
    archive_transitions,
    deny_insecure_transport_policy,
    firehose_write_policy,
    put_records_policy,
)
from gcmod.components.tags import cost_tags
from gcmod.config import LogClass, LoggingConfig
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.synth import ACCOUNT_ID, run_program

REGION = "ap-northeast-1"
PREFIX = "/gcmod/saas-test"
TAGS = cost_tags("koseki", "development", extra={"owner": "ops"})
COMPONENT = "gcmod:logging:ManagedLogging"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BUCKET = "aws:s3/bucket:Bucket"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
SUBSCRIPTION = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ROLE = "aws:iam/role:Role"
#: Minimum billed days per archive tier (Amazon S3 User Guide, storage classes).
MIN_DAYS = {"GLACIER_IR": 90, "DEEP_ARCHIVE": 180}


def taggable(token: str) -> bool:
    """Whether the pulumi_aws resource behind ``token`` accepts ``tags``."""
    return bool(aws_taggable(token))


def synth(config: LoggingConfig | None = None) -> tuple[ResourceGraph, dict[str, Any]]:
    """Synthesize one ManagedLogging; also return the outputs it registered."""
    registered: dict[str, Any] = {}
    original = pulumi.ComponentResource.register_outputs

    def spy(self: pulumi.ComponentResource, outputs: Any) -> None:
        if isinstance(self, ManagedLogging):
            registered.update(outputs)
        original(self, outputs)

    def program() -> None:
        pulumi.ComponentResource.register_outputs = spy  # type: ignore[method-assign]
        try:
            args = ManagedLoggingArgs(
                name_prefix=PREFIX, config=config or LoggingConfig(), tags=TAGS
            )
            registered["__component__"] = ManagedLogging("logs", args)
        finally:
            pulumi.ComponentResource.register_outputs = original  # type: ignore[method-assign]

    graph = run_program(program, project="gcmod", stack="test", region=REGION)
    return graph, registered


@pytest.fixture(scope="module")
def default() -> tuple[ResourceGraph, dict[str, Any]]:
    return synth()


def one(graph: ResourceGraph, token: str) -> ResourceNode:
    (node,) = graph.of_type(token)
    return node


def rules_by_id(graph: ResourceGraph) -> dict[str, dict]:
    return {r["id"]: r for r in one(graph, LIFECYCLE).inputs["rules"]}


# --- defaults -----------------------------------------------------------------
def test_one_log_group_per_class_with_its_retention(default):
    graph, _ = default
    groups = {g.inputs["name"]: g.inputs["retentionInDays"] for g in graph.of_type(LOG_GROUP)}
    assert groups == {
        f"{PREFIX}/application": 30,
        f"{PREFIX}/access": 90,
        f"{PREFIX}/audit": 400,
    }


def test_only_the_audit_class_is_archived(default):
    graph, _ = default
    assert len(graph.of_type(BUCKET)) == 1
    assert len(graph.of_type(FIREHOSE)) == 1
    (sub,) = graph.of_type(SUBSCRIPTION)
    assert sub.inputs["logGroup"] == f"{PREFIX}/audit"
    assert sub.inputs["filterPattern"] == ""
    stream = one(graph, FIREHOSE)
    assert sub.property_dependencies["destinationArn"] == (stream.urn,)


def test_archive_bucket_is_private_and_encrypted(default):
    graph, _ = default
    bucket = one(graph, BUCKET)
    block = one(graph, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    for key in (
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ):
        assert block.inputs[key] is True, key
    sse = one(
        graph,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    )
    algorithms = {
        r["applyServerSideEncryptionByDefault"]["sseAlgorithm"] for r in sse.inputs["rules"]
    }
    assert algorithms <= {"AES256", "aws:kms"} and algorithms
    owner = one(graph, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")
    assert owner.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    policy = one(graph, "aws:s3/bucketPolicy:BucketPolicy")
    for node in (block, sse, owner, policy, one(graph, LIFECYCLE)):
        assert node.property_dependencies["bucket"] == (bucket.urn,), node.type
    assert bucket.inputs.get("forceDestroy") is False


def test_lifecycle_tiers_and_expires_the_audit_prefix(default):
    graph, _ = default
    rules = rules_by_id(graph)
    audit = rules["archive-audit"]
    assert audit["status"] == "Enabled"
    assert audit["filter"] == {"prefix": "audit/"}
    assert audit["expiration"] == {"days": 1827}
    assert [(t["days"], t["storageClass"]) for t in audit["transitions"]] == [
        (30, "GLACIER_IR"),
        (180, "DEEP_ARCHIVE"),
    ]
    abort = rules["abort-incomplete-multipart-uploads"]
    assert abort["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    assert abort["status"] == "Enabled"


def test_firehose_delivers_under_the_class_prefix(default):
    graph, _ = default
    stream = one(graph, FIREHOSE)
    assert stream.inputs["destination"] == "extended_s3"
    s3 = stream.inputs["extendedS3Configuration"]
    assert s3["prefix"] == "audit/"
    assert s3["errorOutputPrefix"].startswith("audit/")
    # CloudWatch Logs already gzips subscription data: no second compression.
    assert s3["compressionFormat"] == "UNCOMPRESSED"
    assert s3["fileExtension"] == ".gz"
    assert s3["bufferingInterval"] == 900 and s3["bufferingSize"] == 128
    assert stream.inputs["serverSideEncryption"]["enabled"] is True
    bucket = one(graph, BUCKET)
    (firehose_role,) = [r for r in graph.of_type(ROLE) if r.name == "logs-audit-firehose"]
    deps = set(stream.property_dependencies["extendedS3Configuration"])
    assert deps == {bucket.urn, firehose_role.urn}


def test_roles_trust_only_their_service_with_a_confused_deputy_guard(default):
    graph, _ = default
    trusts = {}
    for role in graph.of_type(ROLE):
        (stmt,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        trusts[stmt["Principal"]["Service"]] = stmt
    assert set(trusts) == {"firehose.amazonaws.com", f"logs.{REGION}.amazonaws.com"}
    fh = trusts["firehose.amazonaws.com"]
    assert fh["Condition"] == {"StringEquals": {"sts:ExternalId": ACCOUNT_ID}}
    lg = trusts[f"logs.{REGION}.amazonaws.com"]
    assert lg["Condition"] == {
        "StringLike": {"aws:SourceArn": f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:*"}
    }


def test_subscription_and_stream_wait_for_their_permissions(default):
    graph, _ = default
    policies = {p.name: p.urn for p in graph.of_type("aws:iam/rolePolicy:RolePolicy")}
    assert policies["logs-audit-subscription"] in one(graph, SUBSCRIPTION).dependencies
    assert policies["logs-audit-firehose"] in one(graph, FIREHOSE).dependencies


def test_taggable_resources_carry_the_tags_and_are_children(default):
    graph, _ = default
    (component,) = graph.of_type(COMPONENT)
    checked = 0
    for node in graph.custom_resources:
        assert node.parent == component.urn, node.name
        assert node.name.startswith("logs-"), node.name
        if taggable(node.type):
            checked += 1
            assert node.tags.items() >= TAGS.items(), node.name
    assert checked == 7  # 3 log groups, bucket, stream, 2 roles


def test_registered_outputs_and_attributes(default):
    _, outputs = default
    logging = outputs.pop("__component__")
    assert set(outputs["logGroupNames"]) == {"application", "access", "audit"}
    assert set(logging.log_groups) == {"application", "access", "audit"}
    assert isinstance(outputs["archiveBucketName"], pulumi.Output)
    assert logging.archive_bucket is not None
    assert set(outputs["archiveStreamArns"]) == {"audit"}


# --- options --------------------------------------------------------------------
def test_no_archive_means_no_bucket_stream_or_roles():
    config = LoggingConfig(classes={"app": LogClass(retention_days=14)})
    graph, outputs = synth(config)
    assert [g.inputs["name"] for g in graph.of_type(LOG_GROUP)] == [f"{PREFIX}/app"]
    for token in (BUCKET, FIREHOSE, SUBSCRIPTION, ROLE, LIFECYCLE):
        assert graph.of_type(token) == [], token
    assert outputs["archiveBucketName"] is None
    assert outputs["__component__"].archive_bucket is None


def test_two_archived_classes_share_one_bucket():
    config = LoggingConfig(
        classes={
            "audit": LogClass(retention_days=365, archive_days=3653),
            "access": LogClass(retention_days=30, archive_days=100),
            "app": LogClass(retention_days=7),
        }
    )
    graph, _ = synth(config)
    assert len(graph.of_type(BUCKET)) == 1
    prefixes = {s.inputs["extendedS3Configuration"]["prefix"] for s in graph.of_type(FIREHOSE)}
    assert prefixes == {"audit/", "access/"}
    subs = {s.inputs["logGroup"] for s in graph.of_type(SUBSCRIPTION)}
    assert subs == {f"{PREFIX}/audit", f"{PREFIX}/access"}
    rules = rules_by_id(graph)
    assert rules["archive-audit"]["expiration"] == {"days": 3653}
    assert rules["archive-access"]["expiration"] == {"days": 100}
    # 100 days is too short for any archive tier's minimum billed duration.
    assert not rules["archive-access"].get("transitions")


# --- policies and lifecycle rules as pure functions --------------------------------
BUCKET_ARN = "arn:aws:s3:::gcmod-archive-1234"


def test_firehose_may_write_only_under_its_prefix():
    doc = firehose_write_policy(BUCKET_ARN, "audit/")
    actions = {a: s["Resource"] for s in doc["Statement"] for a in s["Action"]}
    assert actions["s3:PutObject"] == f"{BUCKET_ARN}/audit/*"
    assert actions["s3:ListBucket"] == BUCKET_ARN
    assert not any("*" in a for a in actions)
    assert "s3:DeleteObject" not in actions
    assert all(s["Effect"] == "Allow" for s in doc["Statement"])


def test_logs_may_only_put_records_into_its_stream():
    arn = f"arn:aws:firehose:{REGION}:{ACCOUNT_ID}:deliverystream/x"
    (stmt,) = put_records_policy(arn)["Statement"]
    assert stmt["Resource"] == arn
    assert sorted(stmt["Action"]) == ["firehose:PutRecord", "firehose:PutRecordBatch"]


def test_bucket_policy_denies_plain_http():
    (stmt,) = deny_insecure_transport_policy(BUCKET_ARN)["Statement"]
    assert stmt["Effect"] == "Deny"
    assert stmt["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert stmt["Resource"] == [BUCKET_ARN, f"{BUCKET_ARN}/*"]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (1827, [(30, "GLACIER_IR"), (180, "DEEP_ARCHIVE")]),
        (360, [(30, "GLACIER_IR"), (180, "DEEP_ARCHIVE")]),
        (359, [(30, "GLACIER_IR")]),
        (120, [(30, "GLACIER_IR")]),
        (119, []),
        (1, []),
    ],
)
def test_archive_transitions(days, expected):
    assert archive_transitions(days) == expected


@given(st.integers(min_value=1, max_value=36500))
def test_every_transition_meets_its_minimum_billed_duration(days):
    steps = archive_transitions(days)
    ends = [d for d, _ in steps[1:]] + [days]
    for (start, tier), end in zip(steps, ends[: len(steps)], strict=True):
        assert end - start >= MIN_DAYS[tier]
    assert [d for d, _ in steps] == sorted({d for d, _ in steps})


# --- validation -----------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["", "/gcmod/", "/gcmod test", "/gcmod/ログ", "x" * 600])
def test_bad_name_prefix_is_refused(prefix):
    with pytest.raises(ValueError, match="name_prefix"):
        ManagedLogging("logs", ManagedLoggingArgs(name_prefix=prefix))
