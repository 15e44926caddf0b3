"""GCM-TEN-002: listener rules per Application Load Balancer within the AWS quota.

Hand-built graphs and platform stacks of 100 and 101 tenants (made by the
tenant benchmark's generator) go through the real engine path
(:func:`gcmod.policies.harness.check_graph`).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from gcmod import reference as ref
from gcmod.components.tags import cost_tags
from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.rules import tenancy
from gcmod.program import synth_stack
from gcmod.stackfiles import resolve

REGION = "ap-northeast-1"
RULE = "GCM-TEN-002"
TAGS = cost_tags("juki", "production")
BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_tenants.py"


def node(type_: str, name: str, inputs: dict, deps: tuple[ResourceNode, ...] = ()) -> ResourceNode:
    return ResourceNode(
        urn=f"urn:pulumi:test::gcmod::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        inputs={"tags": TAGS, **inputs},
        dependencies=tuple(d.urn for d in deps),
        property_dependencies={"listenerArn": tuple(d.urn for d in deps)} if deps else {},
        region=REGION,
    )


def alb(name: str) -> tuple[ResourceNode, ResourceNode]:
    lb = node(tenancy.LOAD_BALANCERS[0], name, {"loadBalancerType": "application"})
    listener = node(tenancy.LISTENERS[0], f"{name}-https", {"loadBalancerArn": UNKNOWN}, (lb,))
    return lb, listener


def rules_on(listener: ResourceNode, n: int, prefix: str = "t") -> list[ResourceNode]:
    return [
        node(
            tenancy.LISTENER_RULES[0],
            f"{prefix}-{i:04d}",
            {"listenerArn": UNKNOWN, "priority": i + 1},
            (listener,),
        )
        for i in range(n)
    ]


def check(nodes: list[ResourceNode], config: dict | None = None) -> CheckReport:
    graph = ResourceGraph("gcmod", "test", REGION, tuple(nodes))
    return check_graph(graph, config, rules=[tenancy.listener_rules_within_quota])


def test_quota_figure_is_the_documented_default():
    assert ref.ALB_RULES_PER_LOAD_BALANCER == 100
    setting = tenancy.listener_rules_within_quota.settings[0]
    assert (setting.name, setting.default) == ("maxRulesPerLoadBalancer", 100)


def test_at_the_quota_passes():
    lb, listener = alb("app-alb")
    assert check([lb, listener, *rules_on(listener, 100)]).by_rule(RULE) == []


def test_one_over_the_quota_is_a_mandatory_finding_at_the_load_balancer():
    lb, listener = alb("app-alb")
    found = check([lb, listener, *rules_on(listener, 101)]).by_rule(RULE)
    assert len(found) == 1
    v = found[0]
    assert v.mandatory and v.urn == lb.urn and v.resource_name == "app-alb"
    assert "101 listener rules" in v.message.en and "TooManyRules" in v.message.en
    assert "quota allows 100" in v.message.en
    assert "リスナールールが 101 個" in v.message.ja


def test_rules_on_two_listeners_of_one_load_balancer_count_together():
    lb, https = alb("app-alb")
    other = node(tenancy.LISTENERS[0], "app-alb-8443", {"loadBalancerArn": UNKNOWN}, (lb,))
    nodes = [lb, https, other, *rules_on(https, 60, "a"), *rules_on(other, 41, "b")]
    found = check(nodes).by_rule(RULE)
    assert [v.urn for v in found] == [lb.urn]
    assert "101 listener rules" in found[0].message.en


def test_each_load_balancer_has_its_own_quota():
    lb1, l1 = alb("alb-1")
    lb2, l2 = alb("alb-2")
    nodes = [lb1, l1, lb2, l2, *rules_on(l1, 100, "a"), *rules_on(l2, 100, "b")]
    assert check(nodes).by_rule(RULE) == []


def test_a_raised_quota_is_a_setting():
    lb, listener = alb("app-alb")
    nodes = [lb, listener, *rules_on(listener, 150)]
    assert check(nodes, {"gcm-ten-002": {"maxRulesPerLoadBalancer": 200}}).by_rule(RULE) == []
    found = check(nodes, {"gcm-ten-002": {"maxRulesPerLoadBalancer": 120}}).by_rule(RULE)
    assert len(found) == 1 and "quota allows 120" in found[0].message.en


def test_rules_on_a_listener_outside_the_stack_group_by_its_arn():
    arn = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:listener/app/x/1/2"
    rules = [
        node(tenancy.LISTENER_RULES[0], f"r-{i:03d}", {"listenerArn": arn, "priority": i + 1})
        for i in range(101)
    ]
    found = check(rules).by_rule(RULE)
    assert len(found) == 1 and found[0].message.en.startswith(arn)
    assert found[0].resource_name == "r-100"  # the first rule over the quota


@pytest.fixture(scope="module")
def bench():
    # As when run as a script: benchmarks/ is on sys.path for its shared helpers
    # (benchlib), whichever test file a parallel worker ran first.
    sys.path.insert(0, str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("bench_tenants_quota", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_tenants_quota"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_tenants_quota", None)
    sys.path.remove(str(BENCH.parent))


@pytest.mark.parametrize(("tenants", "findings"), [(100, 0), (101, 1)])
def test_platform_stack_over_100_tenants_is_not_deployable_as_modelled(
    bench, tmp_path, tenants, findings
):
    _cfg, graph = synth_stack(resolve(str(bench.write_stack(tmp_path, tenants))))
    report = check_graph(graph, rules=[tenancy.listener_rules_within_quota])
    found = report.by_rule(RULE)
    assert len(found) == findings
    if findings:
        assert found[0].resource_type == tenancy.LOAD_BALANCERS[0]
        assert f"{tenants} listener rules" in found[0].message.en
