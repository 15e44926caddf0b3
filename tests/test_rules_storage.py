"""Storage rules (policies/rules/storage.py) through the real engine path (check_graph)."""

from __future__ import annotations

import json

import pytest
from ruletest import assert_documented, hits, only

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import Rule
from gcmod.policies.rules import storage

RULES: list[Rule] = [v for v in vars(storage).values() if isinstance(v, Rule)]
IDS = {
    "GCM-STO-001",
    "GCM-STO-002",
    "GCM-STO-003",
    "GCM-STO-004",
    "GCM-SEC-020",
    "GCM-SEC-021",
    "GCM-SEC-022",
}
STACK, PROJECT, REGION = "test", "gcmod", "ap-northeast-1"

VOLUME = "aws:ebs/volume:Volume"
INSTANCE = "aws:ec2/instance:Instance"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
RDS = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
EFS = "aws:efs/fileSystem:FileSystem"
VAULT = "aws:backup/vault:Vault"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
ACL = "aws:s3/bucketAcl:BucketAcl"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ALL_ON = dict.fromkeys(storage.PAB_FLAGS, True)


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


def node(type_: str, name: str, deps: tuple[ResourceNode, ...] = (), /, **inputs) -> ResourceNode:
    return ResourceNode(
        urn(type_, name),
        type_,
        name,
        True,
        inputs,
        dependencies=tuple(d.urn for d in deps),
        region=REGION,
    )


def run(*nodes: ResourceNode, config: dict | None = None) -> CheckReport:
    return check_graph(ResourceGraph(PROJECT, STACK, REGION, tuple(nodes)), config, rules=RULES)


def bucket_set(name: str, *, lifecycle: dict | None = None, **bucket_inputs) -> list[ResourceNode]:
    """A bucket with its public access block (all on) and optionally a lifecycle config."""
    b = node(BUCKET, name, **bucket_inputs)
    out = [b, node(PAB, f"{name}-pab", (b,), bucket=UNKNOWN, **ALL_ON)]
    if lifecycle is not None:
        out.append(node(LIFECYCLE, f"{name}-lc", (b,), bucket=UNKNOWN, rules=[lifecycle]))
    return out


EXPIRE = {"id": "expire", "status": "Enabled", "expiration": {"days": 400.0}}
TRANSITION = {
    "id": "cold",
    "status": "Enabled",
    "transitions": [{"days": 30.0, "storageClass": "GLACIER_IR"}],
}


# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------
def test_rules_metadata() -> None:
    assert {r.id for r in RULES} == IDS
    assert_documented(RULES)
    for r in RULES:
        assert (r.scope == "stack") == (not r.resource_types)


# ---------------------------------------------------------------------------
# GCM-STO-001
# ---------------------------------------------------------------------------
def test_sto001_gp3_and_justified_piops_pass() -> None:
    report = run(
        node(VOLUME, "data-gp3", type="gp3", size=100.0, encrypted=True),
        node(VOLUME, "data-st1", type="st1", size=500.0, encrypted=True),
        node(VOLUME, "data-io2", type="io2", iops=20000.0, size=100.0, encrypted=True),
        node(INSTANCE, "web", rootBlockDevice={"volumeType": "gp3", "encrypted": True}),
        node(INSTANCE, "ami-decides", rootBlockDevice={"encrypted": True}),
        node(
            LT,
            "lt",
            blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": {"volumeType": "gp3"}}],
        ),
        node(RDS, "db-gp3", storageType="gp3", allocatedStorage=20.0, storageEncrypted=True),
        node(RDS, "db-default", allocatedStorage=20.0, storageEncrypted=True),
        node(CLUSTER, "aurora", storageType="aurora", storageEncrypted=True),
    )
    assert report.by_rule("GCM-STO-001") == []


def test_sto001_gp2_flagged_with_gp3_advice() -> None:
    report = run(
        node(VOLUME, "old-vol", type="gp2", size=10.0),
        node(VOLUME, "default-vol", size=10.0),
        node(RDS, "old-db", storageType="gp2", allocatedStorage=20.0),
        node(
            INSTANCE,
            "old-web",
            rootBlockDevice={"volumeType": "standard"},
            ebsBlockDevices=[{"deviceName": "/dev/sdf", "volumeType": "gp2"}],
        ),
    )
    v = only(report, "GCM-STO-001", "old-vol")
    assert "gp2" in v.message.en and "gp3" in v.message.en and "gp3 を使って" in v.message.ja
    assert "gp2" in only(report, "GCM-STO-001", "default-vol").message.en
    assert "gp2" in only(report, "GCM-STO-001", "old-db").message.en
    web = [v.message.en for v in hits(report, "GCM-STO-001", "old-web")]
    assert any("root volume uses standard" in m for m in web)
    assert any("EBS device /dev/sdf uses gp2" in m for m in web)


def test_sto001_piops_below_gp3_maximum_flagged() -> None:
    report = run(
        node(VOLUME, "fast-vol", type="io1", iops=5000.0, size=100.0),
        node(RDS, "fast-db", storageType="io1", iops=20000.0, allocatedStorage=1000.0),
        node(
            LT,
            "fast-lt",
            blockDeviceMappings=[{"deviceName": "/dev/sdb", "ebs": {"volumeType": "io2"}}],
        ),
    )
    v = only(report, "GCM-STO-001", "fast-vol")
    assert "io1 with 5000 IOPS" in v.message.en and "16000 IOPS" in v.message.en
    assert "16000 IOPS 以上" in v.message.ja
    assert "64000 IOPS" in only(report, "GCM-STO-001", "fast-db").message.en
    assert "no IOPS given" in only(report, "GCM-STO-001", "fast-lt").message.en


def test_sto001_setting_override() -> None:
    vol = node(VOLUME, "fast-vol", type="io1", iops=5000.0, size=100.0)
    assert hits(run(vol), "GCM-STO-001")
    report = run(vol, config={"GCM-STO-001": {"minProvisionedIops": 4000}})
    assert report.by_rule("GCM-STO-001") == []


def test_sto001_unknown_is_advisory_cant_run() -> None:
    report = run(node(VOLUME, "mystery", type=UNKNOWN, size=10.0))
    [v] = report.by_rule("GCM-STO-001")
    assert v.unknown and not v.mandatory and v.enforcement == "advisory"
    assert "can't run" in v.message.en


# ---------------------------------------------------------------------------
# GCM-STO-002
# ---------------------------------------------------------------------------
def test_sto002_sized_for_today_passes() -> None:
    report = run(
        node(VOLUME, "declared", type="gp3", size=100.0, tags={storage.DATA_GB_TAG: "60"}),
        node(VOLUME, "undeclared", type="gp3", size=400.0),
        node(VOLUME, "boot-sized", type="gp3", size=30.0, tags={storage.DATA_GB_TAG: "1"}),
        # 64,000 IOPS on io1 needs 1,280 GiB (50 IOPS per GiB)
        node(
            RDS,
            "iops-db",
            storageType="io1",
            iops=64000.0,
            allocatedStorage=1280.0,
            tags={storage.DATA_GB_TAG: "100"},
        ),
        node(VOLUME, "from-snapshot", type="gp3", snapshotId="snap-1"),
    )
    assert report.by_rule("GCM-STO-002") == []


def test_sto002_overprovisioned_flagged() -> None:
    report = run(
        node(VOLUME, "five-years", type="gp3", size=1000.0, tags={storage.DATA_GB_TAG: "100"}),
        node(RDS, "big-db", storageType="gp3", allocatedStorage=2000.0),
        node(
            INSTANCE,
            "fat-server",
            rootBlockDevice={"volumeSize": 100.0},
            ebsBlockDevices=[{"deviceName": "/dev/sdf", "volumeSize": 900.0}],
            tags={storage.DATA_GB_TAG: "50"},
        ),
        node(VOLUME, "bad-tag", type="gp3", size=10.0, tags={storage.DATA_GB_TAG: "lots"}),
    )
    v = only(report, "GCM-STO-002", "five-years")
    assert "1000 GB for 100 GB" in v.message.en and "200 GB (2x)" in v.message.en
    assert "宣言データ量 100 GB" in v.message.ja
    v = only(report, "GCM-STO-002", "big-db")
    assert "2000 GB" in v.message.en and storage.DATA_GB_TAG in v.message.en
    assert "500 GB" in v.message.en
    assert "1000 GB for 50 GB" in only(report, "GCM-STO-002", "fat-server").message.en
    assert "not a number" in only(report, "GCM-STO-002", "bad-tag").message.en


def test_sto002_setting_override() -> None:
    vol = node(VOLUME, "roomy", type="gp3", size=250.0, tags={storage.DATA_GB_TAG: "100"})
    assert hits(run(vol), "GCM-STO-002", "roomy")
    assert run(vol, config={"GCM-STO-002": {"overProvisionFactor": 3}}).by_rule("GCM-STO-002") == []


# ---------------------------------------------------------------------------
# GCM-STO-003
# ---------------------------------------------------------------------------
def test_sto003_log_buckets_with_lifecycle_pass() -> None:
    named = node(BUCKET, "named-archive", bucket="town-archive")
    report = run(
        *bucket_set("app-logs", lifecycle=EXPIRE),
        *bucket_set("backup-copies", lifecycle=TRANSITION),
        *bucket_set("alblogs", lifecycleRules=[{"enabled": True, "expiration": {"days": 90.0}}]),
        *bucket_set("web-assets"),  # not a log/backup bucket
        named,
        node(PAB, "named-pab", (named,), **ALL_ON),
        # matched by bucket name, no dependency
        node(LIFECYCLE, "named-lc", bucket="town-archive", rules=[EXPIRE]),
    )
    assert report.by_rule("GCM-STO-003") == []


def test_sto003_log_buckets_without_lifecycle_flagged() -> None:
    abort_only = {
        "id": "abort",
        "status": "Enabled",
        "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7.0},
    }
    report = run(
        *bucket_set("audit-trail"),
        *bucket_set("cloudtrail-store", lifecycle=abort_only),
        *bucket_set("db-backups", lifecycle={**EXPIRE, "status": "Disabled"}),
        *bucket_set("misc", tags={storage.PURPOSE_TAG: "exports"}),
    )
    v = only(report, "GCM-STO-003", "audit-trail")
    assert "'audit'" in v.message.en and "lifecycle" in v.message.en
    assert "ライフサイクルルール" in v.message.ja
    only(report, "GCM-STO-003", "cloudtrail-store")
    only(report, "GCM-STO-003", "db-backups")
    assert "gcmod:purpose=exports" in only(report, "GCM-STO-003", "misc").message.en


def test_sto003_keywords_setting() -> None:
    nodes = bucket_set("web-assets")
    assert run(*nodes).by_rule("GCM-STO-003") == []
    report = run(*nodes, config={"GCM-STO-003": {"keywords": ["assets"]}})
    only(report, "GCM-STO-003", "web-assets")


def test_sto003_unknown_rules_cant_run_but_others_reported() -> None:
    b = node(BUCKET, "logs-a")
    report = run(
        b,
        node(PAB, "logs-a-pab", (b,), **ALL_ON),
        node(LIFECYCLE, "logs-a-lc", (b,), rules=UNKNOWN),
        *bucket_set("logs-b"),
    )
    only(report, "GCM-STO-003", "logs-b")
    unknown = [v for v in report.by_rule("GCM-STO-003") if v.unknown]
    assert len(unknown) == 1 and not unknown[0].mandatory


# ---------------------------------------------------------------------------
# GCM-SEC-020
# ---------------------------------------------------------------------------
def test_sec020_blocked_buckets_pass() -> None:
    report = run(*bucket_set("private-data"), node(BUCKET_V2, "legacy"))
    assert [v.resource_name for v in report.by_rule("GCM-SEC-020")] == ["legacy"]
    account = node(ACCOUNT_PAB, "account", **ALL_ON)
    assert run(node(BUCKET, "covered"), account).by_rule("GCM-SEC-020") == []


def test_sec020_public_buckets_flagged() -> None:
    b = node(BUCKET, "half-open")
    acl_b = node(BUCKET, "acl-open")
    pol_b = node(BUCKET, "policy-open")
    public_policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}],
    }
    report = run(
        node(BUCKET, "no-block"),
        b,
        node(PAB, "half-open-pab", (b,), **{**ALL_ON, "blockPublicPolicy": False}),
        *bucket_set("inline-acl", acl="public-read"),
        acl_b,
        node(PAB, "acl-open-pab", (acl_b,), **ALL_ON),
        node(ACL, "acl-open-acl", (acl_b,), acl="public-read-write"),
        pol_b,
        node(PAB, "policy-open-pab", (pol_b,), **ALL_ON),
        node(POLICY, "policy-open-policy", (pol_b,), policy=json.dumps(public_policy)),
    )
    v = only(report, "GCM-SEC-020", "no-block")
    assert "no BucketPublicAccessBlock" in v.message.en and v.rule.severity == "critical"
    assert "BucketPublicAccessBlock がありません" in v.message.ja
    assert "blockPublicPolicy off" in only(report, "GCM-SEC-020", "half-open").message.en
    assert "public ACL public-read;" in only(report, "GCM-SEC-020", "inline-acl").message.en
    assert "public-read-write" in only(report, "GCM-SEC-020", "acl-open").message.en
    # The public policy is GCM-SEC-022's finding since issue 13 (on the policy resource).
    assert not hits(report, "GCM-SEC-020", "policy-open")
    assert "Principal *" in only(report, "GCM-SEC-022", "policy-open-policy").message.en


def test_sec020_unknown_flag_cant_run() -> None:
    b = node(BUCKET, "later")
    report = run(b, node(PAB, "later-pab", (b,), **{**ALL_ON, "ignorePublicAcls": UNKNOWN}))
    [v] = report.by_rule("GCM-SEC-020")
    assert v.unknown and not v.mandatory


# ---------------------------------------------------------------------------
# GCM-SEC-021
# ---------------------------------------------------------------------------
def test_sec021_encrypted_resources_pass() -> None:
    report = run(
        node(VOLUME, "enc", type="gp3", size=10.0, encrypted=True),
        node(VOLUME, "restored", type="gp3", snapshotId="snap-1"),
        node(CLUSTER, "aurora", storageEncrypted=True),
        node(RDS, "replica", replicateSourceDb="db-1"),
        node(EFS, "files", encrypted=True),
        node(VAULT, "vault", kmsKeyArn=UNKNOWN),  # a key created in the same program
        node(INSTANCE, "web", rootBlockDevice={"encrypted": True}),
        node(
            LT,
            "lt",
            blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true"}}],
        ),
        *bucket_set("plain-bucket"),  # SSE-S3 by default
    )
    assert report.by_rule("GCM-SEC-021") == []


def test_sec021_unencrypted_resources_flagged() -> None:
    report = run(
        node(VOLUME, "clear-vol", type="gp3", size=10.0),
        node(RDS, "clear-db", storageType="gp3", allocatedStorage=20.0),
        node(CLUSTER, "clear-cluster", storageEncrypted=False),
        node(EFS, "clear-files"),
        node(VAULT, "aws-key-vault"),
        node(INSTANCE, "no-root-spec"),
        node(
            LT,
            "clear-lt",
            blockDeviceMappings=[{"deviceName": "/dev/sdb", "ebs": {"encrypted": "false"}}],
        ),
    )
    v = only(report, "GCM-SEC-021", "clear-vol")
    assert "not encrypted (encrypted is not true)" in v.message.en
    assert "暗号化されていません" in v.message.ja
    assert "storageEncrypted" in only(report, "GCM-SEC-021", "clear-db").message.en
    assert "storageEncrypted" in only(report, "GCM-SEC-021", "clear-cluster").message.en
    only(report, "GCM-SEC-021", "clear-files")
    assert "kmsKeyArn" in only(report, "GCM-SEC-021", "aws-key-vault").message.en
    assert "root volume" in only(report, "GCM-SEC-021", "no-root-spec").message.en
    assert "/dev/sdb" in only(report, "GCM-SEC-021", "clear-lt").message.en


def test_sec021_vault_key_setting() -> None:
    vault = node(VAULT, "aws-key-vault")
    config = {"GCM-SEC-021": {"requireCustomerKeyForVaults": False}}
    assert run(vault, config=config).by_rule("GCM-SEC-021") == []


# ---------------------------------------------------------------------------
# The sample stacks
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples(sample_stacks):
    """The built-in samples (synthesized once per session in conftest)."""
    return {n: g for n, (_c, g) in sample_stacks.items()}


def test_sample_without_public_access_block_is_caught(samples) -> None:
    g = samples["saas-prod"]
    stripped = ResourceGraph(
        g.project, g.stack, g.region, tuple(r for r in g.resources if r.type != PAB)
    )
    report = check_graph(stripped, rules=RULES)
    [v] = report.by_rule("GCM-SEC-020")
    assert v.resource_name == "saas-prod-logs-archive" and v.mandatory
