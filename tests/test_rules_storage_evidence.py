"""GCM-STO-003's evidence that a bucket holds logs, backups, dumps or archives
(issue 13): names in English and Japanese, tags, dump objects, and being the
destination of a log delivery or a database export. Fixtures are shaped as raw
pulumi_aws programs send them (bucket ids unknown before deployment, linked by
the engine's property dependencies)."""

from __future__ import annotations

from ruletest import only

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.rules import storage

BUCKET = "aws:s3/bucketV2:BucketV2"
PAB = storage.S3_PUBLIC_ACCESS_BLOCK
ALL_ON = dict.fromkeys(storage.PAB_FLAGS, True)


def node(
    type_: str, name: str, inputs: dict, props: dict[str, tuple[ResourceNode, ...]] | None = None
) -> ResourceNode:
    """A resource whose inputs came from ``props`` (input -> resources), as the engine
    reports property dependencies."""
    props = props or {}
    deps = tuple(dict.fromkeys(d.urn for ds in props.values() for d in ds))
    return ResourceNode(
        f"urn:pulumi:t::vendor::{type_}::{name}",
        type_,
        name,
        True,
        inputs,
        dependencies=deps,
        property_dependencies={k: tuple(d.urn for d in v) for k, v in props.items()},
        region="ap-northeast-1",
    )


def bucket(name: str, **inputs) -> list[ResourceNode]:
    b = node(BUCKET, name, inputs)
    return [b, node(PAB, f"{name}-pab", {"bucket": UNKNOWN, **ALL_ON}, {"bucket": (b,)})]


def run(*nodes: ResourceNode) -> CheckReport:
    graph = ResourceGraph("vendor", "t", "ap-northeast-1", tuple(nodes))
    return check_graph(graph, rules=[storage.bucket_lifecycle])


def test_sto003_ordinary_buckets_are_not_asked() -> None:
    assets, *assets_rest = bucket("web-assets", tags={"Purpose": "static site"})
    source, *source_rest = bucket("app-data")
    logs, *logs_rest = bucket("access-records", lifecycleRules=[
        {"enabled": True, "expiration": {"days": 90}}])  # fmt: skip
    report = run(
        assets,
        *assets_rest,
        node(
            "aws:s3/bucketObjectv2:BucketObjectv2",
            "index",
            {"bucket": UNKNOWN, "key": "index.html"},
            {"bucket": (assets,)},
        ),
        source,
        *source_rest,
        logs,
        *logs_rest,
        # app-data is the *source* of the logging: only its target holds logs.
        node(
            "aws:s3/bucketLoggingV2:BucketLoggingV2",
            "app-data-logging",
            {"bucket": UNKNOWN, "targetBucket": UNKNOWN, "targetPrefix": "s3/"},
            {"bucket": (source,), "targetBucket": (logs,)},
        ),
        # access logs switched off: the bucket is not (yet) a log bucket
        node(
            "aws:lb/loadBalancer:LoadBalancer",
            "alb",
            {"accessLogs": {"bucket": UNKNOWN, "enabled": False}},
            {"accessLogs": (assets,)},
        ),
    )
    assert report.by_rule("GCM-STO-003") == []


def test_sto003_names_and_tags_in_english_and_japanese() -> None:
    report = run(
        *bucket("db-dumps"),
        *bucket("nightly", bucket="juki-pg-export-2025"),
        *bucket("store-a", tags={"Purpose": "DB backup"}),
        *bucket("store-b", tags={"用途": "住基のバックアップ"}),
        *bucket("store-c", tags={"Name": "監査ログ"}),
        *bucket("store-d", tags={"Backup": "true"}),  # AWS Backup selection, not contents
    )
    assert "'dump' in its name" in only(report, "GCM-STO-003", "db-dumps").message.en
    assert "'export'" in only(report, "GCM-STO-003", "nightly").message.en
    v = only(report, "GCM-STO-003", "store-a")
    assert "tag Purpose=DB backup" in v.message.en and "タグ Purpose=DB backup" in v.message.ja
    assert "用途=住基のバックアップ" in only(report, "GCM-STO-003", "store-b").message.en
    only(report, "GCM-STO-003", "store-c")
    assert [v.resource_name for v in report.by_rule("GCM-STO-003")] == [
        "db-dumps",
        "nightly",
        "store-a",
        "store-b",
        "store-c",
    ]


def test_sto003_dump_objects_and_delivery_destinations() -> None:
    objs, *objs_rest = bucket("store-e")
    lb_b, *lb_rest = bucket("store-f")
    trail_b, *trail_rest = bucket("store-g", bucket="town-governance-7f3a")
    rds_b, *rds_rest = bucket("store-h")
    target, *target_rest = bucket("store-i")
    src, *src_rest = bucket("store-j")
    report = run(
        objs,
        *objs_rest,
        node(
            "aws:s3/bucketObjectv2:BucketObjectv2",
            "seed",
            {"bucket": UNKNOWN, "key": "2025/juki.SQL.gz", "source": UNKNOWN},
            {"bucket": (objs,)},
        ),
        lb_b,
        *lb_rest,
        node(
            "aws:lb/loadBalancer:LoadBalancer",
            "alb",
            {"accessLogs": {"bucket": UNKNOWN, "enabled": True, "prefix": "alb"}},
            {"accessLogs": (lb_b,)},
        ),
        trail_b,
        *trail_rest,
        # named in code, no dependency
        node("aws:cloudtrail/trail:Trail", "trail", {"s3BucketName": "town-governance-7f3a"}),
        rds_b,
        *rds_rest,
        node(
            "aws:rds/exportTask:ExportTask",
            "monthly-export",
            {"s3BucketName": UNKNOWN, "sourceArn": UNKNOWN, "exportTaskIdentifier": "m"},
            {"s3BucketName": (rds_b,)},
        ),
        target,
        *target_rest,
        src,
        *src_rest,
        node(
            "aws:s3/bucketLoggingV2:BucketLoggingV2",
            "store-j-logging",
            {"bucket": UNKNOWN, "targetBucket": UNKNOWN},
            {"bucket": (src,), "targetBucket": (target,)},
        ),
    )
    assert "object 2025/juki.SQL.gz" in only(report, "GCM-STO-003", "store-e").message.en
    v = only(report, "GCM-STO-003", "store-f")
    assert "destination of access logs of load balancer alb" in v.message.en
    assert "ロードバランサーのアクセスログ alb の出力先" in v.message.ja
    assert "CloudTrail trail trail" in only(report, "GCM-STO-003", "store-g").message.en
    assert "RDS snapshot export" in only(report, "GCM-STO-003", "store-h").message.en
    assert "S3 server access logging" in only(report, "GCM-STO-003", "store-i").message.en
    assert {v.resource_name for v in report.by_rule("GCM-STO-003")} == {
        "store-e",
        "store-f",
        "store-g",
        "store-h",
        "store-i",
    }


def test_sto003_new_settings_are_configurable() -> None:
    nodes = bucket("store", tags={"Team": "backup-ops"})
    graph = ResourceGraph("vendor", "t", "ap-northeast-1", tuple(nodes))
    rules = [storage.bucket_lifecycle]
    assert check_graph(graph, rules=rules).by_rule("GCM-STO-003") == []
    config = {"GCM-STO-003": {"purposeTagKeys": ["Team"]}}
    assert (
        "tag Team=backup-ops"
        in only(check_graph(graph, config, rules=rules), "GCM-STO-003", "store").message.en
    )
