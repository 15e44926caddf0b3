"""The policy pack over its gRPC analyzer interface, driven as the Pulumi engine drives it.

One pack process per module (``python -u -m gcmod.policies``, as the engine
starts it). Each comparison sends ``Configure``, one ``Analyze`` per resource
and one ``AnalyzeStack`` over gRPC, and checks that the violations equal those
of the offline harness (:func:`gcmod.policies.harness.check_graph`), which
calls the same servicer in-process. Any difference is a bug in the harness:
"a rule that passes offline passes under the engine" would not hold.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from fixtures import liftshift
from fixtures.packserver import registered_rules, running_pack
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2 as pb

from gcmod.graph import ResourceGraph
from gcmod.policies import harness
from gcmod.policies.model import Rule, all_rules
from gcmod.policies.pack import PACK_NAME, WAIVED_POLICY, WAIVED_STACK_POLICY, description
from gcmod.synth import run_program

LEVELS = {"advisory": pb.ADVISORY, "mandatory": pb.MANDATORY, "disabled": pb.DISABLED}
SEVERITIES = {
    "low": pb.POLICY_SEVERITY_LOW,
    "medium": pb.POLICY_SEVERITY_MEDIUM,
    "high": pb.POLICY_SEVERITY_HIGH,
    "critical": pb.POLICY_SEVERITY_CRITICAL,
}
#: Pack configs compared over gRPC and offline (the ``--policy-pack-config`` file).
CONFIGS: dict[str, dict[str, Any] | None] = {
    "defaults": None,
    "all-advisory": {"all": "advisory"},
    "all-mandatory": {"all": "mandatory"},
    "all-disabled": {"all": "disabled"},
}


# ---------------------------------------------------------------------------
# Graphs
# ---------------------------------------------------------------------------
def _unknowns_program() -> None:
    """Values only the provider knows, where rules read them: every registered
    rule that looks at one of these must report "can't run during preview" the
    same way over gRPC and offline."""
    key = aws.kms.Key("unknowns-key")
    later = key.arn  # unknown before deployment

    def unknown(value: Any) -> pulumi.Output[Any]:
        return later.apply(lambda _: value)

    aws.cloudwatch.LogGroup("unknowns-retention", retention_in_days=unknown(30))
    aws.cloudwatch.LogGroup(
        "unknowns-tags", retention_in_days=30, tags=unknown({"Environment": "development"})
    )
    vpc = aws.ec2.Vpc("unknowns-vpc", cidr_block="10.9.0.0/16", tags={"Environment": "dev"})
    subnet = aws.ec2.Subnet("unknowns-subnet", vpc_id=vpc.id, cidr_block="10.9.0.0/24")
    aws.ec2.SecurityGroup(
        "unknowns-sg",
        vpc_id=vpc.id,
        ingress=[
            aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=443, to_port=443, cidr_blocks=[unknown("0.0.0.0/0")]
            )
        ],
    )
    aws.ec2.Instance(
        "unknowns-instance",
        ami="ami-0a1b2c3d4e5f67890",
        instance_type=unknown("m4.large"),
        subnet_id=subnet.id,
        tags=unknown({"Environment": "development"}),
    )
    aws.rds.Instance(
        "unknowns-db",
        engine="postgres",
        instance_class="db.t4g.medium",
        allocated_storage=20,
        multi_az=unknown(True),
        storage_encrypted=unknown(False),
        username="app",
        manage_master_user_password=True,
        skip_final_snapshot=True,
    )
    for i in range(2):
        eip = aws.ec2.Eip(f"unknowns-eip-{i}", domain="vpc")
        aws.ec2.NatGateway(
            f"unknowns-nat-{i}",
            allocation_id=eip.id,
            subnet_id=subnet.id,
            tags=unknown({"Environment": "development"}),
        )
    aws.ec2.VpcEndpoint("unknowns-endpoint", vpc_id=vpc.id, service_name=unknown("s3"))
    aws.s3.Bucket("unknowns-bucket", bucket=unknown("logs"))


@cache
def _graph(name: str) -> ResourceGraph:
    if name == "liftshift":
        return liftshift.graph()
    if name == "saas-prod":  # through the session's graph cache (tests/conftest.py)
        from gcmod import graphcache
        from gcmod.stackfiles import resolve

        return graphcache.synth_stack(resolve("saas-prod"))[1]
    if name == "unknowns":
        return run_program(
            _unknowns_program, project="unknowns", stack="t", region="ap-northeast-1"
        )
    if name.startswith("vendor-"):  # issue 13: assets, JSON default tags, default-osaka
        from fixtures.projects import project_graph

        program, stack = name.split("/")
        return project_graph(program, stack)  # through the session's graph cache
    raise KeyError(name)


GRAPHS = (
    "liftshift",
    "saas-prod",
    "unknowns",
    "vendor-lambda-inline/stg",
    "vendor-warm-standby/prod",
)


# ---------------------------------------------------------------------------
# The pack, and the same run over gRPC
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    """The rules the pack registers (not whatever this process has imported)."""
    registered = registered_rules()
    assert {r.id for r in registered} <= {r.id for r in all_rules()}
    return registered


@pytest.fixture(scope="module")
def stub():
    with running_pack() as s:
        yield s


def _grpc_check(
    stub, graph: ResourceGraph, rules: list[Rule], config: dict[str, Any] | None
) -> harness.CheckReport:
    """What ``check_graph`` does, with every request sent to the running pack."""
    stub.Configure(harness.configure_request(harness.normalize_pack_config(config, rules)))
    nodes = harness.analyzed_nodes(graph)
    responses = [
        (stub.Analyze(req), node)
        for req, node in zip(harness.analyze_requests(graph), nodes, strict=True)
    ]
    responses.append((stub.AnalyzeStack(harness.analyze_stack_request(graph)), None))
    report = harness.CheckReport(graph.stack, graph.region, rules, len(nodes))
    harness.collect(responses, rules, graph, report)
    return report


Key = tuple[str, str, str, str, str, bool]


def _keys(report: harness.CheckReport) -> Counter[Key]:
    return Counter(
        (v.rule.id, v.urn, v.enforcement, v.message.en, v.message.ja, v.unknown)
        for v in report.violations
    )


def _diff(grpc: Counter[Key], offline: Counter[Key]) -> str:
    def show(c: Counter[Key]) -> str:
        return "\n".join(f"    {n}x {k}" for k, n in sorted(c.items())) or "    (none)"

    return f"\n  over gRPC only:\n{show(grpc - offline)}\n  offline only:\n{show(offline - grpc)}"


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------
def test_analyzer_info_lists_exactly_the_registered_rules(stub, rules: list[Rule]) -> None:
    info = stub.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == PACK_NAME
    assert info.supportsConfig
    served = {p.name: p for p in info.policies}
    assert len(served) == len(info.policies), "policy names served twice"
    # Besides the rules: the two policies that report waived findings, advisory.
    waived = {WAIVED_POLICY: pb.POLICY_TYPE_RESOURCE, WAIVED_STACK_POLICY: pb.POLICY_TYPE_STACK}
    assert sorted(served) == sorted([*(r.policy_name for r in rules), *waived])
    for name, kind in waived.items():
        assert served[name].enforcementLevel == pb.ADVISORY and served[name].policy_type == kind
    for r in rules:
        p = served[r.policy_name]
        assert p.enforcementLevel == LEVELS[r.enforcement], r.id
        assert p.severity == SEVERITIES[r.severity], r.id
        assert p.description == description(r), r.id
        kind = pb.POLICY_TYPE_STACK if r.scope == "stack" else pb.POLICY_TYPE_RESOURCE
        assert p.policy_type == kind, r.id
        schema = json_format.MessageToDict(p.configSchema.properties)
        assert schema == {s.name: s.schema() for s in r.all_settings()}, r.id
        assert list(p.configSchema.required) == [], r.id


def test_configure_accepts_the_normalized_config(stub, rules: list[Rule]) -> None:
    req = harness.configure_request(harness.normalize_pack_config(None, rules))
    assert set(req.policyConfig) == {r.policy_name for r in rules}
    assert isinstance(stub.Configure(req), empty_pb2.Empty)


@pytest.mark.parametrize("config", list(CONFIGS), ids=list(CONFIGS))
@pytest.mark.parametrize("graph_name", GRAPHS)
def test_grpc_and_offline_report_the_same_violations(
    stub, rules: list[Rule], graph_name: str, config: str
) -> None:
    graph = _graph(graph_name)
    cfg = CONFIGS[config]
    grpc = _grpc_check(stub, graph, rules, cfg)
    offline = harness.check_graph(graph, cfg, rules)
    g, o = _keys(grpc), _keys(offline)
    assert g == o, f"{graph_name} / {config}: gRPC and offline disagree:{_diff(g, o)}"
    assert grpc.not_applicable == offline.not_applicable
    assert grpc.resources == offline.resources == len(harness.analyzed_nodes(graph))


def test_all_advisory_makes_everything_advisory(stub, rules: list[Rule]) -> None:
    graph = _graph("liftshift")
    default = _grpc_check(stub, graph, rules, None)
    advisory = _grpc_check(stub, graph, rules, {"all": "advisory"})
    offline = harness.check_graph(graph, {"all": "advisory"}, rules)
    assert default.violations, "the lift-and-shift estate should violate something"
    for report in (advisory, offline):
        assert {v.enforcement for v in report.violations} == {"advisory"}
        assert report.mandatory == []

    def what(r: harness.CheckReport) -> Counter[tuple[str, str, str, bool]]:
        return Counter((v.rule.id, v.urn, v.message.en, v.unknown) for v in r.violations)

    # Only the level changes: the same findings, advisory.
    assert what(advisory) == what(default)


def test_all_disabled_reports_nothing(stub, rules: list[Rule]) -> None:
    report = _grpc_check(stub, _graph("liftshift"), rules, {"all": "disabled"})
    assert report.violations == []


def test_unknown_values_are_reported_as_such(stub, rules: list[Rule]) -> None:
    """The log retention rule meets an unknown ``retentionInDays``: over gRPC it
    says it cannot run during preview (advisory, not a mandatory violation)."""
    if "GCM-LOG-001" not in {r.id for r in rules}:
        pytest.fail("rule GCM-LOG-001 not registered")
    graph = _graph("unknowns")
    report = _grpc_check(stub, graph, rules, None)
    target = graph.named("unknowns-retention").urn
    found = [v for v in report.by_rule("GCM-LOG-001") if v.urn == target]
    assert len(found) == 1, found
    assert found[0].unknown and found[0].enforcement == "advisory" and not found[0].mandatory
    assert "can't run policy 'gcm-log-001'" in found[0].message.en
