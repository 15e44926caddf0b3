"""gcmod.components.observability: the dashboard, budgets per environment and tenant, alerts."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pytest

from gcmod.components.observability import Observability, ObservabilityArgs, tag_filter
from gcmod.graph import ResourceGraph
from gcmod.policies.harness import check_graph
from gcmod.synth import run_program

LB = (
    "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:"
    "loadbalancer/app/juki/0123456789abcdef"
)
BUDGET = "aws:budgets/budget:Budget"


def synth(**kw) -> ResourceGraph:
    args = {"load_balancer_arn": LB, "monthly_limit_usd": 900.0, **kw}
    return run_program(
        lambda: Observability("juki-obs", ObservabilityArgs(**args)),
        project="vendor-juki",
        stack="saas-prod",
        region="ap-northeast-1",
        config={"gcmod:system": "jumin-kihon-daicho"},
    )


@pytest.fixture(scope="module")
def graph() -> ResourceGraph:
    return synth(
        tenant_limits_usd={"012033": 300.0, "012173": 250.0}, alert_emails=["ops@example.jp"]
    )


def test_dashboard_shows_service_level_errors_latency_and_tenants(graph) -> None:
    (dash,) = graph.of_type("aws:cloudwatch/dashboard:Dashboard")
    body = json.loads(dash.get("dashboardBody"))
    titles = [w["properties"]["title"] for w in body["widgets"]]
    assert [t.split(" / ")[1].split(" (")[0] for t in titles] == [
        "Service level",
        "Errors",
        "Latency",
        "Requests per tenant",
    ]
    text = json.dumps(body)
    assert "app/juki/0123456789abcdef" in text and "TargetResponseTime" in text
    assert 'SEARCH(\'{gcmod/saas-prod,Tenant} MetricName=\\"Requests\\"' in text


def test_budgets_per_environment_and_tenant_alert_the_topic(graph) -> None:
    budgets = {b.get("name"): b for b in graph.of_type(BUDGET)}
    assert set(budgets) == {
        "juki-obs-production",
        "juki-obs-tenant-012033",
        "juki-obs-tenant-012173",
    }
    env = budgets["juki-obs-production"]
    assert env.get("limitAmount") == "900.00" and env.get("timeUnit") == "MONTHLY"
    assert env.get("costFilters.0.values") == [
        "user:gcmod:system$jumin-kihon-daicho",
        "user:gcmod:environment$production",
    ]
    tenant = budgets["juki-obs-tenant-012033"]
    assert tenant.get("costFilters.0.values") == [tag_filter("gcmod:tenant", "012033")]
    assert tenant.tags["gcmod:tenant"] == "012033"
    (topic,) = graph.of_type("aws:sns/topic:Topic")
    for b in budgets.values():
        kinds = {(n["notificationType"], n["threshold"]) for n in b.get("notifications")}
        assert kinds == {("ACTUAL", 80), ("FORECASTED", 100)}
        assert b.property_dependencies["notifications"] == (topic.urn,)
    (policy,) = graph.of_type("aws:sns/topicPolicy:TopicPolicy")
    assert "budgets.amazonaws.com" in policy.get("policy")
    (sub,) = graph.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert sub.get("endpoint") == "ops@example.jp"


def test_the_pack_accepts_it(graph) -> None:
    assert [(v.rule.id, v.resource_name) for v in check_graph(graph).mandatory] == []


def test_an_existing_topic_is_used_and_none_created() -> None:
    def program() -> None:
        topic = aws.sns.Topic("ops")
        Observability(
            "o",
            ObservabilityArgs(
                load_balancer_arn=LB, monthly_limit_usd=50, alert_topic_arn=topic.arn
            ),
        )

    g = run_program(program, project="p", stack="dev", region="ap-northeast-1")
    (topic,) = g.of_type("aws:sns/topic:Topic")
    assert topic.name == "ops" and g.of_type("aws:sns/topicPolicy:TopicPolicy") == []


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"monthly_limit_usd": 0}, "monthly_limit_usd must be a positive amount"),
        ({"tenant_limits_usd": {"012033": -1}}, r"tenant_limits_usd\[012033\]"),
        ({"alert_emails": ["not an address"]}, "not an e-mail address"),
    ],
)
def test_bad_arguments_are_refused(kw, match) -> None:
    with pytest.raises(ValueError, match=match):
        ObservabilityArgs(**{"load_balancer_arn": LB, "monthly_limit_usd": 10.0, **kw})
