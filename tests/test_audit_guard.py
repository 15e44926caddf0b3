"""The audit's read-only guarantee: guarded clients refuse writes before sending."""

from __future__ import annotations

import boto3
import pytest
from awsmock import moto_account

from gcmod.audit.clients import make_client
from gcmod.audit.collect import CallCounter, all_collectors
from gcmod.audit.guard import (
    ReadOnlyViolation,
    install_read_only_guard,
    is_read_only,
    is_read_only_action,
)
from gcmod.audit.iampolicy import audit_policy_document

REGION = "ap-northeast-1"


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch):
    with moto_account(monkeypatch, REGION):
        yield


def test_is_read_only_pure():
    for op in ("DescribeInstances", "ListBuckets", "GetMetricData", "Describe*", "List"):
        assert is_read_only("ec2", op), op
    for op in ("RunInstances", "DeleteBucket", "PutRetentionPolicy", "CreateTags", "Getaway"):
        assert not is_read_only("ec2", op), op
    assert is_read_only("sts", "AssumeRole")
    assert is_read_only("sts", "GetCallerIdentity")
    assert not is_read_only("ec2", "AssumeRole")  # the allowlist is STS only
    assert not is_read_only("sts", "AssumeRoleWithWebIdentity")
    assert is_read_only_action("ec2:DescribeVolumes")
    assert not is_read_only_action("ec2:TerminateInstances")
    assert not is_read_only_action("DescribeVolumes")  # no service prefix


def test_guarded_ec2_refuses_run_instances_and_allows_describe():
    raw = boto3.client("ec2", region_name=REGION)
    guarded = install_read_only_guard(boto3.client("ec2", region_name=REGION))
    ami = raw.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    with pytest.raises(ReadOnlyViolation, match="RunInstances"):
        guarded.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    with pytest.raises(ReadOnlyViolation):
        guarded.create_volume(AvailabilityZone=f"{REGION}a", Size=8)
    assert raw.describe_instances()["Reservations"] == []
    assert raw.describe_volumes()["Volumes"] == []
    assert guarded.describe_instances()["Reservations"] == []  # reads work
    # Paginators go through the same guarded methods.
    assert list(guarded.get_paginator("describe_volumes").paginate()) != []


def test_guarded_s3_and_logs_refuse_writes_nothing_changes():
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="keep-me", CreateBucketConfiguration={"LocationConstraint": REGION})
    counter = CallCounter()
    gs3 = make_client(boto3.Session(), "s3", REGION, counter)
    with pytest.raises(ReadOnlyViolation, match="DeleteBucket"):
        gs3.delete_bucket(Bucket="keep-me")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["keep-me"]

    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName="/app")
    glogs = make_client(boto3.Session(), "logs", REGION, counter)
    with pytest.raises(ReadOnlyViolation, match="PutRetentionPolicy"):
        glogs.put_retention_policy(logGroupName="/app", retentionInDays=1)
    group = logs.describe_log_groups()["logGroups"][0]
    assert "retentionInDays" not in group
    assert glogs.describe_log_groups()["logGroups"][0]["logGroupName"] == "/app"
    # Refused calls never reached the counter (nothing was sent); reads were counted.
    assert counter.calls == {"logs.DescribeLogGroups": 1}


def test_sts_allowlist_passes_the_guard():
    sts = make_client(boto3.Session(), "sts", REGION, CallCounter())
    assert sts.get_caller_identity()["Account"]
    creds = sts.assume_role(
        RoleArn="arn:aws:iam::111111111111:role/audit", RoleSessionName="gcmod-audit"
    )
    assert creds["Credentials"]["AccessKeyId"]


def test_every_registered_collector_declares_only_reads():
    cols = all_collectors()
    for c in cols:
        assert c.iam_actions, f"{c.name} declares no IAM actions"
        for action in c.iam_actions:
            assert is_read_only_action(action), f"{c.name}: {action} is not read-only"


def test_policy_document_is_read_only_and_covers_every_collector():
    cols = all_collectors()
    doc = audit_policy_document(cols)
    assert doc["Version"] == "2012-10-17"
    actions = [a for s in doc["Statement"] for a in s["Action"]]
    assert all(s["Effect"] == "Allow" for s in doc["Statement"])
    for a in actions:
        assert is_read_only_action(a), a
    for c in cols:
        assert set(c.iam_actions) <= set(actions), c.name
    for a in ("sts:GetCallerIdentity", "cloudwatch:GetMetricData", "organizations:ListAccounts"):
        assert a in actions
    main = doc["Statement"][0]["Action"]
    assert main == sorted(set(main))
    assert "sts:AssumeRole" not in actions
