"""GCM-SEC-022 (bucket policies do not allow everyone), through the engine path.

Policies come as vendors write them: a JSON string, an object with parts unknown
before deployment (the bucket's ARN), or wholly unknown (``Output.json_dumps``).
"""

from __future__ import annotations

import json

from ruletest import hits, only

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.rules import storage

BUCKET = "aws:s3/bucketV2:BucketV2"
LEGACY_BUCKET = "aws:s3/bucket:Bucket"
POLICY = storage.S3_POLICY
PAB = storage.S3_PUBLIC_ACCESS_BLOCK
ALL_ON = dict.fromkeys(storage.PAB_FLAGS, True)


def node(type_: str, name: str, inputs: dict, on: ResourceNode | None = None) -> ResourceNode:
    """A resource whose ``bucket`` input came from ``on`` (engine property dependency)."""
    props = {"bucket": (on.urn,)} if on is not None else {}
    return ResourceNode(
        f"urn:pulumi:t::vendor::{type_}::{name}",
        type_,
        name,
        True,
        inputs,
        dependencies=(on.urn,) if on is not None else (),
        property_dependencies=props,
        region="ap-northeast-1",
    )


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, condition: dict | None = None, sid: str | None = None, **extra) -> dict:
    s = {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::b/*", **extra}  # fmt: skip
    if sid:
        s["Sid"] = sid
    if condition:
        s["Condition"] = condition
    return s


def with_policy(name: str, policy, *, blocked: bool = False) -> list[ResourceNode]:
    b = node(BUCKET, name, {})
    out = [b, node(POLICY, f"{name}-policy", {"bucket": UNKNOWN, "policy": policy}, b)]
    if blocked:
        out.append(node(PAB, f"{name}-pab", {"bucket": UNKNOWN, **ALL_ON}, b))
    return out


def run(*nodes: ResourceNode) -> CheckReport:
    graph = ResourceGraph("vendor", "t", "ap-northeast-1", tuple(nodes))
    return check_graph(graph, rules=[storage.bucket_policy_not_public])


def test_sec022_restricted_policies_pass() -> None:
    deny_tls = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}  # fmt: skip
    report = run(
        *with_policy("tls-only", doc(deny_tls)),
        *with_policy("role", doc(allow({"AWS": "arn:aws:iam::123456789012:role/app"}))),
        *with_policy("vpce", doc(allow("*", {"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}}))),
        *with_policy("org", doc(allow({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID":
                                                                        "o-abc123"}}))),
        *with_policy(
            "cloudfront",
            doc(allow({"Service": "cloudfront.amazonaws.com"},
                      {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/E"}})),
        ),
        # Output.json_dumps(...) with the bucket ARN: unknown, but the bucket's
        # public access block keeps any public statement from taking effect.
        *with_policy("computed", UNKNOWN, blocked=True),
    )  # fmt: skip
    assert report.by_rule("GCM-SEC-022") == []


def test_sec022_public_policies_flagged() -> None:
    legacy = node(LEGACY_BUCKET, "legacy-site", {"policy": doc(allow("*", sid="PublicRead"))})
    report = run(
        *with_policy("open", doc(allow("*", sid="Open"))),
        *with_policy("list-star", doc(allow({"AWS": ["arn:aws:iam::1:root", "*"]},
                                            {"Bool": {"aws:SecureTransport": "true"}}))),
        *with_policy("not-principal", doc({"Effect": "Allow", "NotPrincipal": {"AWS": "x"},
                                           "Action": "s3:*", "Resource": "*"})),
        *with_policy("any-ip", doc(allow("*", {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}))),
        *with_policy("wild-vpce", doc(allow("*", {"StringLike": {"aws:SourceVpce": "vpce-*"}}))),
        *with_policy("if-exists", doc(allow("*", {"StringEqualsIfExists": {"aws:SourceVpce":
                                                                           "vpce-1a2b"}}))),
        # an object policy whose Resource is unknown: the decision does not need it
        *with_policy("object", {"Version": "2012-10-17",
                                "Statement": [allow("*", Resource=UNKNOWN)]}),
        legacy,
    )  # fmt: skip
    v = only(report, "GCM-SEC-022", "open-policy")
    assert v.rule.severity == "critical"
    assert "(on open): statement Open allows everyone" in v.message.en
    assert "全員 (`Principal *`)" in v.message.ja
    for name in ("list-star", "not-principal", "any-ip", "wild-vpce", "if-exists", "object"):
        only(report, "GCM-SEC-022", f"{name}-policy")
    assert "statement PublicRead" in only(report, "GCM-SEC-022", "legacy-site").message.en
    assert len(hits(report, "GCM-SEC-022")) == 8


def test_sec022_unknown_policy_without_block_cant_run_but_others_reported() -> None:
    report = run(
        *with_policy("computed", UNKNOWN),
        *with_policy("open", doc(allow("*"))),
    )
    only(report, "GCM-SEC-022", "open-policy")
    unknown = [v for v in report.by_rule("GCM-SEC-022") if v.unknown]
    assert len(unknown) == 1 and not unknown[0].mandatory
